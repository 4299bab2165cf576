"""A contestable verdict: the verdict under a chosen specification, under every shipped perspective, over all
specifications, what drives it and what would flip it — from cached indicator draws, in one call.

:func:`contest` takes the indicator draws the ledger built (at the central spillover half-life, plus the same draws
rebuilt at the low and high ends of its range, which only re-aggregates cached model outputs) and returns a
:class:`Contest`: P(MEX more) by year under the specification, under each shipped perspective
(:func:`~ironriver.sovereignty.specification.shipped_specifications`), over sampled specifications (with the
share under which each state is the more threatened and a sentence on robustness), the Sobol indices of the
score gap per year (:mod:`~ironriver.sovereignty.sensitivity`) and the flip analysis per year
(:mod:`~ironriver.sovereignty.flip`). :meth:`Contest.to_json_dict` gives the ``assess --json`` sections
``specifications``, ``specification_uncertainty``, ``sensitivity`` and ``flip``.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from importlib import resources
from pathlib import Path
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ironriver.sovereignty.aggregate import DEFAULT_WEIGHTINGS, STATE_ORDER, DrawsLike, Scores, aggregate
from ironriver.sovereignty.flip import YearFlip, flip_analysis
from ironriver.sovereignty.headline import headline_of, used_status
from ironriver.sovereignty.ledger import Ledger
from ironriver.sovereignty.sensitivity import (
    SpecificationUncertainty,
    sobol_analysis,
    space_of,
    specification_uncertainty,
)
from ironriver.sovereignty.specification import (
    KIND_ORDER,
    Specification,
    SpecificationError,
    load_specification,
    shipped_specifications,
)
from ironriver.sovereignty.transforms import assumption

__all__ = ["Contest", "contest", "contest_of", "ledger_under", "SOBOL_BASE", "SOBOL_RESAMPLES"]

SOBOL_BASE = 256
"""Saltelli base sample: the model is re-aggregated SOBOL_BASE × (groups + 2) times (≈ 3,300 for 11 groups)."""
SOBOL_RESAMPLES = 100
"""Bootstrap resamples behind each Sobol interval."""


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(float(value)) else float(value)


@dataclass(frozen=True)
class Contest:
    """Everything :func:`contest` found; see the module docstring."""

    years: np.ndarray
    specification: Specification
    specification_file: str
    scores: Scores
    perspectives: tuple[dict[str, Any], ...]
    uncertainty: SpecificationUncertainty
    sensitivity: pd.DataFrame
    flips: tuple[YearFlip, ...]
    headline_year: int

    def flip(self, year: int) -> YearFlip:
        return next(f for f in self.flips if f.year == year)

    def drivers(self, year: int, n: int = 3) -> pd.DataFrame:
        """The ``n`` groups with the largest total Sobol index in ``year``."""
        table = self.sensitivity[self.sensitivity.year == year]
        return table.nlargest(n, "ST")

    def robustness(self, year: int | None = None) -> str:
        """How robust the verdict of ``year`` (default the headline year) is to the specification."""
        year = self.headline_year if year is None else year
        j = int(np.flatnonzero(self.years == year)[0])
        p_mex, p_usa = float(self.scores.p_mex_more[j]), float(self.scores.p_usa_more[j])
        state = "MEX" if p_mex > p_usa else "USA" if p_usa > p_mex else None
        return self.uncertainty.sentence(year, state, max(p_mex, p_usa) if state else None, self.specification_file)

    def to_json_dict(self) -> dict[str, Any]:
        by_year = lambda values: {str(int(y)): _finite(v) for y, v in zip(self.years, values)}  # noqa: E731
        return {
            "specification": {"name": self.specification.name, "file": self.specification_file,
                              "description": self.specification.description,
                              "p_mex_more": by_year(self.scores.p_mex_more),
                              "p_usa_more": by_year(self.scores.p_usa_more)},
            "specifications": list(self.perspectives),
            "specification_uncertainty": {
                "n_specifications": self.uncertainty.n_specifications,
                "draws_per_specification": self.uncertainty.draws_per_specification,
                "robustness": self.robustness(),
                "robustness_by_year": {str(int(y)): self.robustness(int(y)) for y in self.years},
                "by_year": [{k: (_finite(v) if k != "year" else int(v)) for k, v in row.items()}
                            for row in self.uncertainty.table().to_dict("records")]},
            "sensitivity": [{"year": int(r["year"]), "group": r["group"],
                             **{k: _finite(r[k]) for k in ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high",
                                                           "share_undefined") if k in r}}
                            for r in self.sensitivity.to_dict("records")],
            "flip": [_clean(f.to_json()) for f in self.flips],
        }


def _clean(value: Any) -> Any:
    """NaN → None throughout (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, float):
        return _finite(value)
    return value


