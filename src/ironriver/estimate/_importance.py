"""Laplace-proposal importance sampling with Pareto-smoothed weights, and its fallbacks.

Generic machinery for a log density that can be evaluated on a batch of points (rows of an ``(N, D)``
array): :func:`find_mode` (BFGS on batched central-difference gradients), :func:`hessian` (batched
central differences), :func:`psis` (Pareto-smoothed importance sampling, Vehtari, Simpson, Gelman, Yao &
Gabry 2024, "Pareto smoothed importance sampling", JMLR 25(72); the generalized-Pareto fit of Zhang &
Stephens 2009 with the weakly informative prior on k used by ArviZ/loo) and :func:`sample_posterior`, which
runs the ladder: Laplace multivariate-t proposal → the same with more draws → tempered sequential Monte
Carlo, stopping at the first that passes k̂ < threshold and ESS ≥ target, and recording every attempt.
Pure numpy/scipy; nothing here knows about guns.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

BatchLogDensity = Callable[[np.ndarray], np.ndarray]
"""Maps an (N, D) array of unconstrained points to (N,) log densities (−inf where invalid)."""


def gradient(log_density: BatchLogDensity, u: np.ndarray, step: float = 1e-5) -> tuple[float, np.ndarray]:
    """Value and central-difference gradient of ``log_density`` at ``u`` in one batched call."""
    d = len(u)
    points = np.concatenate([u[None, :], u + step * np.eye(d), u - step * np.eye(d)])
    values = log_density(points)
    return float(values[0]), (values[1:d + 1] - values[d + 1:]) / (2 * step)


def find_mode(log_density: BatchLogDensity, start: np.ndarray, max_iter: int = 2000,
              gtol: float = 1e-4) -> optimize.OptimizeResult:
    """Maximise ``log_density`` from ``start`` with dense BFGS on batched finite-difference gradients.

    Dense BFGS (not L-BFGS): with a few dozen parameters its full inverse-Hessian estimate copes with the
    posterior's poor conditioning (eigenvalues spanning ~10⁶) in about a hundred iterations.
    """

    def objective(u: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = gradient(log_density, u)
        if not np.isfinite(value):
            return 1e300, np.zeros_like(u)
        return -value, -grad

    return optimize.minimize(objective, start, jac=True, method="BFGS", options={"maxiter": max_iter, "gtol": gtol})


def hessian(log_density: BatchLogDensity, u: np.ndarray, step: float = 2e-4, chunk: int = 2048) -> np.ndarray:
    """Symmetric central-difference Hessian of ``log_density`` at ``u`` (4·D² points, batched)."""
    d = len(u)
    eye = np.eye(d) * step
    signs = ((1, 1), (1, -1), (-1, 1), (-1, -1))
    points = np.concatenate([u + si * eye[:, None, :] + sj * eye[None, :, :] for si, sj in signs]).reshape(-1, d)
    values = np.concatenate([log_density(points[i:i + chunk]) for i in range(0, len(points), chunk)])
    pp, pm, mp, mm = values.reshape(4, d, d)
    h = (pp - pm - mp + mm) / (4 * step * step)
    return 0.5 * (h + h.T)


def _gpd_fit(exceedances: np.ndarray) -> tuple[float, float]:
    """Zhang & Stephens (2009) generalized-Pareto fit with the weakly informative prior on k (as in ArviZ)."""
    x = np.sort(exceedances)
    n = len(x)
    prior_bs, prior_k = 3.0, 10.0
    m_est = 30 + int(n**0.5)
    b = 1 - np.sqrt(m_est / (np.arange(1, m_est + 1, dtype=float) - 0.5))
    b /= prior_bs * x[int(n / 4 + 0.5) - 1]
    b += 1 / x[-1]
    k = np.log1p(-b[:, None] * x).mean(axis=1)
    length = n * (np.log(-(b / k)) - k - 1)
    weights = 1 / np.exp(length - length[:, None]).sum(axis=1)
    keep = weights >= 10 * np.finfo(float).eps
    weights, b = weights[keep], b[keep]
    weights /= weights.sum()
    b_post = float(np.sum(b * weights))
    k_post = float(np.log1p(-b_post * x).mean())
    sigma = -k_post / b_post
    k_post = (n * k_post + prior_k * 0.5) / (n + prior_k)
    return k_post, sigma


def psis(log_weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Pareto-smoothed log importance weights and the shape estimate k̂.

    Parameters
    ----------
    log_weights : ndarray (S,)
        log p − log q (unnormalised; −inf allowed).

    Returns
    -------
    smoothed : ndarray (S,)
        Normalised log weights (logsumexp = 0) with the largest ones replaced by generalized-Pareto quantiles.
    khat : float
        Shape of the fitted tail: < 0.7 reliable (Vehtari et al. 2024), ≥ 0.7 the estimates are unreliable.
    """
    lw = np.asarray(log_weights, dtype=float).copy()
    finite = np.isfinite(lw)
    lw[~finite] = -np.inf
    lw -= lw[finite].max()
    s = int(finite.sum())
    tail_length = int(math.ceil(min(0.2 * s, 3 * math.sqrt(s))))
    khat = math.inf
    if tail_length >= 5 and s > tail_length + 1:
        order = np.argsort(lw)
        tail_ids = order[-tail_length:]
        cutoff = lw[order[-tail_length - 1]]
        exceed = np.exp(lw[tail_ids]) - np.exp(cutoff)
        if np.all(exceed > 0) and np.ptp(exceed) > 0:
            khat, sigma = _gpd_fit(exceed)
            if np.isfinite(khat) and sigma > 0:
                probs = (np.arange(tail_length) + 0.5) / tail_length
                quantiles = sigma * (np.expm1(-khat * np.log1p(-probs)) / khat if abs(khat) > 1e-12
                                     else -np.log1p(-probs))
                smoothed_tail = np.log(quantiles + np.exp(cutoff))
                lw[tail_ids] = np.minimum(smoothed_tail, 0.0)  # truncate at the largest raw weight
        else:
            khat = 0.0
    lw -= special.logsumexp(lw)
    return lw, float(khat)


