"""International and geographic tidy functions (Small Arms Survey 2017/2007, state boundaries), and the contract.

Expected values are the data audit's checks (``shared/reference/data-audit.md`` §0 #5, #7 and §§14–16)
and hand computations on the small files in ``tests/fixtures/us``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ironriver.data import RawDataset, raw
from ironriver.errors import IronRiverError
from ironriver.store import literature_value
from ironriver.store.names import MX_STATES, US_STATES
from ironriver.store.tidy import (atf, cbp, cow, discover, geo, nics, overdose, small_arms_survey, tx_border_crime,
                                  tx_crossings, us_population)

FIXTURES = Path(__file__).parent / "fixtures" / "us"
MY_MODULES = (nics, atf, us_population, cow, cbp, tx_crossings, small_arms_survey, geo, overdose, tx_border_crime)


def sas2017() -> pd.DataFrame:
    table = small_arms_survey.civilian_firearms_2017(raw("small_arms_survey_2017_civilian_firearms"))
    return table.set_index("country")


def sas2007() -> pd.DataFrame:
    table = small_arms_survey.civilian_firearms_2007(raw("small_arms_survey_2007_civilian_firearms"))
    return table.set_index("country")


# ---------------------------------------------------------------------------------- Small Arms Survey


def test_sas_2017_usa_and_mexico() -> None:
    table = sas2017()
    for country, code in (("United States of America", "us"), ("Mexico", "mx")):
        assert table.loc[country, "firearms"] == literature_value(f"civilian_firearms_{code}_sas_2017").value
        per_100 = literature_value(f"civilian_firearms_per_100_{code}_sas_2017").value
        assert table.loc[country, "firearms_per_100"] == per_100


def test_sas_2017_mac_roman_names_and_row_count() -> None:
    table = sas2017()
    assert len(table) == 229  # audit §14 (the descr's 228 is wrong)
    names = set(table.index)
    assert {"Côte d'Ivoire (Ivory Coast)", "Curaçao", "Réunion", "São Tomé and Principe"} <= names
    assert not any("\x99" in n or "\x8d" in n for n in names)


def test_sas_2017_taiwan_rate_is_na_with_a_note() -> None:
    table = sas2017()
    assert pd.isna(table.loc["Taiwan (Rep. of China)", "firearms_per_100"])
    assert "<0.1" in table.loc["Taiwan (Rep. of China)", "note"]
    assert table["firearms_per_100"].isna().sum() == 1 and table["note"].notna().sum() == 1


def test_sas_2017_subnational_rows_and_inconsistent_rates() -> None:
    table = sas2017()
    assert table["part_of"].dropna().to_dict() == {
        "England and Wales": "United Kingdom", "Northern Ireland": "United Kingdom", "Puntland": "Somalia",
        "Scotland": "United Kingdom", "Somaliland": "Somalia"}
    assert set(table.index[table["rate_inconsistent"]]) == {"United Kingdom", "Saudi Arabia"}  # audit §14


def test_sas_2017_fixture_mac_roman_bytes() -> None:
    table = small_arms_survey.civilian_firearms_2017(
        RawDataset("small_arms_survey_2017_civilian_firearms", FIXTURES / "small_arms_survey_2017_civilian_firearms"))
    assert table["country"].tolist() == ["Côte d'Ivoire (Ivory Coast)", "Curaçao", "Taiwan (Rep. of China)",
                                         "Scotland", "Atlantis"]
    assert table["rate_inconsistent"].tolist() == [False, False, False, False, True]  # 50 per 100 listed as 20
    assert table["part_of"].isna().tolist() == [True, True, True, False, True]
    assert table["firearms_per_100"].isna().tolist() == [False, False, True, False, False]


def test_sas_2007_usa_and_mexico() -> None:
    table = sas2007()
    usa, mexico = table.loc["United States of America"], table.loc["Mexico"]
    # audit §15: Small Arms Survey 2007 annexe values
    assert (usa["firearms_total_avg"], usa["firearms_per_100"]) == (270_000_000, 88.8)
    assert (usa["firearms_total_low"], usa["firearms_total_high"]) == (250_000_000, 290_000_000)
    assert (mexico["firearms_total_avg"], mexico["firearms_per_100"], mexico["registered"]) == (
        15_500_000, 15.0, 4_490_000)
    assert not usa["population_misaligned"] and not mexico["population_misaligned"]


def test_sas_2007_population_misalignment_flag() -> None:
    table = sas2007()
    flagged = set(table.index[table["population_misaligned"]])
    assert len(flagged) == 25  # audit §0 #5
    assert {"Egypt", "Bolivia", "Syria", "Turkmenistan", "Qatar", "Djibouti", "Saudi Arabia"} <= flagged
    recomputed = table["firearms_total_avg"] / table["population_2005"] * 100
    assert ((recomputed - table["firearms_per_100"]).abs() > 0.5).sum() == 25
    assert len(table) == 178 and {"Luxembourg", "Madagascar", "Democratic Republic of Congo"} <= set(table.index)


# ------------------------------------------------------------------------------------------------ geo


def _rings(geometry: dict) -> list[list]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def test_geo_states_codes_and_names() -> None:
    states = geo.geo_states(raw("geo_boundaries"))
    us, mx = states[states["country"] == "USA"], states[states["country"] == "MEX"]
    assert set(mx["state_code"]) == set(MX_STATES) and len(mx) == 32
    expected_us = {u for u, f, _ in US_STATES if int(f) <= 56} | {"PR", "VI"}
    assert set(us["state_code"]) == expected_us and len(us) == 53
    names = dict(zip(states["state_code"], states["state_name"]))
    assert names["09"] == "Ciudad de México" and names["30"] == "Veracruz" and names["CA"] == "California"


def test_geo_every_ring_is_valid_and_louisiana_is_cleaned() -> None:
    states = geo.geo_states(raw("geo_boundaries"))
    for geometry in states["geometry"].map(json.loads):
        assert all(len(ring) >= 4 and ring[0] == ring[-1] for ring in _rings(geometry))
    source = raw("geo_boundaries").json(geo.US_FILE)
    louisiana = next(f["geometry"] for f in source["features"] if int(f["id"]) == 22)
    cleaned = json.loads(states.set_index("state_code").loc["LA", "geometry"])
    degenerate = [ring for ring in _rings(louisiana) if len(ring) < 4]
    assert len(degenerate) == 4 and len(_rings(cleaned)) == len(_rings(louisiana)) - 4


def test_clean_geometry_by_hand() -> None:
    square = [[0, 0], [1, 0], [1, 1], [0, 0]]
    sliver = [[5, 5], [6, 5], [5, 5]]
    unclosed_hole = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.3, 0.3]]
    cleaned = geo.clean_geometry({"type": "MultiPolygon", "coordinates": [[square, unclosed_hole], [sliver]]})
    assert cleaned == {"type": "MultiPolygon", "coordinates": [[square]]}
    assert geo.clean_geometry({"type": "Polygon", "coordinates": [square]})["type"] == "Polygon"
    with pytest.raises(IronRiverError):
        geo.clean_geometry({"type": "Polygon", "coordinates": [sliver]})
    with pytest.raises(IronRiverError):
        geo.clean_geometry({"type": "Point", "coordinates": [0, 0]})


# ---------------------------------------------------------------------------------------- the contract

DATASETS = {
    "nics_firearm_background_checks": {"nics_checks"},
    "atf_trace_us_source_recovery_state_2010_2020": {"atf_traces_us", "us_state_population_atf"},
    "atf_ffl_and_commerce": {"ffl_licences_2016", "us_firearms_manufactured", "us_firearms_exported",
                             "us_firearms_imported", "us_ffl_totals"},
    "us_population": {"us_population"},
    "cow_peacesciencer": {"cow_nmc", "cow_states", "cow_mid_disputes", "usa_mex_mids"},
    "cbp_border_encounters": {"usbp_encounters_monthly", "usbp_encounters_sector", "usbp_encounters_citizenship",
                              "usbp_encounters_family_status", "usbp_encounters_annual", "swb_encounters"},
    "cbp_drug_seizures_fy2019_fy2023": {"cbp_drug_seizures"},
    "cbp_drug_seizures_fy2023_fy2026": {"cbp_drug_seizures_2023_2026", "amo_drug_seizures"},
    "us_overdose_deaths_cdc": {"synthetic_opioid_deaths_12m", "synthetic_opioid_deaths_annual",
                               "synthetic_opioid_deaths_wonder_monthly", "overdose_deaths_state_annual",
                               "overdose_death_rates_national"},
    "tx_border_crime_dps_2017_2023": {"tx_border_crime"},
    "tx_mx_northbound_border_crossings": {"tx_crossings", "tx_crossings_coordinates"},
    "small_arms_survey_2017_civilian_firearms": {"civilian_firearms_2017"},
    "small_arms_survey_2007_civilian_firearms": {"civilian_firearms_2007"},
    "geo_boundaries": {"geo_states"},
}


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_each_dataset_returns_its_promised_tables_with_their_dtypes(dataset: str) -> None:
    tidier = discover()[dataset]
    assert set(tidier.tables) == DATASETS[dataset]
    schemas = {name: schema for module in MY_MODULES for name, schema in module.SCHEMAS.items()}
    out = tidier.function(raw(dataset))
    assert set(out) == DATASETS[dataset]
    for name, frame in out.items():
        assert list(frame.columns) == list(schemas[name]), name
        assert [str(t) for t in frame.dtypes] == [str(pd.Series(dtype=t).dtype) for t in schemas[name].values()]
        assert len(frame) > 0 and frame.index.equals(pd.RangeIndex(len(frame)))
        us_columns = [c for c in ("state", "source_state", "sector_state") if c in frame.columns]
        for column in us_columns:
            assert frame[column].dropna().str.fullmatch(r"[A-Z]{2}").all()


def test_nas_and_flags_survive_the_store() -> None:
    from ironriver.store import load

    crossings = load("tx_crossings")
    assert crossings["crossings"].isna().sum() == 34
    assert crossings["flag"].value_counts().to_dict() == {"copied_month": 32, "copied_row": 27, "implausible_value": 2}
    family = load("usbp_encounters_family_status")
    assert family.loc[family["fiscal_year"] < 2008, "encounters"].isna().sum() == 8 * 12 * 3 * 2
    checks = load("nics_checks")
    assert checks["permit_recheck"].isna().sum() == 11_385 and checks["state"].str.len().eq(2).all()
