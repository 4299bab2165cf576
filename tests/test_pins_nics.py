"""Pin the US demand index and its California repair against a computation from the raw FBI NICS file.

The index is q_t = Σ_s w_s·log(sales_s,t / sales of the rest of the country,t), with sales ≈ 1.1·(handgun +
long-gun checks) + 2·multiple-gun checks, except California's multiple-gun checks, which are left out (reported
only in 2004–2007 and inconsistently). Here it is rebuilt from the raw CSV with plain pandas; with the repair
disabled California's 2007 sales jump by more than half and the pinned values fail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ironriver.evidence import us_demand

BORDER = ("TX", "AZ", "CA", "NM")
TERRITORY_NAMES = ("Guam", "Mariana Islands", "Puerto Rico", "Virgin Islands")


@pytest.fixture(scope="module")
def raw_sales() -> pd.DataFrame:
    """Yearly sales proxy by state (USPS) from 1999, built straight from the raw file, California repaired."""
    from ironriver.data import raw
    from ironriver.store.names import us_state_codes

    frame = raw("nics_firearm_background_checks").csv("nics-firearm-background-checks.csv")
    frame = frame[~frame["state"].isin(TERRITORY_NAMES)].copy()
    frame["state"] = us_state_codes(frame["state"])
    frame["year"] = frame["month"].str[:4].astype(int)
    frame = frame[frame["year"] >= 1999]
    multiple = np.where(frame["state"] == "CA", 0.0, frame["multiple"])     # the repair
    frame["sales"] = 1.1 * (frame["handgun"] + frame["long_gun"]) + 2.0 * multiple
    return frame.groupby(["year", "state"])["sales"].sum().unstack("state")


def test_california_reported_multiple_checks_in_bulk_only_in_2006_2007() -> None:
    from ironriver.store import load

    checks = load("nics_checks")
    california = checks[checks["state"] == "CA"].groupby("year")["multiple"].sum()
    assert set(california[california > 1000].index) == {2006, 2007}
    assert california.drop([2006, 2007]).max() < 100          # a few dozen at most in any other year
    ca2007 = checks[(checks["state"] == "CA") & (checks["year"] == 2007)]
    # kept, the multiple-gun checks would add more than half to California's 2007 sales
    assert 2.0 * ca2007["multiple"].sum() > 0.5 * 1.1 * (ca2007["handgun"] + ca2007["long_gun"]).sum()


def test_repaired_sales_equal_the_raw_file_computation(raw_sales: pd.DataFrame) -> None:
    us_demand._yearly_sales.cache_clear()
    sales = us_demand._yearly_sales()
    for state in ("CA", "TX", "AZ", "NM", "NY"):
        assert sales[state].to_numpy(dtype=float) == pytest.approx(raw_sales[state].to_numpy(), rel=1e-9), state
    assert sales.index.tolist() == raw_sales.index.tolist()


def test_demand_index_equals_the_raw_file_computation(raw_sales: pd.DataFrame) -> None:
    us_demand._yearly_sales.cache_clear()
    index = us_demand.demand_index()
    weights = us_demand.trafficking_weights()
    rest = raw_sales.drop(columns=list(BORDER)).sum(axis=1)
    by_hand = sum(weights[s] * np.log(raw_sales[s] / rest) for s in BORDER)
    assert index.years.tolist() == raw_sales.index.tolist()
    assert index.index == pytest.approx(by_hand.to_numpy(), rel=1e-9, abs=1e-12)


def test_california_2007_sales_are_handgun_and_long_gun_checks_only() -> None:
    from ironriver.store import load

    checks = load("nics_checks")
    ca2007 = checks[(checks["state"] == "CA") & (checks["year"] == 2007)]
    us_demand._yearly_sales.cache_clear()
    assert us_demand._yearly_sales().loc[2007, "CA"] == pytest.approx(
        1.1 * float((ca2007["handgun"] + ca2007["long_gun"]).sum()), rel=1e-12)


def test_demand_index_carries_its_weights_and_months_reported() -> None:
    us_demand._yearly_sales.cache_clear()
    index = us_demand.demand_index()
    assert index.weights == us_demand.trafficking_weights()
    months = dict(zip(index.years.tolist(), index.months.tolist()))
    assert months[1999] == 12.0 and months[2023] == 9.0          # the file ends in September 2023
    assert index.years.dtype.kind == "i" and index.index.dtype == np.float64 and index.months.dtype == np.float64
    frame = index.frame()
    assert list(frame.columns) == ["year", "demand_index", "months"] and len(frame) == len(index.years)


def test_blocks_and_block_changes_by_hand() -> None:
    years = np.arange(1999, 2011)
    assert [b.tolist() for b in us_demand.blocks(years, 5)] == [list(range(1999, 2004)), list(range(2004, 2009)),
                                                                 [2009, 2010]]
    index = np.arange(12, dtype=float) ** 2
    means = [np.mean(index[:5]), np.mean(index[5:10]), np.mean(index[10:])]
    assert us_demand.block_changes(index, years, 5) == pytest.approx(np.diff(means))


def test_t_scale_is_the_median_absolute_deviation_over_the_t_quartile() -> None:
    from scipy import stats

    values = np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 7.0])
    mad = np.median(np.abs(values - np.median(values)))
    assert us_demand._t_scale(values, 4.0) == pytest.approx(mad / stats.t.ppf(0.75, 4.0))


def test_placebo_calibration_by_hand(raw_sales: pd.DataFrame) -> None:
    """Placebo groups of large non-border states, rebuilt here from the raw-file sales with the same draws."""
    from scipy import stats

    us_demand._yearly_sales.cache_clear()
    result = us_demand.placebo_calibration(4.0, 5, seed=7, groups=40)
    others = raw_sales.drop(columns=list(BORDER))
    larger_half = list(others.sum().sort_values(ascending=False).index[: others.shape[1] // 2])
    weights = np.array(list(us_demand.trafficking_weights().values()))
    rng = np.random.default_rng(7)
    changes = []
    for _ in range(40):
        chosen = list(rng.choice(larger_half, 4, replace=False))
        rest = others.drop(columns=chosen).sum(axis=1)
        index = sum(w * np.log(others[s] / rest) for s, w in zip(chosen, rng.permutation(weights)))
        years = raw_sales.index.to_numpy()
        means = [index.to_numpy()[i:i + 5].mean() for i in range(0, len(years), 5)]
        changes.append(np.diff(means))
    pooled = np.concatenate(changes)
    scale = np.median(np.abs(pooled - np.median(pooled))) / stats.t.ppf(0.75, 4.0)
    assert result["scale"] == pytest.approx(scale, rel=1e-9)
    # the interval: 5% and 95% of 200 bootstrap resamples of the 40 groups, drawn next from the same stream
    by_group = np.array(changes)
    t_scale = lambda v: np.median(np.abs(v - np.median(v))) / stats.t.ppf(0.75, 4.0)   # noqa: E731
    resampled = [t_scale(by_group[rng.integers(0, 40, 40)].ravel()) for _ in range(200)]
    low, high = np.percentile(resampled, (5, 95))
    assert (result["scale_low"], result["scale_high"]) == pytest.approx((low, high), rel=1e-9)
    assert result["scale_low"] < result["scale"] < result["scale_high"]
    assert result["scale_high"] / result["scale_low"] < 3
