"""``ironriver data …``: list, show, cite, export and verify the packaged datasets and their tidy tables."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ironriver.cli._common import (
    AsCsv,
    AsJson,
    console,
    emit_records,
    ensure_store_with_progress,
    frame_table,
    print_table,
)
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
def list_datasets(as_json: AsJson = False, as_csv: AsCsv = False) -> None:
    """Each dataset with its title, span, tidy tables, rows and licence."""
    import pandas as pd

    from ironriver.data import manifest
    from ironriver.store import tables

    ensure_store_with_progress()
    catalogue = tables()
    rows = []
    for name, meta in manifest()["datasets"].items():
        own = catalogue[catalogue["dataset"] == name]
        rows.append({"dataset": name, "title": meta["title"], "span": meta["temporal_coverage"],
                     "tables": {t: int(r) for t, r in zip(own["table"], own["rows"])}, "licence": meta["licence"]})
    literature = catalogue[catalogue["dataset"] == "literature"]
    rows.append({"dataset": "literature", "title": "figures and events transcribed from the published literature, "
                 "each row cited", "span": "1846/2025",
                 "tables": {t: int(r) for t, r in zip(literature["table"], literature["rows"])},
                 "licence": "cited per row"})
    frame = pd.DataFrame(rows)
    if as_csv:
        frame["tables"] = frame["tables"].map(lambda tables: ";".join(tables))
    if emit_records(frame, as_json=as_json, as_csv=as_csv):
        return
    table = Table(title="ironriver data: the packaged public record",
                  caption="`ironriver data show TABLE` for rows, `ironriver data cite NAME` for the citation")
    for column in ("dataset", "title", "span", "tables (rows)", "licence"):
        table.add_column(column, overflow="fold")
    for row in rows:
        listed = ", ".join(f"{t} ({r:,})" for t, r in row["tables"].items())
        table.add_row(row["dataset"], row["title"], row["span"], listed or "—", row["licence"])
    print_table(table)


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
         limit: Annotated[int, typer.Option(min=1, help="rows to show")] = 10,
         columns: Annotated[str | None, typer.Option("--columns", help="only these columns, comma-separated: "
                                                                         "--columns state,month,totals")] = None,
         as_json: AsJson = False, as_csv: AsCsv = False) -> None:
    """The first rows of a tidy table, and its description; one record per block when the table is too wide."""
    from ironriver.store import load, tables

    ensure_store_with_progress()
    table_name = _resolve_table(name)
    frame = load(table_name)
    if columns:
        chosen = [c.strip() for c in columns.split(",") if c.strip()]
        for column in chosen:
            if column not in frame.columns:
                raise UnknownNameError(f"column of {table_name}", column, map(str, frame.columns))
        frame = frame[chosen]
    shown = frame.head(limit)
    if emit_records(shown, as_json=as_json, as_csv=as_csv):
        return
    catalogue = tables().set_index("table")
    title = f"{table_name}: {catalogue.loc[table_name, 'description']}"
    caption = (f"first {len(shown):,} of {len(frame):,} rows · {len(frame.columns)} columns"
               + ("" if columns else " · --columns a,b,c to choose"))
    print_table(frame_table(shown, title=title, caption=caption))


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
            frame.to_csv(stream, index=False, float_format="%.15g")
        schema = out.with_name(out.name + ".schema.json")
        with atomic_write(schema, force=True) as stream:
            json.dump(table_schema(frame), stream, indent=2)
        console.print(f"wrote the column types (Frictionless table schema) to {schema}")
    elif format is ExportFormat.json:
        with atomic_write(out, force=force) as stream:
            stream.write(frame.to_json(orient="records", date_format="iso", force_ascii=False, double_precision=15))
    else:
        write_via_temporary(out, lambda path: frame.to_parquet(path, index=False), force=force)
    console.print(f"wrote {len(frame):,} rows to {out}")


_FRICTIONLESS_TYPES = {"i": "integer", "u": "integer", "f": "number", "b": "boolean", "M": "datetime"}


def table_schema(frame: Any) -> dict[str, Any]:
    """A Frictionless table schema for a CSV export, so that codes such as ``"01"`` stay strings.

    Read it back with ``pandas.read_csv(path, dtype={f["name"]: str for f in schema["fields"]
    if f["type"] == "string"}, keep_default_na=False, na_values=[""])``."""
    fields = [{"name": str(column), "type": _FRICTIONLESS_TYPES.get(frame[column].dtype.kind, "string")}
              for column in frame.columns]
    return {"fields": fields, "missingValues": [""]}


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
