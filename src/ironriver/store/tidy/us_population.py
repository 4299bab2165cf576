"""Tidy the Census Bureau's Vintage 2016 state population estimates into a long state × year table.

``NST-EST2016-alldata.csv`` has one row per area (United States, four regions, 50 states, DC and Puerto
Rico) and one column per estimate. Only the 1 July estimates 2010–2016 of the 52 state-level areas are kept,
keyed by USPS code (the file's ``STATE`` is an unpadded FIPS integer). This is one vintage (V2016): it
differs from the Vintage 2019 values shipped with the ATF trace data by up to 0.8 % (DC 2016, audit §4),
so the two are separate tables and must not be mixed in one series.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.store.names import us_state_codes
from ironriver.store.tidy import tidy_tables

FILE = "nst-est2016-alldata.csv"
STATE_LEVEL = 40
"""Census summary level of states, DC and Puerto Rico (010 = nation, 020 = region)."""
VINTAGE = "V2016"

SCHEMAS: dict[str, dict[str, str]] = {
    "us_population": {"state": "str", "year": "int64", "population": "int64", "vintage": "str"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def us_population(raw: RawDataset) -> pd.DataFrame:
    """Resident population on 1 July (persons) by state, 2010–2016, Census Vintage 2016.

    Returns ``state`` (USPS: 50 states, DC, PR), ``year``, ``population`` and ``vintage`` ("V2016").
    The United States and region rows are dropped; the 50 states and DC sum exactly to the US row (which
    excludes Puerto Rico).
    """
    frame = raw.csv(FILE)
    states = frame[frame["SUMLEV"] == STATE_LEVEL]
    estimates = [c for c in states.columns if c.startswith("POPESTIMATE")]
    tidy = states[["STATE", *estimates]].melt(id_vars="STATE", var_name="year", value_name="population")
    tidy["state"] = us_state_codes(tidy["STATE"].map("{:02d}".format))
    tidy["year"] = tidy["year"].str.removeprefix("POPESTIMATE").astype("int64")
    tidy["vintage"] = VINTAGE
    return _conform(tidy.sort_values(["state", "year"]), "us_population")


tidy_us_population = tidy_tables("us_population", {
    "us_population": (
        us_population,
        "US resident population on 1 July (persons) by state (USPS: 50 states, DC, PR), 2010–2016, "
        "Census Vintage 2016 (vintage 'V2016'); do not mix with us_state_population_atf (V2019)."),
})
