"""The ledger's tables, the verdict's wording and the illicit stock's edge cases, with every number by hand.

Constructed draws (share transforms: the value is the threat) with a different number of draws and years, so a
quantile taken over the wrong axis, an indicator listed under the wrong kind, a year counted at exactly one half,
or a stock run backwards by the wrong step changes a number below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ironriver.sovereignty.draws import IndicatorDraws
from ironriver.sovereignty.ledger import score
from ironriver.sovereignty.measures import illicit_stock, period_candidates
from ironriver.sovereignty.verdict import Comparison, Verdict, _pct

YEARS = np.array([2020, 2021, 2022])
N_DRAWS = 21


def ledger():
    """MEX domestic: draws 0, 0.05, …, 1 in 2020, rising by 0.1 a year (capped); USA domestic 0.3 flat;
    MEX Westphalian 0.9, USA Westphalian 0.1 in 2020 only; nothing for the USA's domestic kind in 2022."""
    ramp = np.linspace(0.0, 1.0, N_DRAWS)
    mex = np.stack([ramp, np.minimum(ramp + 0.1, 1.0), np.minimum(ramp + 0.2, 1.0)], axis=1)
    usa = np.tile([0.3, 0.3, np.nan], (N_DRAWS, 1))
    west = np.full((N_DRAWS, 3), 0.9)
    usa_west = np.tile([0.1, np.nan, np.nan], (N_DRAWS, 1))
    rows = [{"id": "mex_dom", "state": "MEX", "kind": "domestic", "concept": "harm"},
            {"id": "usa_dom", "state": "USA", "kind": "domestic", "concept": "harm"},
            {"id": "mex_west", "state": "MEX", "kind": "westphalian", "concept": "force"},
            {"id": "usa_west", "state": "USA", "kind": "westphalian", "concept": "force"}]
    draws = IndicatorDraws.constructed(rows, YEARS, np.stack([mex, usa, west, usa_west], axis=1))
    draws = IndicatorDraws(draws.years, draws.table, draws.values, draws.status,
                           (("a 2020", "a 2021", "a 2022"), ("b 2020", "b 2021", ""), ("c", "c", "c"), ("d", "", "")))
    return score(draws, n_weightings=7, seed=3), ramp


def test_ledger_table_quantiles_are_over_draws_per_year_and_list_the_indicators_used() -> None:
    led, ramp = ledger()
    table = led.table().set_index(["state", "kind", "year"])
    for j, year in enumerate(YEARS):
        column = np.minimum(ramp + 0.1 * j, 1.0)
        got = table.loc[("MEX", "domestic", int(year))]
        assert (got["median"], got["low90"], got["high90"]) == pytest.approx(
            tuple(np.quantile(column, [0.5, 0.05, 0.95])), abs=1e-6)
        assert got["indicators"] == "mex_dom"
    # overall: only the domestic kind is comparable in 2021, so MEX's overall is its domestic score
    assert table.loc[("MEX", "overall", 2021), "median"] == pytest.approx(0.6, abs=1e-6)
    assert table.loc[("MEX", "overall", 2020), "indicators"] == "mex_dom, mex_west"
    assert table.loc[("MEX", "overall", 2021), "indicators"] == "mex_dom"
    assert table.loc[("USA", "overall", 2021), "indicators"] == "usa_dom"
    assert table.loc[("MEX", "westphalian", 2020), "indicators"] == "mex_west"
    assert table.loc[("USA", "domestic", 2022), "indicators"] == ""              # missing that year
    assert table.loc[("MEX", "overall", 2022), "indicators"] == ""               # no comparable kind
    assert np.isnan(table.loc[("MEX", "overall", 2022), "median"])
    assert len(table) == 2 * 5 * 3


def test_indicator_table_has_value_and_threat_intervals_and_drops_missing_years() -> None:
    led, ramp = ledger()
    table = led.indicator_table()
    assert len(table) == 3 + 2 + 3 + 1                                           # missing years are dropped
    mex = table[(table["indicator"] == "mex_dom") & (table["year"] == 2022)].iloc[0]
    column = np.minimum(ramp + 0.2, 1.0)
    assert (mex["value"], mex["low90"], mex["high90"]) == pytest.approx(tuple(np.quantile(column, [0.5, 0.05, 0.95])))
    assert (mex["threat"], mex["threat_low90"], mex["threat_high90"]) == pytest.approx(
        tuple(np.quantile(column, [0.5, 0.05, 0.95])), abs=1e-6)                 # a share is its own threat
    assert (mex["state"], mex["kind"], mex["concept"], mex["status"], mex["lineage"]) == \
        ("MEX", "domestic", "harm", "observed", "a 2022")
    usa = table[table["indicator"] == "usa_dom"]
    assert list(usa["year"]) == [2020, 2021] and list(usa["lineage"]) == ["b 2020", "b 2021"]
    assert usa["value"].tolist() == pytest.approx([0.3, 0.3])


