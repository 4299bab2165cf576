"""Pins on the scenario comparison: ``relative_pct`` and how ``assess --scenario`` scales the inflow by it.

Every expected number here is computed in the test from the counts the simulation produced, never by
calling :meth:`SimulationResult.compare` on itself: planting a wrong sign or dropping the ×100 in
``relative_pct``, or a wrong scaling in :func:`apply_scenario`, makes these tests fail.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from ironriver.errors import IronRiverError
from ironriver.sovereignty.chain import apply_scenario
from ironriver.supply_chain import Calibration, Scenario, prepare_inputs, simulate


def flow_draws(n: int = 40, years: tuple[int, ...] = (2021, 2022)) -> pd.DataFrame:
    draw = np.repeat(np.arange(n), len(years))
    return pd.DataFrame({"draw": draw, "year": np.tile(years, n), "guns_per_year": 120_000.0 + 2_000.0 * draw})


@lru_cache(maxsize=1)
def runs():
    """The status quo and cartel demand halved, same seed, replicates and inputs (common random numbers)."""
    half = Scenario(name="half_demand", levers={"cartel_demand": 0.5})
    inputs = prepare_inputs([Scenario.baseline(), half], flow_draws())
    base = simulate(replicates=60, seed=4, inputs=inputs, years=(2021, 2022))
    return base, simulate(half, replicates=60, seed=4, inputs=inputs, years=(2021, 2022))


def row(table: pd.DataFrame, quantity: str, group: str = "total", key: str = "all") -> pd.Series:
    return table[(table["group"] == group) & (table["key"] == key) & (table["quantity"] == quantity)].iloc[0]


def arrived_per_replicate(result) -> np.ndarray:
    """Guns arriving in Mexico a year, per replicate, straight from the engine's counts (mean over years)."""
    return result.transit[..., 3].sum(axis=(2, 3)).mean(axis=1)


def test_relative_pct_is_the_median_paired_percent_change_computed_by_hand() -> None:
    base, half = runs()
    table = half.compare(base)
    by_hand = 100.0 * (arrived_per_replicate(half) - arrived_per_replicate(base)) / arrived_per_replicate(base)
    arrived = row(table, "arrived")
    assert arrived["relative_pct"] == pytest.approx(np.median(by_hand), rel=1e-9)
    assert arrived["relative_low_pct"] == pytest.approx(np.quantile(by_hand, 0.05), rel=1e-9)
    assert arrived["relative_high_pct"] == pytest.approx(np.quantile(by_hand, 0.95), rel=1e-9)
    difference = arrived_per_replicate(half) - arrived_per_replicate(base)
    assert arrived["difference"] == pytest.approx(np.median(difference), rel=1e-9)
    assert arrived["median"] == pytest.approx(np.median(arrived_per_replicate(half)), rel=1e-9)
    assert arrived["reference_median"] == pytest.approx(np.median(arrived_per_replicate(base)), rel=1e-9)


def test_halving_cartel_demand_halves_purchases_and_arrivals() -> None:
    """The lever multiplies every cell's expected purchases by 0.5 and changes no hazard: a −50 % effect.

    Purchases are Poisson around that expectation (~150,000 guns a year), so the paired change is −50 %
    within about half a percent; a flipped sign gives +50 % and a missing ×100 gives −0.5.
    """
    base, half = runs()
    table = half.compare(base)
    for quantity in ("bought", "arrived", "share_of_retail_sales"):
        assert row(table, quantity)["relative_pct"] == pytest.approx(-50.0, abs=0.6), quantity
        assert -51.0 < row(table, quantity)["relative_low_pct"] <= row(table, quantity)["relative_high_pct"] < -49.0
    # seizures are a few hundred guns a year: the same −50 %, with Poisson noise of a few percent
    assert row(table, "interdicted")["relative_pct"] == pytest.approx(-50.0, abs=3.0)
    # reversed, the same pairs give +100 %: the reference is the denominator
    assert row(base.compare(half), "bought")["relative_pct"] == pytest.approx(100.0, abs=3.0)


