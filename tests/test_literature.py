"""Tests for the literature and timeline tables (ironriver.store.literature).

The expected numbers below are typed in from shared/reference/facts.md, independently of the CSVs, so a
transcription slip in either place fails a test.
"""

from __future__ import annotations

import io
import json
import os
import math
import re
import subprocess
import sys
from importlib.resources import files

import pandas as pd
import pytest

from ironriver.errors import IronRiverError, UnknownNameError
from ironriver.store.literature import (
    CATEGORIES,
    LITERATURE_COLUMNS,
    SOVEREIGNTY_KINDS,
    TIMELINE_COLUMNS,
    LiteratureFigure,
    literature,
    literature_value,
    timeline,
    validate_literature,
    validate_timeline,
)

LIT_DIR = files("ironriver.data") / "literature"


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO((LIT_DIR / name).read_text(encoding="utf-8")), dtype=str,
                       keep_default_na=False)


def _v(id_: str) -> float:
    return literature_value(id_).value


# ---------------------------------------------------------------- shipped tables are valid and typed

def test_shipped_csvs_have_exact_columns_and_validate() -> None:
    lit, tl = _raw("literature.csv"), _raw("timeline.csv")
    assert tuple(lit.columns) == LITERATURE_COLUMNS
    assert tuple(tl.columns) == TIMELINE_COLUMNS
    validate_literature(lit)
    validate_timeline(tl)
    # the typed frames the loaders return validate too
    validate_literature(literature())
    validate_timeline(timeline())


def test_literature_types() -> None:
    df = literature()
    assert len(df) > 300
    for col in ("value", "low", "high"):
        assert df[col].dtype == "float64"
    for col in ("period_start", "period_end"):
        assert str(df[col].dtype) == "Int64"
    assert df["value"].notna().all()
    assert df["id"].is_unique


def test_timeline_types_and_order() -> None:
    df = timeline()
    assert pd.api.types.is_datetime64_any_dtype(df["date"])
    assert pd.api.types.is_datetime64_any_dtype(df["end_date"])
    assert df["date"].is_monotonic_increasing
    assert df["id"].is_unique


def test_loaders_return_fresh_copies() -> None:
    a = literature()
    a.loc[0, "value"] = -1.0
    assert literature()["value"].iloc[0] != -1.0
    t = timeline()
    t.loc[0, "event"] = "mutated"
    assert timeline()["event"].iloc[0] != "mutated"


# ---------------------------------------------------------------- known figures reproduce facts.md

@pytest.mark.parametrize(
    ("id_", "value", "low", "high", "period"),
    [
        ("flow_mcdougal_jeg_2010_2012", 212887, 89816, 359205, (2010, 2012)),
        ("flow_mcdougal_wp_2010_2012", 253000, 106700, 426729, (2010, 2012)),
        ("share_us_sales_mcdougal_jeg_2010_2012", 0.022, 0.009, 0.037, (2010, 2012)),
        ("share_us_sales_mcdougal_wp_1993", 0.0175, 0.0066, 0.0315, (1993, 1993)),
        ("flow_mx_complaint_2021", 500000, 500000, None, (2021, 2021)),
        ("guns_seized_mx_annual_sas2013", 25000, 20000, 30000, (None, 2013)),
        ("cartel_members_mx_2022", 175000, 160000, 185000, (2022, 2022)),
        ("cartel_recruits_per_week_2022", 360, 350, 370, (2022, 2022)),
        ("cartel_territory_share_northcom_2021", 0.325, 0.30, 0.35, (2021, 2021)),
        ("no_check_share_recent_acquisitions_2015", 0.22, 0.16, 0.27, (2013, 2015)),
        ("no_check_share_private_unregulated_states_2015", 0.57, 0.40, 0.75, (2013, 2015)),
        ("awb_expiry_share_homicide_increase_chicoine", 0.164, 0.164, None, (2004, 2008)),
        ("traces_us_proven_mx_2022_2023", 18000, 18000, None, (2022, 2023)),
    ],
)
def test_known_figures(id_: str, value: float, low: float | None, high: float | None,
                       period: tuple[int | None, int | None]) -> None:
    fig = literature_value(id_)
    assert isinstance(fig, LiteratureFigure)
    assert fig.value == pytest.approx(value)
    assert fig.low == (None if low is None else pytest.approx(low))
    assert fig.high == (None if high is None else pytest.approx(high))
    assert (fig.period_start, fig.period_end) == period
    assert fig.source and fig.source_kind in {"primary", "secondary", "derived"}


def test_mcdougal_jeg_citation() -> None:
    fig = literature_value("flow_mcdougal_jeg_2010_2012")
    assert "10.1093/jeg/lbu021" in fig.source
    assert fig.unit == "guns/year"
    assert fig.source_kind == "primary"


