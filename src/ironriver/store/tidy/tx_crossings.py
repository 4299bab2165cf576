"""Tidy the Texas–Mexico northbound crossing counts (CBP, compiled by UNT), flagging the compilation's defects.

The monthly file counts vehicles, people or railcars entering Texas from Mexico by bridge and mode,
2008–2025. Its known defects (data audit §0 #3, §7) are handled row by row and recorded in ``flag``:
the El Paso field office's June 2025 is a copy of May 2025, and Paso del Norte pedestrians in May and June
2025 are about a tenth of normal — those counts become NA; 27 counts equal the same month of the previous
year exactly (likely copy errors in the workbook) — they keep their value and are flagged ``copied_row``.
Zeros are left alone but are ambiguous: most mean "mode not served by this bridge", some mean missing data.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.store.tidy import tidy_tables

MONTHLY_FILE = "monthly_crossings_2008_2025.csv"
COORDINATES_FILE = "TX-MX-Border-Crossings-Coordinates.csv"

COPIED_MONTH = "copied_month"
"""Flag: the whole field-office month is a copy of the previous month; count set to NA."""
IMPLAUSIBLE_VALUE = "implausible_value"
"""Flag: the count is about ten times below its neighbours; count set to NA."""
COPIED_ROW = "copied_row"
"""Flag: the count equals the same month of the previous year exactly; value kept."""

COPIED_MONTHS: tuple[dict[str, object], ...] = ({"region": "El Paso", "year": 2025, "month": 6},)
"""Region-months that are copies of the month before (audit §0 #3: all 33 El Paso series, June = May 2025)."""
IMPLAUSIBLE_VALUES: tuple[dict[str, object], ...] = (
    {"crossing": "Paso del Norte Bridge", "mode": "Pedestrians/ Bicyclists", "year": 2025, "month": 5},
    {"crossing": "Paso del Norte Bridge", "mode": "Pedestrians/ Bicyclists", "year": 2025, "month": 6},
)
"""Counts about ten times too low (33,814 vs April 310,677 and July 306,306; audit §7)."""
COPY_THRESHOLD = 100
"""Named assumption: a count equal to the same month a year before is flagged as a copy only above this
many crossings (value 100, plausible range 50–500): small counts (ferries, buses at minor bridges) repeat by
chance. With 100 the rule finds exactly the audit's 27 repeats."""

SCHEMAS: dict[str, dict[str, str]] = {
    "tx_crossings": {"year": "int64", "month": "int64", "region": "str", "port": "str", "crossing": "str",
                     "mode": "str", "crossings": "Int64", "flag": "str"},
    "tx_crossings_coordinates": {"crossing": "str", "code": "str", "region": "str", "port": "str", "county": "str",
                                 "city": "str", "txdot_district": "str", "address": "str", "lat": "float64",
                                 "lon": "float64"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def _matches(frame: pd.DataFrame, conditions: tuple[dict[str, object], ...]) -> pd.Series:
    """Rows of ``frame`` that satisfy any one of ``conditions`` (each a column -> value mapping)."""
    hit = pd.Series(False, index=frame.index)
    for condition in conditions:
        this = pd.Series(True, index=frame.index)
        for column, value in condition.items():
            this &= frame[column] == value
        hit |= this
    return hit


def copied_from_previous_year(frame: pd.DataFrame, threshold: int = COPY_THRESHOLD) -> pd.Series:
    """Rows whose count equals the same crossing, mode and month one year earlier, above ``threshold``.

    Only the later row of each pair is marked (the earlier one is the likely source of the copy).
    """
    previous = frame[["crossing", "mode", "year", "month", "crossings"]].assign(year=frame["year"] + 1)
    merged = frame[["crossing", "mode", "year", "month", "crossings"]].reset_index().merge(
        previous, on=["crossing", "mode", "year", "month"], how="left", suffixes=("", "_previous_year"))
    repeat = (merged["crossings"] == merged["crossings_previous_year"]) & (merged["crossings"] > threshold)
    return pd.Series(repeat.fillna(False).to_numpy(), index=merged["index"]).reindex(frame.index, fill_value=False)


def crossings(raw: RawDataset) -> pd.DataFrame:
    """Northbound crossings into Texas by month, field office, port, bridge and mode, 2008–2025.

    Returns ``year``, ``month``, ``region`` (CBP field office: El Paso, Laredo, Rio Grande Valley), ``port``
    (port of entry), ``crossing`` (bridge), ``mode`` (Buses, Commercial Trucks, Passenger Vehicles,
    Pedestrians/ Bicyclists, Railcars), ``crossings`` (vehicles, people or railcars; ``Int64``) and ``flag``
    (NA for clean rows): "copied_month" (El Paso June 2025 = May 2025, set to NA), "implausible_value"
    (Paso del Norte pedestrians May/June 2025, set to NA), "copied_row" (equal to the same month a year
    earlier, value kept; see :data:`COPY_THRESHOLD`).

    Other caveats (audit §7), not changed: 0 often means "mode not served" but sometimes missing data
    (Gateway to the Americas passenger vehicles Jun 2016–Mar 2018, Camino Real pedestrians Feb 2023, Union
    Pacific Eagle Pass railcars Sep 2017/Sep 2018); the three rail bridges have no May 2008 rows; "El Paso
    Railroad Bridges" starts in 2010; spikes such as Del Rio pedestrians Oct 2015 are as published.
    """
    frame = raw.csv(MONTHLY_FILE).rename(columns={
        "Year": "year", "Month": "month", "Region": "region", "POE": "port", "Crossing": "crossing",
        "Modes": "mode", "Northbound Crossing": "crossings"})
    frame["crossings"] = frame["crossings"].astype("Int64")
    flag = pd.Series(pd.NA, index=frame.index, dtype="str")
    flag[copied_from_previous_year(frame)] = COPIED_ROW
    copied_month = _matches(frame, COPIED_MONTHS)
    implausible = _matches(frame, IMPLAUSIBLE_VALUES)
    flag[copied_month] = COPIED_MONTH
    flag[implausible] = IMPLAUSIBLE_VALUE
    frame["crossings"] = frame["crossings"].mask(copied_month | implausible)
    frame["flag"] = flag
    return _conform(frame.sort_values(["region", "port", "crossing", "mode", "year", "month"]), "tx_crossings")


def coordinates(raw: RawDataset) -> pd.DataFrame:
    """Location of each Texas–Mexico crossing (34 rows; the file is UTF-8 with a byte-order mark).

    Returns ``crossing`` (as in :func:`crossings`, except that the BNSF and Union Pacific rail bridges in El
    Paso are listed separately while the counts combine them as "El Paso Railroad Bridges"), ``code``
    (UNT's code), ``region``, ``port`` (NA for Boquillas), ``county``, ``city``, ``txdot_district``,
    ``address`` (one line), ``lat``/``lon`` (WGS84 degrees).
    """
    frame = raw.csv(COORDINATES_FILE, encoding="utf-8-sig").rename(columns={
        "Border Crossing Name": "crossing", "Code": "code", "Region": "region", "Port Of Entry": "port",
        "County": "county", "City": "city", "TxDOT District": "txdot_district", "Address": "address",
        "Lat": "lat", "Lon": "lon"})
    frame["address"] = frame["address"].str.replace(r"\s*\n\s*", ", ", regex=True)
    return _conform(frame.sort_values("Order"), "tx_crossings_coordinates")


tidy_tx_mx_northbound_border_crossings = tidy_tables("tx_mx_northbound_border_crossings", {
    "tx_crossings": (
        crossings,
        "northbound crossings into Texas (vehicles/people/railcars) by month, field office, port, "
        "bridge and mode 2008–2025; flag: copied_month/implausible_value (set to NA: El Paso "
        "2025-06, Paso del Norte pedestrians 2025-05/06), copied_row (value kept)."),
    "tx_crossings_coordinates": (
        coordinates,
        "location (lat/lon, WGS84) and address of each Texas–Mexico crossing (34)."),
})
