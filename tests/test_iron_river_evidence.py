"""The iron river's evidence streams and observation operator: aggregates are sums, moments are exact."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ironriver.evidence import default_settings, load_evidence
from ironriver.evidence._named import CountFigure, find_redundant, fiscal_years, period_weights, whole_years
from ironriver.evidence.recoveries import (
    _untraced_overflow,
    count_moments,
    enforcement_kernel,
    log_normal_approximation,
    recovery_design,
)
from ironriver.evidence.stock import ASSUMPTIONS as STOCK_ASSUMPTIONS
from ironriver.evidence.stock import stock_covariance, stock_estimates
from ironriver.evidence.us_demand import demand_index, trafficking_weights
from ironriver.store import literature_value, load


def test_period_weights_place_fractions_on_the_year_grid() -> None:
    years = np.arange(2018, 2024)
    row = period_weights({2020: 1.0, 2021: 1.0, 2022: 0.75}, years)
    assert row.tolist() == [0, 0, 1.0, 1.0, 0.75, 0]
    with pytest.raises(ValueError):
        period_weights({2030: 1.0}, years)


def test_fiscal_years_split_october_to_december_into_the_previous_calendar_year() -> None:
    coverage = fiscal_years(2014, 2019)
    assert coverage[2013] == pytest.approx(0.25) and coverage[2019] == pytest.approx(0.75)
    assert sum(coverage.values()) == pytest.approx(6.0)
    ten_months = fiscal_years(2020, 2020, months_of_last=10)  # October 2019 – July 2020
    assert ten_months == pytest.approx({2019: 0.25, 2020: 7 / 12})


def test_a_total_restating_same_release_years_is_marked_not_dropped() -> None:
    singles = [CountFigure(f"y{y}", "traces", v, {y: 1.0}, "release") for y, v in ((2007, 10.0), (2008, 20.0))]
    total = CountFigure("total", "traces", 30.0, whole_years(2007, 2008), "release")
    other = CountFigure("other", "traces", 31.0, whole_years(2007, 2008), "another release")
    marked = {f.id: f for f in find_redundant(singles + [total, other])}
    assert marked["total"].redundant_with == ("y2007", "y2008") and not marked["total"].in_likelihood
    assert marked["other"].in_likelihood  # a different release's total is evidence


def test_the_real_2007_2011_atf_total_is_the_only_restatement() -> None:
    evidence = load_evidence(default_settings())
    restated = [f.id for f in evidence.trace_counts if not f.in_likelihood]
    assert restated == ["traces_submitted_mx_2007_2011"]
    total = literature_value("traces_submitted_mx_2007_2011").value
    assert total == pytest.approx(sum(literature_value(f"traces_submitted_mx_{y}").value for y in range(2007, 2012)))


def _design(years: np.ndarray) -> tuple:
    figures = [CountFigure("a", "traces", 1.0, {2000: 1.0}, "r1"), CountFigure("b", "traces", 1.0, {2001: 1.0}, "r2"),
               CountFigure("sum", "traces", 1.0, whole_years(2000, 2001), "r3"),
               CountFigure("seized", "seizures", 1.0, {2000: 1.0, 2001: 0.5}, "outlet")]
    return recovery_design(figures[:3], figures[3:], years, trace_release_sd=0.0), figures


def test_an_aggregate_is_the_sum_of_its_years_in_mean_and_covariance() -> None:
    years = np.arange(2000, 2003)
    design, _ = _design(years)
    recoveries = np.array([[1000.0, 2000.0, 3000.0]])
    share = np.array([[0.5, 0.4, 0.3]])
    kernel = enforcement_kernel(years, np.array([0.2]), np.array([0.3]), np.array([0.6]))
    mean, cov = count_moments(recoveries, share, design, kernel, np.array([0.25]), np.array([1.0]), scope_sd=0.0)
    a, b, total, seized = range(4)
    assert mean[0, total] == pytest.approx(mean[0, a] + mean[0, b])
    assert mean[0, a] == pytest.approx(0.5 * 1000) and mean[0, seized] == pytest.approx(1000 + 0.5 * 2000)
    # Var(a + b) = Var(a) + Var(b) + 2 Cov(a, b); Cov(total, a) = Var(a) + Cov(a, b)
    assert cov[0, total, total] == pytest.approx(cov[0, a, a] + cov[0, b, b] + 2 * cov[0, a, b])
    assert cov[0, total, a] == pytest.approx(cov[0, a, a] + cov[0, a, b])
    assert cov[0, a, b] > 0  # the enforcement campaign links the years


def test_count_moments_match_a_monte_carlo_of_the_generative_process() -> None:
    years = np.arange(2000, 2003)
    design, _ = _design(years)
    recoveries = np.array([1000.0, 2000.0, 3000.0])
    share = np.array([0.5, 0.4, 0.3])
    shock, campaign, rho, submission = 0.2, 0.3, 0.6, 0.25
    kernel = shock**2 * np.eye(3) + campaign**2 * rho ** np.abs(np.subtract.outer(years, years))
    rng = np.random.default_rng(1)
    n = 400_000
    w = rng.multivariate_normal(np.zeros(3), kernel, size=n)
    rec = recoveries * np.exp(w - np.diag(kernel) / 2)
    traced = share * rec * np.exp(submission * rng.standard_normal((n, 3)) - submission**2 / 2)
    figures = np.c_[traced[:, 0], traced[:, 1], traced[:, 0] + traced[:, 1], rec[:, 0] + 0.5 * rec[:, 1]]
    excess = enforcement_kernel(years, np.array([shock]), np.array([campaign]), np.array([rho]))
    mean, cov = count_moments(recoveries[None], share[None], design, excess, np.array([submission]),
                              np.array([1.0]), scope_sd=0.0)
    np.testing.assert_allclose(mean[0], figures.mean(axis=0), rtol=0.01)
    np.testing.assert_allclose(cov[0], np.cov(figures.T), rtol=0.05)


def test_count_moments_with_persistent_submission_match_a_monte_carlo() -> None:
    years = np.arange(2000, 2003)
    design, _ = _design(years)
    recoveries = np.array([1000.0, 2000.0, 3000.0])
    share = np.array([0.5, 0.4, 0.3])
    shock, campaign, rho, submission, persistence = 0.2, 0.3, 0.6, 0.25, 0.8
    kernel = shock**2 * np.eye(3) + campaign**2 * rho ** np.abs(np.subtract.outer(years, years))
    lags = np.abs(np.subtract.outer(years, years))
    rng = np.random.default_rng(2)
    n = 400_000
    w = rng.multivariate_normal(np.zeros(3), kernel, size=n)
    v = rng.multivariate_normal(np.zeros(3), submission**2 * persistence**lags, size=n)
    rec = recoveries * np.exp(w - np.diag(kernel) / 2)
    traced = share * rec * np.exp(v - submission**2 / 2)
    figures = np.c_[traced[:, 0], traced[:, 1], traced[:, 0] + traced[:, 1], rec[:, 0] + 0.5 * rec[:, 1]]
    excess = enforcement_kernel(years, np.array([shock]), np.array([campaign]), np.array([rho]))
    mean, cov = count_moments(recoveries[None], share[None], design, excess, np.array([submission]),
                              np.array([1.0]), scope_sd=0.0, submission_persistence=np.array([persistence]))
    np.testing.assert_allclose(mean[0], figures.mean(axis=0), rtol=0.01)
    np.testing.assert_allclose(cov[0], np.cov(figures.T), rtol=0.05)
    # independent shocks are the limit ρ_v → 0
    _, independent = count_moments(recoveries[None], share[None], design, excess, np.array([submission]),
                                   np.array([1.0]), scope_sd=0.0)
    _, nearly = count_moments(recoveries[None], share[None], design, excess, np.array([submission]),
                              np.array([1.0]), scope_sd=0.0, submission_persistence=np.array([1e-12]))
    np.testing.assert_allclose(nearly, independent, rtol=1e-9)


def test_enforcement_kernel_is_exp_of_the_ar1_plus_shock_covariance_minus_one() -> None:
    years = np.arange(1994, 2000)
    direct = np.expm1(0.15**2 * np.eye(6) + 0.4**2 * 0.7 ** np.abs(np.subtract.outer(years, years)))
    fast = enforcement_kernel(years, np.array([0.15]), np.array([0.4]), np.array([0.7]))[0]
    np.testing.assert_allclose(fast, direct, rtol=1e-12)



def test_enforcement_kernels_jax_branch_equals_numpys() -> None:
    """jax arrays cannot be written in place, so the kernel adds its diagonal as diagonal × identity there:
    the same numbers as numpy's in-place sum (NUTS runs the likelihood in jax)."""
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    years = np.arange(1994, 2000)
    args = (np.array([0.15, 0.3]), np.array([0.4, 0.2]), np.array([0.7, 0.95]))
    with jax.enable_x64(True):
        got = np.asarray(enforcement_kernel(years, *(jnp.asarray(a) for a in args), xp=jnp))
    np.testing.assert_allclose(got, enforcement_kernel(years, *args), rtol=1e-12)


