"""Transforms are monotone maps into [0, 1]; assumptions are sampled inside their ranges."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ironriver.errors import UnknownNameError
from ironriver.sovereignty.indicators import INDICATORS
from ironriver.sovereignty.transforms import (
    ASSUMPTIONS,
    Assumption,
    Transform,
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
@given(st.sampled_from(sorted(INDICATORS)), st.lists(st.floats(min_value=0, max_value=1e8), min_size=2, max_size=8))
def test_every_indicator_transform_is_monotone(indicator_id: str, xs: list[float]) -> None:
    transform = INDICATORS[indicator_id].transform
    ordered = np.sort(np.array(xs))
    threats = transform.point(ordered)
    assert (np.diff(threats) >= -1e-12).all() and ((threats >= 0) & (threats <= 1)).all()
    draws = transform.draws(np.tile(ordered, (3, 1)), np.array([0.5, 1.0, 2.0]))
    assert (np.diff(draws, axis=1) >= -1e-12).all()


def test_every_reference_point_is_a_listed_assumption() -> None:
    for indicator in INDICATORS.values():
        if indicator.transform.kind == "log_logistic":
            item = assumption(indicator.transform.reference)
            assert item.why and item.low <= item.value <= item.high
            assert item.name in indicator.transform.description


def test_bad_assumptions_are_refused() -> None:
    with pytest.raises(ValueError):
        Assumption("x", 5.0, 1.0, 2.0, "unit", "assumption", "value outside its range", distribution="loguniform")
    with pytest.raises(ValueError):
        Assumption("x", 0.0, 0.0, 1.0, "unit", "assumption", "log scale from zero", distribution="loguniform")
    with pytest.raises(UnknownNameError, match="did you mean"):
        assumption("ref_cinc_ration")
    with pytest.raises(UnknownNameError):
        Transform("log_logistic", "no_such_reference")
