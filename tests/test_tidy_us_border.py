"""Border tidy functions (CBP encounters and drug seizures, Texas crossings) on the real data and fixtures.

Expected values are the data audit's checks (``shared/reference/data-audit.md``, §0 and §§5–7) and hand
computations on the small files in ``tests/fixtures/us``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from ironriver.data import RawDataset, raw
from ironriver.store import literature_value
from ironriver.store.tidy import cbp, tx_crossings

FIXTURES = Path(__file__).parent / "fixtures" / "us"
SW = "Southwest Land Border"
OHSS_ROUNDING = 10
"""OHSS rounds every published cell to the nearest 10 (descr caveats)."""


def fixture(dataset: str) -> RawDataset:
    return RawDataset(dataset, FIXTURES / dataset, checked=False)


@cache
def encounters() -> dict[str, pd.DataFrame]:
    return cbp.tidy_cbp_border_encounters(raw("cbp_border_encounters"))


@cache
def seizures() -> pd.DataFrame:
    return cbp.tidy_cbp_drug_seizures_fy2019_fy2023(raw("cbp_drug_seizures_fy2019_fy2023"))["cbp_drug_seizures"]


@cache
def crossings() -> pd.DataFrame:
    return tx_crossings.crossings(raw("tx_mx_northbound_border_crossings"))


# ----------------------------------------------------------------------------------------- encounters


SWB_ENCOUNTERS_CBP = {2022: 2_378_944, 2023: 2_475_669, 2024: 2_135_005}
"""CBP's Southwest land border encounters, all components (descr cbp_border_encounters)."""
USBP_SW_CBP = {2022: 2_206_436, 2023: 2_045_838, 2024: 1_530_523}
"""CBP's unrounded USBP Southwest Land Border totals (descr cbp_border_encounters)."""


def test_southwest_totals_fy2022_to_fy2024_match_cbp() -> None:
    swb = encounters()["swb_encounters"]
    totals = swb.groupby("fiscal_year")["encounters"].sum()
    for year, published in SWB_ENCOUNTERS_CBP.items():
        assert totals[year] == published


def test_septembers_are_kept_in_the_southwest_file() -> None:
    swb = encounters()["swb_encounters"]
    months = swb.groupby("fiscal_year")["month"].nunique()
    assert months.to_dict() == {2022: 12, 2023: 12, 2024: 12, 2025: 11}
    assert swb.loc[swb["month"] == 9, "year"].unique().tolist() == [2022, 2023, 2024]


def test_southwest_fixture_fytd_and_remaining_labels() -> None:
    swb = cbp.swb_encounters(fixture("cbp_border_encounters"))
    assert swb[["fiscal_year", "year", "month", "encounters"]].values.tolist() == [
        [2024, 2023, 10, 1000], [2024, 2024, 9, 700], [2025, 2025, 8, 30]]


def test_monthly_sums_match_the_annual_sheet_within_rounding() -> None:
    out = encounters()
    monthly = out["usbp_encounters_monthly"].groupby(["fiscal_year", "region"])["encounters"].sum()
    annual = out["usbp_encounters_annual"].set_index(["fiscal_year", "region"])["encounters"]
    # 12 cells rounded to 10 (±5 each) against one rounded annual cell (±5)
    bound = 12 * OHSS_ROUNDING / 2 + OHSS_ROUNDING / 2
    gap = (monthly - annual).abs()
    assert gap.index.sort_values().equals(annual.index.sort_values()) and gap.max() <= bound
    # the FY2000 level flagged in the docstrings: ~4.7 % below the legacy apprehension figure (audit §0 #8)
    legacy = literature_value("usbp_swb_apprehensions_fy2000").value
    assert 0.94 < annual[(2000, SW)] / legacy < 0.97
    for year, published in USBP_SW_CBP.items():  # OHSS rounds to 10; CBP's unrounded totals agree within 5
        assert abs(annual[(year, SW)] - published) <= OHSS_ROUNDING / 2