def test_relative_pct_on_counts_in_a_known_ratio() -> None:
    """Scenario counts are exactly 3/4 of the reference's in every cell: −25 % in every replicate."""
    base, _ = runs()
    reference = replace(base, transit=base.transit * 4, in_transit=base.in_transit * 4)
    scenario = replace(base, transit=base.transit * 3, in_transit=base.in_transit * 3,
                       scenario=Scenario(name="three_quarters", levers={}))
    table = scenario.compare(reference)
    for quantity in ("bought", "arrived", "interdicted_us", "interdicted_border"):
        r = row(table, quantity)
        assert (r["relative_pct"], r["relative_low_pct"], r["relative_high_pct"]) == pytest.approx((-25.0,) * 3)
        assert r["scenario"] == "three_quarters" and r["reference"] == base.scenario.name
    by_channel = table[(table["group"] == "channel") & (table["quantity"] == "bought")]
    assert by_channel["relative_pct"].to_numpy() == pytest.approx(-25.0)


def test_compare_refuses_runs_without_common_random_numbers() -> None:
    base, half = runs()
    with pytest.raises(IronRiverError, match="common random numbers"):
        half.compare(replace(base, seed=base.seed + 1))
    with pytest.raises(IronRiverError, match="common random numbers"):
        half.compare(replace(base, years=(2021,)))


def test_apply_scenario_scales_the_inflow_by_the_paired_change() -> None:
    """``assess --scenario`` multiplies each inflow draw by (1 + relative_pct / 100)."""
    flows = pd.DataFrame({"draw": [0, 1, 2], "year": [2020] * 3, "guns_per_year": [200_000.0, 100_000.0, 0.0]})
    simulation = {"scenario": {"arrived_change_pct": {"median": -25.0, "low": -30.0, "high": -20.0}}}
    scaled = apply_scenario(flows, simulation)
    assert scaled["guns_per_year"].tolist() == [150_000.0, 75_000.0, 0.0]
    assert scaled[["draw", "year"]].equals(flows[["draw", "year"]])
    rising = apply_scenario(flows, {"scenario": {"arrived_change_pct": {"median": 10.0}}})
    assert rising["guns_per_year"].tolist() == pytest.approx([220_000.0, 110_000.0, 0.0])


def test_run_simulation_reports_the_scenario_change_of_arrivals() -> None:
    """The chain's adapter passes ``relative_pct`` of total arrivals through unchanged (sign and percent)."""
    from ironriver.sovereignty import chain

    calibration = Calibration.from_frame(flow_draws(30, (2022,)).rename(columns={"guns_per_year": "flow"}))
    out = chain.run_simulation(Scenario(name="half_demand", levers={"cartel_demand": 0.5}), seed=1,
                               calibration=calibration)
    change = out["scenario"]["arrived_change_pct"]
    assert change["median"] == pytest.approx(-50.0, abs=1.5)
    assert change["low"] <= change["median"] <= change["high"] < 0
    assert out["scenario"]["arrived"] == pytest.approx(0.5 * out["baseline"]["arrived"], rel=0.03)


def test_compare_labels_units_and_divides_by_zero_silently() -> None:
    """Each row carries its quantity's unit; a replicate whose reference is zero (New Mexico's border
    interdictions in some replicates) has no relative change, without a 0/0 warning to the user."""
    import warnings

    from ironriver.supply_chain.result import QUANTITIES

    base, half = runs()
    assert (np.asarray(base._groups[("source_state", "NM")]["interdicted_border"]) == 0).any()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = half.compare(base)
        itself = base.compare(base)                       # zero over zero where the reference is zero
    assert row(itself, "interdicted_border", "source_state", "NM")["relative_high_pct"] == 0.0   # zero bases drop out
    assert table["unit"].tolist() == [QUANTITIES[q][0] for q in table["quantity"]]
    assert set(table["unit"]) == {"guns/year", "guns", "fraction"}
