"""The supply-chain model in Mesa's idiom — agents as objects stepping one by one — for the speed benchmark only.

Same model as :mod:`ironriver.supply_chain.engine`, same rates and probabilities (it runs a replicate of the
engine's :class:`~ironriver.supply_chain.levers.Plan`), written the way an agent-based modeller would in Mesa:

* a ``Buyer`` agent per straw purchaser / unlicensed seller / private seller (the plan's ``buyers`` per cell),
  buying Poisson(cell rate ÷ buyers) guns each week;
* a ``Gun`` agent per gun on the US side, each week seized by investigation, seized at the port, crossing, or
  waiting, with the cell's probabilities;
* a ``Stock`` agent per source state holding Mexico's illicit US-origin guns as a count (nine million gun
  objects would not fit; its guns are exchangeable, so the cohort draw is the agent's own step).

Within a week: the stock agents step (on the stock before this week's arrivals), then the buyers (new guns),
then every gun — the engine's order. The sum of the buyers' Poisson draws is the engine's cell draw and the
guns' independent fates add up to its multinomial, so the two implementations sample the same distribution.
Mesa is a benchmark-only extra (``pip install mesa``), never imported by the package.
"""

from __future__ import annotations

import mesa
import numpy as np

from ironriver.supply_chain.chain import CELL_SOURCE, N_CELLS, SOURCES, WEEKS_PER_YEAR
from ironriver.supply_chain.levers import Plan


class Buyer(mesa.Agent):
    """Someone buying guns for traffickers in one channel × route cell."""

    def __init__(self, model: SupplyChain, cell: int, weekly_rate: np.ndarray) -> None:
        super().__init__(model)
        self.cell = cell
        self.weekly_rate = weekly_rate

    def step(self) -> None:
        bought = self.model.rng.poisson(self.weekly_rate[self.model.week])
        for _ in range(bought):
            Gun(self.model, self.cell)
        self.model.counts[self.model.year, self.cell, 0] += bought


class Gun(mesa.Agent):
    """A gun bought to be trafficked, on the US side until seized or across."""

    def __init__(self, model: SupplyChain, cell: int) -> None:
        super().__init__(model)
        self.cell = cell

    def step(self) -> None:
        model = self.model
        self.model.gun_weeks += 1
        u = model.rng.random()
        thresholds = model.thresholds[model.year, self.cell]
        if u < thresholds[0]:
            model.counts[model.year, self.cell, 1] += 1
            self.remove()
        elif u < thresholds[1]:
            model.counts[model.year, self.cell, 2] += 1
            self.remove()
        elif u < thresholds[2]:
            model.counts[model.year, self.cell, 3] += 1
            model.stocks[CELL_SOURCE[self.cell]].arrivals += 1
            self.remove()


class Stock(mesa.Agent):
    """Mexico's illicit US-origin guns bought in one source state, recovered, traced and lost as a cohort."""

    def __init__(self, model: SupplyChain, source: int, held: int) -> None:
        super().__init__(model)
        self.source = source
        self.held = int(held)
        self.arrivals = 0

    def step(self) -> None:
        model = self.model
        self.held += self.arrivals
        self.arrivals = 0
        drawn = model.rng.multinomial(self.held, model.stock_probabilities[model.year])
        model.stock_counts[model.year, self.source] += drawn[:3]
        self.held = int(drawn[3])


class SupplyChain(mesa.Model):
    """One replicate of the engine's plan, stepped agent by agent."""

    def __init__(self, plan: Plan, replicate: int = 0, seed: int = 0) -> None:
        super().__init__(rng=seed)
        years = plan.volume.shape[1]
        week_of_year = np.tile(np.arange(WEEKS_PER_YEAR), years)
        year_of_week = np.repeat(np.arange(years), WEEKS_PER_YEAR)
        cell_rate = plan.volume[replicate][year_of_week] * plan.seasonal[:, week_of_year].T / WEEKS_PER_YEAR
        transitions = plan.transitions[replicate]
        self.thresholds = np.cumsum(transitions[:, :N_CELLS, :3], axis=-1)         # (Y, 24, 3)
        self.stock_probabilities = transitions[:, N_CELLS]                          # (Y, 4), same for every state
        self.counts = np.zeros((years, N_CELLS, 4), dtype=np.int64)
        self.stock_counts = np.zeros((years, len(SOURCES), 3), dtype=np.int64)
        self.gun_weeks = 0
        self.week, self.year, self.steps_taken = 0, 0, 0
        for cell in range(N_CELLS):
            n = int(plan.buyers[replicate, cell])
            for _ in range(n):
                Buyer(self, cell, cell_rate[:, cell] / n)
        self.stocks = [Stock(self, s, plan.stock0[replicate, s]) for s in range(len(SOURCES))]

    def step(self) -> None:
        self.year = self.week // WEEKS_PER_YEAR
        stocks, buyers = self.agents_by_type[Stock], self.agents_by_type[Buyer]
        stocks.do("step")
        buyers.shuffle_do("step")
        guns = self.agents_by_type.get(Gun)
        if guns is not None:
            guns.shuffle_do("step")
        self.steps_taken += len(stocks) + len(buyers)
        self.week += 1

    def agent_steps(self) -> int:
        """Buyer and stock steps plus gun steps (the engine's definition)."""
        return self.steps_taken + self.gun_weeks


def run(plan: Plan, replicate: int = 0, seed: int = 0, weeks: int | None = None) -> SupplyChain:
    """Step the Mesa model through ``weeks`` weeks (default: the plan's whole horizon)."""
    model = SupplyChain(plan, replicate, seed)
    for _ in range(weeks if weeks is not None else plan.volume.shape[1] * WEEKS_PER_YEAR):
        model.step()
    return model
