"""The main job: run the chain store → iron-river estimate → spillover → simulate baseline → ledger → verdict.

:func:`assess` is what ``ironriver assess`` and ``ironriver.assess()`` call. Each model is imported lazily
and run through a small adapter; a model that is not installed or fails stops the chain with
:class:`~ironriver.errors.ModelFailedError` naming it, unless the caller passes ``allow_missing=True``: then it
is left out, the chain runs on, and :attr:`Assessment.missing` says what is not included so that the report
can say it too. A failure is never cached. Each
model's output is cached on disk under ``ironriver.store.build.home()/assess-cache`` keyed by what it
depends on — the store key and the models' source code, plus the years and seed (iron river), the seed
(spillover), or the years, seed and scenario file's hash (simulation) — so a second run skips the models.
The ledger itself is recomputed every time (well under a second). On two cores one worker process
(:mod:`~ironriver.sovereignty.worker`) runs the spillover estimate while the iron river is fitted, then the
simulation and the contest's flip search while the ledger is scored: the same results as in one process.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pickle
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ironriver.data.shipped import resolve_shipped
from ironriver.errors import IronRiverError, ModelFailedError, OutOfRangeError
from ironriver.files import atomic_write
from ironriver.sovereignty.catalogue import concepts
from ironriver.sovereignty.draws import build_indicator_draws
from ironriver.sovereignty.indicators import Inputs
from ironriver.sovereignty.ledger import DEFAULT_DRAWS, DEFAULT_WEIGHTINGS, Ledger, score
from ironriver.sovereignty.verdict import Verdict, verdict
from ironriver.sovereignty.worker import portable_calibration, start_worker

__all__ = ["Assessment", "assess", "gather_inputs", "YEAR_SPAN", "DEFAULT_YEARS", "parse_years", "STEPS",
           "CACHE_VERSION"]

YEAR_SPAN = (1998, 2025)
"""Years the ledger can cover: from the first Mexican firearm-homicide series (1998) to the latest data."""
DEFAULT_YEARS = (2000, 2025)
"""The default window: from the first full year of US border data (FY2000) to the latest data."""
STEPS = ("store", "iron-river estimate", "spillover", "simulate baseline", "ledger", "what would change it")
"""The chain's steps, in order (the CLI adds "report")."""
CACHE_VERSION = "2"
SIMULATION_REPLICATES = 200
"""Replicates of the supply-chain simulation per run (the Sankey shows their mean)."""
TABLES = ("mx_homicides", "mx_population", "mx_states", "cow_nmc", "usa_mex_mids", "usbp_encounters_annual",
          "usbp_encounters_monthly", "cbp_drug_seizures", "cbp_drug_seizures_2023_2026", "geo_states", "atf_traces_us",
          "synthetic_opioid_deaths_annual", "overdose_death_rates_national", "tx_border_crime")
"""Store tables the ledger and the report read."""

Progress = Callable[[str, int, int], None]


def parse_years(text: str | tuple[int, int] | None) -> tuple[int, int]:
    """``"2005:2024"`` (or a tuple) → (2005, 2024), checked against :data:`YEAR_SPAN`."""
    if text is None:
        return DEFAULT_YEARS
    if isinstance(text, str):
        parts = text.split(":")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise IronRiverError(f"--years must look like 2005:2024, got {text!r}")
        first, last = int(parts[0]), int(parts[1])
    else:
        first, last = int(text[0]), int(text[1])
    if first > last:
        raise OutOfRangeError(f"years {first}:{last}: the first year is after the last")
    if first < YEAR_SPAN[0] or last > YEAR_SPAN[1]:
        raise OutOfRangeError(f"years {first}:{last} outside the span the data cover, "
                              f"{YEAR_SPAN[0]}:{YEAR_SPAN[1]}")
    return first, last


