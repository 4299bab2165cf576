"""Every number the supply-chain simulation uses: cited figures by literature id, and named assumptions.

The model needs two kinds of numbers. **Cited figures** come from the literature table
(:func:`ironriver.store.literature_value`), referred to here only by id; where a figure has a published
interval the simulation draws it per replicate (:class:`CitedFigure`). **Named assumptions** are the numbers
no source gives — how long a gun waits in a stash before crossing, how much of a closed channel traffickers
replace — each a registered :class:`~ironriver.assumptions.Assumption` (stage ``supply_chain``) with a value, a
plausible range, a unit and a one-line reason; the simulation draws them per replicate from a triangular
distribution over the range, and a scenario file may pin one (``[assumptions]``). **Structural assumptions** are the modelling choices that carry no number.
``ironriver simulate --assumptions`` lists all three. Imports only from :mod:`ironriver.store` (lazily) and
:mod:`ironriver.assumptions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ironriver.assumptions import Assumption, register

__all__ = [
    "CitedFigure", "ASSUMPTIONS", "STRUCTURAL_ASSUMPTIONS", "CITED_FIGURES",
    "assumption", "cited", "assumptions_table",
]


@dataclass(frozen=True)
class CitedFigure:
    """How the model uses one row of the literature table.

    Attributes
    ----------
    id : str
        The literature id.
    role : str
        What the model does with it.
    draw : bool
        True if the simulation draws the figure per replicate from its published interval (two-piece normal
        with ``low``–``high`` as its 95 % interval, truncated to the support), False if it uses the value.
    """

    id: str
    role: str
    draw: bool = False


# One row per named assumption of the simulation: (name, mode, low, high, unit, used by, why). Each is drawn per
# replicate from a triangular distribution with that mode over low–high; a scenario's ``[assumptions]`` may pin
# it inside that range.
_NAMED_TABLE: tuple[tuple[str, float, float, float, str, str, str], ...] = (
    ("unlicensed_share_of_no_check", 0.5, 0.2, 0.8, "fraction", "channels",
     "no source splits no-check trafficking sales between unlicensed sellers 'engaged in the business' (gun "
     "shows, online) and one-off private sellers; a wide prior centred on an even split"),
    ("weeks_to_crossing", 2.0, 1.0, 6.0, "weeks", "transit",
     "mean time a trafficked gun waits on the US side before a crossing attempt; no published figure "
     "(time-to-crime in traces measures purchase to recovery, not to crossing)"),
    ("channel_substitution", 0.5, 0.2, 0.9, "fraction", "levers",
     "share of the volume a lever removes from one channel that traffickers re-route through the channels "
     "still open in the same state; no study measures it"),
    ("cartel_demand_price_elasticity", 0.5, 0.1, 1.0, "elasticity", "risk response",
     "how much cartel purchases fall when losses to interdiction raise the cost of a delivered gun; guns are "
     "a small part of cartel spending, so demand is taken as inelastic"),
    ("guns_per_straw_buyer_per_month", 3.0, 1.0, 8.0, "guns/month", "purchase_limit_per_month",
     "mean monthly purchases (Poisson) of a buyer supplying traffickers; sets how much a purchase limit bites "
     "and how many buyer agents the benchmark's Mesa model creates; no published distribution"),
    ("multiple_sale_detection_gain", 1.0, 0.0, 3.0, "proportional increase", "multiple_sale_reporting",
     "extra US-side seizure hazard on straw purchases when multiple-sale reports cover every gun in every "
     "state (the 2011 demand letter covers rifles in AZ, CA, NM, TX only); effect never evaluated"),
    ("straw_supply_enforcement_elasticity", 0.2, 0.0, 0.5, "elasticity", "straw_enforcement",
     "how much straw-purchase and unlicensed-dealer volume falls as investigation and prosecution intensity "
     "rises (volume × intensity^−elasticity); BSCA 2022 charging counts exist but no volume response"),
    ("eib_rule_effect", 0.3, 0.05, 0.6, "fraction", "engaged_in_business_rule",
     "share of unlicensed-dealer volume the 2024 'engaged in the business' rule removes by licensing or "
     "deterring repeat sellers; in force 20 May 2024, not yet evaluated"),
    ("liability_straw_reduction", 0.15, 0.0, 0.4, "fraction", "dealer_liability",
     "share of straw purchases dealers would refuse if PLCAA were repealed and negligent sales carried "
     "liability; no evaluation exists"),
    ("homicide_elasticity_to_gun_inflow", 1.0, 0.5, 3.0, "elasticity", "assault_weapons_ban",
     "converts the spillover estimate (% change in Mexican firearm homicides after the 2004 ban expiry) into "
     "a % change in the trafficked flow: flow × (1 + effect)^(−1/elasticity); 1 = proportional"),
    ("awb_share_of_rifles_banned", 0.5, 0.2, 0.8, "fraction", "assault_weapons_ban",
     "used only when the spillover estimate is unavailable: share of trafficked rifles a federal ban would "
     "stop (the rifle share of traced guns is cited); the 1994 ban's definition covered some models only"),
    ("illicit_stock_attrition_per_year", 0.05, 0.02, 0.10, "fraction/year", "Mexican stock",
     "used only when the iron-river posterior carries no attrition draw: guns leaving Mexico's illicit stock "
     "a year other than by recovery (loss, breakage, export); no published rate"),
)

ASSUMPTIONS: tuple[Assumption, ...] = register("supply_chain", tuple(
    Assumption(name, value, low, high, unit, "assumption", why, used_by=used_by, distribution="triangular",
               kind="sampled")
    for name, value, low, high, unit, used_by, why in _NAMED_TABLE
))

STRUCTURAL_ASSUMPTIONS: tuple[tuple[str, str], ...] = (
    ("flow_is_purchases",
     "The iron-river flow (guns/year) is read as guns bought to be trafficked, McDougal et al.'s definition; "
     "the baseline's expected purchases equal the posterior draw of each replicate."),
    ("status_quo_baseline",
     "Levers are counterfactual changes to the status quo the calibration describes (e.g. multiple-rifle-sale "
     "reports in the border states since 2011 are part of the baseline)."),
    ("channels_follow_all_buyers",
     "Trafficking buyers acquire without a background check as often as all recent acquirers in their state's "
     "regime (Miller, Hepburn & Azrael 2017); the rest are straw purchases at licensed dealers."),
    ("private_sale_regimes",
     "California and New Mexico regulate private sales (state background-check laws; New Mexico from 2019); "
     "Arizona and Texas do not; other states take the national share. No published classification found: an assumption."),
    ("other_states_cross_with_border_states",
     "Guns bought outside the four border states cross at the four corridors in proportion to the border "
     "states' own source shares."),
    ("inspection_as_independent_chances",
     "Southbound inspection at k times today's intensity gives each crossing gun k independent chances of "
     "detection at today's rate (seizures grow in proportion while rare)."),
    ("recovery_origin_blind",
     "Mexican authorities recover guns from the illicit stock at one hazard whatever their origin; the US-origin "
     "share of the stock equals that of recoveries; the 2017 stock estimate seeds the first simulated year."),
    ("awb_spares_california",
     "An assault-weapons ban changes nothing for guns bought in California, which kept its own ban after 2004 "
     "(the spillover design's comparison rests on this)."),
    ("exchangeable_within_cell",
     "Guns in one channel × route cell are exchangeable: their weekly fates are drawn as one multinomial."),
)

CITED_FIGURES: tuple[CitedFigure, ...] = (
    CitedFigure("no_check_share_recent_acquisitions_2015",
                "share of all recent acquisitions without a check; with the private-purchase share it gives the "
                "private share of acquisitions", draw=True),
    CitedFigure("no_check_share_private_purchases_2015",
                "no-check share of private purchases, national (used for states outside the four)", draw=True),
    CitedFigure("no_check_share_private_regulated_states_2015",
                "no-check share of private purchases where private sales are regulated (CA, NM; and under "
                "universal background checks)", draw=True),
    CitedFigure("no_check_share_private_unregulated_states_2015",
                "no-check share of private purchases where they are not (AZ, TX)", draw=True),
    CitedFigure("source_state_share_tx_2017_2023", "source-state share of trafficked guns, Texas"),
    CitedFigure("source_state_share_az_2017_2023", "source-state share, Arizona"),
    CitedFigure("source_state_share_ca_2017_2023", "source-state share, California"),
    CitedFigure("source_state_traces_nm_2022_2023", "New Mexico traces, divided by the next id for its share"),
    CitedFigure("traces_us_proven_mx_2022_2023", "US-proven traces 2022–2023 (denominator of New Mexico's share)"),
    CitedFigure("ice_taskforce_firearms_seized_fy2015_2017",
                "guns seized on the US side before crossing a year (total ÷ years covered): the baseline "
                "investigation hazard"),
    CitedFigure("cbp_outbound_firearms_seized_fy2014_2019",
                "CBP outbound seizures a year: the baseline southbound-inspection detection rate"),
    CitedFigure("guns_seized_mx_annual_sas2013",
                "guns Mexican authorities seize a year: the recovery hazard of the illicit stock", draw=True),
    CitedFigure("civilian_firearms_mx_sas_2017", "civilian guns in Mexico: size of the stock"),
    CitedFigure("share_civilian_firearms_illicit_mx_2017", "illicit share of the stock (a lower bound, used as is)"),
    CitedFigure("share_traces_us_sourced_mx_2018_2023",
                "US-origin share of the stock when the posterior carries none"),
    CitedFigure("trace_requests_mx_per_year_suatm",
                "guns recovered and submitted to ATF a year; ÷ seizures = share of recoveries traced"),
    CitedFigure("rifle_share_traces_us_mx_2022_2023",
                "rifle share of traced US guns (assault-weapons ban without the spillover estimate)"),
    CitedFigure("cartel_members_mx_2022",
                "cartel members in 2022: demand scales with members / this figure when a scenario sets "
                "cartel_members", draw=True),
    CitedFigure("flow_mcdougal_jeg_2010_2012",
                "fallback calibration only (iron-river posterior unavailable): two-piece lognormal prior on "
                "the flow with the published interval", draw=True),
)

_ASSUMPTIONS_BY_NAME = {a.name: a for a in ASSUMPTIONS}


def assumption(name: str) -> Assumption:
    """The named assumption called ``name`` (raises :class:`~ironriver.errors.UnknownNameError`)."""
    from ironriver.errors import UnknownNameError

    if name not in _ASSUMPTIONS_BY_NAME:
        raise UnknownNameError("assumption", name, _ASSUMPTIONS_BY_NAME)
    return _ASSUMPTIONS_BY_NAME[name]


@lru_cache(maxsize=None)
def cited(id: str):  # noqa: A002 - literature ids are called id
    """The literature figure ``id`` (cached; the table is immutable within a process)."""
    from ironriver.store import literature_value

    return literature_value(id)


def assumptions_table(overrides: dict[str, float] | None = None) -> pd.DataFrame:
    """Every number and modelling choice of the simulation, for ``--assumptions`` and the JSON output.

    Parameters
    ----------
    overrides : dict, optional
        Named-assumption values a scenario pins; shown in the ``pinned`` column.

    Returns
    -------
    DataFrame
        ``kind`` (named / cited / structural), ``name``, ``value``, ``low``, ``high``, ``unit``, ``pinned``,
        ``used_by`` and ``why`` (for cited figures: the role and the source).
    """
    overrides = overrides or {}
    rows = [{"kind": "named", "name": a.name, "value": a.value, "low": a.low, "high": a.high, "unit": a.unit,
             "pinned": overrides.get(a.name), "used_by": a.used_by, "why": a.why} for a in ASSUMPTIONS]
    for figure in CITED_FIGURES:
        row = cited(figure.id)
        rows.append({"kind": "cited", "name": figure.id, "value": row.value, "low": row.low, "high": row.high,
                     "unit": row.unit, "pinned": None, "used_by": figure.role,
                     "why": f"{'drawn from its interval; ' if figure.draw else ''}{row.source}"})
    rows += [{"kind": "structural", "name": name, "value": None, "low": None, "high": None, "unit": "",
              "pinned": None, "used_by": "model", "why": text} for name, text in STRUCTURAL_ASSUMPTIONS]
    return pd.DataFrame(rows)