def test_atf_2007_2011_yearly_traces_sum_to_published_totals() -> None:
    years = range(2007, 2012)
    submitted = [_v(f"traces_submitted_mx_{y}") for y in years]
    us = [_v(f"traces_us_sourced_mx_{y}") for y in years]
    assert submitted == [17352, 32111, 21555, 8338, 20335]
    assert us == [11842, 21035, 14376, 6404, 14504]
    assert sum(submitted) == _v("traces_submitted_mx_2007_2011") == 99691
    assert sum(us) == _v("traces_us_sourced_mx_2007_2011") == 68161
    # the other reported 2007 value does not add up: that is why it is a separate row
    alt = _v("traces_submitted_mx_2007_animal_politico")
    assert alt == 17372
    assert alt - 17352 + 99691 != _v("traces_submitted_mx_2007_2011")
    # the derived five-year share is the ratio of the two totals
    assert _v("share_traces_us_sourced_mx_2007_2011") == pytest.approx(68161 / 99691, abs=5e-4)
    assert _v("share_traces_us_sourced_mx_2011") == pytest.approx(14504 / 20335, abs=5e-4)


def test_multi_year_trace_aggregates() -> None:
    assert _v("traces_submitted_mx_2009_2014") == 104850
    assert _v("traces_us_sourced_mx_2009_2014") == 73684
    assert (_v("traces_us_sourced_mx_2009_2014") + _v("traces_foreign_sourced_mx_2009_2014")
            + _v("traces_origin_undetermined_mx_2009_2014")) == 104850
    assert _v("traces_us_sourced_mx_2017_2022") + _v("traces_non_us_mx_2017_2022") == 123741
    assert _v("traces_us_sourced_mx_2018_2023") + _v("traces_non_us_mx_2018_2023") == 136894
    assert _v("share_traces_us_sourced_mx_2018_2023") == pytest.approx(91896 / 136894, abs=5e-5)
    assert _v("trace_requests_mx_2022") / _v("trace_requests_mx_2017") == pytest.approx(
        1 + _v("trace_requests_mx_growth_2017_2022"), abs=0.005)
    states = {s: _v(f"source_state_traces_{s}_2022_2023") for s in ("tx", "az", "ca", "nm")}
    assert states == {"tx": 7825, "az": 3969, "ca": 1575, "nm": 492}
    assert sum(_v(f"source_state_share_{s}_2017_2023") for s in ("tx", "az", "ca")) == pytest.approx(0.74)


def test_seizure_and_stock_figures() -> None:
    assert _v("guns_seized_mx_sas_1994_2012") + _v("guns_forfeited_mx_sas_1994_2012") == _v(
        "guns_seized_or_forfeited_mx_sas_1994_2012") == 306354
    assert _v("long_guns_seized_mx_sas_1994_2012") + _v("handguns_seized_mx_sas_1994_2012") == 253239
    assert _v("civilian_firearms_mx_sas_2017") == 16809000
    assert _v("registered_firearms_mx_2017") == 3118592
    assert _v("share_civilian_firearms_unregistered_mx_derived_2017") == pytest.approx(
        1 - 3118592 / 16809000, abs=5e-4)
    assert _v("civilian_firearms_us_sas_2017") == 393347000
    assert _v("legal_sales_dcam_scmp_2018") == pytest.approx(38 * 365, rel=0.01)
    assert _v("flow_scmp_2018") == 580 * 365
    assert _v("legal_sales_dcam_2022") == 100 * 365


def test_homicides_series() -> None:
    expected = {1990: 14493, 2006: 10452, 2007: 8867, 2008: 14006, 2009: 19803, 2010: 25757, 2011: 27213,
                2012: 25967, 2013: 23063, 2014: 20010, 2015: 20762, 2018: 36685, 2020: 36773, 2022: 33287,
                2023: 32252, 2024: 33550}
    for year, n in expected.items():
        fig = literature_value(f"homicides_mx_inegi_{year}")
        assert (fig.value, fig.period_start, fig.period_end) == (n, year, year)
    prelim = {2012: 26037, 2016: 23953, 2017: 31174, 2019: 36476, 2021: 35625, 2022: 32223, 2023: 31062,
              2024: 33241}
    for year, n in prelim.items():
        assert _v(f"homicides_mx_inegi_{year}_prelim") == n
    assert _v("firearm_share_homicides_mx_2017") == 0.68
    assert _v("firearm_share_homicides_mx_2019") == 0.707
    assert _v("firearm_share_homicides_mx_2023_prelim") == 0.70
    assert _v("firearm_share_homicides_mx_2024_prelim") == 0.718


