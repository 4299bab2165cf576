"""Tidy the Texas DPS "Border Report": NIBRS offenses by agency and year in 14 Texas border counties, 2017–2023.

The report counts only NIBRS submissions, and Texas agencies joined NIBRS at different dates: 2 of the 85
agencies reported all twelve months in 2017, 52 in 2023. A rise in the sum over agencies is therefore mostly
reporting coverage, not crime (descr ``tx_border_crime_dps_2017_2023``, caveats). Every row carries
``full_year`` (12 months reported that year), and :func:`balanced_panel` keeps only agencies that reported
every month of every year compared — the only comparison over time this dataset supports. Agency populations
overlap (school-district police, sheriffs and cities cover the same people), so they are never summed.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.tidy import conform, tidy_tables

FILE = "stg_texas_border_report.csv"
MONTHS_IN_YEAR = 12
OFFENSES: dict[str, str] = {
    "murder_and_nonnegligent_manslaughter": "murder and nonnegligent manslaughter",
    "negligent_manslaughter": "negligent manslaughter",
    "rape": "rape (incl. sexual assault with an object, sodomy)",
    "robbery": "robbery",
    "assault": "assault (aggravated and simple)",
    "burglary": "burglary", "larceny_theft": "larceny-theft", "motor_vehicle_theft": "motor vehicle theft",
    "arson": "arson",
    "human_trafficking_commercial_sex_acts": "human trafficking, commercial sex acts",
    "human_trafficking_involuntary_servitude": "human trafficking, involuntary servitude",
}
"""Source column -> offense label (NIBRS categories as the report groups them; footnotes in the workbooks)."""

SCHEMAS: dict[str, dict[str, str]] = {"tx_border_crime": {
    "agency": "str", "county": "str", "population_served": "int64", "nibrs_start_date": "str", "year": "int64",
    "months_reported": "int64", "full_year": "bool", "offense": "str", "offenses": "int64",
}}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def border_crime(raw: RawDataset) -> pd.DataFrame:
    """Offenses known to police by agency, year and offense, 85 agencies × 2017–2023 × 11 offenses.

    ``population_served`` is the agency's (0 for agencies such as school-district police; overlapping — do not
    sum); ``months_reported`` 0–12 NIBRS months submitted; ``full_year`` = 12 months. A zero in a year with
    ``months_reported == 0`` means nothing was reported, not no crime: filter with ``full_year`` or use
    :func:`balanced_panel`.
    """
    frame = raw.csv(FILE)
    frame["year"] = frame["report_year"].str[:4].astype("int64")
    if frame.duplicated(["agency_name", "year"]).any():
        raise IronRiverError(f"{FILE}: an agency appears twice in one year")
    if not frame["months_reported"].between(0, MONTHS_IN_YEAR).all():
        raise IronRiverError(f"{FILE}: months_reported outside 0–12")
    tidy = frame.melt(id_vars=["agency_name", "county", "population", "nibrs_start_date", "year", "months_reported"],
                      value_vars=list(OFFENSES), var_name="offense", value_name="offenses")
    tidy = tidy.rename(columns={"agency_name": "agency", "population": "population_served"})
    tidy["offense"] = tidy["offense"].map(OFFENSES)
    tidy["full_year"] = tidy["months_reported"] == MONTHS_IN_YEAR
    tidy["nibrs_start_date"] = tidy["nibrs_start_date"].fillna("")
    return conform(tidy.sort_values(["agency", "year", "offense"]), SCHEMAS["tx_border_crime"])


def balanced_panel(crime: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """Rows of ``crime`` (the ``tx_border_crime`` table) for ``first_year``–``last_year`` from agencies that
    reported all 12 months in **every** one of those years — the balanced panel a trend may be read from."""
    window = crime[crime["year"].between(first_year, last_year)]
    years = last_year - first_year + 1
    full = window[window["full_year"]].groupby("agency")["year"].nunique()
    agencies = full.index[full == years]
    return window[window["agency"].isin(agencies)].reset_index(drop=True)


tidy_tx_border_crime_dps_2017_2023 = tidy_tables("tx_border_crime_dps_2017_2023", {
    "tx_border_crime": (
        border_crime,
        "NIBRS offenses known to police by agency (85, in 14 Texas border counties), year 2017–2023 "
        "and offense; full_year = 12 months reported (2 agencies in 2017, 52 in 2023): compare "
        "years only on a balanced panel (tx_border_crime.balanced_panel)."),
})
