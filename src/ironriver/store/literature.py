"""The literature and timeline tables: cited figures and dated events, shipped with the package.

Two hand-transcribed tables sit beside the raw data snapshots, in ``ironriver/data/literature/``.
``literature.csv`` holds every number the project takes from published sources (flow estimates, ATF trace
counts, seizures, stocks, homicides, cartel size, power ratios, border flows), one row per figure per source,
with its interval, period, geography, full citation and whether it was read in the primary document, quoted by a
secondary outlet, or derived by stated arithmetic. ``timeline.csv`` holds the dated events (wars, incursions,
laws, rulings, designations, directives) each tagged with the kind of sovereignty it bears on and whose.
Both are read from the installed package through :func:`ironriver.data.read_table` (never by a path relative to
the repository), refused if their sha256 differs from the data manifest, parsed once, validated and returned as
fresh typed DataFrames.
The column meanings and controlled vocabularies are documented in ``data/literature/README.md``.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ironriver.data import read_table
from ironriver.errors import IronRiverError, UnknownNameError

__all__ = [
    "LITERATURE_COLUMNS",
    "TIMELINE_COLUMNS",
    "SOURCE_KINDS",
    "CATEGORIES",
    "SOVEREIGNTY_KINDS",
    "STATES",
    "QUALITY_GRADES",
    "LiteratureFigure",
    "SupersededByDataset",
    "best_source",
    "literature",
    "literature_value",
    "timeline",
    "validate_literature",
    "validate_timeline",
]

LITERATURE_COLUMNS: tuple[str, ...] = (
    "id", "quantity", "value", "low", "high", "unit", "period_start", "period_end", "period",
    "geography", "source", "source_kind", "quality", "section", "note",
)
TIMELINE_COLUMNS: tuple[str, ...] = (
    "id", "date", "end_date", "event", "category", "actor", "target", "sovereignty_kind",
    "state_affected", "reading_mex", "reading_usa", "reverses", "source", "note",
)
SOURCE_KINDS: frozenset[str] = frozenset({"primary", "secondary", "derived"})
QUALITY_GRADES: tuple[str, ...] = (
    "official_statistic", "court_record", "peer_reviewed", "official_statement", "press", "advocacy_or_partisan",
    "aggregator",
)
"""Source quality grades, best first (the rule is in ``data/literature/README.md``, "Source quality"): the grade
of the document a figure was read in; a figure relayed through another outlet takes the lower of the two grades,
while a verbatim copy of a document keeps the document's grade."""
CATEGORIES: frozenset[str] = frozenset({
    "war", "incursion", "us_law", "us_regulation", "mx_law", "lawsuit", "ruling", "designation",
    "directive", "enforcement", "withdrawal",
})
READINGS: frozenset[str] = frozenset({"against", "for", ""})
"""Values of ``reading_mex`` / ``reading_usa``: the event read from that state's side (see :data:`CODING_RULE`)."""
CODING_RULE = (
    "Each event is coded once for each state, by the same rule. Its reading for a state is 'against' when, seen "
    "from that state's side, the event uses or threatens force against the state's forces, territory or nationals; "
    "takes territory or authority from it; aims the other state's force, designations or directives at actors on "
    "its territory; loosens a control on what crosses into it (guns south, drugs north); denies it a legal remedy it "
    "sought, shields the other side from its remedies, or binds it to a forum or ruling it rejects. The reading is "
    "'for' when the event grants the state a remedy it sought, reverses a ruling against it, ends a constraint on it, "
    "or is the state's own act, or the other state's, tightening control over what crosses into it. The reading is "
    "empty when the event does not bear on the state, or is a procedural step that rules on nothing (a filing, a "
    "petition, a grant of certiorari, an argument, one chamber's vote, a signature or ratification before entry "
    "into force, the alternative date of an event already listed): an act counts once, when final. A ruling "
    "reversed by a higher court names it in the reverser's 'reverses' column and reads against the state only until "
    "the reversal. 'state_affected' is the state the event reads against; if against neither, the state it reads "
    "for; for procedural steps, the state whose case or territory it concerns. Actor and target are who acted and on "
    "whom, as the cited account tells it."
)
"""The timeline coding rule, stated once for both states (shown by the report; documented in the data README)."""
SOVEREIGNTY_KINDS: frozenset[str] = frozenset({"domestic", "interdependence", "westphalian", "international_legal"})
STATES: frozenset[str] = frozenset({"MEX", "USA"})

