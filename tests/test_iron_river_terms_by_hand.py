"""The iron river's remaining log-density terms and its simulator, recomputed by hand with scipy's distributions.

test_iron_river_by_hand.py pins the stock, share and border-seizure terms; here the prior, the US-demand
Student-t term, the published-flow term and the count term are written out at one chosen parameter vector
from the figures' values, and the simulator is checked against the same distributions by the moments of many
draws at one parameter vector. A sign, a factor or a dropped term in any of them moves a number below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from ironriver.estimate._iron_river_model import (INVALID, IronRiverModel, _mvn_log_pdf, flow_knots, model_settings,
                                                 walk_matrix)

FIRST_YEAR = 1999


@pytest.fixture(scope="module")
def model() -> IronRiverModel:
    return IronRiverModel(("traces", "seizures", "stock", "us_demand", "published"), 2023)


def chosen_vector(model: IronRiverModel) -> np.ndarray:
    rng = np.random.default_rng(7)
    return model.prior_loc + 0.5 * model.prior_scale * rng.standard_normal(model.dimension)


def flow_by_hand(model: IronRiverModel, u: np.ndarray) -> np.ndarray:
    """log F_t = log F_1999 + δ·t + σ·(cumulative innovations), yearly walk, anchored in 1999."""
    p = {prior.name: float(prior.natural(u[i])) for i, prior in enumerate(model.priors)}
    z = u[len(model.priors):]
    t = np.arange(len(model.years))
    return u[model.index["flow_anchor"]] + p["flow_drift"] * t + p["flow_volatility"] * np.r_[0, np.cumsum(z)]


def test_prior_term_is_the_sum_of_normal_log_densities(model: IronRiverModel) -> None:
    u = chosen_vector(model)
    expected = stats.norm(model.prior_loc, model.prior_scale).logpdf(u).sum()
    assert model.terms(u[None, :])["prior"][0] == pytest.approx(expected, rel=1e-12)


def test_us_demand_term_is_a_student_t_on_block_mean_changes(model: IronRiverModel) -> None:
    u = chosen_vector(model)
    log_flow = flow_by_hand(model, u)
    elasticity = special.expit(u[model.index["nics_elasticity"]])
    # block means of log flow over 1999–2003, 2004–2008, … and their changes
    means = [log_flow[block - FIRST_YEAR].mean() for block in model._nics_blocks]
    expected_change = elasticity * np.diff(means)
    sigma, nu = model.settings["nics_shock_scale"], model.settings["nics_t_dof"]
    expected = stats.t(df=nu, loc=expected_change, scale=sigma).logpdf(model.data["nics_change"]).sum()
    assert model.terms(u[None, :])["us_demand"][0] == pytest.approx(expected, rel=1e-10)


def test_published_flow_term_by_hand(model: IronRiverModel) -> None:
    u = chosen_vector(model)
    flow = np.exp(flow_by_hand(model, u))
    z95 = stats.norm.ppf(0.975)  # the published 95% interval of McDougal et al. gives the sd on the log scale
    expected = 0.0
    for figure in model.published:
        first, last = figure.years
        mean_flow = flow[first - FIRST_YEAR:last - FIRST_YEAR + 1].mean()
        if figure.low and figure.high and figure.high > figure.low:
            sd = (math.log(figure.high) - math.log(figure.low)) / (2 * z95)
        else:
            sd = model.settings["literature_undocumented_sd"]
        expected += stats.norm(math.log(mean_flow), sd).logpdf(math.log(figure.value))
    assert model.terms(u[None, :])["published"][0] == pytest.approx(expected, rel=1e-10)
    # the 2010–12 figure's sd: log(359,205 / 89,816) / (2 × 1.96) ≈ 0.354
    assert model._published_sd[0] == pytest.approx(math.log(359_205 / 89_816) / (2 * z95), rel=1e-9)


def test_count_term_is_the_multivariate_normal_of_the_log_counts(model: IronRiverModel) -> None:
    u = chosen_vector(model)[None, :]
    loc, cov = model._count_params(model.latent(u), np)
    expected = stats.multivariate_normal(loc[0], cov[0]).logpdf(np.log(model.data["counts"]))
    assert model.terms(u)["counts"][0] == pytest.approx(expected, rel=1e-10)


def test_log_density_is_the_sum_of_the_terms_and_invalid_where_not_finite(model: IronRiverModel) -> None:
    u = np.stack([chosen_vector(model), chosen_vector(model)])
    u[1, model.index["flow_anchor"]] = np.nan
    terms = model.terms(u[:1])
    assert set(terms) == {"prior", "counts", "shares", "cbp", "stock", "us_demand", "published"}
    density = model.log_density(u)
    assert density[0] == pytest.approx(sum(float(v[0]) for v in terms.values()), rel=1e-12)
    assert density[1] == INVALID
    assert model(u[0])[0] == pytest.approx(density[0], rel=1e-12)


def test_mvn_log_pdf_scores_a_degenerate_row_invalid_and_the_others_exactly() -> None:
    cov = np.array([[[2.0, 0.5], [0.5, 1.0]], [[1.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [0.0, 4.0]]])
    cov[1] -= 1e-3 * np.eye(2)                                   # not positive definite
    residual = np.array([[0.3, -0.2], [0.1, 0.1], [1.0, -2.0]])
    got = _mvn_log_pdf(residual, cov, np)
    assert got[1] == INVALID
    for i in (0, 2):
        assert got[i] == pytest.approx(stats.multivariate_normal(np.zeros(2), cov[i]).logpdf(residual[i]), rel=1e-12)
    healthy = _mvn_log_pdf(residual[[0, 2]], cov[[0, 2]], np)
    np.testing.assert_allclose(healthy, got[[0, 2]], rtol=1e-12)


def test_latent_recoveries_and_submissions_by_hand(model: IronRiverModel) -> None:
    u = chosen_vector(model)
    lat = model.latent(u[None, :])
    p = {prior.name: float(prior.natural(u[i])) for i, prior in enumerate(model.priors)}
    assert lat["attrition"][0] == pytest.approx(model.settings["attrition_seizure_floor"]
                                                + p["attrition_beyond_seizures"], rel=1e-12)
    np.testing.assert_allclose(lat["log_flow"][0], flow_by_hand(model, u), rtol=1e-12)
    np.testing.assert_allclose(lat["recoveries"][0], lat["recoveries_us"][0] / p["us_origin_share"], rtol=1e-12)
    np.testing.assert_allclose(lat["submitted_by_year"][0],
                               p["submitted_share"] * np.exp(p["etrace_widening"] * model._ramp), rtol=1e-12)



@pytest.mark.parametrize("anchor_year", [1999, 2005])
def test_flow_and_stock_on_their_own_follow_the_walk_and_the_attrition_recursion(anchor_year: int) -> None:
    """Called without the parameters (as the sampler's alignment does), with the walk anchored in its first year
    or a later one (the named assumption flow_anchor_year): log F_t = log F_a + δ·(t − a) + σ·(W_t − W_a), W the
    cumulative innovations (so log F_a is the anchor coordinate itself), and S_t = (1 − a)·S_{t−1} + F_t from
    S_1998 with attrition a = the seizure floor + the attrition beyond seizures."""
    model = IronRiverModel(("stock",), 2023, settings={"flow_anchor_year": anchor_year})
    u = chosen_vector(model)
    log_flow, flow, stock = model.flow_and_stock(u[None, :])
    p = {prior.name: float(prior.natural(u[i])) for i, prior in enumerate(model.priors)}
    a = anchor_year - FIRST_YEAR
    t = np.arange(len(model.years))
    walk = np.r_[0, np.cumsum(u[len(model.priors):])]
    by_hand = u[model.index["flow_anchor"]] + p["flow_drift"] * (t - a) + p["flow_volatility"] * (walk - walk[a])
    assert log_flow[0, a] == pytest.approx(u[model.index["flow_anchor"]], rel=1e-14)
    np.testing.assert_allclose(log_flow[0], by_hand, rtol=1e-12)
    np.testing.assert_allclose(flow[0], np.exp(by_hand), rtol=1e-12)
    keep, level, stock_by_hand = 1.0 - model.settings["attrition_seizure_floor"] - p["attrition_beyond_seizures"], \
        p["stock_1998"], []
    for f in np.exp(by_hand):
        level = keep * level + f
        stock_by_hand.append(level)
    np.testing.assert_allclose(stock[0], stock_by_hand, rtol=1e-12)


def test_flow_and_stock_trace_under_jax_jit(model: IronRiverModel) -> None:
    """The NUTS cross-check compiles the log density with jax: every array call in the parameters and the
    recursion must take the jax namespace given (a numpy call on a traced array fails), with numpy's numbers."""
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    u = np.stack([chosen_vector(model), model.start()])
    with jax.enable_x64(True):
        got = jax.jit(lambda v: model.flow_and_stock(v, jnp))(jnp.asarray(u))
        got = [np.asarray(x) for x in got]
    for jitted, plain in zip(got, model.flow_and_stock(u)):
        np.testing.assert_allclose(jitted, plain, rtol=1e-10)


def test_simulated_observations_follow_the_likelihood(model: IronRiverModel) -> None:
    n = 4000
    u = np.tile(chosen_vector(model), (n, 1))
    sim = model.simulate(u, np.random.default_rng(11))
    lat = model.latent(u[:1])
    # counts: log-normal with the count term's mean and covariance
    loc, cov = model._count_params(lat, np)
    logs = np.log(sim["counts"])
    assert np.abs(logs.mean(axis=0) - loc[0]).max() < 5 * np.sqrt(np.diag(cov[0]).max() / n)
    np.testing.assert_allclose(np.cov(logs.T), cov[0], atol=0.15 * np.diag(cov[0]).max())
    # shares: logit-normal around the share term's centre and sd
    centre, sd = model._share_params(lat, np)
    logits = special.logit(sim["shares"])
    np.testing.assert_allclose(logits.mean(axis=0), centre[0], atol=5 * sd.max() / math.sqrt(n))
    np.testing.assert_allclose(logits.std(axis=0), sd[0], rtol=0.06)
    # border seizures: log-normal with mean exp(loc + sd²/2), i.e. the interdicted flow itself
    loc, sd = model._cbp_params(lat, np)
    np.testing.assert_allclose(np.log(sim["cbp"]).mean(axis=0), loc[0], atol=5 * sd.max() / math.sqrt(n))
    np.testing.assert_allclose(np.log(sim["cbp"]).std(axis=0), sd[0], rtol=0.06)
    # stock surveys: log ratio to the predicted all-origin stock has the stock covariance
    predicted = lat["stock"][0, model._stock_index] / lat["stock_us_origin_share"][0]
    ratio = np.log(sim["stock"] / predicted)
    np.testing.assert_allclose(ratio.mean(axis=0), 0.0, atol=5 * math.sqrt(model._stock_cov.max() / n))
    np.testing.assert_allclose(np.cov(ratio.T), model._stock_cov, atol=0.1 * model._stock_cov.max())
    # demand changes: Student-t around the expected change, scale σ (median and quartiles)
    expected = model._nics_expected(lat, np)[0]
    sigma, nu = model.settings["nics_shock_scale"], model.settings["nics_t_dof"]
    shocks = sim["nics_change"] - expected
    np.testing.assert_allclose(np.median(shocks, axis=0), 0.0, atol=0.1 * sigma)
    iqr = np.subtract(*np.quantile(shocks, [0.75, 0.25], axis=0))
    np.testing.assert_allclose(iqr, 2 * sigma * stats.t.ppf(0.75, nu), rtol=0.1)
    # published flows: log-normal around the mean flow of the years each covers
    flow = lat["flow"][0]
    for i, figure in enumerate(model.published):
        mean_flow = flow[figure.years[0] - FIRST_YEAR:figure.years[1] - FIRST_YEAR + 1].mean()
        log_ratio = np.log(sim["published"][:, i] / mean_flow)
        assert abs(log_ratio.mean()) < 5 * model._published_sd[i] / math.sqrt(n)
        assert log_ratio.std() == pytest.approx(model._published_sd[i], rel=0.06)


def test_coarser_knots_interpolate_the_walk_linearly() -> None:
    assert list(flow_knots(8, 3)) == [0, 3, 6, 7] and list(flow_knots(7, 3)) == [0, 3, 6]   # the last year is a knot
    # knots at 0, 2, 3: the step 0→2 has variance 2 and is shared linearly by year 1
    w = walk_matrix(np.array([0, 2, 3]))
    np.testing.assert_allclose(w, [[0, 0], [math.sqrt(2) / 2, 0], [math.sqrt(2), 0], [math.sqrt(2), 1]], atol=1e-15)


def test_settings_take_overrides_and_refuse_unknown_names() -> None:
    assert model_settings({"nics_t_dof": 7})["nics_t_dof"] == 7.0
    assert model_settings()["nics_t_dof"] == 4.0
    with pytest.raises(KeyError, match="no_such_setting"):     # the error names the unknown setting
        model_settings({"no_such_setting": 1.0})


def test_evidence_end_keeps_only_figures_published_by_then() -> None:
    early = IronRiverModel(("stock",), 2023, evidence_end=2010)
    assert [e.year for e in early.stock_estimates] == [2007, 2007, 2007]
    full = IronRiverModel(("stock",), 2023)
    assert sorted(e.year for e in full.stock_estimates) == [2007, 2007, 2007, 2017]



def test_a_stock_only_jax_log_density_equals_numpys_and_is_invalid_where_not_finite() -> None:
    """The jax branch of the log density's last step, in seconds (the full model's check is marked slow): a
    finite row as numpy scores it, and a row whose 1998 stock overflows (exp(1e6)) INVALID in both."""
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    model = IronRiverModel(("stock",), 2023)
    u = np.stack([model.start(), model.start()])
    u[1, model.index["stock_1998"]] = 1e6
    with np.errstate(all="ignore"):
        plain = model.log_density(u)
    with jax.enable_x64(True):
        got = np.asarray(model.log_density(jnp.asarray(u), jnp))
    assert np.isfinite(plain[0]) and plain[1] == INVALID
    np.testing.assert_allclose(got, plain, rtol=1e-10)


@pytest.mark.slow   # a minute and a half of eager jax on a loaded machine: outside the mutation run
def test_the_jax_log_density_equals_numpys() -> None:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)      # as the NUTS sampler runs it
    import jax.numpy as jnp

    model = IronRiverModel(("traces", "seizures", "stock", "us_demand", "published"), 2023)
    u = np.stack([chosen_vector(model), model.start()])
    np.testing.assert_allclose(np.asarray(model.log_density(jnp.asarray(u), jnp)), model.log_density(u), rtol=1e-9)
