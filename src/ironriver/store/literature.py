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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ironriver.data import read_table
from ironriver.errors import UnknownNameError

__all__ = [
    "LITERATURE_COLUMNS",
    "TIMELINE_COLUMNS",
    "SOURCE_KINDS",
    "CATEGORIES",
    "SOVEREIGNTY_KINDS",
    "STATES",
    "LiteratureFigure",
    "literature",
    "literature_value",
    "timeline",
    "validate_literature",
    "validate_timeline",
]

LITERATURE_COLUMNS: tuple[str, ...] = (
    "id", "quantity", "value", "low", "high", "unit", "period_start", "period_end", "period",
    "geography", "source", "source_kind", "section", "note",
)
TIMELINE_COLUMNS: tuple[str, ...] = (
    "id", "date", "end_date", "event", "category", "actor", "target", "sovereignty_kind",
    "state_affected", "source", "note",
)
SOURCE_KINDS: frozenset[str] = frozenset({"primary", "secondary", "derived"})
CATEGORIES: frozenset[str] = frozenset({
    "war", "incursion", "us_law", "us_regulation", "mx_law", "lawsuit", "ruling", "designation",
    "directive", "enforcement",
})
SOVEREIGNTY_KINDS: frozenset[str] = frozenset({"domestic", "interdependence", "westphalian", "international_legal"})
STATES: frozenset[str] = frozenset({"MEX", "USA"})

_NUMERIC = ("value", "low", "high")
_YEARS = ("period_start", "period_end")
_TEXT_REQUIRED_LIT = ("id", "quantity", "unit", "geography", "source", "source_kind", "section")
_TEXT_REQUIRED_TL = ("id", "date", "event", "category", "actor", "target", "sovereignty_kind", "state_affected",
                     "source")
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
    """Check a literature table against the schema and its invariants.

    Accepts the raw (all-text) table as read from CSV or the typed frame :func:`literature` returns.

    Parameters
    ----------
    df : pandas.DataFrame
        The table, with exactly the columns in :data:`LITERATURE_COLUMNS`.

    Raises
    ------
    ValueError
        With a one-line message naming the first problem found: wrong columns, empty or duplicate or
        non-snake_case ids, empty required fields, a ``source_kind`` outside {primary, secondary, derived}, a
        malformed ``section`` or ``quantity``, a non-numeric or missing ``value``, ``low > value`` or
        ``value > high``, non-integer years or ``period_start > period_end``, or a fraction outside [0, 1].
    """
    table = "literature"
    _check_columns(df, LITERATURE_COLUMNS, table)
    ids = _text(df["id"])
    _check_ids(ids, table)
    _check_required(df, _TEXT_REQUIRED_LIT, table)

    kinds = _text(df["source_kind"])
    bad = ~kinds.isin(SOURCE_KINDS)
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has source_kind '{kinds[bad].iloc[0]}' "
                     f"(allowed: {', '.join(sorted(SOURCE_KINDS))})")
    quantities = _text(df["quantity"])
    bad = ~quantities.map(lambda s: bool(_SNAKE.match(s)))
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has quantity '{quantities[bad].iloc[0]}', not snake_case")
    sections = _text(df["section"])
    bad = ~sections.map(lambda s: bool(_SECTION.match(s)))
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has section '{sections[bad].iloc[0]}' (expected like A1, B, I3)")

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
        bad = (text != "") & ~text.map(lambda s: bool(_ISO_DATE.match(s)))
        if bad.any():
            _fail(table, f"row '{ids[bad].iloc[0]}' has {col} '{text[bad].iloc[0]}', not YYYY-MM-DD")
        parsed = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
        bad = (text != "") & parsed.isna()
        if bad.any():
            _fail(table, f"row '{ids[bad].iloc[0]}' has {col} '{text[bad].iloc[0]}', not a valid date")
    if required and parsed.isna().any():
        _fail(table, f"row '{ids[parsed.isna()].iloc[0]}' has no {col}")
    return parsed