_NUMERIC = ("value", "low", "high")
_YEARS = ("period_start", "period_end")
_TEXT_REQUIRED_LIT = ("id", "quantity", "unit", "geography", "source", "source_kind", "quality", "section")
_TEXT_REQUIRED_TL = ("id", "date", "event", "category", "actor", "target", "sovereignty_kind", "state_affected",
                     "source")
_STATE_READINGS = {"MEX": "reading_mex", "USA": "reading_usa"}
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTION = re.compile(r"^[A-I][0-9]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class LiteratureFigure:
    """One cited figure from the literature table.

    Attributes
    ----------
    id : str
        Stable snake_case identifier of the row.
    quantity : str
        Controlled-vocabulary name of what is measured (see the data README).
    value : float
        The published point value (or the midpoint of a published range, or a lower bound; see ``note``).
    low, high : float or None
        Published interval or range bounds; ``None`` where not given.
    unit : str
        Unit of ``value``, ``low`` and ``high`` (shares are fractions in [0, 1]).
    period_start, period_end : int or None
        First and last year covered (fiscal years for FY figures); ``None`` where the source gives none.
    source : str
        Full citation.
    source_kind : str
        ``primary``, ``secondary`` or ``derived``.
    quality : str
        The source's grade, one of :data:`QUALITY_GRADES` (best first).
    note : str
        Caveats, verbatim wording, disagreements with other rows.
    """

    id: str
    quantity: str
    value: float
    low: float | None
    high: float | None
    unit: str
    period_start: int | None
    period_end: int | None
    source: str
    source_kind: str
    quality: str
    note: str


def _unknown(kind: str, name: str, choices: Iterable[str]) -> UnknownNameError:
    """Build an :class:`UnknownNameError` that always suggests something.

    The error's own difflib cutoff finds nothing for a short guess against long ids (``'no_such'`` vs
    ``'no_check_share_recent_acquisitions_2015'``); then fall back to the names sharing the longest leading run
    of snake_case tokens with the guess, ranked by difflib similarity.
    """
    choices = sorted(set(choices))
    err = UnknownNameError(kind, name, choices)
    if err.close_matches:
        return err
    tokens = str(name).split("_")
    pool: list[str] = []
    for k in range(len(tokens), 0, -1):
        prefix = "_".join(tokens[:k])
        pool = [c for c in choices if c == prefix or c.startswith(prefix + "_")]
        if pool:
            break
    close = difflib.get_close_matches(str(name), pool or choices, n=3, cutoff=0.0)
    if close:
        err.args = (f"unknown {kind} '{name}'; did you mean: {', '.join(close)}?",)
        err.close_matches = close
    return err


def _read_text(name: str) -> str:
    """The shipped table ``literature/<name>``, checked against the manifest's sha256 before it is parsed."""
    return read_table(f"literature/{name}").decode("utf-8")


def _fail(table: str, message: str) -> None:
    raise ValueError(f"{table} table: {message}")


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _check_columns(df: pd.DataFrame, expected: tuple[str, ...], table: str) -> None:
    missing = [c for c in expected if c not in df.columns]
    extra = [c for c in df.columns if c not in expected]
    if missing or extra:
        _fail(table, f"columns differ from the schema (missing: {missing or 'none'}; unexpected: {extra or 'none'})")


def _check_ids(ids: pd.Series, table: str) -> None:
    blank = ids == ""
    if blank.any():
        _fail(table, f"{int(blank.sum())} row(s) with an empty id")
    bad = ids[~ids.map(lambda s: bool(_SNAKE.match(s)))]
    if len(bad):
        _fail(table, f"id '{bad.iloc[0]}' is not snake_case")
    dup = ids[ids.duplicated()]
    if len(dup):
        _fail(table, f"duplicate id '{dup.iloc[0]}'")


def _check_required(df: pd.DataFrame, cols: tuple[str, ...], table: str) -> None:
    for col in cols:
        empty = _text(df[col]) == ""
        if empty.any():
            row_id = _text(df["id"])[empty].iloc[0]
            _fail(table, f"row '{row_id}' has an empty {col}")


def _check_vocabulary(df: pd.DataFrame, ids: pd.Series, vocabularies: dict[str, Sequence[str]], table: str) -> None:
    """Each column of ``vocabularies`` holds only its allowed values (named in the message in the order given)."""
    for col, allowed in vocabularies.items():
        values = _text(df[col])
        bad = ~values.isin(allowed)
        if bad.any():
            _fail(table, f"row '{ids[bad].iloc[0]}' has {col} '{values[bad].iloc[0]}' (allowed: {', '.join(allowed)})")


def _check_pattern(values: pd.Series, ids: pd.Series, col: str, pattern: re.Pattern, hint: str, table: str) -> None:
    """Every non-empty value of column ``col`` matches ``pattern``; ``hint`` ends the message (what was expected)."""
    bad = (values != "") & ~values.map(lambda s: bool(pattern.match(s)))
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has {col} '{values[bad].iloc[0]}'{hint}")


def _check_table(df: pd.DataFrame, columns: tuple[str, ...], required: tuple[str, ...],
                 vocabularies: dict[str, Sequence[str]], table: str) -> pd.Series:
    """The checks every shipped table shares, in order: exactly the schema's ``columns``; non-empty, unique,
    snake_case ids; no empty ``required`` field; each column of ``vocabularies`` inside its vocabulary.
    Returns the ids."""
    _check_columns(df, columns, table)
    ids = _text(df["id"])
    _check_ids(ids, table)
    _check_required(df, required, table)
    _check_vocabulary(df, ids, vocabularies, table)
    return ids


def _numeric(df: pd.DataFrame, col: str, table: str) -> pd.Series:
    """Parse a column to float, failing on any non-empty cell that is not a number."""
    raw = df[col]
    if pd.api.types.is_numeric_dtype(raw):
        return raw.astype("float64")
    text = _text(raw)
    parsed = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (text != "") & parsed.isna()
    if bad.any():
        row_id = _text(df["id"])[bad].iloc[0]
        _fail(table, f"row '{row_id}' has a non-numeric {col} '{text[bad].iloc[0]}'")
    return parsed.astype("float64")


def validate_literature(df: pd.DataFrame) -> None:
    """Check a literature table — the raw (all-text) one read from CSV, or the typed frame :func:`literature`
    returns — against :data:`LITERATURE_COLUMNS` and its invariants.

    Raises ``ValueError`` with a one-line message naming the first problem found: one of the checks every table
    shares (:func:`_check_table`; here a ``source_kind`` outside {primary, secondary, derived} or a ``quality``
    outside :data:`QUALITY_GRADES`), a malformed ``section`` or ``quantity``, a non-numeric or missing ``value``,
    ``low > value`` or ``value > high``, non-integer years or ``period_start > period_end``, or a fraction
    outside [0, 1].
    """
    table = "literature"
    ids = _check_table(df, LITERATURE_COLUMNS, _TEXT_REQUIRED_LIT,
                       {"source_kind": sorted(SOURCE_KINDS), "quality": QUALITY_GRADES}, table)
    _check_pattern(_text(df["quantity"]), ids, "quantity", _SNAKE, ", not snake_case", table)
    _check_pattern(_text(df["section"]), ids, "section", _SECTION, " (expected like A1, B, I3)", table)

    value, low, high = (_numeric(df, c, table) for c in _NUMERIC)
    if value.isna().any():
        _fail(table, f"row '{ids[value.isna()].iloc[0]}' has no value")
    bad = low.notna() & (low > value)
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has low {low[bad].iloc[0]:g} > value {value[bad].iloc[0]:g}")
    bad = high.notna() & (value > high)
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has value {value[bad].iloc[0]:g} > high {high[bad].iloc[0]:g}")

    start, end = (_numeric(df, c, table) for c in _YEARS)
    for col, years in (("period_start", start), ("period_end", end)):
        bad = years.notna() & (years != years.round())
        if bad.any():
            _fail(table, f"row '{ids[bad].iloc[0]}' has a non-integer {col} {years[bad].iloc[0]:g}")
    bad = start.notna() & end.notna() & (start > end)
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has period_start {start[bad].iloc[0]:g} > period_end "
                     f"{end[bad].iloc[0]:g}")

    fraction = _text(df["unit"]) == "fraction"
    for col, series in (("value", value), ("low", low), ("high", high)):
        bad = fraction & series.notna() & ((series < 0) | (series > 1))
        if bad.any():
            _fail(table, f"row '{ids[bad].iloc[0]}' is a fraction with {col} {series[bad].iloc[0]:g} "
                         f"outside [0, 1]")