def test_cinc_and_ratios() -> None:
    cinc = {1846: (0.082757324, 0.017939458), 1914: (0.20636405, 0.0045623509),
            1916: (0.23293602, 0.0054274891), 2000: (0.14268766, 0.014036591),
            2016: (0.13305758, 0.014677403)}
    for year, (us, mx) in cinc.items():
        assert _v(f"cinc_usa_{year}") == pytest.approx(us, rel=1e-9)
        assert _v(f"cinc_mex_{year}") == pytest.approx(mx, rel=1e-9)
        ratio = literature_value(f"cinc_ratio_usa_mex_{year}")
        assert ratio.source_kind == "derived"
        assert ratio.value == pytest.approx(us / mx, rel=0.03)


def test_northbound_series() -> None:
    for fy, n in {2020: 458088, 2021: 1734686}.items():  # before the bundled SW-encounters file starts (FY2022)
        assert _v(f"swb_encounters_fy{fy}") == n
    assert _v("usbp_swb_apprehensions_fy2025") == 237565
    assert _v("usbp_swb_apprehensions_fy2025_pre_jan20") + _v("usbp_swb_apprehensions_fy2025_post_jan20") == 237565
    assert _v("fentanyl_seized_lbs_swb_fy2023") == 26718
    assert _v("fentanyl_seized_lbs_swb_fy2024") == 21148


DROPPED_REPEATS = {  # id -> the bundled store table that holds the same quantity and period
    "usbp_swb_apprehensions_fy2012": "usbp_encounters_annual", "usbp_swb_apprehensions_fy2021": "usbp_encounters_annual",
    "swb_encounters_fy2023": "swb_encounters", "fentanyl_seized_lbs_fy2022": "cbp_drug_seizures",
    "fentanyl_seized_lbs_fy2024": "cbp_drug_seizures_2023_2026", "land_ports_of_entry_aggregator": "",
}


def test_rows_that_only_repeat_a_bundled_dataset_are_gone() -> None:
    ids = set(literature()["id"])
    assert not set(DROPPED_REPEATS) & ids
    relays = literature()["source"].str.contains(r"truepundit|wifitalents|brighteon|feduppac|therightforums|weeklyblitz"
                                                 r"|Breitbart|o-abroad|threadsky")
    # what relays remain cover periods no bundled CBP table holds, or are still read by a model (notes say so)
    kept = literature()[relays]
    assert set(kept["id"]) <= {"swb_encounters_fy2020", "swb_encounters_fy2021", "usbp_recidivism_fy2021",
                               "usbp_recidivism_fy2023", "usbp_swb_apprehensions_fy2000",
                               "fentanyl_seized_lbs_swb_fy2023", "fentanyl_seized_lbs_swb_fy2024",
                               "share_crime_guns_us_origin_mx_complaint_2021"}
    for row_id in ("fentanyl_seized_lbs_swb_fy2023", "fentanyl_seized_lbs_swb_fy2024"):
        assert "supersede" in literature_value(row_id).note


def test_derived_rows_show_their_arithmetic() -> None:
    df = literature()
    derived = df[df["source_kind"] == "derived"]
    assert len(derived) >= 10
    for _, row in derived.iterrows():
        assert "DERIVED" in row["note"], row["id"]
        assert re.search(r"[×/−+]|\bx\b", row["note"]), row["id"]


def test_quantity_units_are_consistent_and_shares_are_fractions() -> None:
    df = literature()
    units = df.groupby("quantity")["unit"].nunique()
    assert (units == 1).all(), units[units > 1].index.tolist()
    shares = df[df["quantity"].str.contains(r"(?:^|_)share(?:_|$)")]
    assert set(shares["unit"]) == {"fraction"}
    fr = df[df["unit"] == "fraction"]
    for col in ("value", "low", "high"):
        s = fr[col].dropna()
        assert ((s >= 0) & (s <= 1)).all(), col


# ---------------------------------------------------------------- facts.md section I: disagreements kept

