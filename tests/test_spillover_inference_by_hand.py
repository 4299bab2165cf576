"""The spillover estimator's arithmetic, by hand: p-values, pivots, the effect and death conversions, placebo sets,
the score algebra against statsmodels' weighted least squares, and the fixed-effects start.

Small inputs whose answers can be written down: a wrong tail, a swapped quantile, a missing tolerance or a
mis-partialled score changes a number here, where the synthetic-panel tests would only see a slightly
different interval.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from ironriver.errors import IronRiverError
from ironriver.estimate.spillover import inference as inf
from ironriver.estimate.spillover.design import Design
from ironriver.estimate.spillover.model import _fe_start, _matrices


def test_two_sided_p_counts_ties_within_the_relative_tolerance() -> None:
    # row 0 is 1000; 1000 − 1e-8 is a tie at tolerance 1e-10 × 1000: upper tail 3 of 10, lower 9 of 10
    stats = np.array([1000.0, 1000.0 - 1e-8, 2000.0, -1, -2, -3, -4, -5, -6, -7])
    assert inf._two_sided_p(stats) == pytest.approx(0.6)
    assert inf._two_sided_p(-stats) == pytest.approx(0.6)
    assert inf._two_sided_p(np.array([5.0, 1, 2, 3, 4])) == pytest.approx(0.4)   # the largest of five: 2 × 1/5
    assert inf._two_sided_p(np.array([0.0, -1, 1])) == 1.0                      # capped at one
    # below |t| = 1 the tolerance is 1e-10 absolute: 0.5 + 1.5e-10 is not a tie (lower tail 2 of 6, p = 2/3)
    small = np.array([0.5, 0.5 + 1.5e-10, 1.0, 1.0, 1.0, 0.0])
    assert inf._two_sided_p(small) == pytest.approx(2 / 3)
    assert inf._two_sided_p(np.array([0.5, 0.5 + 0.5e-10, 1.0, 1.0, 1.0, 0.0])) == 1.0   # but 0.5e-10 is
    # a statistic exactly at the tolerance's edge is a tie: upper 3 of 6 and lower 5 of 6 give p = 1
    assert inf._two_sided_p(np.array([0.5, 0.5 - 1e-10, 0.0, 0.0, 0.0, 1.0])) == 1.0


def test_pivot_interval_subtracts_the_upper_quantile_for_the_lower_bound() -> None:
    pivots = np.linspace(-1.0, 3.0, 401)        # quantiles 2.5 %: −0.9, 5 %: −0.8, 95 %: 2.8, 97.5 %: 2.9
    got = inf._pivot_interval(0.5, 0.1, pivots)
    assert (got.estimate, got.low90, got.high90, got.low95, got.high95) == pytest.approx(
        (0.5, 0.5 - 0.28, 0.5 + 0.08, 0.5 - 0.29, 0.5 + 0.09))


def test_effect_in_percent_and_extra_deaths_by_hand() -> None:
    assert inf._percent(math.log(1.25)) == pytest.approx(25.0)
    assert inf._percent(-math.log(2)) == pytest.approx(-50.0)
    assert inf._percent(699.0) == pytest.approx(100 * math.expm1(699.0)) and inf._percent(700.0) == math.inf
    extra = inf._deaths_per_year(1200.0, 4.0)
    assert extra(math.log(1.25)) == pytest.approx(60.0)     # 1200 × (1 − 1/1.25) / 4 years
    assert extra(-math.log(2)) == pytest.approx(-300.0)     # 1200 × (1 − 2) / 4
    assert extra(0.0) == 0.0
    assert extra(-math.inf) == -math.inf and extra(-700.0) == -math.inf
    assert extra(math.inf) == 300.0                          # an unbounded effect: every post death, 1200 / 4
    assert extra(-699.0) == pytest.approx(1200 * -math.expm1(699.0) / 4)


def test_interval_map_covers_and_rounds() -> None:
    interval = inf.Interval(0.0, -1.0, 1.0, -2.0, math.inf)
    assert interval.covers(1.0, 90) and not interval.covers(1.5, 90) and interval.covers(1.5)
    assert interval.covers(-2.0) and not interval.covers(-2.5) and not interval.covers(-1.5, 90)
    assert interval.as_dict(1) == {"estimate": 0.0, "low90": -1.0, "high90": 1.0, "low95": -2.0, "high95": None}
    assert inf.Interval(1.2345, 0, 0, 0, 0).as_dict()["estimate"] == 1.23
    doubled = interval.map(lambda v: 2 * v + 1)
    assert (doubled.estimate, doubled.low90, doubled.high90, doubled.low95) == (1.0, -1.0, 3.0, -3.0)


def test_placebo_sets_enumerate_every_combination_or_draw_random_ones() -> None:
    rng = np.random.default_rng(0)
    pool = np.arange(5)
    every = inf._sets(rng, pool, 2, 10)
    assert len(every) == 10 and len({tuple(s) for s in every}) == 10
    with_actual = inf._sets(rng, pool, 2, 9, actual=np.array([3, 1]))
    assert list(with_actual[0]) == [3, 1] and len(with_actual) == 10          # the actual set once, first
    assert sum(set(s) == {1, 3} for s in with_actual) == 1
    drawn = inf._sets(rng, pool, 2, 6, actual=np.array([3, 1]))
    assert drawn.shape == (7, 2) and list(drawn[0]) == [3, 1]
    assert all(len(set(s)) == 2 and set(s) <= set(pool) for s in drawn)
    assert inf._sets(rng, pool, 2, 9).shape == (9, 2)                        # 10 > 9: random, not every one


def test_streams_are_named_and_seeded() -> None:
    a, b = inf._rng(1, "main").random(3), inf._rng(1, "main").random(3)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, inf._rng(1, "placebo").random(3)) and not np.allclose(a, inf._rng(2, "main").random(3))


def scores_by_hand() -> inf._Scores:
    # three candidates, one period, two clusters
    total = np.array([[1.0], [2.0], [-0.5]])
    by_cluster = np.array([[[0.5, 0.5]], [[1.5, 0.5]], [[-1.0, 0.5]]])
    gram = np.zeros((3, 1, 3, 1))
    gram[:, 0, :, 0] = [[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 2.0]]
    return inf._Scores(total=total, by_cluster=by_cluster, gram=gram)


def test_score_t_and_one_step_of_a_set_by_hand() -> None:
    scores = scores_by_hand()
    sets = np.array([[0, 1], [1, 2]])
    # {0, 1}: score 3, cluster scores (2, 1) → t = 3/√5; information 4 + 1 + 1 + 3 = 9 → step 1/3
    # {1, 2}: score 1.5, cluster scores (0.5, 1) → t = 1.5/√1.25; information 3 + 0.5 + 0.5 + 2 = 6 → 0.25
    np.testing.assert_allclose(inf._lm_t(scores, sets), [3 / math.sqrt(5), 1.5 / math.sqrt(1.25)])
    np.testing.assert_allclose(inf._one_step(scores, sets), [1 / 3, 0.25])
    np.testing.assert_allclose(inf._statistic(scores, sets, True), inf._lm_t(scores, sets))
    np.testing.assert_allclose(inf._statistic(scores, sets, False), inf._one_step(scores, sets))
    np.testing.assert_allclose(inf._placebo_errors(scores, sets, False), [1 / 3, 0.25])
    with pytest.raises(ValueError):
        inf._one_step_t(scores, sets)


def test_sum_of_squared_period_ts_by_hand() -> None:
    total = np.array([[1.0, 2.0], [1.0, -1.0]])                         # two candidates × two periods
    by_cluster = np.array([[[1.0, 0.0], [1.0, 1.0]], [[0.0, 1.0], [0.0, -2.0]]])
    scores = inf._Scores(total=total, by_cluster=by_cluster, gram=np.zeros((2, 2, 2, 2)))
    # set {0, 1}: period 1 score 2, clusters (1, 1) → t² = 4/2; period 2 score 1, clusters (1, −1) → 1/2
    assert inf._sum_squared_t(scores, np.array([[0, 1]]))[0] == pytest.approx(2.5)


def test_scores_are_weighted_least_squares_residuals_times_the_residuals() -> None:
    rng = np.random.default_rng(3)
    n, n_states = 40, 4
    state = np.repeat(np.arange(n_states), n // n_states)
    nuisance = np.column_stack([np.ones(n), rng.normal(size=n)])
    mu = rng.uniform(0.5, 3.0, n)
    resid = rng.normal(size=n)
    candidates = np.column_stack([(state == g) & (np.arange(n) % 10 >= 5) for g in range(n_states)]).astype(float)
    got = inf._scores(nuisance, mu, resid, candidates, state, n_states, 1, by_cluster_hessian=True)
    for c in range(n_states):
        partialled = sm.WLS(candidates[:, c], nuisance, weights=mu).fit().resid
        assert got.total[c, 0] == pytest.approx(partialled @ resid, rel=1e-9)
        for g in range(n_states):
            assert got.by_cluster[c, 0, g] == pytest.approx(partialled[state == g] @ resid[state == g], abs=1e-12)
            for d in range(n_states):
                other = sm.WLS(candidates[:, d], nuisance, weights=mu).fit().resid
                inside = state == g
                assert got.hessian_by_cluster[g, c, 0, d, 0] == pytest.approx(
                    (partialled * mu * other)[inside].sum(), abs=1e-12)
        assert got.gram[c, 0, c, 0] == pytest.approx((partialled ** 2 * mu).sum(), rel=1e-9)


def two_way_panel() -> pd.DataFrame:
    """Four states × four months with deaths exactly exposure × state effect × month effect."""
    state_effect = {"01": 1e-4, "02": 2e-4, "03": 5e-5, "04": 3e-4}
    month_effect = [1.0, 1.5, 0.5, 2.0]
    rows = []
    for code, rate in state_effect.items():
        for t, m in enumerate(month_effect):
            population = 1e6 * (1 + 0.1 * t) * (2 if code == "02" else 1)
            rows.append({"state_code": code, "year": 2004, "month_index": 100 + t, "population": population,
                         "deaths": population * rate * m})
    return pd.DataFrame(rows)


def design(**changes) -> Design:
    base = dict(name="test", label="test", expectation="", outcome="deaths", states=("01", "02", "03", "04"),
                treated=("01",), start=100, end=103, post_start=102)
    return Design(**{**base, **changes})


def test_fixed_effects_start_fits_an_exact_two_way_table() -> None:
    panel = two_way_panel()
    m = _matrices(panel, design())
    start = _fe_start(m, m.y)
    fitted = m.exposure * np.exp(m.fe @ start)
    np.testing.assert_allclose(fitted, m.y, rtol=1e-8)
    assert m.codes == ("01", "02", "03", "04") and list(m.treatment) == [0, 0, 1, 1] + [0] * 12
    assert list(m.time[:4]) == [0, 1, 2, 3] and m.fe.shape == (16, 4 + 3)


def test_design_matrices_refuse_an_unidentified_design() -> None:
    panel = two_way_panel()
    no_deaths = panel.assign(deaths=np.where(panel["state_code"] == "03", 0.0, panel["deaths"]))
    dropped = _matrices(no_deaths, design())
    assert dropped.dropped_states == ("03",) and dropped.codes == ("01", "02", "04") and len(dropped.y) == 12
    one_death = panel.assign(deaths=np.where(panel["state_code"] == "03",
                                             np.where(panel["month_index"] == panel["month_index"].min(), 1.0, 0.0),
                                             panel["deaths"]))
    kept = _matrices(one_death, design())                   # a single death in the window: kept, not empty
    assert kept.dropped_states == () and kept.codes == ("01", "02", "03", "04")
    with pytest.raises(IronRiverError, match="no deaths"):
        _matrices(no_deaths, design(treated=("03",)))
    with pytest.raises(IronRiverError, match="too few states"):
        _matrices(no_deaths, design(treated=("01", "02")))
    with pytest.raises(IronRiverError, match="no pre or no post"):
        _matrices(panel, design(post_start=100))
    with pytest.raises(IronRiverError, match="no pre or no post"):
        _matrices(panel, design(post_start=104))


def small_panel(effect: float) -> pd.DataFrame:
    """Ten states × 24 months of Poisson deaths; the first three states get exp(effect) from month 112."""
    rng = np.random.default_rng(8)
    rows = []
    for g in range(10):
        level = rng.uniform(20, 60)
        for t in range(24):
            mean = level * (1 + 0.02 * t) * math.exp(rng.normal(0, 0.1)) * (math.exp(effect) if g < 3 and t >= 12 else 1)
            rows.append({"state_code": f"{g + 1:02d}", "year": 2004 + t // 12, "month_index": 100 + t,
                         "population": 1e6 * (1 + g), "deaths": float(rng.poisson(mean))})
    return pd.DataFrame(rows)


def small_design() -> Design:
    return Design(name="small", label="small", outcome="deaths", treated=("01", "02", "03"),
                  states=tuple(f"{g:02d}" for g in range(1, 11)), start=100, end=123, post_start=112)


def constant_interval(panel: pd.DataFrame, seed: int = 4) -> tuple[inf.SpecResult, inf.Interval, float]:
    design = small_design()
    main = inf.estimate_design(panel, design, seed=seed, draws=199)
    m = _matrices(panel, design)
    sets = inf._sets(inf._rng(seed, design.name), np.arange(m.n_states), 3, 199, actual=m.treated_index)
    interval, p_zero = inf.constant_effect_interval(m, main.beta, max(main.se_cluster, 0.02), sets, _fe_start(m, m.y))
    return main, interval, p_zero


def test_constant_effect_interval_inverts_the_randomisation_test() -> None:
    panel = small_panel(math.log(1.5))
    main, interval, p_zero = constant_interval(panel)
    assert main.n_sets == 120                                   # C(10, 3): every set, enumerated
    assert p_zero == pytest.approx(main.ri_p, abs=1e-12)        # β0 = 0 is the sharp null of ri_p
    assert interval.estimate == main.beta
    assert interval.low95 < interval.low90 < main.beta < interval.high90 < interval.high95
    assert interval.low95 < math.log(1.5) < interval.high95
    # scaling the treated post-period deaths by e^c moves the whole interval by c (the test at β0 on the
    # scaled data is the test at β0 − c on the original)
    c = 0.3
    treated_post = panel["state_code"].isin(["01", "02", "03"]) & (panel["month_index"] >= 112)
    shifted = panel.assign(deaths=np.where(treated_post, panel["deaths"] * math.exp(c), panel["deaths"]))
    main_c, interval_c, _ = constant_interval(shifted)
    assert main_c.beta == pytest.approx(main.beta + c, abs=1e-6)
    for name in ("low90", "high90", "low95", "high95"):
        assert getattr(interval_c, name) == pytest.approx(getattr(interval, name) + c, abs=2e-3), name


def test_estimate_design_on_a_small_panel_by_hand() -> None:
    from scipy import stats

    panel = small_panel(math.log(1.5))
    result = inf.estimate_design(panel, small_design(), seed=4, draws=199)
    # the coefficient and its cluster-robust SE: a plain statsmodels Poisson fit with state and month dummies
    frame = panel.assign(treat=(panel["state_code"].isin(["01", "02", "03"]) & (panel["month_index"] >= 112)).astype(float))
    exog = pd.get_dummies(frame[["state_code"]].astype(str).assign(month=frame["month_index"].astype(str)),
                          drop_first=True, dtype=float)
    exog.insert(0, "treat", frame["treat"])
    plain = sm.GLM(frame["deaths"], sm.add_constant(exog), family=sm.families.Poisson(),
                   exposure=frame["population"]).fit(cov_type="cluster", cov_kwds={"groups": frame["state_code"].astype("category").cat.codes})
    assert result.beta == pytest.approx(plain.params["treat"], abs=1e-6)
    assert result.se_cluster == pytest.approx(plain.bse["treat"], rel=1e-4)
    # cluster interval: β ± t(n_states − 1) × SE, in percent
    t90, t95 = stats.t.ppf([0.95, 0.975], 9)
    assert result.cluster_pct.low90 == pytest.approx(100 * math.expm1(result.beta - t90 * result.se_cluster), rel=1e-9)
    assert result.cluster_pct.high95 == pytest.approx(100 * math.expm1(result.beta + t95 * result.se_cluster), rel=1e-9)
    # placebo intervals are quantiles of the β draws; one placebo set per 3 of the 7 comparison states
    assert result.n_placebo_sets == 35 and len(result.beta_draws) == 35 and result.n_states == 10
    assert result.effect_pct.estimate == pytest.approx(100 * math.expm1(result.beta), rel=1e-12)
    for q, name in ((0.05, "low90"), (0.95, "high90"), (0.025, "low95"), (0.975, "high95")):
        assert getattr(result.effect_pct, name) == pytest.approx(
            100 * math.expm1(np.quantile(result.beta_draws, q)), rel=1e-9, abs=1e-9), name
    # extra deaths a year: observed treated post deaths × (1 − e^−β) over one post year
    observed = float(frame.loc[frame["treat"] > 0, "deaths"].sum())
    assert result.treated_post_deaths == observed and result.post_years == 1.0
    assert result.extra_deaths_per_year.estimate == pytest.approx(observed * -math.expm1(-result.beta), rel=1e-12)
    assert result.extra_deaths_per_year.low95 == pytest.approx(
        observed * -math.expm1(-np.quantile(result.beta_draws, 0.025)), rel=1e-9)
    assert 0 < result.placebo_p <= 1 and 0 < result.ri_p <= 1


def test_a_designs_public_record_carries_its_numbers() -> None:
    panel = small_panel(math.log(1.5))
    result = inf.estimate_design(panel, small_design(), seed=4, draws=199)
    record = result.as_dict()
    assert record == {
        "name": "small", "label": "small", "expectation": "", "outcome": "deaths", "treated": ["01", "02", "03"],
        "window": ["0008-05", "0010-04"], "post_start": "0009-05", "n_states": 10,
        "effect_pct": result.effect_pct.as_dict(), "ri_p": round(result.ri_p, 4),
        "placebo_p": round(result.placebo_p, 4), "cluster_robust_pct": result.cluster_pct.as_dict(),
        "extra_deaths_per_year": result.extra_deaths_per_year.as_dict(1), "randomisation_sets": 120,
        "placebo_sets": 35, "dropped_states": []}
    assert record["effect_pct"]["estimate"] == round(100 * math.expm1(result.beta), 2)
    assert record["extra_deaths_per_year"]["low95"] == round(result.extra_deaths_per_year.low95, 1)


def test_constant_effect_bounds_are_where_the_one_sided_tests_cross_their_level() -> None:
    from ironriver.estimate.spillover.model import _fit

    panel = small_panel(math.log(1.5))
    main, interval, _ = constant_interval(panel)
    m = _matrices(panel, small_design())
    sets = inf._sets(inf._rng(4, "small"), np.arange(m.n_states), 3, 199, actual=m.treated_index)
    candidates = inf._state_period_candidates(m, np.arange(m.n_states), m.post[:, None])

    def one_sided(beta0: float) -> tuple[float, float]:
        """P(t ≥ t_actual), P(t ≤ t_actual) over the sets, with the treated post deaths divided by e^β0."""
        y0 = m.y * np.exp(-beta0 * m.treatment)
        fit = _fit(m, y0, m.fe, _fe_start(m, y0))
        t = inf._lm_t(inf._scores(m.fe, fit.mu, y0 - fit.mu, candidates, m.state, m.n_states, 1), sets)
        return float(np.mean(t >= t[0] - 1e-9)), float(np.mean(t <= t[0] + 1e-9))

    step = 0.2 * max(main.se_cluster, 0.02)
    for level, low, high in ((0.90, interval.low90, interval.high90), (0.95, interval.low95, interval.high95)):
        alpha = (1 - level) / 2
        assert one_sided(low - step)[0] <= alpha < one_sided(low + step)[0], level
        assert one_sided(high + step)[1] <= alpha < one_sided(high - step)[1], level


def test_too_few_placebo_sets_cannot_bound_the_constant_effect() -> None:
    """With the treated set and nine placebo sets, the smallest one-sided p-value is 1/10, above every level's
    2.5 % or 5 %: no effect is rejected, so the interval is unbounded on both sides (and p at zero is 1)."""
    panel = small_panel(math.log(1.5))
    design = small_design()
    m = _matrices(panel, design)
    sets = inf._sets(inf._rng(4, design.name), np.arange(m.n_states), 3, 9, actual=m.treated_index)
    assert len(sets) == 10
    interval, p_zero = inf.constant_effect_interval(m, 0.4, 0.1, sets, _fe_start(m, m.y))
    assert (interval.low90, interval.high90, interval.low95, interval.high95) == (-math.inf, math.inf,
                                                                                -math.inf, math.inf)
    assert 0.2 <= p_zero <= 1.0


def test_the_told_rank_gives_statsmodels_own_degrees_of_freedom() -> None:
    """The fixed-effects GLM skips statsmodels' SVD by being told the design's rank: its model and residual
    degrees of freedom and its number of observations must be what statsmodels computes itself."""
    import statsmodels.api as sm

    from ironriver.estimate.spillover.model import _FixedEffectsGLM

    m = _matrices(two_way_panel(), design())
    told = _FixedEffectsGLM(m.y, m.fe, family=sm.families.Poisson(), exposure=m.exposure, hasconst=True,
                            rank=m.fe.shape[1])
    computed = sm.GLM(m.y, m.fe, family=sm.families.Poisson(), exposure=m.exposure, hasconst=True)
    assert (told.df_model, told.df_resid, told.wnobs) == (computed.df_model, computed.df_resid, computed.wnobs)
    assert (told.df_model, told.df_resid, told.wnobs) == (m.fe.shape[1] - 1, 16 - m.fe.shape[1], 16)
