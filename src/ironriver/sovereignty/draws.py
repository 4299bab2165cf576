"""Indicator draws: every indicator of both states as raw values per draw and year, gaps filled by one rule.

:func:`build_indicator_draws` measures every indicator of the catalogue (:mod:`~ironriver.sovereignty.indicators`)
and returns :class:`IndicatorDraws` — an array ``(n_draws, n_indicators, n_years)`` of raw values (higher = more
threat; NaN = missing), a status per indicator-year and the indicator table with each one's reference range.
Three rules are applied here, alike for both states:

* **Carry-forward with a cap.** A year with no measurement takes the latest measured year at most
  ``carry_cap_years`` back (never backwards); the carried value drifts as a random walk in logs whose per-year
  sd is the assumption ``carry_log_sd_per_year``, drawn once per draw for every indicator of both states.
* **Model effects confined.** The spillover effect is measured in its estimation window and fades after it
  with ``half_life_years`` (status ``forecast``); it is missing before the expiry it measures.
* **Reference ranges from the observed range of each concept**: between the 10th and 90th percentiles of the
  measured values over the ledger's span (event counts: over their coded history), pooled over both states
  where the concept has one unit for both (assumption ``reference_range_quantiles``).

Shared assumptions (event half-life, carry drift) are drawn once per draw and used for both
states: common random numbers, so a comparison of the two differs only where their evidence differs.
Measurements are cached per inputs, seed and size, so rebuilding for other carry caps or half-lives is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ironriver.sovereignty.catalogue import INDICATORS, concepts
from ironriver.sovereignty.indicators import Inputs, Measured, Shared, measure
from ironriver.sovereignty.measures import carry_forward, nan_median_columns
from ironriver.sovereignty.transforms import assumption, sample_assumption

__all__ = ["IndicatorDraws", "build_indicator_draws", "SPAN", "HISTORY_START", "STATUSES",
           "DEFAULT_HALF_LIFE_YEARS", "DEFAULT_CARRY_CAP_YEARS"]

SPAN = (1998, 2025)
"""Years every indicator is measured over (whatever the window), so that a year's values and the reference
ranges never depend on the window asked for."""
HISTORY_START = 1836
"""First year of the coded USA–Mexico history (Texas independence); event counts are measured from here."""
STATUSES = ("observed", "partial", "forecast", "carried", "missing")
DEFAULT_HALF_LIFE_YEARS = assumption("spillover_half_life_years").value
DEFAULT_CARRY_CAP_YEARS = int(assumption("carry_forward_cap_years").value)
_MEASURED = ("observed", "partial", "forecast")


@dataclass(frozen=True)
class IndicatorDraws:
    """Raw indicator values of both states, per draw × indicator × year.

    Attributes
    ----------
    years : ndarray (n_years,) of int
    table : DataFrame
        One row per indicator, in array order: ``id``, ``state``, ``kind``, ``concept``, ``unit``, ``source``,
        ``direction``, ``reference``, ``reference_low``, ``reference_high``, ``max_years_carried``, ``label``,
        and ``transform`` (``log_logistic`` or ``share``), ``shared_reference``, ``title``, ``formula``.
    values : ndarray (n_draws, n_indicators, n_years)
        Raw values, higher = more threat; NaN = missing.
    status : ndarray (n_indicators, n_years) of str
        ``observed`` | ``carried`` | ``forecast`` | ``partial`` | ``missing``.
    lineage : list of list of str
        Per indicator, per year: where the value came from ("" where missing).
    """

    years: np.ndarray
    table: pd.DataFrame
    values: np.ndarray
    status: np.ndarray
    lineage: tuple[tuple[str, ...], ...] = ()

    @property
    def available(self) -> np.ndarray:
        """(n_indicators, n_years) bool: the indicator has a value (measured or carried)."""
        return self.status != "missing"

    def index(self, indicator_id: str) -> int:
        return int(np.flatnonzero(self.table["id"].to_numpy() == indicator_id)[0])

    @classmethod
    def constructed(cls, rows: list[dict[str, Any]], years: np.ndarray, values: np.ndarray) -> IndicatorDraws:
        """Draws from given values ``(n_draws, n_indicators, n_years)`` and rows with at least ``id``, ``state``,
        ``kind``, ``concept``; the rest default to a share transform with no carry (for tests and what-ifs).
        NaN values are missing."""
        defaults = {"unit": "share", "source": "dataset", "direction": "higher = more threat", "reference": np.nan,
                    "reference_low": np.nan, "reference_high": np.nan, "max_years_carried": 0, "label": "",
                    "transform": "share", "shared_reference": True, "title": "", "formula": ""}
        table = pd.DataFrame([{**defaults, **row} for row in rows])
        values = np.asarray(values, dtype=float)
        status = np.where(np.isnan(values).all(axis=0), "missing", "observed")
        return cls(np.asarray(years, dtype=int), table, values, status)

    def relabel(self) -> IndicatorDraws:
        """The same draws with MEX and USA swapped (for fairness checks: the verdict must swap exactly)."""
        table = self.table.assign(state=self.table["state"].map({"MEX": "USA", "USA": "MEX"}))
        return IndicatorDraws(self.years, table, self.values, self.status, self.lineage)


_CACHE: dict[tuple, tuple[tuple, dict[float, dict[str, tuple[np.ndarray, Measured]]]]] = {}
"""One entry: key → (the objects the key's ids name, kept alive so the ids cannot be reused; the measurements
by spillover half-life)."""
HALF_LIFE_MEASURES = frozenset({"spillover_effect"})
"""Measure functions that read the spillover half-life; every other indicator is measured once for all of them."""


def _shared(n_draws: int, seed: int, half_life_years: float) -> Shared:
    rng = np.random.default_rng([seed, 11])
    return Shared(decay_half_life_years=sample_assumption(assumption("decay_half_life_years"), n_draws, rng),
                  spillover_half_life_years=float(half_life_years))


def _measure_all(inputs: Inputs, n_draws: int, seed: int, half_life_years: float) -> dict[str, tuple[np.ndarray, Measured]]:
    """Every indicator measured over its span (cached: the measurements do not depend on the carry cap, and only
    those in :data:`HALF_LIFE_MEASURES` on the half-life — the others are reused when it changes)."""
    held = (inputs, inputs.flow_draws, inputs.attrition_draws, inputs.spillover_effect_draws)
    key = (*map(id, held), n_draws, seed)
    if key not in _CACHE:
        _CACHE.clear()                                   # one entry: a chain run rebuilds for a few settings only
        _CACHE[key] = (held, {})
    by_half_life = _CACHE[key][1]
    if half_life_years in by_half_life:
        return by_half_life[half_life_years]
    known = next(iter(by_half_life.values()), None)
    shared = _shared(n_draws, seed, half_life_years)
    out = {}
    for position, indicator in enumerate(INDICATORS.values()):
        if known is not None and indicator.measure not in HALF_LIFE_MEASURES:
            out[indicator.id] = known[indicator.id]
            continue
        span = np.arange(HISTORY_START if indicator.history else SPAN[0], SPAN[1] + 1)
        rng = np.random.default_rng([seed, position])
        out[indicator.id] = (span, measure(indicator, inputs, span, n_draws, rng, shared))
    by_half_life[half_life_years] = out
    return out


MIN_RANGE_FACTOR = 2.0
"""A reference range narrower than this factor (a concept observed in few years, or with few distinct values,
such as event counts) is widened to ×/÷ √2 of this around its median, so that one observation cannot pin the
reference point."""


def _quantiles(points: np.ndarray) -> tuple[float, float, float]:
    """(median, 10th, 90th percentile) of the positive measured values, widened to at least a factor
    :data:`MIN_RANGE_FACTOR`; NaN if there are none."""
    positive = points[np.isfinite(points) & (points > 0)]
    if positive.size == 0:
        return np.nan, np.nan, np.nan
    item = assumption("reference_range_quantiles")
    low, mid, high = (float(q) for q in np.quantile(positive, [item.low, item.value, item.high]))
    if high / low < MIN_RANGE_FACTOR:
        low, high = min(low, mid / np.sqrt(MIN_RANGE_FACTOR)), max(high, mid * np.sqrt(MIN_RANGE_FACTOR))
    return mid, low, high


def reference_ranges(measured: dict[str, tuple[np.ndarray, Measured]]) -> dict[str, tuple[float, float, float]]:
    """Indicator id → (reference, low, high) from the measured values of its concept (pooled when shared)."""
    points = {}
    for indicator_id, (_, m) in measured.items():
        value = nan_median_columns(m.draws)
        points[indicator_id] = value[np.isin(m.status, _MEASURED)]
    out: dict[str, tuple[float, float, float]] = {}
    for row in concepts().to_dict("records"):
        ids = [row[s] for s in ("MEX", "USA") if row[s] in points]
        if row["shared_reference"]:
            pooled = _quantiles(np.concatenate([points[i] for i in ids])) if ids else (np.nan,) * 3
            out.update({i: pooled for i in ids})
        else:
            out.update({i: _quantiles(points[i]) for i in ids})
    return out


def _carry(span: np.ndarray, m: Measured, cap: int, sd_per_year: np.ndarray, rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Apply the carry rule over ``span``: values, status, years carried, lineage."""
    observed = np.isin(m.status, _MEASURED)
    source, carried = carry_forward(observed, cap)
    values = np.full_like(m.draws, np.nan)
    status = np.array(m.status, dtype=object)
    lineage = list(m.lineage)
    steps = rng.standard_normal(m.draws.shape) * sd_per_year[:, None]
    for j in np.flatnonzero(source >= 0):
        k = int(carried[j])
        if k == 0:
            values[:, j] = m.draws[:, j]
            continue
        drift = steps[:, source[j] + 1: j + 1].sum(axis=1)
        values[:, j] = m.draws[:, source[j]] * np.exp(drift)
        status[j] = "carried"
        lineage[j] = (f"{m.lineage[source[j]]}; carried {k} yr from {int(span[source[j]])} (log random walk, "
                      f"assumption carry_log_sd_per_year)")
    status[source < 0] = "missing"
    return values, status, carried, lineage


