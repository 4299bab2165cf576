"""The supply-chain stage: the US→Mexico gun supply chain as a vectorised stochastic model, with policy levers.

Guns are bought to be trafficked through three channels in five US source states, wait on the US side, cross
at four corridors facing investigation and southbound inspection, and join Mexico's illicit stock, from which
Mexican authorities recover and trace them. Weekly steps; cohort-level multinomial draws where guns are
exchangeable; each replicate follows one posterior draw of the iron river (:mod:`.calibration`) and owns its
named random streams, so scenarios share common random numbers (:mod:`.parameters`). Levers
(:mod:`.levers`) are validated, range-checked scenario settings read from TOML (:mod:`.scenario`); every number
is a cited literature figure or a named assumption (:mod:`.assumptions`). Runs go in-process or on Dask
(:mod:`.run`, :mod:`.sweep`) with identical results. Imports from ``store`` and, lazily, ``estimate``.

>>> import ironriver
>>> result = ironriver.simulate(ironriver.Scenario.from_toml("scenarios/ubc.toml"), replicates=500, seed=1)
>>> result.summary()                                                # doctest: +SKIP
"""

from __future__ import annotations

from ironriver.supply_chain.assumptions import ASSUMPTIONS, STRUCTURAL_ASSUMPTIONS, assumptions_table
from ironriver.supply_chain.calibration import Calibration, resolve_calibration
from ironriver.supply_chain.levers import LEVERS
from ironriver.supply_chain.result import SimulationResult
from ironriver.supply_chain.run import prepare_inputs, run_scenarios, simulate
from ironriver.supply_chain.scenario import Scenario, ScenarioError
from ironriver.supply_chain.sweep import Grid, sweep

__all__ = [
    "Scenario", "ScenarioError", "simulate", "SimulationResult", "run_scenarios", "prepare_inputs", "Calibration",
    "resolve_calibration", "LEVERS", "ASSUMPTIONS", "STRUCTURAL_ASSUMPTIONS", "assumptions_table", "Grid", "sweep",
]

