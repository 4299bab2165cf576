"""US tidy functions (NICS, ATF traces and commerce, Census population, Correlates of War) on the real data.

Expected values are the data audit's checks (``shared/reference/data-audit.md``, section given with each)
and hand computations on the small files in ``tests/fixtures/us``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from ironriver.data import RawDataset, raw
from ironriver.errors import IronRiverError
from ironriver.store import literature_value
from ironriver.store.names import us_state_codes
from ironriver.store.tidy import atf, cow, nics, us_population

FIXTURES = Path(__file__).parent / "fixtures" / "us"


def fixture(dataset: str) -> RawDataset:
    return RawDataset(dataset, FIXTURES / dataset, checked=False)


@cache
def tables(dataset: str) -> dict[str, pd.DataFrame]:
    function = {
        "nics_firearm_background_checks": nics.tidy_nics_firearm_background_checks,
        "atf_trace_us_source_recovery_state_2010_2020": atf.tidy_atf_trace_us_source_recovery_state_2010_2020,
        "atf_ffl_and_commerce": atf.tidy_atf_ffl_and_commerce,
        "us_population": us_population.tidy_us_population,
        "cow_peacesciencer": cow.tidy_cow_peacesciencer,
    }[dataset]
    return function(raw(dataset))


# ------------------------------------------------------------------------------------------------ NICS


def test_nics_totals_equal_the_sum_of_the_24_components_in_every_row() -> None:
    checks = tables("nics_firearm_background_checks")["nics_checks"]
    assert len(nics.COMPONENTS) == 24
    assert (checks[list(nics.COMPONENTS)].fillna(0).sum(axis=1) == checks["totals"]).all()


def test_nics_grid_is_55_jurisdictions_by_299_months_keyed_by_usps() -> None:
    checks = tables("nics_firearm_background_checks")["nics_checks"]
    assert len(checks) == 55 * 299  # audit §1: 1998-11 … 2023-09, complete grid
    assert not checks.duplicated(["state", "year", "month"]).any()
    assert {"DC", "GU", "MP", "PR", "VI"} <= set(checks["state"])
    first, last = checks[["year", "month"]].min(), checks.sort_values(["year", "month"]).iloc[-1]
    assert (first["year"], checks.loc[checks["year"] == 1998, "month"].min()) == (1998, 11)
    assert (last["year"], last["month"]) == (2023, 9)


def test_nics_blanks_stay_na_and_are_not_zero() -> None:
    checks = tables("nics_firearm_background_checks")["nics_checks"]
    assert checks["permit_recheck"].isna().sum() == 11_385  # audit §1
    assert checks["multiple"].notna().all() and checks["totals"].notna().all()
    raw_file = raw("nics_firearm_background_checks").csv(nics.FILE)
    assert checks["handgun"].isna().sum() == raw_file["handgun"].isna().sum()


def test_nics_fixture_sales_proxy_by_hand_and_permits_excluded() -> None:
    checks = nics.nics_checks(fixture("nics_firearm_background_checks")).set_index("state")
    # Texas: 1.1 × (100 + 200) + 2 × 7 = 344; Kentucky's 300,000 permit checks do not count: 1.1 × 30 + 2 = 35.
    assert checks.loc["TX", "sales_proxy"] == pytest.approx(344.0)
    assert checks.loc["KY", "sales_proxy"] == pytest.approx(35.0)
    assert pd.isna(checks.loc["MP", "sales_proxy"])  # handgun not reported -> proxy unknown, not 0
    assert pd.isna(checks.loc["TX", "permit_recheck"]) and checks.loc["TX", "totals"] == 5334
    assert (checks.loc["KY", ["year", "month"]] == [1998, 11]).all()


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**5), st.integers(0, 10**7))
def test_sales_proxy_is_the_brauer_formula_and_ignores_permits(handgun: int, long_gun: int, multiple: int,
                                                                permit: int) -> None:
    frame = pd.DataFrame({"handgun": [handgun], "long_gun": [long_gun], "multiple": [multiple],
                          "permit": [permit]}).astype("Int64")
    assert nics.sales_proxy(frame).iloc[0] == pytest.approx(1.1 * (handgun + long_gun) + 2 * multiple)


def test_nics_fractional_counts_are_refused(tmp_path: Path) -> None:
    text = (FIXTURES / "nics_firearm_background_checks" / nics.FILE).read_text().replace("100.0", "100.5")
    (tmp_path / nics.FILE).write_text(text)
    with pytest.raises(IronRiverError):
        nics.nics_checks(RawDataset("nics_firearm_background_checks", tmp_path))


# --------------------------------------------------------------------------------------------- ATF traces


def _raw_traces() -> pd.DataFrame:
    return raw("atf_trace_us_source_recovery_state_2010_2020").csv(atf.TRACE_FILE)


def test_trace_cells_sum_to_the_raw_total_by_total_every_year() -> None:
    traces = tables("atf_trace_us_source_recovery_state_2010_2020")["atf_traces_us"]
    source = _raw_traces()
    grand = source[(source["Recovery_State"] == "Total") & (source["Source_State"] == "Total")]
    expected = grand.set_index("Year")["Guns_Recovered"].sort_index()
    assert traces.groupby("year")["guns_recovered"].sum().sort_index().equals(expected.rename("guns_recovered"))
    assert (expected.loc[2010], expected.loc[2020]) == (145_604, 306_686)  # audit §2


def test_trace_column_sums_equal_the_raw_total_recovery_row() -> None:
    traces = tables("atf_trace_us_source_recovery_state_2010_2020")["atf_traces_us"]
    source = _raw_traces()
    total_row = source[(source["Recovery_State"] == "Total") & (source["Source_State"] != "Total")]
    expected = dict(zip(zip(total_row["Year"], us_state_codes(total_row["Source_State"])),
                        total_row["Guns_Recovered"]))
    got = traces.groupby(["year", "source_state"])["guns_recovered"].sum().to_dict()
    assert len(expected) == 11 * 54 and got == expected


def test_trace_total_rows_dropped_canada_kept_and_territories_by_usps() -> None:
    traces = tables("atf_trace_us_source_recovery_state_2010_2020")["atf_traces_us"]
    assert "Total" not in set(traces["recovery_state"]) | set(traces["source_state"])
    canada = traces[traces["recovery_state"] == atf.CANADA_LABEL]
    assert set(canada["year"]) == {2012}
    assert canada["guns_recovered"].sum() == 2  # audit §2: Georgia 1, Washington 1 (descr's "4" is wrong)
    assert set(canada.loc[canada["guns_recovered"] > 0, "source_state"]) == {"GA", "WA"}
    assert {"GU", "PR", "VI", "DC"} <= set(traces["source_state"])
    assert len(traces) == 11 * 54 * 54 + 54  # 54 places each way, plus the 2012 Canada row


def test_trace_population_vintages_and_states_sum_to_the_us_row() -> None:
    population = tables("atf_trace_us_source_recovery_state_2010_2020")["us_state_population_atf"]
    assert population.groupby("vintage")["year"].agg(["min", "max"]).loc["V2019"].tolist() == [2010, 2019]
    assert set(population.loc[population["year"] == 2020, "vintage"]) == {"post-2020-census"}
    assert len(population) == 52 * 11 and "PR" in set(population["state"])
    source = raw("atf_trace_us_source_recovery_state_2010_2020").csv(atf.POPULATION_FILE).set_index("State")
    states = population[population["state"] != "PR"].groupby("year")["population"].sum()
    assert [states[y] for y in range(2010, 2021)] == source.loc["United States"].astype("int64").tolist()


# ------------------------------------------------------------------------------------ FFL and commerce


def test_manufacturing_matches_the_published_exhibit_every_year() -> None:
    made = tables("atf_ffl_and_commerce")["us_firearms_manufactured"].set_index("year")["total"]
    for year in range(1993, 2013):
        assert made[year] == literature_value(f"us_firearms_manufactured_{year}").value, year


def test_afmer_2013_and_fy2015_licensees_match_the_audited_figures() -> None:
    # Not in the literature table: the data audit's spot checks (§3, §18) against ATF's Commerce report.
    out = tables("atf_ffl_and_commerce")
    assert out["us_firearms_manufactured"].set_index("year").loc[2013, "total"] == 10_844_792
    assert out["us_ffl_totals"].set_index("year").loc[2015, "total"] == 139_840


@pytest.mark.parametrize("table", ["us_firearms_manufactured", "us_firearms_exported", "us_firearms_imported",
                                   "us_ffl_totals"])
def test_commerce_types_sum_to_total_and_years_are_unique(table: str) -> None:
    frame = tables("atf_ffl_and_commerce")[table]
    parts = [c for c in frame.columns if c not in ("year", "total")]
    assert (frame[parts].sum(axis=1) == frame["total"]).all()
    assert frame["year"].is_unique and frame.notna().all().all()


def test_commerce_spans() -> None:
    out = tables("atf_ffl_and_commerce")
    spans = {name: (out[name]["year"].min(), out[name]["year"].max(), len(out[name])) for name in atf._EXHIBITS}
    assert spans == {"us_firearms_manufactured": (1986, 2014, 29), "us_firearms_exported": (1986, 2014, 29),
                     "us_firearms_imported": (1986, 2015, 30), "us_ffl_totals": (1975, 2015, 41)}


def test_commerce_fixture_strips_dollars_percent_separators_and_footnote_digits() -> None:
    frame = atf.commerce_exhibit(fixture("atf_ffl_and_commerce"), "us_firearms_manufactured")
    assert frame.iloc[0].tolist() == [2013, 1000, 2000, 300, 40, 5, 3345]


@pytest.mark.parametrize("header,clean", [("Misc. Firearms1", "Misc. Firearms"), ("Weapon1", "Weapon"),
                                          ("Total3", "Total"), ("Year 1", "Year"), ("Dealer", "Dealer"),
                                          ("mfg.Firearms", "mfg.Firearms")])
def test_clean_header(header: str, clean: str) -> None:
    assert atf.clean_header(header) == clean


def test_parse_count_refuses_text() -> None:
    assert atf.parse_count(pd.Series(["$1,250", "12%", None, " 7 "])).tolist() == [1250, 12, pd.NA, 7]
    with pytest.raises(IronRiverError):
        atf.parse_count(pd.Series(["12 (est.)"]))


def test_ffl_licences_per_100k_recompute_and_50_states() -> None:
    ffl = tables("atf_ffl_and_commerce")["ffl_licences_2016"]
    assert len(ffl) == 50 and "DC" not in set(ffl["state"])
    recomputed = ffl["licences"] / ffl["population_2016"] * 100_000
    assert (recomputed - ffl["licences_per_100k"]).abs().max() < 1e-4
    assert ((ffl["licence_records_2016"] / 12 - ffl["licences"]).abs() < 1e-6).all()


# ------------------------------------------------------------------------------------------ population


def test_us_population_states_sum_to_the_us_row() -> None:
    population = tables("us_population")["us_population"]
    source = raw("us_population").csv(us_population.FILE)
    us_row = source[source["SUMLEV"] == 10].iloc[0]
    states = population[population["state"] != "PR"].groupby("year")["population"].sum()
    assert {y: states[y] for y in states.index} == {y: us_row[f"POPESTIMATE{y}"] for y in range(2010, 2017)}
    assert len(population) == 52 * 7 and set(population["vintage"]) == {"V2016"}
    assert population["state"].nunique() == 52 and {"DC", "PR"} <= set(population["state"])


# --------------------------------------------------------------------------------------- Correlates of War


def test_usa_cinc_2016_and_series_break() -> None:
    nmc = tables("cow_peacesciencer")["cow_nmc"]
    usa = nmc[nmc["ccode"] == cow.USA].set_index("year")
    assert usa.loc[2016, "cinc"] == pytest.approx(0.13325, abs=5e-6)  # audit §8 (NMC v7 as packaged)
    # The literature row is NMC v6.0 (0.13306); v7 revised the 2016 inputs slightly, by well under 0.5 %.
    assert usa.loc[2016, "cinc"] == pytest.approx(literature_value("cinc_usa_2016").value, rel=5e-3)
    assert usa.loc[2016, "stateabb"] == "USA" and nmc.loc[nmc["ccode"] == cow.MEX, "stateabb"].iloc[0] == "MEX"
    assert not usa.loc[2016, "series_break"] and usa.loc[2017, "series_break"]
    assert (nmc["series_break"] == (nmc["year"] >= 2017)).all()


def test_nmc_blanks_are_na() -> None:
    nmc = tables("cow_peacesciencer")["cow_nmc"]
    assert nmc[["milex", "milper", "irst", "pec", "upop"]].isna().sum().tolist() == [2360, 456, 26, 448, 68]
    assert len(nmc) == 17_121 and not nmc.duplicated(["ccode", "year"]).any()


def test_mexican_milper_after_2016_is_flagged_where_carried() -> None:
    nmc = tables("cow_peacesciencer")["cow_nmc"]
    mex = nmc[nmc["ccode"] == cow.MEX].set_index("year")
    # NMC v6.0 gives Mexico 277 thousand in 2016 (the CoW row cited in the literature); v7 repeats it to 2019
    assert mex.loc[2016, "milper"] == literature_value("nmc_milper_mex_2016").value == 277
    assert mex.loc[2016:2022, "milper"].tolist() == [277, 277, 277, 277, 236, 216, 216]
    assert mex.loc[2016:2022, "milper_repeated"].tolist() == [False, True, True, True, False, False, True]
    usa = nmc[nmc["ccode"] == cow.USA].set_index("year")
    assert not usa.loc[1990:2022, "milper_repeated"].any()  # the same rule flags nothing for the USA
    # NA never counts as a repeat, nor a gap year
    assert not nmc.loc[nmc["milper"].isna(), "milper_repeated"].any()


def test_usa_mex_mids_counts_and_minus_nine_as_na() -> None:
    mids = tables("cow_peacesciencer")["usa_mex_mids"]
    cow_rows = mids[mids["source"] == "cow"]
    assert (len(cow_rows), cow_rows["dispnum"].nunique()) == (74, 23)  # audit §8
    assert (cow_rows["year"].min(), cow_rows["year"].max()) == (1836, 1920)
    gml = mids[mids["source"] == "gml"]
    assert (len(gml), gml["year"].min(), gml["year"].max()) == (72, 1835, 1920)
    numeric = mids.select_dtypes("number")
    assert not (numeric < 0).any().any()
    source = raw("cow_peacesciencer").csv("usa_mex_cow_mid_dirdyad_years.csv")
    assert cow_rows["fatality1"].isna().sum() == (source["fatality1"] == -9).sum() == 16


def test_mid_disputes_minus_nine_as_na() -> None:
    disputes = tables("cow_peacesciencer")["cow_mid_disputes"]
    assert disputes[["outcome", "settle", "fatality"]].isna().sum().tolist() == [17, 21, 268]  # audit §8
    assert len(disputes) == 2436 and disputes["dispnum"].is_unique


def test_missing_to_na_replaces_only_the_codes() -> None:
    frame = pd.DataFrame({"a": [-9, 0, 3], "b": [-8, -1, 2], "name": ["x", "y", "z"]})
    out = cow.missing_to_na(frame)
    assert out["a"].isna().tolist() == [True, False, False]
    assert out["b"].tolist()[1:] == [-1, 2] and pd.isna(out["b"].iloc[0])
    assert out["name"].tolist() == ["x", "y", "z"]


def test_cow_states_has_one_row_per_membership_spell() -> None:
    states = tables("cow_peacesciencer")["cow_states"]
    assert len(states) == 243 and states.groupby("ccode")["stateabb"].nunique().max() == 1
    assert states.loc[states["ccode"] == cow.USA, ["styear", "endyear"]].iloc[0].tolist() == [1816, 2016]
