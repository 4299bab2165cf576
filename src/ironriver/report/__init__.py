"""The report stage: the assessment as a data model in which every number has lineage, and as one
self-contained HTML file (Plotly inlined once; opens offline).

``build_model(assessment)`` → JSON-ready tree (:mod:`~ironriver.report.datamodel`); ``render(model)`` →
HTML string (:mod:`~ironriver.report.html`); ``check_lineage(model)`` fails on any number without
lineage (:mod:`~ironriver.report.lineage`). Charts live in :mod:`~ironriver.report.charts`.
"""

from __future__ import annotations

from ironriver.report.datamodel import SECTIONS, build_model, comparison_record, section, to_json
from ironriver.report.html import DEFAULT_REPORT, render, write_report
from ironriver.report.lineage import LineageError, check_lineage, missing_lineage

__all__ = ["build_model", "to_json", "section", "SECTIONS", "comparison_record", "render", "write_report", "DEFAULT_REPORT", "check_lineage",
           "missing_lineage", "LineageError"]