def comparison(year: int, p_mex: float, p_usa: float, kind: str = "overall", n: int = 10) -> Comparison:
    return Comparison(year, kind, p_mex, p_usa, 1 - p_mex - p_usa, 0.5, 0.5, n)


def test_across_counts_years_strictly_above_one_half() -> None:
    result = Verdict((comparison(2020, 0.9, 0.1), comparison(2021, 0.5, 0.5), comparison(2022, 0.2, 0.8),
                      comparison(2023, 0.99, 0.0, kind="domestic"), comparison(2019, np.nan, np.nan, n=0)), 2022)
    assert result.across() == "Across 2020–2022, Mexico's is the more threatened in 1 of 3 years, the USA's in 1."
    only_mex = Verdict((comparison(2020, 0.9, 0.1), comparison(2021, 0.5, 0.5)), 2021)
    assert only_mex.across() == "Across 2020–2021, Mexico's is the more threatened in 1 of 2 years."
    none = Verdict((comparison(2020, np.nan, np.nan, n=0),), 2020)
    assert none.across() == "No year of the window allows a comparison."


def test_percentages_are_rounded_hundredths() -> None:
    assert (_pct(1.0), _pct(0.25), _pct(0.0), _pct(0.994)) == ("100%", "25%", "0%", "99%")


def test_illicit_stock_scalar_attrition_for_many_draws_and_the_backward_step() -> None:
    years = np.arange(2014, 2020)
    inflow = np.full((2, 6), 10.0)
    got = illicit_stock(100.0, 2017, years, inflow, 0.1, backwards=True)
    # forwards: 100 × 0.9 + 10 = 100 (a fixed point); backwards: (100 − 10) / 0.9 = 100 every year
    np.testing.assert_allclose(got, np.full((2, 6), 100.0))
    rising = illicit_stock(100.0, 2017, years, inflow * 2, 0.1, backwards=True)[0]
    # backwards: S2016 = (100 − 20)/0.9, S2015 = (S2016 − 20)/0.9, S2014 = (S2015 − 20)/0.9; forwards 110, 119
    s2016 = 80 / 0.9
    s2015 = (s2016 - 20) / 0.9
    np.testing.assert_allclose(rising, [(s2015 - 20) / 0.9, s2015, s2016, 100.0, 110.0, 119.0])


def test_illicit_stock_backwards_keeps_a_small_positive_stock_and_drops_a_zero_one() -> None:
    years = np.array([2016, 2017])
    small = illicit_stock(100.0, 2017, years, np.array([[0.0, 99.5]]), 0.0, backwards=True)
    assert small[0, 0] == pytest.approx(0.5)
    zero = illicit_stock(100.0, 2017, years, np.array([[0.0, 100.0]]), 0.0, backwards=True)
    assert np.isnan(zero[0, 0])                                # no guns left: not a stock the chain can start from


def test_period_candidates_include_both_ends_and_need_both() -> None:
    rows = pd.DataFrame({"id": ["a", "b", "c"], "period_start": pd.array([2004, 2009, 2001], dtype="Int64"),
                         "period_end": pd.array([2008, 2014, pd.NA], dtype="Int64")})
    assert list(period_candidates(rows, 2004)["id"]) == ["a"]
    assert list(period_candidates(rows, 2008)["id"]) == ["a"]
    assert list(period_candidates(rows, 2014)["id"]) == ["b"]
    assert period_candidates(rows, 2001).empty                 # "c" has no end: never used


