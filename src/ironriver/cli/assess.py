"""``ironriver assess``: the main job — run the chain, print the verdict, the ledger and the iron river, write the report.

The command checks its options before any work (a bad ``--years``, a missing ``--scenario`` file or an
``--out`` folder that does not exist stop it with one line and exit status 2, nothing written), runs
:func:`ironriver.sovereignty.assess` under a Rich progress bar on stderr, writes the self-contained HTML
report atomically, and prints either Rich tables or, with ``--json``, the ledger and verdict as JSON on
stdout.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ironriver.cli._common import console, errors, print_table
from ironriver.data.shipped import resolve_shipped
from ironriver.errors import IronRiverError
from ironriver.plain_words import THREAT_SCORE_SENTENCE

DEFAULT_REPORT = "ironriver-report.html"
KIND_ORDER = ("domestic", "interdependence", "westphalian", "international_legal", "overall")


def _check_out(out: Path) -> Path:
    """The report path, refused early if its folder is missing or it names a folder."""
    out = Path(out)
    if out.is_dir():
        raise IronRiverError(f"--out {out} is a folder; give a file name such as {out / 'ironriver-report.html'}")
    if not out.parent.exists():
        raise IronRiverError(f"folder {out.parent} does not exist (for --out {out})")
    return out


def _cell(row: Any) -> str:
    """``median [low–high]`` and the cell's mark (``*`` and a letter per flag; see MARK_LEGEND)."""
    from ironriver.sovereignty.headline import mark

    if row is None or row["median"] != row["median"]:
        return "—"
    return f"{row['median']:.2f} [{row['low90']:.2f}–{row['high90']:.2f}]{mark(row.get('status'))}"


def _print_tables(assessment: Any, out: Path, seconds: float) -> None:
    from ironriver.sovereignty.chain import forecast_years
    from ironriver.sovereignty.headline import MARK_LEGEND, mark

    verdict = assessment.verdict
    year = verdict.headline_year
    console.print(Panel(verdict.summary(), title=f"verdict ({year})", border_style="red"))
    table = assessment.ledger.table()
    ledger = Table(title=f"The sovereignty ledger, {year}: threat median [90% interval]")
    for column in ("kind", "Mexico", "USA", "P(MEX more)", "P(USA more)"):
        ledger.add_column(column)
    for kind in KIND_ORDER:
        rows = {state: table[(table.state == state) & (table.kind == kind) & (table.year == year)].iloc[0]
                for state in ("MEX", "USA")}
        c = verdict.get(year, kind)
        ledger.add_row(kind.replace("_", " "), _cell(rows["MEX"]), _cell(rows["USA"]),
                       "—" if not c.comparable else f"{c.p_mex_more:.2f}",
                       "—" if not c.comparable else f"{c.p_usa_more:.2f}")
    print_table(ledger)
    console.print(THREAT_SCORE_SENTENCE, style="dim")
    console.print(MARK_LEGEND, style="dim", markup=False)

    by_year = Table(title="Overall threat by year: median [90% interval]")
    for column in ("year", "Mexico", "USA", "P(MEX more)"):
        by_year.add_column(column)
    overall = table[table.kind == "overall"]
    for y in assessment.ledger.years:
        rows = {state: overall[(overall.state == state) & (overall.year == y)].iloc[0] for state in ("MEX", "USA")}
        c = verdict.get(int(y), "overall")
        by_year.add_row(f"{y} (headline)" if y == year else str(y), _cell(rows["MEX"]), _cell(rows["USA"]),
                        "—" if not c.comparable else f"{c.p_mex_more:.2f}")
    print_table(by_year)
    console.print(THREAT_SCORE_SENTENCE, style="dim")
    console.print(MARK_LEGEND, style="dim", markup=False)

    if assessment.iron_river is not None:
        draws = assessment.iron_river["draws"]
        first, last = assessment.years
        draws = draws[(draws.year >= first) & (draws.year <= last)]
        river = Table(title="The iron river: guns trafficked US → Mexico per year (posterior)")
        for column in ("year", "median", "90% interval"):
            river.add_column(column, justify="right")
        ahead = forecast_years(assessment.iron_river.get("summary"))
        for y, group in draws.groupby("year")["guns_per_year"]:
            river.add_row(f"{y}{mark('forecast') if y in ahead else ''}", f"{group.median():,.0f}",
                          f"{group.quantile(0.05):,.0f} – {group.quantile(0.95):,.0f}")
        print_table(river)
        if ahead & set(draws["year"].unique()):
            console.print(f"{mark('forecast')}: no evidence this year, the random walk's forecast", style="dim",
                          markup=False)
    else:
        console.print("[yellow]The iron-river series is not available in this run.[/yellow]")
    if assessment.contest is not None:
        console.print(Panel(f"{assessment.contest.robustness(year)}\n{assessment.contest.flip(year).sentence()}",
                            title="what would change the verdict", border_style="blue"))
    for note in dict.fromkeys(assessment.missing):
        console.print(f"[yellow]not included:[/yellow] {note}")
    console.print(f"report: {out}  ({seconds:.1f} s{', model outputs from cache' if assessment.cache_hit else ''})")


