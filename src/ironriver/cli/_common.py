"""Small pieces shared by the CLI modules: the Rich console, the store-building progress bar, and output that
fits the terminal.

Every file the CLI writes goes through :func:`ironriver.files.atomic_write`: the content is written to a
temporary file in the destination folder and renamed into place, so an interrupted command leaves either the
old file or the new one, never half of one.

Tables go through :func:`print_table`: a table that cannot fit the terminal without cutting a number is shown
as a record view (one field per line, one block per record) instead of a grid of squeezed columns. Listings
take ``--json`` and ``--csv`` (:data:`AsJson`, :data:`AsCsv`, :func:`emit_records`) for scripts.
"""

from __future__ import annotations

import numbers
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console, Group
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

__all__ = ["console", "errors", "ensure_store_with_progress", "AsJson", "AsCsv", "emit_records", "fits",
           "frame_table", "print_paged", "print_table"]

console = Console()
errors = Console(stderr=True)

AsJson = Annotated[bool, typer.Option("--json", help="print JSON (a list of records) instead of a table")]
AsCsv = Annotated[bool, typer.Option("--csv", help="print CSV instead of a table")]


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


def _records_view(table: Table) -> Group:
    """The same rows as one block per record, one ``field  value`` line per column (for narrow terminals)."""
    headers = [str(column.header) for column in table.columns]
    cells = [list(column.cells) for column in table.columns]
    blocks: list[Any] = []
    if table.title:
        blocks.append(table.title)
    for index in range(table.row_count):
        record = Table.grid(padding=(0, 2))
        record.add_column(style="bold", no_wrap=True)
        record.add_column(overflow="fold")
        for header, column in zip(headers, cells):
            record.add_row(header, column[index])
        blocks.extend([Rule(f"record {index + 1} of {table.row_count}", align="left", style="dim"), record])
    if table.caption:
        blocks.append(table.caption)
    return Group(*blocks)


def fits(table: Table, target: Console | None = None) -> bool:
    """Whether ``table`` fits the terminal without breaking any word or number (every column at its longest
    word)."""
    target = target or console
    needed = 1 + sum(3 + _longest_column_word(column) for column in table.columns)
    return needed <= target.width


def _longest_column_word(column: Any) -> int:
    return max(_longest_word(column.header), *(_longest_word(cell) for cell in column.cells))


def _longest_word(cell: Any) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(word) for word in text.split()), default=0)


def print_table(table: Table, target: Console | None = None) -> None:
    """Print ``table`` if it fits the terminal unbroken, else the record view of its rows.

    Columns fold rather than cut (``overflow="fold"``): no cell is ever shortened to ``…``."""
    target = target or console
    if fits(table, target):
        for column in table.columns:
            column.overflow = "fold"
        _set_widths(table, target.width)
        print_paged(table, target)
    else:
        print_paged(_records_view(table), target)


def print_paged(renderable: Any, target: Console | None = None) -> None:
    """Print ``renderable``; in an interactive terminal, through the pager (``$PAGER``, else ``less``) when it is
    taller than the screen, so a long listing does not scroll past. Pipes and files get everything."""
    target = target or console
    if target.is_terminal and not target.is_dumb_terminal:
        if len(target.render_lines(renderable, pad=False)) > target.height:
            with target.pager(styles=True):
                target.print(renderable)
            return
    target.print(renderable)


def _set_widths(table: Table, width: int) -> None:
    """Fix column widths so no column is narrower than its longest word or number (Rich's own shrinking may
    cut inside one); the room left over goes to the columns whose text is longest."""
    columns = table.columns
    room = width - (3 * len(columns) + 1)
    least = [_longest_column_word(column) for column in columns]
    most = [max(_longest_line(column.header), *(_longest_line(cell) for cell in column.cells)) for column in columns]
    if sum(most) <= room:
        return
    spare = room - sum(least)
    wants = [m - n for m, n in zip(most, least)]
    total = sum(wants) or 1
    widths = [n + (spare * w) // total for n, w in zip(least, wants)]
    for index in sorted(range(len(columns)), key=lambda i: wants[i] - (widths[i] - least[i]), reverse=True):
        if sum(widths) >= room:
            break
        widths[index] += 1
    for column, chosen in zip(columns, widths):
        column.width = chosen


def _longest_line(cell: Any) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in text.splitlines()), default=0)


def emit_records(frame: Any, *, as_json: bool = False, as_csv: bool = False) -> bool:
    """Print a DataFrame (or a list of dicts) as JSON records or CSV on stdout; return whether it did.

    Floats keep at most 15 significant digits, so binary noise (``156.90000000000003``) is not printed."""
    import pandas as pd

    if not (as_json or as_csv):
        return False
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv")
    frame = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(list(frame))
    if as_json:
        typer.echo(frame.to_json(orient="records", date_format="iso", force_ascii=False, double_precision=15))
    else:
        typer.echo(frame.to_csv(index=False, float_format="%.15g"), nl=False)
    return True


def frame_table(frame: Any, title: str | None = None, caption: str | None = None) -> Table:
    """A Rich table of a DataFrame: numbers right-aligned with thousands separators, missing shown as ``—``."""
    import pandas as pd

    table = Table(title=title, caption=caption)
    numeric = {column for column in frame.columns if pd.api.types.is_numeric_dtype(frame[column])
               and not pd.api.types.is_bool_dtype(frame[column])}
    for column in frame.columns:
        table.add_column(str(column), justify="right" if column in numeric else "left", overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(value, column in numeric and not _IDENTIFIER.search(str(column)))
                        for column, value in zip(frame.columns, row)))
    return table


# columns holding years, months or codes: numbers, but printed without thousands separators
_IDENTIFIER = re.compile(r"year|month|code|fips|id$|ccode", re.IGNORECASE)


def _cell(value: Any, grouped: bool) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return "—"
    sep = "," if grouped else ""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{value:{sep}}"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{value:{sep}.15g}" if abs(value) < 1e15 else f"{value:.6g}"
    return str(value)
