"""Transforms from indicator values to threats in [0, 1], and the named assumptions the ledger rests on.

An indicator value (a homicide rate, a ratio of guns to soldiers, a count of adverse rulings) is not a
threat until someone says how much of it is how bad. That judgement is made explicit here: a transform is
a documented monotone map with a *reference point* — the value at which the threat is one half — set by one
rule for every concept (``reference_range_quantiles``: drawn between the 10th and 90th percentiles of the
concept's observed values, log-uniformly, once per draw for both states). Every number the ledger needs that
no dataset or publication supplies is a named :class:`~ironriver.assumptions.Assumption`, registered (stage
``sovereignty``) and listed in the report beside the results.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ironriver.assumptions import Assumption, register
from ironriver.errors import UnknownNameError

__all__ = [
    "Assumption",
    "ASSUMPTIONS",
    "assumption",
    "sample_assumption",
    "log_logistic",
    "identity_share",
]


_DISTRIBUTION_BY_SCALE = {"log": "loguniform", "linear": "uniform", "fixed": "fixed"}
"""How a ledger assumption is sampled over its range: log-uniformly (``log``, for ranges spanning factors),
uniformly (``linear``), or not at all (``fixed``: a setting whose range a sensitivity analysis moves it over)."""

# One row per ledger assumption: (name, value, low, high, unit, scale (a key of _DISTRIBUTION_BY_SCALE), why).
_TABLE: tuple[tuple[str, float, float, float, str, Literal["log", "linear", "fixed"], str], ...] = (
    # --- reference points: set from the observed range of each concept (see ironriver.sovereignty.draws) ----
    ("reference_range_quantiles", 0.5, 0.1, 0.9, "quantile of the concept's observed values", "fixed",
     "each concept's reference point (threat ½) is drawn log-uniformly between the 10th and 90th "
     "percentiles of its observed values (both states pooled where they share a unit), centred on the "
     "median: no indicator can sit saturated at 0 or 1 across its observed range"),
    # --- one rule for filling gaps, for both states --------------------------------------------------
    ("carry_forward_cap_years", 3.0, 0.0, 3.0, "years", "fixed",
     "a value may stand in for at most three later years with no measurement of its own; never "
     "carried backwards; beyond the cap the year is missing"),
    ("carry_log_sd_per_year", 0.15, 0.05, 0.3, "sd of log value per year carried (random walk)", "log",
     "a carried value drifts as a random walk in logs, sd σ·√k after k years; σ spans steady series "
     "(5% a year) to volatile ones (30% a year), the range of year-on-year changes in the observed "
     "rates, flows and seizures"),
    # --- modelling assumptions ----------------------------------------------------------------------
    ("spillover_half_life_years", 5.0, 2.0, 10.0, "years", "fixed",
     "the AWB-expiry effect is estimated on 2005–2008 only; after 2008 it fades with this half-life as "
     "the stock of guns bought after the expiry is seized, lost or worn out; no estimate exists, so the "
     "range spans two to ten years"),
    ("decay_half_life_years", 25.0, 10.0, 50.0, "years", "log",
     "uses of force, designations and raids are remembered for about a generation; range from a decade "
     "to two"),
    ("illicit_stock_attrition", 0.02, 0.0, 0.05, "share of the illicit stock lost per year", "linear",
     "seizure, breakage and loss; seizures (guns_seized_mx_annual_sas2013) are ~0.2% of the 2017 stock a year"),
    ("dirichlet_concentration_kinds", 1.0, 0.5, 5.0, "Dirichlet concentration", "log",
     "flat over the four kinds' weights, shared by both states; no kind is privileged a priori"),
)

_LIST: tuple[Assumption, ...] = register("sovereignty", tuple(
    Assumption(name, value, low, high, unit, "assumption", why, used_by="ledger",
               distribution=_DISTRIBUTION_BY_SCALE[scale], kind="fixed" if scale == "fixed" else "sampled")
    for name, value, low, high, unit, scale, why in _TABLE
))

ASSUMPTIONS: dict[str, Assumption] = {a.name: a for a in _LIST}
"""Every assumption of the ledger, by name."""


def assumption(assumption_id: str) -> Assumption:
    """The assumption ``assumption_id``; unknown ids raise :class:`UnknownNameError`."""
    try:
        return ASSUMPTIONS[assumption_id]
    except KeyError:
        raise UnknownNameError("assumption", assumption_id, ASSUMPTIONS) from None


def sample_assumption(item: Assumption, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws of ``item``: log-uniform or uniform over its range; the value for a fixed one."""
    if item.distribution == "fixed" or item.low == item.high:
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
