"""The sovereignty ledger: threat scores in [0, 1] per state × Krasner kind × year, each with an interval.

:func:`score` is the ledger's whole aggregation rule, one small pure function of :class:`IndicatorDraws`:

1. **Threats.** A ``log_logistic`` indicator's value x becomes x / (x + r); r is drawn per draw log-uniformly
   in the indicator's [reference_low, reference_high] from one uniform per concept and draw, so both states'
   indicators of a concept get the same quantile of their ranges — the same r when they share a unit. A
   ``share`` indicator is its own threat.
2. **Kinds.** A state's kind score is the mean of its available concepts' threats (each concept has at most
   one indicator per state, so a state with more indicators gains nothing by averaging).
3. **Comparable kinds.** A kind with no available indicator for one state in a year is left out for both.
4. **Overall.** Kinds are weighted by Dirichlet draws (``n_weightings`` rows), the same weights for both
   states, over the comparable kinds.

The result keeps the full grid *weightings × draws* for the verdict.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ironriver.sovereignty.catalogue import KINDS, STATES
from ironriver.sovereignty.draws import IndicatorDraws
from ironriver.sovereignty.headline import cell_status, used_status
from ironriver.sovereignty.measures import nan_quantiles
from ironriver.sovereignty.transforms import assumption, identity_share, log_logistic, sample_assumption

__all__ = ["Ledger", "score", "threats", "kind_weights", "DEFAULT_DRAWS", "DEFAULT_WEIGHTINGS"]

DEFAULT_DRAWS = 400
"""Posterior draws (model draws × assumption draws, paired) carried through the ledger."""
DEFAULT_WEIGHTINGS = 100
"""Dirichlet weightings of the kinds sampled for the sensitivity to weights."""


def threats(draws: IndicatorDraws, seed: int, quantile: float | None = None) -> np.ndarray:
    """Threats ``(n_draws, n_indicators, n_years)`` in [0, 1] (NaN where missing), one reference per draw.

    Each concept's uniforms come from their own stream (seeded by the concept's name), so adding a concept
    changes no other draw. ``quantile`` fixes every reference at that quantile of its log range (0.5: the
    geometric midpoint) instead.
    """
    table = draws.table
    n_draws = draws.values.shape[0]
    uniforms = {name: (np.random.default_rng([seed, 7, zlib.crc32(name.encode())]).uniform(size=n_draws)
                       if quantile is None else np.full(n_draws, quantile)) for name in table["concept"].unique()}
    out = np.full(draws.values.shape, np.nan)
    for i, row in enumerate(table.to_dict("records")):
        if row["transform"] == "share":
            out[:, i, :] = identity_share(draws.values[:, i, :])
            continue
        low, high = np.log(row["reference_low"]), np.log(row["reference_high"])
        reference = np.exp(low + uniforms[row["concept"]] * (high - low))
        out[:, i, :] = log_logistic(draws.values[:, i, :], reference[:, None])
    return np.where(draws.available[None], out, np.nan)


def kind_weights(n_weightings: int, rng: np.random.Generator) -> np.ndarray:
    """``(n_weightings, 4)`` Dirichlet weights of the kinds; each row's concentration drawn from its range."""
    alpha = sample_assumption(assumption("dirichlet_concentration_kinds"), n_weightings, rng)
    gammas = rng.gamma(alpha[:, None], 1.0, (n_weightings, len(KINDS)))
    return gammas / gammas.sum(axis=1, keepdims=True)


