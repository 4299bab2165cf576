"""Build the embedded DuckDB store of tidy tables from the packaged raw data.

The store is a single DuckDB file in the cache folder (``$IRONRIVER_HOME`` or the platform's user cache),
named by a key that hashes the manifest's checksums and the source of every tidy function: change
either and the next query rebuilds it. A build writes to a temporary file and renames it into place,
so an interrupted build never leaves a half-written store, and concurrent readers see the old or the
new file, never a mix.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd
import platformdirs

from ironriver.data import manifest, raw
from ironriver.files import write_via_temporary
import ironriver.store.literature as literature_module
from ironriver.store.tidy import discover

ProgressCallback = Callable[[str, int, int], None]
"""Called as ``progress(step_name, steps_done, steps_total)`` while the store builds."""


def home() -> Path:
    """The folder for ironriver's cache: ``$IRONRIVER_HOME`` if set, else the user cache folder."""
    override = os.environ.get("IRONRIVER_HOME")
    path = Path(override) if override else Path(platformdirs.user_cache_dir("ironriver"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=1)
def store_key() -> str:
    """A hash of the data checksums, the tidy code and the literature tables: the store's identity.

    Computed once per process (every ``load`` asks for it, and the packaged data and code do not change
    under a running process).
    """
    digest = hashlib.sha256()
    for resource in manifest()["resources"]:
        digest.update(resource["sha256"].encode())
    for dataset, tidier in sorted(discover().items()):
        digest.update(dataset.encode())
        digest.update(inspect.getsource(inspect.getmodule(tidier.function)).encode())
    digest.update(inspect.getsource(literature_module).encode())
    for table in (literature_module.literature, literature_module.timeline):
        digest.update(pd.util.hash_pandas_object(table(), index=False).values.tobytes())
    return digest.hexdigest()[:16]


def store_path() -> Path:
    """Where the store for the current data and code lives (it may not exist yet)."""
    return home() / f"store-{store_key()}.duckdb"


def build_store(path: Path | None = None, progress: ProgressCallback | None = None) -> Path:
    """Run every tidy function and write the tables to a new DuckDB file at ``path``; return the path."""
    path = path or store_path()
    tidiers = discover()
    steps = list(tidiers.values())
    total = len(steps) + 1

    def build(temporary: Path) -> None:
        with duckdb.connect(str(temporary)) as connection:
            for done, tidier in enumerate(steps):
                if progress:
                    progress(tidier.dataset, done, total)
                tables = tidier.function(raw(tidier.dataset))
                missing = set(tidier.tables) - set(tables)
                if missing:
                    raise RuntimeError(f"tidy function for {tidier.dataset} did not return {sorted(missing)}")
                for name, frame in tables.items():
                    _write(connection, name, frame)
            if progress:
                progress("literature", len(steps), total)
            _write(connection, "literature", literature_module.literature())
            _write(connection, "timeline", literature_module.timeline())
            _write(connection, "store_tables", _catalogue(tidiers))

    write_via_temporary(path, build, force=True, create=False)  # DuckDB wants to create the file itself
    if progress:
        progress("done", total, total)
    return path


def _write(connection: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    connection.register("_frame", frame)
    connection.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _frame')
    connection.unregister("_frame")


def _catalogue(tidiers: dict) -> pd.DataFrame:
    rows = [(name, dataset, description) for dataset, tidier in tidiers.items()
            for name, description in tidier.tables.items()]
    rows += [("literature", "literature", "published figures transcribed from the literature, one row per source, each with its citation"),
             ("timeline", "literature", "dated events 1846–2025 with the kind of sovereignty each bears on")]
    return pd.DataFrame(rows, columns=["table", "dataset", "description"])
