"""The headline year follows its stated rule for both states alike, and every flagged cell carries its mark.

The rule: the headline year is the latest year in which every kind compared rests, for Mexico and for the USA,
on at least one indicator observed that year. Draws are constructed (share transforms), statuses are planted by
hand, so every expected year and mark is by hand.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ironriver.sovereignty.catalogue import KINDS
from ironriver.sovereignty.draws import IndicatorDraws
from ironriver.sovereignty.headline import (MARK_LEGEND, RULE, cell_status, choose_headline, mark, status_marks,
                                            year_checks)
from ironriver.sovereignty.ledger import score
from ironriver.sovereignty.verdict import verdict

YEARS = np.arange(2018, 2023)


def draws_with(statuses: dict[tuple[str, str], dict[int, str]] | None = None, *, extra: bool = False) -> IndicatorDraws:
    """One indicator per state and kind (MEX 0.7, USA 0.3 every year), all observed, then ``statuses``
    planted: (state, kind) → {year: status}. ``extra`` adds a second, always observed MEX domestic indicator."""
    rows = [{"id": f"{s.lower()}_{k}", "state": s, "kind": k, "concept": k} for s in ("MEX", "USA") for k in KINDS]
    if extra:
        rows.append({"id": "mex_domestic_b", "state": "MEX", "kind": "domestic", "concept": "domestic_b"})
    values = np.stack([np.full((4, YEARS.size), 0.7 if r["state"] == "MEX" else 0.3) for r in rows], axis=1)
    draws = IndicatorDraws.constructed(rows, YEARS, values)
    status = draws.status.copy()
    for (state, kind), by_year in (statuses or {}).items():
        i = draws.index(f"{state.lower()}_{kind}")
        for year, value in by_year.items():
            status[i, int(np.flatnonzero(YEARS == year)[0])] = value
    return dataclasses.replace(draws, status=status)


def headline_year(draws: IndicatorDraws) -> int:
    return verdict(score(draws, n_weightings=5)).headline_year


def test_every_year_observed_headlines_the_latest() -> None:
    result = verdict(score(draws_with(), n_weightings=5))
    assert result.headline_year == 2022 and result.why.met and result.why.later_years == ()
    assert result.why.rule == RULE


@pytest.mark.parametrize("flag", ["forecast", "partial", "carried"])
@pytest.mark.parametrize("state", ["MEX", "USA"])
def test_a_planted_flag_in_the_latest_year_moves_the_headline_earlier(flag: str, state: str) -> None:
    result = verdict(score(draws_with({(state, "domestic"): {2022: flag}}), n_weightings=5))
    assert result.headline_year == 2021 and result.why.met
    (year, why), = result.why.later_years
    who = "Mexico's" if state == "MEX" else "the USA's"
    words = {"forecast": "forecast", "partial": "part of the year", "carried": "carried forward"}[flag]
    assert year == 2022 and why == (f"{who} domestic sovereignty has no indicator observed in 2022 "
                                    f"({state.lower()}_domestic {words})",)
    assert result.sentence().startswith("In 2021,") and "Why 2021: 2021 is the latest year" in result.summary()


def test_flags_in_two_later_years_move_it_back_past_both() -> None:
    planted = draws_with({("MEX", "westphalian"): {2022: "carried"}, ("USA", "interdependence"): {2021: "forecast"}})
    assert headline_year(planted) == 2020
    assert [y for y, _ in verdict(score(planted, n_weightings=5)).why.later_years] == [2021, 2022]


def test_an_observed_indicator_beside_a_flagged_one_keeps_the_year() -> None:
    planted = draws_with({("MEX", "domestic"): {2022: "forecast"}}, extra=True)
    assert headline_year(planted) == 2022                       # the kind still rests on an observed value
    table = score(planted, n_weightings=5).table().set_index(["state", "kind", "year"])
    assert table.loc[("MEX", "domestic", 2022), "status"] == "forecast"           # but the cell is marked
    assert table.loc[("MEX", "overall", 2022), "status"] == "forecast"
    assert table.loc[("USA", "domestic", 2022), "status"] == "observed"


def test_a_kind_left_out_of_the_comparison_does_not_count() -> None:
    planted = draws_with({("MEX", "westphalian"): {2022: "carried"}, ("USA", "westphalian"): {2022: "missing"}})
    assert headline_year(planted) == 2022          # Westphalian cannot be compared in 2022: its flag is moot


def test_no_year_meeting_the_rule_falls_back_to_the_latest_comparable_and_says_so() -> None:
    planted = draws_with({("USA", "domestic"): {int(y): "carried" for y in YEARS}})
    result = verdict(score(planted, n_weightings=5))
    assert result.headline_year == 2022 and not result.why.met
    assert result.why.reason.startswith("No year of the window")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["MEX", "USA"]), st.sampled_from(KINDS), st.sampled_from(list(YEARS)),
                          st.sampled_from(["forecast", "partial", "carried"])), max_size=8))
def test_the_rule_is_the_same_for_both_states_and_picks_the_latest_clean_year(plants: list) -> None:
    statuses: dict = {}
    for state, kind, year, flag in plants:
        statuses.setdefault((state, kind), {})[int(year)] = flag
    draws = draws_with(statuses)
    flagged_years = {int(year) for _, _, year, _ in plants}
    clean = [int(y) for y in YEARS if int(y) not in flagged_years]
    expected = max(clean) if clean else 2022
    assert headline_year(draws) == expected
    assert headline_year(draws.relabel()) == expected            # swapping the states' labels changes nothing


def test_cell_status_and_marks_by_hand() -> None:
    table = pd.DataFrame({"id": ["a", "b", "c", "d"], "state": ["MEX", "MEX", "USA", "USA"],
                          "kind": ["domestic", "westphalian", "domestic", "westphalian"]})
    status = np.array([["observed", "carried"], ["forecast", "partial"], ["observed", "observed"],
                       ["missing", "observed"]])
    # kinds in KINDS order: domestic comparable both years, Westphalian in 2020 only (the USA lacks it in 2019)
    comparable = np.array([[True, True], [False, False], [False, True], [False, False]])
    cells = cell_status(status, table, comparable)
    assert cells[("MEX", "domestic")] == ["observed", "carried_forward"]
    assert cells[("MEX", "westphalian")] == ["forecast", "partial_year"]
    assert cells[("USA", "westphalian")] == ["missing", "observed"]
    # overall: 2019 uses domestic only (Westphalian not comparable), 2020 both
    assert cells[("MEX", "overall")] == ["observed", "partial_year, carried_forward"]
    assert [mark(s) for s in cells[("MEX", "overall")]] == ["", "*pc"]
    assert mark("forecast, partial_year, carried_forward") == "*fpc" and mark("missing") == ""
    assert all(f"{letter} = " in MARK_LEGEND for letter in "fpc")
    # the dashboard's drill-down marks an indicator by its own status with the same letters
    assert status_marks() == {"forecast": "*f", "partial": "*p", "carried": "*c"}
    checks = year_checks(status, table, comparable, np.array([2019, 2020]))
    assert checks[2019] == ()
    assert checks[2020] == ("Mexico's domestic sovereignty has no indicator observed in 2020 (a carried forward)",
                            "Mexico's Westphalian sovereignty has no indicator observed in 2020 (b part of the year)")


def test_a_window_cut_headlines_as_a_ledger_of_that_window() -> None:
    """The dashboard cuts windows from one run: choose_headline over a window = the verdict of that window."""
    planted = draws_with({("MEX", "domestic"): {2022: "forecast"}, ("USA", "westphalian"): {2020: "carried"}})
    full = verdict(score(planted, n_weightings=5))
    for first, last in ((2018, 2022), (2018, 2021), (2018, 2020), (2019, 2020)):
        keep = (YEARS >= first) & (YEARS <= last)
        cut = dataclasses.replace(planted, years=YEARS[keep], values=planted.values[..., keep],
                                  status=planted.status[:, keep])
        alone = verdict(score(cut, n_weightings=5))
        comparable = [c.year for c in full.comparisons if c.kind == "overall" and c.comparable]
        assert choose_headline(full.why.checks, comparable, first, last).year == alone.headline_year
        assert choose_headline(full.why.checks, comparable, first, last).reason == alone.why.reason


def test_flows_past_the_iron_rivers_evidence_make_an_indicator_a_forecast() -> None:
    from ironriver.sovereignty.catalogue import INDICATORS
    from ironriver.sovereignty.indicators import Inputs, Shared, measure
    from ironriver.store import literature, timeline

    inputs = Inputs(tables={}, literature=literature(), timeline=timeline())
    inputs.flow_draws = pd.DataFrame({"draw": [0, 0], "year": [2017, 2018], "guns_per_year": [144_000.0, 139_000.0]})
    shared = Shared(np.full(5, 25.0), 5.0)

    def statuses() -> list[str]:
        got = measure(INDICATORS["mx_inflow_per_legal_acquisition"], inputs, np.array([2017, 2018]), 5,
                      np.random.default_rng(0), shared)
        return list(got.status)

    assert statuses() == ["observed", "observed"]
    inputs.flow_forecast_years = frozenset({2018})
    assert statuses() == ["observed", "forecast"]


def test_an_indicator_a_specification_leaves_out_neither_marks_nor_blocks() -> None:
    """Under a specification without the observed second indicator, Mexico's domestic kind rests on the
    forecast alone in 2022, so the headline moves to 2021; the left-out indicator's own flags count for nothing."""
    from ironriver.sovereignty.contest import ledger_under
    from ironriver.sovereignty.specification import load_specification

    neutral = load_specification()
    planted = draws_with({("MEX", "domestic"): {2022: "forecast"}}, extra=True)
    without = neutral.with_changes(name="without-b", description="test",
                                   indicators={**neutral.indicators.model_dump(), "exclude": ["mex_domestic_b"]})
    assert verdict(ledger_under(planted, neutral, n_weightings=5)).headline_year == 2022
    assert verdict(ledger_under(planted, without, n_weightings=5)).headline_year == 2021
    flagged_out = draws_with({("MEX", "domestic"): {2022: "observed"}}, extra=True)
    status = flagged_out.status.copy()
    status[flagged_out.index("mex_domestic_b"), -1] = "carried"
    flagged_out = dataclasses.replace(flagged_out, status=status)
    ledger = ledger_under(flagged_out, without, n_weightings=5)
    assert verdict(ledger).headline_year == 2022
    table = ledger.table().set_index(["state", "kind", "year"])
    assert table.loc[("MEX", "domestic", 2022), "status"] == "observed"