def test_the_sentence_names_the_more_threatened_state_and_swaps_with_the_labels() -> None:
    from ironriver.sovereignty.verdict import sentence

    mex = sentence(Comparison(2021, "overall", 0.6, 0.4, 0.0, 0.75, 0.8, 100))
    assert mex == ("In 2021, Mexico's sovereignty overall is the more threatened: P = 0.60 over posterior draws "
                   "× weightings (80% of posterior draws and 75% of kind weightings).")
    usa = sentence(Comparison(2021, "overall", 0.4, 0.6, 0.0, 0.25, 0.2, 100))
    assert usa.startswith("In 2021, the USA's sovereignty overall is the more threatened: P = 0.60")
    # exactly even: neither state is named first, and swapping the labels gives the same sentence
    even = sentence(Comparison(2021, "domestic", 0.3, 0.3, 0.4, 0.5, 0.5, 100))
    assert "does not separate the two states" in even and "30%" in even
    # ties in half the cells are not "neither is threatened"; more than half are
    assert "neither" not in sentence(Comparison(2021, "overall", 0.5, 0.0, 0.5, 1.0, 1.0, 100))
    assert "neither" in sentence(Comparison(2021, "overall", 0.4, 0.0, 0.6, 1.0, 1.0, 100))


def test_a_verdicts_sentence_reads_the_year_asked_for() -> None:
    result = Verdict((comparison(2020, 0.9, 0.1), comparison(2021, 0.1, 0.9)), 2021)
    assert result.sentence().startswith("In 2021, the USA's") and result.sentence(2020).startswith("In 2020, Mexico's")
    assert result.summary() == f"{result.sentence()} {result.across()}"


def test_the_ledgers_assumptions_are_sampled_as_documented() -> None:
    from ironriver.sovereignty.transforms import ASSUMPTIONS

    # the illicit stock's attrition is the iron river's posterior, not a second ledger assumption
    assert "illicit_stock_attrition" not in ASSUMPTIONS
    carry = ASSUMPTIONS["carry_log_sd_per_year"]
    assert (carry.value, carry.low, carry.high, carry.distribution, carry.kind, carry.used_by) \
        == (0.15, 0.05, 0.3, "loguniform", "sampled", "ledger")
    assert ASSUMPTIONS["decay_half_life_years"].distribution == "loguniform"
    cap = ASSUMPTIONS["carry_forward_cap_years"]
    assert (cap.distribution, cap.kind, cap.value) == ("fixed", "fixed", 3.0)


def test_indicator_table_without_lineage_or_indicators() -> None:
    from ironriver.sovereignty.ledger import Ledger

    led, _ = ledger()
    table = led.indicator_table()
    assert list(table.index) == list(range(len(table)))                         # one numbered table
    plain = IndicatorDraws(led.draws.years, led.draws.table, led.draws.values, led.draws.status)   # no lineage
    assert set(score(plain, n_weightings=3).indicator_table()["lineage"]) == {""}
    empty = IndicatorDraws(YEARS, pd.DataFrame(), np.empty((4, 0, 3)), np.empty((0, 3), dtype=str))
    nothing = Ledger(empty, np.empty((4, 0, 3)), {}, {}, np.zeros((4, 3), bool), np.full((2, 4), 0.25))
    assert nothing.indicator_table().empty


def test_the_headline_year_is_the_latest_with_an_overall_comparison() -> None:
    from ironriver.sovereignty.verdict import verdict

    led, _ = ledger()                                  # nothing comparable in 2022
    result = verdict(led)
    assert result.headline_year == 2021 and result.headline.year == 2021
    assert not result.get(2022).comparable and result.get(2020, "westphalian").comparable


def test_a_comparison_with_no_cells_is_nan_not_none() -> None:
    from ironriver.sovereignty.verdict import compare

    c = compare(np.full((3, 4), np.nan), np.zeros((3, 4)), 2020, "domestic")
    assert not c.comparable and c.n_cells == 0
    assert all(np.isnan(v) for v in (c.p_mex_more, c.p_usa_more, c.p_tie, c.share_weightings_mex, c.share_draws_mex))


def test_the_ledger_keeps_draws_in_single_precision_and_the_verdict_says_why() -> None:
    """Scores are stored as float32 (thousands of draws × weightings × years, both states alike); the verdict
    of a ledger carries the headline rule's reasons for its headline year."""
    from ironriver.sovereignty.verdict import verdict

    led, _ = ledger()
    assert led.threat_draws.dtype == np.float32
    assert {a.dtype for a in led.overall.values()} == {np.dtype(np.float32)}
    assert {a.dtype for a in led.kind_scores.values()} == {np.dtype(np.float32)}
    result = verdict(led)
    assert result.why is not None and result.why.year == result.headline_year
    assert set(result.why.checks) == {int(y) for y in led.draws.years}
