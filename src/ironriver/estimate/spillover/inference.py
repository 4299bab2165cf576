"""Randomisation inference: one fit serves every placebo assignment of the treatment.

Five treated clusters are too few for cluster-robust errors or the wild cluster bootstrap, so inference compares
the treated states with thousands of placebo sets of as many comparison states. The score algebra here turns one
statsmodels fit into the statistic of every placebo set (Lagrange-multiplier t and one Newton step), draws the
sets from named random streams, and gives :func:`estimate_design` — the estimate, intervals and p-values of one
design (:class:`SpecResult`) — and the constant-effect interval that inverts Fisher's test. Imports from
:mod:`.design` and :mod:`.model`.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ironriver.estimate.spillover.design import Design, format_month
from ironriver.estimate.spillover.model import _Matrices, _fe_start, _fit, _matrices, _single_threaded

# --- score algebra: one fit serves every placebo assignment ------------------------------------------------


@dataclass(frozen=True)
class _Scores:
    """Efficient scores of candidate dummies at a fitted model, per candidate and per state cluster.

    For candidate columns ``d`` (e.g. "state s × post"), ``d̃`` is ``d`` partialled on the model's regressors
    with Poisson weights ``mu``. ``total[c] = d̃_c'(y − mu)``; ``by_cluster[c, g]`` is the part from state
    ``g``; ``gram[c, c'] = d̃_c' diag(mu) d̃_c'``. Because scores add up over states, the score of any
    placebo set is a sum of rows — no refit needed.
    """

    total: np.ndarray       # (C, K)
    by_cluster: np.ndarray  # (C, K, G)
    gram: np.ndarray        # (C, K, C, K)
    hessian_by_cluster: np.ndarray | None = None  # (G, C, K, C, K): gram split by cluster


def _scores(nuisance: np.ndarray, mu: np.ndarray, resid: np.ndarray, candidates: np.ndarray,
            state: np.ndarray, n_states: int, n_per_state: int, by_cluster_hessian: bool = False) -> _Scores:
    weighted = nuisance * mu[:, None]
    coef = np.linalg.solve(nuisance.T @ weighted, weighted.T @ candidates)
    partialled = candidates - nuisance @ coef
    contributions = partialled * resid[:, None]
    by_cluster = contributions.T @ np.eye(n_states)[state]
    c, k = candidates.shape[1] // n_per_state, n_per_state
    gram = partialled.T @ (partialled * mu[:, None])
    hessian = None
    if by_cluster_hessian:
        hessian = np.stack([partialled[state == g].T @ (partialled[state == g] * mu[state == g, None])
                            for g in range(n_states)]).reshape(n_states, c, k, c, k)
    return _Scores(total=contributions.sum(axis=0).reshape(c, k), by_cluster=by_cluster.reshape(c, k, n_states),
                   gram=gram.reshape(c, k, c, k), hessian_by_cluster=hessian)


def _state_period_candidates(m: _Matrices, states: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Columns ``state s × period k`` (state-major) for ``states`` and boolean row masks ``masks`` (n × K)."""
    in_state = m.state[:, None] == states[None, :]                      # n × C
    return (in_state[:, :, None] & masks[:, None, :]).reshape(len(m.y), -1).astype(float)


def _lm_t(scores: _Scores, sets: np.ndarray) -> np.ndarray:
    """Cluster-robust score t-statistic of the dummy "any state in the set × period" for each row of ``sets``."""
    total = scores.total[sets, 0].sum(axis=1)
    by_cluster = scores.by_cluster[sets, 0, :].sum(axis=1)
    return total / np.sqrt(np.einsum("mg,mg->m", by_cluster, by_cluster))


def _one_step(scores: _Scores, sets: np.ndarray) -> np.ndarray:
    """One Newton step from zero for the coefficient of "any state in the set × period": score ÷ information."""
    info = scores.gram[sets[:, :, None], 0, sets[:, None, :], 0].sum(axis=(1, 2))
    return scores.total[sets, 0].sum(axis=1) / info


def _statistic(scores: _Scores, sets: np.ndarray, studentise: bool) -> np.ndarray:
    """The randomisation statistic under the null model: the studentised score t, or — with one treated
    state, where a cluster-robust t is ≈ ±1 whatever the data — the one-step coefficient itself."""
    return _lm_t(scores, sets) if studentise else _one_step(scores, sets)


def _placebo_errors(scores: _Scores, sets: np.ndarray, studentise: bool) -> np.ndarray:
    """Placebo-in-space errors (Conley & Taber 2011): one-step Wald t's of placebo sets in the model that
    keeps the actual treatment, or their unstudentised one-step coefficients with one treated state."""
    return _one_step_t(scores, sets)[:, 0] if studentise else _one_step(scores, sets)


def _sum_squared_t(scores: _Scores, sets: np.ndarray) -> np.ndarray:
    """Σ_k t_k² over K period dummies, t_k the cluster-robust score t of period k for each set.

    Not the joint cluster-robust Wald statistic: its K × K middle matrix is estimated from effectively as
    many clusters as there are treated states (5 for 6 pre-years), so it is near-singular and the
    statistic explodes for arbitrary placebo sets.
    """
    total = scores.total[sets].sum(axis=1)                                # M × K
    by_cluster = scores.by_cluster[sets].sum(axis=1)                      # M × K × G
    return np.sum(total ** 2 / np.einsum("mkg,mkg->mk", by_cluster, by_cluster), axis=1)


def _one_step_t(scores: _Scores, sets: np.ndarray) -> np.ndarray:
    """One-step Wald t-statistics of K placebo period effects for each set (M × K).

    β̃ = I⁻¹S is one Newton step from zero; the cluster scores are re-centred at β̃ (u_g − H_g β̃, H_g the
    cluster's share of the information) before the sandwich, exactly as the actual coefficient's sandwich
    is centred at its estimate. (Uncentred score t's are bounded by √(number of treated states) and
    would make the placebo pivots too small.)
    """
    if scores.hessian_by_cluster is None:
        raise ValueError("_one_step_t needs scores computed with by_cluster_hessian=True")
    gram = np.ascontiguousarray(scores.gram.transpose(0, 2, 1, 3))                          # C × C × K × K
    hessians = np.ascontiguousarray(scores.hessian_by_cluster.transpose(1, 3, 0, 2, 4))     # C × C × G × K × K
    size = sets.shape[1]
    out = []
    for start in range(0, len(sets), 500):
        part = sets[start:start + 500]
        info = sum(gram[part[:, i], part[:, j]] for i in range(size) for j in range(size))          # M × K × K
        hessian = sum(hessians[part[:, i], part[:, j]] for i in range(size) for j in range(size))   # M × G × K × K
        beta = np.linalg.solve(info, scores.total[part].sum(axis=1)[..., None])                    # M × K × 1
        centred = scores.by_cluster[part].sum(axis=1) - (hessian @ beta[:, None])[..., 0].transpose(0, 2, 1)
        omega = centred @ centred.transpose(0, 2, 1)
        inverse = np.linalg.inv(info)
        variance = inverse @ omega @ inverse
        out.append(beta[..., 0] / np.sqrt(np.diagonal(variance, axis1=1, axis2=2)))
    return np.concatenate(out)


def _sets(rng: np.random.Generator, pool: np.ndarray, size: int, draws: int,
          actual: np.ndarray | None = None) -> np.ndarray:
    """Placebo sets of ``size`` states from ``pool`` (indices): every combination if there are at most
    ``draws``, else ``draws`` random ones. With ``actual``, it is row 0 and the others are extra rows."""
    count = math.comb(len(pool), size)
    if count <= draws + (actual is not None):
        sets = np.array(list(itertools.combinations(np.sort(pool), size)), dtype=int).reshape(-1, size)
        if actual is not None:
            keep = ~(np.sort(sets, axis=1) == np.sort(actual)).all(axis=1)
            sets = np.vstack([actual[None, :], sets[keep]])
        return sets
    random_sets = pool[np.argsort(rng.random((draws, len(pool))), axis=1)[:, :size]]
    return random_sets if actual is None else np.vstack([actual[None, :], random_sets])


def _rng(seed: int, name: str) -> np.random.Generator:
    """An independent stream per component, so one component's draws never depend on another's."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


# --- results ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A point estimate with 90 % and 95 % intervals (bounds may be ±inf when the data cannot bound them)."""

    estimate: float
    low90: float
    high90: float
    low95: float
    high95: float

    def map(self, function: Callable[[float], float]) -> Interval:
        """The interval of an increasing function of the quantity."""
        return Interval(*(function(v) for v in (self.estimate, self.low90, self.high90, self.low95, self.high95)))

    def as_dict(self, digits: int = 2) -> dict[str, float | None]:
        """``{"estimate", "low90", "high90", "low95", "high95"}``, infinite bounds as ``None``."""
        return {k: _number(getattr(self, k), digits) for k in ("estimate", "low90", "high90", "low95", "high95")}

    def covers(self, value: float, level: int = 95) -> bool:
        low, high = (self.low90, self.high90) if level == 90 else (self.low95, self.high95)
        return low <= value <= high


def _number(value: float, digits: int) -> float | None:
    return round(float(value), digits) if np.isfinite(value) else None


def _percent(beta: float) -> float:
    """Proportional effect exp(β) − 1, in percent."""
    return 100.0 * math.expm1(beta) if beta < 700 else math.inf


def _deaths_per_year(observed_post: float, post_years: float) -> Callable[[float], float]:
    """Extra deaths a year implied by β: observed treated post deaths × (1 − e^−β) / post years."""
    def extra(beta: float) -> float:
        if beta == -math.inf:
            return -math.inf
        return observed_post * -math.expm1(-beta) / post_years if beta > -700 else -math.inf
    return extra


@dataclass(frozen=True)
class SpecResult:
    """The difference-in-differences estimate of one design.

    ``beta`` is the Poisson coefficient (log points); ``effect_pct`` is 100·(exp(β) − 1) with studentised
    placebo-in-space intervals and ``placebo_p`` the p-value dual to them (mean effect = 0); ``ri_p`` is the
    exact two-sided randomisation p-value of the sharp null "no effect in any treated state-month";
    ``cluster_pct`` the cluster-robust (CR1) interval for reference; ``extra_deaths_per_year`` the treated
    states' extra deaths a year implied by ``effect_pct``; ``beta_draws`` = β̂ − (placebo error) × SE, one
    per placebo set: the distribution the intervals are quantiles of.
    """

    design: Design
    beta: float
    se_cluster: float
    effect_pct: Interval
    cluster_pct: Interval
    ri_p: float
    placebo_p: float
    extra_deaths_per_year: Interval
    treated_post_deaths: float
    post_years: float
    n_states: int
    n_sets: int
    n_placebo_sets: int
    beta_draws: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.empty(0))
    dropped_states: tuple[str, ...] = ()

    @property
    def extra_deaths(self) -> Callable[[float], float]:
        """β (log points) -> extra deaths a year in this design's treated states."""
        return _deaths_per_year(self.treated_post_deaths, self.post_years)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.design.name, "label": self.design.label, "expectation": self.design.expectation,
                "outcome": self.design.outcome, "treated": list(self.design.treated),
                "window": [format_month(self.design.start), format_month(self.design.end)],
                "post_start": format_month(self.design.post_start), "n_states": self.n_states,
                "effect_pct": self.effect_pct.as_dict(), "ri_p": _number(self.ri_p, 4),
                "placebo_p": _number(self.placebo_p, 4),
                "cluster_robust_pct": self.cluster_pct.as_dict(),
                "extra_deaths_per_year": self.extra_deaths_per_year.as_dict(1),
                "randomisation_sets": self.n_sets, "placebo_sets": self.n_placebo_sets,
                "dropped_states": list(self.dropped_states)}