@dataclass
class Assessment:
    """Everything the chain produced: the ledger, the verdict, the model outputs and what is missing."""

    years: tuple[int, int]
    seed: int
    scenario: str | None
    ledger: Ledger
    verdict: Verdict
    inputs: Inputs
    iron_river: dict[str, Any] | None
    spillover: dict[str, Any] | None
    simulation: dict[str, Any] | None
    missing: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    cache_hit: bool = False
    contest: Any = None
    """The contestable verdict (:class:`~ironriver.sovereignty.contest.Contest`): perspectives, specification
    uncertainty, Sobol indices and flips; None if not computed."""

    def to_json_dict(self) -> dict[str, Any]:
        """The ledger and the verdict as plain JSON-ready data (what ``--json`` prints)."""
        table = self.ledger.table()
        verdicts = self.verdict.table()
        return {
            "years": list(self.years), "seed": self.seed, "scenario": self.scenario,
            "verdict": {"year": self.verdict.headline_year, "sentence": self.verdict.sentence(),
                        "summary": self.verdict.summary(),
                        **{k: _clean(v) for k, v in self.verdict.headline.__dict__.items()}},
            "headline": self.verdict.why.to_json() if self.verdict.why is not None else None,
            "comparisons": [{k: _clean(v) for k, v in row.items()} for row in verdicts.to_dict("records")],
            "ledger": [{k: _clean(v) for k, v in row.items()} for row in table.to_dict("records")],
            "concepts": concept_records(),
            "indicators": indicator_records(self.ledger),
            "not_included": list(dict.fromkeys(self.missing)),
            **(self.contest.to_json_dict() if self.contest is not None else {}),
        }


def concept_records() -> list[dict[str, Any]]:
    """The concept table as JSON-ready objects: kind, concept, title, MEX, USA (indicator id or None), note."""
    return [{"kind": r["kind"], "concept": r["concept"], "title": r["title"], "MEX": r["MEX"] or None,
             "USA": r["USA"] or None, "shared_reference": bool(r["shared_reference"]), "note": r["note"]}
            for r in concepts().to_dict("records")]


def indicator_records(ledger: Ledger) -> list[dict[str, Any]]:
    """The indicator table as JSON-ready objects (id, state, kind, concept, source, max_years_carried, …)."""
    status = ledger.draws.status
    out = []
    for i, row in enumerate(ledger.draws.table.to_dict("records")):
        counts = {name: int((status[i] == name).sum()) for name in ("observed", "partial", "forecast", "carried",
                                                                      "missing")}
        out.append({**{k: _clean(v) for k, v in row.items()}, "years_by_status": counts})
    return out


def _clean(value: Any) -> Any:
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    return value


# ----------------------------------------------------------------------------------------------------
# inputs


def gather_inputs(tables: tuple[str, ...] = TABLES) -> Inputs:
    """Load the store tables, literature and timeline; a table not in the store yet is noted as missing."""
    from ironriver.store import literature, load_tables, timeline

    loaded = load_tables(tables)
    missing = [f"store table {name} is not built yet" for name, table in loaded.items() if table is None]
    return Inputs(tables=loaded, literature=literature(), timeline=timeline(), missing=missing)


# ----------------------------------------------------------------------------------------------------
# model adapters (contracts: see the module docstrings of ironriver.estimate and ironriver.supply_chain)


def _flow_column(draws: pd.DataFrame) -> str:
    candidates = [c for c in draws.columns if c not in ("draw", "year") and pd.api.types.is_numeric_dtype(draws[c])]
    preferred = [c for c in candidates if "gun" in c or "flow" in c]
    if not (preferred or candidates):
        raise IronRiverError("iron-river draws have no numeric flow column")
    return (preferred or candidates)[0]


