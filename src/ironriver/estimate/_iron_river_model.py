"""The iron-river state-space model: parameters, latent series, log density and data simulator.

Latent process (years 1999 … end): log F_t = log F_a + δ·(t − a) + σ·(W_t − W_a), W_t = Σ_{s≤t} z_s with
z_s ~ N(0, 1) — a random walk with drift in log space from an anchor year a (``flow_anchor_year``, 1999) whose
level has a vague prior, written non-centred. The
US-origin illicit stock in Mexico is S_t = (1 − a)·S_{t−1} + F_t from S_1998. Expected US-origin recoveries
in year *t* are h·S_{t−L} (``recovery_lag_years`` L; the 1998 stock stands in before 1999) times an
enforcement intensity (multi-year campaigns plus yearly shocks, marginalised exactly in the moments of the
figures), and all-origin recoveries divide by the US-origin share ψ. The evidence streams' observation models
are documented in
:mod:`ironriver.evidence`; this module strings them into one log density, vectorised over a batch of
parameter vectors and written against an array namespace (numpy, or jax.numpy for the NUTS cross-check).
:meth:`IronRiverModel.simulate` draws data from the same likelihood, for posterior predictive checks and
simulation-based calibration.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special

from ironriver.evidence import Evidence, check_streams, default_settings, load_evidence
from ironriver.evidence._named import period_weights
from ironriver.evidence.recoveries import (count_moments, enforcement_kernel, log_normal_approximation,
                                           recovery_design)
from ironriver.evidence.stock import stock_covariance
from ironriver.evidence.traces import etrace_ramp
from ironriver.evidence.us_demand import block_changes, blocks, shock_scale
from ironriver.estimate.priors import MODEL_ASSUMPTIONS, Prior, default_priors

FIRST_YEAR = 1999
"""First year of the latent flow: the stock prior is for the end of 1998."""

RECOVERY_FIRST_YEAR = 1994
"""First calendar year of recoveries (the Small Arms Survey seizure table starts in late 1994)."""

INVALID = -1e10
"""Log density used for parameter values the model cannot represent (finite so gradients stay finite)."""

EVIDENCE_SETTINGS = ("seizure_late_1994_fraction", "seizure_mid_2012_fraction", "seizure_recent_years_start",
                     "seizure_share_extra_sd", "cbp_seizure_sd", "stock_registered_guns")
"""Named assumptions that change how figures are read (so the evidence must be reloaded when they change)."""


@lru_cache(maxsize=16)
def _evidence(key: tuple[tuple[str, float], ...]) -> Evidence:
    return load_evidence(dict(key))


def cached_evidence(settings: dict[str, float]) -> Evidence:
    """Evidence for these settings, loaded once per distinct reading of the figures."""
    return _evidence(tuple((k, float(settings[k])) for k in EVIDENCE_SETTINGS))


def model_settings(overrides: dict[str, float] | None = None) -> dict[str, float]:
    """Every fixed named assumption's value, with ``overrides`` applied (unknown names raise KeyError)."""
    settings = {**default_settings(), **{a.name: a.value for a in MODEL_ASSUMPTIONS}}
    for name, value in (overrides or {}).items():
        if name not in settings:
            raise KeyError(name)
        settings[name] = float(value)
    return settings


@dataclass
class _Linalg:
    """The two linear-algebra calls the log density needs, for numpy or jax."""

    xp: Any

    def cholesky(self, a: Any) -> Any:
        return self.xp.linalg.cholesky(a)

    def solve_lower(self, chol: Any, b: Any) -> Any:
        if self.xp is np:
            return _forward_substitution(chol, b)
        from jax.scipy.linalg import solve_triangular

        return solve_triangular(chol, b[..., None], lower=True)[..., 0]


