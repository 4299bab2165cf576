"""``ironriver data …``: list, show, cite, export and verify the packaged datasets and their tidy tables."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ironriver.cli._common import console, ensure_store_with_progress
from ironriver.files import atomic_write, write_via_temporary
from ironriver.errors import ChecksumError, UnknownNameError

data_app = typer.Typer(help="The packaged public record: list, show, cite, export, verify.", no_args_is_help=True)


class CitationFormat(str, enum.Enum):
    text = "text"
    bibtex = "bibtex"


class ExportFormat(str, enum.Enum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


@data_app.command("list")
def list_datasets() -> None:
    """Each dataset with its title, span, tidy tables, rows and licence."""
    from ironriver.data import manifest
    from ironriver.store import tables

    ensure_store_with_progress()
    catalogue = tables()
    table = Table(title="ironriver data: the packaged public record", show_lines=False)
    for column in ("dataset", "title", "span", "tables (rows)", "licence"):
        table.add_column(column, overflow="fold")
    for name, meta in manifest()["datasets"].items():
        own = catalogue[catalogue["dataset"] == name]
        listed = ", ".join(f"{t} ({r:,})" for t, r in zip(own["table"], own["rows"]))
        table.add_row(name, meta["title"], meta["temporal_coverage"], listed or "—", meta["licence"][:60])
    literature = catalogue[catalogue["dataset"] == "literature"]
    table.add_row("literature", "figures and events transcribed from the literature (facts.md)", "1846/2025",
                  ", ".join(f"{t} ({r:,})" for t, r in zip(literature["table"], literature["rows"])), "cited per row")
    console.print(table)


def _resolve_table(name: str) -> str:
    """A table name, or a dataset name that has exactly one table."""
    from ironriver.data import dataset_names
    from ironriver.store import tables

    catalogue = tables()
    if name in set(catalogue["table"]):
        return name
    own = catalogue[catalogue["dataset"] == name]
    if len(own) == 1:
        return own["table"].iloc[0]
    if len(own) > 1:
        raise UnknownNameError("table (dataset has several)", name, own["table"])
    raise UnknownNameError("table or dataset", name, list(catalogue["table"]) + dataset_names())


@data_app.command("show")
def show(name: Annotated[str, typer.Argument(help="table name (or a dataset with one table)")],
         limit: Annotated[int, typer.Option(min=1, help="rows to show")] = 10) -> None:
    """The first rows of a tidy table, and its description."""
    from ironriver.store import load, tables

    ensure_store_with_progress()
    table_name = _resolve_table(name)
    frame = load(table_name)
    catalogue = tables().set_index("table")
    table = Table(title=f"{table_name}: {catalogue.loc[table_name, 'description']} ({len(frame):,} rows)")
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.head(limit).itertuples(index=False):
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


@data_app.command("cite")
def cite(name: Annotated[str | None, typer.Argument(help="dataset or table name, or 'literature'")] = None,
         all_datasets: Annotated[bool, typer.Option("--all", help="cite every dataset")] = False,
         format: Annotated[CitationFormat, typer.Option("--format")] = CitationFormat.text) -> None:
    """How to cite a dataset, a table's dataset, or the literature's sources (publisher, repository, commit, url)."""
    from ironriver.data.citations import cite as cite_one
    from ironriver.data.citations import cite_all

    if all_datasets:
        print(cite_all(format.value))
    elif name:
        print(cite_one(_citable(name), format.value))
    else:
        raise typer.BadParameter("give a dataset or table name, 'literature', or --all")


def _citable(name: str) -> str:
    """The dataset to cite for ``name``: a dataset, the dataset a tidy table comes from, or the literature."""
    from ironriver.data import dataset_names
    from ironriver.data.citations import LITERATURE
    from ironriver.store.tidy import discover

    if name in dataset_names() or name in (LITERATURE, "timeline"):
        return LITERATURE if name == "timeline" else name
    owners = {table: tidier.dataset for tidier in discover().values() for table in tidier.tables}
    if name in owners:
        return owners[name]
    raise UnknownNameError("dataset or table", name, [*dataset_names(), *owners, LITERATURE, "timeline"])


@data_app.command("export")
def export(name: Annotated[str, typer.Argument(help="table name (or a dataset with one table)")],
           format: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.csv,
           out: Annotated[Path, typer.Option("--out", help="file to write")] = Path("-"),
           force: Annotated[bool, typer.Option("--force", help="overwrite an existing file")] = False) -> None:
    """Write a tidy table to CSV, Parquet or JSON (atomically: never a half-written file)."""
    from ironriver.store import load

    ensure_store_with_progress()
    frame = load(_resolve_table(name))
    if str(out) == "-":
        raise typer.BadParameter("--out PATH is required")
    if format is ExportFormat.csv:
        with atomic_write(out, force=force) as stream:
            frame.to_csv(stream, index=False)
    elif format is ExportFormat.json:
        with atomic_write(out, force=force) as stream:
            stream.write(frame.to_json(orient="records", date_format="iso", force_ascii=False))
    else:
        write_via_temporary(out, lambda path: frame.to_parquet(path, index=False), force=force)
    console.print(f"wrote {len(frame):,} rows to {out}")


@data_app.command("verify")
def verify() -> None:
    """Check every packaged file's sha256 and the manifest's schema; exit 2 on any mismatch."""
    from ironriver.data import verify as verify_files
    from ironriver.data.validation import validate_manifest

    checks = list(verify_files())
    bad = [c for c in checks if not c.ok]
    problems = validate_manifest()
    for check in bad:
        actual = check.actual_sha256 or "missing"
        console.print(f"[red]FAIL[/red] {check.path}: expected sha256 {check.expected_sha256}, got {actual}")
    for problem in problems:
        console.print(f"[red]FAIL[/red] manifest: {problem}")
    if bad or problems:
        first = bad[0] if bad else None
        raise ChecksumError(
            f"{len(bad)} of {len(checks)} files failed the checksum"
            + (f" (first: {first.path})" if first else "") + f"; {len(problems)} manifest problems")
    console.print(f"[green]ok[/green] {len(checks)} files match their sha256; manifest valid")


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
