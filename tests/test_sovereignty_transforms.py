"""Transforms are monotone maps into [0, 1]; assumptions are sampled inside their ranges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ironriver.errors import UnknownNameError
from ironriver.sovereignty.transforms import (
    ASSUMPTIONS,
    Assumption,
    assumption,
    identity_share,
    log_logistic,
    sample_assumption,
)

values = st.floats(min_value=-1e7, max_value=1e9, allow_nan=False, allow_infinity=False)
halves = st.floats(min_value=1e-6, max_value=1e8, allow_nan=False, allow_infinity=False)


@given(values, values, halves)
def test_log_logistic_is_monotone_and_bounded(a: float, b: float, half: float) -> None:
    low, high = sorted((a, b))
    t_low, t_high = log_logistic(np.array([low]), half)[0], log_logistic(np.array([high]), half)[0]
    assert 0.0 <= t_low <= t_high <= 1.0


@given(halves, halves, st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_a_higher_reference_point_never_raises_the_threat(h1: float, h2: float, x: float) -> None:
    small, large = sorted((h1, h2))
    assert log_logistic(np.array([x]), large)[0] <= log_logistic(np.array([x]), small)[0]


@given(halves)
def test_log_logistic_reference_points(half: float) -> None:
    assert log_logistic(np.array([0.0]), half)[0] == 0.0
    assert log_logistic(np.array([half]), half)[0] == pytest.approx(0.5)
    assert log_logistic(np.array([3 * half]), half)[0] == pytest.approx(0.75)


@given(values, values)
def test_identity_share_is_monotone_and_bounded(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert 0.0 <= identity_share(np.array([low]))[0] <= identity_share(np.array([high]))[0] <= 1.0


def test_missing_values_stay_missing() -> None:
    assert np.isnan(log_logistic(np.array([np.nan]), 1.0)[0])
    assert np.isnan(identity_share(np.array([np.nan]))[0])


@settings(max_examples=50)
@given(st.sampled_from(sorted(ASSUMPTIONS)), st.integers(min_value=0, max_value=2**32 - 1))
def test_assumption_draws_stay_in_range(assumption_id: str, seed: int) -> None:
    item = ASSUMPTIONS[assumption_id]
    draws = sample_assumption(item, 200, np.random.default_rng(seed))
    assert ((draws >= item.low - 1e-9) & (draws <= item.high + 1e-9)).all()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e8), min_size=2, max_size=8),
       st.floats(min_value=1e-3, max_value=1e6), st.floats(min_value=1.0, max_value=100.0))
def test_the_ledgers_threats_are_monotone_in_the_value(xs: list[float], low: float, factor: float) -> None:
    from ironriver.sovereignty.draws import IndicatorDraws
    from ironriver.sovereignty.ledger import threats

    ordered = np.sort(np.array(xs))
    rows = [{"id": "x", "state": "MEX", "kind": "domestic", "concept": "c", "transform": "log_logistic",
             "reference_low": low, "reference_high": low * factor}]
    values = np.tile(ordered, (5, 1))[:, None, :]
    got = threats(IndicatorDraws.constructed(rows, np.arange(len(xs)), values), seed=0)[:, 0, :]
    assert (np.diff(got, axis=1) >= -1e-12).all() and ((got >= 0) & (got <= 1)).all()


def test_every_log_logistic_indicator_has_a_reference_range_from_its_concept() -> None:
    from ironriver.sovereignty.chain import gather_inputs
    from ironriver.sovereignty.draws import build_indicator_draws

    table = build_indicator_draws(gather_inputs(), None, np.array([2020]), n_draws=5, seed=0).table
    logistic = table[table["transform"] == "log_logistic"]
    measured = logistic[logistic["reference"].notna()]
    assert (measured["reference_low"] <= measured["reference"]).all()
    assert (measured["reference"] <= measured["reference_high"]).all()
    assert (measured["reference_high"] / measured["reference_low"] >= 2.0 - 1e-9).all()
    for name in ("reference_range_quantiles", "carry_log_sd_per_year", "spillover_half_life_years"):
        assert assumption(name).why


def test_bad_assumptions_are_refused() -> None:
    with pytest.raises(ValueError):
        Assumption("x", 5.0, 1.0, 2.0, "unit", "assumption", "value outside its range", distribution="loguniform")
    with pytest.raises(ValueError):
        Assumption("x", 0.0, 0.0, 1.0, "unit", "assumption", "log scale from zero", distribution="loguniform")
    with pytest.raises(UnknownNameError, match="^unknown assumption 'decay_half_life_year'; did you mean: "
                                                "decay_half_life_years, "):
        assumption("decay_half_life_year")


def test_assumption_draws_by_distribution_with_a_known_stream() -> None:
    """A sampled assumption draws log-uniformly (or uniformly) over its range with the generator given, exactly
    as numpy would; a fixed one, or one whose range is a point, is its value every time."""
    def named(distribution: str, low: float, high: float) -> Assumption:
        return Assumption("x_for_test", 2.0, low, high, "unit", "assumption", "why", used_by="ledger",
                     distribution=distribution)

    logu = sample_assumption(named("loguniform", 1.0, 100.0), 5, np.random.default_rng(3))
    np.testing.assert_allclose(logu, np.exp(np.random.default_rng(3).uniform(0.0, np.log(100.0), 5)), rtol=1e-12)
    flat = sample_assumption(named("uniform", 1.0, 100.0), 5, np.random.default_rng(3))
    np.testing.assert_allclose(flat, np.random.default_rng(3).uniform(1.0, 100.0, 5), rtol=1e-12)
    assert (sample_assumption(named("fixed", 1.0, 100.0), 4, np.random.default_rng(3)) == 2.0).all()
    assert (sample_assumption(named("loguniform", 2.0, 2.0), 4, np.random.default_rng(3)) == 2.0).all()
    # the ledger's own: a fixed setting with a range stays put; a sampled one spreads over its range
    assert (sample_assumption(assumption("reference_range_quantiles"), 50, np.random.default_rng(0)) == 0.5).all()
    assert np.ptp(sample_assumption(assumption("carry_log_sd_per_year"), 50, np.random.default_rng(0))) > 0.1


def test_values_recorded_as_none_are_missing_not_an_error() -> None:
    """An object column (values read with gaps as None) gives NaN threats; so does a missing reference point;
    an infinite value warns nothing."""
    import warnings

    values = pd.Series([0.2, None, 3.0], dtype=object)
    np.testing.assert_allclose(identity_share(values), [0.2, np.nan, 1.0])
    np.testing.assert_allclose(log_logistic(values, 1.0), [0.2 / 1.2, np.nan, 0.75])
    np.testing.assert_allclose(log_logistic(np.array([1.0, 1.0]), pd.Series([1.0, None], dtype=object)),
                               [0.5, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_logistic(np.array([np.inf, 0.0]), np.array([1.0, 0.0]))