@_single_threaded
def estimate_design(panel: pd.DataFrame, design: Design, seed: int = 0, draws: int = 4999) -> SpecResult:
    """Fit one design and its randomisation inference.

    The coefficient and cluster-robust SE come from a statsmodels Poisson GLM with state and month fixed
    effects, exposure = population. The 90/95 % intervals are ``β̂ − q·SE`` (Conley & Taber 2011,
    studentised): ``SE`` is the cluster sandwich of β̂ and ``q`` are quantiles of the same studentised
    statistic for placebo sets of as many comparison states (one-step Wald t's in the model that keeps the
    actual treatment; every set, or ``draws`` random ones). ``ri_p`` is Fisher's exact randomisation test
    of the sharp null of no effect: the cluster-robust score t of the actual treated set under the null model
    (fixed effects only) ranked among every (or ``draws`` random) set of as many states in the sample. With a
    single treated state both use the unstudentised one-step coefficient (``SE`` = 1), because a
    cluster-robust t with one treated cluster is ≈ ±1 whatever the data.
    """
    m = _matrices(panel, design)
    rng = _rng(seed, design.name)
    treatment = m.treatment
    null_fit = _fit(m, m.y, m.fe, _fe_start(m, m.y))
    full_fit = _fit(m, m.y, np.column_stack([treatment, m.fe]),
                    np.concatenate([[0.0], null_fit.params]), cluster=True)
    beta, se_cluster = float(full_fit.params[0]), float(full_fit.bse[0])

    # exact randomisation p-value of "no effect": one null fit, every assignment by summing scores
    everyone = np.arange(m.n_states)
    post_mask = m.post[:, None]
    null_scores = _scores(m.fe, null_fit.mu, m.y - null_fit.mu, _state_period_candidates(m, everyone, post_mask),
                          m.state, m.n_states, 1)
    studentise = len(design.treated) > 1
    sets = _sets(rng, everyone, len(design.treated), draws, actual=m.treated_index)
    ri_p = _two_sided_p(_statistic(null_scores, sets, studentise))

    # studentised placebo-in-space intervals (Conley–Taber with MacKinnon–Webb studentisation)
    comparison = np.setdiff1d(everyone, m.treated_index)
    full_exog = np.column_stack([treatment, m.fe])
    placebo = _scores(full_exog, full_fit.mu, m.y - full_fit.mu,
                      _state_period_candidates(m, comparison, post_mask), m.state, m.n_states, 1,
                      by_cluster_hessian=studentise)
    placebo_sets = _sets(rng, np.arange(len(comparison)), len(design.treated), draws)
    if studentise:
        own = _scores(m.fe, full_fit.mu, m.y - full_fit.mu, treatment[:, None], m.state, m.n_states, 1)
        scale = float(np.sqrt((own.by_cluster[0, 0] ** 2).sum()) / own.gram[0, 0, 0, 0])
    else:
        scale = 1.0  # unstudentised: the placebo one-step coefficients are the errors themselves
    errors = _placebo_errors(placebo, placebo_sets, studentise)
    log_interval = _pivot_interval(beta, scale, errors)
    placebo_p = _two_sided_p(np.concatenate([[beta / scale], errors]))
    critical = stats.t.ppf([0.95, 0.975], m.n_states - 1)
    cluster_log = Interval(beta, beta - critical[0] * se_cluster, beta + critical[0] * se_cluster,
                           beta - critical[1] * se_cluster, beta + critical[1] * se_cluster)
    observed_post = float(m.y[treatment > 0].sum())
    post_years = float(np.unique(m.time[m.post]).size / 12)
    return SpecResult(design=design, beta=beta, se_cluster=se_cluster, effect_pct=log_interval.map(_percent),
                      cluster_pct=cluster_log.map(_percent), ri_p=ri_p, placebo_p=placebo_p,
                      extra_deaths_per_year=log_interval.map(_deaths_per_year(observed_post, post_years)),
                      treated_post_deaths=observed_post, post_years=post_years, n_states=m.n_states,
                      n_sets=len(sets), n_placebo_sets=len(placebo_sets), beta_draws=beta - errors * scale,
                      dropped_states=m.dropped_states)


