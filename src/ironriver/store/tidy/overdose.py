"""Tidy the CDC/NCHS overdose files: synthetic-opioid (T40.4) deaths by state, all-drug deaths, national rates.

Four products, each with its own defects handled here (descr ``us_overdose_deaths_cdc``, caveats). The NCHS
VSRR extract gives **12-month-ending** sums, so only the December value is a calendar year and months are never
added; blank cells (withheld for low data quality, or suppressed under 10) are missing, never zero; Louisiana
and Pennsylvania are absent from the extract; ``NY`` is New York State *without* New York City (``YC``: in 2024
YC's 1,619 deaths exceed NY's 1,555, so NY cannot include them; NY + YC is New York State). A
national figure is therefore always NCHS's own ``US`` row, never a sum of jurisdictions. Years from
:data:`FIRST_PROVISIONAL_YEAR` on are provisional. The CDC WONDER state × month exports omit suppressed cells
(1–9 deaths), so their sums undercount — badly before :data:`WONDER_COMPLETE_FROM` — and are flagged.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.names import us_state_codes
from ironriver.store.tidy import conform, tidy_tables

VSRR = "cdc_api_provisional_overdose_counts.csv"
NCHS_STATE = "NCHS_-_Drug_Poisoning_Mortality_by_State__United_States.csv"
HEALTH_US = "CDC_drug_overdose_deaths_raw_data.csv"
WONDER_FILES: dict[str, tuple[str, str, int, int]] = {
    "Multiple_Cause_of_Death_1999_2020_MANUAL_DOWNLOAD.csv": ("D77", "State", 1999, 2017),
    "Multiple_Cause_of_Death_2018_2023_Single_Race_MANUAL_DOWNLOAD.csv": ("D157", "State", 2018, 2023),
    "Provisional_Mortality_Statistics_2018_through_Last_Week_MANUAL_DOWNLOAD.csv": ("D176", "Residence State",
                                                                                     2024, 2025),
}
"""WONDER file -> (database, state column, first and last year taken). The final databases win where they
overlap (D77 and D157 agree on 2018–2020; D157 and D176 give identical sums for 2018–2023), so each year is
read from exactly one file; D176 supplies only the provisional years."""

FIRST_PROVISIONAL_YEAR = 2024
"""VSRR and WONDER D176 values from 2024 on are provisional and will be revised (descr caveats)."""
WONDER_COMPLETE_FROM = 2014
"""Before 2014 the WONDER rows miss most deaths (suppressed small cells; 1999: 32 in the rows against a
national rate implying several hundred), so state or national sums of earlier rows are not totals."""

NATION, NEW_YORK_CITY = "US", "YC"
JURISDICTION_KINDS: dict[str, str] = {NATION: "nation", NEW_YORK_CITY: "city", "PR": "territory"}
"""VSRR codes that are not states (every other code is a state or DC)."""
WITHHELD = "Data not shown due to low data quality"
SUPPRESSED = "Data suppressed (<10)"
UNDERREPORTED = "Underreported due to incomplete data"
MONTHS = {name: number for number, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], start=1)}
PER_100K = 100_000

SCHEMAS: dict[str, dict[str, str]] = {
    "synthetic_opioid_deaths_12m": {
        "jurisdiction": "str", "jurisdiction_name": "str", "jurisdiction_kind": "str", "year": "int64",
        "month": "int64", "deaths_12m": "Int64", "predicted_deaths_12m": "Float64", "percent_complete": "float64",
        "withheld": "bool", "suppressed": "bool", "underreported": "bool", "provisional": "bool"},
    "synthetic_opioid_deaths_annual": {
        "jurisdiction": "str", "jurisdiction_name": "str", "jurisdiction_kind": "str", "year": "int64",
        "deaths": "Int64", "predicted_deaths": "Float64", "withheld": "bool", "underreported": "bool",
        "provisional": "bool", "population": "Int64", "deaths_per_100k": "Float64"},
    "synthetic_opioid_deaths_wonder_monthly": {
        "state": "str", "year": "int64", "month": "int64", "deaths": "int64", "database": "str",
        "provisional": "bool", "undercounts": "bool"},
    "overdose_deaths_state_annual": {
        "state": "str", "year": "int64", "deaths": "int64", "population": "int64", "crude_rate_per_100k": "float64",
        "crude_rate_lower_95": "float64", "crude_rate_upper_95": "float64", "age_adjusted_rate_per_100k": "float64",
        "age_adjusted_rate_lower_95": "float64", "age_adjusted_rate_upper_95": "float64"},
    "overdose_death_rates_national": {
        "drug": "str", "rate_type": "str", "group": "str", "group_label": "str", "age": "str", "year": "int64",
        "deaths_per_100k": "Float64", "unreliable": "bool"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""

DRUG_PANELS: dict[str, str] = {
    "All drug overdose deaths": "all drugs",
    "Drug overdose deaths involving any opioid": "any opioid",
    "Drug overdose deaths involving natural and semisynthetic opioids": "natural and semisynthetic opioids",
    "Drug overdose deaths involving methadone": "methadone",
    "Drug overdose deaths involving other synthetic opioids (other than methadone)": "synthetic opioids (T40.4)",
    "Drug overdose deaths involving heroin": "heroin",
}
"""Health, United States panel -> short drug name (``synthetic opioids (T40.4)`` is the VSRR indicator)."""


def synthetic_opioid_deaths_12m(raw: RawDataset) -> pd.DataFrame:
    """VSRR synthetic-opioid (T40.4) deaths in the 12 months ending each month, by jurisdiction, 2015-01 – 2026-01.

    ``deaths_12m`` is reported deaths (by jurisdiction of occurrence) in the 12 months ending ``month`` of
    ``year`` — a rolling sum: never add months. NA where NCHS withheld the cell (``withheld``: under 90 % of
    overdose certificates name a drug) or suppressed it (``suppressed``: under 10). ``predicted_deaths_12m`` is
    NCHS's adjustment for reporting delay. ``underreported`` carries NCHS's "underreported due to incomplete
    data" footnote; ``provisional`` marks years from 2024. ``jurisdiction``: USPS code, ``YC`` New York City,
    ``NY`` New York State excluding New York City, ``US`` the nation (NCHS's own total — Louisiana and
    Pennsylvania, absent from this extract, are in it).
    """
    frame = raw.csv(VSRR)
    month = frame["month"].map(MONTHS)
    if month.isna().any():
        raise IronRiverError(f"{VSRR}: unreadable month name")
    if (frame["period"] != "12 month-ending").any():
        raise IronRiverError(f"{VSRR}: a row is not a 12 month-ending sum")
    footnote = frame["footnote"].fillna("")
    tidy = pd.DataFrame({
        "jurisdiction": frame["state"], "jurisdiction_name": frame["state_name"],
        "jurisdiction_kind": frame["state"].map(JURISDICTION_KINDS).fillna("state"),
        "year": frame["year"], "month": month, "deaths_12m": frame["data_value"].round().astype("Int64"),
        "predicted_deaths_12m": frame["predicted_value"], "percent_complete": frame["percent_complete"],
        "withheld": footnote.str.contains(WITHHELD, regex=False),
        "suppressed": footnote.str.contains(SUPPRESSED, regex=False),
        "underreported": footnote.str.contains(UNDERREPORTED, regex=False),
    })
    tidy.loc[tidy["jurisdiction"] == "NY", "jurisdiction_name"] = "New York (excluding New York City)"
    tidy["provisional"] = tidy["year"] >= FIRST_PROVISIONAL_YEAR
    unexplained = tidy["deaths_12m"].isna() & ~(tidy["withheld"] | tidy["suppressed"])
    if unexplained.any():
        raise IronRiverError(f"{VSRR}: {int(unexplained.sum())} blank counts without a withheld/suppressed footnote")
    return conform(tidy.sort_values(["jurisdiction", "year", "month"]), SCHEMAS["synthetic_opioid_deaths_12m"])


def synthetic_opioid_deaths_annual(raw: RawDataset) -> pd.DataFrame:
    """Synthetic-opioid (T40.4) deaths by jurisdiction and calendar year (the December 12-month value), 2015–2025.

    Columns as :func:`synthetic_opioid_deaths_12m` with ``deaths``/``predicted_deaths`` for the calendar year,
    plus ``population`` and ``deaths_per_100k`` where the dataset has a population (the NCHS state file's
    residents, 2015–2016, states, DC and the US; NA otherwise — never for ``NY``/``YC``, whose split the file
    does not give). The national figure is the ``US`` row (9,610 in 2015, 74,829 in 2022); do not sum rows.
    """
    monthly = synthetic_opioid_deaths_12m(raw)
    december = monthly[monthly["month"] == 12].rename(columns={"deaths_12m": "deaths",
                                                               "predicted_deaths_12m": "predicted_deaths"})
    population = _nchs_totals(raw)[["state", "year", "population"]].rename(columns={"state": "jurisdiction"})
    population = population[~population["jurisdiction"].isin(["NY"])]
    tidy = december.merge(population, on=["jurisdiction", "year"], how="left")
    tidy["population"] = tidy["population"].astype("Int64")
    tidy["deaths_per_100k"] = tidy["deaths"].astype("Float64") / tidy["population"].astype("Float64") * PER_100K
    return conform(tidy.sort_values(["jurisdiction", "year"]), SCHEMAS["synthetic_opioid_deaths_annual"])


def _wonder_file(raw: RawDataset, filename: str, database: str, state_column: str, first: int,
                 last: int) -> pd.DataFrame:
    frame = raw.csv(filename, dtype=str)
    code = frame["Month Code"].str.strip().str.split("/", expand=True)
    year, month = code[0].astype("int64"), code[1].astype("int64")
    if (frame["Multiple Cause of death Code"].str.strip() != "T40.4").any():
        raise IronRiverError(f"{filename}: a row is not multiple cause T40.4")
    keep = year.between(first, last)
    return pd.DataFrame({
        "state": us_state_codes(frame.loc[keep, state_column].str.strip()), "year": year[keep],
        "month": month[keep], "deaths": frame.loc[keep, "Deaths"].astype("int64"), "database": database,
    })


def synthetic_opioid_deaths_wonder_monthly(raw: RawDataset) -> pd.DataFrame:
    """CDC WONDER deaths with T40.4 on the certificate (drug-induced underlying cause), state × month, 1999–2025-03.

    One database per year (:data:`WONDER_FILES`): D77 1999–2017, D157 2018–2023 (final), D176 2024–Mar 2025
    (provisional, by residence). Suppressed cells (1–9 deaths) are **absent**, so any sum is a lower bound;
    ``undercounts`` marks years before 2014, when the absent cells are most of the total. Use for monthly
    timing in large states; use :func:`synthetic_opioid_deaths_annual` for totals.
    """
    tidy = pd.concat([_wonder_file(raw, name, *spec) for name, spec in WONDER_FILES.items()], ignore_index=True)
    tidy["provisional"] = tidy["year"] >= FIRST_PROVISIONAL_YEAR
    tidy["undercounts"] = tidy["year"] < WONDER_COMPLETE_FROM
    return conform(tidy.sort_values(["state", "year", "month"]), SCHEMAS["synthetic_opioid_deaths_wonder_monthly"])


def _nchs_totals(raw: RawDataset) -> pd.DataFrame:
    """The NCHS state file's all-persons rows (state × year totals), keyed by USPS code or ``US``."""
    frame = raw.csv(NCHS_STATE)
    totals = frame[(frame["Sex"] == "Both Sexes") & (frame["Age Group"] == "All Ages")
                   & (frame["Race and Hispanic Origin"] == "All Races-All Origins")].copy()
    nation = totals["State"] == "United States"
    totals["state"] = NATION
    totals.loc[~nation, "state"] = us_state_codes(totals.loc[~nation, "State"])
    return totals.rename(columns={
        "Year": "year", "Deaths": "deaths", "Population": "population", "Crude Death Rate": "crude_rate_per_100k",
        "Lower Confidence Limit for Crude Rate": "crude_rate_lower_95",
        "Upper Confidence Limit for Crude Rate": "crude_rate_upper_95",
        "Age-adjusted Rate": "age_adjusted_rate_per_100k",
        "Lower Confidence Limit for Age-adjusted Rate": "age_adjusted_rate_lower_95",
        "Upper Confidence Limit for Age-adjusted Rate": "age_adjusted_rate_upper_95"})


