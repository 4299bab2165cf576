"""CDC/NCHS overdose tidy functions on the real files and on fixtures that plant each caveat.

Fixture files (``tests/fixtures/us/us_overdose_deaths_cdc``) plant: a November 12-month value beside the December
one (must not be summed), a withheld blank (Alaska), a suppressed blank with a predicted value (Hawaii), an
"underreported" footnote, a provisional year, a January-only year, NY and YC (New York City) rows, three WONDER
files overlapping on 2018 (each year must come from one file), a 2010 WONDER row (undercount), a ``2023 `` year
with a trailing space, a Health, United States estimate flagged ``*`` with no value, and an NCHS state file whose
states sum to its US row plus a by-sex row that must be dropped.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from ironriver.data import RawDataset, raw
from ironriver.errors import IronRiverError
from ironriver.store.tidy import overdose

FIXTURE = RawDataset("us_overdose_deaths_cdc", Path(__file__).parent / "fixtures" / "us" / "us_overdose_deaths_cdc")

NATIONAL_SYNTHETIC_OPIOID_DEATHS = {2015: 9_610, 2022: 74_829}
"""CDC/NCHS, VSRR Provisional Drug Overdose Death Counts: synthetic opioids other than methadone (T40.4), United
States, 12 months ending December (reported)."""


@cache
def real() -> dict[str, pd.DataFrame]:
    return overdose.tidy_us_overdose_deaths_cdc(raw("us_overdose_deaths_cdc"))


# ------------------------------------------------------------------------------------------- real data


def test_national_synthetic_opioid_deaths_match_cdc_nchs() -> None:
    annual = real()["synthetic_opioid_deaths_annual"]
    us = annual[annual["jurisdiction"] == "US"].set_index("year")["deaths"]
    for year, deaths in NATIONAL_SYNTHETIC_OPIOID_DEATHS.items():
        assert us[year] == deaths


def test_annual_is_the_december_value_and_provisional_from_2024() -> None:
    monthly, annual = real()["synthetic_opioid_deaths_12m"], real()["synthetic_opioid_deaths_annual"]
    december = monthly[monthly["month"] == 12].set_index(["jurisdiction", "year"])["deaths_12m"]
    assert annual.set_index(["jurisdiction", "year"])["deaths"].equals(december)
    assert len(annual) == 52 * 11  # 52 jurisdictions × 2015–2025 (2026 has January only)
    assert annual.groupby("year")["provisional"].all().to_dict() == {y: y >= 2024 for y in range(2015, 2026)}


def test_blank_cells_are_missing_and_louisiana_pennsylvania_absent() -> None:
    monthly = real()["synthetic_opioid_deaths_12m"]
    assert monthly["deaths_12m"].isna().sum() == 1_427  # PROVENANCE: 1,427 blank data_value rows
    assert (monthly["deaths_12m"] == 0).sum() == 0
    assert not {"LA", "PA"} & set(monthly["jurisdiction"])
    # the US row is NCHS's total, larger than any sum of the jurisdictions shown (LA, PA and withheld cells)
    annual = real()["synthetic_opioid_deaths_annual"]
    states = annual[annual["jurisdiction"] != "US"].groupby("year")["deaths"].sum()
    us = annual[annual["jurisdiction"] == "US"].set_index("year")["deaths"]
    assert (states < us).all()


def test_new_york_city_is_separate_from_new_york_state() -> None:
    annual = real()["synthetic_opioid_deaths_annual"].set_index(["jurisdiction", "year"])
    assert annual.loc[("NY", 2022), "jurisdiction_name"] == "New York (excluding New York City)"
    assert annual.loc[("YC", 2022), "jurisdiction_kind"] == "city"
    assert pd.isna(annual.loc[("NY", 2016), "population"])  # the NCHS population of NY includes NYC
    # NY cannot include NYC: the city alone exceeds it in 2024
    assert annual.loc[("YC", 2024), "deaths"] > annual.loc[("NY", 2024), "deaths"]


def test_border_state_values_from_the_provenance() -> None:
    annual = real()["synthetic_opioid_deaths_annual"].set_index(["jurisdiction", "year"])["deaths"]
    assert [annual[("AZ", 2023)], annual[("CA", 2019)], annual[("NM", 2015)], annual[("TX", 2025)]] == [
        1_836, 1_727, 41, 1_402]


def test_rates_where_population_exists() -> None:
    annual = real()["synthetic_opioid_deaths_annual"].set_index(["jurisdiction", "year"])
    rate = annual.loc[("US", 2015), "deaths_per_100k"]
    assert rate == pytest.approx(9_610 / annual.loc[("US", 2015), "population"] * 1e5)
    # crude 3.0 against the age-adjusted 3.1 Health, United States gives for 2015
    assert 2.8 < rate < 3.2
    assert annual.loc[annual.index.get_level_values("year") >= 2017, "population"].isna().all()


def test_wonder_sums_are_flagged_as_undercounts_before_2014() -> None:
    wonder = real()["synthetic_opioid_deaths_wonder_monthly"]
    sums = wonder.groupby("year")["deaths"].sum()
    assert sums[1999] == 32 and sums[2015] == 8_473 and sums[2023] == 72_425  # PROVENANCE row sums
    assert wonder.groupby("year")["undercounts"].all().to_dict() == {y: y < 2014 for y in sums.index}
    assert wonder.groupby("year")["database"].nunique().max() == 1
    # a lower bound: WONDER rows never exceed the VSRR national count of the same year
    vsrr = real()["synthetic_opioid_deaths_annual"].query("jurisdiction == 'US'").set_index("year")["deaths"]
    years = range(2015, 2025)  # whole years in both
    assert all(sums[y] < vsrr[y] for y in years)


def test_wonder_final_databases_agree_on_their_overlap() -> None:
    dataset = raw("us_overdose_deaths_cdc")
    names = list(overdose.WONDER_FILES)
    d77 = dataset.csv(names[0], dtype=str)
    d157 = dataset.csv(names[1], dtype=str)
    for frame in (d77, d157):
        frame["year"] = frame["Month Code"].str[:4].astype(int)
        frame["Deaths"] = frame["Deaths"].astype(int)
    overlap = range(2018, 2021)
    assert (d77[d77["year"].isin(overlap)].groupby("year")["Deaths"].sum()
            .equals(d157[d157["year"].isin(overlap)].groupby("year")["Deaths"].sum()))


def test_all_drug_states_sum_to_the_us_and_match_the_provenance() -> None:
    state = real()["overdose_deaths_state_annual"].set_index(["state", "year"])["deaths"]
    assert [state[("US", 1999)], state[("US", 2016)], state[("AZ", 2016)], state[("TX", 2016)]] == [
        16_849, 63_632, 1_382, 2_831]
    assert len(real()["overdose_deaths_state_annual"]) == 52 * 18


def test_national_rates_by_drug() -> None:
    rates = real()["overdose_death_rates_national"]
    total = rates[(rates["group_label"] == "All persons") & (rates["rate_type"] == "age-adjusted")
                  & (rates["age"] == "All ages")].set_index(["drug", "year"])["deaths_per_100k"]
    assert [total[("synthetic opioids (T40.4)", y)] for y in (1999, 2015, 2018)] == [0.3, 3.1, 9.9]
    assert total[("all drugs", 2017)] == 21.7
    assert rates["unreliable"].sum() == 1_111 and rates["deaths_per_100k"].isna().sum() == 1_111


# -------------------------------------------------------------------------------------------- fixtures


def test_fixture_december_is_the_year_and_blanks_stay_missing() -> None:
    annual = overdose.synthetic_opioid_deaths_annual(FIXTURE).set_index(["jurisdiction", "year"])
    assert annual.loc[("US", 2015), "deaths"] == 9_610  # not 9,000 + 9,610
    assert pd.isna(annual.loc[("AK", 2015), "deaths"]) and annual.loc[("AK", 2015), "withheld"]
    assert pd.isna(annual.loc[("HI", 2017), "deaths"]) and annual.loc[("HI", 2017), "predicted_deaths"] == 10
    assert annual.loc[("TX", 2025), "underreported"] and annual.loc[("TX", 2025), "provisional"]
    assert annual.loc[("US", 2024), "provisional"] and not annual.loc[("US", 2015), "provisional"]
    assert 2026 not in annual.index.get_level_values("year")  # January only: no calendar year


def test_fixture_population_and_rate_come_from_the_nchs_file_except_for_new_york() -> None:
    annual = overdose.synthetic_opioid_deaths_annual(FIXTURE).set_index(["jurisdiction", "year"])
    assert annual.loc[("CA", 2016), "population"] == 40_000_000
    assert annual.loc[("CA", 2016), "deaths_per_100k"] == pytest.approx(2.5)
    assert pd.isna(annual.loc[("NY", 2015), "population"]) and pd.isna(annual.loc[("YC", 2015), "population"])
    assert annual.loc[("US", 2015), "population"] == 58_700_000


def test_fixture_wonder_takes_each_year_from_one_database() -> None:
    wonder = overdose.synthetic_opioid_deaths_wonder_monthly(FIXTURE)
    assert wonder.values.tolist() == [
        ["CA", 2010, 1, 12, "D77", False, True], ["CA", 2017, 1, 50, "D77", False, False],
        ["CA", 2018, 1, 60, "D157", False, False], ["TX", 2023, 12, 30, "D157", False, False],
        ["TX", 2024, 1, 40, "D176", True, False], ["TX", 2025, 3, 20, "D176", True, False]]


def test_fixture_state_file_drops_breakdowns_and_checks_its_sum(tmp_path: Path) -> None:
    state = overdose.overdose_deaths_state_annual(FIXTURE)
    assert state[["state", "year", "deaths"]].values.tolist() == [
        ["CA", 2015, 4000], ["CA", 2016, 4654], ["NY", 2015, 2500], ["NY", 2016, 3000],
        ["US", 2015, 6500], ["US", 2016, 7654]]
    folder = tmp_path / "us_overdose_deaths_cdc"
    folder.mkdir()
    text = (FIXTURE.root / overdose.NCHS_STATE).read_text().replace("California,2016,Both Sexes,All Ages,"
                                                                     "All Races-All Origins,4654",
                                                                     "California,2016,Both Sexes,All Ages,"
                                                                     "All Races-All Origins,4655")
    (folder / overdose.NCHS_STATE).write_text(text)
    with pytest.raises(IronRiverError, match="do not sum"):
        overdose.overdose_deaths_state_annual(RawDataset("us_overdose_deaths_cdc", folder))


def test_fixture_national_rates_keep_flagged_cells_missing() -> None:
    rates = overdose.overdose_death_rates_national(FIXTURE)
    assert rates[["drug", "rate_type", "year"]].values.tolist() == [
        ["all drugs", "age-adjusted", 1999], ["synthetic opioids (T40.4)", "age-adjusted", 2015],
        ["synthetic opioids (T40.4)", "crude", 1999]]
    assert rates["deaths_per_100k"].isna().tolist() == [False, False, True]
    assert rates["unreliable"].tolist() == [False, False, True]
