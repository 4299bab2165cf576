"""Tidy the Mexican homicide series (INEGI death certificates, SESNSP police victims) and stack them.

Two datasets: ``mx_homicides_inegi_sesnsp`` (INEGI homicides by state and month 1990–2016, SESNSP
victims 2015–2018 and a national INEGI-vs-SESNSP comparison from elcri.men) and
``mx_sesnsp_victims_2015_2025`` (SESNSP victims of homicidio doloso and feminicidio by state, month and
weapon, 2015–2025). Known defects handled here (data audit §0 #1, §9, §10): Oaxaca's non-reporting is
coded as 0 in the 2015–2025 file and as null in the 2015–2018 file — both become NA, never 0; the
older-vintage population and rate columns are dropped (rates are recomputed downstream with CONAPO pry23
only). The convenience table ``mx_homicides`` stacks INEGI, Valle-Jones (1998–2008, see
:mod:`.mx_firearm_homicides`) and SESNSP with a ``source`` column: the three are different measurements,
so a ratio (firearm share, growth, rate) must never take numerator and denominator from different sources.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ironriver.data import RawDataset
from ironriver.data import raw as packaged_raw
from ironriver.errors import IronRiverError
from ironriver.store.names import fold, mx_state_codes
from ironriver.store.tidy import LINEAGE_SCHEMA, tidies, with_lines
from ironriver.store.tidy.mx_firearm_homicides import incomplete_registration
from ironriver.store.tidy.mx_firearm_homicides import state_month as valle_state_month

OAXACA = "20"
NON_REPORTING: frozenset[tuple[str, int, int]] = frozenset(
    {(OAXACA, 2015, month) for month in range(1, 13)} | {(OAXACA, 2016, 10)}
)
"""(state_code, year, month) cells where SESNSP 2015–2025 codes non-reporting as 0 (data audit §0 #1): Oaxaca
reported nothing for any crime in 2015-01,03,04,06,07,09,10,12 and 2016-10, and the four 2015 months it did
report are far too low (46–73 homicide victims vs ~78/month in 2016), so the whole of 2015 is treated as
missing."""

SUBTYPES: dict[str, str] = {"homicidio doloso": "homicidio_doloso", "feminicidio": "feminicidio"}
MODALITIES: dict[str, str] = {"con arma de fuego": "firearm", "con arma blanca": "knife",
                              "con otro elemento": "other", "no especificado": "unspecified"}
"""SESNSP ``modalidad`` labels (folded) -> modality: firearm, knife (arma blanca), other element, unspecified."""

SOURCES: dict[str, str] = {
    "inegi": "INEGI death certificates (homicides by month of occurrence), 1990–2016; no firearm split here",
    "valle_ssa": "Valle-Jones tabulation of SSA/INEGI death certificates, 1998–2008; firearm = ICD-10 X93–X95",
    "sesnsp": "SESNSP victims of homicidio doloso + feminicidio in prosecutors' files, 2015–2025",
}
"""``source`` values of ``mx_homicides``: three different measurements of homicide, never mixed in one ratio."""

# Second header line of table-inegi-sesnsp.csv (folded; "vicitmas" is the file's own typo) -> column name.
COMPARISON_COLUMNS: dict[str, str] = {
    "ano": "year",
    "poblacion": "population",
    "homicidios inegi": "homicides_inegi",
    "victimas homicidios dolosos (nm) + feminicidios": "victims_sesnsp",
    "vicitmas homicidios dolosos (nm)": "victims_homicidio_doloso_sesnsp",
    "victimas feminicidio": "victims_feminicidio_sesnsp",
    "averiguaciones homicidio (nm)": "case_files_homicidio_sesnsp",
    "averiguaciones feminicidio (nm)": "case_files_feminicidio_sesnsp",
    "victimas homicidio dolosos (vm)": "victims_homicidio_doloso_sesnsp_old_method",
    "averiguaciones homicidio doloso": "case_files_homicidio_doloso_sesnsp_old_method",
}

SCHEMAS: dict[str, dict[str, str]] = {
    "mx_homicides_inegi": {"state_code": "str", "year": "int64", "month": "int64", "homicides": "int64"}
    | LINEAGE_SCHEMA,
    "mx_homicides_inegi_national": {"year": "int64", "month": "int64", "homicides": "int64"},
    "mx_homicide_victims_sesnsp_2015_2018": {"state_code": "str", "year": "int64", "month": "int64",
                                             "victims": "Int64"},
    "mx_homicides_inegi_vs_sesnsp": {"year": "int64"} | {
        name: "Int64" for name in COMPARISON_COLUMNS.values() if name not in ("year", "population")},
    "mx_homicide_victims": {"state_code": "str", "year": "int64", "month": "int64", "subtype": "str",
                            "modality": "str", "victims": "Int64"},
    "mx_homicides": {"state_code": "str", "year": "int64", "month": "Int64", "homicides": "Int64",
                     "firearm_homicides": "Int64", "source": "str"} | LINEAGE_SCHEMA,
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def _year_month(dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed = pd.to_datetime(dates, format="%Y-%m-%d")
    return parsed.dt.year, parsed.dt.month


def _site_series(raw: RawDataset, filename: str) -> pd.DataFrame:
    """One of elcri.men's flattened series: ``state_code`` ("national" or 1–32), year, month, count.

    The file's ``population`` and ``rate_annualized_per_100k`` are an older CONAPO vintage and are dropped.
    """
    frame = with_lines(raw.csv(filename, dtype={"state_code": "str"}), raw, filename)
    year, month = _year_month(frame["date"])
    return pd.DataFrame({"state_code": frame["state_code"].str.strip(), "year": year, "month": month,
                         "count": frame["count"], "source_file": frame["source_file"],
                         "source_line": frame["source_line"]})


def inegi_state_month(raw: RawDataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """INEGI homicides (deaths, month of occurrence) 1990–2016: (by state, national incl. state unknown).

    Registration artefacts of the source are kept, not smoothed (data audit §9): Chiapas 2007–2011 has
    many months of 0–7 (under-registration), Mexico City Jan–Feb 2007 = 23 / 10, Durango May 2011 = 293
    (exhumations). Analyses of dynamics should treat them as measurement error.
    """
    frame = _site_series(raw, "inegi_homicides_state_month_1990_2016.csv")
    if frame["count"].isna().any():
        raise IronRiverError("inegi_homicides_state_month_1990_2016.csv: unexpected blank count")
    frame = frame.rename(columns={"count": "homicides"})
    is_national = frame["state_code"] == "national"
    states = frame[~is_national].assign(state_code=lambda f: mx_state_codes(f["state_code"]))
    national = frame[is_national]
    return (_conform(states.sort_values(["state_code", "year", "month"]), "mx_homicides_inegi"),
            _conform(national.sort_values(["year", "month"]), "mx_homicides_inegi_national"))


def sesnsp_victims_2015_2018(raw: RawDataset) -> pd.DataFrame:
    """SESNSP victims of homicidio doloso + feminicidio by state and month, 2015-01 … 2018-06 (2019 vintage).

    Null months (Oaxaca 2015-01,03,04,06,07,09,10,12 and 2016-10: not reported) stay NA. The file's
    ``national`` rows are dropped after checking that they equal the sum of the states in every month the
    states are complete and are null exactly when a state is null — they add nothing else.
    """
    frame = _site_series(raw, "sesnsp_homicide_victims_state_month_2015_2018.csv")
    is_national = frame["state_code"] == "national"
    states = frame[~is_national].assign(state_code=lambda f: mx_state_codes(f["state_code"]),
                                        victims=lambda f: f["count"].astype("Int64"))
    national = frame[is_national].set_index(["year", "month"])["count"]
    grouped = states.groupby(["year", "month"])["victims"]
    state_sum = grouped.sum().where(grouped.count() == grouped.size())
    state_sum = state_sum.reindex(national.index)
    same_gaps = national.isna().equals(state_sum.isna())
    if not national.empty and not (same_gaps and (national.dropna() == state_sum.dropna()).all()):
        raise IronRiverError("sesnsp_homicide_victims_state_month_2015_2018.csv: national != sum of states")
    return _conform(states.sort_values(["state_code", "year", "month"]), "mx_homicide_victims_sesnsp_2015_2018")


def inegi_vs_sesnsp(raw: RawDataset) -> pd.DataFrame:
    """``table-inegi-sesnsp.csv``: national annual INEGI homicides and SESNSP victims / case files, 1990–2017.

    The file has two header lines, years partly unquoted, a source note with a U+FFFD character and SQL
    text below the data; only rows whose first cell is a year are kept, and years with no count at all
    (2018–2020) are dropped. Columns are matched by their header labels, not by position. The file's
    ``Población`` (yet another CONAPO vintage) is dropped.
    """
    text = raw.read_bytes("table-inegi-sesnsp.csv").decode("utf-8", errors="replace")
    cells = pd.read_csv(io.StringIO(text), header=None, dtype="str", keep_default_na=False)
    labels = [fold(second or first) for first, second in zip(cells.iloc[0], cells.iloc[1], strict=True)]
    unknown = [label for label in labels if label not in COMPARISON_COLUMNS]
    if unknown:
        raise IronRiverError(f"table-inegi-sesnsp.csv: unexpected column label(s) {unknown}")
    body = cells.iloc[2:].set_axis([COMPARISON_COLUMNS[label] for label in labels], axis=1)
    body = body[body["year"].str.strip().str.fullmatch(r"\d{4}")]
    counts = body.drop(columns=["year", "population"]).apply(
        lambda column: pd.to_numeric(column.str.strip().replace("", None)))
    tidy = counts.assign(year=body["year"].astype("int64")).dropna(how="all", subset=counts.columns)
    return _conform(tidy.sort_values("year"), "mx_homicides_inegi_vs_sesnsp")


@tidies("mx_homicides_inegi_sesnsp", tables={
    "mx_homicides_inegi": "INEGI homicides (deaths by month of occurrence, death certificates) by state and month, "
                          "1990–2016; state-unknown deaths only in mx_homicides_inegi_national. Source "
                          "artefacts kept as published: Chiapas 2007–11 under-registration, Mexico City "
                          "Jan–Feb 2007, Durango May 2011 (mass-grave exhumations).",
    "mx_homicides_inegi_national": "INEGI homicides (deaths) nationally by month, 1990–2016, incl. state unknown "
                                   "(0–126 a year more than the sum of states).",
    "mx_homicide_victims_sesnsp_2015_2018": "SESNSP victims of homicidio doloso + feminicidio (persons) by state "
                                            "and month, 2015-01–2018-06, 2019 vintage; NA = not reported "
                                            "(Oaxaca 9 months of 2015–16).",
    "mx_homicides_inegi_vs_sesnsp": "national annual INEGI homicides (1990–2016) vs SESNSP victims and case files "
                                    "(new methodology 2015–2017, old methodology 1997–2017), counts; NA = not "
                                    "in this series.",
})
def tidy_mx_homicides_inegi_sesnsp(raw: RawDataset) -> dict[str, pd.DataFrame]:
    """Tidy the elcri.men INEGI/SESNSP series and their national annual comparison table."""
    states, national = inegi_state_month(raw)
    return {
        "mx_homicides_inegi": states,
        "mx_homicides_inegi_national": national,
        "mx_homicide_victims_sesnsp_2015_2018": sesnsp_victims_2015_2018(raw),
        "mx_homicides_inegi_vs_sesnsp": inegi_vs_sesnsp(raw),
    }


def _labels(values: pd.Series, mapping: dict[str, str], what: str) -> pd.Series:
    """Map Spanish labels (case- and accent-insensitively) to ironriver's codes; unknown labels raise."""
    distinct = {value: fold(value) for value in values.unique()}
    unknown = sorted(value for value, folded in distinct.items() if folded not in mapping)
    if unknown:
        raise IronRiverError(f"unrecognised SESNSP {what} label(s) {unknown}")
    return values.map({value: mapping[folded] for value, folded in distinct.items()})


def non_reporting(state_code: pd.Series, year: pd.Series, month: pd.Series) -> pd.Series:
    """True for the (state, year, month) cells in :data:`NON_REPORTING`."""
    keys = pd.MultiIndex.from_arrays([state_code, year, month])
    return pd.Series(keys.isin(list(NON_REPORTING)), index=state_code.index)


def sesnsp_victims(raw: RawDataset) -> pd.DataFrame:
    """SESNSP victims (persons) of homicidio doloso and feminicidio by state, month and weapon, 2015-01 … 2025-06.

    ``subtype`` is ``homicidio_doloso`` or ``feminicidio``; ``modality`` is ``firearm`` (con arma de fuego),
    ``knife`` (con arma blanca), ``other`` (con otro elemento) or ``unspecified`` (no especificado — so a
    firearm share is a lower bound). Oaxaca's non-reporting months (:data:`NON_REPORTING`) are NA.
    """
    frame = raw.csv("homicidio_doloso_feminicidio_victims_state_month_by_modalidad.csv",
                    dtype={"cve_ent": "str", "nombre_estado": "str"})
    state_code = frame["cve_ent"].str.strip().str.zfill(2)
    by_name = mx_state_codes(frame["nombre_estado"])
    if not (by_name.to_numpy(dtype=object) == state_code.to_numpy(dtype=object)).all():
        raise IronRiverError("homicidio_doloso_feminicidio_…_by_modalidad.csv: cve_ent and nombre_estado disagree")
    tidy = pd.DataFrame({
        "state_code": state_code, "year": frame["n_year"], "month": frame["n_month"],
        "subtype": _labels(frame["subtipo_de_delito"], SUBTYPES, "subtype"),
        "modality": _labels(frame["modalidad"], MODALITIES, "modality"),
        "victims": frame["n_victimas"].astype("Int64"),
    })
    tidy.loc[non_reporting(tidy["state_code"], tidy["year"], tidy["month"]), "victims"] = pd.NA
    return _conform(tidy.sort_values(["state_code", "year", "month", "subtype", "modality"]), "mx_homicide_victims")


def _sum_or_na(frame: pd.DataFrame, keys: list[str], column: str) -> pd.Series:
    """Group sums that are NA when any member is NA (a partial sum would pass for a complete one)."""
    grouped = frame.groupby(keys)[column]
    return grouped.sum().where(grouped.count() == grouped.size()).astype("Int64")


def stack_homicides(inegi: pd.DataFrame, valle: pd.DataFrame, sesnsp: pd.DataFrame) -> pd.DataFrame:
    """Stack the three state-month homicide series into ``mx_homicides`` with a ``source`` column.

    Parameters
    ----------
    inegi : DataFrame
        ``mx_homicides_inegi`` (deaths, 1990–2016); its ``firearm_homicides`` is NA (no split in this file).
    valle : DataFrame
        ``mx_firearm_homicides_monthly`` (deaths, 1998–2008); both counts come from the same tabulation.
        Rows with month NA ("No Especificado") are kept — they belong to the annual totals; December 2008
        (incomplete registrations) becomes NA in both counts.
    sesnsp : DataFrame
        ``mx_homicide_victims`` (victims, 2015–2025): homicides = all subtypes and modalities, firearm = the
        firearm modality; NA where Oaxaca did not report.

    Sources overlap in years (INEGI/Valle 1998–2008, INEGI/SESNSP 2015–2016) and differ systematically:
    never mix sources within a ratio, and filter on ``source`` before summing over years.
    """
    inegi_rows = inegi.assign(firearm_homicides=pd.NA, source="inegi")
    valle_rows = valle.assign(source="valle_ssa")
    incomplete = incomplete_registration(valle_rows["year"], valle_rows["month"])
    valle_rows[["homicides", "firearm_homicides"]] = (
        valle_rows[["homicides", "firearm_homicides"]].astype("Int64").mask(incomplete, pd.NA))
    keys = ["state_code", "year", "month"]
    sesnsp_rows = pd.DataFrame({
        "homicides": _sum_or_na(sesnsp, keys, "victims"),
        "firearm_homicides": _sum_or_na(sesnsp[sesnsp["modality"] == "firearm"], keys, "victims"),
    }).reset_index().assign(source="sesnsp", source_file=pd.NA, source_line=pd.NA)  # sums of many lines
    stacked = pd.concat([_conform(part, "mx_homicides") for part in (inegi_rows, valle_rows, sesnsp_rows)])
    return _conform(stacked, "mx_homicides")


def _sibling(raw: RawDataset, dataset: str) -> RawDataset:
    """Another dataset next to ``raw``: the packaged one for packaged data, else the folder beside ``raw.root``."""
    if raw.checked:
        return packaged_raw(dataset)
    return RawDataset(dataset, Path(str(raw.root)).parent / dataset, checked=False)


@tidies("mx_sesnsp_victims_2015_2025", tables={
    "mx_homicide_victims": "SESNSP victims (persons) of homicidio doloso / feminicidio by state, month and modality "
                           "(firearm, knife, other, unspecified), 2015-01–2025-06, July-2025 vintage; NA = not "
                           "reported (Oaxaca all of 2015 and 2016-10).",
    "mx_homicides": "state-month homicides and firearm homicides stacked from three sources: 'inegi' (deaths, "
                    "1990–2016, firearm NA), 'valle_ssa' (deaths, 1998–2008, month NA = month unknown, Dec 2008 "
                    "NA), 'sesnsp' (victims, 2015–2025). Sources differ: never mix them within a ratio.",
})
def tidy_mx_sesnsp_victims_2015_2025(raw: RawDataset) -> dict[str, pd.DataFrame]:
    """Tidy SESNSP 2015–2025 victims by weapon, and stack it with INEGI and Valle-Jones into ``mx_homicides``.

    ``mx_homicides`` reads the sibling datasets ``mx_homicides_inegi_sesnsp`` and
    ``mx_firearm_homicides_monthly_1998_2008`` (packaged, or the folders next to a fixture's root).
    """
    victims = sesnsp_victims(raw)
    inegi, _ = inegi_state_month(_sibling(raw, "mx_homicides_inegi_sesnsp"))
    valle, _ = valle_state_month(_sibling(raw, "mx_firearm_homicides_monthly_1998_2008"))
    return {"mx_homicide_victims": victims, "mx_homicides": stack_homicides(inegi, valle, victims)}
