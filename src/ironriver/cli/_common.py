"""Small pieces shared by the CLI modules: the Rich console, atomic writes, the store-building progress bar.

Every file the CLI writes goes through :func:`atomic_write`: the content is written to a temporary file
in the destination folder and renamed into place, so an interrupted command leaves either the old file
or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ironriver.errors import IronRiverError

console = Console()
errors = Console(stderr=True)


@contextlib.contextmanager
def atomic_write(path: Path, *, force: bool = False, binary: bool = False) -> Iterator[IO]:
    """Open a temporary file next to ``path``; on success rename it to ``path``, on failure delete it."""
    path = Path(path)
    if path.exists() and not force:
        raise IronRiverError(f"{path} exists; pass --force to overwrite it")
    if not path.parent.exists():
        raise IronRiverError(f"folder {path.parent} does not exist")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as stream:
            yield stream
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_via_temporary(path: Path, writer: Callable[[Path], None], *, force: bool = False) -> None:
    """Let ``writer`` write a temporary path (for libraries that want a file name), then rename it."""
    path = Path(path)
    if path.exists() and not force:
        raise IronRiverError(f"{path} exists; pass --force to overwrite it")
    if not path.parent.exists():
        raise IronRiverError(f"folder {path.parent} does not exist")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    try:
        writer(Path(temporary))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def ensure_store_with_progress() -> Path:
    """Build the store if needed, showing a progress bar on stderr; return its path."""
    from ironriver.store import ensure_store
    from ironriver.store.build import store_path

    path = store_path()
    if path.exists():
        return path
    with Progress(TextColumn("building store: {task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=errors, transient=True) as progress:
        task = progress.add_task("start", total=1)

        def report(step: str, done: int, total: int) -> None:
            progress.update(task, description=step, completed=done, total=total)

        return ensure_store(progress=report)
