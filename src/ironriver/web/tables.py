"""The store as the web serves it: the catalogue computed once, and tables paged in SQL.

A table name from a request never reaches SQL unless it is in the catalogue (an allow-list read from
the store itself); limits and offsets are bound parameters. A page is ``SELECT * … LIMIT ? OFFSET ?``
in DuckDB, so a request for 100 rows of a large table reads 100 rows, not the table. The store is
opened read-only; each call opens its own connection (DuckDB connections are not shared across threads).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import duckdb
import pandas as pd

from ironriver.errors import UnknownNameError

__all__ = ["catalogue", "table_names", "page", "records", "MAX_ROWS"]

MAX_ROWS = 5_000
"""Largest number of rows one table request returns (the dashboard pages through a table)."""


def _connect() -> duckdb.DuckDBPyConnection:
    from ironriver.store import ensure_store

    return duckdb.connect(str(ensure_store()), read_only=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts, dates as ISO strings (``clean`` turns the rest JSON-safe)."""
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


@lru_cache(maxsize=1)
def catalogue() -> tuple[dict[str, Any], ...]:
    """The store's tables (``table``, ``dataset``, ``description``, ``rows``), counted once per process."""
    from ironriver.store import tables

    return tuple(tables().to_dict("records"))


def table_names() -> frozenset[str]:
    """The allow-list of table names a request may name."""
    return frozenset(entry["table"] for entry in catalogue())


def page(name: str, limit: int, offset: int) -> dict[str, Any]:
    """Rows ``offset … offset + limit`` of table ``name`` (in the store's row order) and its row count.

    Raises :class:`~ironriver.errors.UnknownNameError` (with the closest names) for a table not in the
    catalogue.
    """
    known = {entry["table"]: entry for entry in catalogue()}
    if name not in known:
        raise UnknownNameError("table", name, sorted(known))
    limit = max(1, min(int(limit), MAX_ROWS))
    offset = max(0, int(offset))
    quoted = '"' + name.replace('"', '""') + '"'  # name is from the allow-list; quoting is belt and braces
    with _connect() as connection:
        frame = connection.execute(f"SELECT * FROM {quoted} LIMIT ? OFFSET ?", [limit, offset]).df()
    return {"table": name, "rows": int(known[name]["rows"]), "offset": offset, "limit": limit,
            "records": records(frame)}
