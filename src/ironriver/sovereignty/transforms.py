"""Transforms from indicator values to threats in [0, 1], and the named assumptions they rest on.

An indicator value (a homicide rate, a ratio of guns to soldiers, a count of adverse rulings) is not a
threat until someone says how much of it is how bad. That judgement is made explicit here: every
transform is a documented monotone map with a *reference point* — the value at which the threat is one
half — and every reference point is a named :class:`~ironriver.assumptions.Assumption` with a value, a
plausible range and a one-line justification, registered (stage ``sovereignty``) and listed in the report
beside the results. The ledger samples each reference point from its
range (log-uniformly: the ranges span factors, not differences), so the uncertainty of the judgement flows
into every score's interval alongside the data's and the models' uncertainty. The Dirichlet weights that
aggregate indicators into kinds and kinds into an overall score are assumptions of the same sort.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ironriver.assumptions import Assumption, register
from ironriver.errors import UnknownNameError

__all__ = [
    "Assumption",
    "ASSUMPTIONS",
    "assumption",
    "sample_assumption",
    "Transform",
    "log_logistic",
    "identity_share",
]


def _judgement(name: str, value: float, low: float, high: float, unit: str, why: str,
              scale: Literal["log", "linear"] = "log") -> Assumption:
    """A ledger assumption: sampled log-uniformly over its range (``scale="log"``, for ranges spanning factors) or
    uniformly."""
    return Assumption(name, value, low, high, unit, "assumption", why, used_by="ledger",
                      distribution="loguniform" if scale == "log" else "uniform", kind="sampled")


_LIST: tuple[Assumption, ...] = register("sovereignty", (
    # --- reference points: the indicator value at which the threat is one half -----------------------
    _judgement("ref_firearm_homicide_rate", 10.0, 5.0, 20.0, "firearm homicides per 100,000 per year",
               "a level at which gun killing shapes public life nationwide; the range spans half to double it"),
    _judgement("ref_homicide_rate", 15.0, 7.5, 30.0, "homicides per 100,000 per year",
               "ref_firearm_homicide_rate over a firearm share of about two thirds (literature "
               "firearm_share_homicides_mx_*); range half to double"),
    _judgement("ref_illicit_guns_per_soldier", 10.0, 3.0, 30.0, "illicit guns per member of the armed forces",
               "ten unaccounted guns for every soldier marks a stock the state cannot police; range ×/÷ 3"),
    _judgement("ref_cartel_members_per_soldier", 0.5, 0.25, 1.0, "cartel members per member of the armed forces",
               "armed challengers half the size of the state's forces contest its monopoly of force (Weber)"),
    _judgement("ref_cartel_territory_share", 0.2, 0.1, 0.4, "share of national territory",
               "criminal operation in a fifth of the territory means effective control is contested there"),
    _judgement("ref_spillover_effect_pct", 20.0, 10.0, 50.0, "% change in homicides",
               "a policy abroad that moves homicides by a fifth is a first-order loss of domestic control"),
    _judgement("ref_inflow_to_legal", 1.0, 0.5, 2.0, "uncontrolled inflow per legal acquisition",
               "when the uncontrolled inflow equals the legal channel, half of what enters escapes control"),
    _judgement("ref_cinc_ratio", 5.0, 2.0, 10.0, "ratio of CINC scores (other state / this state)",
               "a five-fold capability gap makes coercion credible (Krasner 1995: coercion needs asymmetry)"),
    _judgement("ref_force_events", 1.0, 0.5, 3.0, "decayed count of uses of force",
               "one recent use of force by the other state is a standing Westphalian threat"),
    _judgement("ref_live_signals", 1.0, 0.5, 3.0, "decayed count of designations and force directives",
               "one current designation or directive authorising force abroad is a live Westphalian threat"),
    _judgement("ref_legal_barriers", 1.0, 0.5, 3.0, "legal shields in force plus adverse rulings",
               "one standing statutory bar to a state's remedies halves its legal recourse"),
    _judgement("ref_cross_border_raids", 1.0, 0.5, 3.0, "decayed count of armed raids from across the border",
               "one recent armed raid across the border is a standing domestic threat"),
    _judgement("ref_swb_apprehensions", 1_000_000.0, 500_000.0, 2_000_000.0, "apprehensions per fiscal year",
               "about two thirds of the FY2000 peak (literature usbp_swb_apprehensions_fy2000); range ×/÷ 2"),
    _judgement("ref_fentanyl_lbs", 10_000.0, 5_000.0, 20_000.0, "pounds of fentanyl seized per fiscal year",
               "the order of the FY2022–FY2024 seizures (literature fentanyl_seized_lbs_fy*); range ×/÷ 2"),
    # --- modelling assumptions ----------------------------------------------------------------------
    _judgement("decay_half_life_years", 25.0, 10.0, 50.0, "years",
               "uses of force and raids are remembered for about a generation; range from a decade to two"),
    _judgement("illicit_stock_attrition", 0.02, 0.0, 0.05, "share of the illicit stock lost per year",
               "seizure, breakage and loss; seizures (guns_seized_mx_annual_sas2013) are ~0.2% of the 2017 stock a year",
               scale="linear"),
    _judgement("dirichlet_concentration_indicators", 1.0, 0.5, 5.0, "Dirichlet concentration",
               "flat over indicator weights within a kind; 0.5 favours lopsided, 5 near-equal weightings"),
    _judgement("dirichlet_concentration_kinds", 1.0, 0.5, 5.0, "Dirichlet concentration",
               "flat over the four kinds' weights; no kind is privileged a priori"),
    _judgement("carry_forward", 1.0, 1.0, 1.0, "on/off",
               "a cited point or a structural value (CINC ≤2016, milper ≤2022) holds for later years until "
               "superseded; never carried backwards", scale="linear"),
))

ASSUMPTIONS: dict[str, Assumption] = {a.name: a for a in _LIST}
"""Every assumption of the ledger, by id."""


def assumption(assumption_id: str) -> Assumption:
    """The assumption ``assumption_id``; unknown ids raise :class:`UnknownNameError`."""
    try:
        return ASSUMPTIONS[assumption_id]
    except KeyError:
        raise UnknownNameError("assumption", assumption_id, ASSUMPTIONS) from None


def sample_assumption(item: Assumption, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws of ``item`` over its range: log-uniform for ``distribution="loguniform"``, uniform otherwise."""
    if item.low == item.high:
        return np.full(n, item.value)
    if item.distribution == "loguniform":
        return np.exp(rng.uniform(np.log(item.low), np.log(item.high), n))
    return rng.uniform(item.low, item.high, n)