def run_iron_river(seed: int) -> dict[str, Any]:
    """Run the iron-river estimate over every year it supports; return its draws (draw, year, guns_per_year),
    its attrition draws (draw, attrition: the illicit stock's yearly attrition, same draw ids), summary and
    comparison with the literature.

    The whole span is fitted whatever the ledger's window, so that one seed gives the same flows for a year
    in every window (and one cached fit serves them all); the ledger takes the years it needs.
    """
    module = importlib.import_module("ironriver.estimate.iron_river")
    span = module.supported_years() if hasattr(module, "supported_years") else YEAR_SPAN
    posterior = module.estimate_iron_river(years=(int(span[0]), int(span[1])), seed=seed)
    draws = pd.DataFrame(posterior.draws)
    column = _flow_column(draws)
    draws = draws[["draw", "year", column]].rename(columns={column: "guns_per_year"})
    draws = draws.astype({"draw": int, "year": int, "guns_per_year": float})
    # the headline periods travel with the cached output, so that a cached run need not load the estimate stage
    periods = tuple((int(start), int(end)) for start, end in getattr(module, "HEADLINE_PERIODS", ()))
    out: dict[str, Any] = {"draws": draws, "posterior": posterior, "years": (int(span[0]), int(span[1])),
                           "attrition": attrition_draws(posterior), "headline_periods": periods}
    for name in ("summary", "compare_literature"):
        try:
            out[name] = pd.DataFrame(getattr(posterior, name)())
        except Exception as error:  # an optional view; the draws are what the ledger needs
            out[name] = None
            out[f"{name}_error"] = f"{type(error).__name__}: {error}"
    return out


def attrition_draws(posterior: Any) -> pd.DataFrame | None:
    """The posterior's attrition of the illicit stock per draw (``draw``, ``attrition``), or None if it has none."""
    parameters = getattr(posterior, "parameter_draws", None)
    if not isinstance(parameters, pd.DataFrame) or "parameter" not in parameters.columns:
        return None
    rows = parameters[parameters["parameter"] == "attrition"]
    if rows.empty:
        return None
    return pd.DataFrame({"draw": rows["draw"].to_numpy(dtype=int), "attrition": rows["value"].to_numpy(dtype=float)})


def _effect_draws(result: Any, summary: dict[str, Any]) -> tuple[np.ndarray, str]:
    draws = getattr(result, "draws", None)
    if isinstance(draws, pd.DataFrame):
        columns = [c for c in draws.columns if "effect" in c and "pct" in c] or \
                  [c for c in draws.columns if "effect" in c]
        if columns:
            return draws[columns[0]].to_numpy(dtype=float), f"posterior draws of {columns[0]}"
    if isinstance(draws, (np.ndarray, list)) and np.ndim(draws) == 1:
        return np.asarray(draws, dtype=float), "posterior draws"
    effect = summary["effect_pct"]
    sd = (effect["high95"] - effect["low95"]) / (2 * 1.959964)
    rng = np.random.default_rng(0)
    return (rng.normal(effect["estimate"], sd, 4000),
            "normal approximation to effect_pct's 95% interval (the model exposed no draws)")


def run_spillover(seed: int) -> dict[str, Any]:
    """Run the spillover estimate; return its summary dict and draws of the effect in percent."""
    from ironriver.estimate.spillover import spillover

    # The falsification designs are for the spillover report; the ledger needs the effect's draws and the
    # event study, and skipping them makes the main job several times faster.
    options = {"falsification": False} if "falsification" in inspect.signature(spillover).parameters else {}
    result = spillover(seed=seed, **options)
    summary = result.to_dict()
    effect, how = _effect_draws(result, summary)
    return {"summary": summary, "effect_draws": effect, "effect_lineage": how}


def load_scenario(path: Path) -> Any:
    """Parse a scenario file up front, so that a bad file stops the chain before anything runs."""
    if not path.is_file():
        raise IronRiverError(f"scenario file {path} does not exist")
    try:
        from ironriver.supply_chain import Scenario
    except ImportError as error:
        raise IronRiverError(f"cannot apply scenario {path}: the simulation stage is not available ({error})") \
            from None
    return Scenario.from_toml(path)