def overdose_deaths_state_annual(raw: RawDataset) -> pd.DataFrame:
    """All drug-poisoning deaths (every drug and intent) by state and year, 1999–2016, NCHS.

    ``state`` is USPS (50 states and DC) or ``US``; the states sum exactly to the US row (checked). Rates are
    per 100,000 residents, age-adjusted to the 2000 US standard, with 95 % limits. Some state-years are low
    because of pending or misclassified certificates (NJ 2009, WV 2005/2009; descr caveats).
    """
    totals = _nchs_totals(raw)
    states = totals[totals["state"] != NATION].groupby("year")["deaths"].sum()
    nation = totals[totals["state"] == NATION].set_index("year")["deaths"]
    if not states.sort_index().equals(nation.sort_index()):
        raise IronRiverError(f"{NCHS_STATE}: state deaths do not sum to the United States row")
    return conform(totals.sort_values(["state", "year"]), SCHEMAS["overdose_deaths_state_annual"])


def overdose_death_rates_national(raw: RawDataset) -> pd.DataFrame:
    """National overdose death rates by drug, population group and year, 1999–2018 (Health, United States).

    ``drug`` (:data:`DRUG_PANELS`), ``rate_type`` ("age-adjusted" or "crude"), ``group``/``group_label``
    (e.g. "Total"/"All persons", "Sex"/"Male"), ``age``, ``deaths_per_100k`` — NA where NCHS flags the estimate
    unreliable (``unreliable``: fewer than 20 deaths). The pandas index column the compiler added is dropped.
    """
    frame = raw.csv(HEALTH_US)
    drug = frame["PANEL"].map(DRUG_PANELS)
    if drug.isna().any():
        raise IronRiverError(f"{HEALTH_US}: unknown panel {sorted(set(frame.loc[drug.isna(), 'PANEL']))}")
    tidy = pd.DataFrame({
        "drug": drug, "rate_type": frame["UNIT"].str.extract(r",\s*(age-adjusted|crude)$", expand=False),
        "group": frame["STUB_NAME"], "group_label": frame["STUB_LABEL"], "age": frame["AGE"],
        "year": frame["YEAR"], "deaths_per_100k": frame["ESTIMATE"].astype("Float64"),
        "unreliable": frame["FLAG"].fillna("").str.strip() == "*",
    })
    if tidy["rate_type"].isna().any() or (tidy["deaths_per_100k"].isna() != tidy["unreliable"]).any():
        raise IronRiverError(f"{HEALTH_US}: unknown rate unit, or a blank estimate without the '*' flag")
    return conform(tidy.sort_values(["drug", "rate_type", "group", "group_label", "age", "year"]),
                   SCHEMAS["overdose_death_rates_national"])


