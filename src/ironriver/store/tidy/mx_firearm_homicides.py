"""Tidy Diego Valle-Jones's 1998–2008 tabulations of Mexican (firearm) homicides from death certificates.

Two datasets from the same author (2009–2010 vintage of the SSA/INEGI death records): monthly pivot
exports by state and for the border region (``mx_firearm_homicides_monthly_1998_2008``), and state-year
firearm counts with national press tallies of "executions" (``mx_firearm_homicides_state_year_1998_2008``).
The pivot exports leave State/Year blank when they repeat, write blank for zero, carry a "<State> Total"
row per state and a "No Especificado" (month unknown) row per year; December 2008 is incomplete. These
counts are a different tabulation from INEGI's homicide series (data audit §0 #2): a firearm share must
always take numerator and denominator from this file, never divide by INEGI totals.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.names import mx_state_codes
from ironriver.store.tidy import LINEAGE_SCHEMA, tidy_tables, with_lines

SPANISH_MONTHS: dict[str, int] = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}
MONTH_UNKNOWN = "no especificado"
"""The pivot's label for deaths whose month was not recorded; kept as month NA (they count in the year)."""

INCOMPLETE_REGISTRATION: frozenset[tuple[int, int]] = frozenset({(2008, 12)})
"""(year, month) cells whose registrations were incomplete when tabulated: national Dec 2008 is 291 below
INEGI (data audit §11) and the original analysis (diegovalle/Assault-Weapons ``lib/preprocess_data.R``)
drops it."""

