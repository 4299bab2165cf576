"""Running scenarios: split replicates into chunks, run them in this process or on a Dask cluster, reassemble.

:func:`simulate` is the public entry point for one scenario; :func:`run_scenarios` runs several with one set
of inputs and one seed (so that they share common random numbers) on either back end. A chunk is a block of
consecutive replicates of one scenario (:func:`~ironriver.supply_chain.engine.simulate_chunk`); because every
replicate draws only from its own streams, the chunking and the back end change nothing in the numbers — the
Dask back end gives results identical to the in-process one, replicate for replicate. Imports from ``store`` and,
lazily, ``estimate`` and ``distributed``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ironriver.errors import IronRiverError, OutOfRangeError
from ironriver.supply_chain.assumptions import assumptions_table
from ironriver.supply_chain.calibration import Calibration, resolve_calibration
from ironriver.supply_chain.chain import CHANNELS, ROUTES, SOURCES, WEEKS_PER_YEAR
from ironriver.supply_chain.engine import Chunk, simulate_chunk
from ironriver.supply_chain.inputs import ModelInputs, build_inputs
from ironriver.supply_chain.result import SimulationResult
from ironriver.supply_chain.scenario import Scenario

__all__ = ["simulate", "run_scenarios", "prepare_inputs", "chunks", "DEFAULT_CHUNK", "MAX_REPLICATES"]

DEFAULT_CHUNK = 100
"""Replicates per unit of work: large enough to amortise a task's overhead, small enough for progress bars."""
MAX_REPLICATES = 1_000_000

Progress = Callable[[int, int], None]
"""Called as ``progress(chunks_done, chunks_total)``."""


def chunks(replicates: int, size: int = DEFAULT_CHUNK) -> list[np.ndarray]:
    """Consecutive blocks of replicate indices 0 … replicates−1."""
    return [np.arange(start, min(start + size, replicates)) for start in range(0, replicates, size)]


def prepare_inputs(scenarios: Sequence[Scenario], calibration: Any = "auto", seed: int = 0,
                   awb_effect: np.ndarray | None = None, seasonal: np.ndarray | None = None) -> ModelInputs:
    """Build the inputs every chunk of these scenarios reads (calibration, figures, seasonality, effects)."""
    resolved = resolve_calibration(calibration, seed)
    awb = "not used"
    if any(s.uses_awb() for s in scenarios):
        awb = "spillover" if any(s.uses_awb() and s.awb_effect == "spillover" for s in scenarios) else "assumption"
    return build_inputs(resolved, awb=awb, awb_effect_pct=awb_effect, seasonal=seasonal)


def _years(scenario: Scenario, override: Sequence[int] | None, calibration: Calibration) -> tuple[int, ...]:
    years = tuple(override) if override is not None else scenario.years or calibration.default_years()
    calibration.flows_for(years)  # raises OutOfRangeError for years the calibration does not cover
    return years


