"""The default sampler's start and its yardstick: the covariance that covers two others, the pilot SMC that sets
the main runs' start, the batched triangular solve of the log density, and the Monte Carlo floor under any
agreement with NUTS (ironriver.estimate._importance, _iron_river_model, iron_river)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg, stats

from ironriver.estimate import _importance as inference
from ironriver.estimate._iron_river_model import _forward_substitution, _mvn_log_pdf
from ironriver.estimate.iron_river import sampling_error_floor


def _spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.standard_normal((d, d)) * np.exp(rng.uniform(-2, 2, d))
    return a @ a.T + 1e-3 * np.eye(d)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), d=st.integers(1, 6))
def test_covering_contains_both_ellipsoids(seed: int, d: int) -> None:
    rng = np.random.default_rng(seed)
    first, second = _spd(rng, d), _spd(rng, d)
    both = inference.covering(first, second)
    scale = max(np.abs(first).max(), np.abs(second).max())
    for inner in (first, second):  # covering − inner is positive semi-definite (to rounding)
        assert np.linalg.eigvalsh(both - inner).min() >= -1e-7 * scale
    # and it is the smallest such in the joint eigenbasis: along some axis it equals each of them
    np.testing.assert_allclose(inference.covering(second, first), both, rtol=1e-6, atol=1e-9 * scale)


def test_covering_by_hand() -> None:
    # diagonal covariances: the larger variance along each axis
    np.testing.assert_allclose(inference.covering(np.diag([4.0, 1.0, 0.5]), np.diag([1.0, 2.0, 0.5])),
                               np.diag([4.0, 2.0, 0.5]), rtol=1e-12)
    # one wider than the other everywhere: the wider one
    narrow = np.array([[1.0, 0.6], [0.6, 1.0]])
    np.testing.assert_allclose(inference.covering(narrow, 3 * narrow), 3 * narrow, rtol=1e-12)
    np.testing.assert_allclose(inference.covering(3 * narrow, narrow), 3 * narrow, rtol=1e-12)


def test_forward_substitution_is_the_triangular_solve() -> None:
    rng = np.random.default_rng(3)
    chol = np.linalg.cholesky(np.stack([_spd(rng, 7) for _ in range(50)]))
    rhs = rng.standard_normal((50, 7))
    got = _forward_substitution(chol, rhs)
    expected = np.stack([linalg.solve_triangular(c, b, lower=True) for c, b in zip(chol, rhs)])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
    # each row's numbers are its own: the same in any batch
    np.testing.assert_array_equal(_forward_substitution(chol[7:8], rhs[7:8])[0], got[7])


def test_mvn_log_pdf_by_hand() -> None:
    cov = np.array([[[2.0, 0.5], [0.5, 1.0]], [[1.0, 0.0], [0.0, 4.0]]])
    residual = np.array([[1.0, -1.0], [0.3, 2.0]])
    expected = [stats.multivariate_normal(np.zeros(2), c).logpdf(r) for c, r in zip(cov, residual)]
    np.testing.assert_allclose(_mvn_log_pdf(residual, cov, np), expected, rtol=1e-12)


def test_the_main_runs_start_where_the_pilot_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    # the pilot runs from the widened Laplace start; the main runs from the pilot's mean with the covariance
    # covering the Laplace one and the pilot's, widened; on a Gaussian target both end at the truth
    d = 6
    truth = _spd(np.random.default_rng(0), d)
    precision = np.linalg.inv(truth)

    def log_density(x: np.ndarray) -> np.ndarray:
        return -0.5 * np.einsum("ni,ij,nj->n", x, precision, x)

    starts, outputs = [], []
    original = inference.tempered_smc

    def recording(log_density, proposal, rng, n, **kwargs):
        starts.append((proposal, n, kwargs["final_moves"]))
        result = original(log_density, proposal, rng, n, **kwargs)
        outputs.append(result)
        return result

    monkeypatch.setattr(inference, "tempered_smc", recording)
    laplace = truth / 9.0  # a third of the true spread in every direction
    sample = inference.sample_posterior(log_density, np.zeros(d), laplace, np.random.default_rng(1), draws=2000,
                                        ess_target=1e9, smc_particles=2000, smc_moves=2, smc_final_moves=6,
                                        smc_widen=1.5, smc_pilot=(1000, 12), smc_pilot_widen=1.35)
    assert [(n, moves) for _, n, moves in starts] == [(500, 12), (500, 12), (1000, 6), (1000, 6)]
    for proposal, _, _ in starts[:2]:
        np.testing.assert_allclose(proposal.covariance, laplace * 1.5**2, rtol=1e-12)
    pilot = np.concatenate([points for points, _, _ in outputs[:2]])
    expected = inference.covering(laplace, np.cov(pilot.T)) * 1.35**2
    for proposal, _, _ in starts[2:]:
        np.testing.assert_allclose(proposal.location, pilot.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(proposal.covariance, expected, rtol=1e-12)
    evaluations = [info["evaluations"] for _, _, info in outputs]
    assert sample.info["pilot"] == {"particles": 1000, "final_moves": 12, "evaluations": sum(evaluations[:2])}
    assert sample.info["evaluations"] == sum(evaluations)  # the pilot's are counted with the main runs'
    whitened = sample.points @ np.linalg.inv(np.linalg.cholesky(truth)).T
    np.testing.assert_allclose(np.var(whitened, axis=0), 1.0, rtol=0.15)
    np.testing.assert_allclose(whitened.mean(axis=0), 0.0, atol=0.1)


def test_sampling_error_floor_matches_the_standard_error_of_a_quantile() -> None:
    # one "year", log-normal draws: the 5% quantile of n draws has log-scale sd σ·√(p(1−p)/n)/φ(z_p), so the
    # median of its absolute relative error is about 0.674 times that
    rng = np.random.default_rng(0)
    sigma, n = 0.8, 2000
    flow = np.exp(sigma * rng.standard_normal((400_000, 1)))
    floor = sampling_error_floor(flow, draws=n, repeats=800, seed=1)
    for key, p in (("q05", 0.05), ("median", 0.5), ("q95", 0.95)):
        sd = sigma * math.sqrt(p * (1 - p) / n) / stats.norm.pdf(stats.norm.ppf(p))
        assert floor[key]["median"] == pytest.approx(0.6745 * sd, rel=0.12), (key, floor[key], sd)
        assert floor[key]["q90"] == pytest.approx(1.645 * sd, rel=0.12), (key, floor[key], sd)
    # the largest over many years is larger than one year's, and it shrinks with more draws
    wide = np.exp(sigma * rng.standard_normal((100_000, 25)))
    assert sampling_error_floor(wide, 2000)["q05"]["median"] > 1.5 * floor["q05"]["median"]
    assert sampling_error_floor(wide, 8000)["q05"]["median"] < 0.6 * sampling_error_floor(wide, 2000)["q05"]["median"]


def test_pooled_stacks_the_draws_and_refuses_other_years() -> None:
    from ironriver.errors import IronRiverError
    from ironriver.estimate.iron_river import estimate_iron_river, pooled

    a = estimate_iron_river(seed=0, method="laplace", evidence=["stock"], draws=300)
    b = estimate_iron_river(seed=1, method="laplace", evidence=["stock"], draws=200)
    both = pooled([a, b])
    assert both.points.shape == (500, a.points.shape[1])
    np.testing.assert_array_equal(both.points[300:], b.points)
    flows = np.vstack([a.latent["flow"], b.latent["flow"]])[:, a._window()]
    np.testing.assert_allclose(both.summary()["q05"].to_numpy(), np.quantile(flows, 0.05, axis=0), rtol=1e-12)
    other = estimate_iron_river(years=(2000, 2010), seed=0, method="laplace", evidence=["stock"], draws=100)
    with pytest.raises(IronRiverError, match="different models or years"):
        pooled([a, other])
