"""Named assumptions and coverage periods shared by the evidence modules.

An :class:`~ironriver.assumptions.Assumption` (the package's one type, re-exported here) is a fixed number
the observation models need but no source gives (how much ATF releases are revised, which months "late 1994"
covers, how far two stock estimates share a method). They are declared in one table,
:mod:`ironriver.evidence.assumptions`, which :mod:`ironriver.evidence` registers, so ``ironriver assumptions`` and
``ironriver estimate --assumptions`` list them and the sensitivity analysis can move each to its range ends.
:func:`period_weights` turns a coverage period into the fraction of each calendar year it covers — the
observation operator every multi-year or part-year figure goes through. Imports nothing from later stages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ironriver.assumptions import Assumption

__all__ = ["Assumption", "CountFigure", "ShareFigure", "period_weights", "whole_years", "fiscal_years",
           "find_redundant"]


def period_weights(coverage: Mapping[int, float], years: np.ndarray) -> np.ndarray:
    """The fraction of each calendar year in ``years`` that a figure covers.

    Parameters
    ----------
    coverage : mapping year -> fraction in [0, 1]
        Years the published figure covers (1 = the whole year, 0.75 = January–September, …).
    years : array of int
        The model's calendar-year grid.

    Returns
    -------
    ndarray (len(years),)
        Row of the aggregation matrix: a figure's expectation is this row times the yearly expectations.

    Raises
    ------
    ValueError
        If the figure covers a year outside the grid (it would silently lose part of its sum).
    """
    years = np.asarray(years)
    row = np.zeros(len(years))
    for year, fraction in coverage.items():
        hit = np.nonzero(years == year)[0]
        if len(hit) == 0:
            raise ValueError(f"figure covers {year}, outside the model years {years[0]}–{years[-1]}")
        row[hit[0]] = fraction
    return row


def whole_years(start: int, end: int) -> dict[int, float]:
    """Coverage of whole calendar years ``start``..``end`` inclusive."""
    return {year: 1.0 for year in range(start, end + 1)}


def fiscal_years(start: int, end: int, months_of_last: int = 12) -> dict[int, float]:
    """Calendar-year coverage of US fiscal years ``start``..``end`` (FY y = 1 Oct y−1 – 30 Sep y).

    ``months_of_last`` < 12 truncates the last fiscal year (e.g. 10 = October–July).
    """
    coverage: dict[int, float] = {}
    for fy in range(start, end + 1):
        months = months_of_last if fy == end else 12
        first = min(months, 3)  # October–December of the previous calendar year
        coverage[fy - 1] = coverage.get(fy - 1, 0.0) + first / 12
        if months > 3:
            coverage[fy] = coverage.get(fy, 0.0) + (months - 3) / 12
    return coverage


@dataclass(frozen=True)
class CountFigure:
    """A published count (traces submitted, guns seized, …) and the years it covers.

    Attributes
    ----------
    id : str
        Literature id (or ``dataset:<table>`` for packaged data).
    stream : str
        ``"traces"`` or ``"seizures"`` or ``"cbp"``.
    value : float
        The published count over the whole coverage period (a yearly average is multiplied out).
    coverage : dict year -> fraction
        Fraction of each calendar year the figure covers; its expectation is the weighted sum of yearly
        expectations (:func:`period_weights`).
    source_group : str
        Figures that share a release or an outlet's scope share its error (``scope`` covariance).
    scope : str
        ``"all"`` (every Mexican authority) or ``"sedena"`` (the army only).
    extra_sd : float
        Additional log-scale sd the source itself states (a published range), 0 if none.
    redundant_with : tuple of str
        Ids of single-year figures of the same release whose sum this figure is; such a figure carries no new
        information and is kept as a consistency check instead of being counted twice.
    note : str
        Why it is used the way it is.
    """

    id: str
    stream: str
    value: float
    coverage: dict[int, float]
    source_group: str
    scope: str = "all"
    extra_sd: float = 0.0
    redundant_with: tuple[str, ...] = ()
    note: str = ""

    @property
    def years(self) -> tuple[int, int]:
        """First and last calendar year touched."""
        return min(self.coverage), max(self.coverage)

    @property
    def in_likelihood(self) -> bool:
        """False for figures that restate the sum of other figures of the same release."""
        return not self.redundant_with


@dataclass(frozen=True)
class ShareFigure:
    """A published share (US-sourced traces, US-origin seizures) over a period.

    ``basis`` says what it measures: ``"atf_us_sourced"`` (ATF could determine a US source; the
    expectation is US-origin share × determination rate) or ``"seized_us_origin"`` (Mexican authorities'
    own classification of seized guns; expectation the US-origin share). ``n_years`` averages year-level
    noise; ``extra_sd`` adds logit-scale noise for undocumented classification methods.
    """

    id: str
    stream: str
    value: float
    coverage: dict[int, float]
    basis: str
    extra_sd: float = 0.0
    redundant_with: tuple[str, ...] = ()
    note: str = ""

    @property
    def n_years(self) -> float:
        return float(sum(self.coverage.values()))

    @property
    def in_likelihood(self) -> bool:
        return not self.redundant_with


def find_redundant(figures: list[CountFigure], tolerance: float = 0.005) -> list[CountFigure]:
    """Mark multi-year figures that equal the sum of same-source single-year figures.

    A multi-year total whose every year is also published alone by the same ``source_group`` and whose value
    is that sum (within ``tolerance``, relative) restates those figures: counting both would use the same
    recoveries twice. Such totals are kept (``redundant_with`` set) and shown by the checks, not fitted.
    """
    singles = {(f.source_group, f.years[0]): f for f in figures
               if len(f.coverage) == 1 and next(iter(f.coverage.values())) == 1.0}
    marked = []
    for figure in figures:
        parts = [singles.get((figure.source_group, year)) for year in figure.coverage]
        whole = all(fraction == 1.0 for fraction in figure.coverage.values())
        if len(figure.coverage) > 1 and whole and all(parts):
            total = sum(p.value for p in parts)  # type: ignore[union-attr]
            if abs(total - figure.value) <= tolerance * figure.value:
                restated = tuple(p.id for p in parts)  # type: ignore[union-attr]
                figure = CountFigure(**{**figure.__dict__, "redundant_with": restated})
        marked.append(figure)
    return marked