def run_simulation(scenario: Any | None, seed: int, calibration: Any | None) -> dict[str, Any]:
    """Simulate the supply chain: the baseline, and the scenario if given (same seed: common random numbers).

    Returns, per run, the Sankey links (mean guns a year), the guns arriving in Mexico and the calibration
    used; for a scenario also its paired % change in arrivals against the baseline.
    """
    from ironriver.supply_chain import Scenario, simulate

    # Follow the iron-river posterior when the chain has one; otherwise the literature prior (never "auto",
    # which would re-run the estimate the chain has just failed or skipped).
    kwargs: dict[str, Any] = {"replicates": SIMULATION_REPLICATES, "seed": seed,
                              "calibration": calibration if calibration is not None else "literature"}
    base = simulate(Scenario.baseline(), **kwargs)
    runs = {"baseline": base} | ({"scenario": simulate(scenario, **kwargs)} if scenario is not None else {})
    out: dict[str, Any] = {}
    for name, result in runs.items():
        links = sankey_links(result)
        out[name] = {"sankey": links, "arrived": arrived(links), "calibration": str(result.calibration),
                     "years": [int(y) for y in result.years], "name": str(result.scenario.name),
                     "replicates": SIMULATION_REPLICATES}
    if scenario is not None:
        change = runs["scenario"].compare(base)
        row = change[(change["group"] == "total") & (change["quantity"] == "arrived")].iloc[0]
        out["scenario"]["arrived_change_pct"] = {"median": float(row["relative_pct"]),
                                                 "low": float(row["relative_low_pct"]),
                                                 "high": float(row["relative_high_pct"])}
    return out


def sankey_links(result: Any) -> pd.DataFrame:
    """Links ``source``, ``target``, ``value`` (guns a year) from a simulation result's Sankey-ready table.

    Accepts a table already in link form, or one with stage columns (source → channel → crossing →
    outcome) and a count column, which is summed into links between consecutive stages. Means over
    replicates are used where the result offers them, so that flows add up along the chain.
    """
    method = getattr(result, "sankey_table", None)
    if method is None:
        raise IronRiverError("simulation result has no Sankey table")
    try:
        table = pd.DataFrame(method(statistic="mean"))
    except TypeError:
        table = pd.DataFrame(method())
    if {"source", "target", "value"} <= set(table.columns):
        return table[["source", "target", "value"]].astype({"source": str, "target": str, "value": float})
    stages = [c for c in ("source", "channel", "crossing", "outcome") if c in table.columns]
    numeric = [c for c in table.columns if c not in stages and pd.api.types.is_numeric_dtype(table[c])]
    if len(stages) < 2 or not numeric:
        raise IronRiverError(f"cannot read a Sankey table with columns {list(table.columns)}")
    value = "guns_per_year" if "guns_per_year" in numeric else numeric[0]
    links = []
    for left, right in zip(stages, stages[1:]):
        grouped = table.groupby([left, right])[value].sum().reset_index()
        links.append(pd.DataFrame({"source": f"{left}: " + grouped[left].astype(str),
                                   "target": f"{right}: " + grouped[right].astype(str),
                                   "value": grouped[value].astype(float)}))
    return pd.concat(links, ignore_index=True)


def arrived(links: pd.DataFrame) -> float:
    """Guns a year reaching an outcome that says they arrived in Mexico."""
    return float(links.loc[links["target"].str.contains("arrived", case=False), "value"].sum())


# ----------------------------------------------------------------------------------------------------
# cache


def _source_hash(packages: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _base_key() -> str:
    """What every cached model output depends on: the store's data and the models' source code."""
    from ironriver.store.build import store_key

    return f"{CACHE_VERSION}|{store_key()}|{_source_hash(('evidence', 'estimate', 'supply_chain'))}"


def _entry_key(base: str, name: str, parts: tuple) -> str:
    """The cache key of one model's output: the base key plus the inputs that model depends on."""
    return f"{name}-" + hashlib.sha256(f"{base}|{name}|{parts!r}".encode()).hexdigest()[:20]


def _calibration(iron_river: dict[str, Any] | None) -> Any:
    """What the simulation follows: the live posterior, else its cached draws (draw, year, flow), else None."""
    if iron_river is None:
        return None
    if iron_river.get("posterior") is not None:
        return iron_river["posterior"]
    return iron_river["draws"].rename(columns={"guns_per_year": "flow"})


def _cache_path(key: str) -> Path:
    from ironriver.store.build import home

    folder = home() / "assess-cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{key}.pickle"


def _read_cache(key: str) -> dict[str, Any] | None:
    path = _cache_path(key)
    if not path.exists():
        return None
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)
    except Exception:  # a stale or truncated cache is rebuilt, never trusted
        return None


