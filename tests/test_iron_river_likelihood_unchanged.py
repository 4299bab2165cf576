"""The faster count likelihood gives the numbers of the plain formula it replaced.

The count term's moments are computed on the years some trace figure covers, its enforcement kernel adds its
diagonal in place, and a batch with a degenerate covariance isolates that row by halving instead of factoring
every row on its own. None of that may move a number: here the plain full-grid formulas (what the model computed
before) are written out once more and compared at fixed points — posterior-like, prior draws, a batch with a
degenerate row and one whose submission covariance overflows in a year no trace figure covers. On the machine
these were written on the two agree to the last bit (a seeded fit draws the same points); the tolerances
below leave room for a BLAS that sums in another order.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ironriver.estimate._iron_river_model import INVALID, IronRiverModel, _mvn_log_pdf
from ironriver.evidence._named import CountFigure
from ironriver.evidence.recoveries import (RecoveryDesign, count_moments, enforcement_kernel, log_normal_approximation,
                                           recovery_design)


@pytest.fixture(scope="module")
def model() -> IronRiverModel:
    return IronRiverModel(("traces", "seizures", "stock", "us_demand"), 2025)


def plain_kernel(years: np.ndarray, shock_sd: np.ndarray, campaign_sd: np.ndarray, persistence: np.ndarray
                 ) -> np.ndarray:
    """exp(K) − 1 cell by cell: K_ts = σ_h²·ρ^|t−s| + σ_e²·[t = s]."""
    lag = np.abs(np.subtract.outer(years, years))
    k = campaign_sd[:, None, None] ** 2 * persistence[:, None, None] ** lag + shock_sd[:, None, None] ** 2 * (lag == 0)
    return np.expm1(k)


def plain_moments(recoveries: np.ndarray, share: np.ndarray, design: RecoveryDesign, kernel: np.ndarray,
                  submission_sd: np.ndarray, sedena: np.ndarray, scope_sd: float, persistence: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the figures on the full year grid, every cell (the formula before the speed-up)."""
    a = design.trace_rows
    scale = np.where(design.sedena[None, :], sedena[:, None], 1.0)
    h = (a[None] * share[:, None, :] + scale[:, :, None] * design.seizure_rows[None]) * recoveries[:, None, :]
    mean = h.sum(axis=2)
    cov = h @ kernel @ np.swapaxes(h, 1, 2)
    lag = np.abs(np.subtract.outer(design.years, design.years))
    shocks = np.expm1(submission_sd[:, None, None] ** 2 * persistence[:, None, None] ** lag)
    pm = share * recoveries
    cov = cov + a[None] @ (pm[:, :, None] * pm[:, None, :] * (1.0 + kernel) * shocks) @ a.T[None]
    extra = np.expm1(scope_sd**2) * design.same_group + np.diag(np.expm1(design.own_sd**2))
    return mean, cov + mean[:, :, None] * mean[:, None, :] * extra[None]


def plain_count_term(model: IronRiverModel, u: np.ndarray) -> np.ndarray:
    """The count log likelihood per row of ``u``, each row factored on its own; INVALID where it cannot be."""
    lat = model.latent(u)
    kernel = plain_kernel(model.recovery_years, lat["enforcement_sd"], lat["enforcement_campaign_sd"],
                          lat["enforcement_persistence"])
    mean, cov = plain_moments(lat["recoveries"], lat["submitted_by_year"], model.count_design, kernel,
                              lat["submission_sd"], lat["sedena_fraction"], model.settings["seizure_scope_sd"],
                              lat["submission_persistence"])
    loc, log_cov = log_normal_approximation(mean, cov)
    residual = np.log(model.data["counts"])[None, :] - loc
    out = np.full(len(u), INVALID)
    for i in range(len(u)):
        try:
            chol = np.linalg.cholesky(log_cov[i])
        except np.linalg.LinAlgError:
            continue
        w = np.linalg.solve(chol, residual[i])
        out[i] = -0.5 * w @ w - np.sum(np.log(np.diag(chol))) - 0.5 * len(w) * math.log(2 * math.pi)
    return np.where(np.isfinite(out), out, INVALID)


