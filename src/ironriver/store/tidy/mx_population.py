"""Tidy the Mexican population files (CONAPO) into long tables keyed by INEGI state code and year.

The dataset ``mx_population_conapo`` holds two CONAPO vintages: the 2023 projections ("pry23", annual
1950–2070 and a monthly cubic-spline interpolation 1990–2050 by the site elcri.men) and the old
2006-base estimates 1990–2008. They differ by up to ~4 % nationally and more by state (data audit §0 #9,
§13), so each vintage gets its own table and every rate in ironriver uses pry23. Here national rows carry
``state_code`` "00"; the 32 states exist in pry23 only from 1970. The state lookup ``mx_states`` is
registered here too, because every Mexican table joins to it.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.names import mx_state_codes, mx_states_frame
from ironriver.store.tidy import tidy_tables

NATIONAL_CODE = "00"
"""``state_code`` of national rows in the population tables (CONAPO's own code for "Nacional")."""

SCHEMAS: dict[str, dict[str, str]] = {
    "mx_population": {"state_code": "str", "year": "int64", "population_mid_year": "int64",
                      "population_start_year": "int64"},
    "mx_population_monthly": {"state_code": "str", "year": "int64", "month": "int64", "population": "int64"},
    "mx_population_conapo_2006": {"state_code": "str", "year": "int64", "population": "int64"},
    "mx_states": {"state_code": "str", "state_name": "str", "border": "bool"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def _codes_with_national(names: pd.Series) -> pd.Series:
    """INEGI codes for a series of state names where "Nacional" stands for the whole country ("00")."""
    is_national = names.str.strip().str.casefold() == "nacional"
    codes = mx_state_codes(names.where(~is_national))
    return codes.where(~is_national, NATIONAL_CODE)


def population_pry23(raw: RawDataset) -> pd.DataFrame:
    """CONAPO 2023 (pry23) annual population, both sexes, by state and year.

    Returns ``state_code`` ("00" national, "01".."32"), ``year`` (1950–2070 national, 1970–2070 states),
    ``population_mid_year`` (persons on 1 July) and ``population_start_year`` (persons on 1 January).
    Raises :class:`IronRiverError` if the file's code and name columns disagree or Total ≠ Hombres + Mujeres.
    """
    frame = raw.csv("conapo_pob_ent_gender_1950_2070.csv", dtype={"cve_ent": "str"})
    by_name = _codes_with_national(frame["nombre_estado"])
    if not (by_name.to_numpy(dtype=object) == frame["cve_ent"].str.zfill(2).to_numpy(dtype=object)).all():
        raise IronRiverError("conapo_pob_ent_gender_1950_2070.csv: state names and cve_ent disagree")
    wide = frame.pivot_table(index=["cve_ent", "n_year"], columns="genero",
                             values=["pob_start_year", "pob_mid_year"], aggfunc="sum")
    for column in ("pob_start_year", "pob_mid_year"):
        # Total is what the tables carry; checking it against the sexes catches a misparsed row.
        if not (wide[(column, "Hombres")] + wide[(column, "Mujeres")]).equals(wide[(column, "Total")]):
            raise IronRiverError(f"conapo_pob_ent_gender_1950_2070.csv: {column} Total != Hombres + Mujeres")
    tidy = pd.DataFrame({
        "population_mid_year": wide[("pob_mid_year", "Total")],
        "population_start_year": wide[("pob_start_year", "Total")],
    }).reset_index().rename(columns={"cve_ent": "state_code", "n_year": "year"})
    tidy["state_code"] = tidy["state_code"].str.zfill(2)
    return _conform(tidy.sort_values(["state_code", "year"]), "mx_population")


def population_monthly(raw: RawDataset) -> pd.DataFrame:
    """pry23 mid-year totals interpolated to the first of each month (cubic spline by elcri.men), 1990–2050.

    Returns ``state_code`` ("01".."32"), ``year``, ``month`` (1–12) and ``population`` (persons).
    These are interpolations, not CONAPO estimates; each July equals the pry23 mid-year total.
    """
    frame = raw.csv("pop_states_monthly_1990_2050.csv")
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    tidy = pd.DataFrame({"state_code": mx_state_codes(frame["state_code"]), "year": dates.dt.year,
                         "month": dates.dt.month, "population": frame["population"]})
    return _conform(tidy.sort_values(["state_code", "year", "month"]), "mx_population_monthly")


def population_conapo_2006(raw: RawDataset) -> pd.DataFrame:
    """Old CONAPO (2006-base) mid-year population by state, 1990–2008 — for reproducing old rates only.

    Warning: this vintage is ~4 % below pry23 nationally in 2008 and differs more by state. Never mix it
    with :func:`population_pry23` (``mx_population``) in one series or use it to compute new rates; it is
    here because the 2009–2010 firearm-homicide rates in ``mx_firearm_homicides_state_year_1998_2008``
    were computed with it. The file is Latin-1 and spells names the old way ("Distrito Federal",
    "Michoacán de Ocampo"); ``state_code`` "00" is the "Nacional" row.
    """
    frame = raw.csv("conapo-states_1990_2008_old_estimates.csv", encoding="latin-1")
    frame["state_code"] = _codes_with_national(frame["State"])
    tidy = frame.drop(columns="State").melt(id_vars="state_code", var_name="year", value_name="population")
    tidy["year"] = tidy["year"].astype("int64")
    return _conform(tidy.sort_values(["state_code", "year"]), "mx_population_conapo_2006")


def mx_states(raw: RawDataset) -> pd.DataFrame:  # noqa: ARG001 - every table builder takes the raw files
    """``mx_states``: the 32 states from the package's name table (INEGI codes, canonical names, border flag);
    reads no file."""
    return _conform(mx_states_frame(), "mx_states")


tidy_mx_population_conapo = tidy_tables("mx_population_conapo", {
    "mx_population": (
        population_pry23,
        "CONAPO 2023 projections (pry23), both sexes: persons at 1 July (population_mid_year) and "
        "1 January (population_start_year) by state and year; state_code '00' = national "
        "(1950–2070), states 1970–2070. The one vintage for all Mexican rates."),
    "mx_population_monthly": (
        population_monthly,
        "pry23 mid-year totals spline-interpolated to the 1st of each month (persons), "
        "32 states, 1990–2050; interpolations, not CONAPO estimates."),
    "mx_population_conapo_2006": (
        population_conapo_2006,
        "old CONAPO 2006-base mid-year population (persons) by state 1990–2008, "
        "'00' = national; a different vintage from pry23 (~4 % lower in 2008): "
        "never mix with mx_population."),
    "mx_states": (
        mx_states,
        "the 32 Mexican states: INEGI state_code '01'..'32', canonical state_name, border (borders "
        "the US)."),
})
