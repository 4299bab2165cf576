"""Matter-of-record checks: a claim split into parts, each looked up in the timeline or the literature.

A part is one thing the claim asserts — an event on a date, a word the record of an event uses, a published
figure — and its check returns a :class:`Finding`: ``confirmed`` (the record says it), ``contradicted`` (the
record says otherwise), ``qualified`` (the record says a narrower thing) or ``absent`` (the bundled record is
silent: missing, not false). Each finding carries the evidence it read, with its lineage (the timeline event or
literature row, its source and, for figures, the source's grade). :func:`combine` turns the findings into one
status by a single rule shared by every matter-of-record claim. Nothing here knows which claim it serves: the
parts are declared in :mod:`~ironriver.essay.table`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ironriver.essay.inputs import ClaimInputs

__all__ = ["Finding", "Dated", "Says", "Figure", "Computed", "combine", "FINDINGS", "COMBINE_RULE",
           "timeline_lineage", "literature_lineage"]

FINDINGS = ("confirmed", "contradicted", "qualified", "absent")

COMBINE_RULE = ("all parts confirmed → supported; a part contradicted → partly supported if another part is "
                "confirmed, else contradicted; a part qualified (the record supports a narrower statement) → "
                "overstated; a part the bundled record is silent on → partly supported if another part is "
                "confirmed, else not testable with the bundled evidence")
"""The one rule by which a matter-of-record claim's parts become its status (applied by :func:`combine`)."""


@dataclass(frozen=True)
class Finding:
    """What the record says about one part of a claim."""

    part: str
    finding: str
    evidence: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.finding not in FINDINGS:
            raise ValueError(f"unknown finding {self.finding!r}")


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def timeline_lineage(row: pd.Series) -> str:
    """``timeline <id> (<date>): <source>`` for one timeline row."""
    return f"timeline {row['id']} ({_text(row['date'])[:10]}): {_text(row['source'])}"


def grade(row: pd.Series) -> str:
    """The grade of a literature row's source: its ``quality`` where the table has one, else its kind."""
    quality = _text(row.get("quality")) if "quality" in row.index else ""
    kind = _text(row.get("source_kind"))
    return f"quality {quality}, {kind}" if quality else kind


def literature_lineage(row: pd.Series) -> str:
    """``literature <id>: <source> (<grade>)`` for one literature row."""
    return f"literature {row['id']}: {_text(row['source'])} ({grade(row)})"


def _event_item(row: pd.Series) -> dict[str, Any]:
    return {"what": _text(row["event"]), "value": _text(row["date"])[:10], "lineage": timeline_lineage(row)}


def _figure_item(row: pd.Series) -> dict[str, Any]:
    value, low, high = (row.get(k) for k in ("value", "low", "high"))
    shown = _number(value, row.get("unit"))
    interval = [x for x in (low, high) if x is not None and not pd.isna(x)]
    if len(interval) == 2:
        shown += f" ({_number(interval[0], row.get('unit'))}–{_number(interval[1], row.get('unit'))})"
    return {"what": f"{row['quantity']}, {_text(row.get('period'))}, {_text(row.get('geography'))}",
            "value": shown, "lineage": literature_lineage(row)}


def _number(value: Any, unit: Any) -> str:
    if value is None or pd.isna(value):
        return "n/a"
    value = float(value)
    if _text(unit) == "fraction":
        return f"{100 * value:.0f}%"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _searchable(row: pd.Series) -> str:
    return " ".join(_text(row.get(c)) for c in ("event", "actor", "target", "note")).lower()


@dataclass(frozen=True)
class Dated:
    """The claim dates an event: find the timeline events that match ``where`` (column → value) and contain every
    word in ``terms``; confirmed if one falls in ``year`` (and ``month``), contradicted if they all fall at
    other times, absent if none matches."""

    part: str
    year: int
    terms: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    month: int | None = None

    def check(self, inputs: ClaimInputs) -> Finding:
        rows = inputs.timeline
        for column, value in self.where:
            rows = rows[rows[column].astype(str) == value]
        rows = rows[[all(t.lower() in _searchable(r) for t in self.terms) for _, r in rows.iterrows()]]
        if rows.empty:
            return Finding(self.part, "absent")
        dates = pd.to_datetime(rows["date"])
        on_time = (dates.dt.year == self.year) & ((dates.dt.month == self.month) if self.month else True)
        chosen = rows[on_time.to_numpy()] if on_time.any() else rows
        return Finding(self.part, "confirmed" if on_time.any() else "contradicted",
                       tuple(_event_item(r) for _, r in chosen.iterrows()))


@dataclass(frozen=True)
class Says:
    """The claim says something of one recorded event: confirmed if its record contains every word in
    ``terms``, contradicted if it contains a word in ``contrary`` instead, absent if neither."""

    part: str
    event: str
    terms: tuple[str, ...]
    contrary: tuple[str, ...] = ()

    def check(self, inputs: ClaimInputs) -> Finding:
        rows = inputs.timeline[inputs.timeline["id"] == self.event]
        if rows.empty:
            return Finding(self.part, "absent")
        row = rows.iloc[0]
        text = _searchable(row)
        item = (_event_item(row),)
        if all(t.lower() in text for t in self.terms):
            return Finding(self.part, "confirmed", item)
        if any(t.lower() in text for t in self.contrary):
            return Finding(self.part, "contradicted", item)
        return Finding(self.part, "absent", item)


@dataclass(frozen=True)
class Figure:
    """The claim rests on published figures: ``test`` maps the literature rows with these ``ids`` (in order) to
    a finding; absent if any row is missing from the table."""

    part: str
    ids: tuple[str, ...]
    test: Callable[[list[pd.Series]], str]

    def check(self, inputs: ClaimInputs) -> Finding:
        table = inputs.literature.set_index("id", drop=False)
        if any(i not in table.index for i in self.ids):
            present = tuple(_figure_item(table.loc[i]) for i in self.ids if i in table.index)
            return Finding(self.part, "absent", present)
        rows = [table.loc[i] for i in self.ids]
        return Finding(self.part, self.test(rows), tuple(_figure_item(r) for r in rows))


@dataclass(frozen=True)
class Computed:
    """The claim rests on a model output: ``test`` maps the inputs to (finding, evidence items)."""

    part: str
    test: Callable[[ClaimInputs], tuple[str, tuple[dict[str, Any], ...]]]

    def check(self, inputs: ClaimInputs) -> Finding:
        finding, items = self.test(inputs)
        return Finding(self.part, finding, items)


def combine(findings: list[Finding]) -> str:
    """The status of a matter-of-record claim from its parts' findings, by :data:`COMBINE_RULE`."""
    kinds = {f.finding for f in findings}
    some_confirmed = "confirmed" in kinds
    if "contradicted" in kinds:
        return "partly supported" if some_confirmed else "contradicted"
    if "qualified" in kinds:
        return "overstated"
    if "absent" in kinds:
        return "partly supported" if some_confirmed else "not testable with the bundled evidence"
    return "supported"