def ledger_under(draws: Any, spec: Specification, *, seed: int = 0, n_weightings: int = DEFAULT_WEIGHTINGS,
                 missing: list[str] | None = None, stage: Any = None) -> Ledger:
    """The ledger of ``draws`` aggregated under ``spec`` (under the neutral default: the ledger's own score()).
    ``stage``: :func:`~ironriver.sovereignty.aggregate.kind_stage` of the same draws and spec, if already made."""
    scores = aggregate(draws, spec, seed, n_weightings=n_weightings, stage=stage)
    kind_scores = {(state, kind): scores.kind[:, s, k][None].astype(np.float32)
                   for s, state in enumerate(STATE_ORDER) for k, kind in enumerate(KIND_ORDER)}
    overall = {state: scores.overall[:, :, s, :].astype(np.float32) for s, state in enumerate(STATE_ORDER)}
    return Ledger(draws, scores.threats.astype(np.float32), kind_scores, overall, scores.comparable,
                  scores.kind_weights, list(missing or []))


def _perspective(draws: DrawsLike, spec: Specification, file: str, seed: int) -> dict[str, Any]:
    scores = aggregate(draws, spec, seed)
    return {"name": spec.name, "file": file, "description": spec.description,
            "p_mex_more": {str(int(y)): _finite(p) for y, p in zip(draws.years, scores.p_mex_more)},
            "p_usa_more": {str(int(y)): _finite(p) for y, p in zip(draws.years, scores.p_usa_more)}}