def effective_sample_size(log_weights: np.ndarray) -> float:
    """Kish's ESS of normalised log weights."""
    w = np.exp(log_weights - special.logsumexp(log_weights))
    return float(1.0 / np.sum(w**2))


@dataclass
class StudentT:
    """Multivariate t proposal: location, scale matrix (covariance × (ν−2)/ν is not applied), degrees ν."""

    location: np.ndarray
    covariance: np.ndarray
    dof: float

    def __post_init__(self) -> None:
        self.chol = np.linalg.cholesky(self.covariance)
        self.log_det = 2 * np.sum(np.log(np.diag(self.chol)))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        d = len(self.location)
        z = rng.standard_normal((n, d))
        w = rng.chisquare(self.dof, size=n) / self.dof
        return self.location + (z @ self.chol.T) / np.sqrt(w)[:, None]

    def log_pdf(self, x: np.ndarray) -> np.ndarray:
        d = len(self.location)
        y = np.linalg.solve(self.chol, (x - self.location).T).T
        quad = np.sum(y**2, axis=1)
        nu = self.dof
        return (special.gammaln((nu + d) / 2) - special.gammaln(nu / 2) - 0.5 * d * math.log(nu * math.pi)
                - 0.5 * self.log_det - 0.5 * (nu + d) * np.log1p(quad / nu))


