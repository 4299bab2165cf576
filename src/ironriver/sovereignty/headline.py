"""The headline year and the marks on cells: which year the verdict leads with, by one rule for both states.

Every indicator-year has a status (:data:`~ironriver.sovereignty.draws.STATUSES`). Three of them mean the value
was not observed in that year: ``forecast`` (a model effect outside its estimation window, or an iron-river
flow past its last year of evidence), ``partial`` (part of a year, annualised) and ``carried`` (a value carried
forward from an earlier year). They are reported as the flags ``forecast``, ``partial_year`` and
``carried_forward`` and marked on every ledger cell whose score uses such a value (:func:`cell_status`,
:func:`mark`).

The rule (:data:`RULE`) picks the headline year: the latest year in which every kind of sovereignty that enters
the comparison rests, for Mexico and for the USA alike, on at least one indicator observed in that year. A
kind score made only of forecasts, partial years and carried values says nothing new about that year, so a
year in which any kind of either state is made only of those cannot carry the headline; cells that mix
observed and flagged values stay in the score and are marked. The rule looks at statuses only, never at
scores, so it cannot favour either state, and swapping the states' labels leaves the year unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ironriver.sovereignty.catalogue import KIND_LABELS, KINDS, STATE_POSSESSIVES, STATES

__all__ = ["FLAGS", "FLAG_ORDER", "MARKS", "MARK_LEGEND", "RULE", "Headline", "cell_status", "year_checks",
           "choose_headline", "headline_of", "mark", "status_marks", "used_status"]

FLAGS = {"forecast": "forecast", "partial": "partial_year", "carried": "carried_forward"}
"""Indicator status → the flag reported on a cell whose score uses it."""
FLAG_ORDER = ("forecast", "partial_year", "carried_forward")
MARKS = {"forecast": "f", "partial_year": "p", "carried_forward": "c"}
"""One letter per flag; a marked cell shows ``*`` and its letters, e.g. ``0.66*fc``."""
MARK_LEGEND = ("* marks a score that rests partly on values not observed that year: f = forecast (a model effect "
               "past its estimation window, or a flow past its evidence), p = part of a year annualised, "
               "c = carried forward from an earlier year.")
RULE = ("The headline year is the latest year in which every kind of sovereignty compared rests, for Mexico and "
        "for the USA alike, on at least one indicator observed in that year (not a forecast, not part of a year, "
        "not carried forward from an earlier year).")
_WORDS = {"forecast": "forecast", "partial_year": "part of the year", "carried_forward": "carried forward"}


def mark(status: str | None) -> str:
    """The visible mark of a cell status: ``""`` for observed or missing, else ``*`` and one letter per flag."""
    if not status or status in ("observed", "missing"):
        return ""
    return "*" + "".join(MARKS[f] for f in FLAG_ORDER if f in status.split(", "))


def status_marks() -> dict[str, str]:
    """Indicator status → the mark of a value with that status (``{"forecast": "*f", …}``; observed and missing
    values have none): what the dashboard shows beside an indicator in a cell's drill-down."""
    return {status: mark(flag) for status, flag in FLAGS.items()}


def used_status(status: np.ndarray, threat_draws: np.ndarray) -> np.ndarray:
    """``status`` with ``missing`` wherever the ledger used no value (``threat_draws`` all NaN over draws): an
    indicator a specification leaves out, or a value older than its carry cap, cannot mark a cell or block a
    year."""
    unused = np.isnan(np.asarray(threat_draws, dtype=float)).all(axis=0)
    return np.where(unused, "missing", status)


