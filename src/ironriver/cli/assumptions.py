"""``ironriver assumptions``: every named assumption of every stage, from the one registry.

A view of :mod:`ironriver.assumptions`: the numbers no dataset or publication gives — priors of the iron-river
model, fixed values of the observation models, the simulation's sampled assumptions, the ledger's reference
points — each with its value, range, how it is sampled, unit, source and reason.
"""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer
from rich.table import Table

from ironriver.cli._common import console, ensure_store_with_progress


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _json_value(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def assumptions_command(
    stage: Annotated[str | None, typer.Option("--stage", metavar="STAGE",
                                              help="only this stage: evidence|estimate|supply_chain|sovereignty")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print a JSON list of objects")] = False,
) -> None:
    """Every named assumption of every stage: value, range, how it is sampled, unit, source, why."""
    from dataclasses import asdict

    from ironriver.assumptions import STAGES, all_assumptions
    from ironriver.errors import IronRiverError

    if stage is not None and stage not in STAGES:  # checked before the store is built
        raise IronRiverError(f"unknown stage {stage!r}; choose one of: {', '.join(STAGES)}")
    ensure_store_with_progress()
    items = all_assumptions(stage)
    if as_json:
        rows = [{**{k: _json_value(v) for k, v in asdict(a).items() if k != "parameters"},
                 "parameters": dict(a.parameters), "distribution_text": a.describe()} for a in items]
        print(json.dumps(rows, ensure_ascii=False, allow_nan=False))
        return
    table = Table(title=f"named assumptions ({len(items)}{'' if stage is None else ', stage ' + stage})")
    for column in ("stage", "name", "value", "range", "sampled as", "unit", "source", "why"):
        table.add_column(column, overflow="fold")
    for a in items:
        span = f"{_number(a.low)}–{_number(a.high)}" if a.low is not None else ""
        table.add_row(a.stage, a.name, _number(a.value), span, a.describe(), a.unit, a.source[:60], a.why[:160])
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("assumptions")(assumptions_command)