def _write_cache(key: str, models: dict[str, Any]) -> None:
    """Write the cache atomically; a cache that cannot be written only costs time on the next run."""
    try:
        with atomic_write(_cache_path(key), force=True, binary=True) as stream:
            pickle.dump(models, stream, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, OSError, IronRiverError):
        pass


# ----------------------------------------------------------------------------------------------------
# the chain


IRON_RIVER_LABEL = "iron-river estimate (ironriver.estimate.iron_river)"
SPILLOVER_LABEL = "spillover estimate (ironriver.estimate.spillover)"
SIMULATION_LABEL = "supply-chain simulation (ironriver.simulate)"


def _entry(label: str, function: Callable[..., Any], *args: Any) -> dict[str, Any]:
    """One model's cache entry: ``function(*args)`` (None if it failed) and the notes of what is missing. At
    module level, so that the worker process can run it as well as this one."""
    notes: list[str] = []
    return {"value": _attempt(label, lambda: function(*args), notes), "missing": notes}


def _collect(pending: Future) -> dict[str, Any] | None:
    """The worker's result, or None if the worker itself broke (the caller then runs the job inline)."""
    try:
        return pending.result()
    except Exception:  # a broken worker process (killed, unpicklable result) is a reason to retry, not to fail
        return None


def _without_posterior(output: Any) -> Any:
    """A model output minus a live posterior object (it need not pickle; its draws are kept)."""
    if isinstance(output, dict) and "posterior" in output:
        return {k: v for k, v in output.items() if k != "posterior"}
    return output


def _attempt(label: str, action: Callable[[], Any], missing: list[str]) -> Any:
    """Run one model; if it is not there yet or fails, note it and return None."""
    try:
        return action()
    except ImportError as error:
        missing.append(f"{label}: not available yet ({error})")
    except IronRiverError as error:
        missing.append(f"{label}: {error}")
    except Exception as error:  # another stage's bug must not sink the main job; the report names it
        missing.append(f"{label}: failed ({type(error).__name__}: {error})")
    return None


