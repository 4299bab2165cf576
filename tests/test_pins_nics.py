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
