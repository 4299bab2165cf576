"""Tidy the Correlates of War files (via peacesciencer): capabilities, the state list, disputes, USA–Mexico MIDs.

These feed the Westphalian column of the ledger: the power asymmetry (CINC) and the record of militarized
disputes between the two states. Missing values are coded two ways in the raw files — blanks in NMC, −9 in
the MID and GML files (audit §8) — and both become NA here before anyone sums them. NMC v7 extends the
series to 2022, but 2017 onwards is a different construction (world urban population jumps 2.34 → 3.33 bn,
US total population +4.2 % in one year; audit §0 #4): ``series_break`` marks those years so that trends
in CINC, ``tpop`` or ``upop`` are never read across 2016→2017. ``milper_repeated`` marks military personnel
values that repeat the state's previous year exactly — NMC fills gaps by carrying a value forward, so these are
not new measurements. Mexico's milper is the case in point: 277 thousand in 2016 (the NMC v6.0 value), the same 277
in 2017–2019, then 236 (2020) and 216 (2021–2022). No cited source in the literature table gives Mexico's military
personnel after 2016, so the 2020–2021 fall (−22 %) is uncorroborated; it follows the creation of the Guardia
Nacional, which the current text of Article 10 of the Mexican Constitution lists beside the Army, Navy and Air Force,
and may be a reclassification of personnel rather than a smaller force. Ratios per soldier after 2019 should show
both denominators (216–277 thousand) as a range, not the latest value alone.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.tidy import tidy_tables

MISSING_CODES: tuple[int, ...] = (-9, -8)
"""COW/GML codes for unknown (−9) and not applicable (−8); both become NA."""
FIRST_BREAK_YEAR = 2017
"""First NMC year built differently from 1816–2016 (audit §0 #4)."""
USA, MEX = 2, 70
"""COW country codes."""

_MID_COLUMNS: dict[str, str] = {
    "source": "str", "dispnum": "int64", "year": "int64", "ccode1": "int64", "ccode2": "int64",
    "hostlev1": "Int64", "hostlev2": "Int64", "hiact1": "Int64", "hiact2": "Int64",
    "fatality1": "Int64", "fatality2": "Int64", "orig1": "Int64", "orig2": "Int64",
    "sidea1": "Int64", "sidea2": "Int64", "fatalpre1": "Int64", "fatalpre2": "Int64",
    "onset": "Int64", "ongoing": "Int64",
    # dispute-level fields, repeated on every dyad-year of the dispute
    "styear": "Int64", "stmon": "Int64", "endmon": "Int64", "outcome": "Int64", "settle": "Int64",
    "fatality": "Int64", "fatalpre": "Int64", "mindur": "Int64", "maxdur": "Int64", "hiact": "Int64",
    "hostlev": "Int64", "recip": "Int64",
    # GML only
    "revstate1": "Int64", "revstate2": "Int64", "revtype11": "Int64", "revtype12": "Int64",
    "revtype21": "Int64", "revtype22": "Int64", "numa": "Int64", "numb": "Int64",
}

SCHEMAS: dict[str, dict[str, str]] = {
    "cow_nmc": {"ccode": "int64", "stateabb": "str", "year": "int64", "milex": "Int64", "milper": "Int64",
                "irst": "Int64", "pec": "Int64", "tpop": "Float64", "upop": "Float64", "cinc": "Float64",
                "series_break": "bool", "milper_repeated": "bool"},
    "cow_states": {"ccode": "int64", "stateabb": "str", "statenme": "str", "styear": "int64", "endyear": "int64"},
    "cow_mid_disputes": {"dispnum": "int64", "styear": "int64", "stmon": "Int64", "outcome": "Int64",
                         "settle": "Int64", "fatality": "Int64", "mindur": "Int64", "maxdur": "Int64",
                         "hiact": "Int64", "hostlev": "Int64", "recip": "Int64"},
    "usa_mex_mids": _MID_COLUMNS,
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def missing_to_na(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with COW's missing-value codes (−9 unknown, −8 not applicable) replaced by NA in numeric columns."""
    numeric = frame.select_dtypes("number").columns
    return frame.assign(**{c: frame[c].astype("Float64").mask(frame[c].isin(MISSING_CODES)) for c in numeric})


def cow_states(raw: RawDataset) -> pd.DataFrame:
    """COW state-system membership (2016): one row per spell of membership.

    Returns ``ccode`` (COW code), ``stateabb`` (3 letters), ``statenme``, ``styear``, ``endyear``.
    A state that left and re-entered the system (e.g. Cuba, Netherlands in WWII) has several rows.
    """
    return _conform(raw.csv("cow_states.csv").sort_values(["ccode", "styear"]), "cow_states")


def cow_nmc(raw: RawDataset) -> pd.DataFrame:
    """COW National Material Capabilities v7.0, state × year 1816–2022.

    Returns ``ccode``, ``stateabb``, ``year``, ``milex`` (military expenditure, thousands: £ 1816–1913,
    current US$ from 1914), ``milper`` (thousand personnel), ``irst`` (thousand tons iron and steel),
    ``pec`` (thousand coal-ton equivalents), ``tpop`` and ``upop`` (total / urban population, thousands),
    ``cinc`` (Composite Index of National Capability, share of the system total, 0–1) and ``series_break``
    (True from 2017: the extension years are not comparable with 1816–2016, audit §0 #4 — end trend
    series at 2016 or recompute CINC without tpop/upop) and ``milper_repeated`` (True where milper equals the
    state's value the year before: carried, not measured; same rule for every state). Blank cells are NA
    (milex 2,360 rows, …).
    CINC does not sum to exactly 1 per year. Raises :class:`IronRiverError` if a ccode has no state.
    """
    frame = raw.csv("cow_nmc.csv")
    abbreviations = raw.csv("cow_states.csv").drop_duplicates("ccode").set_index("ccode")["stateabb"]
    frame["stateabb"] = frame["ccode"].map(abbreviations)
    if frame["stateabb"].isna().any():
        missing = sorted(frame.loc[frame["stateabb"].isna(), "ccode"].unique())
        raise IronRiverError(f"cow_nmc.csv: ccode(s) {missing} not in cow_states.csv")
    frame["series_break"] = frame["year"] >= FIRST_BREAK_YEAR
    frame = frame.sort_values(["ccode", "year"])
    previous = frame.groupby("ccode")["milper"].shift()
    consecutive = frame.groupby("ccode")["year"].diff() == 1
    frame["milper_repeated"] = consecutive & frame["milper"].notna() & (frame["milper"] == previous)
    return _conform(frame, "cow_nmc")


def cow_mid_disputes(raw: RawDataset) -> pd.DataFrame:
    """Militarized Interstate Disputes v5.0, one row per dispute (all states), −9 -> NA.

    Returns ``dispnum``, ``styear``, ``stmon``, ``outcome``, ``settle``, ``fatality`` (fatality level
    0–6), ``mindur``/``maxdur`` (days), ``hiact`` (highest action), ``hostlev`` (hostility level 1–5), ``recip``.
    """
    return _conform(missing_to_na(raw.csv("cow_mid_disps.csv")).sort_values("dispnum"), "cow_mid_disputes")


def usa_mex_mids(raw: RawDataset) -> pd.DataFrame:
    """USA–Mexico militarized disputes as directed dyad-years from COW MID5 and from GML v2.2.1.

    Returns ``source`` ("cow" or "gml"), ``dispnum``, ``year``, ``ccode1``/``ccode2`` (2 = USA, 70 =
    Mexico; each dyad-year appears in both directions), the side-specific fields ``hostlev``, ``hiact``,
    ``fatality``, ``fatalpre``, ``orig``, ``sidea`` (1 = the state is on side A), ``onset``/``ongoing``
    (COW ``disponset``/``dispongoing``, GML ``midonset``/``midongoing``), the dispute-level fields repeated
    on each row, and GML's revision fields (NA for COW). −9 codes are NA. COW: 74 rows, 23 disputes,
    1836–1920; GML: 72 rows, 1835–1920 (GML has no ``styear``). Directed dyads are "naive": states on
    opposite sides of a multilateral dispute appear even if they never clashed directly.
    """
    frames = []
    for source, filename, renames in (
        ("cow", "usa_mex_cow_mid_dirdyad_years.csv", {"disponset": "onset", "dispongoing": "ongoing"}),
        ("gml", "usa_mex_gml_mid_dirdyad_years.csv", {"midonset": "onset", "midongoing": "ongoing"}),
    ):
        frame = missing_to_na(raw.csv(filename).rename(columns=renames))
        frame = frame.drop(columns=[c for c in frame.columns if c not in _MID_COLUMNS])
        frames.append(frame.assign(source=source).reindex(columns=list(_MID_COLUMNS)))
    tidy = pd.concat(frames, ignore_index=True)
    if not tidy[["ccode1", "ccode2"]].isin([USA, MEX]).all().all():
        raise IronRiverError("usa_mex_*_mid_dirdyad_years.csv: rows other than USA–Mexico dyads")
    return _conform(tidy.sort_values(["source", "year", "dispnum", "ccode1"]), "usa_mex_mids")


tidy_cow_peacesciencer = tidy_tables("cow_peacesciencer", {
    "cow_nmc": (
        cow_nmc,
        "COW National Material Capabilities v7 by ccode × year 1816–2022: milex (thousands; £ to 1913, US$ "
        "from 1914), milper (thousands), irst (thousand t), pec (thousand coal-t eq.), tpop/upop "
        "(thousands), cinc (share 0–1); series_break True from 2017 (not comparable with ≤2016)."),
    "cow_states": (
        cow_states,
        "COW state-system membership 2016: ccode, stateabb, statenme, styear, endyear (one row per spell)."),
    "cow_mid_disputes": (
        cow_mid_disputes,
        "COW MID v5.0 disputes (all states), one row per dispute; −9 codes as NA."),
    "usa_mex_mids": (
        usa_mex_mids,
        "USA–Mexico militarized disputes as directed dyad-years, source 'cow' (MID5, 1836–1920, 23 "
        "disputes) or 'gml' (Gibler–Miller–Little 2.2.1, 1835–1920); −9 codes as NA."),
})