SCHEMAS: dict[str, dict[str, str]] = {
    "mx_firearm_homicides_monthly": {"state_code": "str", "year": "int64", "month": "Int64",
                                     "firearm_homicides": "int64", "homicides": "int64",
                                     "registration_complete": "bool"} | LINEAGE_SCHEMA,
    "mx_firearm_homicides_border_monthly": {"year": "int64", "month": "int64", "firearm_homicides": "int64",
                                            "homicides": "int64"},
    "mx_population_national_1998_2008": {"year": "int64", "population": "int64"},
    "mx_firearm_homicides_state_year": {"state_code": "str", "year": "int64", "firearm_homicides": "int64"},
    "mx_firearm_homicides_national_year": {"year": "int64", "firearm_homicides": "Int64", "population": "int64",
                                           "executions_renglones": "Int64", "executions_reforma": "Int64",
                                           "executions_milenio": "Int64"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def spanish_month(labels: pd.Series) -> pd.Series:
    """Month numbers (Int64) for Spanish month names; "No Especificado" gives NA, anything else raises."""
    folded = labels.astype("str").str.strip().str.casefold()
    unknown = sorted(set(folded) - set(SPANISH_MONTHS) - {MONTH_UNKNOWN})
    if unknown:
        raise IronRiverError(f"unrecognised month label(s) {unknown}; expected Spanish month names")
    return folded.map(SPANISH_MONTHS).astype("Int64")


def _counts(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Blank cells of a pivot export are zeros (data audit §11; the author sets NA to 0), never missing."""
    return frame[columns].fillna(0).astype("int64")


def incomplete_registration(year: pd.Series, month: pd.Series) -> pd.Series:
    """True where (year, month) is in :data:`INCOMPLETE_REGISTRATION`; a month-unknown row (NA) is False."""
    flagged = pd.Series(False, index=year.index)
    for bad_year, bad_month in INCOMPLETE_REGISTRATION:
        flagged |= (year == bad_year) & (month == bad_month).fillna(False).astype(bool)
    return flagged


def state_month_table(raw: RawDataset) -> pd.DataFrame:
    """``mx_firearm_homicides_monthly``: the state-month rows of :func:`state_month` (its Total rows only check
    them)."""
    return state_month(raw)[0]


def state_month(raw: RawDataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse ``hom_state_month.csv`` into (state-month rows, the file's "<State> Total" rows).

    State-month rows: ``state_code``, ``year``, ``month`` (Int64, NA = "No Especificado"),
    ``firearm_homicides`` and ``homicides`` (deaths), ``registration_complete``. Total rows:
    ``state_code``, ``firearm_homicides``, ``homicides``. Raises :class:`IronRiverError` if a state's
    rows do not add up to its Total row (which would mean the forward fill went wrong).
    """
    frame = with_lines(raw.csv("hom_state_month.csv", dtype={"State": "str", "Month": "str"}), raw,
                       "hom_state_month.csv")
    counts = _counts(frame, ["Murders.with.Firearm", "Murders"])
    counts.columns = ["firearm_homicides", "homicides"]
    state = frame["State"].str.strip()
    is_total = state.str.endswith(" Total").fillna(False).astype(bool)

    totals = counts[is_total].assign(state_code=mx_state_codes(state[is_total].str.removesuffix(" Total")))
    # Report layout: State and Year are written once per block; carry them down, but never out of a
    # Total row (it closes its state's block and has a blank Year).
    body = pd.DataFrame({"state": state.where(~is_total).ffill(), "year": frame["Year"].ffill()})[~is_total]
    rows = counts[~is_total].assign(state_code=mx_state_codes(body["state"]),
                                    year=body["year"].astype("int64"),
                                    month=spanish_month(frame.loc[~is_total, "Month"]),
                                    source_file=frame["source_file"], source_line=frame["source_line"])
    block_start = body["state"] != body["state"].shift()
    if frame.loc[~is_total, "Year"][block_start].isna().any():
        raise IronRiverError("hom_state_month.csv: a state's first row has no Year; cannot forward-fill")
    rows["registration_complete"] = ~incomplete_registration(rows["year"], rows["month"])
    sums = rows.groupby("state_code")[["firearm_homicides", "homicides"]].sum().sort_index()
    check = totals.set_index("state_code")[["firearm_homicides", "homicides"]].sort_index()
    if not sums.equals(check):
        raise IronRiverError("hom_state_month.csv: state sums differ from the '<State> Total' rows")
    tidy = rows.sort_values(["state_code", "year", "month"], na_position="last")
    return _conform(tidy, "mx_firearm_homicides_monthly"), totals.reset_index(drop=True)


def border_month(raw: RawDataset) -> pd.DataFrame:
    """``hom_border_month.csv``: firearm and all homicides in municipalities near the US border, by month."""
    frame = raw.csv("hom_border_month.csv", dtype={"Month": "str"})
    tidy = _counts(frame, ["Firearm.Homicide", "Homicide"]).set_axis(["firearm_homicides", "homicides"], axis=1)
    tidy["year"] = frame["Year"].ffill().astype("int64")
    tidy["month"] = spanish_month(frame["Month"])
    if tidy["month"].isna().any():  # the border file has no month-unknown rows; the schema has no NA month
        raise IronRiverError("hom_border_month.csv: unexpected 'No Especificado' month")
    return _conform(tidy.sort_values(["year", "month"]), "mx_firearm_homicides_border_monthly")


def national_population_1998_2008(raw: RawDataset) -> pd.DataFrame:
    """``mexico_population_1998_2008.csv``: old CONAPO (2006-base) national mid-year population, one row a year."""
    frame = raw.csv("mexico_population_1998_2008.csv")
    tidy = frame.melt(var_name="year", value_name="population")
    tidy["year"] = tidy["year"].astype("int64")
    return _conform(tidy.sort_values("year"), "mx_population_national_1998_2008")


tidy_mx_firearm_homicides_monthly_1998_2008 = tidy_tables("mx_firearm_homicides_monthly_1998_2008", {
    "mx_firearm_homicides_monthly": (
        state_month_table,
        "Valle-Jones tabulation of death certificates: firearm (ICD-10 X93–X95) and "
        "all homicides (deaths) by state and month 1998–2008; month NA = month not "
        "recorded (part of annual totals); registration_complete False for Dec "
        "2008. Take shares only within this table, never against INEGI totals."),
    "mx_firearm_homicides_border_monthly": (
        border_month,
        "same tabulation for municipalities near the US border (deaths), by "
        "month 1998–2008; Dec 2008 incomplete."),
    "mx_population_national_1998_2008": (
        national_population_1998_2008,
        "old CONAPO (2006-base) national mid-year population (persons), "
        "1998–2008; reference only, use mx_population for rates."),
})


def state_year(raw: RawDataset) -> pd.DataFrame:
    """``firearm-hom-statetot.csv`` (Latin-1): firearm homicides (deaths) by state and year of registration.

    The file's 33rd row is empty (not a national total) and is dropped; any other row without a
    recognisable state name raises.
    """
    frame = raw.csv("firearm-hom-statetot.csv", encoding="latin-1", dtype={"State": "str"})
    frame = frame.dropna(how="all")
    tidy = frame.assign(state_code=mx_state_codes(frame["State"])).drop(columns="State")
    tidy = tidy.melt(id_vars="state_code", var_name="year", value_name="firearm_homicides")
    tidy["year"] = tidy["year"].astype("int64")
    return _conform(tidy.sort_values(["state_code", "year"]), "mx_firearm_homicides_state_year")


def national_year(raw: RawDataset) -> pd.DataFrame:
    """``firearm-executions.csv``: national firearm homicides (incl. state unknown) and press tallies, 1998–2009.

    ``firearm_homicides`` is NA for 2009 (not tabulated); ``population`` is old CONAPO (2006-base);
    ``executions_*`` are newspaper counts of drug-related killings (Renglones 2001–2005, Reforma
    2006–2009, Milenio 2007–2009), NA outside those years. The file's ``Executions`` column is empty and
    is dropped.
    """
    frame = raw.csv("firearm-executions.csv")
    if frame["Executions"].notna().any():
        raise IronRiverError("firearm-executions.csv: 'Executions' column is no longer empty; update the tidier")
    tidy = frame.rename(columns={"Year": "year", "Firearm.Homicides": "firearm_homicides",
                                 "Population": "population", "Renglones": "executions_renglones",
                                 "Reforma": "executions_reforma", "Milenio": "executions_milenio"})
    return _conform(tidy.sort_values("year"), "mx_firearm_homicides_national_year")


tidy_mx_firearm_homicides_state_year_1998_2008 = tidy_tables("mx_firearm_homicides_state_year_1998_2008", {
    "mx_firearm_homicides_state_year": (
        state_year,
        "Valle-Jones: firearm homicides (deaths, ICD-10 X93–X95) by state and year "
        "of registration, 1998–2008; equals the monthly table's state-year sums."),
    "mx_firearm_homicides_national_year": (
        national_year,
        "national firearm homicides (deaths, incl. state unknown) 1998–2008, old "
        "CONAPO population (persons), and press counts of 'executions' "
        "(Renglones 2001–05, Reforma 2006–09, Milenio 2007–09), 1998–2009."),
})