def points(model: IronRiverModel, n: int, spread: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return model.prior_loc + spread * model.prior_scale * rng.standard_normal((n, model.dimension))


@pytest.mark.parametrize("spread", [0.1, 0.5, 1.0])
def test_count_term_equals_the_plain_formula(model: IronRiverModel, spread: float) -> None:
    u = points(model, 60, spread, seed=3)
    with np.errstate(all="ignore"):
        got = np.where(np.isfinite(model.terms(u)["counts"]), model.terms(u)["counts"], INVALID)
        expected = plain_count_term(model, u)
    assert (got == INVALID).sum() == (expected == INVALID).sum()
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_kernel_equals_the_cell_by_cell_formula_exactly() -> None:
    years = np.arange(1994, 2026)
    args = (np.array([0.1, 0.3]), np.array([0.4, 0.2]), np.array([0.7, 0.95]))
    fast = enforcement_kernel(years, *args)
    np.testing.assert_allclose(fast, plain_kernel(years, *args), rtol=1e-12)
    # the diagonal added in place equals adding diagonal × identity, bit for bit
    lag = np.abs(np.subtract.outer(years, years))
    variance = args[1][:, None] ** 2
    by_lag = np.expm1(variance * np.exp(np.log(args[2])[:, None] * np.arange(len(years))[None, :]))
    diagonal = np.expm1(variance[:, 0] + args[0] ** 2) - by_lag[:, 0]
    assert np.array_equal(fast, by_lag[:, lag] + diagonal[:, None, None] * np.eye(len(years))[None])


def test_a_degenerate_row_in_a_large_batch_leaves_the_others_as_scored_alone() -> None:
    rng = np.random.default_rng(11)
    n, j = 37, 5
    root = rng.standard_normal((n, j, j))
    cov = root @ np.swapaxes(root, 1, 2) + 0.1 * np.eye(j)
    cov[[4, 29]] = np.ones((j, j))                               # rank one: no Cholesky factor
    residual = rng.standard_normal((n, j))
    got = _mvn_log_pdf(residual, cov, np)
    assert set(np.flatnonzero(got == INVALID)) == {4, 29}
    for i in set(range(n)) - {4, 29}:
        alone = _mvn_log_pdf(residual[i:i + 1], cov[i:i + 1], np)[0]
        assert got[i] == pytest.approx(alone, rel=1e-12)



def test_a_batch_with_one_healthy_row_or_none_is_scored_row_by_row() -> None:
    """The smallest batches of the degenerate path: one healthy row beside a degenerate one keeps its own score
    (N(0, I₂) at (1, 2): −(1 + 4)/2 − log 2π), and a batch with no healthy row is INVALID throughout."""
    cov = np.array([np.eye(2), np.ones((2, 2))])
    residual = np.array([[1.0, 2.0], [0.5, 0.5]])
    got = _mvn_log_pdf(residual, cov, np)
    assert got[0] == pytest.approx(-2.5 - math.log(2 * math.pi), rel=1e-14) and got[1] == INVALID
    assert _mvn_log_pdf(residual, np.array([np.ones((2, 2))] * 2), np).tolist() == [INVALID, INVALID]


def test_an_overflow_in_a_year_without_traces_still_makes_the_draw_invalid(model: IronRiverModel) -> None:
    design = model.count_design
    traced = design.traced_years
    untraced = np.setdiff1d(np.arange(len(design.years)), traced)
    assert untraced.size, "the test needs a year no trace figure covers"
    n, y = 3, len(design.years)
    recoveries = np.full((n, y), 1e4)
    share = np.full((n, y), 0.3)
    # a submitted share no trace figure sees: the seizure rows stay finite, the submission term's cell overflows
    share[1, untraced[0]] = 1e200
    kernel = enforcement_kernel(design.years, np.full(n, 0.2), np.full(n, 0.3), np.full(n, 0.6))
    args = (np.full(n, 0.25), np.full(n, 0.5), 0.1)
    with np.errstate(all="ignore"):
        _, cov = count_moments(recoveries, share, design, kernel, *args, submission_persistence=np.full(n, 0.5))
        _, plain = plain_moments(recoveries, share, design, kernel, *args, np.full(n, 0.5))
    assert not np.isfinite(plain[1]).all() and not np.isfinite(cov[1]).all()
    np.testing.assert_allclose(cov[[0, 2]], plain[[0, 2]], rtol=1e-12)



def test_an_overflow_only_at_lag_zero_in_a_later_untraced_year_makes_the_draw_invalid() -> None:
    """The shock in an untraced cell is the one of its lag |t − s|, not of its column's index.

    Traces cover 2000 only. In draw 1, π·m in 2002 is 1e154; its cell with itself is
    1e308 × exp(σ_e² + σ_h²) × (exp(σ_v²) − 1) = 1e308 × 1.139 × 1.718, which overflows, while with the shock of
    lag two, exp(σ_v²·ρ_v²) − 1 = 0.284, it would stay finite: the full-grid formula gives nan (inf × A's zero
    column), and so must the draw's covariance. Draw 0 is ordinary and equals the full-grid formula.
    """
    years = np.arange(2000, 2003)
    traces = [CountFigure("t2000", "traces", 1.0, {2000: 1.0}, "r")]
    seizures = [CountFigure("s", "seizures", 1.0, {int(y): 1.0 for y in years}, "outlet")]
    design = recovery_design(traces, seizures, years, trace_release_sd=0.05)
    assert design.traced_years.tolist() == [0]
    recoveries = np.full((2, 3), 1e4)
    share = np.array([[0.3, 0.3, 0.3], [0.3, 0.3, 1e150]])
    kernel = enforcement_kernel(years, np.full(2, 0.2), np.full(2, 0.3), np.full(2, 0.6))
    args = (np.full(2, 1.0), np.full(2, 0.5), 0.1)
    assert 1e308 * math.exp(0.13) * math.expm1(1.0) == math.inf and 1e308 * math.exp(0.13) * math.expm1(0.25) < math.inf
    with np.errstate(all="ignore"):
        _, cov = count_moments(recoveries, share, design, kernel, *args, submission_persistence=np.full(2, 0.5))
        _, plain = plain_moments(recoveries, share, design, kernel, *args, np.full(2, 0.5))
    assert not np.isfinite(plain[1]).all() and not np.isfinite(cov[1]).all()
    np.testing.assert_allclose(cov[0], plain[0], rtol=1e-12)


# consecutive, two apart, and two gap patterns of three years (a gap after the first year, before the last) that
# no arithmetic on the first, second or second-to-last year mistakes for a run
@pytest.mark.parametrize("trace_years", [(2001, 2002, 2003), (2000, 2003), (2000, 2002, 2003), (2000, 2001, 2003)])
def test_moments_on_consecutive_or_scattered_trace_years_equal_the_plain_formula(trace_years: tuple[int, ...]) -> None:
    years = np.arange(1999, 2005)
    traces = [CountFigure(f"t{y}", "traces", 1.0, {y: 1.0}, f"r{y}") for y in trace_years]
    traces.append(CountFigure("t_sum", "traces", 1.0, {y: 1.0 for y in trace_years}, "r_sum"))
    seizures = [CountFigure("s", "seizures", 1.0, {int(y): 0.5 for y in years}, "outlet")]
    design = recovery_design(traces, seizures, years, trace_release_sd=0.05)
    assert list(design.years[design.traced_years]) == list(trace_years)
    rng = np.random.default_rng(2)
    n = 4
    recoveries, share = rng.uniform(500, 5000, (n, len(years))), rng.uniform(0.2, 0.6, (n, len(years)))
    kernel = enforcement_kernel(years, rng.uniform(0.1, 0.3, n), rng.uniform(0.1, 0.4, n), rng.uniform(0.3, 0.9, n))
    args = (rng.uniform(0.1, 0.3, n), rng.uniform(0.3, 0.7, n), 0.1)
    persistence = rng.uniform(0.2, 0.8, n)
    mean, cov = count_moments(recoveries, share, design, kernel, *args, submission_persistence=persistence)
    plain_mean, plain_cov = plain_moments(recoveries, share, design, kernel, *args, persistence)
    np.testing.assert_allclose(mean, plain_mean, rtol=1e-13)
    np.testing.assert_allclose(cov, plain_cov, rtol=1e-12)
