"""The event study and the pre-trend test.

Replaces the single post dummy with one dummy per calendar year (2003 the reference) and gives each year's
effect with randomisation intervals, and a joint test that the pre-expiry years show no effect.
Imports from :mod:`.design`, :mod:`.model` and :mod:`.inference`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from ironriver.estimate.spillover.design import Design, EVENT_REFERENCE_YEAR, MIN_DRAWS
from ironriver.estimate.spillover.model import _Matrices, _fe_start, _fit, _matrices, _single_threaded
from ironriver.estimate.spillover.inference import (
    _one_step_t, _percent, _rng, _scores, _sets, _state_period_candidates, _sum_squared_t,
)

# --- event study and pre-trends ----------------------------------------------------------------------------


def _event_years(m: _Matrices) -> np.ndarray:
    return np.array([y for y in np.unique(m.year) if y != EVENT_REFERENCE_YEAR])


@_single_threaded
def event_study(panel: pd.DataFrame, design: Design, seed: int = 0, draws: int = 4999) -> pd.DataFrame:
    """Coefficients by calendar year relative to the expiry, 2003 omitted, with 95 % placebo-in-space bands.

    Each treated × year dummy (1998 … 2008 except 2003) enters one statsmodels Poisson fit with state and month
    fixed effects. Bands: ``β̂_k − q·SE_k`` with ``q`` the 2.5/97.5 % quantiles of studentised one-step
    placebo estimates for sets of comparison states (the actual dummies kept in the model).

    Returns
    -------
    DataFrame
        ``year``, ``relative_year`` (year − expiry year), ``beta`` (log points), ``effect_pct`` and
        ``low95``/``high95`` (percent change vs 2003), ``cluster_low95``/``cluster_high95`` (CR1, reference),
        ``reference`` (True for 2003, where everything is 0 by construction).
    """
    return _event_study(panel, design, seed, draws)[0]


def _event_study(panel: pd.DataFrame, design: Design, seed: int, draws: int) -> tuple[pd.DataFrame, float]:
    """:func:`event_study` and the CR1 Wald χ² p-value of its 1998–2002 coefficients (reference pre-trend test)."""
    m = _matrices(panel, design)
    years = _event_years(m)
    treated_rows = np.isin(m.state, m.treated_index)
    year_masks = m.year[:, None] == years[None, :]
    dummies = (treated_rows[:, None] & year_masks).astype(float)
    null_fit = _fit(m, m.y, m.fe, _fe_start(m, m.y))
    exog = np.column_stack([dummies, m.fe])
    fit = _fit(m, m.y, exog, np.concatenate([np.zeros(len(years)), null_fit.params]), cluster=True)
    beta = np.asarray(fit.params[: len(years)])
    se_cluster = np.asarray(fit.bse[: len(years)])

    comparison = np.setdiff1d(np.arange(m.n_states), m.treated_index)
    placebo = _scores(exog, fit.mu, m.y - fit.mu, _state_period_candidates(m, comparison, year_masks),
                      m.state, m.n_states, len(years), by_cluster_hessian=True)
    placebo_sets = _sets(_rng(seed, "event_study"), np.arange(len(comparison)), len(m.treated_index), draws)
    pivots = _one_step_t(placebo, placebo_sets)
    own = _scores(m.fe, fit.mu, m.y - fit.mu, dummies, m.state, m.n_states, len(years))
    info = own.gram[0, :, 0, :]
    omega = own.by_cluster[0] @ own.by_cluster[0].T
    inverse = np.linalg.inv(info)
    se = np.sqrt(np.diag(inverse @ omega @ inverse))
    q = np.quantile(pivots, [0.025, 0.975], axis=0)
    critical = stats.t.ppf(0.975, m.n_states - 1)
    expiry_year = design.post_start // 12
    table = pd.DataFrame({
        "year": years, "relative_year": years - expiry_year, "beta": beta,
        "effect_pct": [_percent(b) for b in beta],
        "low95": [_percent(b) for b in beta - q[1] * se], "high95": [_percent(b) for b in beta - q[0] * se],
        "cluster_low95": [_percent(b) for b in beta - critical * se_cluster],
        "cluster_high95": [_percent(b) for b in beta + critical * se_cluster],
        "reference": False,
    })
    reference = pd.DataFrame({"year": [EVENT_REFERENCE_YEAR], "relative_year": [EVENT_REFERENCE_YEAR - expiry_year],
                              "beta": [0.0], "effect_pct": [0.0], "low95": [0.0], "high95": [0.0],
                              "cluster_low95": [0.0], "cluster_high95": [0.0], "reference": [True]})
    pre = years < EVENT_REFERENCE_YEAR
    covariance = np.asarray(fit.cov_params())[: len(years), : len(years)][np.ix_(pre, pre)]
    p_cluster_wald = float(stats.chi2.sf(beta[pre] @ np.linalg.solve(covariance, beta[pre]), pre.sum()))
    return pd.concat([table, reference]).sort_values("year").reset_index(drop=True), p_cluster_wald


@dataclass(frozen=True)
class PretrendTest:
    """Joint test that treated and comparison states trended alike before the expiry.

    ``p`` is the randomisation p-value of Σ t_k², the squared cluster-robust score t-statistics of the
    treated × year dummies of the pre-expiry years (1998–2002 and January–August 2004 against 2003), under
    the fixed-effects model fitted to pre-expiry data only; ``p_cluster_wald`` is the χ² p-value of the CR1
    Wald test of the 1998–2002 dummies in the full event study (reference only: it over-rejects with five
    treated clusters).
    """

    p: float
    p_cluster_wald: float
    years: tuple[int, ...]
    n_sets: int


@_single_threaded
def pretrend_test(panel: pd.DataFrame, design: Design, seed: int = 0, draws: int = 4999, *,
                  p_cluster_wald: float | None = None) -> PretrendTest:
    """Randomisation test of parallel pre-trends; see :class:`PretrendTest`.

    ``p_cluster_wald`` may be passed from an event study already fitted (:func:`_event_study`).
    """
    # pre-expiry data only; the last month is labelled "post" only because a design needs one (unused here)
    pre = replace(design, name="pretrend", end=design.post_start - 1, post_start=design.post_start - 1)
    m = _matrices(panel, pre)
    years = _event_years(m)
    year_masks = m.year[:, None] == years[None, :]
    null_fit = _fit(m, m.y, m.fe, _fe_start(m, m.y))
    everyone = np.arange(m.n_states)
    scores = _scores(m.fe, null_fit.mu, m.y - null_fit.mu, _state_period_candidates(m, everyone, year_masks),
                     m.state, m.n_states, len(years))
    sets = _sets(_rng(seed, "pretrend"), everyone, len(m.treated_index), draws, actual=m.treated_index)
    statistic = _sum_squared_t(scores, sets)
    p = float(np.mean(statistic >= statistic[0] * (1 - 1e-10)))
    if p_cluster_wald is None:
        p_cluster_wald = _event_study(panel, design, seed, MIN_DRAWS)[1]
    return PretrendTest(p=p, p_cluster_wald=p_cluster_wald, years=tuple(int(y) for y in years), n_sets=len(sets))