DISAGREEMENTS: dict[str, list[str]] = {
    "I1": ["flow_mcdougal_jeg_2010_2012", "flow_mcdougal_wp_2010_2012"],
    "I2": ["civilian_firearms_mx_sas_2017", "civilian_firearms_mx_gunpolicy_2017",
           "civilian_firearms_per_100_mx_sas_2017", "civilian_firearms_per_100_mx_gunpolicy_2017"],
    "I3": ["share_traces_us_sourced_gao_2004_2008", "share_traces_us_sourced_mx_2007_2011",
           "share_traces_us_sourced_mx_2009_2014", "share_traces_us_sourced_mx_2014_2018",
           "share_traces_us_sourced_mx_2017_2022", "share_traces_us_sourced_mx_2018_2023",
           "share_crime_guns_us_origin_mx_complaint_2021", "share_crime_guns_sold_retail_us_stratfor"],
    "I4": ["interdiction_share_mcdougal_fronteras", "interdiction_share_lawg"],
    "I5": ["straw_purchase_attempts_wintemute_2013", "straw_purchase_attempts_dealer_survey_2011"],
    "I6": ["traces_submitted_mx_2007", "traces_submitted_mx_2007_animal_politico"],
    "I7": ["traces_submitted_mx_2016", "traces_submitted_mx_2016_infowars", "traces_submitted_mx_2015"],
    "I8": ["share_traces_cartel_states_border_report_2021_2023", "share_traces_cartel_states_telediario_2022_2023"],
    "I9": ["punitive_expedition_troops_wikipedia_1916", "punitive_expedition_troops_whn_1916"],
    "I10": ["territory_ceded_share_55_1848", "territory_ceded_share_half_1848", "territory_ceded_share_35_1848"],
    "I13": ["legal_sales_dcam_avg_2006_2010", "legal_sales_dcam_tfb_2015", "legal_sales_dcam_siglo",
            "legal_sales_dcam_2017", "legal_sales_dcam_scmp_2018", "legal_sales_dcam_2022",
            "legal_acquirers_atlas_2009"],
    "I15": ["homicides_mx_inegi_2022", "homicides_mx_inegi_2022_prelim", "homicides_mx_inegi_2024",
            "homicides_mx_inegi_2024_prelim"],
    "I16": ["flow_mx_government_gao_2021", "flow_scmp_2018", "flow_imer", "flow_cesop_2014",
            "flow_mx_complaint_2021", "flow_mcdougal_wp_2010_2012", "flow_mcdougal_jeg_2010_2012"],
}


@pytest.mark.parametrize("item", sorted(DISAGREEMENTS, key=lambda s: int(s[1:])))
def test_numeric_disagreements_have_separate_rows(item: str) -> None:
    ids = DISAGREEMENTS[item]
    df = literature().set_index("id")
    assert len(ids) >= 2
    rows = df.loc[ids]  # KeyError if any row is missing
    # each side is its own source (or its own value)
    assert rows["source"].nunique() + rows["value"].nunique() > 2
    if item not in {"I7"}:  # I7 is about a label: both sources give 13,452
        assert rows["value"].nunique() >= 2
    # the rows of one disagreement measure the same thing
    assert rows["quantity"].nunique() <= 3
    cited = rows["note"].str.contains(rf"\b{item}\b") | rows["note"].str.contains("DERIVED")
    assert cited.sum() >= 2, f"{item}: notes should name the disagreement"


def test_i15_preliminary_below_definitive_by_1_to_4_percent() -> None:
    for year in (2012, 2022, 2023, 2024):
        prelim, final = _v(f"homicides_mx_inegi_{year}_prelim"), _v(f"homicides_mx_inegi_{year}")
        assert 0.0 < abs(final - prelim) / final < 0.04


def test_i17_outlier_is_not_transcribed() -> None:
    # facts.md I17: "2 millones 475 mil" is a misreading to ignore
    assert not (literature()["value"] == 2_475_000).any()


def test_timeline_date_disagreements_have_separate_rows() -> None:
    tl = timeline().set_index("id")
    # I11 Veracruz withdrawal: 23 Nov vs 14 Nov 1914
    assert tl.loc["veracruz_occupation_1914", "end_date"] == pd.Timestamp("1914-11-23")
    assert tl.loc["veracruz_withdrawal_1914_britannica", "date"] == pd.Timestamp("1914-11-14")
    # I12 AWB: passed 25 Aug vs 13 Sep 1994
    assert tl.loc["awb_passed_congress_1994", "date"] == pd.Timestamp("1994-08-25")
    assert tl.loc["awb_enacted_1994", "date"] == pd.Timestamp("1994-09-13")
    for id_ in ("veracruz_withdrawal_1914_britannica", "awb_passed_congress_1994"):
        assert re.search(r"\bI1[12]\b", tl.loc[id_, "note"])


# ---------------------------------------------------------------- timeline content

