"""Indicators of sovereignty: one small function per measure, from store tables and model outputs to a value
per state-year, carrying posterior draws where the inputs have them.

Each indicator measures one of Krasner's four kinds of sovereignty (facts.md section F) for one state,
and is described by an :class:`Indicator` (formula, unit, direction, sources, the transform that turns it
into a threat). :func:`compute_indicators` evaluates all of them on an :class:`Inputs` bundle and returns
:class:`IndicatorSeries`: a point value, ``n_draws`` draws and a lineage line for every year. Draws come
from the iron-river posterior (gun inflow), the spillover estimate, published intervals in the literature
table (sampled uniformly within them), disagreeing sources (one source picked per draw) and the ranges of
named assumptions; where an input has no uncertainty, every draw equals the point value.

The pure helpers (``firearm_homicide_rates``, ``decayed_count``, ``illicit_stock`` …) take plain frames
and arrays so that tests can check them on hand-computed cases. Nothing here reads a file: the inputs are
gathered by :func:`ironriver.sovereignty.chain.gather_inputs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ironriver.sovereignty.transforms import Transform, assumption, sample_assumption

__all__ = [
    "KINDS",
    "STATES",
    "Indicator",
    "IndicatorSeries",
    "Inputs",
    "INDICATORS",
    "compute_indicators",
    "firearm_homicide_rates",
    "decayed_count",
    "illicit_stock",
    "period_candidates",
    "cinc_ratio",
    "annual_by_year",
    "nan_median_columns",
]

Kind = Literal["domestic", "interdependence", "westphalian", "international_legal"]
KINDS: tuple[str, ...] = ("domestic", "interdependence", "westphalian", "international_legal")
"""Krasner's four kinds of sovereignty, in the order the ledger shows them."""
STATES: tuple[str, ...] = ("MEX", "USA")
CCODE: dict[str, int] = {"USA": 2, "MEX": 70}
"""Correlates of War country codes."""
PER_100K = 100_000.0
ANCHOR_YEAR = 2017
"""Year of the Small Arms Survey stock estimates that anchor the illicit stock."""


@dataclass(frozen=True)
class Indicator:
    """What an indicator measures and how it becomes a threat.

    Attributes
    ----------
    id : str
        Stable snake_case id, prefixed by the state (``mx_``, ``us_``).
    state : {"MEX", "USA"}
        Whose sovereignty it bears on.
    kind : str
        Krasner's kind (one of :data:`KINDS`).
    title : str
        Short human name.
    formula : str
        How the value is computed, in words and symbols.
    unit : str
        Unit of the value.
    direction : str
        What a higher value means for the state's sovereignty (always "higher = more threat" here; the
        transform encodes it).
    sources : tuple of str
        Store tables (with filters), literature ids, model outputs and assumption ids it draws on.
    transform : Transform
        The monotone map to a threat in [0, 1].
    needs : str or None
        A model output it cannot do without (``"iron_river"``, ``"spillover"``), or None.
    """

    id: str
    state: str
    kind: str
    title: str
    formula: str
    unit: str
    direction: str
    sources: tuple[str, ...]
    transform: Transform
    needs: str | None = None


@dataclass
class IndicatorSeries:
    """An indicator's values over the ledger's years.

    ``value`` and ``lineage`` have one entry per year (NaN and "" where the indicator has no value);
    ``draws`` has shape ``(n_draws, n_years)`` and NaN in the same columns as ``value``.
    ``reference_draws`` holds the transform's reference point per draw (None for share transforms).
    """

    indicator: Indicator
    years: np.ndarray
    value: np.ndarray
    draws: np.ndarray
    lineage: list[str]

    @property
    def available(self) -> np.ndarray:
        """Boolean mask of the years with a value."""
        return ~np.isnan(self.value)

    def frame(self) -> pd.DataFrame:
        """Tidy view: year, value, low90, high90 (over draws), lineage."""
        with np.errstate(all="ignore"):
            low, high = _nan_quantiles(self.draws, (0.05, 0.95))
        return pd.DataFrame({"indicator": self.indicator.id, "year": self.years, "value": self.value,
                             "low90": low, "high90": high, "lineage": self.lineage})


def nan_median_columns(draws: np.ndarray) -> np.ndarray:
    """Median of each column over its non-NaN rows; NaN for an all-NaN column (without a warning)."""
    return _nan_quantiles(draws, (0.5,))[0]


