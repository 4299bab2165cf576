"""``ironriver spillover``: the 2004 assault-weapons-ban expiry and homicides in Mexico's border states.

A thin layer over :func:`ironriver.estimate.spillover.spillover`: it builds the store if needed, runs the
estimate with its randomisation inference and falsification tests, and prints either Rich tables (headline,
event study, falsification, confounders, interpretation) or, with ``--json``, the machine output of
``SpilloverResult.to_dict()``. ``--plot FILE.html`` also writes the event-study chart (atomically).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ironriver.cli._common import console, ensure_store_with_progress, print_table
from ironriver.files import atomic_write

if TYPE_CHECKING:
    from ironriver.estimate.spillover import Interval, SpilloverResult


def _pct(value: float) -> str:
    return f"{value:+.1f}%" if math.isfinite(value) else ("−∞" if value < 0 else "+∞")


def _range(low: float, high: float, pct: bool = True) -> str:
    if pct:
        return f"{_pct(low)} to {_pct(high)}"
    return f"{low:,.0f} to {high:,.0f}"


def _headline_table(result: SpilloverResult) -> Table:
    table = Table(title=f"Effect of the {result.to_dict()['expiry_month']} US assault-weapons-ban expiry: "
                        f"{result.outcome} homicides in Coahuila, Chihuahua, Nuevo León, Sonora, Tamaulipas "
                        f"vs Baja California + interior")
    for column in ("quantity", "point estimate", "90 % interval", "95 % interval", "method"):
        table.add_column(column, overflow="fold")

    def row(name: str, interval: Interval, method: str, pct: bool = True) -> None:
        estimate = _pct(interval.estimate) if pct else f"{interval.estimate:,.0f}"
        table.add_row(name, estimate, _range(interval.low90, interval.high90, pct),
                      _range(interval.low95, interval.high95, pct), method)

    row("effect (% change)", result.effect_pct, "placebo-in-space randomisation (headline)")
    row("extra deaths a year, treated states", result.extra_deaths_per_year, "same", pct=False)
    row("effect, constant-effect inversion", result.constant_effect_pct, "Fisher test inverted (cross-check)")
    row("effect, cluster-robust", result.main.cluster_pct, "CR1, t(G−1) — reference only")
    table.caption = (f"exact randomisation p (no effect anywhere) = {result.ri_p:.3f}; placebo p (mean effect 0) = "
                     f"{result.placebo_p:.3f}; pre-trend p = {result.pretrend.p:.3f} (randomisation; CR Wald "
                     f"{result.pretrend.p_cluster_wald:.3f}); {result.main.n_placebo_sets:,} placebo sets, seed "
                     f"{result.seed}")
    return table


def _event_table(result: SpilloverResult) -> Table:
    table = Table(title="Event study: % change vs 2003 (reference), 95 % placebo-in-space bands")
    for column in ("year", "vs expiry", "estimate", "95 % band", "cluster-robust 95 %"):
        table.add_column(column, justify="right")
    for r in result.event_study.itertuples():
        if r.reference:
            table.add_row(str(r.year), f"{r.relative_year:+d}", "0 (reference)", "—", "—")
        else:
            table.add_row(str(r.year), f"{r.relative_year:+d}", _pct(r.effect_pct), _range(r.low95, r.high95),
                          _range(r.cluster_low95, r.cluster_high95))
    return table


def _falsification_table(result: SpilloverResult) -> Table:
    table = Table(title="Falsification and robustness (placebo-in-space intervals)")
    for column in ("design", "expect", "effect", "95 % interval", "p (mean 0)", "p (none)"):
        table.add_column(column, overflow="fold")
    for r in [result.main, *result.falsification]:
        e = r.effect_pct
        table.add_row(r.design.label, r.design.expectation, _pct(e.estimate), _range(e.low95, e.high95),
                      f"{r.placebo_p:.3f}", f"{r.ri_p:.3f}")
    table.caption = "p (none): exact randomisation test of no effect in any treated state-month"
    return table


def spillover_command(
    outcome: Annotated[str, typer.Option(metavar="firearm|nonfirearm|all", help="homicides counted")] = "firearm",
    placebo_date: Annotated[str, typer.Option("--placebo-date", metavar="YYYY-MM",
                                              help="placebo expiry for the falsification test")] = "2002-09",
    seed: Annotated[int, typer.Option(help="seed of the randomisation draws (≥ 0)")] = 0,
    draws: Annotated[int, typer.Option("--draws", help="placebo sets per test (≥ 99)")] = 4999,
    as_json: Annotated[bool, typer.Option("--json", help="print machine-readable JSON")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="also write the event-study chart (HTML)")] = None,
    force: Annotated[bool, typer.Option("--force", help="overwrite the --plot file")] = False,
) -> None:
    """Difference-in-differences and event study of the 2004 US assault-weapons-ban expiry (Dube et al. design)."""
    from ironriver.errors import IronRiverError, OutOfRangeError, UnknownNameError
    from ironriver.estimate.spillover import (MIN_DRAWS, OUTCOMES, PANEL_START, check_placebo_date, expiry_month,
                                              parse_month, spillover)

    # every user mistake is caught here, before the store is built or data read: one line, exit status 2
    if outcome not in OUTCOMES:
        raise UnknownNameError("outcome", outcome, OUTCOMES)
    if seed < 0 or draws < MIN_DRAWS:
        raise OutOfRangeError(f"--seed must be ≥ 0 and --draws ≥ {MIN_DRAWS} (got {seed}, {draws})")
    check_placebo_date(parse_month(placebo_date, "placebo date"), parse_month(PANEL_START), expiry_month())
    if plot is not None and plot.exists() and not force:  # atomic_write checks too, but only after the estimate
        raise IronRiverError(f"{plot} exists; pass --force to overwrite it")
    ensure_store_with_progress()
    result = spillover(outcome=outcome, placebo_date=placebo_date, seed=seed, bootstrap_draws=draws)
    if plot is not None:
        with atomic_write(plot, force=force) as stream:
            stream.write(result.plot().to_html(include_plotlyjs=True, full_html=True))
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    summary = result.panel_summary
    console.print(f"[bold]Panel[/bold]: {summary['states']} states × {summary['months']} months "
                  f"({summary['window'][0]}..{summary['window'][1]}), {summary['deaths_in_panel']:,} deaths; "
                  f"left out: " + "; ".join(f"{d['reason']} {d[result.main.design.outcome]:,}"
                                            for d in summary["dropped"]))
    print_table(_headline_table(result))
    print_table(_event_table(result))
    print_table(_falsification_table(result))
    console.print("[bold]Known confounders[/bold]")
    for item in result.confounders:
        console.print(f"  • {item}")
    console.print(f"[bold]Inference[/bold]: {result.inference}")
    console.print(f"[bold]Interpretation[/bold]: {result.interpretation}")
    if plot is not None:
        console.print(f"wrote the event-study chart to {plot}")


def register(app: typer.Typer) -> None:
    app.command("spillover")(spillover_command)