EXPECTED_EVENTS = {
    "thornton_affair_1846": "1846-04-25",
    "mx_us_war_declared_1846": "1846-05-13",
    "guadalupe_hidalgo_1848": "1848-02-02",
    "tampico_affair_1914": "1914-04-09",
    "veracruz_occupation_1914": "1914-04-21",
    "columbus_raid_1916": "1916-03-09",
    "punitive_expedition_1916": "1916-03-14",
    "lfafe_1972": "1972-01-11",
    "awb_enacted_1994": "1994-09-13",
    "ucam_decree_1995": "1995-04-11",
    "awb_expired_2004": "2004-09-13",
    "plcaa_2005": "2005-10-26",
    "multiple_rifle_letter_2011": "2011-07-12",
    "multiple_rifle_reporting_begins_2011": "2011-08-14",
    "operation_southbound_2020": "2020-04-01",
    "mexico_v_sw_filed_2021": "2021-08-04",
    "bsca_2022": "2022-06-25",
    "mexico_v_sw_dismissed_2022": "2022-09-30",
    "arizona_dealers_suit_2022": "2022-10-10",
    "first_circuit_2024": "2024-01-22",
    "eib_rule_signed_2024": "2024-04-10",
    "eib_rule_effective_2024": "2024-05-20",
    "cert_granted_2024": "2024-10-04",
    "eo_14157_2025": "2025-01-20",
    "fto_designation_2025": "2025-02-20",
    "scotus_argued_2025": "2025-03-04",
    "scotus_sw_2025": "2025-06-05",
    "force_directive_report_2025": "2025-08-08",
}


def test_expected_events_and_dates() -> None:
    tl = timeline().set_index("id")
    for id_, date in EXPECTED_EVENTS.items():
        assert tl.loc[id_, "date"] == pd.Timestamp(date), id_
    assert tl.loc["punitive_expedition_1916", "end_date"] == pd.Timestamp("1917-02-07")
    assert tl.loc["awb_enacted_1994", "end_date"] == pd.Timestamp("2004-09-13")
    assert "month" in tl.loc["operation_southbound_2020", "note"]


def test_every_event_between_1846_and_2025() -> None:
    tl = timeline()
    lo, hi = pd.Timestamp("1846-01-01"), pd.Timestamp("2025-12-31")
    assert ((tl["date"] >= lo) & (tl["date"] <= hi)).all()
    ends = tl["end_date"].dropna()
    assert ((ends >= lo) & (ends <= hi)).all()
    assert (tl["end_date"].isna() | (tl["end_date"] >= tl["date"])).all()
    # ids end in the event's year
    assert all(re.search(rf"_{d.year}(?:_[a-z]+)?$", i) for i, d in zip(tl["id"], tl["date"]))


def test_scotus_ruling_bears_on_mexico_legal_sovereignty() -> None:
    tl = timeline().set_index("id")
    row = tl.loc["scotus_sw_2025"]
    assert (row["category"], row["sovereignty_kind"], row["state_affected"]) == (
        "ruling", "international_legal", "MEX")
    assert "9–0" in row["event"]


def test_timeline_filters() -> None:
    west = timeline("westphalian")
    assert len(west) > 0 and set(west["sovereignty_kind"]) == {"westphalian"}
    assert {"veracruz_occupation_1914", "fto_designation_2025"} <= set(west["id"])
    rulings = timeline("ruling")
    assert set(rulings["category"]) == {"ruling"}
    assert "scotus_sw_2025" in set(rulings["id"])
    assert len(timeline()) == sum(len(timeline(k)) for k in SOVEREIGNTY_KINDS)
    with pytest.raises(UnknownNameError, match="westphalian"):
        timeline("westfalian")


def test_literature_filter() -> None:
    flows = literature("guns_trafficked_us_to_mx_per_year")
    assert set(flows["quantity"]) == {"guns_trafficked_us_to_mx_per_year"}
    assert {"flow_mcdougal_jeg_2010_2012", "flow_mx_government_gao_2021", "flow_cesop_2014"} <= set(flows["id"])
    with pytest.raises(UnknownNameError, match="guns_trafficked_us_to_mx_per_year"):
        literature("guns_trafficked_us_to_mx_per_yr")


# ---------------------------------------------------------------- errors

def test_unknown_id_names_close_matches() -> None:
    with pytest.raises(UnknownNameError) as info:
        literature_value("no_such")
    msg = str(info.value)
    assert msg.startswith("unknown literature id 'no_such'; did you mean: ")
    suggested = msg.split("did you mean: ")[1].rstrip("?").split(", ")
    assert suggested and set(suggested) <= set(literature()["id"])
    assert isinstance(info.value, IronRiverError)
    with pytest.raises(UnknownNameError, match="flow_mcdougal_jeg_2010_2012"):
        literature_value("flow_mcdougal_jeg_2010_2013")


# ---------------------------------------------------------------- validators reject bad frames

def _good_lit() -> pd.DataFrame:
    return literature().head(20).copy()


def _good_tl() -> pd.DataFrame:
    return timeline().head(10).copy()


def test_validators_accept_good_frames() -> None:
    validate_literature(_good_lit())
    validate_timeline(_good_tl())


