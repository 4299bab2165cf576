"""Lineage: every number in the report says where it came from.

The report is rendered from a *data model*, a tree of dicts, lists, strings and numbers
(:func:`ironriver.report.datamodel.build_model`). The rule this module enforces: the nearest dict above
every number has a ``lineage`` entry — either a non-empty string naming the number's origin (a store
table with its filter, a literature id, a model output, an assumption id) or a dict mapping that field's
key to such a string. :func:`missing_lineage` walks the tree and returns the path of every number that
breaks the rule; the report refuses to render a model with any. Chart hovers and HTML tooltips show the
same strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from numbers import Number
from typing import Any

__all__ = ["missing_lineage", "numbers_with_lineage", "check_lineage", "LineageError"]

LINEAGE_ORIGIN = re.compile(r"^\(?(store|literature|model|assumption|timeline|derived|run)\b")
"""Every lineage string starts with one of these words, naming the kind of origin."""


class LineageError(ValueError):
    """The report's data model has numbers without lineage."""


def _is_number(value: Any) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def _lineage_for(node: dict[str, Any], key: str) -> str | None:
    lineage = node.get("lineage")
    if isinstance(lineage, str):
        return lineage or None
    if isinstance(lineage, dict):
        value = lineage.get(key)
        return value if isinstance(value, str) and value else None
    return None


def numbers_with_lineage(model: Any) -> Iterator[tuple[str, Any, str | None]]:
    """Yield ``(path, number, lineage or None)`` for every number in the model."""

    def walk(node: Any, path: str, owner: dict[str, Any] | None, key: str | None) -> Iterator[tuple[str, Any, str | None]]:
        if isinstance(node, dict):
            for child_key, child in node.items():
                if child_key == "lineage":
                    continue
                yield from walk(child, f"{path}.{child_key}", node, str(child_key))
        elif isinstance(node, (list, tuple)):
            for index, child in enumerate(node):
                yield from walk(child, f"{path}[{index}]", owner, key)
        elif _is_number(node):
            yield path, node, (_lineage_for(owner, key or "") if owner is not None else None)

    yield from walk(model, "$", None, None)


def missing_lineage(model: Any) -> list[str]:
    """Paths of the numbers whose nearest dict has no lineage for them (empty list = all traced)."""
    return [path for path, _, lineage in numbers_with_lineage(model) if lineage is None]


def badly_labelled(model: Any) -> list[str]:
    """Paths of numbers whose lineage does not start with a known kind of origin."""
    return [path for path, _, lineage in numbers_with_lineage(model)
            if lineage is not None and not LINEAGE_ORIGIN.match(lineage)]


def check_lineage(model: Any) -> None:
    """Raise :class:`LineageError` naming the first few numbers without (proper) lineage."""
    bad = missing_lineage(model) + badly_labelled(model)
    if bad:
        shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise LineageError(f"{len(bad)} number(s) in the report lack lineage: {shown}")
