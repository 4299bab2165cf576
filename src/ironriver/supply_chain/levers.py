"""Policy levers, and how a scenario's lever settings become the engine's rates and probabilities.

Each lever is a small object (:class:`Lever`): its name, its real-world anchor (the design's "Policy levers"
table), its unit and allowed range, the named assumptions and cited figures it uses, and one method,
:meth:`Lever.apply`, that changes a :class:`LeverState` — never the engine. A lever can

* **restrict a channel** (``retention`` < 1): part of that channel's volume becomes impossible; a share
  ``channel_substitution`` of what is lost is re-routed through the channels still open in the same state;
* **scale volume** without re-routing (``scale``): deterrence of straw buyers, an assault-weapons ban,
  cartel demand;
* **raise seizure hazards** on the US side (``us_hazard``, investigation) or at the ports (``inspection``).

:func:`resolve_plan` then turns the state into a :class:`Plan` for every replicate: expected purchases a year in
each channel × route cell, and the weekly fate probabilities of a gun in transit and of a gun in Mexico's
illicit stock. Losses to interdiction raise the cost of a delivered gun, and cartel demand answers with the
elasticity ``cartel_demand_price_elasticity`` (the model's risk response). Everything is vectorised over
replicates. Imports only within :mod:`ironriver.supply_chain`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import Field
from scipy import stats

from ironriver.supply_chain.chain import (
    CELL_CHANNEL, CELL_ROUTE, CHANNELS, CORRIDORS, N_CELLS, N_ROWS, ROUTE_CORRIDOR, ROUTE_SOURCE, ROUTES, SOURCES,
    WEEKS_PER_YEAR,
)
from ironriver.supply_chain.inputs import ModelInputs

__all__ = ["Lever", "LEVERS", "LEVERS_BY_NAME", "LeverState", "Plan", "resolve_plan", "channel_shares",
           "PRIVATE_SALE_REGIME", "capped_poisson_mean"]

STRAW, UNLICENSED, PRIVATE = (CHANNELS.index(c) for c in CHANNELS)
NO_CHECK = [UNLICENSED, PRIVATE]

PRIVATE_SALE_REGIME: dict[str, str] = {"TX": "unregulated", "AZ": "unregulated", "CA": "regulated",
                                       "NM": "regulated", "other": "national"}
"""Structural assumption ``private_sale_regimes``: which no-check share of private purchases applies where."""


@dataclass
class LeverState:
    """What the active levers change, relative to the status quo, for R replicates.

    Attributes
    ----------
    retention : ndarray (R, 3, 5)
        Share of each channel's baseline volume in each source state still possible; the lost part is
        partly re-routed (``channel_substitution``).
    scale : ndarray (R, 3, 5)
        Multiplier on each channel's volume after re-routing (not re-routed).
    us_hazard : ndarray (R, 3)
        Multiplier on the weekly US-side seizure hazard of each channel.
    inspection : ndarray (4,)
        Southbound inspection intensity at each corridor (1 = today's).
    demand : ndarray (R,)
        Multiplier on cartel demand.
    notes : list of str
        What the levers want the user to know (e.g. an effect's source).
    """

    retention: np.ndarray
    scale: np.ndarray
    us_hazard: np.ndarray
    inspection: np.ndarray
    demand: np.ndarray
    notes: list[str] = field(default_factory=list)

    @classmethod
    def status_quo(cls, replicates: int) -> LeverState:
        shape = (replicates, len(CHANNELS), len(SOURCES))
        return cls(np.ones(shape), np.ones(shape), np.ones((replicates, len(CHANNELS))),
                   np.ones(len(CORRIDORS)), np.ones(replicates))


@dataclass(frozen=True)
class Lever:
    """A policy lever: a documented, range-checked parameter and what it does to the supply chain.

    Attributes
    ----------
    name : str
        Key in a scenario's ``[levers]`` table.
    anchor : str
        The real-world policy or figure it stands for.
    what : str
        What it does in the model, in one line.
    unit : str
        Unit of its value.
    default : Any
        The status quo (the lever is inactive at this value).
    low, high : float or None
        Allowed range of numeric values (None for booleans).
    uses : tuple of str
        Named assumptions and literature ids it relies on.
    """

    name: str
    anchor: str
    what: str
    unit: str
    default: Any
    low: float | None = None
    high: float | None = None
    uses: tuple[str, ...] = ()

    def field(self) -> Any:
        """The pydantic field of this lever in :class:`~ironriver.supply_chain.scenario.Levers`."""
        bounds = {} if self.low is None else {"ge": self.low, "le": self.high}
        return Field(self.default, description=f"{self.what} Anchor: {self.anchor}. Unit: {self.unit}.", **bounds)

    def is_active(self, value: Any) -> bool:
        return value is not None and value != self.default

    def apply(self, value: Any, state: LeverState, params: Mapping[str, np.ndarray], inputs: ModelInputs) -> None:
        raise NotImplementedError


def _index(sources: tuple[str, ...]) -> list[int]:
    return [SOURCES.index(s) for s in sources]


class UniversalBackgroundChecks(Lever):
    def apply(self, value, state, params, inputs):
        regulated = params["no_check_private_regulated"]
        ratio = np.ones((len(regulated), len(SOURCES)))
        for s, regime in PRIVATE_SALE_REGIME.items():
            if regime != "regulated":
                reference = params[f"no_check_private_{regime}"]
                ratio[:, SOURCES.index(s)] = np.minimum(1.0, regulated / np.maximum(reference, 1e-12))
        state.retention[:, NO_CHECK, :] *= ratio[:, None, :]


def capped_poisson_mean(mean: np.ndarray, cap: int) -> np.ndarray:
    """E[min(X, cap)] for X ~ Poisson(mean): Σ_{k<cap} P(X > k)."""
    k = np.arange(cap)[:, None]
    return stats.poisson.sf(k, np.asarray(mean)[None, :]).sum(axis=0)


class PurchaseLimit(Lever):
    def apply(self, value, state, params, inputs):
        mean = params["guns_per_straw_buyer_per_month"]
        state.retention[:, STRAW, :] *= (capped_poisson_mean(mean, int(value)) / mean)[:, None]


class MultipleSaleReporting(Lever):
    def apply(self, value, state, params, inputs):
        state.us_hazard[:, STRAW] *= 1.0 + params["multiple_sale_detection_gain"]


class StrawEnforcement(Lever):
    def apply(self, value, state, params, inputs):
        state.us_hazard *= value
        deterred = float(value) ** (-params["straw_supply_enforcement_elasticity"])
        state.scale[:, [STRAW, UNLICENSED], :] *= deterred[:, None, None]


class EngagedInBusinessRule(Lever):
    def apply(self, value, state, params, inputs):
        state.retention[:, UNLICENSED, :] *= (1.0 - params["eib_rule_effect"])[:, None]


class DealerLiability(Lever):
    def apply(self, value, state, params, inputs):
        state.retention[:, STRAW, :] *= (1.0 - params["liability_straw_reduction"])[:, None]


class SouthboundInspection(Lever):
    def field(self) -> Any:
        # a number or a table of numbers: the scenario's validator checks the range of each
        return Field(self.default, description=f"{self.what} Anchor: {self.anchor}. Unit: {self.unit}.")

    def is_active(self, value):
        if isinstance(value, Mapping):
            return any(v != 1.0 for v in value.values())
        return value != self.default

    def apply(self, value, state, params, inputs):
        for k, corridor in enumerate(CORRIDORS):
            state.inspection[k] = value.get(corridor, 1.0) if isinstance(value, Mapping) else value


class AssaultWeaponsBan(Lever):
    def apply(self, value, state, params, inputs):
        effect = params["awb_effect_pct"]
        if np.isnan(effect).any():
            multiplier = 1.0 - inputs.figure("rifle_share_traces_us_mx_2022_2023") * params["awb_share_of_rifles_banned"]
            state.notes.append("assault-weapons ban: effect from the named assumption awb_share_of_rifles_banned × "
                               "rifle_share_traces_us_mx_2022_2023 (spillover estimate not used)")
        else:
            ratio = np.maximum(1.0 + effect / 100.0, 0.01)
            multiplier = ratio ** (-1.0 / params["homicide_elasticity_to_gun_inflow"])
            state.notes.append(f"assault-weapons ban: effect from {inputs.awb_source}, converted with "
                               f"homicide_elasticity_to_gun_inflow")
        banned = [i for i, s in enumerate(SOURCES) if s != "CA"]
        state.scale[:, :, banned] *= multiplier[:, None, None]


class CartelDemand(Lever):
    def apply(self, value, state, params, inputs):
        state.demand *= value


class CartelMembers(Lever):
    def apply(self, value, state, params, inputs):
        state.demand *= value / params["cartel_members_2022"]


LEVERS: tuple[Lever, ...] = (
    UniversalBackgroundChecks(
        "universal_background_checks",
        "Miller, Hepburn & Azrael 2017: 22% of recent acquisitions without a check (50% of private purchases; "
        "26% where private sales are regulated vs 57% where not)",
        "Private and unlicensed sales in AZ, TX and the other states fall to the no-check share of regulated "
        "states (CA, NM unchanged).", "true/false", False,
        uses=("no_check_share_private_regulated_states_2015", "no_check_share_private_unregulated_states_2015",
              "no_check_share_private_purchases_2015", "channel_substitution")),
    PurchaseLimit(
        "purchase_limit_per_month",
        "ATF multiple-rifle-sale reporting, demand letter of 12 Jul 2011 (AZ, CA, NM, TX)",
        "Caps each straw buyer's purchases a month; the lost volume is partly replaced by recruiting buyers.",
        "guns per buyer per month", None, 1, 50,
        uses=("guns_per_straw_buyer_per_month", "channel_substitution")),
    MultipleSaleReporting(
        "multiple_sale_reporting",
        "ATF demand letter of 12 Jul 2011 (rifles, four border states), extended to every gun in every state",
        "Raises the US-side seizure hazard of straw purchases.", "true/false", False,
        uses=("multiple_sale_detection_gain",)),
    StrawEnforcement(
        "straw_enforcement",
        "Bipartisan Safer Communities Act 2022 (18 U.S.C. 932/933)",
        "Multiplies investigation intensity: the US-side seizure hazard of every channel, and deters straw and "
        "unlicensed sellers.", "× today's intensity", 1.0, 0.1, 20.0,
        uses=("ice_taskforce_firearms_seized_fy2015_2017", "straw_supply_enforcement_elasticity")),
    EngagedInBusinessRule(
        "engaged_in_business_rule",
        "ATF final rule on being 'engaged in the business', in force 20 May 2024",
        "Removes part of the unlicensed sellers' volume (partly re-routed).", "true/false", False,
        uses=("eib_rule_effect", "channel_substitution")),
    DealerLiability(
        "dealer_liability",
        "PLCAA 2005 (its repeal as a scenario)",
        "Dealers liable for negligent sales refuse part of the straw purchases (partly re-routed).",
        "true/false", False, uses=("liability_straw_reduction", "channel_substitution")),
    SouthboundInspection(
        "southbound_inspection",
        "CBP outbound seizures, 115 a year FY2014–2019 and 321 in 10 months of FY2020 after more inspection "
        "(GAO-21-322)",
        "Multiplies southbound inspection intensity at the ports: a number for all four corridors, or a table "
        "{TX = …, AZ = …, CA = …, NM = …}.", "× today's intensity", 1.0, 0.0, 100.0,
        uses=("cbp_outbound_firearms_seized_fy2014_2019",)),
    AssaultWeaponsBan(
        "assault_weapons_ban",
        "Federal ban 13 Sep 1994 – 13 Sep 2004; effect from the spillover estimate (Dube, Dube & García-Ponce "
        "2013 design)",
        "Scales purchases outside California by the inverse of the expiry's effect on firearm homicides.",
        "true/false", False,
        uses=("homicide_elasticity_to_gun_inflow", "awb_share_of_rifles_banned",
              "rifle_share_traces_us_mx_2022_2023")),
    CartelDemand(
        "cartel_demand",
        "Prieto-Curiel et al. 2023 (cartel size and recruitment)",
        "Multiplies cartel demand for guns (a demand shock).", "× today's demand", 1.0, 0.0, 5.0),
    CartelMembers(
        "cartel_members",
        "Prieto-Curiel et al. 2023: 160,000–185,000 cartel members by 2022",
        "Scales cartel demand by members relative to 2022.", "persons", None, 0.0, 1_000_000.0,
        uses=("cartel_members_mx_2022",)),
)
LEVERS_BY_NAME: dict[str, Lever] = {lever.name: lever for lever in LEVERS}


@dataclass(frozen=True)
class Plan:
    """Rates and probabilities for R replicates — everything the weekly kernel needs.

    Attributes
    ----------
    years : tuple of int
        Simulated calendar years (Y).
    flow : ndarray (R, Y)
        The calibration draw each replicate follows, guns/year.
    volume : ndarray (R, Y, 24)
        Expected guns bought a year in each channel × route cell under the scenario.
    seasonal : ndarray (24, 52)
        Weekly factor of each cell's purchases (its source state's retail-sales pattern).
    transitions : ndarray (R, Y, 29, 4)
        Weekly fate probabilities: transit rows (:data:`~ironriver.supply_chain.chain.TRANSIT_OUTCOMES`) then
        stock rows (:data:`~ironriver.supply_chain.chain.STOCK_OUTCOMES`).
    stock0 : ndarray of int (R, 5)
        US-origin illicit guns in Mexico at the start, by source state.
    buyers : ndarray of int (R, 24)
        Buyer agents each cell stands for (purchases ÷ a buyer's rate), used to count agent-steps.
    notes : tuple of str
        From the levers.
    """

    years: tuple[int, ...]
    flow: np.ndarray
    volume: np.ndarray
    seasonal: np.ndarray
    transitions: np.ndarray
    stock0: np.ndarray
    buyers: np.ndarray
    notes: tuple[str, ...] = ()


def channel_shares(params: Mapping[str, np.ndarray]) -> np.ndarray:
    """Share of trafficking purchases by channel in each source state, shape (R, 3, 5).

    The private share of acquisitions is the no-check share of all recent acquisitions over that of private
    purchases (both Miller et al. 2017); times the no-check share of private purchases under the state's regime
    it gives the no-check share, split between unlicensed dealers and private sellers by
    ``unlicensed_share_of_no_check``; straw purchases at licensed dealers are the rest.
    """
    private = np.clip(params["no_check_recent"] / np.maximum(params["no_check_private_national"], 1e-12), 0, 1)
    regime = np.stack([params[f"no_check_private_{PRIVATE_SALE_REGIME[s]}"] for s in SOURCES], axis=1)
    no_check = np.clip(private[:, None] * regime, 0, 1)
    unlicensed = params["unlicensed_share_of_no_check"][:, None]
    return np.stack([1 - no_check, no_check * unlicensed, no_check * (1 - unlicensed)], axis=1)


def _rerouted(shares: np.ndarray, retention: np.ndarray, substitution: np.ndarray) -> np.ndarray:
    """Channel volume multipliers after re-routing a share of what restricted channels lose, shape (R, 3, 5)."""
    kept = shares * retention
    lost = (shares - kept).sum(axis=1, keepdims=True)
    open_volume = kept.sum(axis=1, keepdims=True)
    extra = np.divide(kept, open_volume, out=np.zeros_like(kept), where=open_volume > 0)
    new = kept + substitution[:, None, None] * lost * extra
    return np.divide(new, shares, out=np.zeros_like(new), where=shares > 0)


def _loss(us_hazard: np.ndarray, crossing: np.ndarray, inspection: np.ndarray) -> np.ndarray:
    """Probability a trafficked gun is seized before reaching Mexico."""
    seized_us = us_hazard / (us_hazard + (1 - us_hazard) * crossing)
    return seized_us + (1 - seized_us) * inspection


def resolve_plan(levers: Any, params: Mapping[str, np.ndarray], inputs: ModelInputs,
                 years: tuple[int, ...]) -> Plan:
    """Turn lever settings and per-replicate parameters into the kernel's rates and probabilities.

    Parameters
    ----------
    levers : Levers
        A scenario's lever settings (attributes named as in :data:`LEVERS`).
    params : mapping
        From :func:`~ironriver.supply_chain.parameters.draw_parameters`.
    inputs : ModelInputs
        Figures, shares, seasonality.
    years : tuple of int
        Calendar years to simulate.

    Returns
    -------
    Plan
    """
    replicates = len(params["posterior_draw"])
    flow = inputs.calibration.flows_for(years)[params["posterior_draw"]]          # (R, Y)
    state = LeverState.status_quo(replicates)
    for lever in LEVERS:
        value = getattr(levers, lever.name)
        if lever.is_active(value):
            lever.apply(value, state, params, inputs)

    shares = channel_shares(params)                                               # (R, C, S)
    multiplier = (_rerouted(shares, state.retention, params["channel_substitution"]) * state.scale
                  * state.demand[:, None, None])
    by_source = flow[:, :, None] * inputs.source_share                            # (R, Y, S)
    by_channel = by_source[:, :, None, :] * (shares * multiplier)[:, None]         # (R, Y, C, S)
    route_weight = np.array([1.0 if s != "other" else inputs.corridor_share_other[CORRIDORS.index(k)]
                             for s, k in ROUTES])
    volume = (by_channel[..., ROUTE_SOURCE] * route_weight).reshape(replicates, len(years), N_CELLS)

    # weekly hazards, calibrated so the baseline seizes what the cited figures report a year
    crossing = 1.0 / params["weeks_to_crossing"]                                  # (R,)
    safe_flow = np.maximum(flow, 1.0)
    seized_us_share = np.clip(inputs.us_seized_per_year / safe_flow, 0, 0.5)                      # (R, Y)
    c = crossing[:, None]
    hazard0 = seized_us_share * c / (1 - seized_us_share + seized_us_share * c)   # (R, Y)
    inspection0 = np.clip(inputs.figure("cbp_outbound_firearms_seized_fy2014_2019")
                          / (safe_flow * (1 - seized_us_share)), 0, 0.5)           # (R, Y)
    hazard = np.clip(hazard0[..., None] * state.us_hazard[:, None, :], 0, 0.95)   # (R, Y, C)
    inspection = 1 - (1 - inspection0[..., None]) ** state.inspection             # (R, Y, K)
    cell_hazard = hazard[..., CELL_CHANNEL]                                       # (R, Y, 24)
    cell_inspection = inspection[..., ROUTE_CORRIDOR[CELL_ROUTE]]                 # (R, Y, 24)

    # risk response: cartels buy less when a larger share of what they pay for is seized
    cross3 = crossing[:, None, None]
    loss = _loss(cell_hazard, cross3, cell_inspection)
    loss0 = _loss(hazard0[..., None], cross3, inspection0[..., None])
    elasticity = params["cartel_demand_price_elasticity"][:, None, None]
    volume = volume * ((1 - loss) / (1 - loss0)) ** elasticity

    transitions = np.empty((replicates, len(years), N_ROWS, 4))
    moving = (1 - cell_hazard) * cross3
    transitions[:, :, :N_CELLS] = np.stack(
        [cell_hazard, moving * cell_inspection, moving * (1 - cell_inspection), (1 - cell_hazard) * (1 - cross3)],
        axis=-1)
    illicit = inputs.figure("civilian_firearms_mx_sas_2017") * inputs.figure("share_civilian_firearms_illicit_mx_2017")
    seized_mx = params["guns_seized_mx_per_year"]
    recovery = 1 - (1 - np.clip(seized_mx / illicit, 0, 1)) ** (1 / WEEKS_PER_YEAR)    # (R,)
    traced = np.clip(inputs.figure("trace_requests_mx_per_year_suatm") / np.maximum(seized_mx, 1), 0, 1)
    attrition = 1 - (1 - params["attrition"]) ** (1 / WEEKS_PER_YEAR)
    stock_rows = np.stack([recovery * traced, recovery * (1 - traced), (1 - recovery) * attrition,
                           (1 - recovery) * (1 - attrition)], axis=-1)               # (R, 4)
    transitions[:, :, N_CELLS:] = stock_rows[:, None, None, :]

    stock0 = np.rint(illicit * params["us_origin_share"][:, None] * inputs.source_share).astype(np.int64)
    per_buyer = 12.0 * params["guns_per_straw_buyer_per_month"][:, None]
    buyers = np.ceil(volume[:, 0] / per_buyer).astype(np.int64)
    seasonal = inputs.seasonal[ROUTE_SOURCE[CELL_ROUTE]]
    return Plan(years=tuple(years), flow=flow, volume=volume, seasonal=seasonal, transitions=transitions,
                stock0=stock0, buyers=buyers, notes=tuple(dict.fromkeys(state.notes)))

