"""Indicators of sovereignty: the measure functions named in the catalogue, from store tables, the literature,
the timeline and model outputs to draws of a value per year.

Each function returns a :class:`Measured`: draws ``(n_draws, n_years)`` (NaN where nothing was measured), a
status per year (``observed``, ``partial`` — a part year annualised —, ``forecast`` — a model effect outside
its estimation window, or an iron-river flow past its last year of evidence — or ``missing``) and a lineage line per year. Nothing is carried forward here: one
rule for every indicator of both states fills gaps in :mod:`~ironriver.sovereignty.draws`. Draws come from the
iron-river posterior (its flow and, draw for draw, its attrition of the illicit stock), the spillover
estimate, published intervals (uniform within them), disagreeing sources (one per draw) and the shared
assumption draws of :class:`Shared` (one value per draw for both states: the half-life of remembered
events). Nothing here reads a file: the inputs
are gathered by :func:`ironriver.sovereignty.chain.gather_inputs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ironriver.sovereignty.catalogue import INDICATORS, KINDS, STATES, Indicator
from ironriver.sovereignty.events import legal_barrier_counts, timeline_event_years
from ironriver.sovereignty.measures import (
    CCODE,
    PER_100K,
    cinc_ratio,
    decayed_count,
    firearm_homicide_rates,
    illicit_stock,
)

__all__ = ["KINDS", "STATES", "INDICATORS", "Indicator", "Inputs", "Measured", "Shared", "measure",
           "MX_BORDER_STATES", "ANCHOR_YEAR", "SPILLOVER_WINDOW", "MID_COVERAGE", "TX_PANEL_YEARS"]

ANCHOR_YEAR = 2017
"""Year of the Small Arms Survey stock estimates that anchor the illicit stock."""
MX_BORDER_STATES = ("02", "05", "08", "19", "26", "28")
"""INEGI codes of the six states on the US border: Baja California, Coahuila, Chihuahua, Nuevo León, Sonora,
Tamaulipas."""
SPILLOVER_WINDOW = (2005, 2008)
"""Calendar years after the September 2004 expiry inside the spillover estimate's panel (to 2008-11)."""
TX_PANEL_YEARS = 3
"""Length of the Texas DPS balanced panels: each year's rate comes from the agencies reporting all twelve months
in that year and the two before it (a shorter panel keeps more agencies; see us_tx_border_murder_rate)."""


@dataclass
class Inputs:
    """Everything the indicators read: store tables, literature, timeline and model outputs.

    A table or model output that is not available is ``None``; the indicators that need it are missing and
    ``missing`` says why (the report prints it).
    """

    tables: dict[str, pd.DataFrame | None]
    literature: pd.DataFrame
    timeline: pd.DataFrame
    flow_draws: pd.DataFrame | None = None
    """Iron-river posterior: columns ``draw``, ``year``, ``guns_per_year``."""
    attrition_draws: pd.DataFrame | None = None
    """Iron-river posterior of the illicit stock's attrition (share lost a year: the seizure floor plus
    ``attrition_beyond_seizures``): columns ``draw``, ``attrition``, with the draw ids of ``flow_draws``."""
    flow_note: str = ""
    flow_forecast_years: frozenset[int] = frozenset()
    """Years of ``flow_draws`` past the iron river's last year of evidence (its random-walk forecast): a value
    resting on them has status ``forecast``."""
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


@dataclass(frozen=True)
class Shared:
    """Assumptions drawn once per draw and used by every indicator of both states (common random numbers)."""

    decay_half_life_years: np.ndarray
    spillover_half_life_years: float


@dataclass
class Measured:
    """One indicator's measured draws over consecutive years, with a status and a lineage line per year."""

    draws: np.ndarray
    status: np.ndarray
    lineage: list[str]

    @classmethod
    def empty(cls, n_draws: int, n_years: int) -> Measured:
        return cls(np.full((n_draws, n_years), np.nan), np.full(n_years, "missing", dtype=object), [""] * n_years)

    def set(self, j: int, draws: np.ndarray | float, lineage: str, status: str = "observed") -> None:
        self.draws[:, j] = draws
        self.status[j] = status
        self.lineage[j] = lineage


