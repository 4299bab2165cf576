"""Indicator functions on hand-computed cases, and on the real store where a published figure checks them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ironriver.sovereignty.catalogue import INDICATORS, KINDS, concepts
from ironriver.sovereignty.draws import build_indicator_draws
from ironriver.sovereignty.indicators import Inputs, Measured, Shared, measure
from ironriver.sovereignty.measures import (
    carry_forward,
    cinc_ratio,
    decayed_count,
    firearm_homicide_rates,
    illicit_stock,
    nan_quantiles,
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


def test_period_candidates_cover_only_never_carry() -> None:
    rows = pd.DataFrame({"id": ["a", "b", "c"], "value": [1.0, 2.0, 3.0],
                         "period_start": pd.array([2004, 2009, pd.NA], dtype="Int64"),
                         "period_end": pd.array([2008, 2014, pd.NA], dtype="Int64")})
    assert list(period_candidates(rows, 2006)["id"]) == ["a"]
    assert period_candidates(rows, 2020).empty and period_candidates(rows, 2000).empty


def test_carry_forward_by_hand() -> None:
    observed = np.array([False, True, False, False, False, False, True, False])
    source, carried = carry_forward(observed, 3)
    assert list(source) == [-1, 1, 1, 1, 1, -1, 6, 6]          # year 5 is 4 years on: missing, not carried
    assert list(carried) == [-1, 0, 1, 2, 3, -1, 0, 1]
    assert list(carry_forward(observed, 0)[0]) == [-1, 1, -1, -1, -1, -1, 6, -1]
    # an observation in the first year is carried like any other
    source, carried = carry_forward(np.array([True, False, False, False, False]), 3)
    assert list(source) == [0, 0, 0, 0, -1] and list(carried) == [0, 1, 2, 3, -1]


def test_cinc_ratio_excludes_the_series_break() -> None:
    nmc = pd.DataFrame({"ccode": [2, 70, 2, 70], "year": [2016, 2016, 2017, 2017],
                        "cinc": [0.12, 0.015, 0.11, 0.011], "series_break": [False, False, True, True]})
    ratio = cinc_ratio(nmc, "USA", "MEX")
    assert list(ratio["year"]) == [2016]
    assert ratio["ratio"].iloc[0] == pytest.approx(8.0)
    both = cinc_ratio(nmc, "USA", "MEX", include_break=True)
    assert list(both["ratio"]) == pytest.approx([8.0, 10.0]) and list(both["series_break"]) == [False, True]
    # only after the break: no year, with the columns' types kept
    empty = cinc_ratio(nmc[nmc["year"] == 2017], "USA", "MEX")
    assert empty.empty and empty.dtypes.to_dict() == {"year": np.dtype(int), "ratio": np.dtype(float),
                                                     "series_break": np.dtype(bool)}


SHARED = Shared(decay_half_life_years=np.full(50, 25.0), spillover_half_life_years=5.0)


def _inputs(**tables: pd.DataFrame) -> Inputs:
    from ironriver.store import literature, timeline

    return Inputs(tables=dict(tables), literature=literature(), timeline=timeline())


def run(indicator_id: str, inputs: Inputs, years: list[int] | np.ndarray, n_draws: int = 50) -> Measured:
    shared = Shared(SHARED.decay_half_life_years[:n_draws], 5.0)
    return measure(INDICATORS[indicator_id], inputs, np.asarray(years), n_draws, np.random.default_rng(0), shared)


def test_every_indicator_has_a_concept_and_every_kind_a_concept_for_both_states() -> None:
    table = concepts()
    named = set(table["MEX"]) | set(table["USA"])
    assert set(INDICATORS) <= named and named - {""} <= set(INDICATORS)
    for state in ("MEX", "USA"):
        assert set(table.loc[table[state] != "", "kind"]) == set(KINDS)
    assert (table.loc[(table["MEX"] == "") | (table["USA"] == ""), "note"].str.len() > 40).all()
    for indicator in INDICATORS.values():
        assert indicator.formula and indicator.unit and indicator.sources and indicator.source in (
            "dataset", "literature", "model", "events")


def test_cartel_members_per_soldier_back_by_published_growth_and_not_carried_here() -> None:
    from ironriver.store import literature_value

    nmc = pd.DataFrame({"ccode": [70, 70], "year": [2020, 2022], "milper": [250, 200],
                        "cinc": [0.01, 0.01], "series_break": [True, True]})
    got = run("mx_cartel_members_per_soldier", _inputs(cow_nmc=nmc), [2011, 2020, 2022, 2024])
    members, growth = literature_value("cartel_members_mx_2022"), literature_value("cartel_members_growth_2012_2022")
    assert list(got.status) == ["missing", "observed", "observed", "missing"]   # 2024: the carry rule decides
    assert np.median(got.draws[:, 1]) == pytest.approx((members.value - 2 * growth.value) / 250_000, rel=0.02)
    assert (got.draws[:, 2] >= members.low / 200_000 - 1e-12).all()
    assert (got.draws[:, 2] <= members.high / 200_000 + 1e-12).all()


def test_milper_after_the_series_break_is_a_range_and_repeats_are_not_measurements() -> None:
    from ironriver.store import literature_value

    nmc = pd.DataFrame({"ccode": [70] * 4, "year": [2016, 2017, 2020, 2021], "milper": [277, 277, 236, 216],
                        "cinc": [0.01] * 4, "series_break": [False, True, True, True],
                        "milper_repeated": [False, True, False, False]})
    got = run("mx_cartel_members_per_soldier", _inputs(cow_nmc=nmc), [2016, 2017, 2020, 2021], 400)
    assert list(got.status) == ["observed", "missing", "observed", "observed"]
    members, growth = literature_value("cartel_members_mx_2022"), literature_value("cartel_members_growth_2012_2022")
    at_2021 = (np.array([members.low, members.high]) - growth.value)
    assert got.draws[:, 3].min() >= at_2021[0] / 277_000 - 1e-9 and got.draws[:, 3].max() <= at_2021[1] / 216_000
    assert got.draws[:, 3].max() > (members.value - growth.value) / 236_000    # the 216–277 thousand range is drawn
    assert "uniform 216,000–277,000" in got.lineage[3]


def test_encounters_skip_a_part_fiscal_year_and_say_title_42() -> None:
    annual = pd.DataFrame({"fiscal_year": [2021, 2024, 2025], "region": ["Southwest Land Border"] * 3,
                           "encounters": [1_659_206, 1_530_520, 103_140]})
    monthly = pd.DataFrame({"fiscal_year": [2021] * 12 + [2024] * 12 + [2025] * 2,
                            "region": ["Southwest Land Border"] * 26})
    got = run("us_swb_encounters", _inputs(usbp_encounters_annual=annual, usbp_encounters_monthly=monthly),
              [2021, 2024, 2025])
    assert got.draws[0, 0] == 1_659_206 and "Title 42" in got.lineage[0]
    assert got.draws[0, 1] == 1_530_520 and "Title 42" not in got.lineage[1]
    assert got.status[2] == "missing"                      # two months are not a year's flow


def test_illicit_stock_per_soldier_exactly_at_a_known_attrition() -> None:
    from ironriver.store import literature_value

    nmc = pd.DataFrame({"ccode": [70] * 3, "year": [2018, 2019, 2020], "milper": [200, 200, 250],
                        "cinc": [0.01] * 3, "series_break": [True] * 3})
    inputs = _inputs(cow_nmc=nmc)
    inputs.flow_draws = pd.DataFrame({"draw": 0, "year": np.arange(2015, 2023), "guns_per_year": 100_000.0})
    inputs.attrition_draws = pd.DataFrame({"draw": [0], "attrition": [0.02]})
    got = run("mx_illicit_guns_per_soldier", inputs, [2016, 2017, 2018, 2019, 2020])
    anchor = literature_value("civilian_firearms_mx_sas_2017").value - literature_value("registered_firearms_mx_2017").value
    s2018 = anchor * 0.98 + 100_000
    s2019 = s2018 * 0.98 + 100_000
    s2020 = s2019 * 0.98 + 100_000
    assert list(got.status) == ["missing", "missing", "observed", "observed", "observed"]  # no milper 2017; no back
    assert got.draws[:, 2:] == pytest.approx(np.tile([s2018 / 200_000, s2019 / 200_000, s2020 / 250_000], (50, 1)))


def test_illicit_stock_follows_the_attrition_of_the_same_posterior_draw() -> None:
    """Two posterior draws, each with its own flow and attrition: each resampled row keeps its own pair."""
    from ironriver.store import literature_value

    nmc = pd.DataFrame({"ccode": [70], "year": [2018], "milper": [200], "cinc": [0.01], "series_break": [True]})
    inputs = _inputs(cow_nmc=nmc)
    inputs.flow_draws = pd.DataFrame({"draw": [7, 7, 9, 9], "year": [2017, 2018] * 2,
                                      "guns_per_year": [50_000.0, 100_000.0, 50_000.0, 300_000.0]})
    inputs.attrition_draws = pd.DataFrame({"draw": [9, 7], "attrition": [0.10, 0.01]})
    got = run("mx_illicit_guns_per_soldier", inputs, [2018])
    anchor = literature_value("civilian_firearms_mx_sas_2017").value - literature_value("registered_firearms_mx_2017").value
    allowed = {(anchor * (1 - a) + flow) / 200_000 for a, flow in ((0.01, 100_000), (0.10, 300_000))}
    assert set(np.round(got.draws[:, 0], 6)) == {round(v, 6) for v in allowed}     # both draws appear, paired
    assert "same posterior draw" in got.lineage[0]


def test_illicit_stock_is_missing_without_attrition_draws() -> None:
    nmc = pd.DataFrame({"ccode": [70], "year": [2018], "milper": [200], "cinc": [0.01], "series_break": [True]})
    inputs = _inputs(cow_nmc=nmc)
    inputs.flow_draws = pd.DataFrame({"draw": 0, "year": [2017, 2018], "guns_per_year": 100_000.0})
    got = run("mx_illicit_guns_per_soldier", inputs, [2018])
    assert list(got.status) == ["missing"]


def test_spillover_is_confined_to_its_window_and_decays_after_it() -> None:
    inputs = _inputs()
    inputs.spillover_effect_draws = np.array([40.0])
    got = run("mx_spillover_effect", inputs, [2003, 2004, 2005, 2008, 2013, 2018])
    assert list(got.status) == ["missing", "missing", "observed", "observed", "forecast", "forecast"]
    assert got.draws[0, 2:] == pytest.approx([40.0, 40.0, 40.0 * 0.5, 40.0 * 0.25])   # half-life 5 years


def test_inflow_per_legal_acquisition_uses_the_flow_draws_only_in_covered_years() -> None:
    inputs = _inputs()
    inputs.flow_draws = pd.DataFrame({"draw": [0, 1, 0, 1, 0, 1], "year": [2017, 2017, 2018, 2018, 2019, 2019],
                                      "guns_per_year": [144_000.0, 144_000.0, 139_000.0, 139_000.0, 1.0, 1.0]})
    got = run("mx_inflow_per_legal_acquisition", inputs, [2017, 2018, 2019], 20)
    # legal_sales_dcam_2017 = 14,400 and legal_sales_dcam_scmp_2018 = 13,900 guns a year: ratio 10 both years.
    assert np.allclose(got.draws[:, :2], 10.0)
    assert got.status[2] == "missing"                      # no cited legal-sales figure covers 2019


def test_remedies_denied_read_by_the_coding_rule() -> None:
    years = [2004, 2005, 2008, 2022, 2023, 2024, 2025]
    mx, us = (run(f"{p}_remedies_denied", _inputs(), years, 2) for p in ("mx", "us"))
    # Mexico, by hand: Optional Protocol withdrawal and PLCAA 2005; Medellín 2008; the 2022 dismissal until the First
    # Circuit reversed it (2024); the Supreme Court's 2025 ruling, once. Certiorari and the interlocutory jurisdiction
    # ruling rule on no remedy. Nothing is coded against Mexico before 2005: 2004 is missing, not zero.
    assert mx.status[0] == "missing" and list(mx.draws[0, 1:]) == [2.0, 3.0, 4.0, 4.0, 3.0, 4.0]
    assert "cert_granted_2024" not in mx.lineage[-1] and mx.lineage[-1].count("scotus_sw_2025") == 1
    assert "mexico_v_sw_dismissed_2022" in mx.lineage[4] and "mexico_v_sw_dismissed_2022" not in mx.lineage[5]
    # The USA: the ICJ's Avena judgment (2004) binds it to a forum it rejects; Medellín reads for the USA.
    assert list(us.draws[0]) == [1.0] * 7 and "avena_icj_2004" in us.lineage[0]


def test_nothing_coded_is_missing_not_zero() -> None:
    got = run("mx_live_force_signals", _inputs(), [2020, 2024, 2025], 2)
    assert list(got.status[:2]) == ["missing", "missing"] and got.status[2] == "observed"


# --- on the real store ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store_inputs() -> Inputs:
    from ironriver.sovereignty.chain import gather_inputs

    return gather_inputs()


def test_border_states_homicide_rate_2024_by_hand(store_inputs: Inputs) -> None:
    from ironriver.store import sql

    deaths = sql("SELECT sum(homicides) AS h FROM mx_homicides WHERE source='sesnsp' AND year=2024 AND "
                 "state_code IN ('02','05','08','19','26','28')")["h"][0]
    people = sql("SELECT sum(population_mid_year) AS p FROM mx_population WHERE year=2024 AND "
                 "state_code IN ('02','05','08','19','26','28')")["p"][0]
    got = run("mx_border_states_homicide_rate", store_inputs, [2024], 2)
    assert got.draws[0, 0] == pytest.approx(1e5 * deaths / people, rel=1e-9)


def test_synthetic_opioid_rate_2022_by_hand(store_inputs: Inputs) -> None:
    from ironriver.store import sql

    population = sql("SELECT tpop FROM cow_nmc WHERE ccode = 2 AND year = 2022")["tpop"][0] * 1000
    got = run("us_synthetic_opioid_death_rate", store_inputs, [2014, 2022], 2)
    assert got.draws[0, 1] == pytest.approx(1e5 * 74_829 / population, rel=1e-9)     # VSRR US, December 2022
    assert got.draws[0, 0] == pytest.approx(1.7)                                      # NCHS crude rate 2014


def test_fentanyl_seizures_match_the_published_cbp_totals(store_inputs: Inputs) -> None:
    got = run("us_fentanyl_seized_swb", store_inputs, [2023, 2024, 2025], 2)
    # CBP Southwest Border fentanyl, all components (dataset provenance): FY2023 26,718; FY2024 21,148; FY2025 11,488
    assert got.draws[0] == pytest.approx([26_718, 21_148, 11_488], abs=1.0)
    share = run("us_fentanyl_swb_share", store_inputs, [2023], 2)
    assert share.draws[0, 0] == pytest.approx(26_718 / 27_023, abs=2e-4)


def test_real_draws_carry_at_most_three_years_with_widening(store_inputs: Inputs) -> None:
    draws = build_indicator_draws(store_inputs, None, np.arange(2017, 2026), n_draws=300, seed=0)
    assert draws.table["max_years_carried"].max() <= 3
    i = draws.index("mx_cartel_territory_share")                       # NORTHCOM 2021 figure
    assert list(draws.status[i]) == ["missing"] * 4 + ["observed", "carried", "carried", "carried", "missing"]
    spread = [np.std(np.log(draws.values[:, i, j])) for j in (4, 5, 7)]
    assert spread[0] < spread[1] < spread[2]                           # uncertainty widens per year carried
    loose = build_indicator_draws(store_inputs, None, np.arange(2017, 2026), n_draws=300, seed=0, carry_cap_years=1)
    assert list(loose.status[i][4:7]) == ["observed", "carried", "missing"]


def test_reference_ranges_are_the_pooled_observed_percentiles(store_inputs: Inputs) -> None:
    draws = build_indicator_draws(store_inputs, None, np.arange(1998, 2026), n_draws=50, seed=0)
    pooled = []
    for indicator_id in ("mx_border_states_homicide_rate", "us_tx_border_murder_rate"):
        i = draws.index(indicator_id)
        measured = np.isin(draws.status[i], ["observed", "partial"])
        pooled.extend(np.median(draws.values[:, i, measured], axis=0))
    row = draws.table.set_index("id").loc["us_tx_border_murder_rate"]
    assert (row["reference_low"], row["reference"], row["reference_high"]) == pytest.approx(
        tuple(np.quantile(pooled, [0.1, 0.5, 0.9])))
    assert draws.table.set_index("id").loc["mx_border_states_homicide_rate", "reference"] == row["reference"]


def test_one_years_ledger_cells_by_hand(store_inputs: Inputs) -> None:
    """2022: the USA's interdependence and Mexico's interdependence cells from the raw tables, references pinned at
    the geometric midpoint of their ranges."""
    from ironriver.sovereignty.ledger import score
    from ironriver.store import sql

    draws = build_indicator_draws(store_inputs, None, np.arange(2020, 2023), n_draws=40, seed=0)
    ledger = score(draws, n_weightings=4, seed=0, reference_quantile=0.5)
    refs = draws.table.set_index("id")

    def threat(x: float, indicator_id: str) -> float:
        r = np.sqrt(refs.loc[indicator_id, "reference_low"] * refs.loc[indicator_id, "reference_high"])
        return x / (x + r)

    fentanyl = sql("SELECT sum(pounds) AS p FROM cbp_drug_seizures WHERE fiscal_year = 2022 AND drug = 'Fentanyl' "
                   "AND region = 'Southwest Border' AND NOT outlier")["p"][0]
    every = sql("SELECT sum(pounds) AS p FROM cbp_drug_seizures WHERE fiscal_year = 2022 AND drug = 'Fentanyl' "
                "AND NOT outlier")["p"][0]
    encounters = sql("SELECT encounters FROM usbp_encounters_annual WHERE fiscal_year = 2022 AND "
                     "region = 'Southwest Land Border'")["encounters"][0]
    usa = (threat(fentanyl, "us_fentanyl_seized_swb") + threat(encounters, "us_swb_encounters") + fentanyl / every) / 3
    assert ledger.kind_scores[("USA", "interdependence")][0, :, 2] == pytest.approx(np.full(40, usa), rel=1e-6)
    # Mexico without the iron river: only the US-origin share, one covering ATF period per draw.
    shares = sql("SELECT value FROM literature WHERE quantity = 'share_traces_us_sourced_mx' AND period_start <= 2022 "
                 "AND period_end >= 2022")["value"]
    mexico = ledger.kind_scores[("MEX", "interdependence")][0, :, 2]
    cited = shares.to_numpy(dtype=float)
    assert np.isclose(mexico[:, None], cited[None, :], rtol=1e-6).any(axis=1).all()
    assert len(cited) > 1 and np.isclose(mexico[:, None], cited[None, :], rtol=1e-6).any(axis=0).all()


def test_column_quantiles_match_numpy_nanquantile() -> None:
    draws = np.random.default_rng(1).normal(size=(501, 4))
    draws[:200, 1] = np.nan
    draws[:, 3] = np.nan
    got = nan_quantiles(draws, (0.05, 0.5, 0.95))
    for q, column in zip((0.05, 0.5, 0.95), got):
        assert np.allclose(column[:3], np.nanquantile(draws[:, :3], q, axis=0))
        assert np.isnan(column[3])


def test_cinc_ratio_2016_matches_the_cited_ratio(store_inputs: Inputs) -> None:
    from ironriver.store import literature_value

    got = run("mx_cinc_ratio", store_inputs, [2016, 2023], 2)
    assert got.draws[0, 0] == pytest.approx(literature_value("cinc_ratio_usa_mex_2016").value, rel=0.01)
    assert got.status[1] == "missing"                       # NMC ends in 2022; the carry rule decides about 2023


def test_the_usa_is_measured_by_harm_and_uncontrolled_flows_from_datasets(store_inputs: Inputs) -> None:
    ids = ("us_synthetic_opioid_death_rate", "us_tx_border_murder_rate", "us_fentanyl_seized_swb")
    assert all(INDICATORS[i].source == "dataset" and INDICATORS[i].kind in ("domestic", "interdependence")
               for i in ids)
    for indicator_id in ids:
        assert (run(indicator_id, store_inputs, [2021, 2022, 2023], 2).status == "observed").all()


def test_draws_at_another_half_life_reuse_only_what_the_half_life_cannot_change() -> None:
    """Rebuilding at another spillover half-life reuses the other measurements: the result must equal a fresh build."""
    from ironriver.sovereignty import draws as draws_module

    inputs = _inputs()
    inputs.spillover_effect_draws = np.array([40.0, 20.0, 30.0])
    years = np.arange(2003, 2026)

    def build(half_life: float):
        return draws_module.build_indicator_draws(inputs, None, years, n_draws=20, seed=3, half_life_years=half_life)

    draws_module._CACHE.clear()
    fresh = build(2.0)
    draws_module._CACHE.clear()
    central = build(5.0)
    reused = build(2.0)
    np.testing.assert_array_equal(reused.values, fresh.values)
    assert not np.array_equal(central.values, fresh.values, equal_nan=True)   # the half-life does change something
