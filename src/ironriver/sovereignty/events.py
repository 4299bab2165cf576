"""Reading the timeline by one coding rule for both states: which events count against which state, and when.

The rule (shown in the report, :data:`CODING_RULE`): an event counts against a state when its reading for
that state is *against* — it denies the state a remedy it sought, shields the other side from the state's
remedies, binds the state to a forum it rejects, or aims the other state's force or designations at actors on
the state's territory. A procedural step (a petition, a grant of certiorari, an oral argument, one chamber's
vote) rules on nothing and never counts; an act counts once, when final. A ruling stops counting in the year a
higher court reverses it. Nothing recorded is missing, not zero: a concept is measured for a state only from
the first year the timeline codes an event of that concept against that state (before that, no coding effort
for that state can be shown) to the timeline's last year.

The per-state readings are the timeline's ``reading_mex`` / ``reading_usa`` columns and its ``reverses`` column
(coded in the literature package by this rule); this module only applies them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ironriver.errors import IronRiverError

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
CONCEPT_CATEGORIES: dict[str, frozenset[str]] = {
    "designations_and_directives": frozenset({"designation", "directive"}),
    "remedies_sought_and_denied": frozenset({"us_law", "mx_law", "ruling", "treaty", "withdrawal"}),
}


def readings(timeline: pd.DataFrame, state: str) -> pd.Series:
    """Each event's reading for ``state``: "against", "for" or "" (not about the state, or procedural)."""
    column = f"reading_{state.lower()}"
    if column not in timeline.columns:
        raise IronRiverError(f"the timeline has no {column} column: it must be coded per state (see its README)")
    return timeline[column].fillna("").astype(str).str.lower()


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
    """Ruling id → year it was reversed (the timeline's ``reverses`` column)."""
    years = timeline.set_index("id")["date"].dt.year
    pairs = {str(r): str(i) for i, r in zip(timeline["id"], timeline.get("reverses", pd.Series(dtype=str)))
             if isinstance(r, str) and r}
    return {ruling: int(years[by]) for ruling, by in pairs.items() if by in years.index}


def legal_barrier_counts(timeline: pd.DataFrame, state: str, years: np.ndarray
                         ) -> tuple[np.ndarray, list[str], tuple[int, int]]:
    """Shields and adverse final rulings in force against ``state`` per year, with lineage and coverage.

    A shield (a statute or a withdrawal from a forum) counts from its year on; a ruling from its year until the
    year a higher court reverses it.
    """
    events = _concept_events(timeline, "remedies_sought_and_denied", state)
    reversed_in = _reversal_years(timeline)
    ids = events["id"].to_numpy()
    start = events["date"].dt.year.to_numpy()
    end = np.array([reversed_in.get(i, 10_000) for i in ids])
    years = np.asarray(years)
    live = (start[:, None] <= years[None, :]) & (end[:, None] > years[None, :])       # (events, years)
    lineage = [f"timeline remedies denied to {state} in force in {int(year)}: "
               + (", ".join(ids[live[:, j]]) if live[:, j].any() else "none") for j, year in enumerate(years)]
    return live.sum(axis=0).astype(float), lineage, _coverage(events)
