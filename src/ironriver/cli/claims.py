"""``ironriver claims``: the essay's claims, each with its status, the rule behind it and the evidence.

Prints one record per claim, wrapped to 80 columns, or with ``--json`` the list of claim objects (``id``,
``claim``, ``status``, ``why``, ``rule``, ``basis``, ``evidence`` with ``lineage``, ``would_change``) on stdout.
Nothing is printed until every claim is evaluated, so a bad argument leaves no partial output.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Annotated, Any

import typer

WIDTH = 80


def _wrap(label: str, text: str, indent: int = 2) -> list[str]:
    first = " " * indent + (f"{label}: " if label else "")
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=" " * (indent + 2),
                         break_on_hyphens=False) or [first.rstrip()]


def record_view(records: list[dict[str, Any]]) -> str:
    """The claims as a record view: one block per claim, every line at most :data:`WIDTH` characters."""
    from ironriver.essay import STATUSES

    counts = {status: n for status in STATUSES if (n := sum(r["status"] == status for r in records))}
    lines = textwrap.wrap(f"The essay's {len(records)} claims, checked: "
                          + ", ".join(f"{n} {status}" for status, n in counts.items()) + ".", WIDTH) + [""]
    for r in records:
        lines += textwrap.wrap(f"{r['id']} — {r['status'].upper()}", WIDTH)
        lines += _wrap("claim", r["claim"])
        lines += _wrap("why", r["why"])
        lines += _wrap("rule", r["rule"])
        lines.append("  evidence:")
        for item in r["evidence"]:
            mark = f"[{item['finding']}] " if "finding" in item else ""
            lines += _wrap("", f"• {mark}{item['what']}: {item['value']}", indent=4)
            lines += _wrap("", f"from {item['lineage']}", indent=6)
        lines += _wrap("would change", r["would_change"])
        lines.append("")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("claims")
    def claims_command(
        years: Annotated[str | None, typer.Option("--years", help="the ledger's window A:B, e.g. 2005:2024")] = None,
        scenario: Annotated[Path | None, typer.Option("--scenario", help="scenario: a shipped name (`ironriver scenarios list`) or a TOML file; policy levers applied first")] = None,
        spec: Annotated[str | None, typer.Option("--spec", help="specification (shipped name or TOML path) the verdict is read under")] = None,
        seed: Annotated[int, typer.Option("--seed", help="seed of every random draw")] = 0,
        as_json: Annotated[bool, typer.Option("--json", help="print the claims as a JSON list on stdout")] = False,
        no_cache: Annotated[bool, typer.Option("--no-cache", help="re-evaluate even if a cached result exists")] = False,
    ) -> None:
        """The essay's claims tested against the evidence: status, why, rule, evidence with lineage."""
        from ironriver.essay import claim_records
        from ironriver.sovereignty.chain import parse_years

        parse_years(years)  # a bad window or scenario fails here, before any work
        if scenario is not None:
            from ironriver.data.shipped import resolve_shipped

            scenario = resolve_shipped("scenarios", scenario)
        specification = None
        if spec is not None:
            from ironriver.sovereignty.specification import load_specification

            specification = load_specification(spec)
        records = claim_records(years, seed=seed, scenario=scenario, specification=specification,
                                use_cache=not no_cache)
        if as_json:
            typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        else:
            typer.echo(record_view(records))