def register(app: typer.Typer) -> None:
    """Add the ``assess`` command."""

    @app.command("assess")
    def assess_command(
        years: Annotated[str | None, typer.Option("--years", help="window A:B, e.g. 2005:2024")] = None,
        scenario: Annotated[Path | None, typer.Option("--scenario", help="scenario: a shipped name (`ironriver scenarios list`) or a TOML file; policy levers applied first")] = None,
        seed: Annotated[int, typer.Option("--seed", help="seed of every random draw")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="print the ledger and verdict as JSON on stdout")] = False,
        out: Annotated[Path | None, typer.Option("--out", help="where to write the HTML report (default "
                                                        "ironriver-report.html; with --json, only if given)")] = None,
        no_cache: Annotated[bool, typer.Option("--no-cache", help="re-run the models even if cached")] = False,
        spec: Annotated[str | None, typer.Option("--spec", help="specification: a shipped name (neutral, essay, "
                                                  "border_realist, equal_concepts, equal_kinds) or a TOML file")] = None,
        allow_missing: Annotated[bool, typer.Option(
            "--allow-missing", help="build the ledger without a model that failed (named in the output) "
                                    "instead of stopping with exit status 3")] = False,
    ) -> None:
        """Run the chain (store → estimate → spillover → simulate → ledger), print the verdict, write the report."""
        from ironriver.sovereignty.chain import STEPS, assess, parse_years

        started = time.perf_counter()
        window = parse_years(years)
        if out is None and not as_json:  # `--json` is for scripts: it writes a report only when asked to
            out = Path(DEFAULT_REPORT)
        out = _check_out(out) if out is not None else None
        if scenario is not None:
            scenario = resolve_shipped("scenarios", scenario)
        from ironriver.sovereignty.specification import check_names, load_specification, specification_file

        specification = check_names(load_specification(spec))   # a bad file stops here: one line, exit 2
        spec_file = specification_file(spec)

        steps = (*STEPS, "report")
        with Progress(TextColumn("{task.description:<22}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=errors, transient=True) as progress:
            task = progress.add_task(steps[0], total=len(steps))

            def advance(step: str, done: int, total: int) -> None:
                following = steps[done] if done < len(steps) else "done"
                progress.update(task, completed=done, description=following)

            assessment = assess(window, scenario=scenario, seed=seed, use_cache=not no_cache, progress=advance,
                                specification=specification, specification_file=spec_file,
                                allow_missing=allow_missing)
            from ironriver.report import build_model, write_report

            if out is not None:
                write_report(build_model(assessment), out)
            progress.update(task, completed=len(steps), description="done")
        seconds = time.perf_counter() - started
        if allow_missing and assessment.missing:
            # asked to go on without them: still say loudly, on stderr, what the ledger lacks
            for note in dict.fromkeys(assessment.missing):
                errors.print(f"[bold red]warning: not included:[/bold red] {note}")
        if as_json:
            typer.echo(json.dumps({**assessment.to_json_dict(), "report": None if out is None else str(out)},
                                  ensure_ascii=False, allow_nan=False))
            errors.print(f"report: {out} ({seconds:.1f} s)" if out is not None else
                         f"done in {seconds:.1f} s (no report written; add --out FILE for one)")
        else:
            _print_tables(assessment, out, seconds)
