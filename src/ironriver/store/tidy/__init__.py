"""Tidy functions: one per packaged dataset, each turning raw files into documented long tables.

A tidy function takes a :class:`~ironriver.data.RawDataset` and returns ``{table_name: DataFrame}``.
It is pure (reads only through ``raw``) so tests can feed it small fixture files. Each one handles its
dataset's known defects (see ``descr/<dataset>.md``, "Caveats found in audit") and drops subtotal rows.
Register with :func:`tidies`, or, where each table has a function of its own, declare the dataset's table of
(table name → builder, description) with :func:`tidy_tables`; the store discovers every module in this package.
"""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ironriver.data import RawDataset

TidyFunction = Callable[[RawDataset], dict[str, pd.DataFrame]]
TableBuilder = Callable[[RawDataset], pd.DataFrame]


@dataclass(frozen=True)
class Tidier:
    """A registered tidy function and the tables it promises, each with a one-line description."""

    dataset: str
    function: TidyFunction
    tables: dict[str, str]


REGISTRY: dict[str, Tidier] = {}


def tidies(dataset: str, tables: dict[str, str]) -> Callable[[TidyFunction], TidyFunction]:
    """Register ``function`` as the tidy function of ``dataset``, producing ``tables`` (name -> description)."""

    def register(function: TidyFunction) -> TidyFunction:
        REGISTRY[dataset] = Tidier(dataset, function, tables)
        return function

    return register


def tidy_tables(dataset: str, tables: dict[str, tuple[TableBuilder, str]]) -> TidyFunction:
    """Register and return the tidy function of ``dataset`` whose every table has a builder of its own.

    ``tables`` maps each table's name to (the function building it from the raw files, its one-line
    description). The tidy function belongs to the builders' module, so the store's cache key (the source of
    that module) changes whenever they do.
    """

    def tidy(raw: RawDataset) -> dict[str, pd.DataFrame]:
        return {name: build(raw) for name, (build, _) in tables.items()}

    tidy.__name__ = tidy.__qualname__ = f"tidy_{dataset}"
    tidy.__module__ = next(iter(tables.values()))[0].__module__
    tidy.__doc__ = f"Tidy ``{dataset}`` into {', '.join(f'``{name}``' for name in tables)}."
    return tidies(dataset, {name: description for name, (_, description) in tables.items()})(tidy)


def discover() -> dict[str, Tidier]:
    """Import every tidy module so that its functions register themselves; return the registry."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY


def conform(frame: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """Keep exactly the columns of ``schema`` (name -> dtype), in order, with those dtypes and a fresh index."""
    return frame[list(schema)].astype(schema).reset_index(drop=True)


LINEAGE_SCHEMA: dict[str, str] = {"source_file": "string", "source_line": "Int64"}
"""Columns a tidy table may carry to name, for each row, the raw file (relative to the installed data package,
e.g. ``raw/<dataset>/<file>.csv``) and the line in it that the row was read from. NA where a row is made from
several lines (a sum, a stacked aggregate); the dashboard's drill-down shows the raw line where there is one."""


def csv_records(raw: RawDataset, filename: str) -> list[tuple[int, list[str]]]:
    """Every non-blank record of ``filename``, header first, with the 1-based line it begins on. Blank lines
    are skipped as pandas skips them; a quoted cell spanning lines counts from its record's first line."""
    text = raw.read_bytes(filename).decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    records, previous = [], 0
    for record in reader:
        if any(cell.strip() for cell in record):
            records.append((previous + 1, record))
        previous = reader.line_num
    return records


def csv_lines(raw: RawDataset, filename: str) -> list[int]:
    """The 1-based line of ``filename`` on which each data row ``raw.csv(filename)`` reads begins (the header
    is line 1)."""
    return [line for line, _ in csv_records(raw, filename)[1:]]


def with_lines(frame: pd.DataFrame, raw: RawDataset, filename: str) -> pd.DataFrame:
    """``frame`` (as ``raw.csv(filename)`` read it, rows in file order) with :data:`LINEAGE_SCHEMA` columns."""
    lines = csv_lines(raw, filename)
    if len(lines) != len(frame):
        raise ValueError(f"{filename}: {len(lines)} data lines but {len(frame)} rows read; cannot carry lineage")
    return frame.assign(source_file=f"raw/{raw.name}/{filename}", source_line=pd.array(lines, dtype="Int64"))
