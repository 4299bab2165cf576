"""Progress of long calls: a callback the caller passes, or a bar on the terminal when nobody passed one.

Long API calls (``posterior.sensitivity()``, store builds, sweeps) take ``progress``, a callable
``progress(step: str, done: int, total: int)``. :func:`reporter` gives such a call what to use: the caller's
callback if there is one; otherwise a Rich progress bar on stderr when stderr is an interactive terminal (a
notebook or a script in a terminal sees how far along it is); otherwise nothing, so logs and pipes stay
clean. This module sits below every stage and imports nothing from the package.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

__all__ = ["Progress", "reporter"]

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: ``done`` of ``total`` units finished, ``step`` says what runs next."""


def _silent(step: str, done: int, total: int) -> None:
    return None


@contextlib.contextmanager
def reporter(progress: Progress | None, label: str) -> Iterator[Progress]:
    """The callback to report to: ``progress`` itself, a terminal bar titled ``label``, or a silent one."""
    if progress is not None:
        yield progress
        return
    if not sys.stderr.isatty():
        yield _silent
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    with Bar(TextColumn(f"{label}: {{task.description}}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
             TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("start", total=None)

        def show(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield show