def _dates(df: pd.DataFrame, col: str, ids: pd.Series, table: str, required: bool) -> pd.Series:
    raw = df[col]
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
    else:
        text = _text(raw)
        _check_pattern(text, ids, col, _ISO_DATE, ", not YYYY-MM-DD", table)
        parsed = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
        bad = (text != "") & parsed.isna()
        if bad.any():
            _fail(table, f"row '{ids[bad].iloc[0]}' has {col} '{text[bad].iloc[0]}', not a valid date")
    if required and parsed.isna().any():
        _fail(table, f"row '{ids[parsed.isna()].iloc[0]}' has no {col}")
    return parsed


def validate_timeline(df: pd.DataFrame) -> None:
    """Check a timeline table — the raw (all-text) one read from CSV, or the typed frame :func:`timeline`
    returns — against :data:`TIMELINE_COLUMNS` and its invariants.

    Raises ``ValueError`` with a one-line message naming the first problem found: one of the checks every table
    shares (:func:`_check_table`; here a ``category``, ``sovereignty_kind`` or ``state_affected`` outside its
    vocabulary), a ``date`` or ``end_date`` that is not a valid ``YYYY-MM-DD`` date, ``end_date`` before
    ``date``, a reading outside {against, for, empty}, a ``state_affected`` that contradicts the readings
    (:data:`CODING_RULE`), or a ``reverses`` that does not name an earlier ruling.
    """
    table = "timeline"
    ids = _check_table(df, TIMELINE_COLUMNS, _TEXT_REQUIRED_TL,
                       {col: sorted(allowed) for col, allowed in (("category", CATEGORIES),
                                                                  ("sovereignty_kind", SOVEREIGNTY_KINDS),
                                                                  ("state_affected", STATES))}, table)
    start = _dates(df, "date", ids, table, required=True)
    end = _dates(df, "end_date", ids, table, required=False)
    bad = end.notna() & (end < start)
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has end_date before date")
    _check_readings(df, ids, start, table)


