"""The store stage: tidy tables of the whole public record in one embedded DuckDB database.

``load(table)`` returns a pandas DataFrame, ``sql(query)`` runs read-only SQL, ``tables()`` lists what
exists. The database is built on first use from the packaged data (see :mod:`ironriver.store.build`)
and opened read-only afterwards. Literature figures and the event timeline live here too
(:func:`literature`, :func:`timeline`). Imports only from :mod:`ironriver.data`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ironriver.errors import IronRiverError, UnknownNameError
from ironriver.store.build import ProgressCallback, build_store, store_path
from ironriver.store.literature import best_source, literature, literature_value, timeline

__all__ = ["load", "load_tables", "sql", "tables", "ensure_store", "literature", "literature_value", "timeline", "best_source"]


def ensure_store(progress: ProgressCallback | None = None) -> Path:
    """The path of an up-to-date store, building it first if it does not exist."""
    path = store_path()
    if not path.exists():
        build_store(path, progress=progress)
    return path


def _connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(ensure_store()), read_only=True)


def tables() -> pd.DataFrame:
    """The store's tables: ``table``, ``dataset`` it came from, ``description``, ``rows``."""
    with _connect() as connection:
        catalogue = connection.execute("SELECT * FROM store_tables ORDER BY dataset, \"table\"").df()
        catalogue["rows"] = [connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                             for t in catalogue["table"]]
    return catalogue


def load(table: str) -> pd.DataFrame:
    """One tidy table as a pandas DataFrame. Unknown names raise with the closest matches."""
    with _connect() as connection:
        known = [r[0] for r in connection.execute("SELECT \"table\" FROM store_tables").fetchall()]
        if table not in known:
            raise UnknownNameError("table", table, known)
        return connection.execute(f'SELECT * FROM "{table}"').df()


def load_tables(names: tuple[str, ...] | list[str]) -> dict[str, pd.DataFrame | None]:
    """Several tidy tables through one connection (None for a name not in the store)."""
    with _connect() as connection:
        known = {r[0] for r in connection.execute("SELECT \"table\" FROM store_tables").fetchall()}
        return {name: connection.execute(f'SELECT * FROM "{name}"').df() if name in known else None
                for name in names}


def sql(query: str) -> pd.DataFrame:
    """Run a read-only SQL query against the store and return the result."""
    with _connect() as connection:
        try:
            return connection.execute(query).df()
        except duckdb.Error as error:
            raise IronRiverError(f"SQL error: {str(error).splitlines()[0]}") from None
