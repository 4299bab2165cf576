"""The verdict: with what probability the border threatens Mexico's sovereignty more than the USA's.

For each year and each kind (and overall) the ledger holds a grid of scores *weightings × posterior
draws* for both states. The verdict reads three numbers off that grid: the joint probability
P(Mexico's threat > the USA's) over all cells; the share of weightings under which Mexico is the more
threatened in most posterior draws; and the share of posterior draws in which Mexico is the more
threatened under most weightings. Ties (both scores equal, e.g. both zero) are counted separately so that
"neither is threatened" is never reported as "the USA is the more threatened". A plain sentence states
the result for the headline year, chosen by the rule of :mod:`~ironriver.sovereignty.headline` (the latest year
whose every kind rests on observed values for both states), and says why that year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ironriver.sovereignty.catalogue import KINDS
from ironriver.sovereignty.headline import Headline, headline_of, used_status
from ironriver.sovereignty.ledger import Ledger

__all__ = ["Verdict", "compare", "verdict", "sentence", "ledger_headline", "KIND_NAMES"]

KIND_NAMES: dict[str, str] = {
    "domestic": "domestic sovereignty (control inside the border)",
    "interdependence": "interdependence sovereignty (control of what crosses the border)",
    "westphalian": "Westphalian sovereignty (exclusion of outside authority)",
    "international_legal": "international legal sovereignty (recognition and legal remedy)",
    "overall": "sovereignty overall",
}
STATE_NAMES = {"MEX": "Mexico", "USA": "the USA"}
TIE_TOLERANCE = 1e-6
"""Scores closer than this are a tie (float32 arithmetic)."""


@dataclass(frozen=True)
class Comparison:
    """The comparison of the two states on one kind (or overall) in one year."""

    year: int
    kind: str
    p_mex_more: float
    p_usa_more: float
    p_tie: float
    share_weightings_mex: float
    share_draws_mex: float
    n_cells: int

    @property
    def comparable(self) -> bool:
        return self.n_cells > 0


def compare(mex: np.ndarray, usa: np.ndarray, year: int, kind: str) -> Comparison:
    """Compare two score grids ``(n_weightings, n_draws)`` of one year; NaN cells are left out."""
    ok = ~(np.isnan(mex) | np.isnan(usa))
    if not ok.any():
        return Comparison(year, kind, np.nan, np.nan, np.nan, np.nan, np.nan, 0)
    diff = np.where(ok, mex.astype(float) - usa.astype(float), np.nan)
    more, less = diff > TIE_TOLERANCE, diff < -TIE_TOLERANCE
    n = int(ok.sum())
    p_more, p_less = float(more.sum() / n), float(less.sum() / n)
    p_tie = float((ok & ~more & ~less).sum() / n)            # counted, not 1 − p − q: exact under a label swap
    with np.errstate(invalid="ignore"):
        by_weighting = more.sum(axis=1) / ok.sum(axis=1)                # per weighting, over draws
        by_draw = more.sum(axis=0) / ok.sum(axis=0)                     # per draw, over weightings
    share_w = float(np.nanmean(by_weighting > 0.5)) if np.isfinite(by_weighting).any() else np.nan
    share_d = float(np.nanmean(by_draw > 0.5)) if np.isfinite(by_draw).any() else np.nan
    return Comparison(year, kind, p_more, p_less, p_tie, share_w, share_d, n)


@dataclass(frozen=True)
class Verdict:
    """Comparisons per year × (kind or overall), and the headline year (with why, when known)."""

    comparisons: tuple[Comparison, ...]
    headline_year: int
    why: Headline | None = None
    """Why the headline year (:class:`~ironriver.sovereignty.headline.Headline`); None for a verdict built from
    comparisons alone."""

    def get(self, year: int, kind: str = "overall") -> Comparison:
        return next(c for c in self.comparisons if c.year == year and c.kind == kind)

    @property
    def headline(self) -> Comparison:
        return self.get(self.headline_year)

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([c.__dict__ for c in self.comparisons])

    def sentence(self, year: int | None = None, kind: str = "overall") -> str:
        return sentence(self.get(self.headline_year if year is None else year, kind))

    def across(self) -> str:
        """How many years of the window agree: "Across 2000–2025, Mexico's is the more threatened in …"."""
        overall = [c for c in self.comparisons if c.kind == "overall" and c.comparable]
        if not overall:
            return "No year of the window allows a comparison."
        mex_years = sum(c.p_mex_more > 0.5 for c in overall)
        usa_years = sum(c.p_usa_more > 0.5 for c in overall)
        first, last = min(c.year for c in overall), max(c.year for c in overall)
        text = f"Across {first}–{last}, Mexico's is the more threatened in {mex_years} of {len(overall)} years"
        return text + (f", the USA's in {usa_years}." if usa_years else ".")

    def summary(self) -> str:
        """The headline sentence, why that year, and how many years agree."""
        reason = f" Why {self.headline_year}: {self.why.reason}" if self.why is not None else ""
        return f"{self.sentence()}{reason} {self.across()}"


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%"


def sentence(c: Comparison) -> str:
    """A plain sentence for one comparison."""
    what = KIND_NAMES[c.kind]
    if not c.comparable:
        return f"In {c.year}, the data do not allow a comparison of {what}."
    if c.p_tie > 0.5:
        return (f"In {c.year}, the border threatens neither state's {what} on this evidence "
                f"(equal scores in {_pct(c.p_tie)} of posterior draws × weightings).")
    if c.p_mex_more == c.p_usa_more:    # neither state named first: the sentence must swap with the labels
        return (f"In {c.year}, the evidence does not separate the two states on {what}: each is the more "
                f"threatened in {_pct(c.p_mex_more)} of posterior draws × weightings.")
    if c.p_mex_more > c.p_usa_more:
        return (f"In {c.year}, Mexico's {what} is the more threatened: P = {c.p_mex_more:.2f} over posterior draws "
                f"× weightings ({_pct(c.share_draws_mex)} of posterior draws and {_pct(c.share_weightings_mex)} of "
                f"kind weightings).")
    return (f"In {c.year}, the USA's {what} is the more threatened: P = {c.p_usa_more:.2f} over posterior draws "
            f"× weightings (Mexico's is the more threatened in {_pct(c.share_draws_mex)} of posterior draws and "
            f"{_pct(c.share_weightings_mex)} of kind weightings).")


def verdict(ledger: Ledger, *, by_kind: bool = True) -> Verdict:
    """Compare the two states on every kind and overall in every year of the ledger (``by_kind=False``: overall
    only, a quarter of the work, for views that show no kind's comparison, such as the dashboard's what-if).

    The headline year follows :data:`~ironriver.sovereignty.headline.RULE`: the latest comparable year in which
    every kind compared rests, for both states, on an indicator observed that year (the latest comparable year
    if none does). It reads the overall comparisons only, so it is the same either way.
    """
    comparisons = []
    for j, year in enumerate(ledger.years):
        for kind in (*KINDS, "overall") if by_kind else ("overall",):
            if kind == "overall":
                mex, usa = ledger.overall["MEX"][:, :, j], ledger.overall["USA"][:, :, j]
            else:
                mex, usa = ledger.kind_scores[("MEX", kind)][:, :, j], ledger.kind_scores[("USA", kind)][:, :, j]
            comparisons.append(compare(mex, usa, int(year), kind))
    comparable = [c.year for c in comparisons if c.kind == "overall" and c.comparable]
    why = ledger_headline(ledger, comparable)
    return Verdict(tuple(comparisons), why.year, why)


def ledger_headline(ledger: Ledger, comparable_years: list[int]) -> Headline:
    """The headline of ``ledger`` under the rule, over the values it used; ``comparable_years`` are the years
    whose overall scores can be compared."""
    return headline_of(used_status(ledger.draws.status, ledger.threat_draws), ledger.draws.table,
                       ledger.comparable_kinds, ledger.years, comparable_years)