def _expected_state(readings: dict[str, str]) -> str:
    """The state an event's readings point to: the one it reads against, else the one it reads for, else ""."""
    for reading in ("against", "for"):
        states = [state for state, value in readings.items() if value == reading]
        if states:
            return states[0] if len(states) == 1 else ""
    return ""


def _check_readings(df: pd.DataFrame, ids: pd.Series, start: pd.Series, table: str) -> None:
    """Readings in the vocabulary, ``state_affected`` consistent with them, ``reverses`` naming an earlier ruling."""
    readings = {state: _text(df[column]) for state, column in _STATE_READINGS.items()}
    for state, values in readings.items():
        bad = ~values.isin(READINGS)
        if bad.any():
            _fail(table, f"row '{ids[bad].iloc[0]}' has {_STATE_READINGS[state]} '{values[bad].iloc[0]}' "
                         f"(allowed: against, for, or empty)")
    for row_id, affected, *row in zip(ids, _text(df["state_affected"]), *readings.values()):
        expected = _expected_state(dict(zip(readings, row)))
        if expected and affected != expected:
            _fail(table, f"row '{row_id}' has state_affected '{affected}' but its readings point to {expected}")
    reverses = _text(df["reverses"])
    known = dict(zip(ids, start))
    categories = dict(zip(ids, _text(df["category"])))
    for row_id, target, when in zip(ids, reverses, start):
        if target and (target not in known or categories[target] != "ruling" or known[target] >= when):
            _fail(table, f"row '{row_id}' reverses '{target}', which is not an earlier ruling in the table")


