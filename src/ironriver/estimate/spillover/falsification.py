"""Falsification tests: the specifications the main estimate must survive.

A placebo expiry date (on pre-expiry data only, checked to leave enough months on each side), non-firearm
homicides, Baja California alone, leave-one-treated-state-out, dropping Sinaloa, a window ending before the
December 2006 federal offensive, and INEGI totals with a longer pre-period — each a :class:`~.design.Design`
estimated like the main one. Imports from :mod:`.design`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ironriver.errors import OutOfRangeError
from ironriver.estimate.spillover.design import (
    BAJA_CALIFORNIA, Design, INEGI_START, MIN_SIDE_MONTHS, OFFENSIVE_WINDOW_END, SINALOA, format_month,
    parse_month,
)

def check_placebo_date(placebo: int, start: int, expiry: int) -> None:
    """Raise :class:`OutOfRangeError` unless ``placebo`` leaves 12 months each side between ``start`` and ``expiry``."""
    first, last = start + MIN_SIDE_MONTHS, expiry - MIN_SIDE_MONTHS
    if not first <= placebo <= last:
        raise OutOfRangeError(
            f"placebo date {format_month(placebo)} is outside {format_month(first)}..{format_month(last)}: it needs "
            f"{MIN_SIDE_MONTHS} months of data on each side between the panel start {format_month(start)} and "
            f"the real expiry {format_month(expiry)}")


def falsification_designs(main: Design, placebo: int, inegi_states: Sequence[str] = ()) -> list[Design]:
    """The falsification and robustness specifications that go with ``main``.

    Each keeps ``main``'s outcome unless it is the outcome check. ``inegi_states`` (the INEGI panel's states)
    adds the longer-pre-period check on INEGI totals; leave empty to skip it.
    """
    other = ("nonfirearm_homicides", "non-firearm homicides") if main.outcome != "nonfirearm_homicides" \
        else ("firearm_homicides", "firearm homicides")
    designs = [
        replace(main, name="placebo_date", label=f"placebo expiry {format_month(placebo)} (data to "
                f"{format_month(main.post_start - 1)})", end=main.post_start - 1, post_start=placebo,
                expectation="≈ 0: nothing expired then"),
        replace(main, name="other_outcome", label=f"outcome: {other[1]}", outcome=other[0],
                expectation="≈ 0 if the channel is guns" if other[0] == "nonfirearm_homicides"
                else "contrast: the gun channel predicts an effect here"),
        replace(main, name="baja_california", label="Baja California alone vs interior (CA kept its ban)",
                treated=(BAJA_CALIFORNIA,), states=tuple(s for s in main.states if s not in main.treated),
                expectation="≈ 0: California's own ban stayed"),
    ]
    for state in main.treated:
        designs.append(replace(main, name=f"drop_{state}", label=f"drop {_state_name(state)} ({state})",
                               treated=tuple(s for s in main.treated if s != state),
                               states=tuple(s for s in main.states if s != state),
                               expectation="close to the headline unless one state drives it"))
    designs += [
        replace(main, name="drop_25", label="drop Sinaloa (25) from the comparison",
                states=tuple(s for s in main.states if s != SINALOA),
                expectation="close to the headline (Sinaloa–Juárez split, Sept 2004)"),
        replace(main, name="window_2006", label=f"window to {OFFENSIVE_WINDOW_END} (before the federal offensive)",
                end=parse_month(OFFENSIVE_WINDOW_END),
                expectation="close to the headline unless 2007–08 violence drives it"),
        replace(main, name="other_outcome_2006", label=f"outcome: {other[1]}, window to {OFFENSIVE_WINDOW_END}",
                outcome=other[0], end=parse_month(OFFENSIVE_WINDOW_END),
                expectation="≈ 0 if the channel is guns" if other[0] == "nonfirearm_homicides"
                else "contrast: the gun channel predicts an effect here"),
    ]
    if inegi_states:
        designs.append(replace(main, name="inegi_all", source="inegi", outcome="homicides",
                               states=tuple(sorted(inegi_states)), start=parse_month(INEGI_START),
                               label=f"INEGI all homicides from {INEGI_START} (longer pre-period)",
                               expectation="all homicides, other tabulation: compare with --outcome all"))
    return designs


def _state_name(code: str) -> str:
    from ironriver.store.names import MX_STATES

    return MX_STATES.get(code, code)