def test_log_normal_approximation_keeps_the_mean() -> None:
    mean = np.array([[100.0, 50.0]])
    cov = np.array([[[400.0, 10.0], [10.0, 25.0]]])
    loc, log_cov = log_normal_approximation(mean, cov)
    assert log_cov[0, 0, 0] == pytest.approx(0.04)
    assert np.exp(loc[0, 0] + log_cov[0, 0, 0] / 2) == pytest.approx(100.0)



def test_untraced_overflow_flags_exactly_the_draws_with_a_non_finite_cell() -> None:
    """Draws at the edge of float64 (max 1.80e308), each cell π_t·m_t·π_s·m_s·(1 + E_ts)·S_|t−s| by hand.

    Draw 0 is ordinary. Draw 1: its largest cell, year 2 with itself, is 6e307 × 2 × (e − 1) = 2.06e308, which
    overflows only through the factors 1 + E = 2 and e − 1 > 1 (without either it stays finite). Draw 2:
    π·m = 0.5 below one, so its square 0.25 (not a smaller power) times 1 + E = e^709 and S = 10 overflows.
    Draw 3 is suspect (its bound, max π·m squared × max(1 + E) × max S = 6e307 × 2 × 2, overflows) but every
    cell is finite: its largest π·m meets 1 + E = 1.001, so the cells are checked one by one and it is not flagged.
    """
    lag = np.abs(np.subtract.outer(np.arange(3), np.arange(3)))
    pm = np.array([[1e3, 2e3, 3e3], [1e3, 2e3, math.sqrt(6e307)], [0.5, 0.5, 0.5], [math.sqrt(6e307), 1.0, 1.0]])
    excess = np.array([np.where(lag == 0, 1.0, 0.5), np.where(lag == 0, 1.0, 0.5),
                       np.where(lag == 0, np.expm1(709.0), 0.5), np.diag([1e-3, 1.0, 1.0])])
    shock_by_lag = np.array([[math.e - 1, 0.5, 0.2], [math.e - 1, 0.5, 0.2], [10.0, 1.0, 0.1], [2.0, 0.5, 0.2]])
    assert 6e307 * 2.0 * (math.e - 1) == math.inf and 6e307 * 2.0 < math.inf and 6e307 * (math.e - 1) < math.inf
    assert 0.25 * math.expm1(709.0) * 10.0 == math.inf and 0.125 * math.expm1(709.0) * 10.0 < math.inf
    assert 6e307 * 2.0 * 2.0 == math.inf and 6e307 * 1.001 * 2.0 < math.inf and 6e307 * 2.001 * 2.0 == math.inf
    # the check is silent: an overflow is reported as a flag, never as a floating-point error or a warning
    with np.errstate(all="raise"):
        flagged = _untraced_overflow(pm, excess, shock_by_lag, lag, np.arange(3))
    assert flagged.tolist() == [False, True, True, False]