def _check_arguments(replicates: int, seed: int) -> None:
    if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)) \
            or not 1 <= replicates <= MAX_REPLICATES:
        raise OutOfRangeError(f"replicates must be a whole number from 1 to {MAX_REPLICATES:,}, got {replicates!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise OutOfRangeError(f"seed must be a non-negative whole number, got {seed!r}")


def run_scenarios(scenarios: Sequence[Scenario], *, replicates: int = 1000, seed: int = 0,
                  calibration: Any = "auto", years: Sequence[int] | None = None, client: Any = None,
                  chunk_size: int = DEFAULT_CHUNK, progress: Progress | None = None,
                  inputs: ModelInputs | None = None, awb_effect: np.ndarray | None = None) -> list[SimulationResult]:
    """Simulate several scenarios with one seed (common random numbers) on one back end.

    Parameters
    ----------
    scenarios : sequence of Scenario
        What to simulate.
    replicates : int
        Replicates per scenario (each follows one calibration draw).
    seed : int
        Fixes every random number; equal seeds give equal results on every back end.
    calibration : see :func:`~ironriver.supply_chain.calibration.resolve_calibration`
        Ignored when ``inputs`` is given.
    years : sequence of int, optional
        Overrides every scenario's years.
    client : distributed.Client, optional
        Run the chunks on this Dask cluster; in this process when None.
    chunk_size : int
        Replicates per task.
    progress : callable, optional
        ``progress(done, total)`` after each chunk.
    inputs : ModelInputs, optional
        Prepared inputs (skips the calibration and the store).
    awb_effect : ndarray, optional
        Spillover effect draws at hand (% change in firearm homicides).

    Returns
    -------
    list of SimulationResult
        In the order of ``scenarios``.
    """
    _check_arguments(replicates, seed)
    seed = int(seed)
    if inputs is None:
        inputs = prepare_inputs(scenarios, calibration, seed, awb_effect)
    tasks = [(i, block, _years(scenario, years, inputs.calibration))
             for i, scenario in enumerate(scenarios) for block in chunks(int(replicates), chunk_size)]
    started = time.perf_counter()
    if client is None:
        done: list[Chunk] = []
        for n, (i, block, task_years) in enumerate(tasks, start=1):
            done.append(simulate_chunk(scenarios[i], inputs, seed, block, task_years))
            if progress:
                progress(n, len(tasks))
    else:
        done = _run_on_dask(client, scenarios, inputs, seed, tasks, progress)
    elapsed = time.perf_counter() - started
    results = []
    for i, scenario in enumerate(scenarios):
        mine = [chunk for (j, _, _), chunk in zip(tasks, done) if j == i]
        task_years = next(y for (j, _, y) in tasks if j == i)
        results.append(_assemble(scenario, mine, inputs, seed, task_years, elapsed / max(len(scenarios), 1)))
    return results


def _run_on_dask(client: Any, scenarios: Sequence[Scenario], inputs: ModelInputs, seed: int,
                 tasks: list[tuple[int, np.ndarray, tuple[int, ...]]], progress: Progress | None) -> list[Chunk]:
    from distributed import as_completed

    shared = client.scatter(inputs, broadcast=True, hash=False)  # a fresh key: an earlier run may be releasing its copy
    futures = [client.submit(simulate_chunk, scenarios[i], shared, seed, block, task_years, pure=False)
               for i, block, task_years in tasks]
    for n, _ in enumerate(as_completed(futures), start=1):
        if progress:
            progress(n, len(futures))
    return client.gather(futures)


def _assemble(scenario: Scenario, parts: list[Chunk], inputs: ModelInputs, seed: int, years: tuple[int, ...],
              elapsed: float) -> SimulationResult:
    def cat(get: Callable[[Chunk], np.ndarray]) -> np.ndarray:
        return np.concatenate([get(p) for p in parts])

    replicates = cat(lambda p: p.replicates)
    n_years, n_channels, n_routes = len(years), len(CHANNELS), len(ROUTES)
    transit = cat(lambda p: p.output.transit).reshape(len(replicates), n_years, n_channels, n_routes, 4)
    in_transit = cat(lambda p: p.output.in_transit).reshape(len(replicates), n_years, n_channels, n_routes)
    buyers = cat(lambda p: p.buyers)
    weeks = n_years * WEEKS_PER_YEAR
    agent_steps = cat(lambda p: p.output.gun_weeks) + weeks * (buyers.sum(axis=1) + len(SOURCES))
    parameters = {name: np.concatenate([p.parameters[name] for p in parts]) for name in parts[0].parameters}
    notes = tuple(dict.fromkeys([*inputs.notes, *(n for p in parts for n in p.notes)]))
    return SimulationResult(
        scenario=scenario, seed=seed, years=years, replicates=replicates, parameters=parameters, transit=transit,
        in_transit=in_transit, stock=cat(lambda p: p.output.stock), stock_end=cat(lambda p: p.output.stock_end),
        stock_start=cat(lambda p: p.stock_start),
        flow=cat(lambda p: p.flow), agent_steps=agent_steps, calibration=inputs.calibration.source,
        retail_sales=inputs.retail_sales, notes=notes, elapsed_seconds=elapsed,
        assumptions=assumptions_table(scenario.pinned_assumptions()))


def simulate(scenario: Scenario | None = None, *, replicates: int = 1000, seed: int = 0, calibration: Any = "auto",
             years: Sequence[int] | None = None, progress: Progress | None = None, inputs: ModelInputs | None = None,
             awb_effect: np.ndarray | None = None, chunk_size: int = DEFAULT_CHUNK) -> SimulationResult:
    """Simulate the gun supply chain under one scenario.

    Parameters
    ----------
    scenario : Scenario, optional
        Levers to move; the status quo when None (also accepts a path to a TOML file).
    replicates : int
        Independent replicates, each following one posterior draw of the iron river.
    seed : int
        Fixes every random number: the same seed gives the same replicates, and two scenarios run with one seed
        share common random numbers.
    calibration : IronRiverPosterior, DataFrame (draw, year, flow), Calibration, "auto", "posterior" or "literature"
        The flow draws to follow; ``"auto"`` runs the iron-river estimate when installed, else uses the
        literature prior (named in the result).
    years : sequence of int, optional
        Overrides the scenario's years (default: the latest year the calibration covers).
    progress : callable, optional
        ``progress(chunks_done, chunks_total)``.
    inputs : ModelInputs, optional
        Prepared inputs (for repeated runs).
    awb_effect : ndarray, optional
        Spillover effect draws at hand, for the assault-weapons ban.
    chunk_size : int
        Replicates per unit of work (results do not depend on it).

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> import ironriver
    >>> base = ironriver.simulate(replicates=200, seed=1)
    >>> ubc = ironriver.simulate(ironriver.Scenario(levers={"universal_background_checks": True}),
    ...                          replicates=200, seed=1)
    >>> ubc.compare(base).query("group == 'total' and quantity == 'arrived'")  # doctest: +SKIP
    """
    if scenario is None:
        scenario = Scenario.baseline()
    elif not isinstance(scenario, Scenario):
        scenario = Scenario.from_toml(scenario)
    if chunk_size < 1:
        raise IronRiverError("chunk_size must be at least 1")
    return run_scenarios([scenario], replicates=replicates, seed=seed, calibration=calibration, years=years,
                         progress=progress, inputs=inputs, awb_effect=awb_effect, chunk_size=chunk_size)[0]
