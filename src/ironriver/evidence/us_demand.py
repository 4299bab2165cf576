"""US demand signal: gun sales in the four border states against the rest of the country, per year (NICS).

In the spirit of McDougal et al.'s dealer-density method (Journal of Economic Geography 2014: the excess of dealers near the
border over what domestic demand predicts is attributed to Mexican demand), border-state sales in excess
of what the rest of the country's sales predict are read as evidence of southbound demand.

**Data.** FBI NICS checks by state and month (store table ``nics_checks``) converted to sales with the
store's proxy, 1.1 × (handgun + long-gun checks) + 2 × multiple-gun checks (permits excluded), except that
California's multiple-gun checks are left out (:data:`MULTIPLE_CHECKS_UNUSABLE`). For each border state *s*
(:data:`ironriver.store.names.US_BORDER_STATES`) and year, q_st = log(sales_s / sales of the other 46 states
and DC); the **demand index** is q_t = Σ_s w_s·q_st with w_s each state's share of the guns recovered in Mexico
and traced to a US purchase (literature ids ``source_state_traces_{tx,az,ca,nm}_2022_2023``): Texas and
Arizona, where most trafficked guns are bought, dominate; California, whose sales swing with its own laws
and supplies few traced guns, counts for about a tenth.

**Observation model** (reduced form, in changes of block means): with blocks of ``nics_block_years`` years
(1999–2003, 2004–2008, …), Δq̄_b = κ·Δ(mean log F)_b + e_b, e_b ~ Student-t(ν = ``nics_t_dof``, σ_Δ)
independent. κ is the elasticity of border-state sales to the flow — trafficking's share of those sales
(prior in :mod:`ironriver.estimate.priors`). Differencing lets the domestic part of q_t wander like a random
walk: the index falls by a fifth between 1999 and 2003 in Texas and California alike (state laws and NICS
point-of-contact changes), a persistent domestic shift that in levels would be read as a collapse of the
flow. Blocks keep the flow from chasing yearly wiggles: compared year by year, a wiggly flow that tracks
the index was a second posterior mode (large year-to-year volatility, κ near its prior's upper end) that no
sampler short of NUTS left reliably. σ_Δ is not estimated but calibrated on placebo groups of large
non-border states (:func:`placebo_calibration`, named assumption ``nics_shock_scale``).

**Identification.** The stream informs multi-year *shifts* of the flow, weakly, and nothing about its level.
Two level-bearing versions were tried and rejected: B_t = D_t + λ·F_t with a free domestic level let the flow
absorb border-state sales almost entirely (millions of guns a year); tying κ to the level (κ = λ·F̄/B̄) pushed the
flow up because a larger flow "explains" more of the sales wiggles, which placebo groups show are domestic.

Caveats (dataset description): checks are not sales; Arizona and Texas permit holders can skip checks;
private sales are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ironriver.evidence._named import Assumption
from ironriver.evidence.assumptions import used_by
from ironriver.store import literature_value, load
from ironriver.store.names import US_BORDER_STATES
from ironriver.store.tidy.nics import SALES_PROXY_WEIGHTS

STREAM = "us_demand"

TERRITORIES: tuple[str, ...] = ("GU", "MP", "PR", "VI")
"""Jurisdictions in the NICS file that are not part of "the rest of the country" here."""

MULTIPLE_CHECKS_UNUSABLE: tuple[str, ...] = ("CA",)
"""States whose multiple-gun checks are left out of the sales proxy. California reports them only in
2004–2007 (a few dozen a year, then tens of thousands in 2006 and about as many as all its handgun and
long-gun checks together in 2007, zero in every other year): the dataset description flags them as
inconsistent, and kept they add a spurious jump of more than half to California's 2007 sales."""

WEIGHT_IDS: dict[str, str] = {state: f"source_state_traces_{state.lower()}_2022_2023" for state in US_BORDER_STATES}
"""Literature ids of the guns traced from Mexico to a purchase in each border state (FGR requests 2022–23)."""

PLACEBO_GROUPS = 300
"""Number of random placebo groups in :func:`placebo_calibration`."""

ASSUMPTIONS: tuple[Assumption, ...] = used_by(STREAM)


@dataclass(frozen=True)
class DemandIndex:
    """The trafficking-weighted border-state sales index by calendar year.

    Attributes
    ----------
    years : ndarray of int
    index : ndarray
        q_t = Σ_s w_s·log(sales_s / rest of the country) (log ratio).
    weights : dict state -> w_s
    months : ndarray
        Months reported (the ratio is unaffected by a partial year; 2023 has nine).
    """

    years: np.ndarray
    index: np.ndarray
    weights: dict[str, float]
    months: np.ndarray

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"year": self.years, "demand_index": self.index, "months": self.months})


def _sales(checks: pd.DataFrame) -> pd.DataFrame:
    """The store's sales proxy, without the multiple-gun checks of :data:`MULTIPLE_CHECKS_UNUSABLE`."""
    unusable = checks["state"].isin(MULTIPLE_CHECKS_UNUSABLE)
    repaired = checks["sales_proxy"] - SALES_PROXY_WEIGHTS["multiple"] * checks["multiple"].astype(float).where(
        unusable, 0.0)
    return checks.assign(sales_proxy=repaired)


