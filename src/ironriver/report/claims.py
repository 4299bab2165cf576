"""The report's "The essay's claims, checked" section: one row per claim, placed right after the verdict.

:func:`claims_block` evaluates the claims (:mod:`ironriver.essay`) on the assessment the report is built
from, so the section reads the same posterior, ledger and verdict as the rest of the page;
:func:`claims_section` draws it as HTML: the claim, its status, why, the evidence with each item's lineage as a
tooltip and in the text, the rule, and what would change the status.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["claims_block", "claims_section", "STATUS_COLOURS"]

STATUS_COLOURS = {"supported": "#1b7837", "partly supported": "#7f6d00", "overstated": "#b35806",
                  "contradicted": "#b2182b", "not testable with the bundled evidence": "#666666"}


def claims_block(assessment: Any) -> dict[str, Any]:
    """The claims as the report's data: ``{"available", "rows", "note"}``."""
    from ironriver.essay import evaluate
    from ironriver.essay.inputs import from_assessment

    try:
        rows = evaluate(from_assessment(assessment))
    except Exception as error:  # the report is still drawn; the section says why it is empty
        return {"available": False, "rows": [], "note": f"the claims could not be evaluated: {error}"}
    return {"available": True, "rows": rows, "note": ""}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _evidence(items: list[dict[str, Any]]) -> str:
    lis = "".join(
        f'<li><span class="num" title="{_e(i["lineage"])}">'
        f'{"[" + _e(i["finding"]) + "] " if "finding" in i else ""}{_e(i["what"])}: {_e(i["value"])}</span>'
        f'<br><small>{_e(i["lineage"])}</small></li>' for i in items)
    return f"<details><summary>{len(items)} item{'s' if len(items) != 1 else ''}</summary><ul>{lis}</ul></details>"


def claims_section(model: dict[str, Any]) -> str:
    """The section's HTML (empty string if the model has no claims block)."""
    block = model.get("claims")
    if not block:
        return ""
    intro = ("ironriver was built to test a realist essay (2025) arguing that the border threatens Mexico's "
             "sovereignty more than the United States'. Each claim, in our words, is checked by the rule beside it: "
             "numeric rules are computed from this run's evidence; matter-of-record claims cite the record.")
    if not block["available"]:
        body = f'<p class="missing">Not included in this run: {_e(block["note"])}.</p>'
    else:
        rows = "".join(
            f'<tr id="claim-{_e(r["id"])}" data-status="{_e(r["status"])}"><td><code>{_e(r["id"])}</code></td>'
            f'<td>{_e(r["claim"])}</td>'
            f'<td class="status" style="color:{STATUS_COLOURS[r["status"]]};font-weight:600">{_e(r["status"])}'
            f'<br><small>{_e(r["basis"])}</small></td>'
            f'<td>{_e(r["why"])}<details><summary>rule</summary>{_e(r["rule"])}</details></td>'
            f'<td>{_evidence(r["evidence"])}</td><td>{_e(r["would_change"])}</td></tr>'
            for r in block["rows"])
        body = ("<table><thead><tr><th>id</th><th>claim</th><th>status</th><th>why (and the rule)</th>"
                f"<th>evidence</th><th>what would change it</th></tr></thead><tbody>{rows}</tbody></table>")
    return f'<section id="claims"><h2>The essay\'s claims, checked</h2><p>{intro}</p>{body}</section>'
