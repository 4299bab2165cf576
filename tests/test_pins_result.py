"""Pins on a simulation result's summary, JSON and bookkeeping, computed by hand from the engine's counts.

Written to kill the mutants of :mod:`ironriver.supply_chain.result` that survived the first mutation run
(docs/mutation.md): interval arithmetic of :meth:`SimulationResult.summary`, the contents of
:meth:`SimulationResult.to_dict`, and the conservation check.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ironriver.supply_chain.result import QUANTITIES
from ironriver.supply_chain.result import _jsonable, _records
from test_pins_compare import runs


def arrived_per_replicate(result) -> np.ndarray:
    return result.transit[..., 3].sum(axis=(2, 3)).mean(axis=1)


@pytest.mark.parametrize("level", [0.9, 0.5])
def test_summary_interval_is_the_central_quantile_range_by_hand(level: float) -> None:
    _, half = runs()
    summary = half.summary(level)
    row = summary[(summary["group"] == "total") & (summary["quantity"] == "arrived")].iloc[0]
    tail = (1 - level) / 2
    low, median, high = np.quantile(arrived_per_replicate(half), [tail, 0.5, 1 - tail])
    assert (row["low"], row["median"], row["high"]) == pytest.approx((low, median, high), rel=1e-12)
    assert row["unit"] == "guns/year"
    assert set(summary["unit"]) == {unit for unit, _ in QUANTITIES.values()}
    stock = summary[(summary["group"] == "total") & (summary["quantity"] == "stock_end")].iloc[0]
    assert stock["unit"] == "guns"
    assert stock["median"] == pytest.approx(np.median(half.stock_end[:, -1].sum(axis=1)), rel=1e-12)


def test_a_quantity_with_no_finite_value_summarises_as_missing() -> None:
    base, _ = runs()
    without_sales = replace(base, retail_sales=pd.DataFrame(columns=["source_state", "year", "guns"]))
    summary = without_sales.summary()
    share = summary[summary["quantity"] == "share_of_retail_sales"]
    assert len(share) > 0 and share[["median", "low", "high"]].isna().all().all()
    others = summary[summary["quantity"] != "share_of_retail_sales"]
    assert others["median"].notna().all()


def test_to_dict_carries_the_run_and_its_summary() -> None:
    _, half = runs()
    payload = half.to_dict(level=0.8)
    assert payload["scenario"] == {"name": "half_demand", "description": half.scenario.description,
                                   "levers": {"cartel_demand": 0.5}, "assumptions_pinned": {}}
    assert (payload["seed"], payload["replicates"], payload["years"]) == (4, 60, [2021, 2022])
    assert payload["calibration"] == half.calibration and payload["interval"] == 0.8
    assert payload["units"] == {q: unit for q, (unit, _) in QUANTITIES.items()}
    assert payload["notes"] == list(half.notes)
    expected = half.summary(0.8)
    assert len(payload["summary"]) == len(expected)
    arrived = next(r for r in payload["summary"] if r["group"] == "total" and r["quantity"] == "arrived")
    tail = 0.1
    assert arrived["low"] == pytest.approx(np.quantile(arrived_per_replicate(half), tail), rel=1e-12)
    assert len(payload["sankey"]) == len(half.sankey_table(level=0.8))
    json.dumps(payload, allow_nan=False)                     # JSON-ready: no NaN, numpy scalars converted


def test_records_turn_non_finite_floats_into_none_and_keep_the_rest() -> None:
    frame = pd.DataFrame({"a": [1.5, np.nan, np.inf], "b": ["x", "y", "z"]})
    assert _records(frame) == [{"a": 1.5, "b": "x"}, {"a": None, "b": "y"}, {"a": None, "b": "z"}]


def test_jsonable_converts_numpy_scalars_inside_mappings() -> None:
    converted = _jsonable({"a": np.float64(1.5), "b": {"c": np.int64(2)}, "d": "text"})
    assert converted == {"a": 1.5, "b": {"c": 2}, "d": "text"}
    assert type(converted["a"]) is float and type(converted["b"]["c"]) is int


def test_conservation_gap_is_bought_minus_every_fate() -> None:
    base, _ = runs()
    assert base.conservation_gap().shape == base.in_transit[:, -1].shape
    assert not base.conservation_gap().any()
    # one extra gun bought and never accounted for shows up in exactly one cell
    transit = base.transit.copy()
    transit[0, 0, 1, 2, 0] += 1
    gap = replace(base, transit=transit).conservation_gap()
    assert gap.sum() == 1 and gap[0, 1, 2] == 1
    # a gun counted as arrived without being bought is a gap of −1
    transit = base.transit.copy()
    transit[1, -1, 0, 3, 3] += 1
    assert replace(base, transit=transit).conservation_gap()[1, 0, 3] == -1


def test_totals_by_hand() -> None:
    base, _ = runs()
    totals = base.totals()
    assert list(totals.columns) == ["replicate", "year", "calibrated_flow", "bought", "interdicted_us",
                                    "interdicted_border", "interdicted", "arrived", "in_transit", "recovered",
                                    "traced", "stock_end"]
    r, y = 7, 1
    row = totals[(totals["replicate"] == base.replicates[r]) & (totals["year"] == base.years[y])].iloc[0]
    t = base.transit[r, y]
    assert row["calibrated_flow"] == base.flow[r, y]
    assert (row["bought"], row["interdicted_us"], row["interdicted_border"], row["arrived"]) == tuple(
        t[..., q].sum() for q in range(4))
    assert row["interdicted"] == t[..., 1].sum() + t[..., 2].sum()
    assert row["in_transit"] == base.in_transit[r, y].sum()
    assert row["recovered"] == base.stock[r, y, :, :2].sum() and row["traced"] == base.stock[r, y, :, 0].sum()
    assert row["stock_end"] == base.stock_end[r, y].sum()
    assert len(totals) == len(base.replicates) * len(base.years)


def test_sankey_intervals_and_statistic_by_hand() -> None:
    from ironriver.errors import IronRiverError
    from ironriver.supply_chain.chain import CHANNELS, CORRIDORS, ROUTE_CORRIDOR, ROUTE_SOURCE, SOURCES

    base, _ = runs()
    route = int(np.flatnonzero(ROUTE_SOURCE == SOURCES.index("TX"))[0])
    per_year = base.transit[:, :, 0, route, 3].sum(axis=1) / len(base.years)      # straw, TX, arrived
    crossing = f"{CORRIDORS[ROUTE_CORRIDOR[route]]} ports"
    for statistic, centre in (("median", np.median(per_year)), ("mean", np.mean(per_year))):
        table = base.sankey_table(statistic=statistic, level=0.5)
        row = table[(table["source"] == "TX") & (table["channel"] == CHANNELS[0]) & (table["crossing"] == crossing)
                    & (table["outcome"] == "arrived in Mexico")].iloc[0]
        assert row["guns_per_year"] == pytest.approx(centre)
        assert (row["low"], row["high"]) == pytest.approx(tuple(np.quantile(per_year, [0.25, 0.75])))
    with pytest.raises(IronRiverError, match="unknown statistic 'mode'; use median or mean"):
        base.sankey_table(statistic="mode")


def test_share_of_retail_sales_by_hand() -> None:
    from ironriver.supply_chain.chain import ROUTE_SOURCE, SOURCES

    base, _ = runs()
    s = SOURCES.index("TX")
    sales = base.retail_sales.pivot_table(index="year", columns="source_state", values="guns")
    nearest = [sales.index[np.argmin(np.abs(sales.index.to_numpy() - y))] for y in base.years]
    bought = base.transit[:, :, :, ROUTE_SOURCE == s, 0].sum(axis=(2, 3))              # (R, Y)
    by_hand = (bought / sales.loc[nearest, "TX"].to_numpy()).mean(axis=1)
    summary = base.summary()
    row = summary[(summary["group"] == "source_state") & (summary["key"] == "TX")
                  & (summary["quantity"] == "share_of_retail_sales")].iloc[0]
    assert row["median"] == pytest.approx(np.median(by_hand), rel=1e-12)
    no_sales = replace(base, retail_sales=None).summary()
    assert no_sales[no_sales["quantity"] == "share_of_retail_sales"]["median"].isna().all()


def test_conservation_gap_uses_the_last_years_transit() -> None:
    base, _ = runs()
    transit = np.concatenate([base.transit, base.transit[:, :1]], axis=1)
    in_transit = np.concatenate([base.in_transit, base.in_transit[:, :1] + 5], axis=1)
    three = replace(base, transit=transit, in_transit=in_transit, years=(2021, 2022, 2023))
    totals = transit.sum(axis=1)
    by_hand = totals[..., 0] - totals[..., 1] - totals[..., 2] - totals[..., 3] - in_transit[:, -1]
    np.testing.assert_array_equal(three.conservation_gap(), by_hand)
