"""The iron-river model and its user API: latent recursions, inference pieces, outputs, errors, seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from ironriver.errors import OutOfRangeError, UnknownNameError
from ironriver.estimate import _importance as inference
from ironriver.estimate._iron_river_model import IronRiverModel, flow_knots, walk_matrix
from ironriver.estimate.iron_river import estimate_iron_river, supported_years
from ironriver.estimate.priors import assumptions_frame, default_priors


@pytest.fixture(scope="module")
def model() -> IronRiverModel:
    return IronRiverModel(("traces", "seizures", "stock", "us_demand"), 2023)


@pytest.fixture(scope="module")
def posterior():
    return estimate_iron_river(seed=11, draws=1000)


def test_yearly_walk_matrix_is_a_cumulative_sum() -> None:
    w = walk_matrix(flow_knots(5, 1))
    z = np.array([0.3, -1.0, 2.0, 0.5])
    np.testing.assert_allclose(w @ z, np.r_[0.0, np.cumsum(z)])
    coarse = walk_matrix(flow_knots(7, 3))  # steps of three years, linear in between, variance 3 per step
    assert coarse.shape == (7, 2) and coarse[3, 0] == pytest.approx(np.sqrt(3)) and coarse[6, 1] == pytest.approx(np.sqrt(3))


def test_stock_follows_the_attrition_recursion(model: IronRiverModel) -> None:
    u = model.prior_draws(np.random.default_rng(0), 3)
    lat = model.latent(u)
    for i in range(3):
        stock, a = lat["stock_1998"][i], lat["attrition"][i]
        for t in range(len(model.years)):
            stock = (1 - a) * stock + lat["flow"][i, t]
            assert lat["stock"][i, t] == pytest.approx(stock, rel=1e-10)
    # recoveries in 1994–1999 come from the 1998 stock (lag 1), later ones from the previous year's stock
    assert lat["recoveries_us"][0, 5] == pytest.approx(lat["recovery_rate"][0] * lat["stock_1998"][0])
    assert lat["recoveries_us"][0, 6] == pytest.approx(lat["recovery_rate"][0] * lat["stock"][0, 0])


def test_log_density_is_batched_row_by_row(model: IronRiverModel) -> None:
    u = model.start() + 0.05 * model.prior_draws(np.random.default_rng(1), 4)
    batched = model(u)
    single = np.array([model(row[None])[0] for row in u])
    np.testing.assert_allclose(batched, single, rtol=1e-10)
    assert np.all(np.isfinite(batched))


def test_simulated_data_have_the_observed_shapes(model: IronRiverModel) -> None:
    simulated = model.simulate(model.prior_draws(np.random.default_rng(2), 5), np.random.default_rng(3))
    assert set(simulated) == set(model.data)
    for key, values in simulated.items():
        assert values.shape == (5, len(model.data[key]))
        assert np.all(np.isfinite(values))


def test_volatility_move_keeps_the_walk(model: IronRiverModel) -> None:
    u = model.prior_draws(np.random.default_rng(4), 6)
    moved, jacobian = model.volatility_move(u, np.random.default_rng(5))
    np.testing.assert_allclose(model.latent(moved)["log_flow"], model.latent(u)["log_flow"], rtol=1e-10)
    eps = moved[:, model.index["flow_volatility"]] - u[:, model.index["flow_volatility"]]
    np.testing.assert_allclose(jacobian, -eps * (model.dimension - len(model.priors)))


def test_psis_flags_a_proposal_with_light_tails() -> None:
    rng = np.random.default_rng(0)
    good = stats.t(df=5).rvs(size=4000, random_state=rng)
    _, k_good = inference.psis(stats.norm.logpdf(good) - stats.t(df=5).logpdf(good))
    bad = rng.standard_normal(4000)
    _, k_bad = inference.psis(stats.t(df=2).logpdf(bad) - stats.norm.logpdf(bad))
    assert k_good < 0.5 < 0.7 < k_bad


def test_psis_weights_are_normalised_and_bounded() -> None:
    rng = np.random.default_rng(1)
    lw = rng.standard_normal(2000) * 2
    smoothed, _ = inference.psis(lw)
    assert np.exp(smoothed).sum() == pytest.approx(1.0)
    assert smoothed.max() <= (lw - lw.max()).max() - np.log(np.exp(lw - lw.max()).sum()) + 1e-12


def test_tempered_smc_recovers_a_known_gaussian_from_a_wrong_proposal() -> None:
    mean, sd = np.array([1.0, -2.0, 0.5, 3.0, 0.0]), np.array([0.5, 1.0, 2.0, 0.3, 1.5])

    def log_density(u: np.ndarray) -> np.ndarray:
        return stats.norm.logpdf(u, mean, sd).sum(axis=1)

    proposal = inference.StudentT(np.zeros(5), np.eye(5) * 4.0, 5.0)
    particles, _, info = inference.tempered_smc(log_density, proposal, np.random.default_rng(0), 2000, moves=10)
    np.testing.assert_allclose(particles.mean(axis=0), mean, atol=0.15)
    np.testing.assert_allclose(particles.std(axis=0), sd, rtol=0.15)
    assert info["stages"] >= 2 and info["ess"] >= 1000



def _heavy_tailed_target(seed: int = 0) -> tuple:
    """A 45-dimensional target shaped like the iron-river posterior's difficulty: Gaussian in most directions,
    a multivariate t (3 degrees of freedom) in five, rotated and scaled so no coordinate is either. Returns
    (log density, exact draws)."""
    rng = np.random.default_rng(seed)
    d, k, nu = 45, 5, 3.0
    rotation, _ = np.linalg.qr(rng.standard_normal((d, d)))
    to_x = rotation * np.exp(rng.uniform(-3, 1, d))
    to_y = np.linalg.inv(to_x)

    def log_density(x: np.ndarray) -> np.ndarray:
        y = x @ to_y.T
        return -0.5 * (nu + k) * np.log1p((y[:, :k] ** 2).sum(axis=1) / nu) - 0.5 * (y[:, k:] ** 2).sum(axis=1)

    n = 100_000
    heavy = rng.standard_normal((n, k)) / np.sqrt(rng.chisquare(nu, n) / nu)[:, None]
    exact = np.column_stack([heavy, rng.standard_normal((n, d - k))]) @ to_x.T
    return log_density, exact


@pytest.mark.xfail(strict=True, reason="on a t target with 3 degrees of freedom, heavier-tailed than the iron-river "
                                       "posterior in its aligned coordinates, the default's tempered SMC leaves the "
                                       "90% bounds 8–18% too light")
def test_default_sampler_reaches_the_tails_of_a_heavy_tailed_target() -> None:
    from ironriver.estimate import _iron_river_fit as budget

    log_density, exact = _heavy_tailed_target()
    mode = np.zeros(exact.shape[1])
    covariance = np.linalg.inv(inference.positive_definite(-inference.hessian(log_density, mode)))
    sample = inference.sample_posterior(log_density, mode, covariance, np.random.default_rng(1), draws=4000,
                                        smc_particles=budget.SMC_PARTICLES, smc_moves=budget.SMC_MOVES,
                                        smc_final_moves=budget.SMC_FINAL_MOVES, smc_widen=budget.SMC_WIDEN,
                                        smc_pilot=budget.SMC_PILOT, smc_pilot_widen=budget.SMC_PILOT_WIDEN)
    truth = np.percentile(exact.sum(axis=1), [5, 95])
    estimate = np.percentile(sample.points.sum(axis=1), [5, 95])
    # measured, seeds 1 and 2: the 90% bounds of the sum 8–18% too light at the default's settings (pilot, 60
    # moves at the target); 22–28% with sample_posterior's own defaults (no pilot, 24 moves); 16–21% with the
    # pilot and 30 moves. Against NUTS on the iron-river posterior itself the default is now within chance.
    np.testing.assert_allclose(estimate, truth, rtol=0.10)


def test_the_flow_level_is_a_ridge_the_likelihood_cannot_see(model: IronRiverModel) -> None:
    """Scaling every flow and the 1998 stock by e^δ, dividing the recovery and interdiction rates by e^δ and
    multiplying the stock's US-origin share by e^δ changes no stream's likelihood — only the priors: the level
    along this ridge is set by the priors of those five parameters (the identification paragraph of
    :mod:`ironriver.estimate.iron_river`), and a sampler must cross it."""
    u = model.prior_draws(np.random.default_rng(8), 50)
    share = model.index["stock_us_origin_share"]
    u[:, share] = np.minimum(u[:, share], 0.0)  # room for the share to grow by e^0.4
    delta = np.random.default_rng(9).uniform(-0.6, 0.4, len(u))
    moved = u.copy()
    for name, sign in (("flow_anchor", 1), ("stock_1998", 1), ("recovery_rate", -1), ("interdiction_rate", -1)):
        moved[:, model.index[name]] += sign * delta
    p = special.expit(u[:, share]) * np.exp(delta)
    moved[:, share] = special.logit(p)
    before, after = model.terms(u), model.terms(moved)
    for stream in set(before) - {"prior"}:
        np.testing.assert_allclose(after[stream], before[stream], rtol=1e-9, atol=1e-8, err_msg=stream)
    assert np.all(np.abs(after["prior"] - before["prior"]) > 1e-6)
    np.testing.assert_allclose(model.latent(moved)["flow"], model.latent(u)["flow"] * np.exp(delta)[:, None], rtol=1e-9)

def test_every_prior_and_assumption_is_named_with_a_source() -> None:
    frame = assumptions_frame()
    assert frame["name"].is_unique
    assert (frame["source"].str.len() > 0).all() and (frame["why"].str.len() > 0).all()
    assert (frame["low"] <= frame["high"]).all()
    names = set(frame["name"])
    assert {"attrition_beyond_seizures", "attrition_seizure_floor", "stock_us_origin_share", "stock_1998",
            "us_origin_share", "etrace_widening", "stock_common_bias_sd", "stock_registered_guns",
            "nics_shock_scale"} <= names
    for prior in default_priors():
        low, high = prior.range
        assert low < prior.value < high


def test_year_range_and_names_are_checked() -> None:
    first, last = supported_years()
    assert first == 1999 and last >= 2025
    with pytest.raises(OutOfRangeError):
        estimate_iron_river(years=(1990, 2000))
    with pytest.raises(OutOfRangeError):
        estimate_iron_river(years=(2010, 2005))
    with pytest.raises(OutOfRangeError):
        estimate_iron_river(years=(2000, last + 1))
    with pytest.raises(UnknownNameError):
        estimate_iron_river(evidence=["traces", "tracs"])
    with pytest.raises(UnknownNameError):
        estimate_iron_river(method="mcmc")
    with pytest.raises(UnknownNameError):
        estimate_iron_river(assumptions={"no_such_assumption": 1.0})


def test_posterior_outputs_have_the_documented_shapes(posterior) -> None:
    draws = posterior.draws
    assert list(draws.columns) == ["draw", "year", "flow"]
    assert draws["year"].min() == 1999 and (draws["flow"] > 0).all()
    assert len(draws) == 1000 * draws["year"].nunique()
    params = posterior.parameter_draws
    assert list(params.columns) == ["draw", "parameter", "value"]
    wide = params.pivot(index="draw", columns="parameter", values="value")
    assert ((wide["attrition"] > 0) & (wide["attrition"] < 1)).all()
    assert ((wide["us_origin_share"] > 0) & (wide["us_origin_share"] < 1)).all()
    summary = posterior.summary()
    assert (summary["q05"] <= summary["q25"]).all() and (summary["q25"] <= summary["median"]).all()
    assert (summary["median"] <= summary["q75"]).all() and (summary["q75"] <= summary["q95"]).all()
    assert set(posterior.diagnostics) >= {"method", "path", "ess", "fit_seconds", "map", "streams"}


def test_checks_cover_every_observation_and_the_restated_total(posterior) -> None:
    checks = posterior.checks()
    assert {"stream", "id", "observed", "median", "q05", "q95", "inside", "fitted"} <= set(checks.columns)
    assert set(checks["stream"]) == {"traces", "seizures", "stock", "us_demand"}
    restated = checks[~checks["fitted"]]
    assert "traces_submitted_mx_2007_2011" in set(restated["id"])
    assert (checks["q05"] <= checks["q95"]).all()
    assert checks["inside"].mean() > 0.8  # near-nominal coverage of 90% predictive intervals


def test_predict_traces_returns_ordered_intervals(posterior) -> None:
    prediction = posterior.predict_traces(2024)
    assert prediction["year"] == 2024
    for key in ("submitted", "us_sourced"):
        p = prediction[key]
        assert 0 < p["q05"] < p["median"] < p["q95"]
    assert prediction["us_sourced"]["median"] < prediction["submitted"]["median"]
    with pytest.raises(OutOfRangeError):
        posterior.predict_traces(1980)


def test_literature_is_compared_not_fitted_by_default(posterior) -> None:
    frame = posterior.compare_literature()
    assert not frame["fitted"].any()
    row = frame.set_index("id").loc["flow_mcdougal_jeg_2010_2012"]
    assert row["value"] == literature_value_of("flow_mcdougal_jeg_2010_2012")
    assert 0 <= row["percentile"] <= 1
    document = posterior.to_json()
    assert set(document) == {"periods", "flow", "note", "diagnostics", "literature"}
    assert set(document["flow"][0]) == {"year", "median", "q05", "q25", "q75", "q95"}
    # the 2010–2012 period is the reference mean, computed the same way
    period = next(p for p in document["periods"] if (p["start"], p["end"]) == (2010, 2012))
    assert period["median"] == pytest.approx(posterior.reference()["median"])


def literature_value_of(figure_id: str) -> float:
    from ironriver.store import literature_value

    return literature_value(figure_id).value


def test_same_seed_same_draws() -> None:
    a = estimate_iron_river(seed=5, draws=300, evidence=["traces", "stock"])
    b = estimate_iron_river(seed=5, draws=300, evidence=["traces", "stock"])
    pd.testing.assert_frame_equal(a.draws, b.draws)
    c = estimate_iron_river(seed=6, draws=300, evidence=["traces", "stock"])
    assert not np.allclose(a.draws["flow"], c.draws["flow"])


def test_include_literature_fits_the_published_flows() -> None:
    posterior = estimate_iron_river(seed=1, draws=300, include_literature=True, method="laplace")
    assert "published" in posterior.streams
    fitted = posterior.compare_literature().set_index("id")["fitted"]
    assert fitted["flow_mcdougal_jeg_2010_2012"] and not fitted["flow_mcdougal_wp_2010_2012"]


def test_sensitivity_reports_changes_against_a_baseline(posterior) -> None:
    frame = posterior.sensitivity(streams=["stock"], priors=["attrition_beyond_seizures", "stock_us_origin_share"],
                                  assumptions=["attrition_seizure_floor"])
    assert list(frame["kind"]) == ["baseline", "stream", "prior", "prior", "assumption", "assumption"]
    assert frame.loc[0, "median_change"] == 0
    # both are varied, neither is fixed
    assert list(frame.loc[frame["kind"] == "prior", "change"]) == ["sd × 2", "sd × 2"]
    # a wider prior on attrition reaches lower flows (attrition near its floor): 20–40% lower 5% bounds over
    # seeds, well beyond one refit's Monte Carlo error (about 10% at the refits' 1,000 particles)
    widened = frame[frame["name"] == "attrition_beyond_seizures"].iloc[0]
    assert widened["q05"] < 0.9 * frame.loc[0, "q05"]


def test_the_stocks_us_origin_share_is_a_free_parameter_with_a_wide_prior() -> None:
    # Its effect on the flow's 5% bound when its prior is widened (−14% on average over four seeds, +5% at seed
    # 11) is within a refit's Monte Carlo error, so it is checked on the parameter itself: doubling its prior's sd
    # moves the posterior's 5% bound from 0.36 to 0.25 (seeds 0 and 11). A share fixed at the traced share, as
    # before issue 12, would not move at all.
    from ironriver.estimate.priors import default_priors

    name = "stock_us_origin_share"
    base = estimate_iron_river(seed=0, draws=1000)
    wide = estimate_iron_river(seed=0, draws=1000,
                               priors=tuple(p.widened(2.0) if p.name == name else p for p in default_priors()))

    def bounds(posterior):  # type: ignore[no-untyped-def]
        draws = posterior.parameter_draws
        return np.quantile(draws.loc[draws["parameter"] == name, "value"], [0.05, 0.95])

    (low, high), (wide_low, wide_high) = bounds(base), bounds(wide)
    assert wide_low < low - 0.05 and wide_high > high + 0.03, (low, high, wide_low, wide_high)


def test_attrition_floor_is_the_observed_seizure_rate_from_its_sources() -> None:
    from ironriver.estimate.priors import MODEL_ASSUMPTIONS
    from ironriver.store import literature_value, load

    floor = {a.name: a for a in MODEL_ASSUMPTIONS}["attrition_seizure_floor"]
    seized = literature_value("guns_seized_mx_2009_2012")
    per_year = seized.value / (seized.period_end - seized.period_start + 1)
    assert per_year == pytest.approx(153_326 / 4)
    total_2017 = load("civilian_firearms_2017").set_index("country").loc["Mexico", "firearms"]
    sas2007 = load("civilian_firearms_2007").set_index("country").loc["Mexico"]
    rate = per_year / (total_2017 - sas2007["registered"])
    assert floor.value == pytest.approx(rate, abs=5e-5)  # 0.311%/yr
    assert floor.low == pytest.approx(per_year / (total_2017 - literature_value("registered_firearms_mx_2017").value),
                                      abs=5e-5)
    assert floor.high == pytest.approx(per_year / (sas2007["firearms_total_avg"] - sas2007["registered"]), abs=5e-5)
    # the model's attrition never goes below the floor
    model = IronRiverModel(("stock",), 2023)
    draws = model.latent(model.prior_draws(np.random.default_rng(0), 500))["attrition"]
    assert draws.min() > floor.value
