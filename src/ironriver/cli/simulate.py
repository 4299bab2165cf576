"""``ironriver simulate``, ``compare`` and ``sweep``: the gun supply chain under policy scenarios."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ironriver.cli._common import console, ensure_store_with_progress, errors, print_table
from ironriver.files import atomic_write


class CalibrationChoice(str, enum.Enum):
    auto = "auto"
    posterior = "posterior"
    literature = "literature"


Replicates = Annotated[int, typer.Option("--replicates", "-n", min=1, max=1_000_000,
                                         help="replicates per scenario (each follows one posterior draw)")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="fixes every random number; shared by all scenarios")]
Years = Annotated[str | None, typer.Option("--years", help="YYYY or START:END (default: scenario's, else the "
                                                           "latest calibrated year)")]
AsJson = Annotated[bool, typer.Option("--json", help="print one JSON object instead of tables")]
Calib = Annotated[CalibrationChoice, typer.Option("--calibration", help="iron-river posterior (auto falls back to "
                                                                         "the literature prior when it is missing)")]
Level = 0.9


def _years(text: str | None) -> tuple[int, ...] | None:
    from ironriver.supply_chain.scenario import ScenarioError, parse_years

    if text is None:
        return None
    try:
        return parse_years(text)
    except ValueError as error:
        raise ScenarioError(f"--years: {error}") from None


@contextmanager
def _progress(label: str, quiet: bool = False) -> Iterator[Any]:
    if quiet:
        yield None
        return
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=errors,
                  transient=True) as bar:
        task = bar.add_task(label, total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield report


def _guns(value: float) -> str:
    if value != value:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.1f}"


def _interval(low: float, high: float, pct: bool = False) -> str:
    """An interval with spaces around the dash, so a narrow column wraps between the numbers, never inside one."""
    if pct:
        return f"{low:+.1f}% to {high:+.1f}%"
    return f"{_guns(low)} – {_guns(high)}"


def _span(years: tuple[int, ...]) -> str:
    return f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=_default) + "\n")


def _default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _prepare(scenarios: list[Any], calibration: CalibrationChoice, seed: int) -> Any:
    from ironriver.supply_chain import prepare_inputs

    ensure_store_with_progress()
    with _progress("calibrating", quiet=False):
        inputs = prepare_inputs(scenarios, calibration.value, seed)
    if inputs.calibration.any_year:
        errors.print(f"[yellow]note:[/] {inputs.calibration.source}")
    return inputs


def _assumptions_table(frame: Any) -> Table:
    table = Table(title="what the simulation assumes (named: no source gives it; cited: literature id)")
    for column in ("kind", "name", "value", "range", "unit", "used by", "why / source"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        value = "" if row.value is None or row.value != row.value else f"{row.value:g}"
        if row.pinned is not None and row.pinned == row.pinned:
            value += f" (pinned {row.pinned:g})"
        low = "" if row.low is None or row.low != row.low else f"{row.low:g}"
        high = "" if row.high is None or row.high != row.high else f"{row.high:g}"
        span = f"{low}–{high}" if low or high else ""
        table.add_row(row.kind, row.name, value, span, row.unit, str(row.used_by), str(row.why))
    return table


def _levers_table() -> Table:
    from ironriver.supply_chain import LEVERS

    table = Table(title="levers (set in a scenario's [levers] table)")
    for column in ("lever", "status quo", "range", "unit", "anchor"):
        table.add_column(column, overflow="fold")
    for lever in LEVERS:
        span = "" if lever.low is None else f"{lever.low:g}–{lever.high:g}"
        table.add_row(lever.name, str(lever.default).lower(), span, lever.unit, lever.anchor)
    return table


def simulate_command(
    scenario: Annotated[Path | None, typer.Argument(help="a shipped scenario name (`ironriver scenarios list`) or a "
                                                         "TOML file (default: the status quo)")] = None,
    replicates: Replicates = 1000,
    seed: Seed = 0,
    years: Years = None,
    as_json: AsJson = False,
    assumptions: Annotated[bool, typer.Option("--assumptions", help="list the levers and every assumption and "
                                                                     "cited figure the model uses, then stop")] = False,
    calibration: Calib = CalibrationChoice.auto,
) -> None:
    """Simulate one scenario: guns bought, seized and arrived a year, by channel, source state and corridor."""
    from ironriver.supply_chain import Scenario, assumptions_table, simulate

    chosen = Scenario.from_toml(scenario) if scenario is not None else Scenario.baseline()
    if assumptions:
        frame = assumptions_table(chosen.pinned_assumptions())
        if as_json:
            _print_json({"levers": [_lever_dict(lever) for lever in _levers()],
                         "assumptions": frame.astype(object).where(frame.notna(), None).to_dict(orient="records")})
        else:
            print_table(_levers_table())
            print_table(_assumptions_table(frame))
        return
    inputs = _prepare([chosen], calibration, seed)
    with _progress(f"simulating {chosen.name}", quiet=False) as report:
        result = simulate(chosen, replicates=replicates, seed=seed, years=_years(years), inputs=inputs,
                          progress=report)
    if as_json:
        _print_json(result.to_dict(Level))
        return
    _print_result(result)


def _levers() -> Any:
    from ironriver.supply_chain import LEVERS

    return LEVERS


def _lever_dict(lever: Any) -> dict[str, Any]:
    return {"name": lever.name, "default": lever.default, "low": lever.low, "high": lever.high, "unit": lever.unit,
            "anchor": lever.anchor, "what": lever.what, "uses": list(lever.uses)}


def _print_result(result: Any) -> None:
    summary = result.summary(Level)
    from ironriver.supply_chain.sweep import _show

    levers = ", ".join(f"{k} = {_show(v)}" for k, v in result.scenario.active_levers().items()) or "none (status quo)"
    years = _span(result.years)
    title = (f"{result.scenario.name}, {years} (per year; median and 90% interval over {len(result.replicates):,} "
             f"replicates, seed {result.seed}); levers: {levers}")
    table = Table(title=title, caption=f"calibration: {result.calibration}")
    for column in ("quantity", "median", "90% interval", "unit", "meaning"):
        table.add_column(column, overflow="fold")
    from ironriver.supply_chain.result import QUANTITIES

    for row in summary[summary["group"] == "total"].itertuples(index=False):
        shown = f"{row.median:.2%}" if row.unit == "fraction" else _guns(row.median)
        span = f"{row.low:.2%} – {row.high:.2%}" if row.unit == "fraction" else _interval(row.low, row.high)
        table.add_row(row.quantity.replace("_", " "), shown, span, row.unit, QUANTITIES[row.quantity][1])
    print_table(table)
    for group, title in (("channel", "by channel"), ("source_state", "by US source state"),
                         ("corridor", "by crossing corridor")):
        part = summary[summary["group"] == group]
        breakdown = Table(title=f"{result.scenario.name}, {years}, {title} (guns/year: median [90% interval])")
        breakdown.add_column(group.replace("_", " "))
        quantities = ["bought", "interdicted", "arrived"] + (["recovered", "traced"] if group == "source_state" else [])
        for quantity in quantities:
            breakdown.add_column(quantity)
        for key in dict.fromkeys(part["key"]):
            cells = []
            for quantity in quantities:
                hit = part[(part["key"] == key) & (part["quantity"] == quantity)]
                cells.append("" if hit.empty else
                             f"{_guns(hit['median'].iloc[0])} [{_interval(hit['low'].iloc[0], hit['high'].iloc[0])}]")
            breakdown.add_row(key, *cells)
        print_table(breakdown)
    for note in result.notes:
        console.print(f"note: {note}")


def compare_command(
    scenarios: Annotated[list[Path], typer.Argument(help="shipped scenario names or TOML files; the first is the "
                                                         "reference")],
    replicates: Replicates = 1000,
    seed: Seed = 0,
    years: Years = None,
    as_json: AsJson = False,
    calibration: Calib = CalibrationChoice.auto,
) -> None:
    """Compare scenarios with the first, replicate by replicate (common random numbers): differences with intervals."""
    from ironriver.errors import IronRiverError
    from ironriver.supply_chain import Scenario, run_scenarios

    if len(scenarios) < 2:
        raise IronRiverError("compare needs at least two scenario files (the first is the reference)")
    chosen = [Scenario.from_toml(path) for path in scenarios]
    inputs = _prepare(chosen, calibration, seed)
    with _progress("simulating scenarios") as report:
        results = run_scenarios(chosen, replicates=replicates, seed=seed, years=_years(years), inputs=inputs,
                                progress=report)
    reference, others = results[0], results[1:]
    comparisons = [result.compare(reference, Level) for result in others]
    if as_json:
        _print_json({
            "reference": reference.scenario.name, "seed": seed, "replicates": replicates,
            "years": list(reference.years), "calibration": reference.calibration, "interval": Level,
            "scenarios": [r.to_dict(Level) for r in results],
            "differences": [_records(c) for c in comparisons],
        })
        return
    _print_comparison(reference, others, comparisons)


def _records(frame: Any) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _print_comparison(reference: Any, others: list[Any], comparisons: list[Any]) -> None:
    table = Table(title=f"{_span(reference.years)}: difference from '{reference.scenario.name}' "
                        f"(guns/year; medians and 90% intervals over {len(reference.replicates):,} paired "
                        f"replicates, seed {reference.seed})",
                  caption=f"calibration: {reference.calibration}")
    for column in ("scenario", "quantity", "median guns/year", "difference [90% interval]",
                   "change [90% interval]"):
        table.add_column(column, overflow="fold")
    base = reference.summary(Level)
    for quantity in ("bought", "interdicted", "arrived"):
        row = base[(base["group"] == "total") & (base["quantity"] == quantity)].iloc[0]
        table.add_row(reference.scenario.name, quantity, _guns(row["median"]), "(reference)", "")
    for result, compared in zip(others, comparisons):
        for quantity in ("bought", "interdicted", "arrived"):
            row = compared[(compared["group"] == "total") & (compared["quantity"] == quantity)].iloc[0]
            table.add_row(result.scenario.name, quantity, _guns(row["median"]),
                          f"{row['difference']:+,.0f} [{row['difference_low']:+,.0f} to "
                          f"{row['difference_high']:+,.0f}]",
                          f"{row['relative_pct']:+.1f}% "
                          f"[{_interval(row['relative_low_pct'], row['relative_high_pct'], pct=True)}]")
    print_table(table)
    for result in others:
        for note in result.notes:
            console.print(f"note ({result.scenario.name}): {note}")


def sweep_command(
    grid: Annotated[Path, typer.Argument(help="a shipped sweep name (sweep_inspection_ubc) or a grid TOML file")],
    replicates: Annotated[int | None, typer.Option("--replicates", "-n", min=1, max=1_000_000,
                                                   help="override the grid file's replicates")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="override the grid file's seed")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, max=256,
                                                help="start a local Dask cluster of N worker processes")] = None,
    dask: Annotated[str | None, typer.Option("--dask", help="run on the Dask scheduler at this address "
                                                            "(tcp://host:8786)")] = None,
    as_json: AsJson = False,
    out: Annotated[Path | None, typer.Option("--out", help="also write the table as CSV")] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite --out")] = False,
    calibration: Calib = CalibrationChoice.auto,
) -> None:
    """Run a grid of lever values on one seed, in-process or on Dask; compare each point with the base."""
    from ironriver.supply_chain.sweep import Grid, dask_client, sweep

    spec = Grid.from_toml(grid)
    used_seed = spec.seed if seed is None else seed
    inputs = _prepare([spec.base, *spec.points], calibration, used_seed)
    with dask_client(workers=workers, address=dask) as client:
        backend = "in-process" if client is None else f"Dask ({_describe(client)})"
        with _progress(f"sweep on {backend}") as report:
            result = sweep(spec, replicates=replicates, seed=seed, client=client, progress=report, inputs=inputs)
    table = result.table("arrived", Level)
    if out is not None:
        with atomic_write(out, force=force) as stream:
            table.to_csv(stream, index=False)
    if as_json:
        _print_json({"grid": spec.name, "base": spec.base.name, "seed": result.base.seed,
                     "replicates": int(len(result.base.replicates)), "backend": backend,
                     "calibration": result.base.calibration, "quantity": "arrived", "interval": Level,
                     "points": _records(table)})
        return
    print_table(_sweep_table(spec, result, table, backend))


def _sweep_table(spec: Any, result: Any, table: Any, backend: str) -> Table:
    """One row per grid point: each varied setting in its own column (labels wrap between words), then
    arrivals and the paired difference from the base, medians with 90% intervals."""
    varied = [key.partition(".")[2] for key in spec.settings[0]] if spec.settings else []
    shown = Table(title=f"{spec.name}, {_span(result.base.years)}: guns arriving in Mexico a year vs base "
                        f"'{spec.base.name}' (medians and 90% intervals over {len(result.base.replicates):,} "
                        f"replicates, seed {result.base.seed}, {backend})",
                  caption=f"calibration: {result.base.calibration}")
    for name in varied:
        shown.add_column(name.replace("_", " "), overflow="fold")
    for column in ("arrived", "difference", "change"):
        shown.add_column(column, justify="right", overflow="fold")
    from ironriver.supply_chain.sweep import _show

    for row in table.to_dict(orient="records"):
        shown.add_row(*(_show(row[name]) for name in varied),
                      f"{_guns(row['median'])} [{_interval(row['low'], row['high'])}]",
                      f"{row['difference']:+,.0f} [{row['difference_low']:+,.0f} to {row['difference_high']:+,.0f}]",
                      f"{row['relative_pct']:+.1f}% [{_interval(row['relative_low_pct'], row['relative_high_pct'], pct=True)}]")
    return shown


def _describe(client: Any) -> str:
    try:
        return f"{len(client.scheduler_info()['workers'])} workers"
    except Exception:  # only cosmetic
        return "cluster"


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate_command)
    app.command("compare")(compare_command)
    app.command("sweep")(sweep_command)
