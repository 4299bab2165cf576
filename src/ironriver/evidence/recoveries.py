"""The recovery process shared by the trace and seizure figures: one joint observation operator.

Guns recovered in Mexico are counted twice in the public record — as seizures (all of them, by outlet and
agency) and as ATF traces (the share submitted). A year's enforcement shock moves both, and the published
figures are sums over overlapping periods. Treating each figure as an independent noisy number would count
the same recoveries several times; this module instead gives the joint distribution of all of them.

Per calendar year *t* (the grid starts in 1994 to cover the Small Arms Survey's seizure table):

* all-origin recoveries Rec_t = m_t·exp(w_t − K_tt/2), where the log enforcement intensity w follows a
  stationary AR(1) (multi-year campaigns) plus independent yearly shocks (:func:`enforcement_kernel`);
* submitted traces T_t = π_t·Rec_t·(1 + v_t), Var(v_t) = exp(σ_v²) − 1 (submission shock);
* a trace figure j = Σ_t A_jt·T_t × (1 + release error, sd ``trace_release_sd``);
* a seizure figure k = c_k·Σ_t B_kt·Rec_t × (1 + scope error shared within its source group) × (1 + its
  own stated range), with c_k = 1 for all-authority totals and f_SEDENA for the army's own counts.

The rows of A and B are the coverage weights of :func:`~ironriver.evidence._named.period_weights`: a
multi-year figure's expectation is the **sum** of the yearly expectations it covers, and the covariance of
two figures is the sum of the variances of the years they share — which is how overlapping totals from
different releases inform each other without being double-counted. :func:`count_moments` returns the
exact first two moments; :func:`log_normal_approximation` matches them with a multivariate log-normal
(delta method in log space), the likelihood :mod:`ironriver.estimate.iron_river` uses.

Every function takes the array namespace ``xp`` (numpy, or jax.numpy for the NUTS cross-check) and works on
a leading batch axis of posterior draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ironriver.evidence._named import CountFigure, period_weights


@dataclass(frozen=True)
class RecoveryDesign:
    """The trace and seizure figures in the likelihood, as arrays on one calendar-year grid.

    Attributes
    ----------
    ids, streams : tuple of str
        Figure ids and their streams (``"traces"`` / ``"seizures"``), in row order.
    values : ndarray (J,)
        Published values (counts over each figure's coverage).
    years : ndarray (Y,)
        Calendar-year grid of recoveries.
    trace_rows, seizure_rows : ndarray (J, Y)
        Coverage weights (a trace figure has a zero seizure row and vice versa).
    sedena : ndarray (J,) of bool
        Rows counting the army's seizures only.
    same_group : ndarray (J, J)
        1 where two seizure figures share a source (and so a scope error).
    own_sd : ndarray (J,)
        Log-scale sd of each figure's own error (release revision for traces, stated range for seizures).
    """

    ids: tuple[str, ...]
    streams: tuple[str, ...]
    values: np.ndarray
    years: np.ndarray
    trace_rows: np.ndarray
    seizure_rows: np.ndarray
    sedena: np.ndarray
    same_group: np.ndarray
    own_sd: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def traced_years(self) -> np.ndarray:
        """Indices into ``years`` of the years some trace figure covers (ascending)."""
        return np.flatnonzero(np.any(self.trace_rows != 0, axis=0))


def recovery_design(traces: list[CountFigure], seizures: list[CountFigure], years: np.ndarray,
                    trace_release_sd: float, include_all: bool = False) -> RecoveryDesign:
    """Assemble the joint design from the figures that enter the likelihood.

    Parameters
    ----------
    traces, seizures : list of CountFigure
        Figures from :func:`ironriver.evidence.traces.trace_counts` and
        :func:`ironriver.evidence.seizures.seizure_counts`; figures with ``in_likelihood`` False are skipped.
    years : ndarray of int
        Calendar-year grid covering every figure.
    trace_release_sd : float
        Named assumption: log-scale release-revision error of each trace figure.
    include_all : bool
        Keep figures marked redundant too (for checking them, never for the likelihood).
    """
    used = [f for f in traces + seizures if f.in_likelihood or include_all]
    rows = np.array([period_weights(f.coverage, years) for f in used]).reshape(len(used), len(years))
    is_trace = np.array([f.stream == "traces" for f in used])
    groups = np.array([f.source_group if f.stream != "traces" else f"trace:{f.id}" for f in used])
    same = ((groups[:, None] == groups[None, :]) & ~is_trace[:, None] & ~is_trace[None, :]).astype(float)
    own = np.array([trace_release_sd if t else f.extra_sd for f, t in zip(used, is_trace)])
    return RecoveryDesign(
        ids=tuple(f.id for f in used), streams=tuple(f.stream for f in used),
        values=np.array([f.value for f in used], dtype=float), years=np.asarray(years),
        trace_rows=rows * is_trace[:, None], seizure_rows=rows * ~is_trace[:, None],
        sedena=np.array([f.scope == "sedena" for f in used]), same_group=same, own_sd=own)


def enforcement_kernel(years: np.ndarray, shock_sd: Any, campaign_sd: Any, persistence: Any,
                       xp: Any = np) -> Any:
    """exp(K) − 1 for the covariance K over years of log enforcement intensity (AR(1) campaigns + yearly shocks).

    K_ts = σ_h²·ρ^|t−s| + σ_e²·[t = s]: enforcement drifts in multi-year campaigns (Calderón's deployment of
    the army, 2007–2012, is one) and jumps year to year, around a constant long-run level. Multi-year surges
    of seizures can therefore come from enforcement rather than from the stock, and the data decide how much;
    only sustained trends in recoveries, which a stationary process cannot produce, inform the stock.
    exp(K) − 1 is what the moments need (Cov(Rec_t, Rec_s) = m_t·m_s·(exp(K_ts) − 1)); it depends on |t − s|
    only, so it is computed once per lag and spread into a Toeplitz matrix.

    Parameters
    ----------
    years : ndarray (Y,)
    shock_sd, campaign_sd, persistence : array (N,)
        σ_e, σ_h and ρ.

    Returns
    -------
    array (N, Y, Y)
    """
    lag = np.abs(np.subtract.outer(years, years))
    lags = xp.arange(len(years), dtype=float)
    variance = campaign_sd[:, None] ** 2
    by_lag = xp.expm1(variance * xp.exp(xp.log(persistence)[:, None] * lags[None, :]))  # (N, Y)
    diagonal = xp.expm1(variance[:, 0] + shock_sd**2) - by_lag[:, 0]
    if xp is np:
        # adding the diagonal to the diagonal cells alone gives the same numbers as adding diagonal × identity
        # (x + d·0 is x), with two passes fewer over the (N, Y, Y) array; jax arrays cannot be written in place
        kernel = np.take(by_lag, lag, axis=1)
        cells = np.arange(len(years))
        kernel[:, cells, cells] += diagonal[:, None]
        return kernel
    return by_lag[:, lag] + diagonal[:, None, None] * xp.asarray(np.eye(len(years)))[None]


def count_moments(recoveries: Any, submitted_share: Any, design: RecoveryDesign, enforcement: Any,
                  submission_sd: Any, sedena_fraction: Any, scope_sd: float, xp: Any = np,
                  submission_persistence: Any = None) -> tuple[Any, Any]:
    """Mean and covariance of every figure in ``design`` (count scale), enforcement marginalised exactly.

    With Rec_t = m_t·exp(w_t − K_tt/2), w ~ N(0, K) (the enforcement process, :func:`enforcement_kernel`),
    E[Rec_t] = m_t and Cov(Rec_t, Rec_s) = m_t·m_s·(exp(K_ts) − 1). Submitted traces add an independent
    yearly submission shock. Every figure is a linear combination of the yearly Rec_t and T_t, so its first
    two moments follow exactly; overlapping figures share the covariance of the years they have in common.

    Parameters
    ----------
    recoveries : array (N, Y)
        Expected all-origin recoveries per year m_t (guns), one row per draw.
    submitted_share : array (N, Y)
        Share of recoveries submitted for tracing π_t.
    design : RecoveryDesign
    enforcement : array (N, Y, Y)
        exp(K) − 1 for the log-scale covariance K of the enforcement process (:func:`enforcement_kernel`).
    submission_sd : array (N,)
        σ_v (log scale) of the yearly submission shock.
    sedena_fraction : array (N,)
        f_SEDENA, the army's share of all recoveries.
    scope_sd : float
        Named assumption ``seizure_scope_sd``.
    xp : module
        numpy or jax.numpy.
    submission_persistence : array (N,), optional
        ρ_v: the log submission deviation is a stationary AR(1) with this year-to-year correlation (which
        agencies submit, and how thoroughly, changes with institutions, not at random each year); None: independent.

    Returns
    -------
    mean : array (N, J)
    cov : array (N, J, J)
    """
    s2v = xp.expm1(submission_sd**2)[:, None]
    a = xp.asarray(design.trace_rows)  # (J, Y); zero rows for seizure figures
    scale = xp.where(xp.asarray(design.sedena)[None, :], sedena_fraction[:, None], 1.0)  # (N, J)
    # every figure is Σ_t G_jt·Rec_t (+ submission noise for traces): G = A·π + scope × seizure rows;
    # with H = G·m, mean = H·1 and Cov = H·(exp(K) − 1)·Hᵀ
    g = a[None] * submitted_share[:, None, :] + scale[:, :, None] * xp.asarray(design.seizure_rows)[None]
    h = g * recoveries[:, None, :]
    mean = xp.sum(h, axis=2)
    cov = h @ enforcement @ xp.swapaxes(h, 1, 2)
    if submission_persistence is None:
        var_rec = recoveries**2 * xp.diagonal(enforcement, axis1=1, axis2=2)
        submission = s2v * submitted_share**2 * (recoveries**2 + var_rec)  # (N, Y): extra variance of T_t
        cov = cov + (a[None] * submission[:, None, :]) @ a.T[None]
    else:
        # Cov(T_t, T_s) adds π_t·π_s·m_t·m_s·exp(K_ts)·(exp(σ_v²·ρ_v^|t−s|) − 1). A's columns are zero outside
        # the years some trace figure covers, so it is computed on those years alone: a third of the cells,
        # and the same numbers (the dropped terms are exact zeros; see _untraced_overflow for inf and nan).
        # The shock covariance depends on |t − s| only: computed once per lag, spread into a Toeplitz matrix
        # (as in enforcement_kernel; the same numbers as computing every cell, at a fraction of the exp calls)
        traced = design.traced_years
        lag = np.abs(np.subtract.outer(design.years, design.years))
        lags = xp.arange(len(design.years), dtype=float)
        decay = xp.exp(xp.log(submission_persistence)[:, None] * lags[None, :])  # (N, Y)
        by_lag = xp.expm1(submission_sd[:, None] ** 2 * decay)
        shocks = by_lag[:, lag[traced[:, None], traced[None, :]]]  # (N, Yt, Yt)
        pm = submitted_share * recoveries
        if traced.size and traced[-1] - traced[0] + 1 == traced.size:   # consecutive years: a view, no copy
            block = enforcement[:, traced[0]:traced[-1] + 1, traced[0]:traced[-1] + 1]
        else:
            block = enforcement[:, traced[:, None], traced[None, :]]
        a_traced = a[:, traced]
        cells = pm[:, traced, None] * pm[:, None, traced] * (1.0 + block) * shocks
        cov = cov + a_traced[None] @ cells @ a_traced.T[None]
        if xp is np:
            cov[_untraced_overflow(pm, enforcement, by_lag, lag, traced)] = np.nan
    outer = mean[:, :, None] * mean[:, None, :]
    cov = cov + outer * (float(np.expm1(scope_sd**2)) * xp.asarray(design.same_group)
                         + xp.asarray(np.diag(np.expm1(design.own_sd**2))))[None, :, :]
    return mean, cov


def _untraced_overflow(pm: np.ndarray, enforcement: np.ndarray, shock_by_lag: np.ndarray, lag: np.ndarray,
                       traced: np.ndarray) -> np.ndarray:
    """Draws (N,) of bool whose submission covariance has an inf or nan cell in a year no trace figure covers.

    Computed on every year, such a cell times A's zero column is nan, and the draw scores invalid; the
    computation on the traced years alone would miss it, so :func:`count_moments` sets those draws' covariance
    to nan. A product of positive maxima bounds every cell (rounding is monotone), so only draws whose bound
    is not finite — none in an ordinary fit — are checked cell by cell.
    """
    with np.errstate(all="ignore"):
        bound = np.max(pm, axis=1) ** 2 * (1.0 + np.max(enforcement, axis=(1, 2))) * np.max(shock_by_lag, axis=1)
        suspect = np.flatnonzero(~np.isfinite(bound))
        out = np.zeros(pm.shape[0], dtype=bool)
        if suspect.size:
            cells = (pm[suspect, :, None] * pm[suspect, None, :] * (1.0 + enforcement[suspect])
                     * shock_by_lag[suspect][:, lag])
            out[suspect] = ~np.isfinite(cells).all(axis=(1, 2))
    return out


def log_normal_approximation(mean: Any, cov: Any, xp: Any = np) -> tuple[Any, Any]:
    """Location and covariance of log(figures) matching ``mean`` and ``cov`` (delta method).

    The log-scale covariance is cov_jk / (mean_j·mean_k) (positive definite whenever ``cov`` is) and the
    location is log(mean) minus half its diagonal, so each figure's marginal mean is preserved to first order.
    """
    relative = cov / (mean[:, :, None] * mean[:, None, :])
    diagonal = xp.diagonal(relative, axis1=1, axis2=2)
    return xp.log(mean) - 0.5 * diagonal, relative
