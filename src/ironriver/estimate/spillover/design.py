"""The design of the spillover estimate: who is treated, when, compared with whom.

Constants of the Dube, Dube & García-Ponce (APSR 2013) design at state level — the outcomes, the five treated border
states, the panel window, the event-study reference year, the confounders and the stated assumptions that travel
with every result —, month arithmetic (months are integers: year × 12 + month − 1), and :class:`Design`, one
specification (states, months, treated set, outcome). Imports nothing from the other spillover modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ironriver.errors import IronRiverError, UnknownNameError

# --- the design: who is treated, when, compared with whom --------------------------------------------------

OUTCOMES: dict[str, str] = {"firearm": "firearm_homicides", "nonfirearm": "nonfirearm_homicides", "all": "homicides"}
"""CLI/API outcome name -> panel column (deaths per state-month; all three from the Valle-Jones tabulation)."""

TREATED_STATES: tuple[str, ...] = ("05", "08", "19", "26", "28")
"""INEGI codes of the states bordering Texas, New Mexico or Arizona: Coahuila, Chihuahua, Nuevo León, Sonora,
Tamaulipas (Dube, Dube & García-Ponce's treated border, at state level)."""

BAJA_CALIFORNIA, SINALOA, TAMAULIPAS, CHIHUAHUA = "02", "25", "28", "08"

PANEL_START, PANEL_END = "1998-01", "2008-11"
"""The Valle-Jones monthly file covers 1998–2008; December 2008 is dropped as incompletely registered
(data audit §0 #2; the original analysis drops it too)."""

INEGI_START = "1990-01"
"""Start of the INEGI state-month series used for the longer-pre-period check."""

EVENT_REFERENCE_YEAR = 2003
"""Omitted event-study year: the last full calendar year before the expiry (2004 mixes 8 pre and 4 post months)."""

DEFAULT_PLACEBO_DATE = "2002-09"
"""Placebo expiry two years before the real one, estimated on pre-expiry data only."""

OFFENSIVE_WINDOW_END = "2006-11"
"""Last month before the federal offensive against the cartels began in December 2006; the window check ends here."""

MIN_SIDE_MONTHS = 12
"""A placebo date needs at least this many months of data on each side inside the pre-expiry window."""

MIN_DRAWS = 99
"""Fewest randomisation draws accepted (a 5 % test needs at least 19; intervals need many more)."""

CONFOUNDERS: tuple[str, ...] = (
    "Nuevo Laredo, 2004–05: the Gulf cartel and its Zetas fought the Sinaloa cartel for the Nuevo Laredo "
    "crossing (Tamaulipas, a treated state) — see 'drop Tamaulipas (28)'.",
    "Sinaloa–Juárez split, September 2004 — the same month as the expiry: the Sinaloa and Juárez cartels broke "
    "their alliance, raising violence in Sinaloa (a comparison state) and later Chihuahua (treated) — see "
    "'drop Sinaloa (25)' and 'drop Chihuahua (08)'.",
    "Federal offensive from December 2006 and the 2008 war for Ciudad Juárez (Chihuahua): violence after 2006 "
    "has causes unrelated to the ban — see 'window to 2006-11'.",
)

ASSUMPTIONS: tuple[str, ...] = (
    "Post period starts in the month of the expiry (September 2004, timeline id awb_expired_2004); counting it "
    "as post biases the effect slightly towards zero (12 of its 30 days were before the expiry).",
    "December 2008 dropped (registrations incomplete); deaths whose month was not recorded are left out of the "
    "monthly panel (counts in panel.dropped).",
    "Population offset: CONAPO 2023 projections interpolated monthly (mx_population_monthly), one vintage for "
    "the whole panel.",
    "Randomisation inference treats the border states as exchangeable with any other set of as many states; "
    "studentising protects against states of different size and variance (MacKinnon & Webb 2020), not "
    "against every difference.",
    "Placebo-in-space intervals assume the treated states' studentised estimation error is distributed like "
    "the placebo sets' (Conley & Taber 2011, studentised); placebo statistics are one Newton step from the "
    "fitted model (checked against exact refits to about 1 % in the tests).",
    "Event-study years are calendar years; 2003 is the reference and 2004 mixes 8 pre- and 4 post-expiry months.",
)

INFERENCE_NOTE = (
    "Randomisation inference over placebo sets of states, not the wild cluster bootstrap: only 5 of 32 state "
    "clusters are treated, and with so few treated clusters cluster-robust t-tests over-reject and both "
    "restricted and unrestricted wild cluster bootstraps are unreliable (MacKinnon & Webb 2017, 2018). "
    "Intervals: the treated states' cluster-robust t is compared with the same t for thousands of placebo sets "
    "of 5 comparison states (Conley & Taber 2011, studentised as MacKinnon & Webb 2020 recommend when states "
    "differ in size); the placebo distribution gives the 90/95 % intervals, the draws and placebo_p, and lets "
    "the effect differ between treated states. ri_p is Fisher's randomisation test of the sharp null of no "
    "effect anywhere (the treated set's score t ranked among random sets of 5 of the 32 states, or all of "
    "them when there are fewer than the draws; exact in level either way); inverting it for a constant "
    "proportional effect gives inference.constant_effect_pct. With one treated state (Baja California alone) "
    "the unstudentised coefficient is used, since a cluster-robust t with one treated cluster is ≈ ±1 whatever "
    "the data. Cluster-robust (CR1, t with G−1 df) intervals are shown for reference only."
)

Source = Literal["valle", "inegi"]

# --- months ----------------------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_index(year: int | np.ndarray | pd.Series, month: int | np.ndarray | pd.Series) -> Any:
    """Months since year 0 (``year * 12 + month - 1``): consecutive calendar months differ by one."""
    return year * 12 + month - 1


def parse_month(text: str, what: str = "month") -> int:
    """Month index of a ``YYYY-MM`` string; a malformed string raises :class:`IronRiverError`."""
    match = _MONTH.match(str(text).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise IronRiverError(f"{what} '{text}' is not a month of the form YYYY-MM")
    return month_index(int(match.group(1)), int(match.group(2)))


def format_month(index: int) -> str:
    """``YYYY-MM`` for a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def expiry_month() -> int:
    """Month index of the assault-weapons-ban expiry, read from the timeline (id ``awb_expired_2004``)."""
    from ironriver.store import timeline

    events = timeline()
    date = events.loc[events["id"] == "awb_expired_2004", "date"]
    if date.empty:
        raise UnknownNameError("timeline id", "awb_expired_2004", events["id"])
    return month_index(int(date.iloc[0].year), int(date.iloc[0].month))

# --- designs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """One difference-in-differences specification: sample, treated states, window, post start, outcome.

    Months are month indices (:func:`month_index`). ``source`` names the panel (``valle`` or ``inegi``).
    ``expectation`` says in words what a sound design should show, for the falsification table.
    """

    name: str
    label: str
    outcome: str
    treated: tuple[str, ...]
    states: tuple[str, ...]
    start: int
    end: int
    post_start: int
    source: Source = "valle"
    expectation: str = ""

    @property
    def comparison(self) -> tuple[str, ...]:
        """States in the sample that are not treated."""
        return tuple(s for s in self.states if s not in self.treated)


def _all_states(panel: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(panel["state_code"].unique()))


def main_design(panel: pd.DataFrame, outcome: str = "firearm", expiry: int | None = None) -> Design:
    """The headline design: the five TX/NM/AZ border states against Baja California and the interior."""
    column = _outcome_column(outcome)
    expiry = expiry_month() if expiry is None else expiry
    return Design(name="main", label="headline: 5 TX/NM/AZ border states vs Baja California + interior",
                  outcome=column, treated=TREATED_STATES, states=_all_states(panel),
                  start=parse_month(PANEL_START), end=parse_month(PANEL_END), post_start=expiry,
                  expectation="the headline")


def _outcome_column(outcome: str) -> str:
    if outcome not in OUTCOMES:
        raise UnknownNameError("outcome", outcome, OUTCOMES)
    return OUTCOMES[outcome]


