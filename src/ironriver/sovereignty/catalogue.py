"""The catalogue of sovereignty indicators and the concepts they measure: declarative tables, no computation.

Concepts, not indicators, are the unit of fairness. ``concepts.csv`` (in this package) has one row per Krasner
kind × concept, naming the indicator that measures it for Mexico and for the USA — or nothing, with a note
saying why the concept is not measured for that state — and whether the two indicators share a unit (then
they share one reference point, drawn once per draw for both). :data:`INDICATORS` describes every indicator
in one table: what it measures, its unit, where its numbers come from (``source``: dataset, literature,
model or events), which measure function of :mod:`~ironriver.sovereignty.indicators` computes it and with
which parameters, and the transform that turns it into a threat. An indicator's kind and concept are read
from the concept table, so the two tables cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import pandas as pd

__all__ = ["KINDS", "KIND_LABELS", "STATES", "STATE_POSSESSIVES", "SOURCES", "Indicator", "INDICATORS", "concepts", "concept_of", "other_state"]

KINDS: tuple[str, ...] = ("domestic", "interdependence", "westphalian", "international_legal")
"""Krasner's four kinds of sovereignty, in the order the ledger shows them."""
KIND_LABELS = {"domestic": "domestic", "interdependence": "interdependence", "westphalian": "Westphalian",
               "international_legal": "international legal", "overall": "overall"}
"""Each kind (and the overall score) as a sentence or a chart names it."""
STATES: tuple[str, ...] = ("MEX", "USA")
STATE_POSSESSIVES = {"MEX": "Mexico's", "USA": "the USA's"}
"""Each state as a sentence names its sovereignty ("Mexico's sovereignty")."""
SOURCES: tuple[str, ...] = ("dataset", "literature", "model", "events")
"""Where an indicator's numbers come from (the strongest input decides: a model output beats a dataset)."""


def other_state(state: str) -> str:
    """The other state of the pair."""
    return "USA" if state == "MEX" else "MEX"


@lru_cache(maxsize=1)
def concepts() -> pd.DataFrame:
    """The concept table: ``kind``, ``concept``, ``title``, ``shared_reference`` (bool), ``MEX``, ``USA`` (indicator
    id or ""), ``note``. Checked on load: known kinds, unique kind × concept, every indicator id in the catalogue."""
    with resources.files("ironriver.sovereignty").joinpath("concepts.csv").open(encoding="utf-8") as stream:
        table = pd.read_csv(stream, dtype=str, keep_default_na=False)
    table["shared_reference"] = table["shared_reference"].map({"yes": True, "no": False})
    if table["shared_reference"].isna().any() or not table["kind"].isin(KINDS).all():
        raise ValueError("concepts.csv: shared_reference must be yes/no and kind one of " + ", ".join(KINDS))
    if table.duplicated(["kind", "concept"]).any():
        raise ValueError("concepts.csv: a kind × concept appears twice")
    return table


@lru_cache(maxsize=1)
def _concept_index() -> dict[str, tuple[str, str]]:
    return {row[state]: (row["kind"], row["concept"]) for row in concepts().to_dict("records") for state in STATES
            if row[state]}


def concept_of(indicator_id: str) -> tuple[str, str]:
    """(kind, concept) of an indicator, from the concept table."""
    try:
        return _concept_index()[indicator_id]
    except KeyError:
        raise KeyError(f"indicator {indicator_id!r} is in no row of concepts.csv") from None


@dataclass(frozen=True)
class Indicator:
    """What an indicator measures, where its numbers come from and how it becomes a threat.

    ``measure`` names a function of :mod:`ironriver.sovereignty.indicators` and ``params`` its keyword
    arguments; ``transform`` is ``"log_logistic"`` (threat x / (x + r), r drawn from the reference range set
    from the concept's observed values) or ``"share"`` (the value is already a share, clipped to [0, 1]).
    ``history`` marks event counts whose reference range is set over the whole coded history (1836 on),
    not only the ledger's span. ``needs`` names a model output the indicator cannot do without.
    """

    id: str
    state: str
    title: str
    formula: str
    unit: str
    source: Literal["dataset", "literature", "model", "events"]
    sources: tuple[str, ...]
    measure: str
    params: dict[str, Any] = field(default_factory=dict)
    transform: Literal["log_logistic", "share"] = "log_logistic"
    direction: str = "higher = more threat"
    needs: str | None = None
    history: bool = False

    @property
    def kind(self) -> str:
        return concept_of(self.id)[0]

    @property
    def concept(self) -> str:
        return concept_of(self.id)[1]

    @property
    def label(self) -> str:
        return f"{self.state}: {self.title}"


