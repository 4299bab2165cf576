"""Tests of the Mexican tidy functions: every known data defect, on a small fixture and on the real data.

Fixtures live in ``tests/fixtures/mexico/<dataset>/`` (same file names as the packaged data, hand-written
so that each defect appears in a few rows whose right answer is computed by hand in the tests below).
Real-data checks follow the data audit (``shared/reference/data-audit.md`` §0, §§9–13, §17): subtotal
identities, published spot figures, Oaxaca's non-reporting, encodings, name variants, schemas and keys.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ironriver.data import RawDataset, raw
from ironriver.errors import IronRiverError, UnknownNameError
from ironriver.store.names import MX_STATES, mx_state_code
from ironriver.store.tidy import discover
from ironriver.store.tidy.mx_firearm_homicides import (
    spanish_month,
    tidy_mx_firearm_homicides_monthly_1998_2008,
    tidy_mx_firearm_homicides_state_year_1998_2008,
)
from ironriver.store.tidy.mx_homicides import tidy_mx_homicides_inegi_sesnsp, tidy_mx_sesnsp_victims_2015_2025
from ironriver.store.tidy.mx_population import tidy_mx_population_conapo

FIXTURES = Path(__file__).parent / "fixtures" / "mexico"
STATE_CODES = {f"{i:02d}" for i in range(1, 33)}
OAXACA = "20"

TIDIERS = {
    "mx_homicides_inegi_sesnsp": tidy_mx_homicides_inegi_sesnsp,
    "mx_sesnsp_victims_2015_2025": tidy_mx_sesnsp_victims_2015_2025,
    "mx_firearm_homicides_monthly_1998_2008": tidy_mx_firearm_homicides_monthly_1998_2008,
    "mx_firearm_homicides_state_year_1998_2008": tidy_mx_firearm_homicides_state_year_1998_2008,
    "mx_population_conapo": tidy_mx_population_conapo,
}

# The contract other developers code against (copied from the task, not from the modules' SCHEMAS).
STR, INT, NULLABLE, BOOL = "str", "int64", "Int64", "bool"
LINEAGE = {"source_file": "string", "source_line": NULLABLE}
"""Each row's raw file and line (store.tidy.LINEAGE_SCHEMA), on tables read line by line."""
EXPECTED: dict[str, dict[str, str]] = {
    "mx_homicides_inegi": {"state_code": STR, "year": INT, "month": INT, "homicides": INT} | LINEAGE,
    "mx_homicides_inegi_national": {"year": INT, "month": INT, "homicides": INT},
    "mx_homicide_victims_sesnsp_2015_2018": {"state_code": STR, "year": INT, "month": INT, "victims": NULLABLE},
    "mx_homicides_inegi_vs_sesnsp": {"year": INT} | {column: NULLABLE for column in (
        "homicides_inegi", "victims_sesnsp", "victims_homicidio_doloso_sesnsp", "victims_feminicidio_sesnsp",
        "case_files_homicidio_sesnsp", "case_files_feminicidio_sesnsp", "victims_homicidio_doloso_sesnsp_old_method",
        "case_files_homicidio_doloso_sesnsp_old_method")},
    "mx_homicide_victims": {"state_code": STR, "year": INT, "month": INT, "subtype": STR, "modality": STR,
                            "victims": NULLABLE},
    "mx_homicides": {"state_code": STR, "year": INT, "month": NULLABLE, "homicides": NULLABLE,
                     "firearm_homicides": NULLABLE, "source": STR} | LINEAGE,
    "mx_firearm_homicides_monthly": {"state_code": STR, "year": INT, "month": NULLABLE, "firearm_homicides": INT,
                                     "homicides": INT, "registration_complete": BOOL} | LINEAGE,
    "mx_firearm_homicides_border_monthly": {"year": INT, "month": INT, "firearm_homicides": INT, "homicides": INT},
    "mx_population_national_1998_2008": {"year": INT, "population": INT},
    "mx_firearm_homicides_state_year": {"state_code": STR, "year": INT, "firearm_homicides": INT},
    "mx_firearm_homicides_national_year": {"year": INT, "firearm_homicides": NULLABLE, "population": INT,
                                           "executions_renglones": NULLABLE, "executions_reforma": NULLABLE,
                                           "executions_milenio": NULLABLE},
    "mx_population": {"state_code": STR, "year": INT, "population_mid_year": INT, "population_start_year": INT},
    "mx_population_monthly": {"state_code": STR, "year": INT, "month": INT, "population": INT},
    "mx_population_conapo_2006": {"state_code": STR, "year": INT, "population": INT},
    "mx_states": {"state_code": STR, "state_name": STR, "border": BOOL},
}
KEYS: dict[str, list[str]] = {
    "mx_homicides_inegi": ["state_code", "year", "month"],
    "mx_homicides_inegi_national": ["year", "month"],
    "mx_homicide_victims_sesnsp_2015_2018": ["state_code", "year", "month"],
    "mx_homicides_inegi_vs_sesnsp": ["year"],
    "mx_homicide_victims": ["state_code", "year", "month", "subtype", "modality"],
    "mx_homicides": ["source", "state_code", "year", "month"],
    "mx_firearm_homicides_monthly": ["state_code", "year", "month"],
    "mx_firearm_homicides_border_monthly": ["year", "month"],
    "mx_population_national_1998_2008": ["year"],
    "mx_firearm_homicides_state_year": ["state_code", "year"],
    "mx_firearm_homicides_national_year": ["year"],
    "mx_population": ["state_code", "year"],
    "mx_population_monthly": ["state_code", "year", "month"],
    "mx_population_conapo_2006": ["state_code", "year"],
    "mx_states": ["state_code"],
}