def assess(years: str | tuple[int, int] | None = None, *, scenario: str | Path | None = None, seed: int = 0,
           n_draws: int = DEFAULT_DRAWS, n_weightings: int = DEFAULT_WEIGHTINGS, use_cache: bool = True,
           parallel: bool = True, progress: Progress | None = None, specification: Any = None,
           specification_file: str | None = None, contest: bool = True,
           allow_missing: bool = False) -> Assessment:
    """Run the whole chain and return the assessment.

    Parameters
    ----------
    years : "A:B" or (A, B), optional
        The ledger's window, within :data:`YEAR_SPAN`; default :data:`DEFAULT_YEARS`.
    scenario : path, optional
        A scenario TOML file whose policy levers are applied before the ledger is built.
    seed : int
        Seed of every random draw in the chain.
    n_draws, n_weightings : int
        Posterior draws and Dirichlet weightings carried through the ledger.
    use_cache : bool
        Reuse cached model outputs for the same inputs.
    parallel : bool
        On ≥ 2 cores, run the spillover estimate in a second process while the iron river is fitted, and the
        simulation there while the ledger is scored (:mod:`~ironriver.sovereignty.worker`).
    progress : callable, optional
        ``progress(step, done, total)`` after each step of :data:`STEPS`.
    specification : Specification, optional
        How the indicators are aggregated (:mod:`~ironriver.sovereignty.specification`); default the shipped
        neutral one, which is the ledger's own rule. ``specification_file`` names it in the output.
    contest : bool
        Also compute what would change the verdict (perspectives, specification uncertainty, Sobol, flips).
    allow_missing : bool
        Build the ledger without a model that failed (it is named in :attr:`Assessment.missing`) instead of
        stopping.

    Raises
    ------
    ModelFailedError
        A model failed or is not installed, and ``allow_missing`` is False.
    OutOfRangeError
        Years outside :data:`YEAR_SPAN`.
    IronRiverError
        A scenario file that does not exist or does not parse.
    """
    window = parse_years(years)
    scenario_path = resolve_shipped("scenarios", scenario) if scenario is not None else None
    scenario_bytes, levers = None, None
    if scenario_path is not None:
        levers = load_scenario(scenario_path)
        scenario_bytes = scenario_path.read_bytes()
    total = len(STEPS)
    timings: dict[str, float] = {}
    report = progress or (lambda step, done, count: None)

    def step(index: int, name: str, started: float, seconds: float | None = None) -> None:
        timings[name] = time.perf_counter() - started if seconds is None else seconds
        report(name, index + 1, total)

    started = time.perf_counter()
    base = _base_key() if use_cache else ""   # the data's checksums and the code: known before the store is built
    parts = {"spillover": (seed,), "simulation": (window, seed, hashlib.sha256(scenario_bytes or b"").hexdigest(),
                                                 True)}
    cached = {name: use_cache and _cache_path(_entry_key(base, name, key)).exists() for name, key in parts.items()}
    # On two cores a worker process runs what does not wait for the main line: the spillover estimate while the
    # iron river is fitted, then the simulation while the ledger is scored. It starts now, so that its imports
    # overlap the store build.
    worker = start_worker() if parallel and not all(cached.values()) else None
    try:
        from ironriver.store import ensure_store

        ensure_store()
        inputs = gather_inputs()
        step(0, STEPS[0], started)
        return _run_models(window, seed, scenario_path, levers, parts, cached, worker, base, inputs, step,
                           n_draws=n_draws, n_weightings=n_weightings, use_cache=use_cache,
                           specification=specification, specification_file=specification_file, contest=contest,
                           allow_missing=allow_missing, timings=timings)
    finally:
        if worker is not None:
            worker.close()


