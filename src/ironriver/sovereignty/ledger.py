"""The sovereignty ledger: threat scores in [0, 1] per state × Krasner kind × year, each with an interval.

Indicator values become threats through their transforms (one reference point drawn per posterior draw);
threats are averaged within a kind with weights drawn from a Dirichlet, and kinds into an overall score
with a second Dirichlet — the weights are an assumption, so the ledger samples ``n_weightings`` of them
and keeps the full grid *weightings × draws*. Indicators with no value in a year drop out of that year's
average (the remaining weights are renormalised); a kind with no indicator for one of the two states in a
year is left out of both states' overall scores for that year, so the two are always compared on the
same kinds. Kind weights are shared by the two states; indicator weights cannot be (the indicators
differ).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ironriver.sovereignty.indicators import KINDS, STATES, IndicatorSeries, _nan_quantiles
from ironriver.sovereignty.transforms import assumption, sample_assumption

__all__ = ["Ledger", "build_ledger", "DEFAULT_DRAWS", "DEFAULT_WEIGHTINGS"]

DEFAULT_DRAWS = 400
"""Posterior draws (model draws × assumption draws, paired) carried through the ledger."""
DEFAULT_WEIGHTINGS = 100
"""Dirichlet weightings of indicators and kinds sampled for the sensitivity to weights."""


@dataclass
class Ledger:
    """Threat scores with their draws.

    Attributes
    ----------
    years : ndarray of int
    indicators : list of IndicatorSeries
    threat_draws : dict
        Indicator id → threats ``(n_draws, n_years)``; NaN where the indicator has no value.
    threat_point : dict
        Indicator id → threats at the central reference point ``(n_years,)``.
    kind_scores : dict
        (state, kind) → scores ``(n_weightings, n_draws, n_years)`` (float32), NaN where the state has no
        indicator of that kind in the year.
    overall : dict
        state → overall scores ``(n_weightings, n_draws, n_years)`` over the kinds both states have.
    comparable_kinds : ndarray of bool
        ``(4, n_years)``: kinds with at least one indicator for both states.
    kind_weights : ndarray
        ``(n_weightings, 4)`` Dirichlet draws of the kinds' weights.
    missing : list of str
        What is not included, and why.
    """

    years: np.ndarray
    indicators: list[IndicatorSeries]
    threat_draws: dict[str, np.ndarray]
    threat_point: dict[str, np.ndarray]
    kind_scores: dict[tuple[str, str], np.ndarray]
    overall: dict[str, np.ndarray]
    comparable_kinds: np.ndarray
    kind_weights: np.ndarray
    missing: list[str] = field(default_factory=list)
    _table: pd.DataFrame | None = field(default=None, repr=False)

    def series(self, indicator_id: str) -> IndicatorSeries:
        return next(s for s in self.indicators if s.indicator.id == indicator_id)

    def table(self) -> pd.DataFrame:
        """One row per state × kind (and "overall") × year: median, 90% interval, indicators used."""
        if self._table is None:
            self._table = self._build_table()
        return self._table.copy()

    def _build_table(self) -> pd.DataFrame:
        rows = []
        for state in STATES:
            own = [s for s in self.indicators if s.indicator.state == state]
            for kind in (*KINDS, "overall"):
                scores = self.overall[state] if kind == "overall" else self.kind_scores[(state, kind)]
                flat = scores.reshape(-1, scores.shape[-1]).astype(float)
                median, low, high = _column_quantiles(flat, (0.5, 0.05, 0.95))
                for j, year in enumerate(self.years):
                    kinds = ([k for k, ok in zip(KINDS, self.comparable_kinds[:, j]) if ok] if kind == "overall"
                             else [kind])
                    used = [s.indicator.id for s in own if s.indicator.kind in kinds and s.available[j]]
                    rows.append({"state": state, "kind": kind, "year": int(year), "median": median[j],
                                 "low90": low[j], "high90": high[j], "indicators": ", ".join(used)})
        return pd.DataFrame(rows)

    def indicator_table(self) -> pd.DataFrame:
        """One row per indicator × year with a value: value (and its 90% interval), threat and interval."""
        frames = []
        for series in self.indicators:
            frame = series.frame()
            threats = self.threat_draws[series.indicator.id]
            t_med, t_low, t_high = _column_quantiles(threats, (0.5, 0.05, 0.95))
            frame = frame.assign(state=series.indicator.state, kind=series.indicator.kind,
                                 threat=t_med, threat_low90=t_low, threat_high90=t_high,
                                 threat_point=self.threat_point[series.indicator.id])
            frames.append(frame[frame["value"].notna()])
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _column_quantiles(flat: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Quantiles of each column over its non-NaN rows (one sort per array; NaN for an all-NaN column)."""
    return _nan_quantiles(flat, qs)


