"""Tidy the Small Arms Survey civilian firearms tables (2017 estimates and the 2007 annexe) by country.

These give the stock of civilian guns — the US arsenal the iron river draws on and Mexico's own holdings.
The 2017 file is Mac Roman encoded (audit §0 #7) and has one rate written as a string ("<0.1", Taiwan).
The 2007 file was extracted from a PDF and its ``Population, 2005`` column (and some totals) slipped
between neighbouring rows for ~25 countries (audit §0 #5): the values are kept as published, and a
``population_misaligned`` flag says where total ÷ population disagrees with the per-100 rate, which is the
column to trust. Country names stay as in each source (they differ between the two years).
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.tidy import tidy_tables

FILE_2017 = "gun_ownership_2017.csv"
FILE_2007 = "sas2007_annexe4_civilian_firearms_by_country.csv"
ENCODING_2017 = "mac_roman"

PARTS_2017: dict[str, str] = {
    "England and Wales": "United Kingdom", "Scotland": "United Kingdom", "Northern Ireland": "United Kingdom",
    "Somaliland": "Somalia", "Puntland": "Somalia",
}
"""Sub-national rows of the 2017 table -> the country row that already includes them (don't double count)."""

RATE_TOLERANCE_PER_100 = 0.5
"""Named assumption: firearms per 100 residents recomputed from the totals may differ from the published rate
by this much before a row is flagged (value 0.5, as in the data audit §§14–15; range 0.1–1): the totals are
rounded. For 2017 the rounding of firearms to the nearest 1,000 is added on top (see :func:`rate_inconsistent`)."""
FIREARMS_ROUNDING_2017 = 1_000
"""The 2017 totals are rounded to thousands (100 for the smallest territories); half of it bounds the error."""

NAME_FIXES_2007: dict[str, str] = {
    "Luxemborg": "Luxembourg", "Madegascar": "Madagascar", "Democratic Republic of C": "Democratic Republic of Congo",
}
"""Typos and truncations from the 2007 PDF extraction (audit §15)."""

SCHEMAS: dict[str, dict[str, str]] = {
    "civilian_firearms_2017": {"country": "str", "firearms": "int64", "population": "int64",
                               "firearms_per_100": "Float64", "note": "str", "part_of": "str",
                               "rate_inconsistent": "bool"},
    "civilian_firearms_2007": {"country": "str", "firearms_per_100": "float64", "firearms_total_avg": "int64",
                               "registered": "Int64", "firearms_per_100_low": "float64",
                               "firearms_per_100_high": "float64", "firearms_total_low": "Int64",
                               "firearms_total_high": "Int64", "population_2005": "int64",
                               "gni_per_capita_2005": "Int64", "rank": "int64",
                               "total_regional_correlation": "Int64", "total_registered_correlation": "Int64",
                               "population_misaligned": "bool"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def rate_inconsistent(firearms: pd.Series, population: pd.Series, per_100: pd.Series,
                      rounding: float = 0.0) -> pd.Series:
    """True where firearms ÷ population × 100 differs from ``per_100`` by more than rounding explains.

    The allowance is :data:`RATE_TOLERANCE_PER_100` plus half of ``rounding`` (the unit the firearm totals
    were rounded to) expressed per 100 residents. NA inputs give False (nothing to compare).
    """
    recomputed = firearms / population * 100
    allowance = RATE_TOLERANCE_PER_100 + rounding / 2 / population * 100
    return ((recomputed - per_100).abs() > allowance).fillna(False).astype(bool)


def civilian_firearms_2017(raw: RawDataset) -> pd.DataFrame:
    """Small Arms Survey estimates of civilian-held firearms (licit + illicit) by country, 2017.

    Returns ``country`` (as in the source, e.g. "Côte d'Ivoire (Ivory Coast)"), ``firearms`` (guns),
    ``population`` (2017, persons), ``firearms_per_100`` (guns per 100 residents; NA for Taiwan, whose
    rate is given only as "<0.1" — explained in ``note``), ``part_of`` (for the sub-national rows England
    and Wales, Scotland, Northern Ireland, Somaliland and Puntland: the country row that already includes
    them — drop them before summing), ``rate_inconsistent`` (True for the United Kingdom and Saudi Arabia,
    whose totals and rates disagree; audit §14). 229 rows (the descr's 228 is wrong). The file is Mac
    Roman encoded. Secondary copy (via Wikipedia) of a model-based estimate.
    """
    frame = raw.csv(FILE_2017, encoding=ENCODING_2017)
    text = frame["Firearms/100"].astype("str").str.strip()
    rate = pd.to_numeric(text, errors="coerce")
    below = text.str.startswith("<")
    if (rate.isna() & ~below).any():
        raise IronRiverError(f"{FILE_2017}: unreadable rate {text[rate.isna() & ~below].iloc[0]!r}")
    note = pd.Series(pd.NA, index=frame.index, dtype="str")
    note[below] = "rate given as '" + text[below] + "' per 100 in the source; set to NA"
    tidy = pd.DataFrame({
        "country": frame["Country"].str.strip(), "firearms": frame["Firearms"], "population": frame["Population"],
        "firearms_per_100": rate.astype("Float64"), "note": note,
    })
    tidy["part_of"] = tidy["country"].map(PARTS_2017)
    tidy["rate_inconsistent"] = rate_inconsistent(tidy["firearms"], tidy["population"], rate,
                                                  rounding=FIREARMS_ROUNDING_2017)
    return _conform(tidy, "civilian_firearms_2017")  # source order: alphabetical with accents in place


def civilian_firearms_2007(raw: RawDataset) -> pd.DataFrame:
    """Small Arms Survey 2007 civilian firearms (Annexe 4 of "Completing the Count") by country.

    Returns ``country`` (source spelling; three PDF typos fixed, :data:`NAME_FIXES_2007`),
    ``firearms_per_100`` (average estimate, guns per 100 residents — **the column to use**),
    ``firearms_total_avg`` (guns), ``registered`` (registered civilian guns, NA = unknown), low/high
    per-100 and totals, ``population_2005`` (persons; not a 2005 value for the USA), ``gni_per_capita_2005``
    (2005 US$), ``rank`` (by rate), the two correlation totals, and ``population_misaligned``: True where
    total ÷ population × 100 differs from the per-100 rate by more than :data:`RATE_TOLERANCE_PER_100` — 25
    rows where the PDF extraction shifted the population (or total) between rows (audit §0 #5: Egypt,
    Bolivia, Syria, Turkmenistan, Qatar, …). Never recompute totals from ``population_2005`` there. USA
    and Mexico are internally consistent. England & Wales, Scotland and Northern Ireland are separate rows
    (no UK row); Transdniester and Kosovo are listed apart from Moldova and Serbia.
    """
    frame = raw.csv(FILE_2007)
    tidy = pd.DataFrame({
        "country": frame["Country"].str.strip().replace(NAME_FIXES_2007),
        "firearms_per_100": frame["Average firearms per 100 people"],
        "firearms_total_avg": frame["Average total all civilian firearms"],
        "registered": frame["Registered"],
        "firearms_per_100_low": frame["Low firearms per 100 people"],
        "firearms_per_100_high": frame["High firearms per 100 people"],
        "firearms_total_low": frame["Low total"], "firearms_total_high": frame["High total"],
        "population_2005": frame["Population, 2005"], "gni_per_capita_2005": frame["GNI (2005$) per capita"],
        "rank": frame["Rank by rate of ownership"],
        "total_regional_correlation": frame["Total from regional or globalcorrelation"],
        "total_registered_correlation": frame["Total from registered guns correlation"],
    })
    tidy["population_misaligned"] = rate_inconsistent(tidy["firearms_total_avg"], tidy["population_2005"],
                                                      tidy["firearms_per_100"])
    return _conform(tidy.sort_values("rank"), "civilian_firearms_2007")


tidy_small_arms_survey_2017_civilian_firearms = tidy_tables("small_arms_survey_2017_civilian_firearms", {
    "civilian_firearms_2017": (
        civilian_firearms_2017,
        "Small Arms Survey civilian-held firearms 2017 by country: firearms (guns), population, "
        "firearms_per_100 (NA for Taiwan '<0.1'); part_of marks sub-national rows (UK parts, "
        "Somaliland, Puntland); rate_inconsistent for UK and Saudi Arabia."),
})


tidy_small_arms_survey_2007_civilian_firearms = tidy_tables("small_arms_survey_2007_civilian_firearms", {
    "civilian_firearms_2007": (
        civilian_firearms_2007,
        "Small Arms Survey 2007 civilian firearms by country: firearms_per_100 (use this), "
        "totals avg/low/high and registered (guns), population_2005; population_misaligned "
        "marks ~25 rows whose population/total slipped in PDF extraction."),
})