def _run_models(window: tuple[int, int], seed: int, scenario_path: Path | None, levers: Any, parts: dict[str, tuple],
                cached: dict[str, bool], worker: Any, base: str, inputs: Inputs, step: Callable[..., None], *,
                n_draws: int, n_weightings: int, use_cache: bool, specification: Any, specification_file: str | None,
                contest: bool, allow_missing: bool, timings: dict[str, float]) -> Assessment:
    """The chain after the store: the three models (through the cache), then the ledger, verdict and contest."""
    from_cache: list[bool] = []
    models: dict[str, Any] = {"missing": []}

    def model(index: int, name: str, label: str, parts: tuple, compute: Callable[[], Any],
              pending: Future | None = None) -> Any:
        """Run one model through the cache (or collect it from ``pending``); note it if absent or failed."""
        started = time.perf_counter()
        key = _entry_key(base, name, parts)
        entry = _read_cache(key) if use_cache else None
        from_cache.append(entry is not None)
        if entry is None:
            entry = _collect(pending) if pending is not None else None
            if entry is None:
                entry = _entry(label, compute)
            if use_cache and entry["value"] is not None:   # a failure is never cached: the next run tries again
                _write_cache(key, {**entry, "value": _without_posterior(entry["value"])})
        models["missing"].extend(entry["missing"])
        step(index, STEPS[index], started)
        return entry["value"]

    pending = worker.submit(_entry, SPILLOVER_LABEL, run_spillover, seed) if worker is not None and not cached["spillover"] else None
    # One BLAS thread for the fit: its matrices are small (particles × a few dozen figures), so a second thread
    # gains nothing, while spinning BLAS threads fight the worker process for the other core.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        models["iron_river"] = model(1, "iron_river", IRON_RIVER_LABEL, (seed,), lambda: run_iron_river(seed))
    models["spillover"] = model(2, "spillover", SPILLOVER_LABEL, (seed,), lambda: run_spillover(seed), pending)
    calibration = _calibration(models["iron_river"])
    simulation_parts = (*parts["simulation"][:-1], models["iron_river"] is not None)

    def simulation(pending: Future | None = None) -> None:
        models["simulation"] = model(3, "simulation", SIMULATION_LABEL, simulation_parts,
                                     lambda: run_simulation(levers, seed, calibration), pending)

    def judge() -> tuple[Any, ...]:
        inputs.missing[:] = base_missing   # the notes start as the store's, as in a chain run once
        return _judge(window, seed, scenario_path, models, inputs, inputs.missing, n_draws=n_draws,
                      n_weightings=n_weightings, use_cache=use_cache, specification=specification,
                      specification_file=specification_file, contest=contest, allow_missing=allow_missing,
                      submit=worker.submit if worker is not None else None)

    base_missing = list(inputs.missing)
    # Without a scenario the ledger does not read the simulation: the worker simulates while the ledger is
    # scored here. The ledger, the verdict and the contest are the same either way; should the simulation fail,
    # they are judged again with its note, as the chain in one process would have.
    deferred = (worker is not None and levers is None and not models["missing"] and not cached["simulation"]
                and simulation_parts[-1])
    pending = worker.submit(_entry, SIMULATION_LABEL, run_simulation, None, seed,
                            portable_calibration(calibration)) if deferred else None
    if pending is not None:
        judged = judge()
        simulation(pending)
        if models["missing"]:
            judged = judge()
    else:
        simulation()
        judged = judge()
    iron_river, spill, ledger, result, analysis, missing, seconds = judged
    step(4, STEPS[4], 0.0, seconds[0])
    step(5, STEPS[5], 0.0, seconds[1])
    return Assessment(window, seed, str(scenario_path) if scenario_path else None, ledger, result, inputs,
                      iron_river, spill, models.get("simulation"), missing, timings,
                      cache_hit=all(from_cache), contest=analysis)