def build_indicator_draws(inputs: Inputs, models: dict[str, Any] | None, years: np.ndarray, *, n_draws: int,
                          seed: int, carry_cap_years: int = DEFAULT_CARRY_CAP_YEARS,
                          half_life_years: float = DEFAULT_HALF_LIFE_YEARS) -> IndicatorDraws:
    """Measure every indicator, fill gaps by the capped carry rule and return the draws for ``years``.

    ``models`` may carry ``flow_draws`` (iron-river posterior: draw, year, guns_per_year), ``attrition_draws``
    (draw, attrition) and ``spillover_effect_draws`` to set on ``inputs`` first; None uses what ``inputs``
    already holds.
    ``years`` must lie within :data:`SPAN`.
    """
    for name in ("flow_draws", "attrition_draws", "spillover_effect_draws"):
        if models and models.get(name) is not None:
            setattr(inputs, name, models[name])
    years = np.asarray(years, dtype=int)
    if years.min() < SPAN[0] or years.max() > SPAN[1]:
        raise ValueError(f"years {years.min()}–{years.max()} outside {SPAN[0]}–{SPAN[1]}")
    measured = _measure_all(inputs, n_draws, seed, half_life_years)
    references = reference_ranges(measured)
    sd_per_year = sample_assumption(assumption("carry_log_sd_per_year"), n_draws, np.random.default_rng([seed, 13]))
    concept_table = concepts()
    shared_by_concept = dict(zip(concept_table["concept"], concept_table["shared_reference"]))
    values = np.full((n_draws, len(INDICATORS), years.size), np.nan)
    status = np.full((len(INDICATORS), years.size), "missing", dtype=object)
    lineage, rows = [], []
    for i, indicator in enumerate(INDICATORS.values()):
        span, m = measured[indicator.id]
        rng = np.random.default_rng([seed, 17, i])
        carried_values, carried_status, carried, carried_lineage = _carry(span, m, carry_cap_years, sd_per_year, rng)
        cols = np.searchsorted(span, years)
        values[:, i, :] = carried_values[:, cols]
        status[i] = carried_status[cols]
        lineage.append(tuple(carried_lineage[c] if carried_status[c] != "missing" else "" for c in cols))
        reference, low, high = references.get(indicator.id, (np.nan,) * 3)
        rows.append({"id": indicator.id, "state": indicator.state, "kind": indicator.kind,
                     "concept": indicator.concept, "unit": indicator.unit, "source": indicator.source,
                     "direction": indicator.direction, "reference": reference, "reference_low": low,
                     "reference_high": high, "max_years_carried": int(max(carried[cols].max(), 0)),
                     "label": indicator.label, "transform": indicator.transform,
                     "shared_reference": bool(shared_by_concept[indicator.concept]), "title": indicator.title,
                     "formula": indicator.formula})
    return IndicatorDraws(years, pd.DataFrame(rows), values, status.astype(str), tuple(lineage))