def fixture(dataset: str, root: Path = FIXTURES) -> dict[str, pd.DataFrame]:
    """The tables a tidy function makes from the fixture files of ``dataset``."""
    return TIDIERS[dataset](RawDataset(dataset, root / dataset))


@pytest.fixture(scope="module")
def real() -> dict[str, pd.DataFrame]:
    """Every Mexican table, tidied once from the packaged (checksum-checked) data."""
    tables: dict[str, pd.DataFrame] = {}
    for dataset, function in TIDIERS.items():
        tables.update(function(raw(dataset)))
    return tables


@pytest.fixture()
def fixture_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture tree, for tests that corrupt a file."""
    shutil.copytree(FIXTURES, tmp_path / "mexico")
    return tmp_path / "mexico"


def _row(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column].isna() if value is pd.NA else (frame[column] == value).fillna(False)
    assert mask.sum() == 1, f"expected one row for {where}, found {int(mask.sum())}"
    return frame[mask].iloc[0]


# ---------------------------------------------------------------------------------------------------------
# Registry, schemas and keys
# ---------------------------------------------------------------------------------------------------------

def test_registry_promises_exactly_the_tables_returned(real: dict[str, pd.DataFrame]) -> None:
    registry = discover()
    promised = {table for dataset in TIDIERS for table in registry[dataset].tables}
    assert promised == set(EXPECTED) == set(real)
    for dataset, function in TIDIERS.items():
        assert registry[dataset].function is function


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_real_table_has_promised_columns_dtypes_and_unique_keys(real: dict[str, pd.DataFrame], table: str) -> None:
    frame = real[table]
    assert {c: str(t) for c, t in frame.dtypes.items()} == EXPECTED[table]
    assert not frame.duplicated(KEYS[table]).any()
    # Key columns are never NA, except a nullable month (Valle's "No Especificado" rows).
    assert frame[[k for k in KEYS[table] if EXPECTED[table][k] != NULLABLE]].notna().all().all()
    if "state_code" in frame:
        allowed = STATE_CODES | ({"00"} if table in ("mx_population", "mx_population_conapo_2006") else set())
        assert set(frame["state_code"]) <= allowed


@pytest.mark.parametrize("dataset", sorted(TIDIERS))
def test_fixture_tables_have_promised_columns_and_dtypes(dataset: str) -> None:
    for table, frame in fixture(dataset).items():
        assert {c: str(t) for c, t in frame.dtypes.items()} == EXPECTED[table], table
        assert not frame.duplicated(KEYS[table]).any(), table


def test_real_tables_write_to_duckdb(real: dict[str, pd.DataFrame]) -> None:
    # The store writes frames with DuckDB's replacement scan; nullable and string dtypes must survive it.
    with duckdb.connect() as connection:
        for name, frame in real.items():
            connection.register("_frame", frame)
            connection.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _frame')
            connection.unregister("_frame")
            rows, nulls = connection.execute(
                f'SELECT count(*), count(*) - count("{frame.columns[-1]}") FROM "{name}"').fetchall()[0]
            assert (rows, nulls) == (len(frame), int(frame[frame.columns[-1]].isna().sum())), name


@pytest.mark.parametrize(("table", "rows", "first", "last"), [
    ("mx_homicides_inegi", 32 * 324, 1990, 2016),
    ("mx_homicides_inegi_national", 324, 1990, 2016),
    ("mx_homicide_victims_sesnsp_2015_2018", 32 * 42, 2015, 2018),
    ("mx_homicides_inegi_vs_sesnsp", 28, 1990, 2017),
    ("mx_homicide_victims", 32 * 126 * 2 * 4, 2015, 2025),
    ("mx_firearm_homicides_monthly", 32 * 11 * 13, 1998, 2008),
    ("mx_firearm_homicides_border_monthly", 132, 1998, 2008),
    ("mx_population_national_1998_2008", 11, 1998, 2008),
    ("mx_firearm_homicides_state_year", 32 * 11, 1998, 2008),
    ("mx_firearm_homicides_national_year", 12, 1998, 2009),
    ("mx_population", 121 + 32 * 101, 1950, 2070),
    ("mx_population_monthly", 32 * 732, 1990, 2050),
    ("mx_population_conapo_2006", 33 * 19, 1990, 2008),
])
def test_real_row_counts_and_year_spans(real: dict[str, pd.DataFrame], table: str, rows: int, first: int,
                                        last: int) -> None:
    frame = real[table]
    assert (len(frame), frame["year"].min(), frame["year"].max()) == (rows, first, last)


# ---------------------------------------------------------------------------------------------------------
# Subtotals and published figures
# ---------------------------------------------------------------------------------------------------------

def _raw_total_rows() -> pd.DataFrame:
    """The '<State> Total' rows of hom_state_month.csv, read independently of the tidy function."""
    frame = raw("mx_firearm_homicides_monthly_1998_2008").csv("hom_state_month.csv")
    totals = frame[frame["State"].fillna("").str.endswith(" Total")]
    return pd.DataFrame({
        "state_code": [mx_state_code(s.removesuffix(" Total")) for s in totals["State"]],
        "firearm_homicides": totals["Murders.with.Firearm"].to_numpy(),
        "homicides": totals["Murders"].to_numpy(),
    }).set_index("state_code").sort_index()


def test_real_valle_state_sums_equal_the_total_rows(real: dict[str, pd.DataFrame]) -> None:
    totals = _raw_total_rows()
    sums = real["mx_firearm_homicides_monthly"].groupby("state_code")[["firearm_homicides", "homicides"]].sum()
    assert len(totals) == 32
    pd.testing.assert_frame_equal(sums.sort_index(), totals, check_dtype=False, check_names=False)


def test_real_valle_state_year_sums_equal_statetot_file_in_all_352_cells(real: dict[str, pd.DataFrame]) -> None:
    monthly = real["mx_firearm_homicides_monthly"]
    sums = monthly.groupby(["state_code", "year"], as_index=False)["firearm_homicides"].sum()
    merged = sums.merge(real["mx_firearm_homicides_state_year"], on=["state_code", "year"], how="outer",
                        suffixes=("_monthly", "_statetot"), indicator=True)
    assert len(merged) == 32 * 11 and (merged["_merge"] == "both").all()
    assert (merged["firearm_homicides_monthly"] == merged["firearm_homicides_statetot"]).all()


def test_real_valle_national_firearm_at_least_state_sum(real: dict[str, pd.DataFrame]) -> None:
    # firearm-executions.csv counts deaths with state unknown too (+41 in 1998 … 0 in 2008, audit §12).
    states = real["mx_firearm_homicides_state_year"].groupby("year")["firearm_homicides"].sum()
    national = real["mx_firearm_homicides_national_year"].set_index("year")["firearm_homicides"].dropna()
    gap = national - states.reindex(national.index)
    assert gap.min() >= 0 and gap.loc[1998] == 41 and gap.loc[2008] == 0


def test_real_pry23_states_sum_to_national_every_year(real: dict[str, pd.DataFrame]) -> None:
    population = real["mx_population"]
    national = population[population["state_code"] == "00"].set_index("year")
    states = population[population["state_code"] != "00"]
    assert states.groupby("year")["state_code"].nunique().eq(32).all()
    sums = states.groupby("year")[["population_mid_year", "population_start_year"]].sum()
    assert list(sums.index) == list(range(1970, 2071))
    pd.testing.assert_frame_equal(sums, national.loc[1970:, sums.columns])


def test_real_pry23_states_only_from_1970(real: dict[str, pd.DataFrame]) -> None:
    population = real["mx_population"]
    early = population[population["year"] < 1970]
    assert set(early["state_code"]) == {"00"} and len(early) == 20


def test_real_monthly_population_july_equals_pry23_mid_year(real: dict[str, pd.DataFrame]) -> None:
    july = real["mx_population_monthly"].query("month == 7").drop(columns="month")
    merged = july.merge(real["mx_population"], on=["state_code", "year"])
    assert len(merged) == 32 * 61
    assert (merged["population"] == merged["population_mid_year"]).all()


def test_real_old_conapo_states_sum_to_nacional_and_match_valle_national(real: dict[str, pd.DataFrame]) -> None:
    old = real["mx_population_conapo_2006"]
    sums = old[old["state_code"] != "00"].groupby("year")["population"].sum()
    national = old[old["state_code"] == "00"].set_index("year")["population"]
    assert (sums == national).all()
    valle = real["mx_population_national_1998_2008"].set_index("year")["population"]
    assert (valle == national.loc[1998:2008]).all()


def test_real_inegi_national_monthly_sums_equal_comparison_table(real: dict[str, pd.DataFrame]) -> None:
    yearly = real["mx_homicides_inegi_national"].groupby("year")["homicides"].sum()
    table = real["mx_homicides_inegi_vs_sesnsp"].set_index("year")["homicides_inegi"].dropna()
    assert list(table.index) == list(range(1990, 2017))
    assert (yearly.reindex(table.index) == table).all()


def test_real_inegi_national_at_least_sum_of_states(real: dict[str, pd.DataFrame]) -> None:
    states = real["mx_homicides_inegi"].groupby("year")["homicides"].sum()
    national = real["mx_homicides_inegi_national"].groupby("year")["homicides"].sum()
    gap = national - states
    assert gap.min() >= 0 and gap.max() <= 126  # deaths with state unknown (audit §9)


@pytest.mark.parametrize(("year", "expected"), [(2008, 14_006), (2010, 25_757), (2016, 24_559)])
def test_real_inegi_published_annual_totals(real: dict[str, pd.DataFrame], year: int, expected: int) -> None:
    national = real["mx_homicides_inegi_national"]
    assert national.loc[national["year"] == year, "homicides"].sum() == expected


@pytest.mark.parametrize(("year", "expected"), [(2008, 111_275_915), (2024, 132_274_416)])
def test_real_pry23_published_national_mid_year(real: dict[str, pd.DataFrame], year: int, expected: int) -> None:
    assert _row(real["mx_population"], state_code="00", year=year)["population_mid_year"] == expected


@pytest.mark.parametrize(("year", "expected"), [(2018, 33_742), (2024, 30_046)])
def test_real_sesnsp_homicidio_doloso_totals_from_provenance(real: dict[str, pd.DataFrame], year: int,
                                                             expected: int) -> None:
    victims = real["mx_homicide_victims"]
    chosen = victims[(victims["year"] == year) & (victims["subtype"] == "homicidio_doloso")]
    assert chosen["victims"].sum() == expected


def test_real_sesnsp_2015_2018_year_sums_match_comparison_table(real: dict[str, pd.DataFrame]) -> None:
    # Audit §9: the 2019-vintage series is doloso + feminicidio (18,311 / 23,190 / 29,425 vs the table's
    # 18,309 / 23,190 / 29,430); the doloso-only column would be 2-3 % lower.
    sums = real["mx_homicide_victims_sesnsp_2015_2018"].groupby("year")["victims"].sum()
    table = real["mx_homicides_inegi_vs_sesnsp"].set_index("year")
    for year in (2015, 2016, 2017):
        assert abs(sums[year] - table.loc[year, "victims_sesnsp"]) <= 10
        assert sums[year] > table.loc[year, "victims_homicidio_doloso_sesnsp"] + 100


# ---------------------------------------------------------------------------------------------------------
# Defect: Oaxaca non-reporting (audit §0 #1, §9, §10)
# ---------------------------------------------------------------------------------------------------------

def test_fixture_oaxaca_2015_and_2016_10_become_na_not_zero() -> None:
    victims = fixture("mx_sesnsp_victims_2015_2025")["mx_homicide_victims"]
    oaxaca = victims[victims["state_code"] == OAXACA]
    missing = oaxaca[oaxaca["victims"].isna()]
    # 2015-01 and 2016-10 were coded 0; 2015-02 held 55 but all of 2015 is unusable.
    assert set(zip(missing["year"], missing["month"], strict=True)) == {(2015, 1), (2015, 2), (2016, 10)}
    assert len(missing) == 3 * 8
    assert oaxaca.loc[(oaxaca["year"] == 2016) & (oaxaca["month"] == 11), "victims"].sum() == 77
    other = victims[victims["state_code"] != OAXACA]
    assert other["victims"].notna().all() and (other["victims"] == 0).sum() > 0  # real zeros stay zeros


def test_fixture_oaxaca_na_propagates_into_mx_homicides() -> None:
    homicides = fixture("mx_sesnsp_victims_2015_2025")["mx_homicides"]
    sesnsp = homicides[homicides["source"] == "sesnsp"]
    for year, month in ((2015, 1), (2015, 2), (2016, 10)):
        row = _row(sesnsp, state_code=OAXACA, year=year, month=month)
        assert pd.isna(row["homicides"]) and pd.isna(row["firearm_homicides"])
    row = _row(sesnsp, state_code=OAXACA, year=2016, month=11)
    assert (row["homicides"], row["firearm_homicides"]) == (77, 51)  # 12+50+10+4 + feminicidio 1; 50+1
    row = _row(sesnsp, state_code="01", year=2015, month=1)
    assert (row["homicides"], row["firearm_homicides"]) == (7, 3)


def test_fixture_sesnsp_2015_2018_null_stays_na_and_national_rows_dropped() -> None:
    victims = fixture("mx_homicides_inegi_sesnsp")["mx_homicide_victims_sesnsp_2015_2018"]
    assert pd.isna(_row(victims, state_code=OAXACA, year=2015, month=1)["victims"])
    assert _row(victims, state_code=OAXACA, year=2015, month=2)["victims"] == 55
    assert set(victims["state_code"]) == {"01", OAXACA}


def test_fixture_sesnsp_2015_2018_national_that_disagrees_with_states_raises(fixture_copy: Path) -> None:
    path = fixture_copy / "mx_homicides_inegi_sesnsp" / "sesnsp_homicide_victims_state_month_2015_2018.csv"
    path.write_text(path.read_text().replace("national,2015-02-01,62", "national,2015-02-01,63"))
    with pytest.raises(IronRiverError, match="national"):
        fixture("mx_homicides_inegi_sesnsp", fixture_copy)


def test_real_oaxaca_raw_zeros_become_na(real: dict[str, pd.DataFrame]) -> None:
    rawfile = raw("mx_sesnsp_victims_2015_2025").csv(
        "homicidio_doloso_feminicidio_victims_state_month_by_modalidad.csv", dtype={"cve_ent": "str"})
    oaxaca_raw = rawfile[rawfile["cve_ent"] == OAXACA].groupby(["n_year", "n_month"])["n_victimas"].sum()
    zero_months = set(oaxaca_raw[oaxaca_raw == 0].index)
    assert zero_months == {(2015, m) for m in (1, 3, 4, 6, 7, 9, 10, 12)} | {(2016, 10)}  # the defect exists

    victims = real["mx_homicide_victims"]
    missing = victims[victims["victims"].isna()]
    assert set(missing["state_code"]) == {OAXACA}
    assert set(zip(missing["year"], missing["month"], strict=True)) == {(2015, m) for m in range(1, 13)} | {(2016, 10)}
    assert len(missing) == 13 * 8
    oaxaca = victims[victims["state_code"] == OAXACA]
    assert oaxaca.loc[(oaxaca["year"] == 2016) & oaxaca["month"].isin([9, 11]), "victims"].notna().all()


def test_real_sesnsp_2015_2018_oaxaca_nulls_kept_as_na(real: dict[str, pd.DataFrame]) -> None:
    victims = real["mx_homicide_victims_sesnsp_2015_2018"]
    missing = victims[victims["victims"].isna()]
    assert set(missing["state_code"]) == {OAXACA}
    assert set(zip(missing["year"], missing["month"], strict=True)) == (
        {(2015, m) for m in (1, 3, 4, 6, 7, 9, 10, 12)} | {(2016, 10)})
    oaxaca = victims[victims["state_code"] == OAXACA]["victims"].dropna()
    assert len(oaxaca) == 42 - 9 and (oaxaca > 0).all()  # no zero stands in for a missing month


def test_real_mx_homicides_sesnsp_na_only_for_oaxaca(real: dict[str, pd.DataFrame]) -> None:
    homicides = real["mx_homicides"]
    sesnsp = homicides[homicides["source"] == "sesnsp"]
    missing = sesnsp[sesnsp["homicides"].isna()]
    assert set(missing["state_code"]) == {OAXACA} and len(missing) == 13
    assert sesnsp["firearm_homicides"].isna().equals(sesnsp["homicides"].isna())


# ---------------------------------------------------------------------------------------------------------
# Defect: Latin-1 files and name variants (audit §0 #7, §17)
# ---------------------------------------------------------------------------------------------------------

LATIN1_FIXTURES = [
    ("mx_firearm_homicides_state_year_1998_2008", "firearm-hom-statetot.csv"),
    ("mx_population_conapo", "conapo-states_1990_2008_old_estimates.csv"),
    ("mx_population_conapo", "state_codes.csv"),
    ("mx_homicides_inegi_sesnsp", "state_codes.csv"),
]


@pytest.mark.parametrize(("dataset", "filename"), LATIN1_FIXTURES)
def test_fixture_latin1_file_is_really_latin1(dataset: str, filename: str) -> None:
    data = (FIXTURES / dataset / filename).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert re.search("Querétaro|QUERÉTARO", data.decode("latin-1"))


def test_fixture_latin1_state_year_decodes_to_the_right_states() -> None:
    tables = fixture("mx_firearm_homicides_state_year_1998_2008")
    state_year = tables["mx_firearm_homicides_state_year"].set_index(["state_code", "year"])["firearm_homicides"]
    # México 15, Michoacán de Ocampo 16, Querétaro 22, Veracruz de Ignacio de la Llave 30
    assert state_year.to_dict() == {("15", 2007): 562, ("15", 2008): 741, ("16", 2007): 426, ("16", 2008): 402,
                                    ("22", 2007): 23, ("22", 2008): 26, ("30", 2007): 158, ("30", 2008): 131}


def test_fixture_latin1_old_conapo_decodes_and_keeps_nacional_as_00() -> None:
    old = fixture("mx_population_conapo")["mx_population_conapo_2006"]
    assert set(old["state_code"]) == {"00", "16", "22"}
    assert _row(old, state_code="22", year=1990)["population"] == 1_090_486


def test_mis_decoded_latin1_name_is_rejected() -> None:
    # What a UTF-8 reader would make of Latin-1 bytes read the other way round must not match silently.
    with pytest.raises(UnknownNameError):
        mx_state_code("Querétaro".encode().decode("latin-1"))


@pytest.mark.parametrize(("dataset", "filename", "column"), [
    ("mx_firearm_homicides_state_year_1998_2008", "firearm-hom-statetot.csv", "State"),
    ("mx_firearm_homicides_state_year_1998_2008", "firearm-hom-state.csv", "State"),
    ("mx_population_conapo", "conapo-states_1990_2008_old_estimates.csv", "State"),
    ("mx_population_conapo", "state_codes.csv", "state"),
    ("mx_homicides_inegi_sesnsp", "state_codes.csv", "state"),
])
def test_real_latin1_files_decode(dataset: str, filename: str, column: str) -> None:
    data = raw(dataset).read_bytes(filename)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    names = set(raw(dataset).csv(filename, encoding="latin-1")[column].dropna())
    assert names & {"Querétaro", "QUERÉTARO"} and names & {"Michoacán de Ocampo", "MICHOACÁN"}
    assert names & {"Yucatán", "YUCATÁN"} and names & {"Nuevo León", "NUEVO LEÓN"}


NAME_VARIANTS: dict[str, list[str]] = {  # audit §17, every spelling of the seven states that vary
    "05": ["Coahuila", "COAHUILA", "Coahuila de Zaragoza"],
    "09": ["Ciudad de México", "CIUDAD DE MÉXICO", "Distrito Federal", "CDMX"],
    "15": ["Estado de México", "MÉXICO", "México", "Mexico"],
    "16": ["Michoacán", "MICHOACÁN", "Michoacán de Ocampo"],
    "22": ["Querétaro", "QUERÉTARO", "Querétaro de Arteaga"],
    "24": ["San Luis Potosí", "SAN LUIS POTOSÍ", "San Luís Potosi"],
    "30": ["Veracruz", "VERACRUZ", "Veracruz de Ignacio de la Llave", "Veracruz Llave"],
}


@pytest.mark.parametrize(("code", "name"), [(c, n) for c, names in NAME_VARIANTS.items() for n in names])
def test_name_variant_maps_to_its_inegi_code(code: str, name: str) -> None:
    assert mx_state_code(name) == code
    assert mx_state_code(f"  {name.upper()} ") == code


def test_nacional_is_not_a_state() -> None:
    with pytest.raises(UnknownNameError):
        mx_state_code("Nacional")


@pytest.mark.parametrize(("dataset", "filename", "column", "encoding"), [
    ("mx_firearm_homicides_monthly_1998_2008", "hom_state_month.csv", "State", "utf-8"),
    ("mx_firearm_homicides_state_year_1998_2008", "firearm-hom-statetot.csv", "State", "latin-1"),
    ("mx_firearm_homicides_state_year_1998_2008", "firearm-hom-state.csv", "State", "latin-1"),
    ("mx_population_conapo", "conapo-states_1990_2008_old_estimates.csv", "State", "latin-1"),
    ("mx_population_conapo", "conapo_pob_ent_gender_1950_2070.csv", "nombre_estado", "utf-8"),
    ("mx_population_conapo", "state_codes.csv", "state", "latin-1"),
    ("mx_homicides_inegi_sesnsp", "state_codes.csv", "state", "latin-1"),
    ("mx_sesnsp_victims_2015_2025", "cve_nom_estados.csv", "nombre_estado", "utf-8"),
])
def test_real_every_file_spelling_maps_to_the_same_32_codes(dataset: str, filename: str, column: str,
                                                            encoding: str) -> None:
    frame = raw(dataset).csv(filename, encoding=encoding)
    names = {n.strip() for n in frame[column].dropna() if not n.endswith(" Total") and n != "Nacional"}
    codes = {name: mx_state_code(name) for name in names}
    assert len(names) == 32 and set(codes.values()) == STATE_CODES
    code_column = next((c for c in ("cve_ent", "state_code") if c in frame), None)
    if code_column is not None:  # where a file carries both, name and code agree on every row
        rows = frame[frame[column] != "Nacional"]
        assert all(mx_state_code(n) == f"{int(c):02d}" for n, c in zip(rows[column], rows[code_column], strict=True))


def test_real_mx_states_lookup(real: dict[str, pd.DataFrame]) -> None:
    states = real["mx_states"]
    assert list(states["state_code"]) == sorted(STATE_CODES)
    assert dict(zip(states["state_code"], states["state_name"], strict=True)) == MX_STATES
    assert set(states.loc[states["border"], "state_code"]) == {"02", "05", "08", "19", "26", "28"}


# ---------------------------------------------------------------------------------------------------------
# Defects of the Valle pivot exports (audit §0 #2, §11, §12)
# ---------------------------------------------------------------------------------------------------------

def test_fixture_forward_fill_and_total_rows_dropped() -> None:
    monthly = fixture("mx_firearm_homicides_monthly_1998_2008")["mx_firearm_homicides_monthly"]
    assert len(monthly) == 12  # 14 lines minus 2 Total rows
    assert set(monthly["state_code"]) == {"22", "30"}  # Querétaro de Arteaga, Veracruz Llave
    assert monthly.groupby("state_code")["year"].value_counts().eq(3).all()
    # Veracruz's rows must not inherit Querétaro's block (a fill across the Total row would do that).
    row = _row(monthly, state_code="30", year=2007, month=1)
    assert (row["firearm_homicides"], row["homicides"]) == (5, 9)
    sums = monthly.groupby("state_code")[["firearm_homicides", "homicides"]].sum()
    assert sums.to_dict("index") == {"22": {"firearm_homicides": 4, "homicides": 10},
                                     "30": {"firearm_homicides": 15, "homicides": 30}}


def test_fixture_total_row_that_disagrees_raises(fixture_copy: Path) -> None:
    path = fixture_copy / "mx_firearm_homicides_monthly_1998_2008" / "hom_state_month.csv"
    path.write_bytes(path.read_bytes().replace(b"Veracruz Llave Total,,,15,30", b"Veracruz Llave Total,,,15,31"))
    with pytest.raises(IronRiverError, match="Total"):
        fixture("mx_firearm_homicides_monthly_1998_2008", fixture_copy)


def test_fixture_no_especificado_kept_with_month_na() -> None:
    monthly = fixture("mx_firearm_homicides_monthly_1998_2008")["mx_firearm_homicides_monthly"]
    unknown = monthly[monthly["month"].isna()]
    assert len(unknown) == 4  # one per state-year
    assert _row(monthly, state_code="30", year=2007, month=pd.NA)["firearm_homicides"] == 1
    assert _row(monthly, state_code="30", year=2008, month=pd.NA)["homicides"] == 2
    assert set(monthly["month"].dropna()) == {1, 12}


def test_fixture_blank_counts_are_zero() -> None:
    tables = fixture("mx_firearm_homicides_monthly_1998_2008")
    monthly = tables["mx_firearm_homicides_monthly"]
    assert _row(monthly, state_code="22", year=2007, month=12)["firearm_homicides"] == 0  # ",,Diciembre,,2"
    assert _row(monthly, state_code="22", year=2008, month=12)["homicides"] == 0  # ",,Diciembre,1,"
    both = _row(monthly, state_code="22", year=2008, month=pd.NA)  # ",,No Especificado,,"
    assert (both["firearm_homicides"], both["homicides"]) == (0, 0)
    border = tables["mx_firearm_homicides_border_monthly"]
    assert _row(border, year=2007, month=2)["firearm_homicides"] == 0
    assert _row(border, year=2008, month=12)["homicides"] == 0


def test_fixture_december_2008_flagged_and_na_in_mx_homicides() -> None:
    monthly = fixture("mx_firearm_homicides_monthly_1998_2008")["mx_firearm_homicides_monthly"]
    flagged = monthly[~monthly["registration_complete"]]
    cells = set(zip(flagged["state_code"], flagged["year"], flagged["month"], strict=True))
    assert cells == {("22", 2008, 12), ("30", 2008, 12)}
    homicides = fixture("mx_sesnsp_victims_2015_2025")["mx_homicides"]
    valle = homicides[homicides["source"] == "valle_ssa"]
    december = valle[(valle["year"] == 2008) & (valle["month"] == 12).fillna(False)]
    assert len(december) == 2 and december[["homicides", "firearm_homicides"]].isna().all().all()
    assert valle.drop(december.index)[["homicides", "firearm_homicides"]].notna().all().all()


def test_fixture_unknown_month_label_raises(fixture_copy: Path) -> None:
    path = fixture_copy / "mx_firearm_homicides_monthly_1998_2008" / "hom_state_month.csv"
    path.write_bytes(path.read_bytes().replace(b",,Diciembre,,2", b",,Decembre,,2"))
    with pytest.raises(IronRiverError, match="month"):
        fixture("mx_firearm_homicides_monthly_1998_2008", fixture_copy)


def test_fixture_blank_33rd_row_is_dropped_but_a_nameless_count_row_raises(fixture_copy: Path) -> None:
    assert len(fixture("mx_firearm_homicides_state_year_1998_2008")["mx_firearm_homicides_state_year"]) == 8
    path = fixture_copy / "mx_firearm_homicides_state_year_1998_2008" / "firearm-hom-statetot.csv"
    path.write_bytes(path.read_bytes().replace(b"\n,,\n", b"\nTotal,1169,1300\n"))
    with pytest.raises(UnknownNameError):
        fixture("mx_firearm_homicides_state_year_1998_2008", fixture_copy)


def test_fixture_national_year_table() -> None:
    national = fixture("mx_firearm_homicides_state_year_1998_2008")["mx_firearm_homicides_national_year"]
    assert list(national["year"]) == [2005, 2008, 2009]
    assert pd.isna(_row(national, year=2009)["firearm_homicides"])
    row = _row(national, year=2008)
    assert (row["executions_reforma"], row["executions_milenio"]) == (5153, 5661)
    assert pd.isna(row["executions_renglones"])


def test_real_forward_fill_gives_13_rows_per_state_year(real: dict[str, pd.DataFrame]) -> None:
    monthly = real["mx_firearm_homicides_monthly"]
    per_cell = monthly.groupby(["state_code", "year"])["month"].agg(["size", "count", "min", "max"])
    assert len(per_cell) == 32 * 11
    assert (per_cell["size"] == 13).all() and (per_cell["count"] == 12).all()
    assert (per_cell["min"] == 1).all() and (per_cell["max"] == 12).all()


def test_real_no_especificado_rows_kept(real: dict[str, pd.DataFrame]) -> None:
    monthly = real["mx_firearm_homicides_monthly"]
    unknown = monthly[monthly["month"].isna()]
    assert len(unknown) == 32 * 11
    rawfile = raw("mx_firearm_homicides_monthly_1998_2008").csv("hom_state_month.csv")
    expected = rawfile.loc[rawfile["Month"] == "No Especificado", "Murders"].sum()
    assert unknown["homicides"].sum() == expected


def test_real_valle_counts_equal_raw_cells_with_blanks_as_zero(real: dict[str, pd.DataFrame]) -> None:
    rawfile = raw("mx_firearm_homicides_monthly_1998_2008").csv("hom_state_month.csv")
    body = rawfile[~rawfile["State"].fillna("").str.endswith(" Total")]
    monthly = real["mx_firearm_homicides_monthly"]
    for raw_column, column in (("Murders.with.Firearm", "firearm_homicides"), ("Murders", "homicides")):
        assert monthly[column].sum() == body[raw_column].fillna(0).sum()
        assert monthly[column].notna().all()
    border_raw = raw("mx_firearm_homicides_monthly_1998_2008").csv("hom_border_month.csv")
    border = real["mx_firearm_homicides_border_monthly"]
    assert border["homicides"].sum() == border_raw["Homicide"].fillna(0).sum()


def test_real_december_2008_flagged(real: dict[str, pd.DataFrame]) -> None:
    monthly = real["mx_firearm_homicides_monthly"]
    flagged = monthly[~monthly["registration_complete"]]
    assert len(flagged) == 32 and (flagged["year"] == 2008).all() and (flagged["month"] == 12).all()
    valle = real["mx_homicides"].query("source == 'valle_ssa'")
    assert valle["homicides"].isna().sum() == 32


def test_real_valle_firearm_never_exceeds_total(real: dict[str, pd.DataFrame]) -> None:
    for table in ("mx_firearm_homicides_monthly", "mx_firearm_homicides_border_monthly"):
        frame = real[table]
        assert (frame["firearm_homicides"] <= frame["homicides"]).all(), table
        assert (frame[["firearm_homicides", "homicides"]] >= 0).all().all(), table


def test_real_valle_firearm_exceeds_inegi_total_somewhere(real: dict[str, pd.DataFrame]) -> None:
    # Why the sources must never be mixed (audit §0 #2): Valle firearm > INEGI all-homicide in 77 state-months.
    valle = real["mx_firearm_homicides_monthly"].dropna(subset=["month"]).astype({"month": "int64"})
    merged = valle.merge(real["mx_homicides_inegi"], on=["state_code", "year", "month"],
                         suffixes=("_valle", "_inegi"))
    assert len(merged) == 32 * 11 * 12
    assert (merged["firearm_homicides"] > merged["homicides_inegi"]).sum() == 77


# ---------------------------------------------------------------------------------------------------------
# INEGI / SESNSP parsing, SESNSP labels, mx_homicides, population
# ---------------------------------------------------------------------------------------------------------

def test_fixture_inegi_split_into_states_and_national() -> None:
    tables = fixture("mx_homicides_inegi_sesnsp")
    states, national = tables["mx_homicides_inegi"], tables["mx_homicides_inegi_national"]
    assert set(states["state_code"]) == {"01", OAXACA}
    assert list(national["homicides"]) == [130, 95]
    assert _row(states, state_code="01", year=2010, month=2)["homicides"] == 0


def test_fixture_comparison_table_parsing() -> None:
    table = fixture("mx_homicides_inegi_sesnsp")["mx_homicides_inegi_vs_sesnsp"].set_index("year")
    assert list(table.index) == [2009, 2015, 2017]  # 2018 has no counts; FUENTE and SQL lines skipped
    assert table.loc[2015, "homicides_inegi"] == 20762 and table.loc[2015, "victims_sesnsp"] == 18309
    assert table.loc[2015, "victims_feminicidio_sesnsp"] == 404  # an unquoted cell
    assert table.loc[2017, "victims_sesnsp"] == 29430 and pd.isna(table.loc[2017, "homicides_inegi"])
    assert table.loc[2009, "case_files_homicidio_doloso_sesnsp_old_method"] == 16118


def test_fixture_comparison_table_with_unknown_column_raises(fixture_copy: Path) -> None:
    path = fixture_copy / "mx_homicides_inegi_sesnsp" / "table-inegi-sesnsp.csv"
    path.write_bytes(path.read_bytes().replace("Víctimas Feminicidio".encode(), b"Victimas Secuestro"))
    with pytest.raises(IronRiverError, match="column label"):
        fixture("mx_homicides_inegi_sesnsp", fixture_copy)


def test_fixture_sesnsp_labels_mapped() -> None:
    victims = fixture("mx_sesnsp_victims_2015_2025")["mx_homicide_victims"]
    assert set(victims["subtype"]) == {"homicidio_doloso", "feminicidio"}
    assert set(victims["modality"]) == {"firearm", "knife", "other", "unspecified"}
    row = _row(victims, state_code="01", year=2015, month=1, subtype="homicidio_doloso", modality="knife")
    assert row["victims"] == 2  # "Con arma blanca"


def test_fixture_unknown_sesnsp_modality_raises(fixture_copy: Path) -> None:
    path = (fixture_copy / "mx_sesnsp_victims_2015_2025"
            / "homicidio_doloso_feminicidio_victims_state_month_by_modalidad.csv")
    path.write_text(path.read_text().replace("Con otro elemento", "En accidente de tránsito", 1))
    with pytest.raises(IronRiverError, match="modality"):
        fixture("mx_sesnsp_victims_2015_2025", fixture_copy)


def test_real_sesnsp_labels(real: dict[str, pd.DataFrame]) -> None:
    victims = real["mx_homicide_victims"]
    assert set(victims["subtype"]) == {"homicidio_doloso", "feminicidio"}
    assert set(victims["modality"]) == {"firearm", "knife", "other", "unspecified"}


def test_real_mx_homicides_stacks_each_source_faithfully(real: dict[str, pd.DataFrame]) -> None:
    homicides = real["mx_homicides"]
    assert set(homicides["source"]) == {"inegi", "valle_ssa", "sesnsp"}
    spans = homicides.groupby("source")["year"].agg(["min", "max"])
    assert spans.to_dict("index") == {"inegi": {"min": 1990, "max": 2016}, "sesnsp": {"min": 2015, "max": 2025},
                                      "valle_ssa": {"min": 1998, "max": 2008}}
    inegi = homicides[homicides["source"] == "inegi"]
    assert inegi["firearm_homicides"].isna().all()
    assert inegi["homicides"].sum() == real["mx_homicides_inegi"]["homicides"].sum()
    valle = homicides[(homicides["source"] == "valle_ssa")].dropna(subset=["homicides"])
    complete = real["mx_firearm_homicides_monthly"].query("registration_complete")
    assert valle["homicides"].sum() == complete["homicides"].sum()
    assert valle["firearm_homicides"].sum() == complete["firearm_homicides"].sum()
    sesnsp = homicides[homicides["source"] == "sesnsp"]
    victims = real["mx_homicide_victims"]
    assert sesnsp["homicides"].sum() == victims["victims"].sum()
    assert sesnsp["firearm_homicides"].sum() == victims.loc[victims["modality"] == "firearm", "victims"].sum()
    assert (sesnsp["firearm_homicides"] <= sesnsp["homicides"]).fillna(True).all()


def test_fixture_population_total_must_equal_sexes(fixture_copy: Path) -> None:
    tables = fixture("mx_population_conapo")
    population = tables["mx_population"]
    keys = list(zip(population["state_code"], population["year"], strict=True))
    assert keys == [("00", 1969), ("00", 1970), ("15", 1970), ("22", 1970)]
    assert _row(population, state_code="15", year=1970)[["population_mid_year", "population_start_year"]].tolist() \
        == [412, 402]
    monthly = tables["mx_population_monthly"]
    assert _row(monthly, state_code="15", year=1990, month=2)["population"] == 1002
    path = fixture_copy / "mx_population_conapo" / "conapo_pob_ent_gender_1950_2070.csv"
    path.write_text(path.read_text().replace("1970,Querétaro,22,Total,201,211", "1970,Querétaro,22,Total,201,212"))
    with pytest.raises(IronRiverError, match="Hombres"):
        fixture("mx_population_conapo", fixture_copy)


@given(st.sampled_from(["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto", "Septiembre",
                        "Octubre", "Noviembre", "Diciembre", "No Especificado"]),
       st.booleans(), st.text(alphabet=" ", max_size=2))
def test_spanish_month_ignores_case_and_padding(label: str, upper: bool, pad: str) -> None:
    expected = spanish_month(pd.Series([label])).iloc[0]
    text = pad + (label.upper() if upper else label.lower()) + pad
    got = spanish_month(pd.Series([text])).iloc[0]
    assert (pd.isna(got) and pd.isna(expected)) or got == expected
    assert pd.isna(expected) == (label == "No Especificado")