def _forward_substitution(chol: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve L·w = b for a batch of lower-triangular factors L (N, J, J) and right-hand sides b (N, J).

    numpy has no batched triangular solve, and ``np.linalg.solve`` factors each L again as a general matrix;
    substituting one row at a time over the whole batch gives the same solution to rounding at about a tenth
    of the time (a fifth of the log density's time at J = 28 figures). Each draw's numbers depend on its own
    row only, so a draw scores the same in any batch.
    """
    w = np.empty_like(b)
    for i in range(b.shape[1]):
        w[:, i] = (b[:, i] - np.einsum("nk,nk->n", chol[:, i, :i], w[:, :i])) / chol[:, i, i]
    return w


def _cholesky_where_possible(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower Cholesky factors of a batch (N, J, J), and which rows have one (not positive definite: False).

    numpy factors a batch in one call but refuses the whole batch if one matrix fails; the batch is then
    split in halves until the failing rows are isolated, so each factor is LAPACK's for that matrix alone
    (the same numbers as factoring it by itself) at the price of a few batched calls, not one per row.
    """
    try:
        return np.linalg.cholesky(cov), np.ones(cov.shape[0], dtype=bool)
    except np.linalg.LinAlgError:
        if cov.shape[0] == 1:
            return np.zeros_like(cov), np.zeros(1, dtype=bool)
    half = cov.shape[0] // 2
    (first, ok_first), (second, ok_second) = _cholesky_where_possible(cov[:half]), _cholesky_where_possible(cov[half:])
    return np.concatenate([first, second]), np.concatenate([ok_first, ok_second])


def _mvn_log_pdf(residual: Any, cov: Any, xp: Any) -> Any:
    """Log density of N(0, cov) at ``residual`` for a batch: residual (N, J), cov (N, J, J)."""
    linalg = _Linalg(xp)
    j = residual.shape[-1]
    if xp is np:
        chol, ok = _cholesky_where_possible(cov)
        if not ok.all():  # some draw's covariance is degenerate: score the others one by one
            return _mvn_log_pdf_rows(residual, chol, ok)
    else:
        chol = linalg.cholesky(cov)
    w = linalg.solve_lower(chol, residual)
    log_det = xp.sum(xp.log(xp.diagonal(chol, axis1=-2, axis2=-1)), axis=-1)
    return -0.5 * xp.sum(w**2, axis=-1) - log_det - 0.5 * j * math.log(2 * math.pi)


def _mvn_log_pdf_rows(residual: np.ndarray, chol: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """:func:`_mvn_log_pdf` for a batch with a degenerate covariance, from :func:`_cholesky_where_possible`'s
    factors ``chol`` and ``ok``: a row without a factor is :data:`INVALID`, each other row is scored on its own
    (the solve by forward substitution over the healthy rows, each row's numbers its own; the per-row sums kept as
    they were, so a row scores the same in any batch that has a degenerate one)."""
    out = np.full(residual.shape[0], INVALID)
    healthy = np.flatnonzero(ok)
    if healthy.size == 0:
        return out
    w = _forward_substitution(chol[healthy], residual[healthy])
    constant = 0.5 * residual.shape[-1] * math.log(2 * math.pi)
    for k, i in enumerate(healthy):
        out[i] = -0.5 * w[k] @ w[k] - np.sum(np.log(np.diag(chol[i]))) - constant
    return out


def flow_knots(n_years: int, spacing: int) -> np.ndarray:
    """Indices of the years where the log-flow random walk takes a step: every ``spacing`` years and the last."""
    knots = list(range(0, n_years, max(spacing, 1)))
    if knots[-1] != n_years - 1:
        knots.append(n_years - 1)
    return np.array(knots)


def walk_matrix(knots: np.ndarray) -> np.ndarray:
    """Matrix W (years × steps) with walk = W @ z: a random walk whose step from knot j to j+1 has variance
    equal to the years between them, interpolated linearly in between (spacing 1: the yearly random walk)."""
    n_years = knots[-1] + 1
    gaps = np.diff(knots).astype(float)
    w = np.zeros((n_years, len(gaps)))
    for t in range(n_years):
        j = min(np.searchsorted(knots, t, side="right") - 1, len(gaps) - 1)
        w[t, :j] = np.sqrt(gaps[:j])
        w[t, j] = (t - knots[j]) / gaps[j] * np.sqrt(gaps[j])
    return w


def _logit(p: Any, xp: Any) -> Any:
    return xp.log(p) - xp.log1p(-p)


class IronRiverModel:
    """The iron-river model for a set of evidence streams, an end year, priors and named assumptions.

    Parameters
    ----------
    streams : sequence of str
        Evidence streams in the likelihood (names in :data:`ironriver.evidence.STREAMS`).
    end_year : int
        Last year of the latent flow (≥ the last year with evidence, so every figure is on the grid).
    priors : tuple of Prior, optional
        Defaults to :func:`ironriver.estimate.priors.default_priors`.
    settings : dict, optional
        Overrides of named assumptions (see :func:`model_settings`).
    evidence_end : int, optional
        Keep only figures whose coverage ends by this year (for leave-future-out checks); default: all.
    """

    def __init__(self, streams: tuple[str, ...], end_year: int, priors: tuple[Prior, ...] | None = None,
                 settings: dict[str, float] | None = None, evidence_end: int | None = None) -> None:
        self.evidence_end = int(evidence_end) if evidence_end is not None else None
        self.streams = check_streams(streams)
        self.settings = model_settings(settings)
        self.evidence = cached_evidence(self.settings)
        self.priors = priors or default_priors()
        self.end_year = int(end_year)
        self.years = np.arange(FIRST_YEAR, self.end_year + 1)
        self.recovery_years = np.arange(RECOVERY_FIRST_YEAR, self.end_year + 1)
        self.prior_names = [p.name for p in self.priors]
        self.knots = flow_knots(len(self.years), int(round(self.settings["flow_knot_spacing"])))
        self._walk = walk_matrix(self.knots)
        self._anchor = int(np.clip(round(self.settings["flow_anchor_year"]) - FIRST_YEAR, 0, len(self.years) - 1))
        self.names = self.prior_names + [f"innovation_{self.years[k]}" for k in self.knots[1:]]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.prior_loc = np.array([p.loc for p in self.priors] + [0.0] * (len(self.knots) - 1))
        self.prior_scale = np.array([p.scale for p in self.priors] + [1.0] * (len(self.knots) - 1))
        self._build()

    # ------------------------------------------------------------------ design
    def _known(self, figures: list) -> list:
        """The figures published by ``evidence_end`` (all of them when it is None)."""
        if self.evidence_end is None:
            return list(figures)
        return [f for f in figures if max(getattr(f, "coverage", None) or {f.year: 1.0}) <= self.evidence_end]

    def _build(self) -> None:
        ev, s = self.evidence, self.settings
        lag = int(round(s["recovery_lag_years"]))
        position = self.recovery_years - FIRST_YEAR - lag  # index into S; −1 is S_1998
        self._base_index = np.maximum(position + 1, 0)  # into [S_1998, S_1999, …]
        self._ramp = etrace_ramp(self.recovery_years, s["etrace_ramp_start"], s["etrace_ramp_full"])
        data: dict[str, np.ndarray] = {}

        counts = self._known((ev.trace_counts if "traces" in self.streams else []) +
                             (ev.seizure_counts if "seizures" in self.streams else []))
        self.count_design = (recovery_design([f for f in counts if f.stream == "traces"],
                                             [f for f in counts if f.stream == "seizures"],
                                             self.recovery_years, s["trace_release_sd"]) if counts else None)
        if self.count_design is not None:
            data["counts"] = self.count_design.values.copy()

        shares = self._known((ev.trace_shares if "traces" in self.streams else []) +
                             (ev.seizure_shares if "seizures" in self.streams else []))
        self._set_shares([f for f in shares if f.in_likelihood], data)

        self.cbp_figures = self._known(ev.cbp) if "seizures" in self.streams else []
        if self.cbp_figures:
            data["cbp"] = np.array([f.value for f in self.cbp_figures])
            self._cbp_rows = np.array([period_weights(f.coverage, self.years) for f in self.cbp_figures])
            self._cbp_effort = np.array([f.scope == "increased_effort" for f in self.cbp_figures], dtype=float)
            self._cbp_sd = np.array([f.extra_sd for f in self.cbp_figures])

        self.stock_estimates = self._known(ev.stock) if "stock" in self.streams else []
        if self.stock_estimates:
            data["stock"] = np.array([e.illicit for e in self.stock_estimates])
            self._stock_index = np.array([e.year - FIRST_YEAR for e in self.stock_estimates])
            cov = stock_covariance(self.stock_estimates, s["stock_common_bias_sd"], s["stock_method_sd"],
                                   s["stock_echo_sd"])
            self._stock_cov = cov
            self._stock_chol = np.linalg.cholesky(cov)
            self._stock_precision = np.linalg.inv(cov)
            self._stock_log_det = float(np.linalg.slogdet(cov)[1])

        if "us_demand" in self.streams:
            demand = ev.demand
            keep = (demand.years >= FIRST_YEAR) & (demand.years <= min(self.end_year, self.evidence_end or 9999))
            length = int(round(s["nics_block_years"]))
            self._nics_blocks = blocks(demand.years[keep], length)
            # (blocks × years) averaging matrix on the model's year grid, then differences of consecutive blocks
            means = np.array([np.isin(self.years, block) / len(block) for block in self._nics_blocks])
            self._nics_change_rows = np.diff(means, axis=0)
            data["nics_change"] = block_changes(demand.index[keep], demand.years[keep], length)
            defaults = default_settings()
            if s["nics_shock_scale"] == defaults["nics_shock_scale"] and (
                    length != defaults["nics_block_years"] or s["nics_t_dof"] != defaults["nics_t_dof"]):
                # the calibration belongs to the block length and tails: recalibrate when those change
                self.settings["nics_shock_scale"] = shock_scale(s["nics_t_dof"], length)
            nu = s["nics_t_dof"]
            self._t_const = float(special.gammaln((nu + 1) / 2) - special.gammaln(nu / 2)
                                  - 0.5 * math.log(nu * math.pi))

        self.published = ev.published_fitted if "published" in self.streams else []
        if self.published:
            data["published"] = np.array([p.value for p in self.published])
            self._published_rows = np.array([period_weights({y: 1.0 for y in range(p.years[0], p.years[1] + 1)},
                                                            self.years) for p in self.published])
            self._published_rows /= self._published_rows.sum(axis=1, keepdims=True)
            level = s["mcdougal_interval_level"]
            z = float(special.ndtri(0.5 + level / 2))
            self._published_sd = np.array([
                (math.log(p.high) - math.log(p.low)) / (2 * z) if p.low and p.high and p.high > p.low
                else s["literature_undocumented_sd"] for p in self.published])
        self.data = data

    def _set_shares(self, figures: list, data: dict[str, np.ndarray]) -> None:
        self.share_figures = figures
        if figures:
            data["shares"] = np.array([f.value for f in figures])
            self._share_atf = np.array([f.basis == "atf_us_sourced" for f in figures])
            self._share_n = np.array([f.n_years for f in figures])
            self._share_extra = np.array([f.extra_sd for f in figures])

    def audit_model(self) -> IronRiverModel | None:
        """The same posterior's predictions of the figures kept out of the likelihood (totals that restate
        same-release yearly figures), so they can be checked; None if there are none."""
        if "traces" not in self.streams:
            return None
        counts = [f for f in self.evidence.trace_counts if not f.in_likelihood]
        shares = [f for f in self.evidence.trace_shares if not f.in_likelihood]
        if not counts and not shares:
            return None
        other = copy.copy(self)
        other.streams = ("traces",)
        data: dict[str, np.ndarray] = {}
        other.count_design = (recovery_design(counts, [], self.recovery_years, self.settings["trace_release_sd"],
                                              include_all=True) if counts else None)
        if counts:
            data["counts"] = other.count_design.values.copy()
        other._set_shares(shares, data)
        other.cbp_figures, other.stock_estimates, other.published = [], [], []
        other.data = data
        return other

    def with_data(self, data: dict[str, np.ndarray]) -> IronRiverModel:
        """A copy of this model with other observed values (same design), e.g. simulated data."""
        other = copy.copy(self)
        other.data = {k: np.asarray(v, dtype=float).copy() for k, v in data.items()}
        return other

    @property
    def dimension(self) -> int:
        return len(self.names)

    # ------------------------------------------------------------------ latent quantities
    def natural(self, u: Any, xp: Any = np) -> dict[str, Any]:
        """Natural-scale parameters from unconstrained rows ``u`` (N, D)."""
        out = {}
        for i, prior in enumerate(self.priors):
            col = u[:, i]
            if prior.transform == "log":
                out[prior.name] = xp.exp(col)
            elif prior.transform == "logit":
                out[prior.name] = 1.0 / (1.0 + xp.exp(-col))
            else:
                out[prior.name] = col
        return out

    def _parameters(self, u: Any, xp: Any) -> dict[str, Any]:
        """:meth:`natural` plus the total attrition rate (its floor, the observed seizure rate, + the rest)."""
        p = self.natural(u, xp)
        p["attrition"] = self.settings["attrition_seizure_floor"] + p["attrition_beyond_seizures"]
        return p

    def latent(self, u: Any, xp: Any = np) -> dict[str, Any]:
        """Parameters plus the yearly series: ``flow`` and ``stock`` (N, years), ``recoveries_us``,
        ``recoveries`` and ``submitted_by_year`` (N, recovery years)."""
        p = self._parameters(u, xp)
        log_flow, flow, stock = self.flow_and_stock(u, xp, p)
        extended = xp.concatenate([p["stock_1998"][:, None], stock], axis=1)
        base = extended[:, self._base_index]
        recoveries_us = p["recovery_rate"][:, None] * base
        recoveries = recoveries_us / p["us_origin_share"][:, None]
        submitted = p["submitted_share"][:, None] * xp.exp(p["etrace_widening"][:, None] * xp.asarray(self._ramp)[None])
        return {**p, "log_flow": log_flow, "flow": flow, "stock": stock, "recoveries_us": recoveries_us,
                "recoveries": recoveries, "submitted_by_year": submitted}

    def flow_and_stock(self, u: Any, xp: Any = np, p: dict[str, Any] | None = None) -> tuple[Any, Any, Any]:
        """Log flow, flow (guns/year) and end-of-year US-origin illicit stock (guns), each (N, years), from rows
        ``u``: the random walk from the anchor year, then S_t = (1 − a)·S_{t−1} + F_t from S_1998 (a recursion
        over the years: linear in their number, where the equivalent sum over a decay matrix is quadratic)."""
        if p is None:
            p = self._parameters(u, xp)
        n = len(self.years)
        z = u[:, len(self.priors):]
        walk = z @ xp.asarray(self._walk).T
        t = xp.arange(n, dtype=float)
        anchor = self._anchor
        log_flow = (u[:, self.index["flow_anchor"]][:, None] + p["flow_drift"][:, None] * (t - anchor)
                    + p["flow_volatility"][:, None] * (walk - walk[:, anchor:anchor + 1]))
        flow = xp.exp(log_flow)
        keep = 1.0 - p["attrition"]
        level, columns = p["stock_1998"], []
        for year in range(n):
            level = keep * level + flow[:, year]
            columns.append(level)
        return log_flow, flow, xp.stack(columns, axis=1)

    # ------------------------------------------------------------------ likelihood pieces
    def _count_params(self, lat: dict[str, Any], xp: Any) -> tuple[Any, Any]:
        kernel = enforcement_kernel(self.recovery_years, lat["enforcement_sd"], lat["enforcement_campaign_sd"],
                                    lat["enforcement_persistence"], xp)
        mean, cov = count_moments(lat["recoveries"], lat["submitted_by_year"], self.count_design, kernel,
                                  lat["submission_sd"], lat["sedena_fraction"], self.settings["seizure_scope_sd"], xp,
                                  lat["submission_persistence"])
        return log_normal_approximation(mean, cov, xp)

    def _share_params(self, lat: dict[str, Any], xp: Any) -> tuple[Any, Any]:
        psi = lat["us_origin_share"][:, None]
        expected = xp.where(xp.asarray(self._share_atf)[None, :], psi * lat["us_determined_share"][:, None], psi)
        sd = xp.sqrt(lat["share_sd"][:, None] ** 2 / xp.asarray(self._share_n)[None, :]
                     + self.settings["share_release_sd"] ** 2 + xp.asarray(self._share_extra)[None, :] ** 2)
        return _logit(expected, xp), sd

    def _cbp_params(self, lat: dict[str, Any], xp: Any) -> tuple[Any, Any]:
        flow_sum = lat["flow"] @ xp.asarray(self._cbp_rows).T
        effort = lat["outbound_effort_2020"][:, None] ** xp.asarray(self._cbp_effort)[None, :]
        sd = xp.asarray(self._cbp_sd)[None, :]
        return xp.log(lat["interdiction_rate"][:, None] * effort * flow_sum) - 0.5 * sd**2, sd

    def _nics_expected(self, lat: dict[str, Any], xp: Any) -> Any:
        """Expected change of the demand index's block means: elasticity × change of the block means of log flow."""
        change = lat["log_flow"] @ xp.asarray(self._nics_change_rows).T
        return lat["nics_elasticity"][:, None] * change

    def terms(self, u: Any, xp: Any = np) -> dict[str, Any]:
        """Log prior and each stream's log likelihood, per row of ``u`` (N, D)."""
        lat = self.latent(u, xp)
        out: dict[str, Any] = {}
        standardised = (u - xp.asarray(self.prior_loc)) / xp.asarray(self.prior_scale)
        out["prior"] = (-0.5 * xp.sum(standardised**2, axis=1) - float(np.sum(np.log(self.prior_scale)))
                        - 0.5 * self.dimension * math.log(2 * math.pi))
        data = self.data
        if self.count_design is not None:
            loc, cov = self._count_params(lat, xp)
            residual = xp.log(xp.asarray(data["counts"]))[None, :] - loc
            out["counts"] = _mvn_log_pdf(residual, cov, xp)
        if self.share_figures:
            centre, sd = self._share_params(lat, xp)
            z = (_logit(xp.asarray(data["shares"]), xp)[None, :] - centre) / sd
            out["shares"] = xp.sum(-0.5 * z**2 - xp.log(sd) - 0.5 * math.log(2 * math.pi), axis=1)
        if self.cbp_figures:
            loc, sd = self._cbp_params(lat, xp)
            z = (xp.log(xp.asarray(data["cbp"]))[None, :] - loc) / sd
            out["cbp"] = xp.sum(-0.5 * z**2 - xp.log(sd) - 0.5 * math.log(2 * math.pi), axis=1)
        if self.stock_estimates:
            predicted = lat["stock"][:, self._stock_index] / lat["stock_us_origin_share"][:, None]
            r = xp.log(xp.asarray(data["stock"]))[None, :] - xp.log(predicted)
            quad = xp.sum((r @ xp.asarray(self._stock_precision)) * r, axis=1)
            out["stock"] = (-0.5 * quad - 0.5 * self._stock_log_det
                            - 0.5 * len(self.stock_estimates) * math.log(2 * math.pi))
        if "us_demand" in self.streams:
            residual = xp.asarray(data["nics_change"])[None, :] - self._nics_expected(lat, xp)
            sigma, nu = self.settings["nics_shock_scale"], self.settings["nics_t_dof"]
            log_pdf = self._t_const - math.log(sigma) - 0.5 * (nu + 1) * xp.log1p((residual / sigma) ** 2 / nu)
            out["us_demand"] = xp.sum(log_pdf, axis=1)
        if self.published:
            mean_flow = lat["flow"] @ xp.asarray(self._published_rows).T
            sd = xp.asarray(self._published_sd)[None, :]
            z = (xp.log(xp.asarray(data["published"]))[None, :] - xp.log(mean_flow)) / sd
            out["published"] = xp.sum(-0.5 * z**2 - xp.log(sd) - 0.5 * math.log(2 * math.pi), axis=1)
        return out

    def log_density(self, u: Any, xp: Any = np) -> Any:
        """Unnormalised log posterior of each row of ``u`` (N, D); non-finite values become :data:`INVALID`."""
        total = sum(self.terms(u, xp).values())
        if xp is np:
            with np.errstate(all="ignore"):
                return np.where(np.isfinite(total), total, INVALID)
        return xp.where(xp.isfinite(total), total, INVALID)

    def __call__(self, u: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return self.log_density(np.atleast_2d(u))

    # ------------------------------------------------------------------ simulation
    def volatility_move(self, u: np.ndarray, rng: np.random.Generator, step: float = 0.3
                        ) -> tuple[np.ndarray, np.ndarray]:
        """Propose a new flow volatility σ' = σ·e^ε while keeping the walk σ·z unchanged (z' = z·σ/σ').

        The non-centred parametrisation leaves a funnel between σ and the innovations z when the data say
        little about single years; this "centred" move crosses it. Returns (proposal, log-Jacobian) with
        log|J| = −m·ε for m innovations (the shift of log σ has unit Jacobian).
        """
        column = self.index["flow_volatility"]
        first = len(self.priors)
        eps = step * rng.standard_normal(u.shape[0])
        new = u.copy()
        new[:, column] += eps
        new[:, first:] *= np.exp(-eps)[:, None]
        return new, -eps * (u.shape[1] - first)

    def prior_draws(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Unconstrained parameter vectors drawn from the prior (N, D)."""
        return self.prior_loc + self.prior_scale * rng.standard_normal((n, self.dimension))

    def start(self) -> np.ndarray:
        """A starting point for the optimiser: every prior's centre, innovations zero."""
        return self.prior_loc.copy()

    def simulate(self, u: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Observed values drawn from the likelihood at each row of ``u``: same keys as ``self.data``,
        each (N, n_figures)."""
        u = np.atleast_2d(u)
        lat = self.latent(u)
        n = u.shape[0]
        out: dict[str, np.ndarray] = {}
        if self.count_design is not None:
            loc, cov = self._count_params(lat, np)
            chol = np.linalg.cholesky(cov)
            out["counts"] = np.exp(loc + np.einsum("njk,nk->nj", chol, rng.standard_normal(loc.shape)))
        if self.share_figures:
            centre, sd = self._share_params(lat, np)
            out["shares"] = special.expit(centre + sd * rng.standard_normal(centre.shape))
        if self.cbp_figures:
            loc, sd = self._cbp_params(lat, np)
            out["cbp"] = np.exp(loc + sd * rng.standard_normal(loc.shape))
        if self.stock_estimates:
            predicted = lat["stock"][:, self._stock_index] / lat["stock_us_origin_share"][:, None]
            noise = rng.standard_normal(predicted.shape) @ self._stock_chol.T
            out["stock"] = predicted * np.exp(noise)
        if "us_demand" in self.streams:
            shocks = self.settings["nics_shock_scale"] * rng.standard_t(self.settings["nics_t_dof"],
                                                                       size=(n, len(self._nics_change_rows)))
            out["nics_change"] = self._nics_expected(lat, np) + shocks
        if self.published:
            mean_flow = lat["flow"] @ self._published_rows.T
            out["published"] = mean_flow * np.exp(self._published_sd[None, :] * rng.standard_normal(mean_flow.shape))
        return out

    def observation_labels(self) -> dict[str, list[tuple[str, str, str]]]:
        """For each data key, one (stream, id, years) label per observation, in order."""
        labels: dict[str, list[tuple[str, str, str]]] = {}
        if self.count_design is not None:
            figures = {f.id: f for f in self.evidence.trace_counts + self.evidence.seizure_counts}
            labels["counts"] = [(figures[i].stream, i, _span(figures[i].coverage)) for i in self.count_design.ids]
        if self.share_figures:
            labels["shares"] = [(f.stream, f.id, _span(f.coverage)) for f in self.share_figures]
        if self.cbp_figures:
            labels["cbp"] = [("seizures", f.id, _span(f.coverage)) for f in self.cbp_figures]
        if self.stock_estimates:
            labels["stock"] = [("stock", e.id, str(e.year)) for e in self.stock_estimates]
        if "us_demand" in self.streams:
            labels["nics_change"] = [("us_demand", f"demand_index_change_{a[0]}_{b[-1]}",
                                      f"{a[0]}–{a[-1]} → {b[0]}–{b[-1]}")
                                     for a, b in zip(self._nics_blocks[:-1], self._nics_blocks[1:])]
        if self.published:
            labels["published"] = [("published", p.id, f"{p.years[0]}–{p.years[1]}") for p in self.published]
        return labels


def _span(coverage: dict[int, float]) -> str:
    first, last = min(coverage), max(coverage)
    return str(first) if first == last else f"{first}–{last}"