# Hand-written from the cited figures: Small Arms Survey 2007 annexe, Mexico 15,500,000 total and 4,490,000
# registered; Karp (2012) "roughly 15 million"; CESOP (Dec 2014, via El Universal 2015) "15.5 million" — the 2007
# round's total; Small Arms Survey 2017, Mexico 16,809,000. One registered count (the 2007 round's) for all.
STOCK_BY_SOURCE = {  # id: (round year it describes, total, illicit)
    "dataset:civilian_firearms_2007": (2007, 15_500_000, 11_010_000),
    "civilian_firearms_mx_karp_2012": (2007, 15_000_000, 10_510_000),
    "unregistered_firearms_mx_cesop_2011": (2007, 15_500_000, 11_010_000),
    "dataset:civilian_firearms_2017": (2017, 16_809_000, 12_319_000),
}


def test_each_stock_estimate_is_its_sources_total_dated_to_its_round() -> None:
    estimates = {e.id: e for e in stock_estimates()}
    assert set(estimates) == set(STOCK_BY_SOURCE)
    for figure_id, (year, total, illicit) in STOCK_BY_SOURCE.items():
        e = estimates[figure_id]
        assert (e.year, e.total, e.illicit) == (year, total, illicit), figure_id
    # growth 2007 → 2017 is the growth of the totals, not of two sources' registered counts
    growth = estimates["dataset:civilian_firearms_2017"].illicit - estimates["dataset:civilian_firearms_2007"].illicit
    assert growth == 16_809_000 - 15_500_000