def _cache_key(central: DrawsLike, spec: Specification, half_lives: Sequence[float], settings: tuple) -> str:
    """A digest of everything the analysis depends on: the draws, the specification, the settings, this code."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(central.values).tobytes())
    digest.update(np.asarray(central.status).astype(str).tobytes())
    digest.update(central.table.to_json().encode())
    digest.update(spec.model_dump_json().encode())
    digest.update(repr((tuple(float(h) for h in half_lives), settings)).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")) + sorted(Path(str(
            resources.files("ironriver.data").joinpath("specs"))).glob("*.toml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def contest(central: DrawsLike, specification: Specification | None = None, *,
            specification_file: str = "specs/neutral.toml", seed: int = 0,
            rebuild: Callable[[float], DrawsLike] | None = None, half_lives: Sequence[float] | None = None,
            sobol_base: int = SOBOL_BASE, n_specifications: int = 128, cache_dir: Path | None = None,
            submit: Callable[..., Future | None] | None = None) -> Contest:
    """The contestable verdict from cached indicator draws.

    Parameters
    ----------
    central : IndicatorDraws
        The ledger's draws (built at the central spillover half-life).
    specification : Specification, optional
        The specification of the verdict (default: the shipped neutral one); its Sobol and flip analyses
        vary every input around it.
    rebuild : callable, optional
        ``half_life → IndicatorDraws``: the same draws at another spillover half-life (cheap once the models
        are cached). Used for the Sobol decay group, the flip search and a perspective that sets a half-life.
        Without it the decay group is left out.
    half_lives : sequence of float, optional
        The central half-life of ``central`` first, then the others to vary over (default: the central value,
        low and high end of the assumption ``spillover_half_life_years``).
    cache_dir : Path, optional
        Where to keep results between runs, keyed by a digest of the draws, specification, settings and code.
    submit : callable, optional
        ``submit(function, *args)`` → Future: runs the flip search in another process while the rest is
        computed here (the chain's worker, :mod:`~ironriver.sovereignty.worker`); the same result either way.
    """
    spec = specification or load_specification()
    if half_lives is None:
        item = assumption("spillover_half_life_years")
        half_lives = (item.value, item.low, item.high)
    half_lives = tuple(float(h) for h in half_lives)
    settings = (seed, sobol_base, n_specifications, specification_file, rebuild is not None)
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"contest-{_cache_key(central, spec, half_lives, settings)}.pkl"
        if path in _LOADED:             # the report and the claims ask again for what the chain just read
            return _LOADED[path]
        if path.is_file():
            try:
                with path.open("rb") as stream:
                    return _remember(path, pickle.load(stream))
            except Exception:  # a damaged or outdated cache entry is recomputed
                path.unlink(missing_ok=True)
    variants = {half_lives[0]: central}
    if rebuild is not None:
        variants.update({h: rebuild(h) for h in half_lives[1:]})

    def draws_for(candidate: Specification) -> DrawsLike:
        wanted = candidate.decay.spillover_half_life_years
        if wanted is None:
            return central
        if float(wanted) not in variants:
            if rebuild is None:
                raise SpecificationError(f"{candidate.name}: decay.spillover_half_life_years needs the models "
                                         "to rebuild the indicator draws")
            variants[float(wanted)] = rebuild(float(wanted))
        return variants[float(wanted)]

    chosen = draws_for(spec)
    order = [h for h in half_lives if h in variants]
    space = space_of([chosen, *[variants[h] for h in order[1:]]], spec,
                     [spec.decay.spillover_half_life_years or order[0], *order[1:]])
    pending = submit(flips_of, space, seed) if submit is not None else None
    scores = aggregate(chosen, spec, seed)
    perspectives = tuple(_perspective(draws_for(s), s, f"specs/{name}.toml", seed)
                         for name, file in shipped_specifications().items()
                         for s in [load_specification(file)])
    uncertainty = specification_uncertainty(space, n_specifications=n_specifications, seed=seed)
    sensitivity = sobol_analysis(space, n_base=sobol_base, n_resamples=SOBOL_RESAMPLES, seed=seed)
    flips = _flips(pending, space, seed)
    comparable = [int(y) for y, p in zip(central.years, scores.p_mex_more) if np.isfinite(p)]
    used = central.status if scores.threats is None else used_status(central.status, scores.threats)
    headline = headline_of(used, central.table, scores.comparable, central.years, comparable).year
    result = Contest(np.asarray(central.years), spec, specification_file, scores, perspectives, uncertainty,
                     sensitivity, flips, headline)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        with partial.open("wb") as stream:
            pickle.dump(result, stream)
        partial.replace(path)
        _remember(path, result)
    return result


def flips_of(space: Any, seed: int) -> tuple[YearFlip, ...]:
    """Every year's verdict flips (:func:`~ironriver.sovereignty.flip.flip_analysis`), as a tuple that pickles."""
    return tuple(flip_analysis(space, seed=seed))


def _flips(pending: Future | None, space: Any, seed: int) -> tuple[YearFlip, ...]:
    """The flips from ``pending`` if another process took them on, else computed here (also when that
    process has not started them yet, or broke)."""
    if pending is not None and not pending.cancel():
        try:
            return pending.result()
        except Exception:  # a broken worker: compute them here
            pass
    return flips_of(space, seed)


_LOADED: dict[Path, Contest] = {}
"""The last contest read or written in this process, by cache file (one entry: a file's name is its inputs' digest)."""


def _remember(path: Path, result: Contest) -> Contest:
    _LOADED.clear()
    _LOADED[path] = result
    return result


def contest_of(draws: Any, inputs: Any, specification: Specification | None = None, *, seed: int = 0,
               specification_file: str = "specs/neutral.toml", use_cache: bool = True,
               submit: Callable[..., Future | None] | None = None) -> Contest:
    """:func:`contest` for the chain: rebuilds the draws at other spillover half-lives from the chain's inputs
    (cheap: the models are cached) and keeps results in the chain's cache folder; ``submit`` as in :func:`contest`."""
    from ironriver.sovereignty.draws import build_indicator_draws
    from ironriver.store.build import home

    n_draws = int(draws.values.shape[0])

    def rebuild(half_life: float) -> Any:
        return build_indicator_draws(inputs, None, draws.years, n_draws=n_draws, seed=seed, half_life_years=half_life)

    return contest(draws, specification, specification_file=specification_file, seed=seed, rebuild=rebuild,
                   cache_dir=home() / "assess-cache" if use_cache else None, submit=submit)