def _judge(window: tuple[int, int], seed: int, scenario_path: Path | None, models: dict[str, Any], inputs: Inputs,
           missing: list[str], *, n_draws: int, n_weightings: int, use_cache: bool, specification: Any,
           specification_file: str | None, contest: bool, allow_missing: bool,
           submit: Callable[..., Future | None] | None = None) -> tuple[Any, ...]:
    """The ledger, its verdict and what would change it (its flip search in the worker if ``submit`` is given),
    from the models' outputs.

    Returns (iron-river window view, spillover, ledger, verdict, contest, notes of what is missing,
    (seconds for the ledger, seconds for the contest)). ``missing`` starts as the store's notes.
    """
    missing.extend(models["missing"])
    if models["missing"] and not allow_missing:
        raise ModelFailedError(f"{len(models['missing'])} model(s) of the chain did not run, so the ledger would be "
                               f"incomplete: {'; '.join(models['missing'])}. Nothing was written; pass "
                               f"--allow-missing (allow_missing=True) to build it without them")
    if scenario_path is not None and models.get("simulation") is None:
        raise IronRiverError(f"scenario {scenario_path} cannot be applied: the simulation is not available "
                             f"({'; '.join(models['missing']) or 'no reason given'})")

    started = time.perf_counter()
    iron_river, spill = models.get("iron_river"), models.get("spillover")
    if iron_river is not None:
        iron_river = _window_view(iron_river, window)
        first, last = iron_river["years"]
        if window[0] < first or window[1] > last:
            missing.append(f"the iron-river estimate covers {max(first, window[0])}–{min(last, window[1])} of "
                           f"{window[0]}–{window[1]} (it starts in {first} and ends in {last})")
    if scenario_path is not None and iron_river is None:
        missing.append(f"scenario {scenario_path.name}: its levers show in the simulated supply chain only; the "
                       f"ledger's inflow indicators need the iron-river estimate")
    if iron_river is not None:
        flows = models["iron_river"]["draws"]        # every fitted year: the stock chain may start before the window
        if scenario_path is not None:
            flows = apply_scenario(flows, models["simulation"])
            change = models["simulation"]["scenario"]["arrived_change_pct"]["median"]
            inputs.flow_note = (f" × (1 {change:+.1f}%: scenario {scenario_path.name}, model simulate paired change "
                                f"in arrivals)")
        inputs.flow_draws = flows
        inputs.attrition_draws = models["iron_river"].get("attrition")
        inputs.flow_forecast_years = forecast_years(models["iron_river"].get("summary"))
    if spill is not None:
        inputs.spillover_effect_draws = spill["effect_draws"]
        inputs.spillover_lineage = spill["effect_lineage"]
    year_array = np.arange(window[0], window[1] + 1)
    draws = build_indicator_draws(inputs, None, year_array, n_draws=n_draws, seed=seed)
    _note_missing(draws, missing)
    from ironriver.sovereignty.contest import contest_of, ledger_under
    from ironriver.sovereignty.specification import load_specification, shipped_specifications

    spec = specification if specification is not None else load_specification()
    spec_file = specification_file or (f"specs/{spec.name}.toml" if spec.name in shipped_specifications()
                                       else f"specification {spec.name}")
    if spec == load_specification():
        ledger = score(draws, n_weightings=n_weightings, seed=seed, missing=missing)
    else:
        chosen = draws
        if spec.decay.spillover_half_life_years is not None:
            chosen = build_indicator_draws(inputs, None, year_array, n_draws=n_draws, seed=seed,
                                           half_life_years=spec.decay.spillover_half_life_years)
        ledger = ledger_under(chosen, spec, seed=seed, n_weightings=n_weightings, missing=missing)
    result = verdict(ledger)
    ledger_seconds = time.perf_counter() - started
    started = time.perf_counter()
    analysis = (contest_of(draws, inputs, spec, seed=seed, specification_file=spec_file, use_cache=use_cache,
                           submit=submit) if contest else None)
    return iron_river, spill, ledger, result, analysis, missing, (ledger_seconds, time.perf_counter() - started)


def _note_missing(draws: Any, missing: list[str]) -> None:
    """Name every indicator with no value in the window (a model it needs, or no data for these years)."""
    first, last = int(draws.years.min()), int(draws.years.max())
    for i, row in enumerate(draws.table.to_dict("records")):
        if (draws.status[i] == "missing").all():
            missing.append(f"{row['id']}: no value in {first}–{last}")


def forecast_years(summary: Any) -> frozenset[int]:
    """The iron-river years flagged ``forecast`` in its summary (past its last year of evidence)."""
    if not isinstance(summary, pd.DataFrame) or "forecast" not in summary.columns:
        return frozenset()
    return frozenset(int(y) for y in summary.loc[summary["forecast"].astype(bool), "year"])


def _window_view(iron_river: dict[str, Any], window: tuple[int, int]) -> dict[str, Any]:
    """The iron-river output with its draws and summary cut to the ledger's window (the fit spans more)."""
    view = dict(iron_river)
    draws = iron_river["draws"]
    view["draws"] = draws[(draws["year"] >= window[0]) & (draws["year"] <= window[1])].reset_index(drop=True)
    summary = iron_river.get("summary")
    if isinstance(summary, pd.DataFrame) and "year" in summary.columns:
        view["summary"] = summary[(summary["year"] >= window[0]) & (summary["year"] <= window[1])].reset_index(
            drop=True)
    return view


def apply_scenario(flows: pd.DataFrame, simulation: dict[str, Any]) -> pd.DataFrame:
    """Scale the inflow draws by the scenario's simulated change in guns arriving in Mexico (paired median)."""
    change = simulation["scenario"]["arrived_change_pct"]["median"]
    return flows.assign(guns_per_year=flows["guns_per_year"] * (1.0 + change / 100.0))