def test_the_registered_count_is_one_named_assumption_pinned_to_its_sources() -> None:
    registered = {a.name: a for a in STOCK_ASSUMPTIONS}["stock_registered_guns"]
    sas2007 = load("civilian_firearms_2007").set_index("country").loc["Mexico"]
    assert registered.value == registered.high == sas2007["registered"] == 4_490_000
    assert registered.low == literature_value("registered_firearms_mx_2017").value == 3_118_592
    low = {e.id: e.illicit for e in stock_estimates({"stock_registered_guns": registered.low})}
    assert low["dataset:civilian_firearms_2007"] == 15_500_000 - 3_118_592
    assert low["dataset:civilian_firearms_2017"] == 16_809_000 - 3_118_592


def test_stock_echoes_share_the_2007_rounds_error() -> None:
    estimates = stock_estimates()
    cov = stock_covariance(estimates, common_sd=0.3, method_sd=0.15, echo_sd=0.05)
    ids = [e.id for e in estimates]
    karp, sas2007, sas2017 = (ids.index(i) for i in ("civilian_firearms_mx_karp_2012", "dataset:civilian_firearms_2007",
                                                     "dataset:civilian_firearms_2017"))
    assert cov[karp, sas2007] == pytest.approx(0.3**2 + 0.15**2)
    assert cov[sas2007, sas2017] == pytest.approx(0.3**2)
    assert cov[karp, karp] == pytest.approx(0.3**2 + 0.15**2 + 0.05**2)
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def test_demand_index_weights_and_california_repair() -> None:
    weights = trafficking_weights()
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["TX"] > weights["AZ"] > weights["CA"] > weights["NM"]
    index = demand_index()
    assert index.years[0] == 1999 and np.all(np.isfinite(index.index))
    # California's spurious 2007 multiple-gun checks do not make a spike in the index
    changes = np.diff(index.index)
    assert np.max(np.abs(changes)) < 0.15
