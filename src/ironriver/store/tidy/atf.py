"""Tidy the ATF datasets: US trace matrices (source × recovery state), their populations, FFLs and commerce.

Two packaged datasets are handled here. ``atf_trace_us_source_recovery_state_2010_2020`` is a long copy of
ATF's yearly "Source State by Recovery State" sheets including their ``Total`` row and column; both are
dropped so that nothing is double counted (the inner cells sum exactly to Total × Total, audit §2). Its
population file mixes two Census vintages, kept apart by a ``vintage`` column. ``atf_ffl_and_commerce``
holds the 2016 per-state licence listing counts and four exhibits of ATF's *Firearms Commerce in the United
States 2016* whose numbers are strings with thousands separators and whose headers carry footnote digits
(audit §3); they become plain integer tables with snake_case names.
"""

from __future__ import annotations

import re

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.names import us_state_codes
from ironriver.store.tidy import tidies, tidy_tables

TRACE_FILE = "atf_trace_source_by_recovery_state_2010_2020_long.csv"
POPULATION_FILE = "state_populations_2010_2020.csv"
TOTAL_LABEL = "Total"
CANADA_LABEL = "CANADA"
"""``recovery_state`` of the one non-US recovery row (2012, 2 guns): kept, labelled so it cannot match a USPS code."""

VINTAGE_2019 = "V2019"
VINTAGE_POST_2020_CENSUS = "post-2020-census"
LAST_V2019_YEAR = 2019
"""Years up to this are Census Vintage 2019 in the ATF population file; later years a post-2020-Census vintage."""

