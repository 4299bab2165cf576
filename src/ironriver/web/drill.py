"""Drill-down: a ledger cell → its indicators → the rows and figures behind one indicator-year.

An indicator's lineage line names where its value came from: store tables with filters (``store
mx_homicides source=valle_ssa 2000``), literature ids (``literature cartel_members_mx_2022``), timeline
events, models and assumptions. :func:`sources` reads those names out of the line and looks each one up:
a store reference becomes a query on that table (the table must be in the catalogue, every filter column
must be one of the table's columns, values are bound parameters) returning the matching rows with their
row number in the table, the dataset and its raw files, and, for tables that carry each row's source file
and line, that raw line with its values (:func:`raw_line`); a literature id becomes the cited figure with its
source, kind of source and quality grade (where the literature table has one); a timeline id the dated
event. Nothing a request sends is parsed here: the request names an indicator (checked against the run's
indicators) and a year, and the lineage text comes from the run.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import duckdb

from ironriver.errors import IronRiverError, UnknownNameError

__all__ = ["cell_indicators", "sources", "store_references", "check_indicator", "raw_line", "MAX_SOURCE_ROWS"]

MAX_SOURCE_ROWS = 50
"""Rows returned per store reference (a reference that matches more says how many it matched)."""
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_TOKENS = re.compile(r"[a-z_][a-z0-9_]*='[^']*'|[^\s,()]+")
_YEAR = re.compile(r"\b(?:FY)?((?:19|20)\d\d)\b")


def cell_indicators(blocks: list[dict[str, Any]], state: str, kind: str, year: int,
                    used: str | None) -> list[dict[str, Any]]:
    """The indicators of one ledger cell in one year: threat, value, unit, transform, lineage and status
    (``observed``, ``partial``, ``forecast``, ``carried`` or ``missing``).

    ``used`` is the cell's comma-separated list of indicators (from the ledger row); for "overall" it spans
    the kinds compared that year.
    """
    names = {n.strip() for n in (used or "").split(",") if n.strip()}
    out = []
    for block in blocks:
        if block["state"] != state or (kind != "overall" and block["kind"] != kind):
            continue
        if kind == "overall" and block["id"] not in names:
            continue
        value = next((v for v in block["values"] if v["year"] == year), None)
        out.append({"id": block["id"], "title": block["title"], "kind": block["kind"], "unit": block["unit"],
                    "formula": block["formula"], "transform": block["transform"], "reference": block["reference"],
                    "sources": block["sources"], "used": block["id"] in names,
                    **({"value": value["value"], "low90": value["low90"], "high90": value["high90"],
                        "threat": value["threat"], "threat_low90": value["threat_low90"],
                        "threat_high90": value["threat_high90"], "lineage": value["lineage"]["value"],
                        "status": value["status"]}
                       if value else {"value": None, "threat": None, "lineage": "no value this year (missing)",
                                      "status": "missing"})})
    return out


def _connect() -> duckdb.DuckDBPyConnection:
    from ironriver.store import ensure_store

    return duckdb.connect(str(ensure_store()), read_only=True)


@lru_cache(maxsize=128)
def _columns(table: str) -> tuple[str, ...]:
    with _connect() as connection:
        return tuple(r[0] for r in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall())


@lru_cache(maxsize=1)
def _dataset_files() -> dict[str, list[str]]:
    from ironriver.data import manifest

    files: dict[str, list[str]] = {}
    for resource in manifest()["resources"]:
        files.setdefault(resource["dataset"], []).append(resource.get("source_path") or resource["path"])
    return files


def _filters(tokens: list[str], columns: tuple[str, ...]) -> list[tuple[str, str]]:
    """``column=value``, ``column='value'`` and ``column value`` pairs among ``tokens`` (columns only)."""
    pairs, i = [], 0
    while i < len(tokens):
        token = tokens[i]
        name, equals, value = token.partition("=")
        if equals and name in columns:
            pairs.append((name, value.strip("'")))
        elif token in columns and i + 1 < len(tokens) and tokens[i + 1] not in columns and "=" not in tokens[i + 1]:
            pairs.append((token, tokens[i + 1]))
            i += 1
        i += 1
    return [(n, v) for n, v in pairs if n not in ("year", "fiscal_year")]


def store_references(lineage: str, catalogue: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The store tables a lineage line names, each with its filters and year, checked against the catalogue.

    The line is cut at its operators (÷, ×, −, ;). A piece that starts with a known table name (after an
    optional "store") opens a reference; a piece without one adds its filters to the reference before it
    ("ccode 2 ÷ ccode 70" is one table, two values). Filters are ``column=value``, ``column='value'`` or
    ``column value`` where ``column`` is one of the table's columns; what follows a colon describes the value
    and is not read. A reference with no year of its own takes the line's first year.
    """
    refs: list[dict[str, Any]] = []
    line_year = _YEAR.search(lineage.split(":")[0])
    for piece in re.split(r"[÷×;]| − ", lineage):
        words = piece.split(":")[0].split()
        if words and words[0] == "store":
            words = words[1:]
        if words and words[0] in catalogue and words[0] not in ("literature", "timeline"):
            columns = _columns(words[0])
            year_column = next((c for c in ("year", "fiscal_year") if c in columns), None)
            refs.append({"table": words[0], "columns": columns, "filters": {}, "year_column": year_column,
                         "year": None})
            words = words[1:]
        elif not refs or "literature" in words[:1] or "model" in words[:1]:
            continue
        ref = refs[-1]
        text = " ".join(words)
        for name, value in _filters(_TOKENS.findall(text), ref["columns"]):
            ref["filters"].setdefault(name, []).append(value)
        year = _YEAR.search(text)
        if year and ref["year_column"] and ref["year"] is None:
            ref["year"] = int(year.group(1))
    for ref in refs:
        if ref["year"] is None and ref["year_column"] and line_year:
            ref["year"] = int(line_year.group(1))
        del ref["columns"]
    return refs


