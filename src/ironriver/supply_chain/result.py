"""What a simulation returns: counts per replicate, and the tidy tables, summaries and comparisons made of them.

:class:`SimulationResult` keeps the engine's integer counts (replicate × year × channel × route, and replicate ×
year × source state for Mexico) and builds everything else from them on request: tidy frames
(:attr:`~SimulationResult.flows`, :attr:`~SimulationResult.mexico`, :meth:`~SimulationResult.totals`), the
per-year summary with medians and intervals by channel, source state and corridor
(:meth:`~SimulationResult.summary`), the paired difference from another scenario run with the same seed
(:meth:`~SimulationResult.compare` — common random numbers make it precise), and the Sankey-ready table of the
chain, source → channel → crossing → outcome (:meth:`~SimulationResult.sankey_table`). Imports only within
:mod:`ironriver.supply_chain`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ironriver.errors import IronRiverError
from ironriver.supply_chain.chain import CHANNELS, CORRIDORS, ROUTE_CORRIDOR, ROUTE_SOURCE, SOURCES, WEEKS_PER_YEAR
from ironriver.supply_chain.scenario import Scenario

__all__ = ["SimulationResult", "QUANTITIES"]

QUANTITIES: dict[str, tuple[str, str]] = {
    "bought": ("guns/year", "guns bought to be trafficked"),
    "interdicted_us": ("guns/year", "seized on the US side by investigation before crossing"),
    "interdicted_border": ("guns/year", "seized at the ports by southbound inspection"),
    "interdicted": ("guns/year", "seized before reaching Mexico (both)"),
    "arrived": ("guns/year", "crossed into Mexico"),
    "in_transit_end": ("guns", "bought but not yet crossed at the end of the last year"),
    "recovered": ("guns/year", "US-origin guns recovered in Mexico (from the whole illicit stock)"),
    "traced": ("guns/year", "recovered US-origin guns submitted to ATF: predicted US-sourced traces"),
    "stock_end": ("guns", "US-origin guns in Mexico's illicit stock at the end of the last year"),
    "share_of_retail_sales": ("fraction", "guns bought to be trafficked ÷ retail sales (NICS proxy)"),
    "calibrated_flow": ("guns/year", "the iron-river draw each replicate follows"),
}
"""Summary quantities: unit and meaning."""

_TRANSIT = ("bought", "interdicted_us", "interdicted_border", "arrived")
_OUTCOME_LABELS = {
    "arrived": "arrived in Mexico",
    "interdicted_us": "seized in the US (investigation)",
    "interdicted_border": "seized at the port (southbound inspection)",
    "in_transit": "in transit (US side, not yet crossed)",
}


@dataclass
class SimulationResult:
    """Counts from simulating one scenario, and views of them.

    Attributes
    ----------
    scenario : Scenario
        What was simulated.
    seed : int
        The run's seed.
    years : tuple of int
        Simulated calendar years.
    replicates : ndarray of int (R,)
        Global replicate indices (0 … R−1 for a whole run).
    parameters : dict of str to ndarray (R,)
        Every drawn parameter of every replicate.
    transit : ndarray of int (R, Y, 3, 8, 4)
        Bought, seized by investigation, seized at the port, arrived — by channel and route.
    in_transit : ndarray of int (R, Y, 3, 8)
        On the US side at the end of each year.
    stock : ndarray of int (R, Y, 5, 3)
        Recovered and traced, recovered and not traced, lost — by source state.
    stock_end : ndarray of int (R, Y, 5)
        Illicit US-origin stock at the end of each year.
    stock_start : ndarray of int (R, 5)
        Illicit US-origin stock at the start of the first year.
    flow : ndarray (R, Y)
        Calibration draw (guns/year) each replicate follows.
    agent_steps : ndarray of int (R,)
        Agent-steps an agent-based model of the same chain would take: buyer-weeks + gun-weeks in transit +
        stock-agent weeks.
    calibration : str
        Where the calibration draws come from.
    retail_sales : DataFrame
        ``source_state, year, guns`` (NICS sales proxy).
    notes : tuple of str
        Remarks (effect sources, fallbacks).
    """

    scenario: Scenario
    seed: int
    years: tuple[int, ...]
    replicates: np.ndarray
    parameters: dict[str, np.ndarray]
    transit: np.ndarray
    in_transit: np.ndarray
    stock: np.ndarray
    stock_end: np.ndarray
    stock_start: np.ndarray
    flow: np.ndarray
    agent_steps: np.ndarray
    calibration: str
    retail_sales: pd.DataFrame
    notes: tuple[str, ...] = ()
    elapsed_seconds: float = float("nan")
    assumptions: pd.DataFrame | None = field(default=None, repr=False)

    # -- tidy frames -------------------------------------------------------------------------------------

    @cached_property
    def flows(self) -> pd.DataFrame:
        """Tidy counts of the US side: ``replicate, year, channel, source_state, corridor, quantity, guns``.

        ``quantity`` is ``bought``, ``interdicted_us``, ``interdicted_border``, ``arrived`` (guns in that year)
        or ``in_transit`` (guns on the US side at the end of that year).
        """
        counts = np.concatenate([self.transit, self.in_transit[..., None]], axis=-1)
        replicates, years, channels, routes, quantities = counts.shape
        index = np.indices(counts.shape).reshape(5, -1)
        return pd.DataFrame({
            "replicate": self.replicates[index[0]],
            "year": np.asarray(self.years)[index[1]],
            "channel": pd.Categorical.from_codes(index[2], CHANNELS),
            "source_state": pd.Categorical.from_codes(ROUTE_SOURCE[index[3]], SOURCES),
            "corridor": pd.Categorical.from_codes(ROUTE_CORRIDOR[index[3]], CORRIDORS),
            "quantity": pd.Categorical.from_codes(index[4], (*_TRANSIT, "in_transit")),
            "guns": counts.reshape(-1),
        })

    @cached_property
    def mexico(self) -> pd.DataFrame:
        """Tidy counts of the Mexican side: ``replicate, year, source_state, quantity, guns``.

        ``quantity``: ``recovered`` and ``traced`` (guns in that year; traced ⊂ recovered), ``lost``, and
        ``stock_end`` (US-origin illicit guns at the end of that year).
        """
        counts = np.stack([self.stock[..., 0] + self.stock[..., 1], self.stock[..., 0], self.stock[..., 2],
                           self.stock_end], axis=-1)
        index = np.indices(counts.shape).reshape(4, -1)
        return pd.DataFrame({
            "replicate": self.replicates[index[0]],
            "year": np.asarray(self.years)[index[1]],
            "source_state": pd.Categorical.from_codes(index[2], SOURCES),
            "quantity": pd.Categorical.from_codes(index[3], ("recovered", "traced", "lost", "stock_end")),
            "guns": counts.reshape(-1),
        })

    def totals(self) -> pd.DataFrame:
        """One row per replicate and year with every national total (guns; ``in_transit`` and ``stock_end``
        at the end of the year)."""
        t = self.transit.sum(axis=(2, 3))
        frame = pd.DataFrame({
            "replicate": np.repeat(self.replicates, len(self.years)),
            "year": np.tile(self.years, len(self.replicates)),
            "calibrated_flow": self.flow.reshape(-1),
            "bought": t[..., 0].reshape(-1),
            "interdicted_us": t[..., 1].reshape(-1),
            "interdicted_border": t[..., 2].reshape(-1),
            "interdicted": (t[..., 1] + t[..., 2]).reshape(-1),
            "arrived": t[..., 3].reshape(-1),
            "in_transit": self.in_transit.sum(axis=(2, 3)).reshape(-1),
            "recovered": self.stock[..., :2].sum(axis=(2, 3)).reshape(-1),
            "traced": self.stock[..., 0].sum(axis=2).reshape(-1),
            "stock_end": self.stock_end.sum(axis=2).reshape(-1),
        })
        return frame

    @property
    def parameters_frame(self) -> pd.DataFrame:
        """``replicate, parameter, value`` for every drawn parameter."""
        return pd.DataFrame([{"replicate": int(r), "parameter": name, "value": float(values[i])}
                             for name, values in self.parameters.items() for i, r in enumerate(self.replicates)])

    # -- per-replicate yearly means by group --------------------------------------------------------------

    @cached_property
    def _groups(self) -> dict[tuple[str, str], dict[str, np.ndarray]]:
        """(group, key) → quantity → per-replicate value (yearly mean for flows, end value for stocks)."""
        years = len(self.years)
        per_year = self.transit.sum(axis=1) / years                  # (R, C, routes, 4)
        end = self.in_transit[:, -1]                                 # (R, C, routes)
        stock = self.stock.sum(axis=1) / years                       # (R, S, 3)
        stock_end = self.stock_end[:, -1]                            # (R, S)
        sales = self._retail_sales_matrix()                          # (Y, S)
        bought_year_source = self.transit[..., 0].sum(axis=2) @ np.eye(len(SOURCES))[ROUTE_SOURCE]   # (R, Y, S)

        def pack(counts: np.ndarray, in_transit: np.ndarray) -> dict[str, np.ndarray]:
            return {"bought": counts[..., 0], "interdicted_us": counts[..., 1], "interdicted_border": counts[..., 2],
                    "interdicted": counts[..., 1] + counts[..., 2], "arrived": counts[..., 3],
                    "in_transit_end": in_transit}

        groups: dict[tuple[str, str], dict[str, np.ndarray]] = {}
        total = pack(per_year.sum(axis=(1, 2)), end.sum(axis=(1, 2)))
        total.update(recovered=stock[..., :2].sum(axis=(1, 2)), traced=stock[..., 0].sum(axis=1),
                     stock_end=stock_end.sum(axis=1), calibrated_flow=self.flow.mean(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            total["share_of_retail_sales"] = (bought_year_source.sum(axis=2) / sales.sum(axis=1)).mean(axis=1)
        groups[("total", "all")] = total
        for c, channel in enumerate(CHANNELS):
            groups[("channel", channel)] = pack(per_year[:, c].sum(axis=1), end[:, c].sum(axis=1))
        for s, source in enumerate(SOURCES):
            routes = ROUTE_SOURCE == s
            values = pack(per_year[:, :, routes].sum(axis=(1, 2)), end[:, :, routes].sum(axis=(1, 2)))
            values.update(recovered=stock[:, s, :2].sum(axis=1), traced=stock[:, s, 0], stock_end=stock_end[:, s])
            with np.errstate(invalid="ignore", divide="ignore"):
                values["share_of_retail_sales"] = (bought_year_source[..., s] / sales[:, s]).mean(axis=1)
            groups[("source_state", source)] = values
        for k, corridor in enumerate(CORRIDORS):
            routes = ROUTE_CORRIDOR == k
            groups[("corridor", corridor)] = pack(per_year[:, :, routes].sum(axis=(1, 2)),
                                                  end[:, :, routes].sum(axis=(1, 2)))
        return groups

    def _retail_sales_matrix(self) -> np.ndarray:
        """NICS retail sales (Y, S), taking the nearest available year where a year is missing."""
        sales = np.full((len(self.years), len(SOURCES)), np.nan)
        if self.retail_sales is None or self.retail_sales.empty:
            return sales
        table = self.retail_sales.pivot_table(index="year", columns="source_state", values="guns")
        for i, year in enumerate(self.years):
            nearest = table.index[np.argmin(np.abs(table.index.to_numpy() - year))]
            sales[i] = [table.loc[nearest, s] if s in table.columns else np.nan for s in SOURCES]
        return sales

    # -- summaries ---------------------------------------------------------------------------------------

    def summary(self, level: float = 0.9) -> pd.DataFrame:
        """Median and central interval over replicates of every quantity, by group.

        Parameters
        ----------
        level : float
            Probability of the central interval (0.9 → 5 % and 95 % quantiles).

        Returns
        -------
        DataFrame
            ``group`` (total, channel, source_state, corridor), ``key``, ``quantity``, ``median``, ``low``,
            ``high``, ``unit``. Flows are yearly means over the simulated years; ``in_transit_end`` and
            ``stock_end`` are at the end of the last year.
        """
        tail = (1 - level) / 2
        rows = []
        for (group, key), quantities in self._groups.items():
            for quantity, values in quantities.items():
                low, median, high = np.nanquantile(values, [tail, 0.5, 1 - tail]) if np.isfinite(values).any() \
                    else (np.nan,) * 3
                rows.append({"group": group, "key": key, "quantity": quantity, "median": median, "low": low,
                             "high": high, "unit": QUANTITIES[quantity][0]})
        return pd.DataFrame(rows)

    def compare(self, reference: SimulationResult, level: float = 0.9) -> pd.DataFrame:
        """This scenario minus ``reference``, replicate by replicate, with central intervals.

        Both runs must share seed, replicates and years: each replicate then follows the same calibration draw,
        parameters and random streams, so the difference is the levers' effect and little else.

        Returns
        -------
        DataFrame
            ``group``, ``key``, ``quantity``, ``scenario``, ``reference``, ``median`` (this run),
            ``reference_median``, ``difference`` (median of paired differences), ``difference_low``,
            ``difference_high``, ``relative_pct`` (median of paired % changes), ``relative_low_pct``,
            ``relative_high_pct``, ``unit``.

        Raises
        ------
        IronRiverError
            If seeds, replicates or years differ.
        """
        if (self.seed != reference.seed or self.years != reference.years
                or not np.array_equal(self.replicates, reference.replicates)):
            raise IronRiverError(
                f"cannot compare '{self.scenario.name}' with '{reference.scenario.name}': common random numbers "
                f"need the same seed, replicates and years (seed {self.seed} vs {reference.seed}, "
                f"{len(self.replicates)} vs {len(reference.replicates)} replicates, years {self.years} vs "
                f"{reference.years})")
        tail = (1 - level) / 2
        rows = []
        for (group, key), quantities in self._groups.items():
            for quantity, values in quantities.items():
                if quantity in ("calibrated_flow",):
                    continue
                base = reference._groups[(group, key)][quantity]
                difference = values - base
                with np.errstate(invalid="ignore", divide="ignore"):
                    relative = np.where(base != 0, 100 * difference / base, np.nan)
                finite = np.isfinite(relative).any()
                d = np.nanquantile(difference, [tail, 0.5, 1 - tail]) if np.isfinite(difference).any() \
                    else (np.nan,) * 3
                p = np.nanquantile(relative, [tail, 0.5, 1 - tail]) if finite else (np.nan,) * 3
                rows.append({"group": group, "key": key, "quantity": quantity, "scenario": self.scenario.name,
                             "reference": reference.scenario.name, "median": np.nanmedian(values),
                             "reference_median": np.nanmedian(base), "difference": d[1], "difference_low": d[0],
                             "difference_high": d[2], "relative_pct": p[1], "relative_low_pct": p[0],
                             "relative_high_pct": p[2], "unit": QUANTITIES[quantity][0]})
        return pd.DataFrame(rows)

    def sankey_table(self, statistic: str = "median", level: float = 0.9) -> pd.DataFrame:
        """The chain as Sankey-ready rows: ``source → channel → crossing → outcome`` in guns a year.

        Parameters
        ----------
        statistic : {"median", "mean"}
            Statistic over replicates in ``guns_per_year``. Means add up along the chain (bought = sum of
            outcomes); medians of parts need not add to the median of the whole.
        level : float
            Central interval in ``low``/``high``.

        Returns
        -------
        DataFrame
            ``source`` (US source state), ``channel``, ``crossing`` (corridor, or "not crossed"), ``outcome``,
            ``guns_per_year``, ``low``, ``high``. "in transit" rows hold the guns still on the US side at the end
            of the horizon, divided by the years simulated, so the rows of a source and channel add up to its
            purchases a year.
        """
        if statistic not in ("median", "mean"):
            raise IronRiverError(f"unknown statistic {statistic!r}; use median or mean")
        years = len(self.years)
        per_year = self.transit.sum(axis=1) / years                    # (R, C, routes, 4)
        waiting = self.in_transit[:, -1] / years                      # (R, C, routes)
        tail = (1 - level) / 2
        rows = []
        for c, channel in enumerate(CHANNELS):
            for s, source in enumerate(SOURCES):
                routes = np.flatnonzero(ROUTE_SOURCE == s)
                pieces = [("not crossed", "interdicted_us", per_year[:, c, routes, 1].sum(axis=1)),
                          ("not crossed", "in_transit", waiting[:, c, routes].sum(axis=1))]
                for route in routes:
                    corridor = CORRIDORS[ROUTE_CORRIDOR[route]]
                    pieces += [(f"{corridor} ports", "interdicted_border", per_year[:, c, route, 2]),
                               (f"{corridor} ports", "arrived", per_year[:, c, route, 3])]
                for crossing, outcome, values in pieces:
                    centre = np.median(values) if statistic == "median" else np.mean(values)
                    low, high = np.quantile(values, [tail, 1 - tail])
                    rows.append({"source": source, "channel": channel, "crossing": crossing,
                                 "outcome": _OUTCOME_LABELS[outcome], "guns_per_year": float(centre),
                                 "low": float(low), "high": float(high)})
        return pd.DataFrame(rows)

    # -- bookkeeping -------------------------------------------------------------------------------------

    def conservation_gap(self) -> np.ndarray:
        """Per replicate and cell: bought − (arrived + interdicted + in transit) over the horizon (all zeros)."""
        totals = self.transit.sum(axis=1)
        return totals[..., 0] - totals[..., 1] - totals[..., 2] - totals[..., 3] - self.in_transit[:, -1]

    @property
    def weeks(self) -> int:
        return len(self.years) * WEEKS_PER_YEAR

    def to_dict(self, level: float = 0.9) -> dict[str, Any]:
        """A JSON-ready description of the run: scenario, seed, calibration, summary, Sankey rows, notes."""
        summary = self.summary(level)
        return {
            "scenario": {"name": self.scenario.name, "description": self.scenario.description,
                         "levers": _jsonable(self.scenario.active_levers()),
                         "assumptions_pinned": self.scenario.pinned_assumptions()},
            "seed": self.seed, "replicates": int(len(self.replicates)), "years": list(self.years),
            "calibration": self.calibration, "interval": level,
            "units": {q: unit for q, (unit, _) in QUANTITIES.items()},
            "summary": _records(summary),
            "sankey": _records(self.sankey_table(level=level)),
            "notes": list(self.notes),
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value