SCHEMAS: dict[str, dict[str, str]] = {
    "atf_traces_us": {"recovery_state": "str", "source_state": "str", "year": "int64", "guns_recovered": "int64"},
    "us_state_population_atf": {"state": "str", "year": "int64", "population": "int64", "vintage": "str"},
    "ffl_licences_2016": {"state": "str", "licences": "float64", "licence_records_2016": "int64",
                          "population_2016": "int64", "licences_per_100k": "float64", "atf_region": "int64",
                          "census_region": "int64", "census_division": "int64"},
    "us_firearms_manufactured": {"year": "int64", "pistols": "int64", "revolvers": "int64", "rifles": "int64",
                                 "shotguns": "int64", "misc_firearms": "int64", "total": "int64"},
    "us_firearms_exported": {"year": "int64", "pistols": "int64", "revolvers": "int64", "rifles": "int64",
                             "shotguns": "int64", "misc_firearms": "int64", "total": "int64"},
    "us_firearms_imported": {"year": "int64", "shotguns": "int64", "rifles": "int64", "handguns": "int64",
                             "total": "int64"},
    "us_ffl_totals": {"year": "int64", "dealer": "int64", "pawnbroker": "int64", "collector": "int64",
                      "ammunition_manufacturer": "int64", "firearms_manufacturer": "int64", "importer": "int64",
                      "destructive_device_dealer": "int64", "destructive_device_manufacturer": "int64",
                      "destructive_device_importer": "int64", "total": "int64"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""

# Header (after footnote digits are stripped) -> column name, per exhibit.
_HEADERS: dict[str, str] = {
    "Year": "year", "Fiscal Year": "year", "Pistols": "pistols", "Revolvers": "revolvers", "Rifles": "rifles",
    "Shotguns": "shotguns", "Misc. Firearms": "misc_firearms", "Firearms": "total", "Handguns": "handguns",
    "Total": "total", "Dealer": "dealer", "Pawnbroker": "pawnbroker", "Collector": "collector",
    "mfg.Ammunition": "ammunition_manufacturer", "mfg.Firearms": "firearms_manufacturer", "Importer": "importer",
    "dd.Dealer": "destructive_device_dealer", "dd.Manufacturer": "destructive_device_manufacturer",
    "dd.Importer": "destructive_device_importer",
}
_EXHIBITS: dict[str, str] = {
    "us_firearms_manufactured": "commerce-01-manufacturing.csv",
    "us_firearms_exported": "commerce-02-exports.csv",
    "us_firearms_imported": "commerce-03-imports.csv",
    "us_ffl_totals": "commerce-10-FFL-total.csv",
}


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- traces


def _trace_places(names: pd.Series) -> pd.Series:
    """USPS codes for trace-file place names; "Canada" (a 2012 recovery row) becomes :data:`CANADA_LABEL`."""
    is_canada = names.str.strip().str.casefold() == "canada"
    return us_state_codes(names.where(~is_canada)).where(~is_canada, CANADA_LABEL)


def traces_us(raw: RawDataset) -> pd.DataFrame:
    """Traced guns by US recovery state, US source state (first retail sale) and calendar year, 2010–2020.

    Returns ``recovery_state`` (USPS incl. DC, GU, PR, VI; plus "CANADA"), ``source_state`` (USPS),
    ``year`` and ``guns_recovered`` (firearms traced). ATF's ``Total`` row and column are dropped: the
    remaining cells sum to the sheet's Total × Total every year (145,604 in 2010 … 306,686 in 2020).

    The 2012 sheet has a stray "Canada" recovery row (2 guns: Georgia 1, Washington 1), kept as
    recovery_state "CANADA" so the year still sums to its total; filter it out for US-only work. Also in
    2012, six recovery rows sum to 1–3 guns more than their own Total cell (8 guns; ATF's sheet). Guam's
    row is ATF's "Guam & Northern Mariana Islands". Traces are not a random sample of crime guns.
    """
    frame = raw.csv(TRACE_FILE)
    inner = frame[(frame["Recovery_State"] != TOTAL_LABEL) & (frame["Source_State"] != TOTAL_LABEL)]
    tidy = pd.DataFrame({"recovery_state": _trace_places(inner["Recovery_State"]),
                         "source_state": us_state_codes(inner["Source_State"]),
                         "year": inner["Year"], "guns_recovered": inner["Guns_Recovered"]})
    return _conform(tidy.sort_values(["year", "recovery_state", "source_state"]), "atf_traces_us")


def state_population_atf(raw: RawDataset) -> pd.DataFrame:
    """Resident population (persons, 1 July) by state 2010–2020 as shipped with the trace data.

    Returns ``state`` (USPS: 50 states, DC, PR), ``year``, ``population`` and ``vintage``: "V2019" for
    2010–2019 (Census Vintage 2019) and "post-2020-census" for 2020 (data audit §0 #6; the descr's
    "Vintage 2020" label is wrong). **Per-capita rates across 2019→2020 are not comparable**: the step
    is partly a revision (New Jersey +4.4 %, New York +3.4 %, DC −4.9 %). The "United States" row
    (50 states + DC, without Puerto Rico) is dropped; it equals the sum of the states.
    """
    frame = raw.csv(POPULATION_FILE)
    states = frame[frame["State"] != "United States"]
    tidy = states.melt(id_vars="State", var_name="year", value_name="population")
    tidy["state"] = us_state_codes(tidy["State"])
    tidy["year"] = tidy["year"].astype("int64")
    if (tidy["population"] % 1 != 0).any() or tidy["population"].isna().any():
        raise IronRiverError(f"{POPULATION_FILE}: population is missing or fractional")
    tidy["vintage"] = VINTAGE_POST_2020_CENSUS
    tidy.loc[tidy["year"] <= LAST_V2019_YEAR, "vintage"] = VINTAGE_2019
    return _conform(tidy.sort_values(["state", "year"]), "us_state_population_atf")


tidy_atf_trace_us_source_recovery_state_2010_2020 = tidy_tables("atf_trace_us_source_recovery_state_2010_2020", {
    "atf_traces_us": (
        traces_us,
        "ATF traced firearms recovered in the US by recovery_state × source_state (USPS; first "
        "retail sale) × calendar year 2010–2020 (guns_recovered, firearms); ATF Total row/column "
        "dropped; recovery_state 'CANADA' = one stray 2012 row (2 guns)."),
    "us_state_population_atf": (
        state_population_atf,
        "state population (persons, 1 July) 2010–2020 shipped with the trace data; "
        "vintage 'V2019' for 2010–2019, 'post-2020-census' for 2020 — per-capita rates "
        "across 2019→2020 are not comparable."),
})


# ------------------------------------------------------------------------------------ FFL and commerce


def clean_header(header: str) -> str:
    """A commerce-exhibit header without its trailing footnote digits: "Misc. Firearms1" -> "Misc. Firearms".

    Digits at the end that follow a letter or a period, with at most one space between, are footnote
    markers ("Total3" -> "Total", "Year 1" -> "Year"); a header that is only digits is left alone.
    """
    return re.sub(r"(?<=[A-Za-z.])\s?\d+$", "", header.strip()).strip()


def parse_count(values: pd.Series) -> pd.Series:
    """Integers from strings such as "1,203,072", "$1,250", "12%" or " 199 " (``Int64``; blank -> NA).

    Raises :class:`IronRiverError` if anything but digits remains after removing "$", "%", "," and spaces.
    """
    text = values.astype("str").str.replace(r"[$%,\s]", "", regex=True)
    text = text.where(~values.isna() & (text != ""))
    bad = text.notna() & ~text.str.fullmatch(r"-?\d+").fillna(False)
    if bad.any():
        raise IronRiverError(f"not a whole number: {values[bad].iloc[0]!r}")
    return pd.to_numeric(text).astype("Int64")


def commerce_exhibit(raw: RawDataset, table: str) -> pd.DataFrame:
    """One *Firearms Commerce in the United States 2016* exhibit as integers with snake_case columns.

    Tables: ``us_firearms_manufactured`` (AFMER, firearms made in the US by type, 1986–2014; a year's data
    are published with a one-year lag), ``us_firearms_exported`` (1986–2014), ``us_firearms_imported``
    (shotguns, rifles, handguns, 1986–2015), ``us_ffl_totals`` (federal firearms licensees by licence type
    at the end of **fiscal** year 1975–2015 — ``year`` is the fiscal year; ``destructive_device_*`` are
    destructive-device licences). All counts are firearms resp. licences. Raises
    :class:`IronRiverError` if a header is unknown or the types do not sum to ``total``.
    """
    filename = _EXHIBITS[table]
    frame = raw.csv(filename, dtype="str")
    headers = [clean_header(h) for h in frame.columns]
    unknown = [h for h in headers if h not in _HEADERS]
    if unknown:
        raise IronRiverError(f"{filename}: unknown column(s) {unknown}")
    tidy = pd.DataFrame({_HEADERS[h]: parse_count(frame[c]) for h, c in zip(headers, frame.columns)})
    parts = [c for c in SCHEMAS[table] if c not in ("year", "total")]
    if not tidy[parts].sum(axis=1).equals(tidy["total"].astype("Int64")):
        raise IronRiverError(f"{filename}: the types do not sum to the total")
    return _conform(tidy.sort_values("year"), table)


def ffl_licences_2016(raw: RawDataset) -> pd.DataFrame:
    """Federal firearms licences listed per state in 2016, and per 100,000 residents (50 states, no DC).

    Returns ``state`` (USPS), ``licences`` (average number of licences in a monthly ATF listing file =
    LicCount / 12), ``licence_records_2016`` (licence records summed over the 2016 monthly files),
    ``population_2016`` (Census Vintage 2016, 1 July 2016, persons), ``licences_per_100k``
    (= licences / population × 100,000), ``atf_region``, ``census_region``, ``census_division``.

    Caveat (descr): the 50 states sum to ~66,000 licences a month, below ATF's ~140,000 national total,
    because the listing files used miss some licence types or months: use for comparisons between states.
    """
    frame = raw.csv("ffl-2016-perCapita.csv")
    tidy = pd.DataFrame({
        "state": us_state_codes(frame["NAME"]), "licences": frame["LicCountMonthly"],
        "licence_records_2016": frame["LicCount"], "population_2016": frame["POPESTIMATE2016"],
        "licences_per_100k": frame["perCapitaFFL"], "atf_region": frame["atf.Region"],
        "census_region": frame["REGION"], "census_division": frame["DIVISION"],
    })
    return _conform(tidy.sort_values("state"), "ffl_licences_2016")


@tidies("atf_ffl_and_commerce", tables={
    "ffl_licences_2016": "federal firearms licences per state 2016 (50 states): licences (average listed per "
                         "month), licence_records_2016, population_2016 (Census V2016, persons), "
                         "licences_per_100k; listing files cover ~half of ATF's national total.",
    "us_firearms_manufactured": "firearms manufactured in the US by type (firearms), calendar years 1986–2014 "
                                "(ATF AFMER via Firearms Commerce 2016).",
    "us_firearms_exported": "firearms exported from the US by type (firearms), 1986–2014 (ATF AFMER).",
    "us_firearms_imported": "firearms imported into the US: shotguns, rifles, handguns, total (firearms), "
                            "1986–2015.",
    "us_ffl_totals": "federal firearms licensees by licence type (licences) at fiscal year (year) 1975–2015; "
                     "destructive_device_* = destructive-device licences.",
})
def tidy_atf_ffl_and_commerce(raw: RawDataset) -> dict[str, pd.DataFrame]:
    """Tidy the 2016 FFL counts and the four commerce exhibits (see :func:`commerce_exhibit`)."""
    return {"ffl_licences_2016": ffl_licences_2016(raw)} | {
        table: commerce_exhibit(raw, table) for table in _EXHIBITS}