def _two_sided_p(statistics: np.ndarray) -> float:
    """Equal-tailed two-sided randomisation p-value of row 0 against all rows (row 0 included)."""
    actual = statistics[0]
    tolerance = 1e-10 * max(1.0, abs(actual))
    upper = np.mean(statistics >= actual - tolerance)
    lower = np.mean(statistics <= actual + tolerance)
    return float(min(1.0, 2 * min(upper, lower)))


def _pivot_interval(beta: float, se: float, pivots: np.ndarray) -> Interval:
    """β̂ − q·SE for placebo pivot quantiles q (equal-tailed 90 % and 95 %)."""
    q = np.quantile(pivots, [0.025, 0.05, 0.95, 0.975])
    return Interval(beta, beta - q[2] * se, beta - q[1] * se, beta - q[3] * se, beta - q[0] * se)


# --- cross-check: the randomisation test inverted for a constant proportional effect ----------------------


def constant_effect_interval(m: _Matrices, beta_hat: float, scale: float, sets: np.ndarray,
                             start: np.ndarray) -> tuple[Interval, float]:
    """Randomisation intervals for a constant proportional effect β0, by inverting Fisher's test.

    For each β0 the treated post counts are divided by exp(β0) (the sharp null: what they would have been
    without the effect), the fixed-effects model is refitted (statsmodels), and the cluster-robust score t
    of the actual set is ranked among all ``sets`` (row 0 = actual). The lower 1−α bound is the smallest β0
    that the one-sided test "effect ≤ β0" does not reject at α/2, the upper bound likewise. Exact if the
    effect really is the same in every treated state-month; when effects differ between states the
    placebo-in-space interval is the one to read. Returns the interval (log points) and the two-sided p of
    β0 = 0 (equal to the sharp-null ``ri_p`` computed on the same sets).
    """
    treatment = m.treatment
    candidates = _state_period_candidates(m, np.arange(m.n_states), m.post[:, None])
    cache: dict[float, tuple[float, float]] = {}
    params = [start]

    def evaluate(beta0: float) -> tuple[float, float]:
        if beta0 not in cache:
            y0 = m.y * np.exp(-beta0 * treatment)
            fit = _fit(m, y0, m.fe, params[-1])
            params.append(fit.params)
            t = _lm_t(_scores(m.fe, fit.mu, y0 - fit.mu, candidates, m.state, m.n_states, 1), sets)
            tolerance = 1e-10 * max(1.0, abs(t[0]))
            cache[beta0] = (float(np.mean(t >= t[0] - tolerance)), float(np.mean(t <= t[0] + tolerance)))
        return cache[beta0]

    reach = 8.0  # log points: e^8 ≈ 3000-fold, beyond anything the data could support

    def bracket(sign: int, column: int) -> None:
        for k in (1.5, 3, 6, 12, 24, 48):
            b = beta_hat + sign * min(k * scale, reach)
            if evaluate(b)[column] <= 0.025 or k * scale >= reach:
                return

    bracket(-1, 0)
    bracket(+1, 1)
    evaluate(beta_hat)

    def bound(level: float, side: Literal["low", "high"]) -> float:
        a = (1 - level) / 2
        grid = np.array(sorted(cache))
        if side == "low":
            p = np.maximum.accumulate([cache[b][0] for b in grid])
            above = np.nonzero(p > a)[0]
            if len(above) == 0 or above[0] == 0:
                return -math.inf if len(above) else math.inf
            left, right = grid[above[0] - 1], grid[above[0]]
        else:
            p = np.maximum.accumulate([cache[b][1] for b in grid[::-1]])[::-1]
            above = np.nonzero(p > a)[0]
            if len(above) == 0 or above[-1] == len(grid) - 1:
                return math.inf if len(above) else -math.inf
            left, right = grid[above[-1]], grid[above[-1] + 1]
        for _ in range(5):  # bracket width 1.5 SE / 32: well inside the interval's own precision
            middle = (left + right) / 2
            inside = evaluate(middle)[0 if side == "low" else 1] > a
            if inside == (side == "low"):
                right = middle
            else:
                left = middle
        return float((left + right) / 2)

    interval = Interval(beta_hat, bound(0.90, "low"), bound(0.90, "high"), bound(0.95, "low"), bound(0.95, "high"))
    p_ge, p_le = evaluate(0.0)
    return interval, float(min(1.0, 2 * min(p_ge, p_le)))


