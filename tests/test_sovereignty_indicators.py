"""Indicator functions on hand-computed cases, and on the real store where a published figure checks them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ironriver.sovereignty.indicators import (
    INDICATORS,
    KINDS,
    Inputs,
    cinc_ratio,
    compute_indicators,
    decayed_count,
    firearm_homicide_rates,
    illicit_stock,
    period_candidates,
)


def _homicides(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["state_code", "year", "month", "homicides", "firearm_homicides", "source"])
    return frame.astype({"month": "Int64", "homicides": "Int64", "firearm_homicides": "Int64"})


POPULATION = pd.DataFrame({"state_code": ["00", "01", "02", "01", "02"], "year": [2020, 2020, 2020, 2008, 2008],
                           "population_mid_year": [300_000, 120_000, 180_000, 120_000, 180_000]})


def test_firearm_homicide_rate_over_reporting_state_months() -> None:
    # State 01 reports 12 months with 1 firearm homicide each; state 02 reports only January (5) and
    # February is NA. Person-years: 01 → 120,000; 02 → 180,000 / 12 = 15,000. Rate = 1e5 × 17 / 135,000.
    rows = [("01", 2020, m, 2, 1, "sesnsp") for m in range(1, 13)]
    rows += [("02", 2020, 1, 9, 5, "sesnsp"), ("02", 2020, 2, None, None, "sesnsp")]
    rates = firearm_homicide_rates(_homicides(rows), POPULATION)
    assert rates.loc[0, "rate"] == pytest.approx(1e5 * 17 / 135_000)
    assert rates.loc[0, "months_reported"] == 13
    by_state = firearm_homicide_rates(_homicides(rows), POPULATION, by_state=True).set_index("state_code")
    assert by_state.loc["01", "rate"] == pytest.approx(1e5 * 12 / 120_000)
    assert by_state.loc["02", "rate"] == pytest.approx(1e5 * 5 / 15_000)   # one month, annualised


def test_month_unknown_deaths_count_without_person_time() -> None:
    rows = [("01", 2008, m, 1, 1, "valle_ssa") for m in range(1, 13)] + [("01", 2008, None, 3, 3, "valle_ssa")]
    rates = firearm_homicide_rates(_homicides(rows), POPULATION)
    assert rates.loc[0, "rate"] == pytest.approx(1e5 * 15 / 120_000)


def test_one_source_per_year_the_later_in_the_list() -> None:
    rows = [("01", 2008, m, 1, 1, "valle_ssa") for m in range(1, 13)]
    rows += [("01", 2008, m, 9, 4, "sesnsp") for m in range(1, 13)]
    rates = firearm_homicide_rates(_homicides(rows), POPULATION)
    assert rates.loc[0, "source"] == "sesnsp"
    assert rates.loc[0, "rate"] == pytest.approx(1e5 * 48 / 120_000)


def test_decayed_count_by_hand() -> None:
    years = np.array([1999, 2000, 2010, 2035])
    got = decayed_count(np.array([2000, 2010]), years, 10.0)
    assert got == pytest.approx([0.0, 1.0, 1.5, 0.5 ** 3.5 + 0.5 ** 2.5])
    per_draw = decayed_count(np.array([2000]), years, np.array([10.0, 5.0]))
    assert per_draw.shape == (2, 4)
    assert per_draw[:, 2] == pytest.approx([0.5, 0.25])


def test_illicit_stock_forwards_and_backwards() -> None:
    years = np.array([2016, 2017, 2018])
    inflow = np.array([[10.0, 10.0, 10.0], [10.0, 10.0, 10.0]])
    stock = illicit_stock(100.0, 2017, years, inflow, np.array([0.0, 0.1]), backwards=True)
    assert stock[0] == pytest.approx([90.0, 100.0, 110.0])
    assert stock[1] == pytest.approx([100.0, 100.0, 100.0])   # 100 × 0.9 + 10 = 100 is a fixed point
    forwards = illicit_stock(100.0, 2017, years, inflow, 0.0)
    assert np.isnan(forwards[:, 0]).all() and forwards[0, 2] == pytest.approx(110.0)
    too_much = illicit_stock(100.0, 2017, years, np.full((1, 3), 150.0), 0.0, backwards=True)
    assert np.isnan(too_much[0, 0])                          # would be −50: not a stock
    only_anchor = illicit_stock(100.0, 2017, years, None, 0.02)
    assert np.isnan(only_anchor[0, [0, 2]]).all() and only_anchor[0, 1] == 100.0


def test_period_candidates_cover_then_carry_forward_never_back() -> None:
    rows = pd.DataFrame({"id": ["a", "b", "c"], "value": [1.0, 2.0, 3.0],
                         "period_start": pd.array([2004, 2009, pd.NA], dtype="Int64"),
                         "period_end": pd.array([2008, 2014, pd.NA], dtype="Int64")})
    covering, how = period_candidates(rows, 2006)
    assert list(covering["id"]) == ["a"] and how == "covers"
    later, how = period_candidates(rows, 2020)
    assert list(later["id"]) == ["b"] and how.startswith("carried forward from 2014")
    earlier, how = period_candidates(rows, 2000)
    assert earlier.empty and how == ""


def test_cinc_ratio_excludes_the_series_break() -> None:
    nmc = pd.DataFrame({"ccode": [2, 70, 2, 70], "year": [2016, 2016, 2017, 2017],
                        "cinc": [0.12, 0.015, 0.11, 0.011], "series_break": [False, False, True, True]})
    ratio = cinc_ratio(nmc, "USA", "MEX")
    assert list(ratio["year"]) == [2016]
    assert ratio["ratio"].iloc[0] == pytest.approx(8.0)


def _inputs(**tables: pd.DataFrame) -> Inputs:
    from ironriver.store import literature, timeline

    return Inputs(tables=dict(tables), literature=literature(), timeline=timeline())


def _by_id(series: list, indicator_id: str):
    return next(s for s in series if s.indicator.id == indicator_id)


def test_every_kind_is_measured_for_both_states() -> None:
    for state in ("MEX", "USA"):
        assert {i.kind for i in INDICATORS.values() if i.state == state} == set(KINDS)
    for indicator in INDICATORS.values():
        assert indicator.formula and indicator.unit and indicator.sources and indicator.direction


def test_cartel_members_per_soldier_back_by_published_growth() -> None:
    from ironriver.store import literature_value

    nmc = pd.DataFrame({"ccode": [70, 70], "year": [2020, 2022], "milper": [250, 200],
                        "cinc": [0.01, 0.01], "series_break": [True, True]})
    series = _by_id(compute_indicators(_inputs(cow_nmc=nmc), np.array([2011, 2020, 2022, 2024]), 50, 0),
                    "mx_cartel_members_per_soldier")
    members, growth = literature_value("cartel_members_mx_2022"), literature_value("cartel_members_growth_2012_2022")
    assert np.isnan(series.value[0])                                   # before the published growth period
    assert series.value[1] == pytest.approx((members.value - 2 * growth.value) / 250_000)
    assert series.value[2] == pytest.approx(members.value / 200_000)
    assert series.value[3] == pytest.approx(members.value / 200_000)   # carried forward, and milper too
    assert "carried forward" in series.lineage[3]
    assert (series.draws[:, 2] >= members.low / 200_000 - 1e-12).all()
    assert (series.draws[:, 2] <= members.high / 200_000 + 1e-12).all()


def test_remedies_denied_counts_the_shield_and_rulings_against_the_state() -> None:
    series = compute_indicators(_inputs(), np.array([2004, 2005, 2022, 2025]), 10, 0)
    mx, us = _by_id(series, "mx_remedies_denied"), _by_id(series, "us_remedies_denied")
    # PLCAA from 2005; rulings targeting Mexico: Medellín 2008, 2022 dismissal, 2024 jurisdiction, 2025 9–0
    # (certiorari is no longer coded a ruling); against the USA: the ICJ's Avena judgment, 2004.
    assert list(mx.value) == [0.0, 1.0, 3.0, 5.0]
    assert "scotus_sw_2025" in mx.lineage[3] and "cert_granted_2024" not in mx.lineage[3]
    assert list(us.value) == [1.0, 1.0, 1.0, 1.0] and "avena_icj_2004" in us.lineage[0]


def test_live_signals_appear_in_2025_only_for_mexico() -> None:
    series = compute_indicators(_inputs(), np.array([2024, 2025]), 10, 0)
    mx, us = _by_id(series, "mx_live_force_signals"), _by_id(series, "us_live_force_signals")
    assert mx.value[0] == 0.0 and mx.value[1] == pytest.approx(3.0)   # EO 14157, FTO designation, directive
    assert list(us.value) == [0.0, 0.0]


def test_swb_apprehensions_skip_a_part_fiscal_year_and_use_the_cited_fy2025() -> None:
    annual = pd.DataFrame({"fiscal_year": [2024, 2025], "region": ["Southwest Land Border"] * 2,
                           "encounters": [1_530_520, 103_140]})
    monthly = pd.DataFrame({"fiscal_year": [2024] * 12 + [2025] * 2, "region": ["Southwest Land Border"] * 14})
    series = _by_id(compute_indicators(_inputs(usbp_encounters_annual=annual, usbp_encounters_monthly=monthly),
                                       np.array([2024, 2025]), 10, 0), "us_swb_apprehensions")
    assert series.value[0] == 1_530_520
    assert series.value[1] == 237_565 and series.lineage[1] == "literature usbp_swb_apprehensions_fy2025"


def test_models_that_are_missing_are_named_not_invented() -> None:
    inputs = _inputs()
    computed = {s.indicator.id for s in compute_indicators(inputs, np.array([2010]), 10, 0)}
    assert "mx_inflow_per_legal_acquisition" not in computed and "mx_spillover_effect" not in computed
    assert any("iron-river" in note for note in inputs.missing)
    assert any("spillover" in note for note in inputs.missing)


def test_inflow_per_legal_acquisition_uses_the_flow_draws() -> None:
    inputs = _inputs()
    inputs.flow_draws = pd.DataFrame({"draw": [0, 1, 0, 1], "year": [2017, 2017, 2018, 2018],
                                      "guns_per_year": [144_000.0, 144_000.0, 139_000.0, 139_000.0]})
    series = _by_id(compute_indicators(inputs, np.array([2017, 2018]), 20, 0), "mx_inflow_per_legal_acquisition")
    # legal_sales_dcam_2017 = 14,400 and legal_sales_dcam_scmp_2018 = 13,900 guns a year: ratio 10 both years.
    assert series.value == pytest.approx([10.0, 10.0])
    assert np.allclose(series.draws, 10.0)


# --- on the real store ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_inputs() -> Inputs:
    from ironriver.sovereignty.chain import gather_inputs

    return gather_inputs()


def test_firearm_homicide_rate_2024_equals_sum_over_national_population(store_inputs: Inputs) -> None:
    from ironriver.store import sql

    firearm = sql("SELECT sum(firearm_homicides) AS f FROM mx_homicides WHERE source='sesnsp' AND year=2024")["f"][0]
    people = sql("SELECT population_mid_year AS p FROM mx_population WHERE state_code='00' AND year=2024")["p"][0]
    series = _by_id(compute_indicators(store_inputs, np.array([2024]), 10, 0), "mx_firearm_homicide_rate")
    # all 32 states report every month of 2024 and pry23 states sum exactly to the national row
    assert series.value[0] == pytest.approx(1e5 * firearm / people, rel=1e-9)


def test_cinc_ratio_2016_matches_the_cited_ratio(store_inputs: Inputs) -> None:
    from ironriver.store import literature_value

    series = _by_id(compute_indicators(store_inputs, np.array([2016, 2020]), 10, 0), "mx_cinc_ratio")
    assert series.value[0] == pytest.approx(literature_value("cinc_ratio_usa_mex_2016").value, rel=0.01)
    assert series.value[1] == series.value[0] and "carried forward" in series.lineage[1]


def test_fentanyl_fy2023_matches_the_cited_swb_figure(store_inputs: Inputs) -> None:
    from ironriver.store import literature_value

    series = _by_id(compute_indicators(store_inputs, np.array([2023, 2024]), 10, 0), "us_fentanyl_seized_swb")
    assert series.value[0] == pytest.approx(literature_value("fentanyl_seized_lbs_swb_fy2023").value, rel=0.001)
    assert series.lineage[1] == "literature fentanyl_seized_lbs_swb_fy2024"


def test_us_uses_of_force_against_mexico_end_in_the_1910s(store_inputs: Inputs) -> None:
    series = _by_id(compute_indicators(store_inputs, np.array([1998, 2025]), 10, 0), "mx_uses_of_force_against")
    assert 0 < series.value[1] < series.value[0] < 1.0      # decaying, no new dispute since 1920


def test_column_quantiles_match_numpy_nanquantile() -> None:
    from ironriver.sovereignty.indicators import _nan_quantiles

    draws = np.random.default_rng(1).normal(size=(501, 4))
    draws[:200, 1] = np.nan
    draws[:, 3] = np.nan
    got = _nan_quantiles(draws, (0.05, 0.5, 0.95))
    for q, column in zip((0.05, 0.5, 0.95), got):
        assert np.allclose(column[:3], np.nanquantile(draws[:, :3], q, axis=0))
        assert np.isnan(column[3])


def test_illicit_stock_chain_starts_at_the_anchor_even_when_the_window_starts_later() -> None:
    from ironriver.store import literature_value

    nmc = pd.DataFrame({"ccode": [70], "year": [2017], "milper": [200], "cinc": [0.01], "series_break": [True]})
    inputs = _inputs(cow_nmc=nmc)
    inputs.flow_draws = pd.DataFrame({"draw": 0, "year": np.arange(2015, 2023), "guns_per_year": 100_000.0})
    series = _by_id(compute_indicators(inputs, np.array([2020, 2021, 2022]), 30, 0), "mx_illicit_guns_per_soldier")
    anchor = (literature_value("civilian_firearms_mx_sas_2017").value
              - literature_value("registered_firearms_mx_2017").value) / 200_000
    assert np.isfinite(series.value).all()
    # between "all attrition at its maximum" and "no attrition": S_2017 × (1 − a)^k + inflow over k years
    assert anchor * 0.95 ** 3 < series.value[0] < anchor + 3 * 100_000 / 200_000 + 1e-9
    assert "carried forward" in series.lineage[0]                          # milper 2017 carried to 2020
    early = _by_id(compute_indicators(inputs, np.array([2015, 2016]), 10, 0), "mx_illicit_guns_per_soldier")
    assert np.isnan(early.value).all()                                     # never chained backwards
