"""Tidy the CBP datasets: Border Patrol encounters (FY2000–FY2025) and drug seizures (FY2019–FY2023).

Both count by **fiscal** month (October starts the fiscal year), which is kept as ``fiscal_year`` beside the
calendar ``year``/``month`` every other table uses. Known defects handled here (data audit §0 #8, #10,
§§5–6): family status was not recorded in early years, so those categories are NA, not zero; the CBP
Southwest file labels September "Remaining" rather than "FYTD", and every month is kept regardless; the
two drug files overlap on FY2020–FY2022 and only one copy of each year is used; one Seattle cocaine seizure
that alone is a third of the nation's FY2023 cocaine is flagged as an outlier.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.names import us_state_codes
from ironriver.store.tidy import tidy_tables

MONTH_ABBREVIATIONS: dict[str, int] = {
    "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
    "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
}
FIRST_FISCAL_MONTH = 10
"""The US federal fiscal year starts in October: fiscal year N runs Oct N−1 … Sep N."""

FAMILY_STATUSES: tuple[str, ...] = ("Single Adults", "Unaccompanied Children", "Family Unit Individuals")
FIRST_RECORDED_FISCAL_YEAR: dict[str, int] = {
    "Single Adults": 2000, "Unaccompanied Children": 2008, "Family Unit Individuals": 2012,
}
"""First fiscal year in which USBP recorded each family status (audit §0 #8); earlier "Single Adults" = all."""

DRUG_NAMES: dict[str, str] = {"Other Drugs**": "Other Drugs", "Lsd": "LSD", "Khat (Catha Edulis)": "Khat"}
"""Raw drug labels tidied: footnote asterisks dropped, LSD capitalised, khat without its botanical name."""
DRUG_FILES: dict[str, tuple[int, int]] = {
    "nationwide-drugs-fy19-fy22.csv": (2019, 2019),
    "nationwide-drugs-fy20-fy23.csv": (2020, 2023),
}
"""File -> fiscal years taken from it: FY2019 only from the first, FY2020–2023 from the second (they agree
exactly on FY2020–2022, audit §6), so no year is counted twice."""
OUTLIERS: tuple[dict[str, object], ...] = (
    {"fiscal_year": 2023, "month": 2, "area": "SEATTLE FIELD OFFICE", "land_filter": "Other", "drug": "Cocaine"},
)
"""Seizure rows flagged ``outlier`` (audit §0 #10): Seattle field office, Feb FY2023, cocaine, non-land ("Other"),
1 event, 26,630 lbs (Seattle's other years 0.3–310 lbs) — a third of national FY2023 cocaine. The same month's
small "Land Only" Seattle cocaine row is not flagged."""

RECENT_DRUG_FILE = "nationwide-drugs-fy23-fy26-apr.csv"
AMO_FILES: dict[str, tuple[int, int]] = {
    "amo-drug-seizures-fy19-fy22.csv": (2019, 2022), "amo-drug-seizures-fy23-fy26-dec.csv": (2023, 2026),
}
"""AMO file -> fiscal years taken from it (they do not overlap)."""
SERIES_SWITCH_FISCAL_YEAR = 2023
"""First fiscal year taken from the FY2023–FY2026 release when forming one series with the FY2019–FY2023 one.
They overlap on FY2023 only and agree there (no fiscal year × drug total differs by more than 1 lb, tested);
the newer release wins because CBP revises recent months in later extracts."""

_ENCOUNTER_KEYS = {"fiscal_year": "int64", "year": "int64", "month": "int64", "region": "str"}
SCHEMAS: dict[str, dict[str, str]] = {
    "usbp_encounters_monthly": {**_ENCOUNTER_KEYS, "encounters": "int64"},
    "usbp_encounters_sector": {**_ENCOUNTER_KEYS, "sector": "str", "sector_state": "str", "encounters": "int64"},
    "usbp_encounters_citizenship": {**_ENCOUNTER_KEYS, "citizenship": "str", "encounters": "int64"},
    "usbp_encounters_family_status": {**_ENCOUNTER_KEYS, "family_status": "str", "encounters": "Int64",
                                      "all_statuses_recorded": "bool"},
    "usbp_encounters_annual": {"fiscal_year": "int64", "region": "str", "encounters": "int64"},
    "swb_encounters": {"fiscal_year": "int64", "year": "int64", "month": "int64", "component": "str",
                       "demographic": "str", "citizenship": "str", "title_of_authority": "str",
                       "encounter_type": "str", "encounters": "int64"},
    "cbp_drug_seizures": {"fiscal_year": "int64", "year": "int64", "month": "int64", "component": "str",
                          "region": "str", "land_filter": "str", "area": "str", "drug": "str", "events": "int64",
                          "pounds": "float64", "outlier": "bool"},
    "cbp_drug_seizures_2023_2026": {"fiscal_year": "int64", "year": "int64", "month": "int64", "component": "str",
                                    "region": "str", "land_filter": "str", "area": "str", "drug": "str",
                                    "events": "int64", "pounds": "float64", "outlier": "bool", "partial_year": "bool"},
    "amo_drug_seizures": {"fiscal_year": "int64", "year": "int64", "month": "int64", "component": "str",
                          "region": "str", "land_filter": "str", "branch": "str", "drug": "str", "events": "int64",
                          "pounds": "float64", "partial_year": "bool"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def calendar_year(fiscal_year: pd.Series, month: pd.Series) -> pd.Series:
    """Calendar year of calendar ``month`` (1–12) in US federal ``fiscal_year``: Oct–Dec belong to the year before."""
    return fiscal_year - (month >= FIRST_FISCAL_MONTH).astype("int64")


def _fiscal_month_labels(labels: pd.Series) -> pd.Series:
    """Calendar month (1–12) from OHSS labels "01 October" … "12 September"; raises if number and name disagree."""
    parts = labels.str.split(" ", n=1, expand=True)
    position = parts[0].astype("int64")
    month = (position + FIRST_FISCAL_MONTH - 2) % 12 + 1
    named = parts[1].str[:3].str.upper().map(MONTH_ABBREVIATIONS)
    if not named.equals(month):
        raise IronRiverError("OHSS month labels: fiscal position and month name disagree")
    return month


def _ohss(raw: RawDataset, filename: str, extra: dict[str, str]) -> pd.DataFrame:
    """An OHSS monthly sheet with ``fiscal_year``, ``year``, ``month``, ``region``, ``encounters`` and ``extra``."""
    frame = raw.csv(filename).rename(columns={"Fiscal Year": "fiscal_year", "Region": "region",
                                              "Quantity": "encounters", **extra})
    frame["month"] = _fiscal_month_labels(frame["Month"])
    frame["year"] = calendar_year(frame["fiscal_year"], frame["month"])
    return frame


def encounters_monthly(raw: RawDataset) -> pd.DataFrame:
    """USBP encounters by border region and month, FY2000 – Nov 2024 (FY2025 = Oct–Nov only).

    Encounters = Title 8 apprehensions + Title 42 expulsions between ports of entry (events, not people),
    rounded by OHSS to the nearest 10. ``region``: Coastal Border, Northern Land Border, Southwest Land
    Border. Caveat (audit §0 #8): the FY2000 Southwest level (1,566,420) is ~4.7 % below the legacy USBP
    figure for FY2000; treat FY2000 as a series start with a possible level shift (FY2001+ agree).
    """
    return _conform(_ohss(raw, "usbp_monthly_region.csv", {}).sort_values(["region", "year", "month"]),
                    "usbp_encounters_monthly")


def encounters_sector(raw: RawDataset) -> pd.DataFrame:
    """USBP encounters by sector and month. ``sector`` is the name ("Tucson"), ``sector_state`` its USPS code.

    "Livermore, CA" is listed under the Northern Land Border, as in the source. Cells are rounded to 10;
    a missing sector-month means fewer than 5 encounters (zero cells are absent in the source).
    """
    frame = _ohss(raw, "usbp_monthly_region_sector.csv", {})
    parts = frame["Sector"].str.rsplit(",", n=1, expand=True)
    frame["sector"] = parts[0].str.strip()
    frame["sector_state"] = us_state_codes(parts[1].str.strip())
    return _conform(frame.sort_values(["region", "sector", "year", "month"]), "usbp_encounters_sector")


def encounters_citizenship(raw: RawDataset) -> pd.DataFrame:
    """USBP encounters by citizenship (country name as in OHSS) and month.

    Cells are rounded to 10 and zero cells are absent (minimum 10), so small-country series are lumpy and
    the sum over countries exceeds the region total by up to ~600 a year (audit §5).
    """
    frame = _ohss(raw, "usbp_monthly_region_citizenship.csv", {"Citizenship": "citizenship"})
    return _conform(frame.sort_values(["region", "citizenship", "year", "month"]), "usbp_encounters_citizenship")


def encounters_family_status(raw: RawDataset) -> pd.DataFrame:
    """USBP encounters by family status and month, with unrecorded statuses as NA (audit §0 #8).

    Every region-month has the three statuses (Single Adults, Unaccompanied Children, Family Unit
    Individuals). A status is NA in fiscal years before USBP recorded it — Unaccompanied Children before
    FY2008, Family Unit Individuals before FY2012 — when "Single Adults" is everyone (so it is not single
    adults at all then; ``all_statuses_recorded`` is False). A recorded status missing from the sheet is 0
    (the source omits cells that round to zero).
    """
    frame = _ohss(raw, "usbp_monthly_region_family_status.csv", {"Family Status": "family_status"})
    unknown = set(frame["family_status"]) - set(FAMILY_STATUSES)
    if unknown:
        raise IronRiverError(f"usbp_monthly_region_family_status.csv: unknown family status {sorted(unknown)}")
    months = frame[["fiscal_year", "year", "month", "region"]].drop_duplicates()
    grid = months.merge(pd.DataFrame({"family_status": FAMILY_STATUSES}), how="cross")
    tidy = grid.merge(frame[["fiscal_year", "month", "region", "family_status", "encounters"]],
                      on=["fiscal_year", "month", "region", "family_status"], how="left")
    first = tidy["family_status"].map(FIRST_RECORDED_FISCAL_YEAR)
    recorded = tidy["fiscal_year"] >= first
    if tidy.loc[~recorded, "encounters"].notna().any():
        raise IronRiverError("usbp_monthly_region_family_status.csv: a status appears before it was recorded")
    tidy["encounters"] = tidy["encounters"].astype("Int64").mask(recorded & tidy["encounters"].isna(), 0)
    tidy["all_statuses_recorded"] = tidy["fiscal_year"] >= max(FIRST_RECORDED_FISCAL_YEAR.values())
    return _conform(tidy.sort_values(["region", "family_status", "year", "month"]), "usbp_encounters_family_status")


def encounters_annual(raw: RawDataset) -> pd.DataFrame:
    """USBP encounters by region and fiscal year (OHSS "Annual Region"; FY2025 = Oct–Nov 2024 only).

    Differs from the sum of the monthly sheet by ±10–30 (rounding of each cell to 10). FY2000 Southwest:
    see :func:`encounters_monthly`.
    """
    frame = raw.csv("usbp_annual_region.csv").rename(columns={"Fiscal Year": "fiscal_year", "Region": "region",
                                                             "Quantity": "encounters"})
    return _conform(frame.sort_values(["region", "fiscal_year"]), "usbp_encounters_annual")


def swb_encounters(raw: RawDataset) -> pd.DataFrame:
    """All CBP Southwest land border encounters (USBP **and** OFO), FY2022 – Aug 2025, by month and category.

    Returns ``fiscal_year`` (2025 = Oct 2024–Aug 2025), ``year``, ``month``, ``component`` (U.S. Border
    Patrol / Office of Field Operations), ``demographic`` (Accompanied Minors, FMUA, Single Adults, UAC),
    ``citizenship`` (El Salvador, Guatemala, Honduras, Mexico, Other), ``title_of_authority`` (Title 8 /
    Title 42), ``encounter_type`` (Apprehensions, Inadmissibles, Expulsions), ``encounters`` (events).
    The source's ``Month Grouping`` ("FYTD" Oct–Aug, "Remaining" for September) is deliberately ignored:
    filtering on "FYTD" would silently drop every September (audit §5).
    """
    frame = raw.csv("sbo-encounters-fy22-fy25-aug.csv")
    fiscal = frame["Fiscal Year"].str.extract(r"^\s*(\d{4})", expand=False)
    month = frame["Month (abbv)"].str.strip().str.upper().map(MONTH_ABBREVIATIONS)
    if fiscal.isna().any() or month.isna().any():
        raise IronRiverError("sbo-encounters-fy22-fy25-aug.csv: unreadable fiscal year or month")
    tidy = pd.DataFrame({
        "fiscal_year": fiscal.astype("int64"), "month": month.astype("int64"),
        "component": frame["Component"], "demographic": frame["Demographic"],
        "citizenship": frame["Citizenship Grouping"], "title_of_authority": frame["Title of Authority"],
        "encounter_type": frame["Encounter Type"], "encounters": frame["Encounter Count"],
    })
    tidy["year"] = calendar_year(tidy["fiscal_year"], tidy["month"])
    return _conform(tidy.sort_values(["year", "month", "component", "demographic", "citizenship",
                                      "title_of_authority", "encounter_type"]), "swb_encounters")


tidy_cbp_border_encounters = tidy_tables("cbp_border_encounters", {
    "usbp_encounters_monthly": (
        encounters_monthly,
        "US Border Patrol encounters (events, rounded to 10) by region and month, FY2000–"
        "Nov 2024; fiscal_year plus calendar year/month; FY2000 SW level ~4.7 % below "
        "the legacy series."),
    "usbp_encounters_sector": (
        encounters_sector,
        "USBP encounters (events) by sector (name; sector_state USPS) and month, "
        "FY2000–Nov 2024."),
    "usbp_encounters_citizenship": (
        encounters_citizenship,
        "USBP encounters (events) by citizenship and month, FY2000–Nov 2024; zero cells "
        "absent, rounded to 10."),
    "usbp_encounters_family_status": (
        encounters_family_status,
        "USBP encounters (events) by family status and month; NA where not recorded "
        "(UAC before FY2008, family units before FY2012, when Single Adults = all)."),
    "usbp_encounters_annual": (
        encounters_annual,
        "USBP encounters (events) by region and fiscal year FY2000–FY2025 "
        "(FY2025 = Oct–Nov 2024)."),
    "swb_encounters": (
        swb_encounters,
        "all CBP Southwest land border encounters (USBP + OFO, events) by month, component, "
        "demographic, citizenship, title of authority, encounter type; FY2022–Aug 2025, "
        "Septembers kept."),
})


# -------------------------------------------------------------------------------------------- seizures


def _seizure_file(raw: RawDataset, filename: str, first: int, last: int,
                  area_column: str = "Area of Responsibility") -> pd.DataFrame:
    """One CBP drug-seizure file, restricted to fiscal years ``first``–``last``, in tidy columns.

    ``FY`` is an integer or, in later releases, a label such as "2026 (FYTD)"; ``partial_year`` is True for
    FYTD labels. AMO files name the AMO branch in ``Branch`` instead of an area of responsibility.
    """
    frame = raw.csv(filename, dtype={"FY": str})
    fiscal = frame["FY"].str.extract(r"^\s*(\d{4})", expand=False)
    month = frame["Month (abbv)"].str.strip().str.upper().map(MONTH_ABBREVIATIONS)
    if fiscal.isna().any() or month.isna().any():
        raise IronRiverError(f"{filename}: unreadable fiscal year or month")
    fiscal = fiscal.astype("int64")
    keep = fiscal.between(first, last)
    frame = frame[keep]
    return pd.DataFrame({
        "fiscal_year": fiscal[keep], "month": month[keep].astype("int64"), "component": frame["Component"],
        "region": frame["Region"], "land_filter": frame["Land Filter"], "area": frame[area_column],
        "drug": frame["Drug Type"].replace(DRUG_NAMES), "events": frame["Count of Event"],
        "pounds": frame["Sum Qty (lbs)"], "partial_year": frame["FY"].str.contains("FYTD", regex=False),
    })


def _flag_outliers(tidy: pd.DataFrame) -> pd.DataFrame:
    """``tidy`` with ``outlier`` True on the rows of :data:`OUTLIERS` and calendar ``year`` added."""
    tidy["year"] = calendar_year(tidy["fiscal_year"], tidy["month"])
    tidy["outlier"] = False
    for outlier in OUTLIERS:
        match = pd.Series(True, index=tidy.index)
        for column, value in outlier.items():
            match &= tidy[column] == value
        tidy.loc[match, "outlier"] = True
    return tidy


def drug_seizures(raw: RawDataset) -> pd.DataFrame:
    """CBP drug seizures by fiscal month, component, region, area and drug, FY2019–FY2023.

    Returns ``fiscal_year``, ``year``/``month`` (calendar), ``component`` (Office of Field Operations = at
    ports of entry, U.S. Border Patrol = between them), ``region`` (Southwest Border, Northern Border,
    Coastal/Interior), ``land_filter`` ("Land Only" / "Other": add ``land_filter == "Land Only"`` for
    land-border totals, since Southwest Border also holds non-land rows), ``area`` (field office or sector,
    as in the source, e.g. "TUCSON SECTOR"), ``drug`` (Cocaine, Ecstasy, Fentanyl, Heroin, Ketamine, Khat,
    LSD, Marijuana, Methamphetamine, Other Drugs), ``events`` (seizure events), ``pounds`` (lbs seized) and
    ``outlier`` (True for the Seattle FY2023-Feb cocaine row, :data:`OUTLIERS`; exclude it from national
    cocaine totals). Seizures measure enforcement as much as flow; AMO seizures are not included.
    """
    tidy = pd.concat([_seizure_file(raw, f, *years) for f, years in DRUG_FILES.items()], ignore_index=True)
    tidy = _flag_outliers(tidy)
    return _conform(tidy.sort_values(["year", "month", "component", "region", "area", "drug"]),
                    "cbp_drug_seizures")


tidy_cbp_drug_seizures_fy2019_fy2023 = tidy_tables("cbp_drug_seizures_fy2019_fy2023", {
    "cbp_drug_seizures": (
        drug_seizures,
        "CBP drug seizures (events; pounds) by fiscal/calendar month, component, region, land "
        "filter, area and drug, FY2019–FY2023; outlier True for Seattle FY2023-Feb cocaine "
        "(26,630 lbs in 1 event)."),
})


def recent_drug_seizures(raw: RawDataset) -> pd.DataFrame:
    """CBP (OFO and USBP) drug seizures FY2023 – Apr 2026, columns as :func:`drug_seizures` plus ``partial_year``.

    ``partial_year`` is True for FY2026 (Oct 2025–Apr 2026, "FYTD" in the source): never compare its total with
    a full year. The Seattle FY2023-Feb cocaine row is flagged ``outlier`` as in the FY2019–FY2023 table. Air
    and Marine Operations seizures are not here (see :func:`amo_drug_seizures`) and must not be added.
    """
    tidy = _flag_outliers(_seizure_file(raw, RECENT_DRUG_FILE, SERIES_SWITCH_FISCAL_YEAR, 2026))
    return _conform(tidy.sort_values(["year", "month", "component", "region", "area", "drug"]),
                    "cbp_drug_seizures_2023_2026")


def amo_drug_seizures(raw: RawDataset) -> pd.DataFrame:
    """Air and Marine Operations drug seizures FY2019 – Dec 2025 (FY2026 = Oct–Dec, ``partial_year``).

    A separate CBP component (air and maritime interdiction, mostly Caribbean, Gulf and Pacific): its rows,
    even those labelled Southwest Border, are **never** added to port-of-entry or Border Patrol totals.
    ``branch`` is the AMO branch; ``land_filter`` is "Land" or "Other" as in the source.
    """
    tidy = pd.concat([_seizure_file(raw, f, *years, area_column="Branch") for f, years in AMO_FILES.items()],
                     ignore_index=True).rename(columns={"area": "branch"})
    tidy["year"] = calendar_year(tidy["fiscal_year"], tidy["month"])
    return _conform(tidy.sort_values(["year", "month", "region", "branch", "drug"]), "amo_drug_seizures")


tidy_cbp_drug_seizures_fy2023_fy2026 = tidy_tables("cbp_drug_seizures_fy2023_fy2026", {
    "cbp_drug_seizures_2023_2026": (
        recent_drug_seizures,
        "CBP OFO and USBP drug seizures (events; pounds) by month, component, region, "
        "land filter, area and drug, FY2023–Apr 2026; partial_year True for FY2026; "
        "outlier True for Seattle FY2023-Feb cocaine; AMO not included."),
    "amo_drug_seizures": (
        amo_drug_seizures,
        "CBP Air and Marine Operations drug seizures (events; pounds) by month, region, branch "
        "and drug, FY2019–Dec 2025; a separate component, never added to OFO/USBP totals."),
})


def drug_seizure_series(fy2019_fy2023: pd.DataFrame, fy2023_fy2026: pd.DataFrame) -> pd.DataFrame:
    """One OFO + USBP seizure table FY2019 – Apr 2026 from the store tables ``cbp_drug_seizures`` and
    ``cbp_drug_seizures_2023_2026``: fiscal years before :data:`SERIES_SWITCH_FISCAL_YEAR` from the first, the
    rest from the second, so FY2023 is counted once. Columns of ``cbp_drug_seizures_2023_2026``."""
    older = fy2019_fy2023[fy2019_fy2023["fiscal_year"] < SERIES_SWITCH_FISCAL_YEAR].assign(partial_year=False)
    newer = fy2023_fy2026[fy2023_fy2026["fiscal_year"] >= SERIES_SWITCH_FISCAL_YEAR]
    return _conform(pd.concat([older, newer], ignore_index=True), "cbp_drug_seizures_2023_2026")


def seizures_by_fiscal_year(series: pd.DataFrame, drug: str, region: str | None = None,
                            land_only: bool = False, include_outliers: bool = False) -> pd.DataFrame:
    """Pounds and events of ``drug`` seized per fiscal year from a :func:`drug_seizure_series` table.

    ``region`` (e.g. "Southwest Border") restricts the region; ``land_only`` keeps ``land_filter == "Land
    Only"``; flagged outliers are left out unless ``include_outliers``. Returns ``fiscal_year``, ``pounds``,
    ``events``, ``months`` (months with any row) and ``partial_year``.
    """
    keep = series["drug"] == drug
    if region is not None:
        keep &= series["region"] == region
    if land_only:
        keep &= series["land_filter"] == "Land Only"
    if not include_outliers:
        keep &= ~series["outlier"]
    return (series[keep].groupby("fiscal_year")
            .agg(pounds=("pounds", "sum"), events=("events", "sum"), months=("month", "nunique"),
                 partial_year=("partial_year", "any"))
            .reset_index())
