"""Sentences that explain ironriver's output in plain words, shared by every place that shows it.

The command line, the HTML report and the dashboard all print the sovereignty ledger; each prints the same
sentence under it, from here, so that the explanation cannot drift between them. This module sits below
every stage and imports nothing from the package.
"""

from __future__ import annotations

__all__ = ["THREAT_SCORE_SENTENCE", "GLOSSARY_PAGE"]

THREAT_SCORE_SENTENCE = (
    "How to read a threat score: it runs from 0 (no threat) towards 1; an indicator x becomes x/(x+r), "
    "which is ½ when x equals its reference value r and ¾ at three times r, where r is a named assumption "
    "with a range (listed with the assumptions; indicators that are already shares are used as they are); "
    "kinds and the overall score are weighted averages of these, and a score is not a probability."
)
"""One plain sentence on the threat scale, printed under every ledger (CLI, report, dashboard)."""

GLOSSARY_PAGE = "docs/glossary.md"
"""Where the terms the output uses are explained (posterior, 90% interval, ESS, k̂, …), in the source
distribution's user guide."""