def test_fiscal_months_become_calendar_months() -> None:
    monthly = encounters()["usbp_encounters_monthly"]
    fy2000 = monthly[(monthly["fiscal_year"] == 2000) & (monthly["region"] == SW)].sort_values(["year", "month"])
    assert list(zip(fy2000["year"], fy2000["month"]))[:4] == [(1999, 10), (1999, 11), (1999, 12), (2000, 1)]
    assert fy2000.iloc[-1][["year", "month"]].tolist() == [2000, 9]
    assert len(monthly) == 906 and not monthly.duplicated(["year", "month", "region"]).any()


@given(st.integers(1990, 2040), st.integers(1, 12))
def test_calendar_year_of_a_fiscal_month(fiscal_year: int, month: int) -> None:
    year = cbp.calendar_year(pd.Series([fiscal_year]), pd.Series([month])).iloc[0]
    # the fiscal year ends in September of the year that names it
    assert year == (fiscal_year - 1 if month >= 10 else fiscal_year)
    assert pd.Timestamp(year, month, 1) <= pd.Timestamp(fiscal_year, 9, 30)


def test_family_status_not_recorded_is_na_not_zero() -> None:
    family = encounters()["usbp_encounters_family_status"]
    sw = family[family["region"] == SW].set_index(["fiscal_year", "family_status"])["encounters"]
    assert sw.loc[(2007, "Unaccompanied Children")].isna().all()
    assert sw.loc[(2011, "Family Unit Individuals")].isna().all()
    assert sw.loc[(2008, "Unaccompanied Children")].notna().all()
    assert sw.loc[(2012, "Family Unit Individuals")].gt(0).all()  # recorded and non-zero at the Southwest border
    assert (family["all_statuses_recorded"] == (family["fiscal_year"] >= 2012)).all()
    assert len(family) == 906 * 3


def test_family_statuses_sum_to_region_totals_within_rounding() -> None:
    out = encounters()
    by_status = out["usbp_encounters_family_status"].groupby(["fiscal_year", "month", "region"])["encounters"].sum()
    total = out["usbp_encounters_monthly"].set_index(["fiscal_year", "month", "region"])["encounters"]
    assert ((by_status - total.reindex(by_status.index)).abs() <= 4 * OHSS_ROUNDING / 2).all()


def test_family_status_fixture_na_before_recording_zero_after() -> None:
    family = cbp.encounters_family_status(fixture("cbp_border_encounters"))
    cells = {(r.fiscal_year, r.region[:4], r.family_status[:4]): r.encounters for r in family.itertuples()}
    assert cells[(2007, "Sout", "Sing")] == 70000
    assert pd.isna(cells[(2007, "Sout", "Unac")]) and pd.isna(cells[(2007, "Sout", "Fami")])
    assert cells[(2008, "Sout", "Unac")] == 500 and pd.isna(cells[(2008, "Sout", "Fami")])
    assert cells[(2012, "Nort", "Unac")] == 0  # recorded but absent: rounds to zero
    assert len(family) == 9


def test_sectors_carry_their_state() -> None:
    sectors = encounters()["usbp_encounters_sector"]
    pairs = set(zip(sectors["sector"], sectors["sector_state"], sectors["region"]))
    assert ("Tucson", "AZ", SW) in pairs and ("Rio Grande Valley", "TX", SW) in pairs
    assert ("Livermore", "CA", "Northern Land Border") in pairs  # as in the source (audit §5)
    assert sectors["sector"].nunique() == 21


# ------------------------------------------------------------------------------------------- seizures


