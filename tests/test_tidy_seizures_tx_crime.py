"""CBP drug seizures FY2023–FY2026 with AMO, the FY2019–FY2026 fentanyl series, and the Texas DPS border report.

Expected values are the PROVENANCE figures of each dataset and hand computations on the fixtures in
``tests/fixtures/us``. The seizure fixture plants an "FY2026 (FYTD)" label, the Seattle cocaine outlier beside
a small Seattle row that must not be flagged, an October row (calendar year before the fiscal year), a
non-land Southwest row and CBP's "Khat (Catha Edulis)" label; the AMO fixtures plant a "Branch" column and
Southwest Border AMO rows that must never reach OFO/USBP totals. The Texas fixture plants three agencies:
one reporting every month of 2017–2019, one missing half of 2018, one reporting nothing in 2017.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from ironriver.data import RawDataset, raw
from ironriver.store.tidy import cbp, tx_border_crime

FIXTURES = Path(__file__).parent / "fixtures" / "us"


def fixture(dataset: str) -> RawDataset:
    return RawDataset(dataset, FIXTURES / dataset)


@cache
def recent() -> dict[str, pd.DataFrame]:
    return cbp.tidy_cbp_drug_seizures_fy2023_fy2026(raw("cbp_drug_seizures_fy2023_fy2026"))


@cache
def series() -> pd.DataFrame:
    older = cbp.tidy_cbp_drug_seizures_fy2019_fy2023(raw("cbp_drug_seizures_fy2019_fy2023"))["cbp_drug_seizures"]
    return cbp.drug_seizure_series(older, recent()["cbp_drug_seizures_2023_2026"])


# ------------------------------------------------------------------------------------------ seizures


def test_the_two_releases_agree_on_fy2023() -> None:
    older = cbp.tidy_cbp_drug_seizures_fy2019_fy2023(raw("cbp_drug_seizures_fy2019_fy2023"))["cbp_drug_seizures"]
    newer = recent()["cbp_drug_seizures_2023_2026"]
    totals = [frame[frame["fiscal_year"] == 2023].groupby("drug")[["pounds", "events"]].sum() for frame in (older,
                                                                                                         newer)]
    assert totals[0].index.equals(totals[1].index)
    assert (totals[0]["pounds"] - totals[1]["pounds"]).abs().max() <= 1.0  # PROVENANCE: no total differs > 1 lb
    assert totals[0]["events"].equals(totals[1]["events"])


def test_fentanyl_series_fy2019_to_fy2026_counts_fy2023_once() -> None:
    southwest = cbp.seizures_by_fiscal_year(series(), "Fentanyl", region="Southwest Border").set_index("fiscal_year")
    assert southwest.index.tolist() == list(range(2019, 2027))
    # PROVENANCE, Southwest Border, all components (lbs)
    for year, pounds in {2023: 26_718, 2024: 21_148, 2025: 11_488, 2026: 6_262}.items():
        assert southwest.loc[year, "pounds"] == pytest.approx(pounds, abs=0.5)
    assert southwest["partial_year"].tolist() == [False] * 7 + [True]
    assert southwest.loc[2026, "months"] == 7 and (southwest.loc[:2025, "months"] == 12).all()
    nation = cbp.seizures_by_fiscal_year(series(), "Fentanyl").set_index("fiscal_year")["pounds"]
    for year, pounds in {2022: 14_699.88, 2023: 27_023, 2024: 21_889, 2025: 12_027, 2026: 6_726}.items():
        assert nation[year] == pytest.approx(pounds, abs=0.5)
    land = cbp.seizures_by_fiscal_year(series(), "Fentanyl", "Southwest Border", land_only=True)
    assert land.set_index("fiscal_year").loc[2023, "pounds"] == pytest.approx(26_693, abs=0.5)


def test_seattle_outlier_is_flagged_again_and_left_out_of_totals() -> None:
    newer = recent()["cbp_drug_seizures_2023_2026"]
    flagged = newer[newer["outlier"]]
    assert len(flagged) == 1 and flagged.iloc[0]["pounds"] == pytest.approx(26_629.6, abs=0.1)
    cocaine = cbp.seizures_by_fiscal_year(series(), "Cocaine").set_index("fiscal_year")["pounds"]
    with_it = cbp.seizures_by_fiscal_year(series(), "Cocaine", include_outliers=True).set_index("fiscal_year")
    assert with_it.loc[2023, "pounds"] - cocaine[2023] == pytest.approx(flagged.iloc[0]["pounds"])


def test_amo_is_separate_and_matches_the_provenance() -> None:
    amo = recent()["amo_drug_seizures"]
    assert len(amo) == 1_772 + 1_292 and set(amo["component"]) == {"Air and Marine Operations"}
    fentanyl = amo[amo["drug"] == "Fentanyl"].groupby("fiscal_year")["pounds"].sum()
    assert fentanyl.loc[2019:2025].tolist() == pytest.approx([389, 558, 786, 1_326, 1_453, 1_847, 944], abs=1)
    assert amo.groupby("fiscal_year")["partial_year"].all().to_dict() == {y: y == 2026 for y in range(2019, 2027)}
    assert "Air and Marine Operations" not in set(series()["component"])


def test_recent_release_row_counts() -> None:
    newer = recent()["cbp_drug_seizures_2023_2026"]
    assert len(newer) == 8_673 and (newer["fiscal_year"] == 2026).sum() == 1_336


def test_fixture_partial_year_outlier_and_calendar_year() -> None:
    out = cbp.tidy_cbp_drug_seizures_fy2023_fy2026(fixture("cbp_drug_seizures_fy2023_fy2026"))
    newer = out["cbp_drug_seizures_2023_2026"]
    assert newer[["fiscal_year", "year", "month", "drug", "pounds", "outlier", "partial_year"]].values.tolist() == [
        [2023, 2022, 10, "Fentanyl", 500.0, False, False],
        [2023, 2023, 2, "Cocaine", 26629.636627, True, False],
        [2023, 2023, 2, "Cocaine", 2.0, False, False],
        [2025, 2025, 9, "Khat", 3.0, False, False],
        [2025, 2025, 9, "Fentanyl", 5.0, False, False],
        [2026, 2026, 4, "Fentanyl", 40.0, False, True]]
    amo = out["amo_drug_seizures"]
    assert amo[["fiscal_year", "year", "month", "branch", "partial_year"]].values.tolist() == [
        [2019, 2019, 4, "San Diego Air And Marine Branch", False],
        [2023, 2022, 10, "Tucson Air Branch", False],
        [2026, 2025, 12, "Caribbean Air And Marine Branch", True]]


def test_fixture_series_switches_release_at_fy2023() -> None:
    newer = cbp.recent_drug_seizures(fixture("cbp_drug_seizures_fy2023_fy2026"))
    older = newer.drop(columns="partial_year").assign(pounds=1000.0)  # a stand-in older release, FY2023 rows only
    older = pd.concat([older, older.head(1).assign(fiscal_year=2022, year=2021)], ignore_index=True)
    combined = cbp.drug_seizure_series(older, newer)
    fentanyl = cbp.seizures_by_fiscal_year(combined, "Fentanyl", "Southwest Border").set_index("fiscal_year")
    assert fentanyl["pounds"].to_dict() == {2022: 1000.0, 2023: 500.0, 2025: 5.0, 2026: 40.0}
    land = cbp.seizures_by_fiscal_year(combined, "Fentanyl", "Southwest Border", land_only=True)
    assert land.set_index("fiscal_year")["pounds"].to_dict() == {2022: 1000.0, 2023: 500.0, 2026: 40.0}


# ---------------------------------------------------------------------------------------- Texas DPS


@cache
def crime() -> pd.DataFrame:
    return tx_border_crime.border_crime(raw("tx_border_crime_dps_2017_2023"))


def test_texas_sums_and_full_year_counts_match_the_provenance() -> None:
    table = crime()
    assert len(table) == 85 * 7 * len(tx_border_crime.OFFENSES)
    full = table[table["full_year"]].groupby("year")["agency"].nunique()
    assert full.to_dict() == {2017: 2, 2018: 9, 2019: 15, 2020: 23, 2021: 40, 2022: 45, 2023: 52}
    sums = table.pivot_table(index="year", columns="offense", values="offenses", aggfunc="sum")
    assert sums["robbery"].tolist() == [30, 218, 614, 839, 859, 1_063, 969]
    assert sums["murder and nonnegligent manslaughter"].tolist() == [2, 6, 44, 74, 104, 89, 104]
    assert sums["assault (aggravated and simple)"][2023] == 32_516


def test_texas_balanced_panel_holds_the_same_agencies_every_year() -> None:
    panel = tx_border_crime.balanced_panel(crime(), 2021, 2023)
    by_year = panel.groupby("year")["agency"].apply(frozenset)
    assert by_year.nunique() == 1 and panel["full_year"].all()
    assert len(by_year.iloc[0]) == 37  # of the 40 full reporters in 2021, 37 report fully in 2022 and 2023
    assert tx_border_crime.balanced_panel(crime(), 2017, 2023)["agency"].nunique() == 2


def test_fixture_balanced_panel() -> None:
    table = tx_border_crime.border_crime(fixture("tx_border_crime_dps_2017_2023"))
    assert sorted(tx_border_crime.balanced_panel(table, 2017, 2019)["agency"].unique()) == ["ALPHA PD"]
    assert sorted(tx_border_crime.balanced_panel(table, 2018, 2019)["agency"].unique()) == ["ALPHA PD",
                                                                                         "CHARLIE ISD PD"]
    robbery = tx_border_crime.balanced_panel(table, 2018, 2019).query("offense == 'robbery'")
    assert robbery.groupby("year")["offenses"].sum().to_dict() == {2018: 7, 2019: 6}
    charlie = table[(table["agency"] == "CHARLIE ISD PD") & (table["year"] == 2017)]
    assert not charlie["full_year"].any() and charlie["months_reported"].eq(0).all()