def _threats(series: IndicatorSeries, n_draws: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Threat draws (one reference point per draw) and point threats of one indicator."""
    transform = series.indicator.transform
    draws = series.draws
    if draws.shape[0] != n_draws:
        draws = np.broadcast_to(draws[:1], (n_draws, draws.shape[1])) if draws.shape[0] == 1 else \
            draws[rng.integers(0, draws.shape[0], n_draws)]
    reference = (sample_assumption(assumption(transform.reference), n_draws, rng)
                 if transform.kind == "log_logistic" else None)
    return transform.draws(draws, reference), transform.point(series.value)


def _dirichlet(concentration_id: str, size: int, n_weightings: int, rng: np.random.Generator) -> np.ndarray:
    """``n_weightings`` weight vectors of length ``size``; each row's concentration drawn from its range."""
    alpha = sample_assumption(assumption(concentration_id), n_weightings, rng)
    gammas = rng.gamma(alpha[:, None], 1.0, (n_weightings, size))
    return gammas / gammas.sum(axis=1, keepdims=True)


def _weighted(weights: np.ndarray, threats: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Σ_i w_i a_i T_i / Σ_i w_i a_i over indicators i: weights (W, I), threats (I, D, Y), available (I, Y)."""
    filled = np.nan_to_num(threats, nan=0.0).astype(np.float32)
    mass = weights.astype(np.float32) @ available.astype(np.float32)                  # (W, Y)
    total = np.einsum("wi,idy->wdy", weights.astype(np.float32), filled * available[:, None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mass[:, None, :] > 0, total / mass[:, None, :], np.nan).astype(np.float32)


def build_ledger(indicators: list[IndicatorSeries], years: np.ndarray, *, n_draws: int = DEFAULT_DRAWS,
                 n_weightings: int = DEFAULT_WEIGHTINGS, seed: int = 0,
                 missing: list[str] | None = None) -> Ledger:
    """Turn indicator series into the ledger of threat scores.

    Parameters
    ----------
    indicators : list of IndicatorSeries
        From :func:`~ironriver.sovereignty.indicators.compute_indicators` (or constructed in tests).
    years : array of int
        The ledger's years (the indicators' years).
    n_draws, n_weightings : int
        Posterior draws and Dirichlet weightings.
    seed : int
        Seed of the reference-point and weight draws.
    missing : list of str, optional
        Notes on what is not included, carried into the ledger.
    """
    years = np.asarray(years, dtype=int)
    rng = np.random.default_rng([seed, 7])
    threat_draws, threat_point = {}, {}
    for series in indicators:
        threat_draws[series.indicator.id], threat_point[series.indicator.id] = _threats(series, n_draws, rng)

    kind_scores: dict[tuple[str, str], np.ndarray] = {}
    has_kind = np.zeros((len(STATES), len(KINDS), years.size), dtype=bool)
    for s, state in enumerate(STATES):
        for k, kind in enumerate(KINDS):
            members = [x for x in indicators if x.indicator.state == state and x.indicator.kind == kind]
            if not members:
                kind_scores[(state, kind)] = np.full((n_weightings, n_draws, years.size), np.nan, np.float32)
                continue
            weights = _dirichlet("dirichlet_concentration_indicators", len(members), n_weightings, rng)
            available = np.array([m.available for m in members])
            threats = np.array([threat_draws[m.indicator.id] for m in members])
            kind_scores[(state, kind)] = _weighted(weights, threats, available)
            has_kind[s, k] = available.any(axis=0)

    comparable = has_kind.all(axis=0)                                                     # (4, Y)
    kind_weights = _dirichlet("dirichlet_concentration_kinds", len(KINDS), n_weightings, rng)
    overall = {}
    for state in STATES:
        stacked = np.array([kind_scores[(state, kind)] for kind in KINDS])              # (4, W, D, Y)
        filled = np.nan_to_num(stacked, nan=0.0) * comparable[:, None, None, :]
        numerator = np.einsum("wk,kwdy->wdy", kind_weights.astype(np.float32), filled.astype(np.float32))
        mass = kind_weights.astype(np.float32) @ comparable.astype(np.float32)          # (W, Y)
        with np.errstate(invalid="ignore", divide="ignore"):
            overall[state] = np.where(mass[:, None, :] > 0, numerator / mass[:, None, :], np.nan).astype(np.float32)
    return Ledger(years, indicators, threat_draws, threat_point, kind_scores, overall, comparable,
                  kind_weights, list(missing or []))