tidy_us_overdose_deaths_cdc = tidy_tables("us_overdose_deaths_cdc", {
    "synthetic_opioid_deaths_12m": (
        synthetic_opioid_deaths_12m,
        "VSRR synthetic-opioid (T40.4) deaths in the 12 months ending each month by "
        "jurisdiction (USPS; YC New York City; NY excludes NYC; US nation), "
        "2015-01–2026-01; "
        "rolling sums, NA where withheld or suppressed; provisional from 2024."),
    "synthetic_opioid_deaths_annual": (
        synthetic_opioid_deaths_annual,
        "synthetic-opioid (T40.4) deaths by jurisdiction and calendar year (December "
        "12-month value), 2015–2025; US = NCHS national row (never a sum); "
        "rate per 100k where population exists (2015–2016)."),
    "synthetic_opioid_deaths_wonder_monthly": (
        synthetic_opioid_deaths_wonder_monthly,
        "CDC WONDER deaths with T40.4 by state and month, 1999–Mar 2025; "
        "suppressed cells absent (sums are lower bounds; undercounts before "
        "2014); provisional from 2024."),
    "overdose_deaths_state_annual": (
        overdose_deaths_state_annual,
        "all drug-poisoning deaths, population and rates (crude, age-adjusted, 95% "
        "limits) by state and year, 1999–2016; states sum to US."),
    "overdose_death_rates_national": (
        overdose_death_rates_national,
        "national overdose death rates per 100k by drug, group, age and year, "
        "1999–2018 (Health, United States); NA where unreliable."),
})