def _masks(table: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """(state, kind) → which indicator rows are that state's indicators of that kind."""
    state, kind = table["state"].to_numpy(), table["kind"].to_numpy()
    return {(s, k): (state == s) & (kind == k) for s in STATES for k in KINDS}


def _any(status: np.ndarray, rows: np.ndarray, value: str) -> np.ndarray:
    """(n_years,) bool: some indicator of ``rows`` has status ``value`` that year."""
    return (status[rows] == value).any(axis=0)


def cell_status(status: np.ndarray, table: pd.DataFrame, comparable: np.ndarray) -> dict[tuple[str, str], list[str]]:
    """(state, kind or "overall") → per year: ``"observed"`` when every indicator used is observed that year,
    ``"missing"`` when none has a value, else its flags joined by ``", "`` (e.g. ``"forecast, carried_forward"``).

    ``status`` is ``(n_indicators, n_years)`` as :attr:`IndicatorDraws.status`, ``table`` the indicator table
    (``state``, ``kind``), ``comparable`` ``(4, n_years)``: the kinds the overall score uses each year.
    """
    status = np.asarray(status).astype(str)
    masks = _masks(table)
    raw = {flag: name for name, flag in FLAGS.items()}
    out: dict[tuple[str, str], list[str]] = {}
    for state in STATES:
        has = {kind: ((status[masks[(state, kind)]] != "missing").any(axis=0),
                      {f: _any(status, masks[(state, kind)], raw[f]) for f in FLAG_ORDER}) for kind in KINDS}
        has["overall"] = (np.any([has[k][0] & comparable[i] for i, k in enumerate(KINDS)], axis=0),
                          {f: np.any([has[k][1][f] & comparable[i] for i, k in enumerate(KINDS)], axis=0)
                           for f in FLAG_ORDER})
        for kind, (valued, flags) in has.items():
            out[(state, kind)] = ["missing" if not valued[j] else
                                  ", ".join(f for f in FLAG_ORDER if flags[f][j]) or "observed"
                                  for j in range(status.shape[1])]
    return out


def year_checks(status: np.ndarray, table: pd.DataFrame, comparable: np.ndarray, years: np.ndarray
                ) -> dict[int, tuple[str, ...]]:
    """Year → why it cannot be the headline year under :data:`RULE` (empty: it can)."""
    status = np.asarray(status).astype(str)
    ids = table["id"].to_numpy()
    masks = _masks(table)
    observed = {key: _any(status, rows, "observed") for key, rows in masks.items()}
    out: dict[int, tuple[str, ...]] = {}
    for j, year in enumerate(years):
        reasons = []
        if not comparable[:, j].any():
            reasons.append("no kind of sovereignty can be compared")
        for k, kind in enumerate(KINDS):
            for state in STATES:
                if not comparable[k, j] or observed[(state, kind)][j]:
                    continue
                rows = np.flatnonzero(masks[(state, kind)])
                detail = ", ".join(f"{ids[i]} {_WORDS[FLAGS[status[i, j]]]}" for i in rows
                                   if status[i, j] in FLAGS)
                reasons.append(f"{STATE_POSSESSIVES[state]} {KIND_LABELS[kind]} sovereignty has no indicator observed "
                               f"in {int(year)} ({detail})")
        out[int(year)] = tuple(reasons)
    return out


@dataclass(frozen=True)
class Headline:
    """The headline year, why, and why each later year is not it."""

    year: int
    reason: str
    met: bool
    """False when no year of the window meets :data:`RULE` (the latest comparable year is used, and said so)."""
    later_years: tuple[tuple[int, tuple[str, ...]], ...] = ()
    checks: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Every year of the window → why it cannot be the headline (empty: it can); a window's headline is cut
    from these."""
    rule: str = RULE

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "reason": self.reason, "rule": self.rule, "met": self.met,
                "later_years": [{"year": y, "why_not": list(why)} for y, why in self.later_years]}


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def choose_headline(checks: dict[int, tuple[str, ...]], comparable_years: list[int], first: int | None = None,
                    last: int | None = None) -> Headline:
    """The headline of the years ``first``–``last`` of ``checks`` (default: all of them) under :data:`RULE`.

    ``comparable_years`` are the years whose overall scores can be compared; if none meets the rule the latest
    of them is the headline (``met`` False), and if none is comparable the window's last year.
    """
    years = sorted(y for y in checks if (first is None or y >= first) and (last is None or y <= last))
    window = {y: checks[y] for y in years}
    eligible = [y for y in years if not window[y] and y in comparable_years]
    if eligible:
        year, met = max(eligible), True
    else:
        inside = [y for y in comparable_years if y in window]
        year, met = (max(inside) if inside else (years[-1] if years else int(last or 0))), False
    later = tuple((y, window[y]) for y in years if y > year)
    later_text = _years_text([y for y, _ in later])
    if met:
        reason = (f"{year} is the latest year in which every kind of sovereignty compared rests, for both states, "
                  f"on an indicator observed that year")
        reason += (f"; {later_text} {'rest' if len(later) > 1 else 'rests'} on forecasts, part-year or "
                   f"carried-forward values in at least one kind and {'are' if len(later) > 1 else 'is'} "
                   f"shown marked." if later else ".")
    else:
        reason = (f"No year of the window has every kind of sovereignty compared resting, for both states, on an "
                  f"indicator observed that year; {year}, the latest comparable year, is shown instead.")
    return Headline(year, reason, met, later, window)


def headline_of(status: np.ndarray, table: pd.DataFrame, comparable: np.ndarray, years: np.ndarray,
                comparable_years: list[int] | None = None) -> Headline:
    """The headline of a ledger: its statuses, indicator table, comparable kinds ``(4, n_years)`` and years;
    ``comparable_years`` (default: years with a comparable kind) are those whose overall verdict exists."""
    checks = year_checks(status, table, comparable, years)
    if comparable_years is None:
        comparable_years = [int(y) for j, y in enumerate(years) if comparable[:, j].any()]
    return choose_headline(checks, comparable_years)
