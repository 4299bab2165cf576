"""``ironriver literature`` and ``ironriver timeline``: the cited figures and the dated events."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ironriver.cli._common import console


def _number(value: float) -> str:
    if value != value:  # NaN
        return ""
    return f"{value:.3g}" if abs(value) < 1 else f"{value:,.0f}"


def literature_command(
    quantity: Annotated[str | None, typer.Option("--quantity", "-q", help="only this quantity")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="ids containing this text")] = None,
) -> None:
    """Published figures with their ranges and sources (one row per source where sources disagree)."""
    from ironriver.errors import UnknownNameError
    from ironriver.store import literature

    frame = literature()
    if quantity is not None:
        if quantity not in set(frame["quantity"]):
            raise UnknownNameError("quantity", quantity, sorted(set(frame["quantity"])))
        frame = frame[frame["quantity"] == quantity]
    if search:
        frame = frame[frame["id"].str.contains(search, case=False, regex=False)]
    table = Table(title=f"literature ({len(frame)} figures)")
    for column in ("id", "value", "low–high", "unit", "period", "kind", "source"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        interval = f"{_number(row.low)}–{_number(row.high)}" if row.low == row.low or row.high == row.high else ""
        table.add_row(row.id, _number(row.value), interval, row.unit, str(row.period), row.source_kind,
                      str(row.source)[:90])
    console.print(table)


def timeline_command(
    kind: Annotated[str | None, typer.Option("--kind", help="domestic | interdependence | westphalian | international_legal")] = None,
) -> None:
    """Dated events 1846–2025 and the kind of sovereignty each bears on."""
    from ironriver.store import timeline

    frame = timeline(kind)
    table = Table(title=f"timeline ({len(frame)} events)")
    for column in ("date", "event", "category", "sovereignty", "affects", "source"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(str(row.date)[:10], row.event, row.category, row.sovereignty_kind, row.state_affected,
                      str(row.source)[:60])
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("literature")(literature_command)
    app.command("timeline")(timeline_command)
