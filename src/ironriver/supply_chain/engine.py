"""The weekly kernel: cohorts of guns moving through the supply chain, one replicate at a time.

Each week of each replicate, guns bought that week (Poisson counts per channel × route cell, from the
replicate's ``purchases`` stream) join the guns waiting on the US side; then one multinomial draw (from the
``transit`` stream) gives every cohort its fate for the week — seized by investigation, seized at the port,
crossed, or still waiting — and every source state's share of Mexico's illicit stock its own — recovered and
traced, recovered and not traced, lost, or still held. Guns that cross join the stock. Individuals inside a cell
are exchangeable, so these cohort draws are exactly the sum of the individual ones. Counts are integers and
every gun is in exactly one place, so per replicate *bought = arrived + interdicted + in transit* holds
exactly. The loop is over replicates and weeks; each step is a handful of numpy calls on the 29 rows, and
rates and probabilities for all replicates are prepared beforehand (:func:`~ironriver.supply_chain.levers.resolve_plan`).

:func:`simulate_chunk` runs a block of replicates of one scenario — the unit of work of both sweep back ends.
Imports only within :mod:`ironriver.supply_chain`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ironriver.supply_chain.chain import CELL_TO_SOURCE, N_CELLS, N_ROWS, SOURCES, WEEKS_PER_YEAR
from ironriver.supply_chain.inputs import ModelInputs
from ironriver.supply_chain.levers import Plan, resolve_plan
from ironriver.supply_chain.parameters import draw_parameters, stream

__all__ = ["KernelOutput", "Chunk", "run_kernel", "simulate_chunk"]


@dataclass(frozen=True)
class KernelOutput:
    """Counts for R replicates × Y years.

    Attributes
    ----------
    transit : ndarray of int (R, Y, 24, 4)
        Per cell and year: guns bought, seized by investigation, seized at the port, arrived in Mexico.
    in_transit : ndarray of int (R, Y, 24)
        Guns still on the US side at the end of each year.
    stock : ndarray of int (R, Y, 5, 3)
        Per source state and year: recovered and traced, recovered and not traced, lost.
    stock_end : ndarray of int (R, Y, 5)
        US-origin guns in Mexico's illicit stock at the end of each year.
    gun_weeks : ndarray of int (R,)
        Weeks spent in transit, summed over guns (the gun agent-steps of an agent-based model).
    """

    transit: np.ndarray
    in_transit: np.ndarray
    stock: np.ndarray
    stock_end: np.ndarray
    gun_weeks: np.ndarray


def run_kernel(plan: Plan, streams: Sequence[tuple[np.random.Generator, np.random.Generator]]) -> KernelOutput:
    """Step every replicate of ``plan`` week by week.

    Parameters
    ----------
    plan : Plan
        Rates and probabilities for R replicates.
    streams : sequence of (purchases, transit) generators
        One pair per replicate.

    Returns
    -------
    KernelOutput
    """
    replicates, years = plan.volume.shape[:2]
    weeks = years * WEEKS_PER_YEAR
    year_of_week = np.repeat(np.arange(years), WEEKS_PER_YEAR)
    week_of_year = np.tile(np.arange(WEEKS_PER_YEAR), years)
    seasonal = plan.seasonal[:, week_of_year].T / WEEKS_PER_YEAR                  # (W, 24)
    transit = np.zeros((replicates, years, N_CELLS, 4), dtype=np.int64)
    in_transit = np.zeros((replicates, years, N_CELLS), dtype=np.int64)
    stock = np.zeros((replicates, years, len(SOURCES), 3), dtype=np.int64)
    stock_end = np.zeros((replicates, years, len(SOURCES)), dtype=np.int64)
    gun_weeks = np.zeros(replicates, dtype=np.int64)
    for r in range(replicates):
        purchases_rng, transit_rng = streams[r]
        bought = purchases_rng.poisson(plan.volume[r][year_of_week] * seasonal)   # (W, 24)
        held = np.zeros(N_ROWS, dtype=np.int64)
        held[N_CELLS:] = plan.stock0[r]
        for y in range(years):
            probabilities = plan.transitions[r, y]
            weekly = []
            for w in range(y * WEEKS_PER_YEAR, (y + 1) * WEEKS_PER_YEAR):
                held[:N_CELLS] += bought[w]
                drawn = transit_rng.multinomial(held, probabilities)
                weekly.append(drawn)
                held = drawn[:, 3].copy()
                held[N_CELLS:] += drawn[:N_CELLS, 2] @ CELL_TO_SOURCE
            drawn_year = np.stack(weekly)                                         # (52, 29, 4)
            fates = drawn_year[..., :3].sum(axis=0)
            transit[r, y, :, 0] = bought[y * WEEKS_PER_YEAR:(y + 1) * WEEKS_PER_YEAR].sum(axis=0)
            transit[r, y, :, 1:] = fates[:N_CELLS]
            in_transit[r, y] = held[:N_CELLS]
            stock[r, y] = fates[N_CELLS:]
            stock_end[r, y] = held[N_CELLS:]
            gun_weeks[r] += drawn_year[:, :N_CELLS].sum()   # a row's draws add up to the guns waiting that week
    return KernelOutput(transit, in_transit, stock, stock_end, gun_weeks)


@dataclass(frozen=True)
class Chunk:
    """One block of replicates of one scenario: their parameters, plan summary and counts."""

    replicates: np.ndarray
    parameters: dict[str, np.ndarray]
    output: KernelOutput
    flow: np.ndarray
    buyers: np.ndarray
    stock_start: np.ndarray
    notes: tuple[str, ...]


def simulate_chunk(scenario: Any, inputs: ModelInputs, seed: int, replicates: Sequence[int],
                   years: tuple[int, ...]) -> Chunk:
    """Simulate replicates ``replicates`` of ``scenario`` (the unit of work of every back end).

    Parameters
    ----------
    scenario : Scenario
        Levers and pinned assumptions.
    inputs : ModelInputs
        Built once by the caller.
    seed : int
        The run's seed; with the replicate index it fixes every random number.
    replicates : sequence of int
        Global replicate indices.
    years : tuple of int
        Calendar years to simulate.
    """
    replicates = np.asarray(replicates, dtype=np.int64)
    params = draw_parameters(inputs, seed, replicates, scenario.pinned_assumptions())
    if scenario.awb_effect == "assumption":
        params["awb_effect_pct"] = np.full(len(replicates), np.nan)
    plan = resolve_plan(scenario.levers, params, inputs, years)
    streams = [(stream(seed, r, "purchases"), stream(seed, r, "transit")) for r in replicates]
    output = run_kernel(plan, streams)
    return Chunk(replicates=replicates, parameters=params, output=output, flow=plan.flow, buyers=plan.buyers,
                 stock_start=plan.stock0, notes=plan.notes)