def covering(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The covariance whose ellipsoid contains both ``first``'s and ``second``'s (each positive definite): in the
    basis where ``second`` is the identity and ``first`` is diagonal, the larger of the two along each axis.

    It is at least each of them in the Loewner order (both ``covering − first`` and ``covering − second`` are
    positive semi-definite) and equals ``second`` where ``second`` is the wider.
    """
    chol = np.linalg.cholesky(second)
    inverse = np.linalg.inv(chol)
    values, vectors = np.linalg.eigh(inverse @ first @ inverse.T)
    whitened = (vectors * np.maximum(values, 1.0)) @ vectors.T
    return positive_definite(chol @ whitened @ chol.T)


def positive_definite(matrix: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    """Nearest symmetric matrix with eigenvalues ≥ ``floor`` × the largest."""
    values, vectors = np.linalg.eigh(0.5 * (matrix + matrix.T))
    values = np.maximum(values, floor * max(values.max(), floor))
    return (vectors * values) @ vectors.T


@dataclass
class Attempt:
    """One rung of the sampling ladder and how it did."""

    path: str
    draws: int
    khat: float
    ess: float
    seconds: float
    passed: bool

    def as_dict(self) -> dict:
        return {"path": self.path, "draws": self.draws, "khat": round(self.khat, 3), "ess": round(self.ess, 1),
                "seconds": round(self.seconds, 3), "passed": self.passed}


@dataclass
class WeightedSample:
    """Draws (unconstrained) with normalised log weights and the ladder that produced them."""

    points: np.ndarray
    log_weights: np.ndarray
    khat: float
    ess: float
    path: str
    attempts: list[Attempt] = field(default_factory=list)
    info: dict = field(default_factory=dict)

    def resample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Systematic resampling to ``n`` equally weighted draws (indices into ``points``)."""
        w = np.exp(self.log_weights - special.logsumexp(self.log_weights))
        positions = (rng.random() + np.arange(n)) / n
        return np.minimum(np.searchsorted(np.cumsum(w), positions), len(w) - 1)


def _evaluate(log_density: BatchLogDensity, points: np.ndarray, chunk: int = 2000) -> np.ndarray:
    return np.concatenate([log_density(points[i:i + chunk]) for i in range(0, len(points), chunk)])


def _importance(log_density: BatchLogDensity, proposal: StudentT, rng: np.random.Generator,
                n: int) -> tuple[np.ndarray, np.ndarray, float, float]:
    points = proposal.sample(rng, n)
    log_p = _evaluate(log_density, points)
    smoothed, khat = psis(log_p - proposal.log_pdf(points))
    return points, smoothed, khat, effective_sample_size(smoothed)


ScaleMove = Callable[[np.ndarray, np.random.Generator], tuple[np.ndarray, np.ndarray]]
"""A reversible move for a scale parameter and the standardised variables it multiplies: returns the proposed
points and the log-Jacobian of the move, per row."""


def tempered_smc(log_density: BatchLogDensity, proposal: StudentT, rng: np.random.Generator, n: int,
                 moves: int = 6, max_stages: int = 40, dof: float = 5.0,
                 scale_move: ScaleMove | None = None,
                 ess_fraction: float = 0.5, block: np.ndarray | None = None,
                 final_moves: int | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """Sequential Monte Carlo from ``proposal`` to the target along q^(1−β)·p^β, β from 0 to 1.

    Each stage picks the next β by bisection so that the incremental ESS stays ≥ ``ess_fraction``·n, resamples
    (systematic), then moves every particle ``moves`` times, cycling through an independence Metropolis–
    Hastings step (a multivariate t fitted to the current particles — efficient when the tempered target is
    close to Gaussian), a random-walk Metropolis step (covariance 2.38²/D × particle covariance) and, when
    given, ``scale_move`` (e.g. rescaling a random walk's volatility while keeping the walk itself: the
    "centred" move that crosses the funnel a non-centred parametrisation leaves between a scale and its
    standardised innovations). ``block`` (column indices) adds a random-walk Metropolis step on those columns
    only (covariance 2.38²/k × their particle covariance): a few parameters that jointly set the level move
    in steps sized for them, not for all D. At β = 1 the particles are moved ``final_moves`` times (default
    ``moves``): the tails of the target are reached by moves, not by the tempering, and the proposals are
    refitted to the particles after every cycle of move kinds, so that they widen as the particles spread (at a
    fixed fit they keep the start's narrowness). Returns equally weighted particles and a dict of stage
    diagnostics.
    """
    d = proposal.location.size
    x = proposal.sample(rng, n)
    log_q = proposal.log_pdf(x)
    log_p = _evaluate(log_density, x)
    beta, betas, acceptance, ess_history = 0.0, [], [], []
    evaluations_total = [n]
    while beta < 1.0 and len(betas) < max_stages:
        delta = np.where(np.isfinite(log_p), log_p - log_q, -np.inf)

        def ess_at(b: float) -> float:
            return effective_sample_size((b - beta) * delta)

        if ess_at(1.0) >= ess_fraction * n:
            new_beta = 1.0
        else:
            low, high = beta, 1.0
            for _ in range(30):
                mid = 0.5 * (low + high)
                low, high = (mid, high) if ess_at(mid) >= ess_fraction * n else (low, mid)
            new_beta = max(low, beta + 1e-4)
        lw = (new_beta - beta) * delta
        ess_history.append(effective_sample_size(lw))
        w = np.exp(lw - special.logsumexp(lw))
        idx = np.minimum(np.searchsorted(np.cumsum(w), (rng.random() + np.arange(n)) / n), n - 1)
        x, log_q, log_p = x[idx], log_q[idx], log_p[idx]
        beta = new_beta
        betas.append(round(beta, 4))
        kinds = ("independent", "random-walk") + (("scale",) if scale_move is not None else ()) + \
            (("block",) if block is not None and len(block) else ())
        accepted = {kind: [0, 0] for kind in kinds}
        n_moves = moves if beta < 1.0 or final_moves is None else max(moves, final_moves)
        for move in range(n_moves):
            kind = kinds[move % len(kinds)]
            if move == 0 or (beta >= 1.0 and move % len(kinds) == 0):
                # the proposals are fitted to the particles; at the target they are refitted after every cycle
                # of moves, so that they widen as the particles spread into the tails
                mean = x.mean(axis=0)
                cov = positive_definite(np.cov(x.T) + 1e-10 * np.eye(d))
                fitted = StudentT(mean, cov, dof)
                log_f = fitted.log_pdf(x)
                chol = np.linalg.cholesky(cov * (2.38**2 / d))
                if block is not None and len(block):
                    block_chol = np.linalg.cholesky(cov[np.ix_(block, block)] * (2.38**2 / len(block)))
            jacobian = 0.0
            if kind == "independent":
                new = fitted.sample(rng, n)
            elif kind == "random-walk":
                new = x + rng.standard_normal((n, d)) @ chol.T
            elif kind == "block":
                new = x.copy()
                new[:, block] += rng.standard_normal((n, len(block))) @ block_chol.T
            else:
                new, jacobian = scale_move(x, rng)  # type: ignore[misc]
            new_q, new_f = proposal.log_pdf(new), fitted.log_pdf(new)
            new_p = _evaluate(log_density, new)
            evaluations_total[0] += n
            log_ratio = (1 - beta) * (new_q - log_q) + beta * (new_p - log_p) + jacobian
            if kind == "independent":
                log_ratio = log_ratio + log_f - new_f
            log_ratio = np.where(np.isfinite(log_ratio), log_ratio, -np.inf)
            accept = np.log(rng.random(n)) < log_ratio
            x = np.where(accept[:, None], new, x)
            log_q, log_p, log_f = (np.where(accept, a, b) for a, b in ((new_q, log_q), (new_p, log_p), (new_f, log_f)))
            accepted[kind][0] += int(accept.sum())
            accepted[kind][1] += n
        acceptance.append({kind: round(a / max(t, 1), 3) for kind, (a, t) in accepted.items()})
    distinct = int(len(np.unique(x[:, 0])))
    return x, np.full(n, -math.log(n)), {"stages": len(betas), "betas": betas, "acceptance": acceptance,
                                         "ess": float(min(ess_history)), "distinct": distinct,
                                         "evaluations": evaluations_total[0]}


def rank_rhat(runs: list[np.ndarray]) -> float:
    """Largest rank-normalised R̂ (bulk and folded, Vehtari et al. 2021, Bayesian Analysis 16(2)) over the
    columns of independent runs' draws (each (n, D)); > 1.01 means the runs disagree in location or scale."""
    n = min(len(r) for r in runs)
    stacked = np.stack([r[:n] for r in runs])  # (m, n, D)
    worst = 1.0
    for values in (stacked, np.abs(stacked - np.median(stacked.reshape(-1, stacked.shape[-1]), axis=0))):
        flat = values.reshape(-1, values.shape[-1])
        ranks = (np.argsort(np.argsort(flat, axis=0), axis=0) + 0.625) / (len(flat) + 0.25)
        z = special.ndtri(ranks).reshape(values.shape)
        within = z.var(axis=1, ddof=1).mean(axis=0)
        between = n * z.mean(axis=1).var(axis=0, ddof=1)
        rhat = np.sqrt(((n - 1) / n * within + between / n) / np.maximum(within, 1e-300))
        worst = max(worst, float(np.max(rhat)))
    return worst


def khat_threshold(draws: int) -> float:
    """Sample-size dependent k̂ threshold, min(1 − 1/log10(S), 0.7) (Vehtari et al. 2024)."""
    return min(1 - 1 / math.log10(draws), 0.7)


def sample_posterior(log_density: BatchLogDensity, mode: np.ndarray, covariance: np.ndarray,
                     rng: np.random.Generator, draws: int = 4000, ess_target: float = 1000.0, dof: float = 5.0,
                     smc_particles: int = 2000, smc_moves: int = 6,
                     scale_move: ScaleMove | None = None, block: np.ndarray | None = None,
                     smc_final_moves: int = 24, smc_runs: int = 2, rhat_limit: float = 1.01, smc_widen: float = 1.1,
                     smc_pilot: tuple[int, int] | None = None, smc_pilot_widen: float = 1.2) -> WeightedSample:
    """Importance sampling from a Laplace t proposal, falling back until the diagnostics pass.

    The ladder: ``laplace-is`` (t_ν around the mode with the inverse-Hessian covariance); if k̂ passes but
    the ESS falls short by at most 4×, ``laplace-is-more`` (the same proposal with enough draws for the
    target ESS); otherwise ``tempered-smc`` (:func:`tempered_smc`), whose ESS is the Kish ESS of its last
    incremental weights (≥ half the particles by construction). Every attempt is recorded with its k̂, ESS
    and time.

    ``smc_pilot`` = (particles, final moves): before the SMC rung, a cheaper pilot SMC from the same start, whose
    particles give the main runs their start: centred on the pilot's mean, with the covariance that covers both
    the Laplace covariance and the pilot's (:func:`covering`), widened by ``smc_pilot_widen``. The Laplace
    covariance is the curvature at the mode, narrower than the posterior wherever the posterior is skewed (in
    the iron-river model by about half the variance in its narrowest direction), and the tempering cannot grow
    a tail its start lacks; the pilot's moves reach part of it.

    (A moment-matched "adaptive" proposal was tried as a middle rung and dropped: with the few dozen effective
    draws of a failed first rung its moments were too noisy to help.)
    """
    attempts: list[Attempt] = []

    def record(path: str, n: int, points: np.ndarray, lw: np.ndarray, khat: float, ess: float,
               started: float) -> WeightedSample:
        passed = bool(khat < khat_threshold(n) and ess >= ess_target)
        attempts.append(Attempt(path, n, khat, ess, time.perf_counter() - started, passed))
        return WeightedSample(points, lw, khat, ess, path, attempts)

    started = time.perf_counter()
    proposal = StudentT(mode, covariance, dof)
    points, lw, khat, ess = _importance(log_density, proposal, rng, draws)
    result = record("laplace-is", draws, points, lw, khat, ess, started)
    if attempts[-1].passed:
        return result
    if khat < khat_threshold(draws) and ess >= ess_target / 4:
        started = time.perf_counter()
        more = int(math.ceil(draws * 1.2 * ess_target / max(ess, 1.0)))
        points, lw, khat, ess = _importance(log_density, proposal, rng, more)
        result = record("laplace-is-more", more, points, lw, khat, ess, started)
        if attempts[-1].passed:
            return result
    started = time.perf_counter()

    def smc(start: StudentT, particles: int, final_moves: int) -> tuple[list[np.ndarray], list[dict]]:
        runs, infos = [], []
        for _ in range(smc_runs):  # independent runs, so that their disagreement can be measured (R̂)
            run_points, _, run_info = tempered_smc(log_density, start, rng, particles // smc_runs, moves=smc_moves,
                                                   scale_move=scale_move, block=block, final_moves=final_moves)
            runs.append(run_points)
            infos.append(run_info)
        return runs, infos

    laplace_start = StudentT(mode, covariance * smc_widen**2, dof)
    pilot_info: dict = {}
    if smc_pilot is None:
        runs, infos = smc(laplace_start, smc_particles, smc_final_moves)
    else:
        pilot_runs, pilot_infos = smc(laplace_start, *smc_pilot)
        pilot = np.concatenate(pilot_runs)
        start = StudentT(pilot.mean(axis=0), covering(covariance, np.cov(pilot.T)) * smc_pilot_widen**2, dof)
        pilot_info = {"particles": smc_pilot[0], "final_moves": smc_pilot[1],
                      "evaluations": int(sum(i["evaluations"] for i in pilot_infos))}
        runs, infos = smc(start, smc_particles, smc_final_moves)
    points = np.concatenate(runs)
    lw = np.full(len(points), -math.log(len(points)))
    info = {"stages": max(i["stages"] for i in infos), "betas": infos[0]["betas"],
            "acceptance": infos[0]["acceptance"], "ess": float(sum(i["ess"] for i in infos)),
            "distinct": int(sum(i["distinct"] for i in infos)), "evaluations": int(sum(i["evaluations"] for i in infos)),
            "runs": smc_runs, "rhat": rank_rhat(runs) if smc_runs > 1 else float("nan"), "rhat_limit": rhat_limit,
            "pilot": pilot_info or None}
    if pilot_info:
        info["evaluations"] += pilot_info["evaluations"]
    result = record("tempered-smc", smc_particles, points, lw, float("nan"), info["ess"], started)
    attempts[-1].passed = bool(info["ess"] >= min(ess_target, smc_particles / 2)
                               and (smc_runs < 2 or info["rhat"] <= rhat_limit))
    result.path = "tempered-smc"
    result.info = info
    return result