def _from_known(known: dict[int, tuple[float, str, str]], years: np.ndarray, n_draws: int) -> Measured:
    """A measured series with no uncertainty beyond its value: ``known`` maps year → (value, lineage, status)."""
    out = Measured.empty(n_draws, years.size)
    for j, year in enumerate(years):
        if int(year) in known and np.isfinite(known[int(year)][0]):
            value, lineage, status = known[int(year)]
            out.set(j, value, lineage, status)
    return out


def _observed_rate(count: float, people: float, lineage: str) -> tuple[float, str, str]:
    """A ``known`` entry of :func:`_from_known`: ``count`` per 100,000 of ``people``, observed, with its lineage."""
    return PER_100K * count / people, lineage, "observed"


def _uniform_figure(row: pd.Series, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of a literature figure: uniform on its published [low, high], or the value if no interval."""
    low = row["low"] if pd.notna(row["low"]) else row["value"]
    high = row["high"] if pd.notna(row["high"]) else row["value"]
    return rng.uniform(low, high, n) if high > low else np.full(n, float(row["value"]))


def _picked_flows(inputs: Inputs, years: np.ndarray, n_draws: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
    """Iron-river flow draws resampled to ``(n_draws, n_years)`` (NaN for years the estimate lacks), and the
    posterior draw id behind each row (so that other quantities of the same draw can follow it)."""
    if inputs.flow_draws is None or inputs.flow_draws.empty:
        return None
    wide = inputs.flow_draws.pivot_table(index="draw", columns="year", values="guns_per_year")
    picks = rng.integers(0, len(wide), n_draws)
    out = np.full((n_draws, years.size), np.nan)
    for j, year in enumerate(years):
        if int(year) in wide.columns:
            out[:, j] = wide[int(year)].to_numpy(dtype=float)[picks]
    return out, wide.index.to_numpy()[picks]


def _flow_matrix(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator) -> np.ndarray | None:
    """Iron-river flow draws resampled to ``(n_draws, n_years)`` (NaN for years the estimate lacks)."""
    picked = _picked_flows(inputs, years, n_draws, rng)
    return None if picked is None else picked[0]


def _attrition_of(inputs: Inputs, draw_ids: np.ndarray) -> np.ndarray | None:
    """The iron-river attrition of the posterior draws ``draw_ids`` (None if the posterior carries none)."""
    if inputs.attrition_draws is None or inputs.attrition_draws.empty:
        return None
    by_draw = inputs.attrition_draws.set_index("draw")["attrition"]
    if not np.isin(draw_ids, by_draw.index).all():
        return None
    return by_draw.loc[draw_ids].to_numpy(dtype=float)


def _flow_status(inputs: Inputs, since: int, year: int) -> str:
    """``forecast`` if a flow of a year in (``since``, ``year``] is the iron river's forecast, else ``observed``."""
    return "forecast" if any(since < y <= year for y in inputs.flow_forecast_years) else "observed"


def _covering_draws(rows: pd.DataFrame, year: int, n_draws: int, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """One covering literature row per draw for ``year`` (empty array and "" when no row covers it);
    the rows are those :func:`~ironriver.sovereignty.measures.period_candidates` selects."""
    dated = rows[rows["period_start"].notna() & rows["period_end"].notna()]
    hit = ((dated["period_start"].to_numpy(dtype=float) <= year) & (dated["period_end"].to_numpy(dtype=float) >= year))
    if not hit.any():
        return np.array([]), ""
    values = dated["value"].to_numpy(dtype=float)[hit]
    return values[rng.integers(0, values.size, n_draws)], ", ".join(dated["id"].to_numpy()[hit])


def _milper(inputs: Inputs, state: str, n_draws: int, rng: np.random.Generator) -> dict[int, tuple[np.ndarray, str]]:
    """CoW military personnel (persons) by year, as draws with a lineage, in the years NMC measured them.

    One rule for both states: a value NMC repeated from the year before (``milper_repeated``) is not a
    measurement (the carry rule decides about that year); after the 2017 series break a value is drawn uniformly
    between the state's lowest post-break value and its last pre-break value, because the post-break figures are
    uncorroborated (Mexico: 277 thousand in 2016, 216 in 2021 after the Guardia Nacional was created).
    """
    nmc = inputs.table("cow_nmc")
    if nmc is None:
        return {}
    rows = nmc[(nmc["ccode"] == CCODE[state]) & nmc["milper"].notna()].sort_values("year")
    if "milper_repeated" in rows.columns:
        measured = rows[~rows["milper_repeated"].astype(bool)]
    else:
        measured = rows
    before = rows[~rows["series_break"].astype(bool)]
    after = rows[rows["series_break"].astype(bool)]
    out: dict[int, tuple[np.ndarray, str]] = {}
    label = f"store cow_nmc milper ccode {CCODE[state]}"
    for year, milper, broken in zip(measured["year"], measured["milper"], measured["series_break"]):
        if broken and not before.empty:
            low = float(after["milper"].min()) * 1000.0
            high = float(before["milper"].iloc[-1]) * 1000.0
            low, high = min(low, high), max(low, high)
            out[int(year)] = (rng.uniform(low, high, n_draws),
                              f"{label} {int(year)}: after the 2017 series break, uniform {low:,.0f}–{high:,.0f}")
        else:
            out[int(year)] = (np.full(n_draws, float(milper) * 1000.0), f"{label} {int(year)}")
    return out


def _rates(inputs: Inputs, column: str, sources: tuple[str, ...], states: tuple[str, ...] | None) -> pd.DataFrame:
    homicides, population = inputs.table("mx_homicides"), inputs.table("mx_population")
    if homicides is None or population is None:
        return pd.DataFrame(columns=["year", "rate"])
    counts = homicides if column == "firearm_homicides" else \
        homicides.drop(columns="firearm_homicides").rename(columns={"homicides": "firearm_homicides"})
    if states is not None:
        counts = counts[counts["state_code"].isin(states)]
    return firearm_homicide_rates(counts, population, sources=sources)


def _rate_status(row: pd.Series, n_states: int) -> str:
    return "partial" if row["months_reported"] < 12 * n_states else "observed"


# ----------------------------------------------------------------------------------------------------
# measure functions (named in the catalogue)


def us_gun_homicide_rate(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                         shared: Shared) -> Measured:
    """Mexican firearm homicides per 100,000 × the share of traced crime guns first sold in the USA."""
    out = Measured.empty(n_draws, years.size)
    rates = _rates(inputs, "firearm_homicides", ("valle_ssa", "sesnsp"), None).set_index("year")
    shares = inputs.literature[inputs.literature["quantity"] == "share_traces_us_sourced_mx"]
    for j, year in enumerate(years):
        if int(year) not in rates.index:
            continue
        picks, ids = _covering_draws(shares, int(year), n_draws, rng)
        if not ids:
            continue
        row = rates.loc[int(year)]
        out.set(j, row["rate"] * picks,
                f"store mx_homicides source={row['source']} {int(year)} ({int(row['months_reported'])} state-months) ÷ "
                f"mx_population pry23 × literature {ids} (one per draw)", _rate_status(row, 32))
    return out


def synthetic_opioid_death_rate(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                                shared: Shared) -> Measured:
    """US synthetic-opioid deaths per 100,000: VSRR December counts / CoW population, NCHS crude rates before."""
    known: dict[int, tuple[float, str, str]] = {}
    national = inputs.table("overdose_death_rates_national")
    if national is not None:
        rows = national[(national["drug"] == "synthetic opioids (T40.4)") & (national["rate_type"] == "crude")
                        & (national["group"] == "Total") & national["deaths_per_100k"].notna()]
        for year, rate in zip(rows["year"], rows["deaths_per_100k"]):
            known[int(year)] = (float(rate), f"store overdose_death_rates_national {int(year)} (NCHS Health, United "
                                "States: synthetic opioids T40.4, crude, all persons)", "observed")
    annual, nmc = inputs.table("synthetic_opioid_deaths_annual"), inputs.table("cow_nmc")
    if annual is not None and nmc is not None:
        us = annual[(annual["jurisdiction"] == "US") & annual["deaths"].notna()]
        population = nmc[nmc["ccode"] == CCODE["USA"]].set_index("year")["tpop"] * 1000.0
        latest = int(population.index.max())
        for year, deaths, provisional, under in zip(us["year"], us["deaths"], us["provisional"], us["underreported"]):
            pop_year = min(int(year), latest)
            if int(year) - pop_year > 3:
                continue
            carried = "" if pop_year == int(year) else f" (population {pop_year}, carried)"
            lineage = (f"store synthetic_opioid_deaths_annual US {int(year)}: {int(deaths):,} deaths"
                       f"{' (provisional)' if provisional else ''}{', NCHS: underreported' if under else ''}"
                       f" ÷ cow_nmc tpop ccode 2{carried}")
            known[int(year)] = _observed_rate(float(deaths), float(population[pop_year]), lineage)
    return _from_known(known, years, n_draws)


def cartel_members_per_soldier(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                               shared: Shared) -> Measured:
    """Cartel members (2022, back to 2012 by the published growth) per soldier; only the years the figures cover."""
    out = Measured.empty(n_draws, years.size)
    members = inputs.figure("cartel_members_mx_2022")
    growth = inputs.figure("cartel_members_growth_2012_2022")
    anchor, start = int(members["period_end"]), int(growth["period_start"])
    member_draws = _uniform_figure(members, n_draws, rng)
    soldiers = _milper(inputs, "MEX", n_draws, rng)
    for j, year in enumerate(years):
        year = int(year)
        if not start <= year <= anchor or year not in soldiers:
            continue
        back = (anchor - year) * float(growth["value"])
        how = "literature cartel_members_mx_2022" + (
            f" − {anchor - year} yr × cartel_members_growth_2012_2022" if year < anchor else "")
        out.set(j, (member_draws - back) / soldiers[year][0], f"{how} ÷ {soldiers[year][1]}")
    return out


def illicit_guns_per_soldier(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                             shared: Shared) -> Measured:
    """Illicit stock (anchored 2017, moved by the iron-river inflow and attrition) per soldier.

    Inflow and attrition come from the same iron-river posterior draw: the model that estimates the flow also
    estimates how fast the stock it feeds wears away (a seizure floor plus ``attrition_beyond_seizures``), and
    the two are correlated along its posterior. Without attrition draws the indicator is missing.
    """
    out = Measured.empty(n_draws, years.size)
    civilian = float(inputs.figure("civilian_firearms_mx_sas_2017")["value"])
    registered = float(inputs.figure("registered_firearms_mx_2017")["value"])
    span = np.arange(min(ANCHOR_YEAR, int(years.min())), int(years.max()) + 1)
    picked = _picked_flows(inputs, span, n_draws, rng)
    if picked is None:
        return out
    flows, draw_ids = picked
    attrition = _attrition_of(inputs, draw_ids)
    if attrition is None:
        return out
    stock = illicit_stock(civilian - registered, ANCHOR_YEAR, span, flows, attrition)
    soldiers = _milper(inputs, "MEX", n_draws, rng)
    for j, year in enumerate(years):
        k = int(np.flatnonzero(span == year)[0])
        if int(year) in soldiers and np.isfinite(stock[:, k]).any():
            out.set(j, stock[:, k] / soldiers[int(year)][0],
                    f"(literature civilian_firearms_mx_sas_2017 − registered_firearms_mx_2017) moved by iron-river "
                    f"inflow draws{inputs.flow_note} and attrition (same posterior draw) to {int(year)} ÷ "
                    f"{soldiers[int(year)][1]}",
                    _flow_status(inputs, ANCHOR_YEAR, int(year)))
    return out


def literature_figure(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                      shared: Shared, figure: str) -> Measured:
    """A cited figure in the years its period covers, uniform over its published range."""
    out = Measured.empty(n_draws, years.size)
    row = inputs.figure(figure)
    draws = _uniform_figure(row, n_draws, rng)
    for j, year in enumerate(years):
        if int(row["period_start"]) <= year <= int(row["period_end"]):
            out.set(j, draws, f"literature {figure}")
    return out


def literature_share(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                     shared: Shared, quantity: str) -> Measured:
    """A cited share in the years covered, one covering source per draw."""
    out = Measured.empty(n_draws, years.size)
    rows = inputs.literature[inputs.literature["quantity"] == quantity]
    for j, year in enumerate(years):
        picks, ids = _covering_draws(rows, int(year), n_draws, rng)
        if ids:
            out.set(j, picks, f"literature {ids} (one per draw)")
    return out


def border_states_homicide_rate(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                                shared: Shared) -> Measured:
    """Homicides per 100,000 in Mexico's six border states (INEGI deaths to 2014, SESNSP victims from 2015)."""
    rates = _rates(inputs, "homicides", ("inegi", "sesnsp"), MX_BORDER_STATES)
    known = {int(r["year"]): (float(r["rate"]),
                              f"store mx_homicides source={r['source']} {int(r['year'])}, states "
                              f"{'/'.join(MX_BORDER_STATES)} ({int(r['months_reported'])} state-months) ÷ mx_population "
                              "pry23", _rate_status(r, len(MX_BORDER_STATES))) for _, r in rates.iterrows()}
    return _from_known(known, years, n_draws)


def tx_border_murder_rate(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                          shared: Shared) -> Measured:
    """Murders per 100,000 in Texas border-county agencies: for each year, the balanced panel of agencies (with a
    population served) that reported all twelve months in that year and the :data:`TX_PANEL_YEARS` − 1 before."""
    crime = inputs.table("tx_border_crime")
    known: dict[int, tuple[float, str, str]] = {}
    if crime is not None:
        served = crime[crime["population_served"] > 0]
        for year in sorted(served["year"].unique()):
            first = int(year) - TX_PANEL_YEARS + 1
            window = served[served["year"].between(first, int(year))]
            full = window[window["full_year"]].groupby("agency")["year"].nunique()
            panel = full.index[full == TX_PANEL_YEARS]
            rows = window[(window["year"] == year) & window["agency"].isin(panel)]
            murders = rows[rows["offense"] == "murder and nonnegligent manslaughter"]
            if murders.empty:
                continue
            people = float(murders["population_served"].sum())
            lineage = (f"store tx_border_crime {int(year)}: {len(murders)} agencies reporting 12 months in "
                       f"each of {first}–{int(year)}, {int(murders['offenses'].sum())} murders over "
                       f"{people:,.0f} people served")
            known[int(year)] = _observed_rate(float(murders["offenses"].sum()), people, lineage)
    return _from_known(known, years, n_draws)


def spillover_effect(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                     shared: Shared) -> Measured:
    """The AWB-expiry effect (%): in its estimation window; after it decayed by the spillover half-life."""
    out = Measured.empty(n_draws, years.size)
    effect = inputs.spillover_effect_draws
    if effect is None or len(effect) == 0:
        return out
    picks = np.asarray(effect, dtype=float)[rng.integers(0, len(effect), n_draws)]
    first, last = SPILLOVER_WINDOW
    half = shared.spillover_half_life_years
    for j, year in enumerate(years):
        if first <= year <= last:
            out.set(j, picks, f"model spillover effect_pct ({inputs.spillover_lineage}), estimation window "
                              f"{first}–{last}")
        elif year > last:
            out.set(j, picks * 0.5 ** ((year - last) / half),
                    f"model spillover effect_pct × 0.5^(({int(year)} − {last}) / {half:g}) (assumption "
                    f"spillover_half_life_years)", "forecast")
    return out


def inflow_per_legal(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                     shared: Shared) -> Measured:
    """Iron-river inflow per legal acquisition, in the years a cited legal-sales figure covers."""
    out = Measured.empty(n_draws, years.size)
    flows = _flow_matrix(inputs, years, n_draws, rng)
    if flows is None:
        return out
    legal = inputs.literature[inputs.literature["quantity"] == "legal_gun_sales_mx_per_year"]
    for j, year in enumerate(years):
        picks, ids = _covering_draws(legal, int(year), n_draws, rng)
        if ids and np.isfinite(flows[:, j]).all():
            out.set(j, flows[:, j] / picks,
                    f"model iron_river {int(year)}{inputs.flow_note} ÷ literature {ids} (one per draw)",
                    _flow_status(inputs, int(year) - 1, int(year)))
    return out


def _fentanyl_by_year(inputs: Inputs) -> dict[int, pd.DataFrame]:
    """CBP fentanyl seizure rows (ports and Border Patrol) by fiscal year, complete years only: FY2019–FY2022
    from the first release, FY2023 on from the second (they agree on FY2023; never summed twice)."""
    old, new = inputs.table("cbp_drug_seizures"), inputs.table("cbp_drug_seizures_2023_2026")
    frames = []
    if old is not None:
        frames.append(old[old["fiscal_year"] < (2023 if new is not None else 9999)].assign(partial_year=False))
    if new is not None:
        frames.append(new)
    if not frames:
        return {}
    rows = pd.concat(frames, ignore_index=True)
    rows = rows[(rows["drug"] == "Fentanyl") & ~rows["outlier"].astype(bool) & ~rows["partial_year"].astype(bool)]
    return {int(fy): group for fy, group in rows.groupby("fiscal_year")}


def fentanyl_seized(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator, shared: Shared,
                    region: str) -> Measured:
    """Pounds of fentanyl seized by CBP in ``region`` per complete fiscal year (FY t → year t)."""
    known = {fy: (float(g.loc[g["region"] == region, "pounds"].sum()),
                  f"store cbp_drug_seizures{'_2023_2026' if fy >= 2023 else ''} region='{region}' drug='Fentanyl' "
                  f"FY{fy} (sum of pounds)", "observed") for fy, g in _fentanyl_by_year(inputs).items()}
    return _from_known(known, years, n_draws)


def fentanyl_swb_share(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                       shared: Shared) -> Measured:
    """Share of CBP fentanyl pounds seized at the Southwest Border, per complete fiscal year."""
    known = {fy: (float(g.loc[g["region"] == "Southwest Border", "pounds"].sum() / g["pounds"].sum()),
                  f"store cbp_drug_seizures{'_2023_2026' if fy >= 2023 else ''} drug='Fentanyl' FY{fy}: Southwest "
                  "Border pounds ÷ all regions", "observed")
             for fy, g in _fentanyl_by_year(inputs).items() if g["pounds"].sum() > 0}
    return _from_known(known, years, n_draws)


def swb_encounters(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
                   shared: Shared) -> Measured:
    """USBP Southwest Land Border encounters per complete fiscal year (FY t → year t)."""
    annual, monthly = inputs.table("usbp_encounters_annual"), inputs.table("usbp_encounters_monthly")
    known: dict[int, tuple[float, str, str]] = {}
    if annual is not None:
        sw = annual[annual["region"] == "Southwest Land Border"]
        months = (monthly[monthly["region"] == "Southwest Land Border"].groupby("fiscal_year").size()
                  if monthly is not None else pd.Series(dtype=int))
        for fy, count in zip(sw["fiscal_year"], sw["encounters"]):
            if months.get(int(fy), 12) == 12:
                label = " (incl. Title 42 expulsions)" if 2020 <= int(fy) <= 2023 else ""
                known[int(fy)] = (float(count), f"store usbp_encounters_annual region='Southwest Land Border' "
                                                f"FY{int(fy)}{label}", "observed")
    return _from_known(known, years, n_draws)


def cinc(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator, shared: Shared,
         state: str, other: str) -> Measured:
    """CINC(other) / CINC(state) in the years before the NMC series break."""
    nmc = inputs.table("cow_nmc")
    if nmc is None:
        return Measured.empty(n_draws, years.size)
    ratios = cinc_ratio(nmc, other, state, include_break=True)
    known = {int(y): (float(r), f"store cow_nmc cinc ccode {CCODE[other]} ÷ ccode {CCODE[state]} {int(y)}"
                      + (" (NMC after the 2017 series break: both scores of one vintage)" if brk else ""), "observed")
             for y, r, brk in zip(ratios["year"], ratios["ratio"], ratios["series_break"])}
    return _from_known(known, years, n_draws)


MID_COVERAGE = (1816, 2014)
"""Years the CoW militarized-dispute data (MID 5) code for every pair of states."""


def uses_of_force(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator, shared: Shared,
                  state: str, other: str) -> Measured:
    """Decayed count of disputes in which ``other`` used force against ``state``, in the MID coverage years."""
    out = Measured.empty(n_draws, years.size)
    mids = inputs.table("usa_mex_mids")
    if mids is None:
        return out
    rows = mids[(mids["source"] == "cow") & (mids["ccode1"] == CCODE[other]) & (mids["ccode2"] == CCODE[state])
                & (mids["hostlev1"].astype("Float64").fillna(0) >= 4).astype(bool)]
    onsets = rows.drop_duplicates("dispnum")["styear"].astype(int).to_numpy()
    draws = decayed_count(onsets, years, shared.decay_half_life_years)
    text = (f"store usa_mex_mids source=cow ccode1={CCODE[other]} ccode2={CCODE[state]} hostlev1≥4: "
            f"{len(onsets)} disputes, decayed (assumption decay_half_life_years)")
    for j, year in enumerate(years):
        if MID_COVERAGE[0] <= year <= MID_COVERAGE[1]:
            out.set(j, draws[:, j], text)
    return out


def timeline_events(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator, shared: Shared,
                    state: str, other: str, concept: str) -> Measured:
    """Decayed count of the timeline's events of ``concept`` read against ``state``, in its coded years."""
    out = Measured.empty(n_draws, years.size)
    events, coverage = timeline_event_years(inputs.timeline, concept, state)
    event_years, ids = events["date"].dt.year.to_numpy(), events["id"].to_numpy()
    draws = decayed_count(event_years, years, shared.decay_half_life_years)
    for j, year in enumerate(years):
        if coverage[0] <= year <= coverage[1]:
            past = list(ids[event_years <= year])
            named = ", ".join(past[-4:]) + (f" (+{len(past) - 4} earlier)" if len(past) > 4 else "")
            out.set(j, draws[:, j], f"timeline {concept} against {state}: {named or 'none up to this year'}, decayed "
                                    "(assumption decay_half_life_years)", "observed")
    return out


def legal_barriers(inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator, shared: Shared,
                   state: str, other: str) -> Measured:
    """Shields in force plus adverse final rulings in force against ``state``, in the years the timeline codes."""
    out = Measured.empty(n_draws, years.size)
    counts, lineage, coverage = legal_barrier_counts(inputs.timeline, state, years)
    for j, year in enumerate(years):
        if coverage[0] <= year <= coverage[1]:
            out.set(j, counts[j], lineage[j])
    return out


def measure(indicator: Indicator, inputs: Inputs, years: np.ndarray, n_draws: int, rng: np.random.Generator,
            shared: Shared) -> Measured:
    """Run the catalogue's measure function of ``indicator`` over ``years``."""
    function: Any = globals()[indicator.measure]
    return function(inputs, np.asarray(years, dtype=int), n_draws, rng, shared, **indicator.params)