def _nan_quantiles(draws: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Quantiles of each column over its non-NaN rows (linear interpolation); NaN for an all-NaN column."""
    ordered = np.sort(draws, axis=0)
    count = (~np.isnan(draws)).sum(axis=0)
    out = []
    for q in qs:
        position = q * np.maximum(count - 1, 0)
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, np.maximum(count - 1, 0))
        low = np.take_along_axis(ordered, below[None, :], axis=0)[0]
        high = np.take_along_axis(ordered, above[None, :], axis=0)[0]
        out.append(np.where(count > 0, low + (position - below) * (high - low), np.nan))
    return out


@dataclass
class Inputs:
    """Everything the indicators read: store tables, literature, timeline and model outputs.

    A table or model output that is not available is ``None``; the indicators that need it are left out
    of the ledger and ``missing`` says why (the report prints it).
    """

    tables: dict[str, pd.DataFrame | None]
    literature: pd.DataFrame
    timeline: pd.DataFrame
    flow_draws: pd.DataFrame | None = None
    """Iron-river posterior: columns ``draw``, ``year``, ``guns_per_year``."""
    flow_note: str = ""
    """How the flow draws were modified before use (a scenario's levers), for lineage."""
    spillover_effect_draws: np.ndarray | None = None
    """Posterior draws of the 2004 AWB-expiry effect on Mexican homicides, in percent."""
    spillover_lineage: str = ""
    missing: list[str] = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def figure(self, literature_id: str) -> pd.Series:
        """One literature row by id (a KeyError names the id if it is gone from the table)."""
        hit = self.literature[self.literature["id"] == literature_id]
        if hit.empty:
            raise KeyError(f"literature id {literature_id!r} not in the literature table")
        return hit.iloc[0]


# ----------------------------------------------------------------------------------------------------
# pure helpers (hand-checkable)


def firearm_homicide_rates(homicides: pd.DataFrame, population: pd.DataFrame, *, by_state: bool = False,
                           sources: tuple[str, ...] = ("valle_ssa", "sesnsp")) -> pd.DataFrame:
    """Firearm homicides per 100,000 person-years, nationally (or by state), from state-month counts.

    Parameters
    ----------
    homicides : DataFrame
        ``mx_homicides``: ``state_code``, ``year``, ``month`` (NA = month unknown), ``firearm_homicides``
        (NA = not reported), ``source``.
    population : DataFrame
        ``mx_population`` (CONAPO pry23): ``state_code``, ``year``, ``population_mid_year`` (persons).
    by_state : bool
        Rates per state and year instead of national rates per year.
    sources : tuple of str
        Which tabulations to use. Within a year only one source is used (the later one in this tuple),
        so a rate never mixes Valle-Jones deaths with SESNSP victims.

    Returns
    -------
    DataFrame
        ``year`` (and ``state_code``), ``source``, ``firearm_homicides`` (count), ``person_years``,
        ``months_reported`` and ``rate`` (per 100,000 per year).

    Notes
    -----
    rate = 10⁵ × Σ F[s, m] / Σ P[s, y] / 12, both sums over the state-months (s, m) that reported.
    Unreported state-months (Oaxaca 2015, December 2008) drop out of numerator and denominator alike,
    and a part year (2025: January–June) is thereby annualised. Deaths whose month is unknown count in
    the numerator without adding person-time (they belong to months already counted).
    """
    frame = homicides[homicides["source"].isin(sources) & homicides["firearm_homicides"].notna()].copy()
    order = {name: rank for rank, name in enumerate(sources)}
    frame["rank"] = frame["source"].map(order)
    best = frame.groupby("year")["rank"].transform("max")
    frame = frame[frame["rank"] == best]
    pop = population[population["state_code"] != "00"][["state_code", "year", "population_mid_year"]]
    frame = frame.merge(pop, on=["state_code", "year"], how="left")
    if frame["population_mid_year"].isna().any():
        raise ValueError("mx_population lacks a state-year present in mx_homicides")
    dated = frame["month"].notna()
    frame["person_years"] = np.where(dated, frame["population_mid_year"].astype(float) / 12.0, 0.0)
    frame["months_reported"] = dated.astype(int)
    keys = ["year", "state_code"] if by_state else ["year"]
    out = frame.groupby(keys).agg(source=("source", "first"),
                                  firearm_homicides=("firearm_homicides", "sum"),
                                  person_years=("person_years", "sum"),
                                  months_reported=("months_reported", "sum")).reset_index()
    out["firearm_homicides"] = out["firearm_homicides"].astype(float)
    out["rate"] = PER_100K * out["firearm_homicides"] / out["person_years"]
    return out


def decayed_count(event_years: np.ndarray, years: np.ndarray, half_life: np.ndarray | float) -> np.ndarray:
    """Σ over events up to each year of 0.5 ** ((year − event_year) / half_life).

    ``half_life`` may be a scalar (returns shape ``(n_years,)``) or one value per draw (returns
    ``(n_draws, n_years)``). An event counts 1 in its own year, ½ one half-life later; future events
    count 0.
    """
    event_years = np.asarray(event_years, dtype=float)
    years = np.asarray(years, dtype=float)
    age = years[None, :] - event_years[:, None]                       # (events, years)
    past = age >= 0
    half = np.asarray(half_life, dtype=float)
    if half.ndim == 0:
        return np.where(past, 0.5 ** (np.where(past, age, 0) / half), 0.0).sum(axis=0)
    weights = 0.5 ** (np.where(past, age, 0)[None, :, :] / half[:, None, None])
    return np.where(past[None], weights, 0.0).sum(axis=1)


def illicit_stock(stock_anchor: float, anchor_year: int, years: np.ndarray, inflow: np.ndarray | None,
                  attrition: np.ndarray | float, *, backwards: bool = False) -> np.ndarray:
    """Illicit gun stock per year, anchored at a published stock and moved by inflow and attrition.

    S[t] = S[t−1] (1 − a) + inflow[t] forwards from the anchor; with ``backwards``, also
    S[t−1] = (S[t] − inflow[t]) / (1 − a) before it (NaN where that would go negative: the draw's inflow
    is then more than the anchor can account for). ``inflow`` has shape ``(n_draws, n_years)`` (NaN where
    unknown) or is None (only the anchor year gets a value). ``attrition`` is a scalar or one value per
    draw. Returns ``(n_draws, n_years)`` with NaN where the chain from the anchor is broken.
    """
    years = np.asarray(years)
    attrition = np.atleast_1d(np.asarray(attrition, dtype=float))
    n_draws = inflow.shape[0] if inflow is not None else attrition.size
    out = np.full((n_draws, years.size), np.nan)
    if anchor_year not in years:
        return out
    k = int(np.flatnonzero(years == anchor_year)[0])
    out[:, k] = stock_anchor
    if inflow is None:
        return out
    keep = 1.0 - attrition if attrition.size == n_draws else np.full(n_draws, 1.0 - attrition[0])
    for j in range(k + 1, years.size):
        out[:, j] = out[:, j - 1] * keep + inflow[:, j]
    if backwards:
        for j in range(k, 0, -1):
            earlier = (out[:, j] - inflow[:, j]) / keep
            out[:, j - 1] = np.where(earlier > 0, earlier, np.nan)
    return out


def period_candidates(rows: pd.DataFrame, year: int) -> tuple[pd.DataFrame, str]:
    """Literature rows that speak for ``year``: those whose period covers it, else the most recent before.

    Returns the rows and how they were chosen (``"covers"``, ``"carried forward from <end>"`` or ``""``
    when nothing applies). Rows without a period are never used; nothing is carried backwards.
    """
    dated = rows[rows["period_start"].notna() & rows["period_end"].notna()]
    covers = dated[(dated["period_start"] <= year) & (dated["period_end"] >= year)]
    if not covers.empty:
        return covers, "covers"
    before = dated[dated["period_end"] < year]
    if before.empty:
        return before, ""
    latest = before["period_end"].max()
    return before[before["period_end"] == latest], f"carried forward from {int(latest)} (carry_forward)"


def cinc_ratio(nmc: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
    """CINC(numerator) / CINC(denominator) by year, only where both come from before the series break.

    ``nmc`` is ``cow_nmc`` (``ccode``, ``year``, ``cinc``, ``series_break``). Returns ``year``, ``ratio``.
    """
    clean = nmc[~nmc["series_break"].astype(bool)]
    wide = clean[clean["ccode"].isin([CCODE[numerator], CCODE[denominator]])].pivot(
        index="year", columns="ccode", values="cinc").dropna()
    if CCODE[numerator] not in wide.columns or CCODE[denominator] not in wide.columns:
        return pd.DataFrame({"year": pd.Series([], dtype=int), "ratio": pd.Series([], dtype=float)})
    ratio = wide[CCODE[numerator]].astype(float) / wide[CCODE[denominator]].astype(float)
    return pd.DataFrame({"year": ratio.index.astype(int), "ratio": ratio.to_numpy()})


def annual_by_year(frame: pd.DataFrame, year_col: str, value_col: str) -> dict[int, float]:
    """Sum of ``value_col`` by ``year_col`` as a dict (a helper for fiscal-year series)."""
    sums = frame.groupby(year_col)[value_col].sum()
    return {int(k): float(v) for k, v in sums.items()}


def _carry_forward(years: np.ndarray, known: dict[int, float], label: str) -> tuple[np.ndarray, list[str]]:
    """Values for ``years`` from ``known``; later years take the latest earlier value (carry_forward)."""
    values = np.full(years.size, np.nan)
    lineage = [""] * years.size
    if not known:
        return values, lineage
    first, last = min(known), max(known)
    for j, year in enumerate(years):
        year = int(year)
        if year in known:
            values[j], lineage[j] = known[year], f"{label} {year}"
        elif year > last:
            values[j], lineage[j] = known[last], f"{label} {last}, carried forward (assumption carry_forward)"
        elif first < year:
            earlier = max(k for k in known if k < year)
            values[j] = known[earlier]
            lineage[j] = f"{label} {earlier}, carried forward (assumption carry_forward)"
    return values, lineage


def _uniform_figure(row: pd.Series, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of a literature figure: uniform on its published [low, high], or the value if no interval."""
    low = row["low"] if pd.notna(row["low"]) else row["value"]
    high = row["high"] if pd.notna(row["high"]) else row["value"]
    return rng.uniform(low, high, n) if high > low else np.full(n, float(row["value"]))


def _flow_matrix(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator) -> np.ndarray | None:
    """Iron-river flow draws resampled to ``(n_draws, n_years)`` (NaN for years the estimate lacks)."""
    if inputs.flow_draws is None or inputs.flow_draws.empty:
        return None
    wide = inputs.flow_draws.pivot_table(index="draw", columns="year", values="guns_per_year")
    picks = rng.integers(0, len(wide), n_draws)
    out = np.full((n_draws, years.size), np.nan)
    for j, year in enumerate(years):
        if int(year) in wide.columns:
            out[:, j] = wide[int(year)].to_numpy(dtype=float)[picks]
    return out


def _series(indicator: Indicator, years: np.ndarray, value: np.ndarray, draws: np.ndarray | None,
            lineage: list[str]) -> IndicatorSeries:
    value = np.asarray(value, dtype=float)
    if draws is None:
        draws = np.broadcast_to(value, (1, value.size)).copy()
    draws = np.where(np.isnan(value)[None, :], np.nan, draws)
    lineage = [text if not np.isnan(v) else "" for text, v in zip(lineage, value)]
    return IndicatorSeries(indicator, np.asarray(years), value, draws, lineage)


def _full(n_draws: int, value: np.ndarray) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (n_draws, len(value))).copy()


# ----------------------------------------------------------------------------------------------------
# the indicators

Compute = Callable[[Inputs, np.ndarray, int, np.random.Generator], IndicatorSeries]
_REGISTRY: list[tuple[Indicator, Compute]] = []


def _indicator(**meta: object) -> Callable[[Compute], Compute]:
    def register(function: Compute) -> Compute:
        _REGISTRY.append((Indicator(**meta), function))  # type: ignore[arg-type]
        return function
    return register


def _meta(indicator_id: str) -> Indicator:
    return next(ind for ind, _ in _REGISTRY if ind.id == indicator_id)


@_indicator(id="mx_firearm_homicide_rate", state="MEX", kind="domestic",
            title="Firearm homicide rate",
            formula="10⁵ × Σ firearm homicides / Σ person-years over reporting state-months",
            unit="per 100,000 per year", direction="higher = more threat",
            sources=("store mx_homicides (source valle_ssa 1998–2008, sesnsp 2015–2025; firearm_homicides)",
                     "store mx_population (CONAPO pry23 population_mid_year)"),
            transform=Transform("log_logistic", "ref_firearm_homicide_rate"))
def _mx_firearm_homicide_rate(inputs: Inputs, years: np.ndarray, n_draws: int,
                              rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("mx_firearm_homicide_rate")
    homicides, population = inputs.table("mx_homicides"), inputs.table("mx_population")
    value, lineage = np.full(years.size, np.nan), [""] * years.size
    if homicides is not None and population is not None:
        rates = firearm_homicide_rates(homicides, population).set_index("year")
        for j, year in enumerate(years):
            if int(year) in rates.index:
                row = rates.loc[int(year)]
                value[j] = row["rate"]
                lineage[j] = (f"store mx_homicides source={row['source']} {int(year)}: "
                              f"{row['firearm_homicides']:.0f} firearm homicides over {int(row['months_reported'])} "
                              f"reporting state-months ÷ mx_population pry23 person-years")
    return _series(meta, years, value, None, lineage)


@_indicator(id="mx_homicide_rate", state="MEX", kind="domestic",
            title="Homicide rate (all means)",
            formula="10⁵ × Σ homicides / Σ person-years over reporting state-months; INEGI deaths to 2014, "
                    "SESNSP victims from 2015 (one source per year)",
            unit="per 100,000 per year", direction="higher = more threat",
            sources=("store mx_homicides (source inegi 1990–2016, sesnsp 2015–2025; homicides)",
                     "store mx_population (CONAPO pry23 population_mid_year)"),
            transform=Transform("log_logistic", "ref_homicide_rate"))
def _mx_homicide_rate(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("mx_homicide_rate")
    homicides, population = inputs.table("mx_homicides"), inputs.table("mx_population")
    value, lineage = np.full(years.size, np.nan), [""] * years.size
    if homicides is not None and population is not None:
        counts = homicides.drop(columns="firearm_homicides").rename(columns={"homicides": "firearm_homicides"})
        rates = firearm_homicide_rates(counts, population, sources=("inegi", "sesnsp")).set_index("year")
        for j, year in enumerate(years):
            if int(year) in rates.index:
                row = rates.loc[int(year)]
                value[j] = row["rate"]
                lineage[j] = (f"store mx_homicides source={row['source']} {int(year)}: {row['firearm_homicides']:.0f} "
                              f"homicides over {int(row['months_reported'])} reporting state-months ÷ "
                              f"mx_population pry23 person-years")
    return _series(meta, years, value, None, lineage)


def _milper(inputs: Inputs, state: str, years: np.ndarray) -> tuple[np.ndarray, list[str]]:
    nmc = inputs.table("cow_nmc")
    if nmc is None:
        return np.full(years.size, np.nan), [""] * years.size
    rows = nmc[(nmc["ccode"] == CCODE[state]) & nmc["milper"].notna()]
    known = {int(y): float(m) * 1000.0 for y, m in zip(rows["year"], rows["milper"])}
    return _carry_forward(years, known, f"store cow_nmc milper (ccode {CCODE[state]}, thousands ×1000)")


@_indicator(id="mx_illicit_guns_per_soldier", state="MEX", kind="domestic",
            title="Illicit guns per member of the armed forces",
            formula="illicit stock / (CoW milper × 1000); stock anchored at 2017 (civilian − registered) and "
                    "moved forward by the iron-river inflow and attrition (never backwards: the anchor cannot "
                    "vouch for earlier years)",
            unit="guns per soldier", direction="higher = more threat",
            sources=("literature civilian_firearms_mx_sas_2017", "literature registered_firearms_mx_2017",
                     "model iron_river (guns_per_year)", "assumption illicit_stock_attrition",
                     "store cow_nmc milper (ccode 70)"),
            transform=Transform("log_logistic", "ref_illicit_guns_per_soldier"))
def _mx_illicit_guns_per_soldier(inputs: Inputs, years: np.ndarray, n_draws: int,
                                 rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("mx_illicit_guns_per_soldier")
    civilian = float(inputs.figure("civilian_firearms_mx_sas_2017")["value"])
    registered = float(inputs.figure("registered_firearms_mx_2017")["value"])
    attrition = sample_assumption(assumption("illicit_stock_attrition"), n_draws, rng)
    # The chain runs from the anchor year even when the window starts later.
    span = np.arange(min(ANCHOR_YEAR, int(years.min())), int(years.max()) + 1)
    flows = _flow_matrix(inputs, span, n_draws, rng)
    stock = illicit_stock(civilian - registered, ANCHOR_YEAR, span, flows, attrition)[:, np.isin(span, years)]
    point_stock = nan_median_columns(stock)
    soldiers, soldier_lineage = _milper(inputs, "MEX", years)
    draws = stock / soldiers[None, :]
    with np.errstate(all="ignore"):
        value = point_stock / soldiers
    moved = "" if flows is None else f" moved by iron-river inflow draws{inputs.flow_note} and attrition"
    lineage = [f"(literature civilian_firearms_mx_sas_2017 − registered_firearms_mx_2017){moved} ÷ {s}"
               for s in soldier_lineage]
    return _series(meta, years, value, draws, lineage)


@_indicator(id="mx_cartel_members_per_soldier", state="MEX", kind="domestic",
            title="Cartel members per member of the armed forces",
            formula="cartel members (2022, back to 2012 by the published growth) / (CoW milper × 1000)",
            unit="members per soldier", direction="higher = more threat",
            sources=("literature cartel_members_mx_2022", "literature cartel_members_growth_2012_2022",
                     "store cow_nmc milper (ccode 70)"),
            transform=Transform("log_logistic", "ref_cartel_members_per_soldier"))
def _mx_cartel_members_per_soldier(inputs: Inputs, years: np.ndarray, n_draws: int,
                                   rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("mx_cartel_members_per_soldier")
    members = inputs.figure("cartel_members_mx_2022")
    growth = inputs.figure("cartel_members_growth_2012_2022")
    anchor, start = int(members["period_end"]), int(growth["period_start"])
    member_draws = _uniform_figure(members, n_draws, rng)
    soldiers, soldier_lineage = _milper(inputs, "MEX", years)
    value, draws = np.full(years.size, np.nan), np.full((n_draws, years.size), np.nan)
    lineage = [""] * years.size
    for j, year in enumerate(years):
        year = int(year)
        if year < start:
            continue
        back = max(anchor - year, 0) * float(growth["value"])
        value[j] = (float(members["value"]) - back) / soldiers[j]
        draws[:, j] = (member_draws - back) / soldiers[j]
        how = ("literature cartel_members_mx_2022" if year == anchor else
               f"literature cartel_members_mx_2022 − {anchor - year} yr × cartel_members_growth_2012_2022"
               if year < anchor else "literature cartel_members_mx_2022, carried forward (carry_forward)")
        lineage[j] = f"{how} ÷ {soldier_lineage[j]}"
    return _series(meta, years, value, draws, lineage)


@_indicator(id="mx_cartel_territory_share", state="MEX", kind="domestic",
            title="Share of territory where cartels operate",
            formula="NORTHCOM 2021 cited share, uniform over its published range; from 2021 on",
            unit="share of national territory", direction="higher = more threat",
            sources=("literature cartel_territory_share_northcom_2021",),
            transform=Transform("log_logistic", "ref_cartel_territory_share"))
def _mx_cartel_territory_share(inputs: Inputs, years: np.ndarray, n_draws: int,
                               rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("mx_cartel_territory_share")
    row = inputs.figure("cartel_territory_share_northcom_2021")
    start = int(row["period_start"])
    draws = _uniform_figure(row, n_draws, rng)
    value = np.where(years >= start, float(row["value"]), np.nan)
    lineage = ["literature cartel_territory_share_northcom_2021"
               + ("" if int(y) == start else ", carried forward (carry_forward)") for y in years]
    return _series(meta, years, value, np.where(years >= start, draws[:, None], np.nan), lineage)


@_indicator(id="mx_spillover_effect", state="MEX", kind="domestic",
            title="Homicide effect of the US assault-weapons-ban expiry",
            formula="spillover estimate of the 2004 expiry's effect on homicides in Mexican municipios near "
                    "the border; 0 while the ban was in force (1994–2004)",
            unit="% change in homicides", direction="higher = more threat",
            sources=("model spillover (effect_pct)", "timeline awb_enacted_1994, awb_expired_2004"),
            transform=Transform("log_logistic", "ref_spillover_effect_pct"), needs="spillover")
def _mx_spillover_effect(inputs: Inputs, years: np.ndarray, n_draws: int,
                         rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("mx_spillover_effect")
    effect = inputs.spillover_effect_draws
    value, draws = np.full(years.size, np.nan), np.full((n_draws, years.size), np.nan)
    lineage = [""] * years.size
    if effect is None or len(effect) == 0:
        return _series(meta, years, value, draws, lineage)
    events = inputs.timeline.set_index("id")
    enacted = events.loc["awb_enacted_1994", "date"].year if "awb_enacted_1994" in events.index else None
    expired = events.loc["awb_expired_2004", "date"].year if "awb_expired_2004" in events.index else None
    if expired is None:
        return _series(meta, years, value, draws, lineage)
    picks = np.asarray(effect, dtype=float)[rng.integers(0, len(effect), n_draws)]
    for j, year in enumerate(years):
        if year > expired:
            value[j], draws[:, j] = float(np.median(effect)), picks
            lineage[j] = f"model spillover effect_pct ({inputs.spillover_lineage})"
        elif enacted is not None and year >= enacted:
            value[j], draws[:, j] = 0.0, 0.0
            lineage[j] = "timeline awb_enacted_1994–awb_expired_2004: ban in force, no expiry effect yet"
    return _series(meta, years, value, draws, lineage)


@_indicator(id="mx_inflow_per_legal_acquisition", state="MEX", kind="interdependence",
            title="Gun inflow per legal acquisition (DCAM)",
            formula="iron-river southbound flow / legal sales through the army's single shop (one cited "
                    "source per draw among those covering the year)",
            unit="trafficked guns per legal acquisition", direction="higher = more threat",
            sources=("model iron_river (guns_per_year)", "literature legal_sales_dcam_*"),
            transform=Transform("log_logistic", "ref_inflow_to_legal"), needs="iron_river")
def _mx_inflow_per_legal(inputs: Inputs, years: np.ndarray, n_draws: int,
                         rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("mx_inflow_per_legal_acquisition")
    flows = _flow_matrix(inputs, years, n_draws, rng)
    value, draws = np.full(years.size, np.nan), np.full((n_draws, years.size), np.nan)
    lineage = [""] * years.size
    if flows is None:
        return _series(meta, years, value, draws, lineage)
    legal = inputs.literature[inputs.literature["quantity"] == "legal_gun_sales_mx_per_year"]
    for j, year in enumerate(years):
        rows, how = period_candidates(legal, int(year))
        if rows.empty or np.isnan(flows[:, j]).all():
            continue
        picks = rows["value"].to_numpy(dtype=float)[rng.integers(0, len(rows), n_draws)]
        draws[:, j] = flows[:, j] / picks
        value[j] = float(np.median(flows[:, j]) / np.median(rows["value"]))
        lineage[j] = (f"model iron_river {int(year)}{inputs.flow_note} ÷ literature {', '.join(rows['id'])} "
                      f"({how}; one source per draw)")
    return _series(meta, years, value, draws, lineage)


@_indicator(id="mx_us_origin_share", state="MEX", kind="interdependence",
            title="Share of traced crime guns of US origin",
            formula="ATF share of Mexican traces US-sourced (one cited period per draw among those covering "
                    "the year)",
            unit="share of traced guns", direction="higher = more threat",
            sources=("literature share_traces_us_sourced_mx*", "literature share_traces_us_sourced_gao_2004_2008"),
            transform=Transform("share"))
def _mx_us_origin_share(inputs: Inputs, years: np.ndarray, n_draws: int,
                        rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("mx_us_origin_share")
    shares = inputs.literature[inputs.literature["quantity"] == "share_traces_us_sourced_mx"]
    value, draws = np.full(years.size, np.nan), np.full((n_draws, years.size), np.nan)
    lineage = [""] * years.size
    for j, year in enumerate(years):
        rows, how = period_candidates(shares, int(year))
        if rows.empty:
            continue
        draws[:, j] = rows["value"].to_numpy(dtype=float)[rng.integers(0, len(rows), n_draws)]
        value[j] = float(rows["value"].median())
        lineage[j] = f"literature {', '.join(rows['id'])} ({how})"
    return _series(meta, years, value, draws, lineage)


def _cinc_indicator(indicator_id: str, state: str, other: str) -> Compute:
    def compute(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator) -> IndicatorSeries:
        meta = _meta(indicator_id)
        nmc = inputs.table("cow_nmc")
        if nmc is None:
            return _series(meta, years, np.full(years.size, np.nan), None, [""] * years.size)
        ratios = cinc_ratio(nmc, other, state)
        known = dict(zip(ratios["year"].astype(int), ratios["ratio"]))
        value, lineage = _carry_forward(
            years, known, f"store cow_nmc cinc ccode {CCODE[other]} ÷ ccode {CCODE[state]}, series_break=False,")
        return _series(meta, years, value, None, lineage)
    return compute


for _state, _other in (("MEX", "USA"), ("USA", "MEX")):
    _prefix = "mx" if _state == "MEX" else "us"
    _indicator(id=f"{_prefix}_cinc_ratio", state=_state, kind="westphalian",
               title=f"Power asymmetry: CINC {_other} / {_state}",
               formula=f"CINC({_other}) / CINC({_state}), years ≤ 2016 (NMC series break from 2017), later years "
                       "carry 2016 forward",
               unit="ratio", direction="higher = more threat",
               sources=("store cow_nmc cinc (ccode 2, 70; series_break = False)", "literature cinc_ratio_usa_mex_2016"),
               transform=Transform("log_logistic", "ref_cinc_ratio"))(
        _cinc_indicator(f"{_prefix}_cinc_ratio", _state, _other))


def _uses_of_force(inputs: Inputs, user: str, target: str) -> tuple[np.ndarray, str]:
    """Onset years of the USA–Mexico disputes in which ``user`` itself used force (hostlev ≥ 4)."""
    mids = inputs.table("usa_mex_mids")
    if mids is None:
        return np.array([]), ""
    rows = mids[(mids["source"] == "cow") & (mids["ccode1"] == CCODE[user]) & (mids["ccode2"] == CCODE[target])
                & (mids["hostlev1"].astype("Float64").fillna(0) >= 4).astype(bool)]
    onsets = rows.drop_duplicates("dispnum")["styear"].astype(int).to_numpy()
    return onsets, (f"store usa_mex_mids source=cow ccode1={CCODE[user]} hostlev1≥4: {len(onsets)} disputes "
                    f"{onsets.min() if len(onsets) else ''}–{onsets.max() if len(onsets) else ''}")


def _force_indicator(indicator_id: str, state: str, other: str) -> Compute:
    def compute(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator) -> IndicatorSeries:
        meta = _meta(indicator_id)
        if inputs.table("usa_mex_mids") is None:
            return _series(meta, years, np.full(years.size, np.nan), None, [""] * years.size)
        onsets, text = _uses_of_force(inputs, other, state)
        half = assumption("decay_half_life_years")
        value = decayed_count(onsets, years, half.value)
        draws = decayed_count(onsets, years, sample_assumption(half, n_draws, rng))
        lineage = [f"{text}, decayed (assumption decay_half_life_years); MID 5 has no USA–MEX dispute after 1920"
                   ] * years.size
        return _series(meta, years, value, draws, lineage)
    return compute


for _state, _other in (("MEX", "USA"), ("USA", "MEX")):
    _prefix = "mx" if _state == "MEX" else "us"
    _indicator(id=f"{_prefix}_uses_of_force_against", state=_state, kind="westphalian",
               title=f"{_other} uses of force against {_state} (militarized disputes)",
               formula="Σ over disputes in which the other state used force (hostlev ≥ 4) of "
                       "0.5^(years since onset / half-life)",
               unit="decayed count of disputes", direction="higher = more threat",
               sources=("store usa_mex_mids (CoW MID 5, 1836–1920)", "assumption decay_half_life_years"),
               transform=Transform("log_logistic", "ref_force_events"))(
        _force_indicator(f"{_prefix}_uses_of_force_against", _state, _other))


def _timeline_years(inputs: Inputs, state: str, kind: str, categories: set[str]) -> pd.DataFrame:
    events = inputs.timeline
    return events[(events["state_affected"] == state) & (events["sovereignty_kind"] == kind)
                  & events["category"].isin(categories)]


def _event_indicator(indicator_id: str, state: str, kind: str, categories: set[str]) -> Compute:
    def compute(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator) -> IndicatorSeries:
        meta = _meta(indicator_id)
        events = _timeline_years(inputs, state, kind, categories)
        event_years = events["date"].dt.year.to_numpy()
        half = assumption("decay_half_life_years")
        value = decayed_count(event_years, years, half.value)
        draws = decayed_count(event_years, years, sample_assumption(half, n_draws, rng))
        cats = "/".join(sorted(categories))
        lineage = []
        for year in years:
            past = events[events["date"].dt.year <= year]["id"].tolist()
            named = ", ".join(past[-4:]) + (f" (+{len(past) - 4} earlier)" if len(past) > 4 else "")
            lineage.append(f"timeline state_affected={state} kind={kind} category={cats}: "
                           + (named if past else "no such event up to this year")
                           + ", decayed (assumption decay_half_life_years)")
        return _series(meta, years, value, draws, lineage)
    return compute


for _state in STATES:
    _prefix = "mx" if _state == "MEX" else "us"
    _indicator(id=f"{_prefix}_live_force_signals", state=_state, kind="westphalian",
               title=f"Live signals of outside force against {_state} (designations, directives)",
               formula="Σ over terrorist designations and force directives aimed at actors on the state's "
                       "territory of 0.5^(years since / half-life)",
               unit="decayed count of events", direction="higher = more threat",
               sources=("timeline (category designation/directive, kind westphalian)",
                        "assumption decay_half_life_years"),
               transform=Transform("log_logistic", "ref_live_signals"))(
        _event_indicator(f"{_prefix}_live_force_signals", _state, "westphalian", {"designation", "directive"}))

_indicator(id="us_cross_border_raids", state="USA", kind="domestic",
           title="Armed raids from across the border into the USA",
           formula="Σ over armed raids or wars on US soil from Mexico of 0.5^(years since / half-life); no "
                   "packaged series measures US violence attributable to cross-border crime",
           unit="decayed count of events", direction="higher = more threat",
           sources=("timeline (category incursion/war, kind domestic, state_affected USA)",
                    "assumption decay_half_life_years"),
           transform=Transform("log_logistic", "ref_cross_border_raids"))(
    _event_indicator("us_cross_border_raids", "USA", "domestic", {"incursion", "war"}))


def _legal_indicator(indicator_id: str, state: str) -> Compute:
    def compute(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator) -> IndicatorSeries:
        meta = _meta(indicator_id)
        events = inputs.timeline[(inputs.timeline["sovereignty_kind"] == "international_legal")
                                 & (inputs.timeline["state_affected"] == state)]
        shields = events[events["category"] == "us_law"]
        rulings = events[(events["category"] == "ruling") & (events["target"] == state)]
        shield_year = int(shields["date"].dt.year.min()) if not shields.empty else None
        value, lineage = np.zeros(years.size), []
        for j, year in enumerate(years):
            shield = shield_year is not None and year >= shield_year
            denied = rulings[rulings["date"].dt.year <= year]["id"].tolist()
            value[j] = float(shield) + len(denied)
            parts = []
            if shield:
                parts.append(f"shield in force ({', '.join(shields['id'])})")
            if denied:
                parts.append(f"rulings against {state}: {', '.join(denied)}")
            lineage.append(f"timeline kind=international_legal state_affected={state}: "
                           + ("; ".join(parts) if parts else "no shield or adverse ruling (recognition and "
                                                             "remedies intact)"))
        return _series(meta, years, value, None, lineage)
    return compute


for _state in STATES:
    _prefix = "mx" if _state == "MEX" else "us"
    _indicator(id=f"{_prefix}_remedies_denied", state=_state, kind="international_legal",
               title=f"Legal remedies of {_state} barred or denied",
               formula="1 while a statute shields the other state's industry from the state's suits (PLCAA) "
                       "+ the number of rulings against the state",
               unit="shields in force + adverse rulings", direction="higher = more threat",
               sources=("timeline (kind international_legal: us_law, ruling)",),
               transform=Transform("log_logistic", "ref_legal_barriers"))(
        _legal_indicator(f"{_prefix}_remedies_denied", _state))


@_indicator(id="us_swb_apprehensions", state="USA", kind="interdependence",
            title="Southwest-border apprehensions (US Border Patrol)",
            formula="USBP Southwest Land Border encounters per fiscal year (FY t → year t); FY2025 from the "
                    "literature (the store's FY2025 holds two months)",
            unit="apprehensions per fiscal year", direction="higher = more threat",
            sources=("store usbp_encounters_annual (region 'Southwest Land Border', FY2000–FY2024)",
                     "literature usbp_swb_apprehensions_fy2025"),
            transform=Transform("log_logistic", "ref_swb_apprehensions"))
def _us_swb_apprehensions(inputs: Inputs, years: np.ndarray, n_draws: int,
                          rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("us_swb_apprehensions")
    known, source = {}, {}
    annual = inputs.table("usbp_encounters_annual")
    if annual is not None:
        sw = annual[annual["region"] == "Southwest Land Border"]
        complete = inputs.table("usbp_encounters_monthly")
        months = (complete[complete["region"] == "Southwest Land Border"].groupby("fiscal_year").size()
                  if complete is not None else None)
        for fy, count in zip(sw["fiscal_year"], sw["encounters"]):
            if months is not None and months.get(int(fy), 12) < 12:
                continue  # a part year (FY2025 = Oct–Nov 2024) is not a year's flow
            known[int(fy)] = float(count)
            source[int(fy)] = f"store usbp_encounters_annual region='Southwest Land Border' FY{int(fy)}"
    fy2025 = "usbp_swb_apprehensions_fy2025"
    if (inputs.literature["id"] == fy2025).any() and 2025 not in known:
        known[2025] = float(inputs.figure(fy2025)["value"])
        source[2025] = f"literature {fy2025}"
    value = np.array([known.get(int(y), np.nan) for y in years])
    return _series(meta, years, value, None, [source.get(int(y), "") for y in years])


@_indicator(id="us_fentanyl_seized_swb", state="USA", kind="interdependence",
            title="Fentanyl seized at the southwest border",
            formula="CBP fentanyl seizures, region Southwest Border, pounds per fiscal year (FY t → year t)",
            unit="pounds per fiscal year", direction="higher = more threat",
            sources=("store cbp_drug_seizures (region 'Southwest Border', drug 'Fentanyl', FY2019–FY2023)",
                     "literature fentanyl_seized_lbs_swb_fy2024"),
            transform=Transform("log_logistic", "ref_fentanyl_lbs"))
def _us_fentanyl(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator) -> IndicatorSeries:
    meta = _meta("us_fentanyl_seized_swb")
    known, source = {}, {}
    seizures = inputs.table("cbp_drug_seizures")
    if seizures is not None:
        rows = seizures[(seizures["region"] == "Southwest Border") & (seizures["drug"] == "Fentanyl")
                        & ~seizures["outlier"].astype(bool)]
        for fy, pounds in annual_by_year(rows, "fiscal_year", "pounds").items():
            known[fy] = pounds
            source[fy] = f"store cbp_drug_seizures region='Southwest Border' drug='Fentanyl' FY{fy} (sum of pounds)"
    full_year_swb = inputs.literature[(inputs.literature["quantity"] == "fentanyl_seized_lbs")
                                      & (inputs.literature["geography"] == "USA-SWB")
                                      & inputs.literature["id"].str.fullmatch(r"fentanyl_seized_lbs_swb_fy\d{4}")]
    for _, row in full_year_swb.iterrows():
        fy = int(row["period_end"])
        if fy not in known:
            known[fy], source[fy] = float(row["value"]), f"literature {row['id']}"
    value = np.array([known.get(int(y), np.nan) for y in years])
    return _series(meta, years, value, None, [source.get(int(y), "") for y in years])


INDICATORS: dict[str, Indicator] = {ind.id: ind for ind, _ in _REGISTRY}
"""Every indicator's metadata, by id."""


def compute_indicators(inputs: Inputs, years: np.ndarray, n_draws: int, seed: int) -> list[IndicatorSeries]:
    """Evaluate every indicator whose inputs are present; the rest are named in ``inputs.missing``.

    Each indicator gets its own random stream (seeded from ``seed`` and its position) so adding an
    indicator does not change the draws of the others.
    """
    years = np.asarray(years, dtype=int)
    out = []
    for position, (indicator, compute) in enumerate(_REGISTRY):
        if indicator.needs == "iron_river" and inputs.flow_draws is None:
            inputs.missing.append(f"{indicator.id}: needs the iron-river estimate, which is not available")
            continue
        if indicator.needs == "spillover" and inputs.spillover_effect_draws is None:
            inputs.missing.append(f"{indicator.id}: needs the spillover estimate, which is not available")
            continue
        rng = np.random.default_rng([seed, position])
        series = compute(inputs, years, n_draws, rng)
        if not series.available.any():
            inputs.missing.append(f"{indicator.id}: no value in {years.min()}–{years.max()}")
        out.append(series)
    return out