def _store_rows(spec: dict[str, Any], catalogue: dict[str, dict[str, Any]]) -> dict[str, Any]:
    where, params = [], []
    for column, values in spec["filters"].items():
        where.append(f'lower(CAST("{column}" AS VARCHAR)) IN ({", ".join(["lower(?)"] * len(values))})')
        params += values
    if spec["year"] is not None:
        where.append(f'"{spec["year_column"]}" = ?')
        params.append(spec["year"])
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    table = spec["table"]
    with _connect() as connection:
        count = connection.execute(f'SELECT count(*) FROM "{table}"{clause}', params).fetchone()[0]
        frame = connection.execute(f'SELECT rowid AS "row", * FROM "{table}"{clause} ORDER BY rowid LIMIT ?',
                                   [*params, MAX_SOURCE_ROWS]).df()
    dataset = catalogue[table]["dataset"]
    from ironriver.web.tables import records

    rows = records(frame)
    for row in rows:  # tables that carry lineage to the raw file (store.tidy.LINEAGE_SCHEMA): the line itself
        if row.get("source_file") and row.get("source_line") is not None:
            row["raw"] = raw_line(row["source_file"], int(row["source_line"]))
    return {"type": "store", "table": table, "dataset": dataset, "files": _dataset_files().get(dataset, []),
            "filters": spec["filters"], "year": spec["year"], "matched": int(count), "rows": rows}


@lru_cache(maxsize=16)
def _raw_records(source_file: str) -> tuple[list[str], dict[int, list[str]]]:
    """The header and the records (by the line each begins on) of a packaged raw CSV file."""
    from ironriver.data import manifest, raw
    from ironriver.store.tidy import csv_records

    known = {r["path"]: r["dataset"] for r in manifest()["resources"]}
    if source_file not in known:  # the name comes from the store, but only packaged files are ever opened
        raise UnknownNameError("raw file", source_file, sorted(known))
    records = csv_records(raw(known[source_file]), source_file.rsplit("/", 1)[1])
    return (records[0][1] if records else []), dict(records[1:])


def raw_line(source_file: str, line: int) -> dict[str, Any]:
    """The raw file's line ``line`` as the file has it: file (relative to the data package), line number and the
    values under the file's own header."""
    header, by_line = _raw_records(source_file)
    record = by_line.get(line)
    if record is None:
        raise IronRiverError(f"{source_file} has no data line {line}")
    return {"file": source_file, "line": line, "values": dict(zip(header, record))}


def sources(lineage: str, catalogue: dict[str, dict[str, Any]], literature: Any, timeline: Any) -> list[dict[str, Any]]:
    """Everything ``lineage`` names, looked up: store rows, cited figures, timeline events, models, assumptions."""
    if not isinstance(lineage, str):
        raise IronRiverError("no lineage to follow")
    found: list[dict[str, Any]] = []
    for spec in store_references(lineage, catalogue):
        found.append(_store_rows(spec, catalogue))
    tokens = set(_TOKEN.findall(lineage))
    prefixes = {p for p in re.findall(r"([a-z][a-z0-9_]+)\*", lineage)}
    ids = set(literature["id"])
    cited = sorted((tokens & ids) | {i for i in ids for p in prefixes if i.startswith(p)})
    wanted = [c for c in literature.columns if c in ("id", "quantity", "value", "low", "high", "unit", "period",
                                                     "geography", "source", "source_kind", "quality", "note")]
    from ironriver.web.tables import records

    for row in records(literature[literature["id"].isin(cited)][wanted].copy()):
        found.append({"type": "literature", **row})
    events = timeline[timeline["id"].isin(tokens)]
    for row in records(events.copy()):
        found.append({"type": "timeline", **row})
    for model in ("iron_river", "spillover", "simulate"):
        if f"model {model}" in lineage:
            found.append({"type": "model", "model": model, "note": f"posterior draws of the {model} model "
                                                                   f"(see its chart); not a raw row"})
    for name in sorted(set(re.findall(r"assumption ([a-z_]+)", lineage))):
        found.append({"type": "assumption", "id": name})
    return found


def check_indicator(blocks: list[dict[str, Any]], indicator: str) -> dict[str, Any]:
    """The indicator block named ``indicator`` (an allow-list check; unknown names raise with close matches)."""
    for block in blocks:
        if block["id"] == indicator:
            return block
    raise UnknownNameError("indicator", indicator, [b["id"] for b in blocks])