def _pair(stem: str, **common: Any) -> list[Indicator]:
    """The same measure for both states: ids ``mx_<stem>`` and ``us_<stem>``, ``state``/``other`` as params."""
    out = []
    for state in STATES:
        prefix = "mx" if state == "MEX" else "us"
        other = other_state(state)
        title = common["title"].format(state=state, other=other)
        params = {**common.get("params", {}), "state": state, "other": other}
        out.append(Indicator(id=f"{prefix}_{stem}", state=state, title=title,
                             **{k: v for k, v in common.items() if k not in ("title", "params")}, params=params))
    return out


_TABLE: list[Indicator] = [
    # --- domestic ---------------------------------------------------------------------------------------
    Indicator("mx_us_gun_homicide_rate", "MEX", "Firearm homicides with US-origin guns",
              "10⁵ × firearm homicides / person-years × share of traced crime guns first sold in the USA (one "
              "covering ATF period per draw)", "deaths per 100,000 a year", "dataset",
              ("store mx_homicides (valle_ssa 1998–2008, sesnsp 2015–2025; firearm_homicides)",
               "store mx_population (CONAPO pry23)", "literature share_traces_us_sourced_mx*"),
              "us_gun_homicide_rate"),
    Indicator("us_synthetic_opioid_death_rate", "USA", "Synthetic-opioid overdose deaths",
              "10⁵ × synthetic-opioid (T40.4) overdose deaths / population: VSRR December 12-month count (2015 on) "
              "over the CoW total population; NCHS crude rate before 2015", "deaths per 100,000 a year", "dataset",
              ("store synthetic_opioid_deaths_annual (jurisdiction US)", "store overdose_death_rates_national",
               "store cow_nmc tpop (ccode 2)"),
              "synthetic_opioid_death_rate"),
    Indicator("mx_cartel_members_per_soldier", "MEX", "Cartel members per member of the armed forces",
              "cartel members (2022, back to 2012 by the published growth) / (CoW milper × 1000)",
              "members per soldier", "literature",
              ("literature cartel_members_mx_2022", "literature cartel_members_growth_2012_2022",
               "store cow_nmc milper (ccode 70)"), "cartel_members_per_soldier"),
    Indicator("mx_illicit_guns_per_soldier", "MEX", "Illicit guns per member of the armed forces",
              "illicit stock / (CoW milper × 1000); stock anchored at 2017 (civilian − registered) and moved "
              "forward by the iron-river inflow and attrition, both from the same posterior draw (never backwards)", "guns per soldier", "model",
              ("literature civilian_firearms_mx_sas_2017", "literature registered_firearms_mx_2017",
               "model iron_river (guns_per_year)", "model iron_river (attrition)",
               "store cow_nmc milper (ccode 70)"), "illicit_guns_per_soldier", needs="iron_river"),
    Indicator("mx_cartel_territory_share", "MEX", "Share of territory where cartels operate",
              "NORTHCOM 2021 cited share, uniform over its published range", "share of national territory",
              "literature", ("literature cartel_territory_share_northcom_2021",), "literature_figure",
              {"figure": "cartel_territory_share_northcom_2021"}, transform="share"),
    Indicator("mx_border_states_homicide_rate", "MEX", "Homicide rate in the six border states",
              "10⁵ × homicides / person-years in Baja California, Sonora, Chihuahua, Coahuila, Nuevo León and "
              "Tamaulipas (INEGI deaths to 2014, SESNSP victims from 2015)", "homicides per 100,000 a year",
              "dataset", ("store mx_homicides (inegi, sesnsp; homicides)", "store mx_population (CONAPO pry23)"),
              "border_states_homicide_rate"),
    Indicator("us_tx_border_murder_rate", "USA", "Murder rate in the Texas border counties",
              "10⁵ × murders and nonnegligent manslaughters / population served, over the agencies (population "
              "served > 0) that reported all twelve months in every year of the panel", "homicides per 100,000 a year",
              "dataset", ("store tx_border_crime (Texas DPS Border Report, balanced panel)",),
              "tx_border_murder_rate"),
    Indicator("mx_spillover_effect", "MEX", "Homicide effect of the US assault-weapons-ban expiry",
              "spillover estimate of the 2004 expiry's effect on firearm homicides in the border states, in its "
              "estimation window (2005–2008); after it, decayed by a named half-life; missing before the expiry",
              "% change in homicides", "model", ("model spillover (effect_pct)", "assumption spillover_half_life_years"),
              "spillover_effect", needs="spillover"),
    # --- interdependence --------------------------------------------------------------------------------
    Indicator("mx_inflow_per_legal_acquisition", "MEX", "Gun inflow per legal acquisition (DCAM)",
              "iron-river southbound flow / legal sales through the army's single shop (one covering cited "
              "source per draw)", "trafficked guns per legal acquisition", "model",
              ("model iron_river (guns_per_year)", "literature legal_sales_dcam_*"), "inflow_per_legal",
              needs="iron_river"),
    Indicator("us_fentanyl_seized_swb", "USA", "Fentanyl seized at the southwest border (flow proxy)",
              "CBP fentanyl seizures, region Southwest Border, pounds per fiscal year (FY t → year t); read as "
              "proportional to what gets through if the interdicted share is steady", "pounds per fiscal year",
              "dataset", ("store cbp_drug_seizures (FY2019–FY2022)", "store cbp_drug_seizures_2023_2026 (FY2023 on)"),
              "fentanyl_seized", {"region": "Southwest Border"}),
    Indicator("us_swb_encounters", "USA", "Border Patrol encounters at the southwest border",
              "USBP Southwest Land Border encounters per fiscal year (Title 8 apprehensions + Title 42 "
              "expulsions FY2020–FY2023; FY t → year t); complete fiscal years only", "encounters per fiscal year",
              "dataset", ("store usbp_encounters_annual (region 'Southwest Land Border')",
                          "store usbp_encounters_monthly (complete years)"), "swb_encounters"),
    Indicator("mx_us_origin_share", "MEX", "Share of traced crime guns of US origin",
              "ATF share of Mexican traces first sold in the USA (one covering period per draw)",
              "share of traced guns", "literature", ("literature share_traces_us_sourced_mx*",),
              "literature_share", {"quantity": "share_traces_us_sourced_mx"}, transform="share"),
    Indicator("us_fentanyl_swb_share", "USA", "Share of US fentanyl seizures made at the Mexican border",
              "CBP fentanyl pounds seized in region Southwest Border / all regions (ports and Border Patrol; "
              "air and marine never added)", "share of pounds seized", "dataset",
              ("store cbp_drug_seizures", "store cbp_drug_seizures_2023_2026"), "fentanyl_swb_share",
              transform="share"),
    # --- westphalian ------------------------------------------------------------------------------------
    *_pair("cinc_ratio", title="Power asymmetry: CINC {other} / {state}",
           formula="CINC(other) / CINC(state) in the same year (NMC v7 to 2022; the 2016→2017 step is the series "
                   "break, not a change)", unit="ratio",
           source="dataset", sources=("store cow_nmc cinc (ccode 2, 70)",),
           measure="cinc"),
    *_pair("uses_of_force_against", title="{other} uses of force against {state} (militarized disputes)",
           formula="Σ over disputes in which the other state used force (hostlev ≥ 4) of "
                   "0.5^(years since onset / half-life); coded for the pair 1816–2014",
           unit="decayed count of disputes", source="events",
           sources=("store usa_mex_mids (CoW MID 5)", "assumption decay_half_life_years"), measure="uses_of_force",
           history=True),
    *_pair("live_force_signals", title="Designations and force directives aimed at {state}'s territory",
           formula="Σ over designations and directives of the other state aimed at actors on the state's territory "
                   "of 0.5^(years since / half-life), in the years the timeline codes them for the state",
           unit="decayed count of events", source="events",
           sources=("timeline (category designation/directive)", "assumption decay_half_life_years"),
           measure="timeline_events", params={"concept": "designations_and_directives"}, history=True),
    # --- international legal ----------------------------------------------------------------------------
    *_pair("remedies_denied", title="Legal remedies of {state} barred or denied",
           formula="shields in force against the state's remedies + final rulings that deny a remedy the state "
                   "sought or bind it to a forum it rejects (a reversed ruling stops counting)",
           unit="shields and adverse final rulings in force", source="events",
           sources=("timeline (kind international_legal)",), measure="legal_barriers", history=True),
]

INDICATORS: dict[str, Indicator] = {indicator.id: indicator for indicator in _TABLE}
"""Every indicator, by id, in the order of the ledger's arrays."""
