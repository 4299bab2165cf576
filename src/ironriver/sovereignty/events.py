"""Reading the timeline by one coding rule for both states: which events count against which state, and when.

The rule (shown in the report, :data:`CODING_RULE`): an event counts against a state when its reading for
that state is *against* — it denies the state a remedy it sought, shields the other side from the state's
remedies, binds the state to a forum it rejects, or aims the other state's force or designations at actors on
the state's territory. A procedural step (a petition, a grant of certiorari, an oral argument, one chamber's
vote) rules on nothing and never counts; an act counts once, when final. A ruling stops counting in the year a
higher court reverses it. Nothing recorded is missing, not zero: a concept is measured for a state only from
the first year the timeline codes an event of that concept against that state (before that, no coding effort
for that state can be shown) to the timeline's last year.

The per-state readings come from the timeline's ``reading_MEX`` / ``reading_USA`` columns when the timeline has
them; otherwise they are derived here from ``category``, ``target`` and ``state_affected`` with the exceptions
the rule requires (:data:`PROCEDURAL`, :data:`REVERSALS`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CODING_RULE", "readings", "timeline_event_years", "legal_barrier_counts", "TIMELINE_END"]

CODING_RULE = (
    "An event counts against a state when, read from that state's side, it denies the state a remedy it sought, "
    "shields the other side from the state's remedies, binds the state to a forum it rejects, or aims the other "
    "state's force or designations at actors on the state's territory. Procedural steps (petitions, grants of "
    "certiorari, arguments, one chamber's vote) rule on nothing and never count; an act counts once, when final; "
    "a ruling stops counting when a higher court reverses it. The same event may read against one state and not "
    "the other. A concept is measured for a state from the first year the timeline codes an event of it against "
    "that state; before that it is missing, not zero."
)
TIMELINE_END = 2025
"""Last year the timeline was compiled for."""
PROCEDURAL = frozenset({"cert_granted_2024", "sw_cert_petition_2024", "scotus_argued_2025", "plcaa_senate_2005",
                        "plcaa_house_2005", "mexico_v_sw_filed_2021", "arizona_dealers_suit_2022"})
"""Events that rule on nothing or are one stage of a later final act (used when the timeline has no readings)."""
REVERSALS: dict[str, str] = {"mexico_v_sw_dismissed_2022": "first_circuit_2024"}
"""Ruling → the later ruling that reversed it (the reversed ruling stops counting in the reversal's year)."""
CONCEPT_CATEGORIES: dict[str, frozenset[str]] = {
    "designations_and_directives": frozenset({"designation", "directive"}),
    "remedies_sought_and_denied": frozenset({"us_law", "mx_law", "ruling", "treaty", "withdrawal"}),
}


def readings(timeline: pd.DataFrame, state: str) -> pd.Series:
    """Each event's reading for ``state``: "against", "for" or "" (not about the state, or procedural)."""
    column = next((c for c in (f"reading_{state}", f"reading_{state.lower()}") if c in timeline.columns), None)
    if column is not None:
        return timeline[column].fillna("").astype(str).str.lower()
    procedural = timeline["id"].isin(PROCEDURAL)
    affected = timeline["state_affected"] == state
    against = affected & ~procedural & (
        timeline["category"].isin(["designation", "directive", "us_law", "mx_law"])
        | ((timeline["category"] == "ruling") & (timeline["target"] == state)))
    favour = affected & ~procedural & (timeline["category"] == "ruling") & (timeline["target"] != state)
    return pd.Series(np.select([against, favour], ["against", "for"], ""), index=timeline.index)


def _concept_events(timeline: pd.DataFrame, concept: str, state: str) -> pd.DataFrame:
    categories = CONCEPT_CATEGORIES[concept]
    kind = "westphalian" if concept == "designations_and_directives" else "international_legal"
    read = readings(timeline, state)
    return timeline[(read == "against") & timeline["category"].isin(categories)
                    & (timeline["sovereignty_kind"] == kind)].sort_values("date")


def _coverage(events: pd.DataFrame) -> tuple[int, int]:
    """(first year, last year) a concept is measured for a state; (0, −1) if never."""
    if events.empty:
        return 0, -1
    return int(events["date"].dt.year.min()), TIMELINE_END


def timeline_event_years(timeline: pd.DataFrame, concept: str, state: str) -> tuple[pd.DataFrame, tuple[int, int]]:
    """Events of ``concept`` read against ``state``, and the years the concept is measured for it."""
    events = _concept_events(timeline, concept, state)
    return events, _coverage(events)


def _reversal_years(timeline: pd.DataFrame) -> dict[str, int]:
    """Ruling id → year it was reversed (from the ``reverses`` column if present, else :data:`REVERSALS`)."""
    years = timeline.set_index("id")["date"].dt.year
    pairs = dict(REVERSALS)
    if "reverses" in timeline.columns:
        pairs = {str(r): str(i) for i, r in zip(timeline["id"], timeline["reverses"]) if isinstance(r, str) and r}
    return {ruling: int(years[by]) for ruling, by in pairs.items() if by in years.index}


def legal_barrier_counts(timeline: pd.DataFrame, state: str, years: np.ndarray
                         ) -> tuple[np.ndarray, list[str], tuple[int, int]]:
    """Shields and adverse final rulings in force against ``state`` per year, with lineage and coverage.

    A shield (a statute or a withdrawal from a forum) counts from its year on; a ruling from its year until the
    year a higher court reverses it.
    """
    events = _concept_events(timeline, "remedies_sought_and_denied", state)
    reversed_in = _reversal_years(timeline)
    counts = np.zeros(len(years))
    lineage = []
    for j, year in enumerate(years):
        live = events[(events["date"].dt.year <= year)
                      & events["id"].map(lambda i: reversed_in.get(i, 10_000) > year).astype(bool)]
        counts[j] = len(live)
        lineage.append(f"timeline remedies denied to {state} in force in {int(year)}: "
                       + (", ".join(live["id"]) if len(live) else "none"))
    return counts, lineage, _coverage(events)