def test_the_two_seizure_files_agree_on_their_overlap() -> None:
    dataset = raw("cbp_drug_seizures_fy2019_fy2023")
    keys = ["FY", "Month (abbv)", "Component", "Region", "Land Filter", "Area of Responsibility", "Drug Type"]
    first, second = (dataset.csv(f) for f in cbp.DRUG_FILES)
    first, second = first[first["FY"].between(2020, 2022)], second[second["FY"].between(2020, 2022)]
    both = first.merge(second, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    assert (both["_merge"] == "both").all() and len(both) == 7_559  # audit §6
    assert (both["Count of Event_a"] == both["Count of Event_b"]).all()
    assert (both["Sum Qty (lbs)_a"] - both["Sum Qty (lbs)_b"]).abs().max() < 1e-6


def test_each_fiscal_year_comes_from_one_file_only() -> None:
    table = seizures()
    dataset = raw("cbp_drug_seizures_fy2019_fy2023")
    rows_by_year = table.groupby("fiscal_year").size().to_dict()
    expected = {}
    for filename, (first, last) in cbp.DRUG_FILES.items():
        source = dataset.csv(filename)
        expected |= source[source["FY"].between(first, last)].groupby("FY").size().to_dict()
    assert rows_by_year == expected and sorted(rows_by_year) == [2019, 2020, 2021, 2022, 2023]
    assert not table.duplicated(["fiscal_year", "month", "component", "region", "land_filter", "area", "drug"]).any()


def test_nationwide_fentanyl_matches_cbp() -> None:
    table = seizures()
    fentanyl = table[table["drug"] == "Fentanyl"].groupby("fiscal_year")["pounds"].sum()
    southwest = table[(table["drug"] == "Fentanyl") & (table["region"] == "Southwest Border")]
    southwest = southwest.groupby("fiscal_year")["pounds"].sum()
    # descr: Southwest Border fentanyl, all components, lbs
    for year, pounds in {2020: 4_558, 2021: 10_586, 2022: 14_104, 2023: 26_718}.items():
        assert southwest[year] == pytest.approx(pounds, abs=0.5)
    assert fentanyl[2021] == pytest.approx(11_201, abs=1)  # audit §6: the file's own total


def test_seattle_cocaine_outlier_is_the_only_flagged_row() -> None:
    table = seizures()
    flagged = table[table["outlier"]]
    assert len(flagged) == 1
    row = flagged.iloc[0]
    assert (row["area"], row["drug"], row["fiscal_year"], row["year"], row["month"], row["events"]) == (
        "SEATTLE FIELD OFFICE", "Cocaine", 2023, 2023, 2, 1)
    cocaine_2023 = table[(table["drug"] == "Cocaine") & (table["fiscal_year"] == 2023)]["pounds"].sum()
    assert 0.30 < row["pounds"] / cocaine_2023 < 0.36  # "a third of national FY2023 cocaine" (audit §0 #10)


def test_drug_labels_are_tidied() -> None:
    assert set(seizures()["drug"]) == {"Cocaine", "Ecstasy", "Fentanyl", "Heroin", "Ketamine", "Khat", "LSD",
                                       "Marijuana", "Methamphetamine", "Other Drugs"}


# ----------------------------------------------------------------------------------- Texas crossings


def test_monthly_sums_equal_the_yearly_file_for_untouched_series() -> None:
    table = crossings()
    keys = ["year", "crossing", "mode"]
    touched = table.loc[table["crossings"].isna(), keys].drop_duplicates()
    untouched = table.merge(touched, on=keys, how="left", indicator=True)
    untouched = untouched[untouched["_merge"] == "left_only"]
    sums = untouched.groupby(keys)["crossings"].sum()
    yearly = raw("tx_mx_northbound_border_crossings").csv("yearly_crossings_2008_2025.csv")
    yearly = yearly.set_index(["Year", "Crossing", "Modes"])["Northbound Crossing"]
    assert len(sums) == len(yearly) - len(touched) == 2850 - 33  # the 33 El Paso series of 2025
    assert (sums == yearly.reindex(sums.index)).all()


def test_el_paso_june_2025_and_paso_del_norte_pedestrians_are_na_and_flagged() -> None:
    table = crossings()
    june = table[(table["region"] == "El Paso") & (table["year"] == 2025) & (table["month"] == 6)]
    assert len(june) == 33 and june["crossings"].isna().all()
    pedestrians = (table["crossing"] == "Paso del Norte Bridge") & (table["mode"] == "Pedestrians/ Bicyclists")
    pdn = table[pedestrians & (table["year"] == 2025) & table["month"].isin([5, 6])]
    assert pdn["crossings"].isna().all() and set(pdn["flag"]) == {tx_crossings.IMPLAUSIBLE_VALUE}
    assert set(june.loc[~june.index.isin(pdn.index), "flag"]) == {tx_crossings.COPIED_MONTH}
    assert table["crossings"].isna().sum() == 34
    may = table[(table["region"] == "El Paso") & (table["year"] == 2025) & (table["month"] == 5) & ~pedestrians]
    assert may["crossings"].notna().all() and may["flag"].isna().all()


AUDIT_COPIES = [  # audit §7: same month of the previous year, exactly (crossing, mode, year, month)
    ("Paso del Norte Bridge", "Buses", 2013, 2),
    ("Paso del Norte Bridge", "Passenger Vehicles", 2013, 2),
    ("Paso del Norte Bridge", "Pedestrians/ Bicyclists", 2013, 2),
    ("Union Pacific Eagle Pass Railroad Bridge", "Railcars", 2012, 10),
    ("Canadian Pacific Kansas City Laredo Railroad Bridge", "Railcars", 2012, 10),
    ("West Rail Bridge", "Railcars", 2012, 10),
    ("Ysleta Bridge", "Pedestrians/ Bicyclists", 2017, 5),
    ("Ysleta Bridge", "Pedestrians/ Bicyclists", 2018, 5),
    ("Presidio-Ojinaga International Bridge", "Pedestrians/ Bicyclists", 2025, 3),
    ("Presidio-Ojinaga International Bridge", "Pedestrians/ Bicyclists", 2025, 10),
    ("Presidio-Ojinaga International Bridge", "Pedestrians/ Bicyclists", 2025, 11),
    ("El Paso Railroad Bridges", "Railcars", 2025, 11),
    ("El Paso Railroad Bridges", "Railcars", 2025, 12),
]


def test_year_on_year_copies_are_flagged_and_keep_their_value() -> None:
    table = crossings()
    copies = table[table["flag"] == tx_crossings.COPIED_ROW]
    assert len(copies) == 27 and copies["crossings"].notna().all()  # audit §0 #3: 27 repeats
    flagged = set(zip(copies["crossing"], copies["mode"], copies["year"], copies["month"]))
    assert set(AUDIT_COPIES) <= flagged
    ysleta = table[(table["crossing"] == "Ysleta Bridge") & (table["mode"] == "Pedestrians/ Bicyclists")
                   & (table["month"] == 5) & table["year"].isin([2016, 2017, 2018])]
    assert ysleta["crossings"].tolist() == [107_713] * 3 and ysleta["flag"].isna().tolist() == [True, False, False]


def test_crossings_fixture_flags_by_hand() -> None:
    table = tx_crossings.crossings(fixture("tx_mx_northbound_border_crossings"))
    cell = {(r.crossing[:6], r.year, r.month): (r.crossings, r.flag) for r in table.itertuples()}
    assert cell[("Ysleta", 2017, 5)] == (107713, tx_crossings.COPIED_ROW)
    assert pd.isna(cell[("Ysleta", 2016, 5)][1]) and pd.isna(cell[("Ysleta", 2018, 5)][1])
    assert pd.isna(cell[("Los Eb", 2017, 5)][1])  # 40 = 40 is below the copy threshold
    assert pd.isna(cell[("Paso d", 2025, 5)][0]) and cell[("Paso d", 2025, 5)][1] == tx_crossings.IMPLAUSIBLE_VALUE
    assert cell[("Paso d", 2025, 4)][0] == 310677 and cell[("Paso d", 2025, 7)][0] == 306306
    assert pd.isna(cell[("Bridge", 2025, 6)][0]) and cell[("Bridge", 2025, 6)][1] == tx_crossings.COPIED_MONTH
    assert cell[("Bridge", 2025, 5)][0] == 500000
    assert cell[("World ", 2025, 6)] [0] == 200000  # Laredo's June is not El Paso's defect


def test_coordinates_read_past_the_byte_order_mark() -> None:
    real = tx_crossings.coordinates(raw("tx_mx_northbound_border_crossings"))
    assert len(real) == 34 and real["crossing"].iloc[0] == "Good Neighbor Bridge"
    assert not real["address"].str.contains("\n").any()
    assert real["lat"].between(25, 32).all() and real["lon"].between(-107, -97).all()
    small = tx_crossings.coordinates(fixture("tx_mx_northbound_border_crossings"))
    assert small["crossing"].tolist() == ["Boquillas"] and pd.isna(small["port"].iloc[0])
    assert small["address"].iloc[0] == "Big Bend National Park, TX 79834"
