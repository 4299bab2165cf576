"""Writing files atomically: the one way the package writes a file, below every stage.

Every file ironriver writes — the HTML report, data exports, sweep tables, plots, the store and the on-disk
caches — goes through :func:`atomic_write` or :func:`write_via_temporary`: the content is written to a temporary
file in the destination folder and renamed into place, so an interrupted command leaves either the old file or
the new one, never half of one. The finished file gets the ordinary permissions of the user's umask (the
temporary file is private while it is being written). Imports nothing from any stage, so any stage may use it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from ironriver.errors import IronRiverError

__all__ = ["atomic_write", "write_via_temporary"]


def _check_destination(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise IronRiverError(f"{path} exists; pass --force to overwrite it")
    if not path.parent.exists():
        raise IronRiverError(f"folder {path.parent} does not exist")


def _publish(temporary: str, path: Path) -> None:
    """Give the temporary file the umask's permissions (mkstemp makes it private) and rename it to ``path``."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    os.replace(temporary, path)


@contextlib.contextmanager
def atomic_write(path: str | Path, *, force: bool = False, binary: bool = False) -> Iterator[IO]:
    """Open a temporary file next to ``path``; on success rename it to ``path``, on failure delete it.

    ``force=False`` refuses to replace an existing file (a one-line :class:`IronRiverError`).
    """
    path = Path(path)
    _check_destination(path, force)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as stream:
            yield stream
        _publish(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_via_temporary(path: str | Path, writer: Callable[[Path], None], *, force: bool = False,
                        create: bool = True) -> None:
    """Let ``writer`` write a temporary path (for libraries that want a file name), then rename it to ``path``.

    ``create=False`` hands ``writer`` a path that does not exist yet (for libraries, like DuckDB, that insist on
    creating the file themselves).
    """
    path = Path(path)
    _check_destination(path, force)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(handle)
    if not create:
        os.unlink(temporary)
    try:
        writer(Path(temporary))
        _publish(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