def validate_timeline(df: pd.DataFrame) -> None:
    """Check a timeline table against the schema and its invariants.

    Accepts the raw (all-text) table as read from CSV or the typed frame :func:`timeline` returns.

    Parameters
    ----------
    df : pandas.DataFrame
        The table, with exactly the columns in :data:`TIMELINE_COLUMNS`.

    Raises
    ------
    ValueError
        With a one-line message naming the first problem found: wrong columns, empty or duplicate or
        non-snake_case ids, empty required fields, a ``category``, ``sovereignty_kind`` or
        ``state_affected`` outside its vocabulary, a ``date`` or ``end_date`` that is not a valid
        ``YYYY-MM-DD`` date, or ``end_date`` before ``date``.
    """
    table = "timeline"
    _check_columns(df, TIMELINE_COLUMNS, table)
    ids = _text(df["id"])
    _check_ids(ids, table)
    _check_required(df, _TEXT_REQUIRED_TL, table)
    for col, allowed in (("category", CATEGORIES), ("sovereignty_kind", SOVEREIGNTY_KINDS),
                         ("state_affected", STATES)):
        values = _text(df[col])
        bad = ~values.isin(allowed)
        if bad.any():
            _fail(table, f"row '{ids[bad].iloc[0]}' has {col} '{values[bad].iloc[0]}' "
                         f"(allowed: {', '.join(sorted(allowed))})")
    start = _dates(df, "date", ids, table, required=True)
    end = _dates(df, "end_date", ids, table, required=False)
    bad = end.notna() & (end < start)
    if bad.any():
        _fail(table, f"row '{ids[bad].iloc[0]}' has end_date before date")


@lru_cache(maxsize=1)
def _literature_table() -> pd.DataFrame:
    raw = pd.read_csv(io.StringIO(_read_text("literature.csv")), dtype=str, keep_default_na=False)
    validate_literature(raw)
    df = raw.copy()
    for col in LITERATURE_COLUMNS:
        if col not in _NUMERIC + _YEARS:
            df[col] = _text(df[col])
    for col in _NUMERIC:
        df[col] = _numeric(raw, col, "literature")
    for col in _YEARS:
        df[col] = _numeric(raw, col, "literature").round().astype("Int64")
    return df


@lru_cache(maxsize=1)
def _timeline_table() -> pd.DataFrame:
    raw = pd.read_csv(io.StringIO(_read_text("timeline.csv")), dtype=str, keep_default_na=False)
    validate_timeline(raw)
    df = raw.copy()
    for col in TIMELINE_COLUMNS:
        df[col] = _text(df[col])
    for col in ("date", "end_date"):
        df[col] = pd.to_datetime(df[col].where(df[col] != ""), format="%Y-%m-%d")
    return df.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def literature(quantity: str | None = None) -> pd.DataFrame:
    """Return the literature table, optionally only the rows measuring one quantity.

    Parameters
    ----------
    quantity : str, optional
        A name from the ``quantity`` vocabulary (e.g. ``"guns_trafficked_us_to_mx_per_year"``). ``None``
        returns every row.

    Returns
    -------
    pandas.DataFrame
        One row per cited figure with the columns of :data:`LITERATURE_COLUMNS`; ``value``, ``low`` and
        ``high`` are float (NaN where not given), ``period_start`` and ``period_end`` are nullable ``Int64``,
        all other columns are strings (empty where not given). A fresh copy on every call.

    Raises
    ------
    UnknownNameError
        If ``quantity`` is not used by any row; the message names the closest matches.
    """
    df = _literature_table()
    if quantity is not None:
        known = sorted(df["quantity"].unique())
        if quantity not in known:
            raise _unknown("quantity", quantity, known)
        df = df[df["quantity"] == quantity]
    return df.reset_index(drop=True).copy()


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
        note=row["note"],
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
