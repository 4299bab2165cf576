"""Small pieces shared by the CLI modules: the Rich console and the store-building progress bar.

Every file the CLI writes goes through :func:`ironriver.files.atomic_write`:
the content is written to a temporary file in the destination folder and renamed into place, so an
interrupted command leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["console", "errors", "ensure_store_with_progress"]

console = Console()
errors = Console(stderr=True)


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