def _read_validated(name: str, validate: Callable[[pd.DataFrame], None]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shipped table ``literature/<name>`` as read (all text) once ``validate`` passes it, and a copy with every
    cell stripped (the typed readers below convert their numeric and date columns from that)."""
    raw = pd.read_csv(io.StringIO(_read_text(name)), dtype=str, keep_default_na=False)
    validate(raw)
    df = raw.copy()
    for col in df.columns:
        df[col] = _text(df[col])
    return raw, df


@lru_cache(maxsize=1)
def _literature_table() -> pd.DataFrame:
    raw, df = _read_validated("literature.csv", validate_literature)
    for col in _NUMERIC:
        df[col] = _numeric(raw, col, "literature")
    for col in _YEARS:
        df[col] = _numeric(raw, col, "literature").round().astype("Int64")
    return df


@lru_cache(maxsize=1)
def _timeline_table() -> pd.DataFrame:
    _, df = _read_validated("timeline.csv", validate_timeline)
    for col in ("date", "end_date"):
        df[col] = pd.to_datetime(df[col].where(df[col] != ""), format="%Y-%m-%d")
    return df.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def literature(quantity: str | None = None, quality: str | None = None,
               min_quality: str | None = None) -> pd.DataFrame:
    """Return the literature table, optionally only one quantity and only sources of a given grade.

    Parameters
    ----------
    quantity : str, optional
        A name from the ``quantity`` vocabulary (e.g. ``"guns_trafficked_us_to_mx_per_year"``). ``None``
        returns every row.
    quality : str, optional
        Keep only rows of this grade (one of :data:`QUALITY_GRADES`).
    min_quality : str, optional
        Keep only rows of this grade or a better one (e.g. ``"peer_reviewed"`` keeps official statistics, court
        records and peer-reviewed sources).

    Returns
    -------
    pandas.DataFrame
        One row per cited figure with the columns of :data:`LITERATURE_COLUMNS`; ``value``, ``low`` and
        ``high`` are float (NaN where not given), ``period_start`` and ``period_end`` are nullable ``Int64``,
        all other columns are strings (empty where not given). A fresh copy on every call.

    Raises
    ------
    UnknownNameError
        If ``quantity`` is not used by any row, or a grade is not one of :data:`QUALITY_GRADES`; the message
        names the closest matches.
    """
    df = _literature_table()
    if quantity is not None:
        known = sorted(df["quantity"].unique())
        if quantity not in known:
            raise _unknown("quantity", quantity, known)
        df = df[df["quantity"] == quantity]
    for grade in (quality, min_quality):
        if grade is not None and grade not in QUALITY_GRADES:
            raise UnknownNameError("quality grade", grade, QUALITY_GRADES)
    if quality is not None:
        df = df[df["quality"] == quality]
    if min_quality is not None:
        df = df[df["quality"].map(QUALITY_GRADES.index) <= QUALITY_GRADES.index(min_quality)]
    return df.reset_index(drop=True).copy()


class SupersededByDataset(IronRiverError):
    """A bundled dataset covers the quantity and period asked of the literature: read the dataset instead."""


DATASET_COVERAGE: dict[str, tuple[str, str, int, int]] = {
    "usbp_swb_apprehensions": ("usbp_encounters_annual", "USA-SWB", 2001, 2024),
    "swb_encounters": ("swb_encounters", "USA-SWB", 2022, 2024),
    "fentanyl_seized_lbs": ("cbp_drug_seizures, cbp_drug_seizures_2023_2026", "", 2019, 2025),
    "civilian_firearms_stock": ("civilian_firearms_2017", "", 2017, 2017),
    "civilian_firearms_per_100": ("civilian_firearms_2017", "", 2017, 2017),
}
"""Quantity -> (bundled store table, geography it covers or "" for any, first and last whole year): periods where
a dataset supersedes every literature row of the quantity. FY2000 USBP apprehensions are not covered: the bundled
FY2000 level sits ~4.7 % below the legacy series the literature quotes (see the tidy CBP docstrings)."""


def best_source(quantity: str, period_start: int, period_end: int | None = None,
                geography: str | None = None) -> pd.DataFrame:
    """The literature rows a model may use for ``quantity`` over ``period_start``–``period_end``: those of the
    best grade present among rows covering the whole period (and ``geography``, if given).

    The rule: a model never uses a figure from a lower grade where a higher-grade source covers the same quantity
    and period, and never a literature figure where a bundled dataset covers it (:data:`DATASET_COVERAGE`). Several
    rows are returned when sources of the same grade disagree — show them all, or combine them, but do not pick
    the convenient one. Raises :class:`SupersededByDataset` (naming the table) when a dataset covers the period,
    :class:`~ironriver.errors.UnknownNameError` for an unknown quantity, and
    :class:`~ironriver.errors.IronRiverError` when no row covers the period.
    """
    period_end = period_start if period_end is None else period_end
    covered = DATASET_COVERAGE.get(quantity)
    if covered is not None:
        table, place, first, last = covered
        if first <= period_start and period_end <= last and (not place or geography in (None, place)):
            raise SupersededByDataset(f"{quantity} {period_start}–{period_end} is covered by the bundled table "
                                      f"{table}: use it, not the literature")
    rows = literature(quantity)
    rows = rows[(rows["period_start"] <= period_start) & (rows["period_end"] >= period_end)].dropna(
        subset=["period_start", "period_end"])
    if geography is not None:
        rows = rows[rows["geography"] == geography]
    if rows.empty:
        where = f" in {geography}" if geography else ""
        raise IronRiverError(f"no literature row covers {quantity}{where} over {period_start}–{period_end}")
    best = min(rows["quality"], key=QUALITY_GRADES.index)
    return rows[rows["quality"] == best].reset_index(drop=True)


def literature_value(id: str) -> LiteratureFigure:  # noqa: A002 - the column is called id
    """Return one figure of the literature table by its id.

    Parameters
    ----------
    id : str
        The row's ``id``, e.g. ``"flow_mcdougal_jeg_2010_2012"``.

    Returns
    -------
    LiteratureFigure
        The figure with its interval, unit, period, citation and note; missing bounds and years are ``None``.

    Raises
    ------
    UnknownNameError
        If no row has this id; the message names the closest ids.
    """
    df = _literature_table()
    hit = df[df["id"] == id]
    if hit.empty:
        raise _unknown("literature id", id, df["id"])
    row = hit.iloc[0]

    def opt_float(v: object) -> float | None:
        return None if pd.isna(v) else float(v)  # type: ignore[arg-type]

    def opt_int(v: object) -> int | None:
        return None if pd.isna(v) else int(v)  # type: ignore[call-overload]

    return LiteratureFigure(
        id=row["id"], quantity=row["quantity"], value=float(row["value"]), low=opt_float(row["low"]),
        high=opt_float(row["high"]), unit=row["unit"], period_start=opt_int(row["period_start"]),
        period_end=opt_int(row["period_end"]), source=row["source"], source_kind=row["source_kind"],
        quality=row["quality"], note=row["note"],
    )


def timeline(kind: str | None = None) -> pd.DataFrame:
    """Return the dated events, oldest first, optionally filtered by kind.

    Parameters
    ----------
    kind : str, optional
        A Krasner sovereignty kind (``domestic``, ``interdependence``, ``westphalian``,
        ``international_legal``) to keep the events bearing on it, or an event ``category`` (``war``,
        ``incursion``, ``us_law``, ``us_regulation``, ``mx_law``, ``lawsuit``, ``ruling``, ``designation``,
        ``directive``, ``enforcement``) to keep that category. The two vocabularies do not overlap.
        ``None`` returns every event.

    Returns
    -------
    pandas.DataFrame
        One row per event with the columns of :data:`TIMELINE_COLUMNS`; ``date`` and ``end_date`` are
        ``datetime64`` (``end_date`` NaT for instants), the rest strings. A fresh copy on every call.

    Raises
    ------
    UnknownNameError
        If ``kind`` is neither a sovereignty kind nor a category; the message names the closest matches.
    """
    df = _timeline_table()
    if kind is not None:
        if kind in SOVEREIGNTY_KINDS:
            df = df[df["sovereignty_kind"] == kind]
        elif kind in CATEGORIES:
            df = df[df["category"] == kind]
        else:
            raise _unknown("timeline kind", kind, SOVEREIGNTY_KINDS | CATEGORIES)
    return df.reset_index(drop=True).copy()