@dataclass
class Ledger:
    """Threat scores with their draws.

    Attributes
    ----------
    draws : IndicatorDraws
    threat_draws : ndarray (n_draws, n_indicators, n_years)
    kind_scores : dict
        (state, kind) → scores ``(1, n_draws, n_years)`` (float32; NaN where the state has no indicator of the
        kind that year). The leading axis is one weighting: concepts are averaged with equal weights.
    overall : dict
        state → ``(n_weightings, n_draws, n_years)`` over the kinds both states have.
    comparable_kinds : ndarray (4, n_years) of bool
    kind_weights : ndarray (n_weightings, 4)
    """

    draws: IndicatorDraws
    threat_draws: np.ndarray
    kind_scores: dict[tuple[str, str], np.ndarray]
    overall: dict[str, np.ndarray]
    comparable_kinds: np.ndarray
    kind_weights: np.ndarray
    missing: list[str] = field(default_factory=list)
    _table: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)
    _indicator_table: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def years(self) -> np.ndarray:
        return self.draws.years

    def table(self) -> pd.DataFrame:
        """One row per state × kind (and "overall") × year: median, 90% interval, indicators used, and
        ``status``: ``observed``, ``missing``, or the flags of the values used that were not observed that year
        (``forecast``, ``partial_year``, ``carried_forward``; see :mod:`~ironriver.sovereignty.headline`).

        Computed once per ledger (the CLI, ``--json`` and the report all ask for it).
        """
        if self._table is None:
            self._table = self._build_table()
        return self._table.copy()

    def _build_table(self) -> pd.DataFrame:
        rows = []
        indicators = self.draws.table
        ids = indicators["id"].to_numpy()
        available = np.asarray(self.draws.available, dtype=bool)
        statuses = cell_status(used_status(self.draws.status, self.threat_draws), indicators, self.comparable_kinds)
        for state in STATES:
            of_state = (indicators["state"] == state).to_numpy()
            for kind in (*KINDS, "overall"):
                scores = self.overall[state] if kind == "overall" else self.kind_scores[(state, kind)]
                flat = scores.reshape(-1, scores.shape[-1]).astype(float)
                median, low, high = nan_quantiles(flat, (0.5, 0.05, 0.95))
                of_kind = {k: of_state & (indicators["kind"] == k).to_numpy() for k in KINDS}
                for j, year in enumerate(self.years):
                    kinds = ([k for k, ok in zip(KINDS, self.comparable_kinds[:, j]) if ok] if kind == "overall"
                             else [kind])
                    chosen = np.zeros(len(ids), dtype=bool)
                    for k in kinds:
                        chosen |= of_kind[k]
                    used = ids[chosen & available[:, j]]
                    rows.append({"state": state, "kind": kind, "year": int(year), "median": median[j],
                                 "low90": low[j], "high90": high[j], "indicators": ", ".join(used),
                                 "status": statuses[(state, kind)][j]})
        return pd.DataFrame(rows)

    def indicator_table(self) -> pd.DataFrame:
        """One row per indicator × year with a value: value and 90% interval, threat and interval, status."""
        if self._indicator_table is None:
            self._indicator_table = self._build_indicator_table()
        return self._indicator_table.copy()

    def _build_indicator_table(self) -> pd.DataFrame:
        frames = []
        for i, row in enumerate(self.draws.table.to_dict("records")):
            value_med, value_low, value_high = nan_quantiles(self.draws.values[:, i, :], (0.5, 0.05, 0.95))
            t_med, t_low, t_high = nan_quantiles(self.threat_draws[:, i, :], (0.5, 0.05, 0.95))
            frame = pd.DataFrame({"indicator": row["id"], "state": row["state"], "kind": row["kind"],
                                  "concept": row["concept"], "year": self.years, "value": value_med,
                                  "low90": value_low, "high90": value_high, "threat": t_med, "threat_low90": t_low,
                                  "threat_high90": t_high, "status": self.draws.status[i],
                                  "lineage": list(self.draws.lineage[i]) if self.draws.lineage else ""})
            frames.append(frame[frame["status"] != "missing"])
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def score(draws: IndicatorDraws, *, n_weightings: int = DEFAULT_WEIGHTINGS, seed: int = 0,
          missing: list[str] | None = None, reference_quantile: float | None = None) -> Ledger:
    """The ledger's default aggregation of ``draws`` (see the module docstring for the rule).

    ``reference_quantile`` pins every reference point (see :func:`threats`); by default they are drawn.
    """
    threat = threats(draws, seed, reference_quantile)
    table = draws.table
    n_draws, _, n_years = threat.shape
    kind_scores: dict[tuple[str, str], np.ndarray] = {}
    has_kind = np.zeros((len(STATES), len(KINDS), n_years), dtype=bool)
    for s, state in enumerate(STATES):
        for k, kind in enumerate(KINDS):
            members = np.flatnonzero(((table["state"] == state) & (table["kind"] == kind)).to_numpy())
            if members.size == 0:
                kind_scores[(state, kind)] = np.full((1, n_draws, n_years), np.nan, np.float32)
                continue
            block = threat[:, members, :]
            count = (~np.isnan(block)).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(count > 0, np.nansum(block, axis=1) / count, np.nan)
            kind_scores[(state, kind)] = mean[None].astype(np.float32)
            has_kind[s, k] = draws.available[members].any(axis=0)
    comparable = has_kind.all(axis=0)
    weights = kind_weights(n_weightings, np.random.default_rng([seed, 8]))
    mass = weights @ comparable.astype(float)                                             # (W, Y)
    overall = {}
    for state in STATES:
        stacked = np.stack([kind_scores[(state, kind)][0] for kind in KINDS])              # (4, D, Y)
        filled = np.where(comparable[:, None, :], np.nan_to_num(stacked, nan=0.0), 0.0)
        numerator = np.einsum("wk,kdy->wdy", weights, filled)
        with np.errstate(invalid="ignore", divide="ignore"):
            overall[state] = np.where(mass[:, None, :] > 0, numerator / mass[:, None, :], np.nan).astype(np.float32)
    return Ledger(draws, threat.astype(np.float32), kind_scores, overall, comparable, weights, list(missing or []))