def _bad_lit_cases() -> list[tuple[str, object]]:
    def dup(df: pd.DataFrame) -> None:
        df.loc[1, "id"] = df.loc[0, "id"]

    def low_above_value(df: pd.DataFrame) -> None:
        df.loc[0, "low"] = df.loc[0, "value"] + 1

    def value_above_high(df: pd.DataFrame) -> None:
        df.loc[0, "high"] = df.loc[0, "value"] - 1

    def bad_kind(df: pd.DataFrame) -> None:
        df.loc[0, "source_kind"] = "tertiary"

    def fraction_over_one(df: pd.DataFrame) -> None:
        df.loc[0, ["unit", "value", "low", "high"]] = ["fraction", 1.5, math.nan, math.nan]

    def years_reversed(df: pd.DataFrame) -> None:
        df.loc[0, ["period_start", "period_end"]] = [2012, 2010]

    def missing_column(df: pd.DataFrame) -> None:
        del df["note"]

    def empty_source(df: pd.DataFrame) -> None:
        df.loc[0, "source"] = ""

    def bad_section(df: pd.DataFrame) -> None:
        df.loc[0, "section"] = "Z9"

    return [("duplicate id", dup), ("low .* > value", low_above_value), ("> high", value_above_high),
            ("source_kind 'tertiary'", bad_kind), ("outside \\[0, 1\\]", fraction_over_one),
            ("period_start 2012 > period_end 2010", years_reversed), ("columns", missing_column),
            ("empty source", empty_source), ("section 'Z9'", bad_section)]


@pytest.mark.parametrize(("message", "mutate"), _bad_lit_cases(), ids=[c[0] for c in _bad_lit_cases()])
def test_validate_literature_rejects(message: str, mutate) -> None:  # noqa: ANN001
    df = _good_lit()
    mutate(df)
    with pytest.raises(ValueError, match=message) as info:
        validate_literature(df)
    assert "\n" not in str(info.value)


def test_validate_literature_rejects_raw_text_problems() -> None:
    raw = _raw("literature.csv").head(5).copy()
    validate_literature(raw)
    raw.loc[0, "value"] = "about 5"
    with pytest.raises(ValueError, match="non-numeric value"):
        validate_literature(raw)


def _bad_tl_cases() -> list[tuple[str, object]]:
    def dup(df: pd.DataFrame) -> None:
        df.loc[1, "id"] = df.loc[0, "id"]

    def bad_category(df: pd.DataFrame) -> None:
        df.loc[0, "category"] = "skirmish"

    def bad_kind(df: pd.DataFrame) -> None:
        df.loc[0, "sovereignty_kind"] = "popular"

    def bad_state(df: pd.DataFrame) -> None:
        df.loc[0, "state_affected"] = "CAN"

    def end_before_start(df: pd.DataFrame) -> None:
        df.loc[0, "end_date"] = df.loc[0, "date"] - pd.Timedelta(days=1)

    return [("duplicate id", dup), ("category 'skirmish'", bad_category), ("sovereignty_kind 'popular'", bad_kind),
            ("state_affected 'CAN'", bad_state), ("end_date before date", end_before_start)]


@pytest.mark.parametrize(("message", "mutate"), _bad_tl_cases(), ids=[c[0] for c in _bad_tl_cases()])
def test_validate_timeline_rejects(message: str, mutate) -> None:  # noqa: ANN001
    df = _good_tl()
    mutate(df)
    with pytest.raises(ValueError, match=message) as info:
        validate_timeline(df)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("date", "message"), [("1914-13-01", "not a valid date"), ("13 Sep 1994", "not YYYY-MM-DD"),
                                               ("", "empty date")])
def test_validate_timeline_rejects_bad_dates(date: str, message: str) -> None:
    raw = _raw("timeline.csv").head(5).copy()
    validate_timeline(raw)
    raw.loc[0, "date"] = date
    with pytest.raises(ValueError, match=message):
        validate_timeline(raw)


# ---------------------------------------------------------------- documentation covers the vocabularies

def test_readme_documents_every_quantity_and_category() -> None:
    readme = (LIT_DIR / "README.md").read_text(encoding="utf-8")
    for q in literature()["quantity"].unique():
        assert f"| `{q}` |" in readme, q
    for c in CATEGORIES:
        assert f"| `{c}` |" in readme, c
    for k in SOVEREIGNTY_KINDS:
        assert f"| `{k}` |" in readme, k


# ---------------------------------------------------------------- source quality and the rule for models


