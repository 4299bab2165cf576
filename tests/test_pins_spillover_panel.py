"""The spillover panel and design on small hand-made tables: which rows enter, what is refused and why.

Written to kill the mutants of :mod:`ironriver.estimate.spillover.panel` and ``design`` that survived the
first mutation run (docs/mutation.md).
"""

from __future__ import annotations

import pandas as pd
import pytest

from ironriver.errors import IronRiverError, UnknownNameError
from ironriver.estimate import spillover as sp


def homicides(states: dict[str, list[int]], year: int = 2008) -> pd.DataFrame:
    """One row per state and month; 2 firearm and 5 homicides each month."""
    rows = [(s, year, m, 2, 5, True) for s, months in states.items() for m in months]
    frame = pd.DataFrame(rows, columns=["state_code", "year", "month", "firearm_homicides", "homicides",
                                        "registration_complete"])
    return frame.astype({"month": "Int64"})


def population(states: dict[str, list[int]], year: int = 2008) -> pd.DataFrame:
    return pd.DataFrame([(s, year, m, 1000 + m) for s, months in states.items() for m in months],
                        columns=["state_code", "year", "month", "population"])


def test_panel_columns_types_and_order() -> None:
    states = {"02": [1, 2, 3], "01": [1, 2, 3]}
    panel = sp.build_panel(homicides(states), population(states))
    assert list(panel.columns) == ["state_code", "year", "month", "month_index", "firearm_homicides", "homicides",
                                   "nonfirearm_homicides", "population"]
    assert panel.index.tolist() == list(range(6))
    assert panel["state_code"].tolist() == ["01"] * 3 + ["02"] * 3
    assert panel["month"].dtype == "int64" and panel["population"].dtype == "float64"
    assert panel["month_index"].tolist()[:3] == [2008 * 12, 2008 * 12 + 1, 2008 * 12 + 2]
    assert panel["population"].tolist()[:3] == [1001.0, 1002.0, 1003.0]


def test_an_unbalanced_panel_is_refused() -> None:
    message = r"^the state-month panel is not balanced \(states cover different months\)$"
    staggered = {"01": [1, 2, 3], "02": [2, 3, 4]}               # same length, different months
    with pytest.raises(IronRiverError, match=message):
        sp.build_panel(homicides(staggered), population(staggered))
    gap = {"01": [1, 3], "02": [1, 3]}                          # same months, but one is missing in between
    with pytest.raises(IronRiverError, match=message):
        sp.build_panel(homicides(gap), population(gap))


def test_bad_population_and_counts_are_named() -> None:
    states = {"01": [1, 2]}
    with pytest.raises(IronRiverError, match="population missing for state 01, 2008-02$"):
        sp.build_panel(homicides(states), population({"01": [1]}))
    with pytest.raises(pd.errors.MergeError):
        sp.build_panel(homicides(states), pd.concat([population(states)] * 2))   # a duplicated population row
    too_many = homicides(states).assign(firearm_homicides=[2, 9])
    with pytest.raises(IronRiverError, match="firearm homicides exceed all homicides .* Valle-Jones file"):
        sp.build_panel(too_many, population(states))


def test_dropped_rows_count_non_firearm_deaths() -> None:
    frame = pd.DataFrame({"state_code": ["01"] * 3, "year": [2008] * 3,
                          "month": pd.array([11, 12, pd.NA], dtype="Int64"), "firearm_homicides": [1, 3, 4],
                          "homicides": [5, 10, 6], "registration_complete": [True, False, True]})
    dropped = sp.dropped_rows(frame).set_index("reason")
    assert dropped.loc["registration incomplete", "nonfirearm_homicides"] == 7
    assert dropped.loc["month not recorded", "nonfirearm_homicides"] == 2
    assert sorted(dropped.index) == ["month not recorded", "registration incomplete"]


def test_expiry_month_is_september_2004_from_the_timeline(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sp.expiry_month() == 2004 * 12 + 8
    import ironriver.store as store

    events = store.timeline()
    monkeypatch.setattr(store, "timeline", lambda: events[events["id"] != "awb_expired_2004"])
    with pytest.raises(UnknownNameError, match="unknown timeline id 'awb_expired_2004'") as error:
        sp.expiry_month()
    assert error.value.kind == "timeline id" and error.value.name == "awb_expired_2004"


def test_the_store_panels_are_the_built_ones() -> None:
    from ironriver.store import load

    valle = sp.load_panel()
    pd.testing.assert_frame_equal(valle, sp.build_panel(load("mx_firearm_homicides_monthly"),
                                                        load("mx_population_monthly")))
    inegi = sp.load_inegi_panel()
    assert list(inegi.columns) == ["state_code", "year", "month", "month_index", "homicides", "population"]
    assert inegi["state_code"].nunique() == 32 and inegi["population"].dtype == "float64"
    assert inegi["month_index"].min() == 1990 * 12                      # the INEGI series starts in 1990-01
    # the INEGI tabulation is its own series: same population offset, counts straight from its table
    raw = load("mx_homicides_inegi")
    first = raw[(raw["state_code"] == "01") & (raw["year"] == 1990) & (raw["month"] == 1)]["homicides"].item()
    assert inegi.loc[(inegi["state_code"] == "01") & (inegi["month_index"] == 1990 * 12), "homicides"].item() == first
    per_state = inegi.groupby("state_code").size()
    assert per_state.nunique() == 1 and len(inegi) == 32 * per_state.iloc[0]


def test_month_arithmetic_by_hand() -> None:
    for year, month in ((1998, 1), (2004, 9), (2008, 11), (2008, 12)):
        index = year * 12 + month - 1
        assert sp.month_index(year, month) == index == sp.parse_month(f"{year}-{month:02d}")
        assert sp.format_month(index) == f"{year:04d}-{month:02d}"
    for text in ("2004-13", "2004-00", "2004-1", "09-2004"):
        with pytest.raises(IronRiverError, match=f"^month '{text}' is not a month of the form YYYY-MM$"):
            sp.parse_month(text)
    with pytest.raises(IronRiverError, match="^placebo date '2004-13' is not"):
        sp.parse_month("2004-13", "placebo date")


def test_main_design_fields_and_expiry() -> None:
    states = {f"{i:02d}": [1, 2] for i in range(1, 33)}
    panel = sp.build_panel(homicides(states), population(states))
    design = sp.main_design(panel, "nonfirearm", expiry=2003 * 12)
    assert (design.name, design.outcome, design.post_start) == ("main", "nonfirearm_homicides", 2003 * 12)
    assert design.treated == ("05", "08", "19", "26", "28") and len(design.comparison) == 27
    assert design.label.startswith("headline: 5 TX/NM/AZ border states") and design.expectation == "the headline"
    assert (design.start, design.end) == (1998 * 12, 2008 * 12 + 10)
    with pytest.raises(IronRiverError, match="^unknown outcome 'guns'; choose one of: firearm, nonfirearm, all$"):
        sp.main_design(panel, "guns", expiry=2003 * 12)
    assert sp.main_design(panel).post_start == 2004 * 12 + 8          # default: the timeline's expiry
