"""``ironriver literature`` and ``ironriver timeline``: the cited figures (with their sources' quality grades) and
the dated events (with their reading for each state)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from ironriver.cli._common import console


def _number(value: float) -> str:
    if value != value:  # NaN
        return ""
    return f"{value:.3g}" if abs(value) < 1 else f"{value:,.0f}"


def _records(frame: Any) -> str:
    """``frame`` as a JSON list of records (dates as ISO strings, missing values as null)."""
    return json.dumps(json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False)),
                      ensure_ascii=False, indent=1)


def literature_command(
    quantity: Annotated[str | None, typer.Option("--quantity", "-q", help="only this quantity")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="ids containing this text")] = None,
    quality: Annotated[str | None, typer.Option("--quality", help="only sources of this grade: official_statistic, "
                                                "court_record, peer_reviewed, official_statement, press, "
                                                "advocacy_or_partisan, aggregator")] = None,
    min_quality: Annotated[str | None, typer.Option("--min-quality", help="only sources of this grade or better")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the rows as JSON records (with quality)")] = False,
    bibtex: Annotated[bool, typer.Option("--bibtex", help="print a BibTeX entry per source of the rows shown")]
    = False,
) -> None:
    """Published figures with their ranges, sources and the sources' quality grades (best first:
    official_statistic, court_record, peer_reviewed, official_statement, press, advocacy_or_partisan,
    aggregator)."""
    from ironriver.data.citations import cite_literature
    from ironriver.store import literature

    frame = literature(quantity, quality=quality, min_quality=min_quality)
    if search:
        frame = frame[frame["id"].str.contains(search, case=False, regex=False)]
    if as_json:
        print(_records(frame))
        return
    if bibtex:
        print(cite_literature("bibtex", ids=set(frame["id"])))
        return
    table = Table(title=f"literature ({len(frame)} figures)")
    for column in ("id", "value", "low–high", "unit", "period", "quality", "source"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        interval = f"{_number(row.low)}–{_number(row.high)}" if row.low == row.low or row.high == row.high else ""
        table.add_row(row.id, _number(row.value), interval, row.unit, str(row.period), row.quality,
                      str(row.source)[:90])
    console.print(table)


def timeline_command(
    kind: Annotated[str | None, typer.Option("--kind", help="domestic | interdependence | westphalian | international_legal")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the events as JSON records")] = False,
) -> None:
    """Dated events 1846–2025, the kind of sovereignty each bears on, and its reading for Mexico and the USA
    (against / for / blank for procedural steps), coded by one rule for both states."""
    from ironriver.store import timeline

    frame = timeline(kind)
    if as_json:
        print(_records(frame))
        return
    table = Table(title=f"timeline ({len(frame)} events)")
    for column in ("date", "event", "category", "sovereignty", "MEX", "USA", "source"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(str(row.date)[:10], row.event, row.category, row.sovereignty_kind, row.reading_mex,
                      row.reading_usa, str(row.source)[:60])
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("literature")(literature_command)
    app.command("timeline")(timeline_command)