def test_every_row_is_graded_and_grades_follow_the_source() -> None:
    from ironriver.store.literature import QUALITY_GRADES

    df = literature()
    assert set(df["quality"]) <= set(QUALITY_GRADES) and (df["quality"] != "").all()
    grade = df.set_index("id")["quality"]
    assert grade["flow_mcdougal_jeg_2010_2012"] == "peer_reviewed"
    assert grade["flow_mcdougal_wp_2010_2012"] == "press"  # the working paper was not refereed (I1)
    assert grade["us_firearms_manufactured_2000"] == "official_statistic"
    assert grade["mx_states_with_etrace_2023"] == "official_statement"
    assert grade["traces_submitted_mx_2013"] == "advocacy_or_partisan"  # Infowars
    assert grade["swb_encounters_fy2020"] == "advocacy_or_partisan"  # brighteon
    assert grade["civilian_firearms_mx_sas_2017"] == "aggregator"  # read on Statista
    # a relay takes the lower grade: GAO figures read in a partisan reprint
    assert grade["share_traces_us_sourced_mx_2009_2014"] == "advocacy_or_partisan"
    assert literature_value("flow_mcdougal_jeg_2010_2012").quality == "peer_reviewed"


def test_literature_filters_by_grade() -> None:
    best = literature(min_quality="peer_reviewed")
    assert set(best["quality"]) == {"official_statistic", "peer_reviewed"}  # no court record is read directly
    assert len(literature(quality="aggregator")) + len(literature(min_quality="advocacy_or_partisan")) == len(
        literature())
    with pytest.raises(UnknownNameError, match="quality grade"):
        literature(quality="tabloid")


def test_best_source_prefers_the_higher_grade_and_defers_to_datasets() -> None:
    from ironriver.errors import IronRiverError
    from ironriver.store.literature import SupersededByDataset, best_source

    flows = best_source("guns_trafficked_us_to_mx_per_year", 2010, 2012)
    assert flows["id"].tolist() == ["flow_mcdougal_jeg_2010_2012"]  # not the 2013 working paper's 253,000
    with pytest.raises(SupersededByDataset, match="cbp_drug_seizures"):
        best_source("fentanyl_seized_lbs", 2024, geography="USA-SWB")
    with pytest.raises(SupersededByDataset, match="civilian_firearms_2017"):
        best_source("civilian_firearms_stock", 2017, geography="MEX")
    fy2000 = best_source("usbp_swb_apprehensions", 2000)  # the legacy level, not covered by the dataset
    assert fy2000["id"].tolist() == ["usbp_swb_apprehensions_fy2000"]
    with pytest.raises(IronRiverError, match="no literature row"):
        best_source("guns_trafficked_us_to_mx_per_year", 1950)


def test_gunpolicy_rows_carry_the_small_arms_survey_values_of_the_bundled_table() -> None:
    from ironriver.data import raw
    from ironriver.store.tidy.small_arms_survey import tidy_small_arms_survey_2017_civilian_firearms

    sas = next(iter(tidy_small_arms_survey_2017_civilian_firearms(
        raw("small_arms_survey_2017_civilian_firearms")).values()))
    mexico = sas[sas["country"] == "Mexico"].iloc[0]
    assert _v("civilian_firearms_mx_gunpolicy_2017") == mexico["firearms"] == 16_809_000
    assert _v("civilian_firearms_per_100_mx_gunpolicy_2017") == mexico["firearms_per_100"] == 12.9
    assert "1,680,900" in literature_value("civilian_firearms_mx_gunpolicy_2017").note


# ---------------------------------------------------------------- timeline coding rule


def test_every_event_is_read_for_both_states() -> None:
    from ironriver.store.literature import CODING_RULE

    tl = timeline().set_index("id")
    assert set(tl["reading_mex"]) <= {"against", "for", ""} and set(tl["reading_usa"]) <= {"against", "for", ""}
    for event in ("thornton_affair_1846", "mx_declares_war_1846", "tampico_affair_1914"):
        row = tl.loc[event]
        assert (row["actor"], row["target"], row["state_affected"], row["reading_usa"]) == (
            "MEX", "USA", "USA", "against"), event
    for event in ("mx_us_war_declared_1846", "veracruz_occupation_1914", "punitive_expedition_1916"):
        assert (tl.loc[event, "reading_mex"], tl.loc[event, "state_affected"]) == ("against", "MEX"), event
    assert "procedural" in CODING_RULE.lower() or "procedural step" in CODING_RULE


