"""What-if: the verdict and the ledger under a specification the visitor edits, re-aggregated from cached draws.

A visitor picks a perspective (one of the shipped specifications) and changes it: the kinds' weights,
which indicators count, where the reference points sit. :func:`specification_of` turns those choices into a
validated :class:`~ironriver.sovereignty.specification.Specification`; :func:`what_if` cuts the run's
indicator draws (every year, measured once per seed) to the window and aggregates them under it with the
sovereignty stage's own ``ledger_under`` and ``verdict`` — the models are never refitted, so a change
costs an aggregation, not a run. :func:`to_toml` writes the specification as a file that
``ironriver assess --spec`` reads back to the same verdict.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from ironriver.errors import IronRiverError, UnknownNameError

__all__ = ["available", "scenarios", "check_scenario", "reproduce_command", "warm_up", "perspectives", "specification_of", "what_if", "to_toml", "cut_draws", "KIND_ORDER"]

KIND_ORDER = ("domestic", "interdependence", "westphalian", "international_legal")
REFERENCE_CHOICES = ("central", "low", "high", "drawn")


def available() -> bool:
    """Whether this build has specifications and re-aggregation (the sovereignty stage's contest module)."""
    try:
        from ironriver.sovereignty.contest import ledger_under  # noqa: F401
        from ironriver.sovereignty.specification import load_specification  # noqa: F401
    except ImportError:
        return False
    return True


def perspectives() -> list[dict[str, Any]]:
    """The shipped specifications: name, description, file name, and their kind weights if fixed."""
    if not available():
        return []
    from ironriver.sovereignty.specification import load_specification, shipped_specifications

    out = []
    for name, path in sorted(shipped_specifications().items()):
        spec = load_specification(name)
        fixed = spec.kinds.fixed_weights()
        out.append({"name": name, "description": spec.description, "file": f"specs/{path.name}",
                    "weights": None if fixed is None else dict(zip(KIND_ORDER, fixed)),
                    "reference": spec.reference.choice, "exclude": list(spec.indicators.exclude)})
    return out


def scenarios() -> list[dict[str, str]]:
    """The shipped policy scenarios a what-if can apply (``assess --scenario NAME``): name and description.

    Sweeps (files with a ``[grid]`` of lever values) are for ``ironriver sweep``, not one assessment, and are
    left out.
    """
    return [{"name": name, "description": description} for name, description in _shipped_scenarios()]


@functools.lru_cache(maxsize=1)
def _shipped_scenarios() -> tuple[tuple[str, str], ...]:
    """(name, description) of each shipped scenario that is not a sweep, read once per process: the files ship
    with the package, and every scenario request checks its name against this list."""
    import tomllib

    from ironriver.data.shipped import list_shipped, resolve_shipped

    out = []
    for name, description in list_shipped("scenarios"):
        with resolve_shipped("scenarios", name).open("rb") as handle:
            if "grid" not in tomllib.load(handle):
                out.append((name, description))
    return tuple(out)


def check_scenario(name: str) -> str:
    """``name`` if it is a shipped scenario a what-if can apply (an allow-list); else raise naming the choices."""
    known = [s["name"] for s in scenarios()]
    if name not in known:
        raise UnknownNameError("scenario", name, known)
    return name


def reproduce_command(spec_file: str, first: int, last: int, seed: int, scenario: str | None) -> str:
    """The command that gives the what-if's verdict again from the downloaded specification file."""
    return " ".join(["ironriver assess", f"--years {first}:{last}", *([f"--seed {seed}"] if seed else []),
                     *([f"--scenario {scenario}"] if scenario else []), f"--spec {spec_file}"])


def warm_up(run: dict[str, Any]) -> None:
    """Aggregate once under the neutral specification, so that a visitor's first what-if is as fast as the rest."""
    if not available() or run.get("draws") is None:
        return
    from ironriver.sovereignty.specification import load_specification

    years = run["draws"].years
    what_if(run["draws"], load_specification(), int(years.min()), int(years.max()), seed=int(run["seed"]),
            n_weightings=1)


def specification_of(base: str, weights: dict[str, float] | None, exclude: list[str] | None,
                     reference: str | None, known_indicators: list[str]) -> Any:
    """The specification ``base`` with the visitor's kind weights (normalised to sum 1), exclusions and
    reference choice. Unknown perspectives or indicators raise with the closest names; weights that are all
    zero, negative or not finite raise a one-line error."""
    from ironriver.sovereignty.specification import load_specification, shipped_specifications

    shipped = shipped_specifications()
    if base not in shipped:
        raise UnknownNameError("perspective", base, sorted(shipped))
    spec = load_specification(base)
    changes: dict[str, Any] = {}
    if weights is not None:
        if any(not math.isfinite(w) or w < 0 for w in weights.values()):
            raise IronRiverError("kind weights must be finite and not negative")
        total = sum(weights.values())
        if total <= 0:
            raise IronRiverError("at least one kind needs a weight above zero")
        changes["kinds"] = {**spec.kinds.model_dump(), "weights": {k: weights.get(k, 0.0) / total for k in KIND_ORDER},
                            "concentration": None, "per_concept": False}
    if exclude is not None:
        for name in exclude:
            if name not in known_indicators:
                raise UnknownNameError("indicator", name, known_indicators)
        changes["indicators"] = {**spec.indicators.model_dump(), "include": None, "exclude": sorted(set(exclude))}
    if reference is not None:
        if reference not in REFERENCE_CHOICES:
            raise IronRiverError(f"reference must be one of {', '.join(REFERENCE_CHOICES)}, got {reference!r}")
        changes["reference"] = {**spec.reference.model_dump(), "choice": reference}
    if not changes:
        return spec
    return spec.with_changes(name=f"{base}-what-if", description=f"{base}, changed in the dashboard", **changes)


def cut_draws(draws: Any, first: int, last: int) -> Any:
    """The indicator draws of ``first``–``last`` only (a year's values do not depend on the window)."""
    keep = (draws.years >= first) & (draws.years <= last)
    lineage = tuple(tuple(t for t, k in zip(row, keep) if k) for row in draws.lineage) if draws.lineage else ()
    return dataclasses.replace(draws, years=draws.years[keep], values=draws.values[..., keep],
                               status=draws.status[:, keep], lineage=lineage)


KEEP_STAGES = 32
"""Kind-score stages kept (a stage is a few megabytes: draws × 2 states × 4 kinds × years)."""
_stages: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
_stages_lock = threading.Lock()


def _kind_stage(draws: Any, spec: Any, first: int, last: int, seed: int) -> tuple[Any, Any]:
    """The window's draws and their kind scores under ``spec`` before the kinds are weighted, kept per run,
    window, seed and everything of the specification but its kind weights: moving a weight slider re-weights
    cached kind scores instead of recomputing every indicator's threat."""
    from ironriver.sovereignty.aggregate import kind_stage

    without_weights = spec.model_dump(mode="json")
    without_weights["kinds"] = {"aggregation": without_weights["kinds"]["aggregation"]}
    without_weights.pop("name", None)
    without_weights.pop("description", None)
    key = (id(draws), first, last, seed, json.dumps(without_weights, sort_keys=True))
    with _stages_lock:
        hit = _stages.get(key)
        if hit is not None and hit[0] is draws:
            _stages.move_to_end(key)
            return hit[1]
    window = cut_draws(draws, first, last)
    found = (window, kind_stage(window, spec, seed))
    with _stages_lock:
        _stages[key] = (draws, found)  # the draws themselves are kept with the key, so an id is never reused
        while len(_stages) > KEEP_STAGES:
            _stages.popitem(last=False)
    return found


def what_if(draws: Any, spec: Any, first: int, last: int, *, seed: int, n_weightings: int) -> dict[str, Any]:
    """The verdict and the ledger's cells for ``first``–``last`` under ``spec`` (re-aggregated, not refitted)."""
    from ironriver.sovereignty.contest import ledger_under
    from ironriver.sovereignty.verdict import verdict

    window, stage = _kind_stage(draws, spec, first, last, seed)
    ledger = ledger_under(window, spec, seed=seed, n_weightings=n_weightings, stage=stage)
    result = verdict(ledger, by_kind=False)  # the what-if shows no kind's comparison
    headline = result.headline
    return {"years": [first, last], "seed": seed, "specification": spec.name,
            "verdict": {"year": result.headline_year, "sentence": result.sentence(), "summary": result.summary(),
                        "p_mex_more": _round(headline.p_mex_more), "p_usa_more": _round(headline.p_usa_more)},
            "by_year": [{"year": c.year, "p_mex_more": _round(c.p_mex_more)} for c in result.comparisons
                        if c.kind == "overall"],
            "ledger": _cells(ledger)}


def _cells(ledger: Any) -> list[dict[str, Any]]:
    """Median and 90% interval of every state × kind (and overall) × year, straight from the score arrays
    (the ledger's own table also lists each cell's indicators, which a what-if does not need and which costs
    seconds). Each block's quantiles are taken in one vectorised pass
    (:func:`ironriver.sovereignty.measures.nan_quantiles`)."""
    from ironriver.sovereignty.measures import nan_quantiles

    years = [int(year) for year in ledger.years]
    rows = []
    for state in ("MEX", "USA"):
        for kind in (*KIND_ORDER, "overall"):
            scores = ledger.overall[state] if kind == "overall" else ledger.kind_scores[(state, kind)]
            low, median, high = nan_quantiles(scores.reshape(-1, scores.shape[-1]).astype(float), (0.05, 0.5, 0.95))
            rows += [{"state": state, "kind": kind, "year": year, "median": _round(median[j]),
                      "low90": _round(low[j]), "high90": _round(high[j])} for j, year in enumerate(years)]
    return rows


def _round(value: Any) -> float | None:
    value = float(value)
    return None if np.isnan(value) else round(value, 6)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def to_toml(spec: Any, command: str | None = None) -> str:
    """The specification as a TOML file ``ironriver assess --spec`` reads (None values are left out), with the
    ``command`` that reproduces the dashboard's view (window, seed, scenario) in its header comment."""
    data = spec.model_dump()
    lines = [f"# {spec.description or spec.name} — written by the ironriver dashboard",
             *([f"# reproduce: {command}"] if command else []), ""]
    sections = {k: v for k, v in data.items() if isinstance(v, dict)}
    for key, value in data.items():
        if key not in sections and value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    for name, section in sections.items():
        lines += ["", f"[{name}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in section.items() if v is not None]
    return "\n".join(lines) + "\n"
