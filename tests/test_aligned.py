"""The default sampler's coordinates (ironriver.estimate._aligned): an exact, unit-Jacobian change of variables
that measures each rate against the series it multiplies."""

from __future__ import annotations

import numpy as np
import pytest

from ironriver.estimate import _importance as inference
from ironriver.estimate._aligned import AlignedCoordinates
from ironriver.estimate._iron_river_model import IronRiverModel


@pytest.fixture(scope="module")
def model() -> IronRiverModel:
    return IronRiverModel(("traces", "seizures", "stock", "us_demand"), 2023)


@pytest.fixture(scope="module")
def aligned(model: IronRiverModel) -> AlignedCoordinates:
    return AlignedCoordinates(model)


def test_the_shifts_are_the_logs_of_what_each_rate_multiplies(model, aligned) -> None:
    u = model.prior_draws(np.random.default_rng(0), 5)
    v = aligned.forward(u)
    lat = model.latent(u)
    log_stock = np.log(lat["stock"]).mean(axis=1)  # by hand: mean over 1999–2023 of the log stock
    baseline = np.log(lat["flow"] @ model._cbp_rows[0])
    ratio = np.log(lat["flow"] @ model._cbp_rows[1]) - baseline
    i = model.index
    np.testing.assert_allclose(v[:, i["recovery_rate"]], u[:, i["recovery_rate"]] + log_stock, rtol=1e-12)
    np.testing.assert_allclose(v[:, i["stock_us_origin_share"]], u[:, i["stock_us_origin_share"]] - log_stock,
                               rtol=1e-12)
    np.testing.assert_allclose(v[:, i["interdiction_rate"]], u[:, i["interdiction_rate"]] + baseline, rtol=1e-12)
    np.testing.assert_allclose(v[:, i["outbound_effort_2020"]], u[:, i["outbound_effort_2020"]] + ratio, rtol=1e-12)
    others = [c for c in range(model.dimension) if c not in {i["recovery_rate"], i["stock_us_origin_share"],
                                                             i["interdiction_rate"], i["outbound_effort_2020"]}]
    np.testing.assert_array_equal(v[:, others], u[:, others])
    np.testing.assert_allclose(aligned.backward(v), u, atol=1e-10)


def test_the_change_of_variables_has_unit_jacobian(model, aligned) -> None:
    """Triangular with unit diagonal: determinant 1, so the density in the new coordinates needs no correction
    (a shift that depended on its own coordinate, or a scaling, would fail here)."""
    u = model.prior_draws(np.random.default_rng(1), 1)[0]
    step = 1e-6
    d = len(u)
    mapped = aligned.forward(np.concatenate([u + step * np.eye(d), u - step * np.eye(d)]))
    jacobian = ((mapped[:d] - mapped[d:]) / (2 * step)).T
    assert np.linalg.slogdet(jacobian) == pytest.approx((1.0, 0.0), abs=1e-6)
    np.testing.assert_allclose(np.diag(jacobian), 1.0, atol=1e-6)
    v = aligned.forward(u[None])
    np.testing.assert_allclose(aligned(v), model(u[None]), rtol=1e-12)


def test_recoveries_stay_put_when_the_flow_level_moves_in_the_new_coordinates(model, aligned) -> None:
    """What the alignment is for: at fixed aligned coordinates, scaling every flow and the 1998 stock leaves the
    geometric-mean recoveries (recovery rate × stock) and the baseline CBP seizures unchanged."""
    u = model.prior_draws(np.random.default_rng(2), 4)
    v = aligned.forward(u)
    moved = v.copy()
    for name in ("flow_anchor", "stock_1998"):
        moved[:, model.index[name]] += 0.7
    before, after = model.latent(aligned.backward(v)), model.latent(aligned.backward(moved))
    for lat in (before, after):
        lat["mean_log_recoveries"] = np.log(lat["recovery_rate"]) + np.log(lat["stock"]).mean(axis=1)
        lat["log_cbp"] = np.log(lat["interdiction_rate"] * (lat["flow"] @ model._cbp_rows[0]))
    np.testing.assert_allclose(after["mean_log_recoveries"], before["mean_log_recoveries"], rtol=1e-10)
    np.testing.assert_allclose(after["log_cbp"], before["log_cbp"], rtol=1e-10)
    np.testing.assert_allclose(after["flow"], before["flow"] * np.exp(0.7), rtol=1e-10)


def test_sampling_the_prior_through_the_new_coordinates_returns_the_prior(model, aligned) -> None:
    """Known answer: the model's prior alone is Gaussian in the model's coordinates (loc, scale per column).
    Sampled in the aligned coordinates by the default ladder and mapped back, its moments must come back."""

    def log_prior(v: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):   # the likelihood terms, computed alongside, overflow at prior draws
            return model.terms(aligned.backward(v))["prior"]

    start = model.prior_loc.copy()
    covariance = aligned.covariance(start, np.diag(model.prior_scale**2))
    sample = inference.sample_posterior(log_prior, aligned.forward(start)[0], covariance,
                                        np.random.default_rng(3), draws=4000, smc_particles=2000)
    points = aligned.backward(sample.points[sample.resample(np.random.default_rng(4), 4000)])
    z = (points - model.prior_loc) / model.prior_scale
    assert np.abs(z.mean(axis=0)).max() < 0.12, sample.path
    np.testing.assert_allclose(z.std(axis=0), 1.0, atol=0.12)