@lru_cache(maxsize=1)
def _yearly_sales() -> pd.DataFrame:
    checks = _sales(load("nics_checks"))
    checks = checks[~checks["state"].isin(TERRITORIES) & checks["year"].ge(1999)]
    by_state = checks.groupby(["year", "state"])["sales_proxy"].sum().unstack("state")
    return by_state.assign(_months=checks.groupby("year")["month"].nunique())


def trafficking_weights() -> dict[str, float]:
    """w_s: each border state's share of the guns traced from Mexico to a US purchase (sums to 1)."""
    counts = {state: literature_value(i).value for state, i in WEIGHT_IDS.items()}
    total = sum(counts.values())
    return {state: count / total for state, count in counts.items()}


def demand_index() -> DemandIndex:
    """The demand index q_t for every full or partial calendar year from 1999 (see module docstring)."""
    sales = _yearly_sales()
    weights = trafficking_weights()
    rest = sales.drop(columns=[*US_BORDER_STATES, "_months"]).sum(axis=1)
    index = sum(w * np.log(sales[state] / rest) for state, w in weights.items())
    return DemandIndex(years=sales.index.to_numpy(dtype=int), index=np.asarray(index, dtype=float),
                       weights=weights, months=sales["_months"].to_numpy(dtype=float))


def blocks(years: np.ndarray, length: int) -> list[np.ndarray]:
    """Consecutive blocks of ``length`` years from the first (the last block may be shorter)."""
    years = np.asarray(years)
    return [years[i:i + length] for i in range(0, len(years), length)]


def block_changes(index: np.ndarray, years: np.ndarray, length: int) -> np.ndarray:
    """Change of the block means of ``index`` from each block of years to the next."""
    means = np.array([np.mean(index[np.isin(years, block)]) for block in blocks(years, length)])
    return np.diff(means)


def _t_scale(values: np.ndarray, dof: float) -> float:
    """Student-t(ν) scale estimated from the median absolute deviation."""
    # the t quantile straight from scipy.special (what scipy.stats.t.ppf computes), without loading scipy.stats
    from scipy import special

    return float(np.median(np.abs(values - np.median(values))) / special.stdtrit(dof, 0.75))


def placebo_calibration(dof: float, block_years: int, seed: int = 20240520,
                        groups: int = PLACEBO_GROUPS) -> dict[str, float]:
    """How much a placebo demand index's block means change with no border to explain it.

    Each placebo group takes as many states as the border group from the larger half (by sales) of the
    non-border states, gives them the border states' trafficking weights in random order, and builds the
    same index against the remaining non-border states; the changes of its block means are pooled across
    groups and their Student-t scale estimated robustly (median absolute deviation). Estimated freely, the
    scale would collapse as the flow absorbed every wiggle.

    Parameters
    ----------
    dof : float
        Student-t degrees of freedom (named assumption ``nics_t_dof``).
    block_years : int
        Block length (named assumption ``nics_block_years``).
    seed, groups : int
        The fixed random seed and number of groups (the calibration is deterministic).

    Returns
    -------
    dict: ``scale`` (pooled), ``scale_low`` and ``scale_high`` (5% and 95% of 200 bootstrap resamples of groups).
    """
    sales = _yearly_sales().drop(columns="_months")
    others = sales[[c for c in sales.columns if c not in US_BORDER_STATES]]
    larger_half = list(others.sum().sort_values(ascending=False).index[: others.shape[1] // 2])
    weights = np.array(list(trafficking_weights().values()))
    years = sales.index.to_numpy(dtype=int)
    rng = np.random.default_rng(seed)
    changes = []
    # plain arrays, not DataFrames: the loop runs 300 times (numpy sums the remaining columns of each year as
    # pandas did, so the calibration is the same to the last bit)
    values, states = others.to_numpy(dtype=float), list(others.columns)
    columns = {state: values[:, states.index(state)] for state in larger_half}
    for _ in range(groups):
        chosen = list(rng.choice(larger_half, len(weights), replace=False))
        rest = np.sum(values[:, [i for i, state in enumerate(states) if state not in chosen]], axis=1)
        index = sum(w * np.log(columns[s] / rest) for s, w in zip(chosen, rng.permutation(weights)))
        changes.append(block_changes(np.asarray(index, dtype=float), years, block_years))
    pooled = np.array(changes)
    resampled = [_t_scale(pooled[rng.integers(0, groups, groups)].ravel(), dof) for _ in range(200)]
    low, high = np.percentile(resampled, (5, 95))
    return {"scale": _t_scale(pooled.ravel(), dof), "scale_low": float(low), "scale_high": float(high)}


@lru_cache(maxsize=8)
def shock_scale(dof: float, block_years: int) -> float:
    """The calibrated σ_Δ for other values of ``nics_t_dof`` / ``nics_block_years`` (sensitivity refits)."""
    return placebo_calibration(dof, block_years)["scale"]


@lru_cache(maxsize=1)
def calibrated_assumptions() -> tuple[Assumption, ...]:
    """Assumptions calibrated on data: the scale of domestic year-to-year changes of the demand index."""
    fixed = {a.name: a.value for a in ASSUMPTIONS}
    cal = placebo_calibration(fixed["nics_t_dof"], int(fixed["nics_block_years"]))
    return (Assumption("nics_shock_scale", cal["scale"], cal["scale_low"], cal["scale_high"], "log",
                       "dataset nics_checks: placebo groups of four large non-border states",
                       "block means of a placebo index move this much with no border to explain them (5–95%: "
                       "bootstrap over groups)", STREAM),)