def log_logistic(values: np.ndarray, half: np.ndarray | float) -> np.ndarray:
    """Threat ``x / (x + half)`` for ``x ≥ 0``: 0 at 0, ½ at ``half``, ¾ at 3 × ``half``, → 1 as x grows.

    Monotone non-decreasing in ``values`` for every ``half > 0`` (a logistic curve in log x with unit
    slope). Negative values (a protective effect) map to 0; NaN (no data) stays NaN.
    """
    x = np.clip(np.asarray(values, dtype=float), 0.0, None)
    half = np.asarray(half, dtype=float)
    with np.errstate(invalid="ignore"):
        return x / (x + half)


def identity_share(values: np.ndarray) -> np.ndarray:
    """Threat equal to a share already in [0, 1] (clipped); NaN stays NaN."""
    return np.clip(np.asarray(values, dtype=float), 0.0, 1.0)


@dataclass(frozen=True)
class Transform:
    """A documented monotone map from an indicator's values to threats in [0, 1].

    ``kind`` is ``"log_logistic"`` (threat ``x / (x + r)`` with reference point ``r`` = the assumption
    ``reference``) or ``"share"`` (the value is already a share of something outside control).
    """

    kind: Literal["log_logistic", "share"]
    reference: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "log_logistic":
            assumption(self.reference or "")

    @property
    def description(self) -> str:
        """One line for the report: the formula with its reference point."""
        if self.kind == "share":
            return "threat = the share itself (clipped to [0, 1])"
        item = assumption(self.reference or "")
        return (f"threat = x / (x + r), r = {item.name} = {item.value:g} {item.unit} "
                f"(range {item.low:g}–{item.high:g}); ½ at r, ¾ at 3r")

    def point(self, values: np.ndarray) -> np.ndarray:
        """Threats at the reference point's central value."""
        if self.kind == "share":
            return identity_share(values)
        return log_logistic(values, assumption(self.reference or "").value)

    def draws(self, values: np.ndarray, reference_draws: np.ndarray | None) -> np.ndarray:
        """Threats for value draws ``(n_draws, n_years)`` with one reference draw per row."""
        if self.kind == "share":
            return identity_share(values)
        return log_logistic(values, np.asarray(reference_draws)[:, None])