def test_certiorari_rules_on_nothing_and_the_remedy_is_denied_once() -> None:
    tl = timeline().set_index("id")
    for step in ("cert_granted_2024", "sw_cert_petition_2024", "scotus_argued_2025", "mexico_v_sw_filed_2021"):
        assert (tl.loc[step, "reading_mex"], tl.loc[step, "reading_usa"]) == ("", ""), step
        assert tl.loc[step, "category"] != "ruling", step
    assert tl.loc["first_circuit_2024", "reverses"] == "mexico_v_sw_dismissed_2022"
    assert tl.loc["scotus_sw_2025", "reverses"] == "first_circuit_2024"
    # in force against Mexico in each year = rulings read against it and not yet reversed
    reversed_in = {tl.loc[i, "reverses"]: tl.loc[i, "date"].year for i in tl.index if tl.loc[i, "reverses"]}
    suit = [i for i in tl.index if "sw" in i and tl.loc[i, "reading_mex"] == "against"]
    for year in (2022, 2023, 2024, 2025):
        live = [i for i in suit if tl.loc[i, "date"].year <= year and reversed_in.get(i, 9999) > year]
        assert len(live) == (0 if year == 2024 else 1), (year, live)


def test_mexico_v_united_states_disputes_are_coded() -> None:
    tl = timeline().set_index("id")
    expected = {"avena_icj_2004": ("2004-03-31", "for", "against", "USA"),
                "vccr_optional_protocol_withdrawal_2005": ("2005-03-07", "against", "for", "MEX"),
                "medellin_v_texas_2008": ("2008-03-25", "against", "for", "MEX")}
    for event, (date, mex, usa, affected) in expected.items():
        row = tl.loc[event]
        assert (row["date"], row["reading_mex"], row["reading_usa"], row["state_affected"]) == (
            pd.Timestamp(date), mex, usa, affected), event
        assert row["sovereignty_kind"] == "international_legal"
    assert "I.C.J. Reports 2004, p. 12" in tl.loc["avena_icj_2004", "source"]
    assert "552 U.S. 491" in tl.loc["medellin_v_texas_2008", "source"]


@pytest.mark.parametrize(("column", "value", "message"), [
    ("reading_mex", "maybe", "reading_mex 'maybe'"),
    ("state_affected", "USA", "readings point to MEX"),
    ("reverses", "no_such_ruling", "not an earlier ruling"),
])
def test_validate_timeline_rejects_bad_coding(column: str, value: str, message: str) -> None:
    raw = _raw("timeline.csv")
    row = raw.index[raw["id"] == "scotus_sw_2025"][0]
    raw.loc[row, column] = value
    with pytest.raises(ValueError, match=message):
        validate_timeline(raw)


# ---------------------------------------------------------------- shipped files cite primaries only


def test_shipped_data_files_name_no_internal_notes_or_machine_paths() -> None:
    from ironriver.data import package_root

    root = package_root()
    pending = [root]
    texts = 0
    while pending:
        for item in pending.pop().iterdir():
            if item.is_dir():
                pending.append(item)
            elif item.name.endswith((".csv", ".md", ".json")):
                text = item.read_text(encoding="utf-8", errors="replace")
                texts += 1
                assert "facts.md" not in text, item.name
                assert not re.search(r"(/work/|/home/|/Users/|/tmp/|[A-Z]:\\\\)", text), item.name
    assert texts > 20


# ---------------------------------------------------------------- the command line shows and cites the grades


def _cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ironriver", *arguments], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


def test_literature_command_shows_and_filters_grades() -> None:
    shown = _cli("literature", "--search", "mcdougal", "--json")
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert rows and all(row["quality"] for row in rows)
    assert {r["id"]: r["quality"] for r in rows}["flow_mcdougal_jeg_2010_2012"] == "peer_reviewed"
    best = json.loads(_cli("literature", "--min-quality", "peer_reviewed", "--json").stdout)
    assert {r["quality"] for r in best} <= {"official_statistic", "court_record", "peer_reviewed"}
    table = _cli("literature", "--search", "mcdougal_jeg")
    assert table.returncode == 0 and "peer_reviewed" in table.stdout
    bad = _cli("literature", "--quality", "tabloid")
    assert bad.returncode == 2 and "quality grade" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_literature_sources_cite_as_bibtex() -> None:
    bib = _cli("data", "cite", "literature", "--format", "bibtex")
    assert bib.returncode == 0, bib.stderr
    sources = literature()["source"].nunique()
    assert bib.stdout.count("@misc{lit_") >= sources and bib.stdout.count("{") == bib.stdout.count("}")
    assert "url = {https://secdev-foundation.org/" in bib.stdout
    only = _cli("literature", "--search", "flow_mcdougal_jeg", "--bibtex")
    assert only.stdout.count("@misc{") == 1 and "quality: peer\\_reviewed" in only.stdout
    by_table = _cli("data", "cite", "synthetic_opioid_deaths_annual")
    assert by_table.returncode == 0 and "National Center for Health Statistics" in by_table.stdout
    assert _cli("data", "cite", "timeline").returncode == 0
