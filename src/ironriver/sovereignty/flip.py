"""What would flip the verdict: for each year, the smallest single change that makes the other state the more threatened.

Starting from a specification (the neutral default unless the user gives another), every input is moved
alone within its stated range while everything else — posterior draws, the other kind weights, reference
points — stays as drawn (common random numbers, so only the moved input differs):

* a kind's weight set to t ∈ [0, 1], the other kinds sharing 1 − t in their drawn proportions;
* one indicator's reference point fixed at a value within its stated range (ratio normalisation only);
* one indicator left out;
* a different normalisation, aggregation within or across kinds, carry-forward cap or spillover half-life.

A change *flips* a year if afterwards the other state is the more threatened with P ≥ 0.5. Continuous
changes are measured by the share of the input's range they move (on the log scale for reference points,
whose ranges span factors); a discrete switch or leaving an indicator out counts as 1, the whole range.
The smallest flipping change is the year's answer, put in a sentence ("the weight on interdependence ≥
0.62"); if none flips it, the sentence says "no single change within the stated ranges flips it". Each
weight threshold is refined by bisection on the cached kind scores; reference points are searched on a
log-spaced grid.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from ironriver.sovereignty.aggregate import (
    TIE_TOLERANCE,
    Rows,
    _combine,
    cells_of,
    compare_overall,
    evaluate,
    kinds_of,
    overall_of,
    spec_rows,
    threats_of,
    with_indicator_threat,
)
from ironriver.sovereignty.catalogue import STATE_POSSESSIVES
from ironriver.sovereignty.sensitivity import Space
from ironriver.sovereignty.specification import AGGREGATIONS, KIND_ORDER, MAX_CARRY_FORWARD_YEARS, NORMALISATIONS

__all__ = ["Change", "YearFlip", "flip_analysis", "WEIGHT_GRID", "REFERENCE_GRID"]

WEIGHT_GRID = 21
"""Kind-weight values scanned on [0, 1] before bisection."""
REFERENCE_GRID = 7
"""Reference-point values scanned (log-spaced) across each indicator's range."""
_BISECTIONS = 14


@dataclass(frozen=True)
class Change:
    """One single-input change and what it does to the year's verdict."""

    input: str                  # what moves, in words ("weight on interdependence")
    kind: str                   # kind_weight | reference | exclude | normalisation | within | across | carry_forward | decay
    target: str                 # a kind, an indicator id, or "" for global choices
    operator: str               # ">=" | "<=" | "="
    value: float | str
    default: float | str
    distance: float             # share of the input's stated range moved (1 for a discrete switch)
    p_other: float              # P(the other state is the more threatened) after the change
    unit: str = ""              # unit of value and default (reference points)
    default_is_mean: bool = False   # the default is the mean of drawn values (Dirichlet kind weights)

    def phrase(self) -> str:
        """The change in words: "weight on interdependence ≥ 0.46 (now 0.25 on average)"."""
        if self.kind in ("kind_weight", "reference"):
            sign = "≥" if self.operator == ">=" else "≤"
            unit = f" {self.unit}" if self.unit else ""
            now = f"now {_number(self.default)}{unit}" + (" on average" if self.default_is_mean else "")
            return f"{self.input} {sign} {_number(self.value)}{unit} ({now})"
        if self.kind == "exclude":
            return f"leaving out the indicator '{self.input}'"
        return f"{self.input}: {self.value} instead of {self.default}"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "phrase": self.phrase()}


@dataclass(frozen=True)
class YearFlip:
    """The flip analysis of one year."""

    year: int
    more_threatened: str | None      # "MEX", "USA" or None (no comparison or a tie)
    p: float                         # P(more_threatened is the more threatened) under the specification
    changes: tuple[Change, ...]      # every single change that flips the year, smallest first

    @property
    def flips(self) -> bool:
        return bool(self.changes)

    def sentence(self) -> str:
        if self.more_threatened is None:
            return f"In {self.year}, the two states cannot be compared, so there is no verdict to flip."
        other = "USA" if self.more_threatened == "MEX" else "MEX"
        head = (f"In {self.year}, {STATE_POSSESSIVES[self.more_threatened]} sovereignty is the more threatened "
                f"(P = {self.p:.2f} in this search, which pairs each posterior draw with one draw of the kind "
                f"weights, so it can differ from the headline P by sampling)")
        if not self.changes:
            return f"{head}; no single change within the stated ranges flips it."
        best = self.changes[0]
        text = (f"{head}; the smallest change that makes {STATE_POSSESSIVES[other]} the more threatened is "
                f"{best.phrase()}, giving P = {best.p_other:.2f}.")
        if len(self.changes) > 1:
            others = "; ".join(c.phrase() for c in self.changes[1:4])
            more = f" and {len(self.changes) - 4} more" if len(self.changes) > 4 else ""
            text += f" Other single changes that flip it: {others}{more}."
        return text

    def to_json(self) -> dict[str, Any]:
        best = self.changes[0].to_json() if self.changes else None
        return {"year": self.year, "flips": self.flips, "change": self.sentence(),
                "more_threatened": self.more_threatened, "p": self.p, "smallest": best,
                "alternatives": [c.to_json() for c in self.changes[1:]]}


def _number(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _p_pair(overall: np.ndarray) -> np.ndarray:
    """(2, Y): P(MEX more), P(USA more)."""
    return np.array(compare_overall(overall)[:2])


def _weighted_overall(kind_scores: np.ndarray, weights: np.ndarray, across: np.ndarray) -> np.ndarray:
    return np.stack([_combine(kind_scores[:, s], weights, across) for s in range(2)], axis=1)


def _move_weight(weights: np.ndarray, k: int, t: float) -> np.ndarray:
    """Kind ``k`` weighs ``t``; the others share ``1 − t`` in their current proportions (equally if all 0)."""
    others = np.delete(np.arange(weights.shape[1]), k)
    rest = weights[:, others]
    total = rest.sum(axis=1, keepdims=True)
    share = np.where(total > 0, rest / np.where(total > 0, total, 1.0), 1.0 / others.size)
    moved = np.empty_like(weights)
    moved[:, k] = t
    moved[:, others] = (1.0 - t) * share
    return moved


def flip_analysis(space: Space, *, n_draws: int | None = None, seed: int = 0) -> list[YearFlip]:
    """For each year, every single change within the stated ranges that flips the verdict, smallest first.

    Uses ``n_draws`` posterior draws (default all; evenly spaced through the cached draws), each with its own
    kind weights and reference points drawn once under the space's base specification and held fixed across
    the changes.
    """
    layout, spec = space.layout, space.base
    count = space.n_draws if n_draws is None else min(n_draws, space.n_draws)
    draw = np.unique(np.linspace(0, space.n_draws - 1, count).round().astype(int))
    rows = spec_rows(spec, layout, draw, seed)
    threats = threats_of(space.values, space.runs, layout, rows)
    cells = cells_of(threats, layout, rows)
    kind_scores = kinds_of(cells, layout, rows)
    base_p = _p_pair(overall_of(kind_scores, rows))
    n_years = space.years.size
    found: list[list[Change]] = [[] for _ in range(n_years)]
    leader = np.where(base_p[0] > base_p[1], 0, np.where(base_p[1] > base_p[0], 1, -1))

    def record(p: np.ndarray, change: Change) -> None:
        """Keep ``change`` for every year it flips; ``p`` (2, Y) is P after the change."""
        for j in range(n_years):
            if leader[j] >= 0 and p[1 - leader[j], j] >= 0.5:
                found[j].append(replace(change, p_other=float(p[1 - leader[j], j])))

    _weight_changes(space, kind_scores, rows, leader, found)
    cached = (threats, cells, kind_scores)
    _reference_changes(space, rows, cached, leader, found)
    for i, indicator in enumerate(layout.ids):
        if rows.include[0, i]:
            overall = with_indicator_threat(*cached, layout, rows, i, np.full((len(rows), n_years), np.nan))
            record(_p_pair(overall), Change(layout.labels[i], "exclude", indicator, "=", "left out", "included",
                                            1.0, 0.0))
    for field, words in (("within", "aggregation within kinds"), ("across", "aggregation across kinds")):
        current = int(getattr(rows, field)[0])
        for level, name in enumerate(AGGREGATIONS):
            if level != current:
                changed = replace(rows, **{field: np.full(len(rows), level)})
                kinds = kinds_of(cells, layout, changed) if field == "within" else kind_scores
                record(_p_pair(overall_of(kinds, changed)),
                       Change(words, field, "", "=", name, AGGREGATIONS[current], 1.0, 0.0))

    # switches that change the threats themselves: one batch through the whole kernel
    batch: list[tuple[Rows, Change]] = []
    switches = (("normalisation", "normalisation", NORMALISATIONS),
                ("carry", "carry-forward cap", [f"{n} years" for n in range(MAX_CARRY_FORWARD_YEARS + 1)]))
    for field, words, levels in switches:
        current = int(getattr(rows, field)[0])
        for level, name in enumerate(levels):
            if level != current:
                batch.append((replace(rows, **{field: np.full(len(rows), level)}),
                              Change(words, "carry_forward" if field == "carry" else field, "", "=", name,
                                     levels[current], 1.0, 0.0)))
    for v in range(1, space.values.shape[0]):
        batch.append((replace(rows, variant=np.full(len(rows), v)),
                      Change("spillover half-life", "decay", "", "=", f"{space.half_lives[v]:g} years",
                             f"{space.half_lives[0]:g} years", 1.0, 0.0)))
    if batch:
        _, outcome = evaluate(space.values, space.runs, layout, _concat([r for r, _ in batch]))
        for b, (_, change) in enumerate(batch):
            record(_p_pair(outcome[b * len(rows):(b + 1) * len(rows)]), change)

    results = []
    for j, year in enumerate(space.years):
        state = None if leader[j] < 0 else ("MEX", "USA")[leader[j]]
        p = float(base_p[leader[j], j]) if leader[j] >= 0 else float("nan")
        ordered = sorted(found[j], key=lambda c: (c.distance, -c.p_other))
        results.append(YearFlip(int(year), state, p, tuple(ordered)))
    return results


def _concat(rows: list[Rows]) -> Rows:
    def join(name: str) -> np.ndarray | None:
        values = [getattr(r, name) for r in rows]
        if values[0] is None:
            return None
        if name in ("indicator_weight", "concept_weight") and values[0].ndim == 1:
            return values[0]
        return np.concatenate([np.broadcast_to(v, values[0].shape) if v.ndim == values[0].ndim else v
                               for v in values])
    variants = [r.variant if r.variant is not None else np.zeros(len(r), int) for r in rows]
    joined = {name: join(name) for name in Rows.__dataclass_fields__ if name != "variant"}
    return Rows(**joined, variant=np.concatenate(variants))


def _p_batch(overall: np.ndarray) -> np.ndarray:
    """P(MEX more), P(USA more) ``(G, 2, Y)`` for overall scores of G settings ``(G, R, 2, Y)``."""
    gap = overall[:, :, 0] - overall[:, :, 1]
    ok = ~np.isnan(gap)
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack([np.where(n > 0, (ok & (gap > TIE_TOLERANCE)).sum(axis=1) / n, np.nan),
                         np.where(n > 0, (ok & (gap < -TIE_TOLERANCE)).sum(axis=1) / n, np.nan)], axis=1)


def _p_at_weights(kind_scores: np.ndarray, rows: Rows, k: int, values: np.ndarray) -> np.ndarray:
    """P pairs ``(G, 2, Y)`` with kind ``k``'s weight set to each of ``values`` (G,) in every row."""
    n_rows, n_values = len(rows), values.size
    weights = np.concatenate([_move_weight(rows.kind_weight, k, t) for t in values])
    tiled = np.broadcast_to(kind_scores, (n_values, *kind_scores.shape)).reshape(-1, *kind_scores.shape[1:])
    across = np.tile(rows.across, n_values)
    overall = _weighted_overall(tiled, weights, across)
    return _p_batch(overall.reshape(n_values, n_rows, *overall.shape[1:]))


def _weight_changes(space: Space, kind_scores: np.ndarray, rows: Rows, leader: np.ndarray,
                    found: list[list[Change]]) -> None:
    """Scan each kind's weight over [0, 1] on the cached kind scores; bisect each year's threshold."""
    fixed = space.base.kinds.fixed_weights()
    alpha = np.array(space.base.kinds.alpha())
    grid = np.linspace(0.0, 1.0, WEIGHT_GRID)
    years = np.arange(space.years.size)
    for k, kind in enumerate(KIND_ORDER):
        if fixed is not None:
            default = fixed[k]
        elif space.base.kinds.per_concept:
            default = float(rows.kind_weight[0, k])
        else:
            default = float(alpha[k] / alpha.sum())
        scanned = _p_at_weights(kind_scores, rows, k, grid)                              # (G, 2, Y)
        other = np.where(leader >= 0, 1 - leader, 0)
        flipping = (scanned[:, other, years] >= 0.5) & (leader >= 0)[None, :]          # (G, Y)
        live = np.flatnonzero(flipping.any(axis=0))
        if live.size == 0:
            continue
        nearest = np.argmin(np.where(flipping[:, live], np.abs(grid - default)[:, None], np.inf), axis=0)
        inside = grid[nearest]
        neighbour = nearest + np.where(inside > default, -1, 1)
        valid = (neighbour >= 0) & (neighbour < grid.size)
        neighbour = np.clip(neighbour, 0, grid.size - 1)
        bracketed = valid & ~flipping[neighbour, live]
        outside = np.where(bracketed, grid[neighbour], inside)
        for _ in range(_BISECTIONS):                 # all years at once: one evaluation per step
            middle = 0.5 * (inside + outside)
            p = _p_at_weights(kind_scores, rows, k, middle)                               # (J, 2, Y)
            hit = p[np.arange(live.size), other[live], live] >= 0.5
            inside = np.where(bracketed & hit, middle, inside)
            outside = np.where(bracketed & ~hit, middle, outside)
        final = _p_at_weights(kind_scores, rows, k, inside)[np.arange(live.size), other[live], live]
        for n, j in enumerate(live):
            t_flip = float(inside[n])
            found[j].append(Change(f"weight on {kind.replace('_', ' ')}", "kind_weight", kind,
                                   ">=" if t_flip > default else "<=", t_flip, float(default),
                                   float(abs(t_flip - default)), float(final[n]),
                                   default_is_mean=fixed is None and not space.base.kinds.per_concept))


def _reference_changes(space: Space, rows: Rows, cached: tuple[np.ndarray, np.ndarray, np.ndarray],
                       leader: np.ndarray, found: list[list[Change]]) -> None:
    """Fix one indicator's reference point across its range (ratio normalisation only).

    A threat x / (x + r) falls as r rises and every aggregation is monotone in each threat, so P(other state
    more) is monotone in each reference point: if neither end of the range flips a year, no value inside
    does. The ends are tried first; only indicators whose ends flip some year are scanned on the grid.
    """
    layout = space.layout
    if (rows.normalisation != NORMALISATIONS.index("ratio")).any():
        return
    variant = np.zeros(len(rows), int) if rows.variant is None else rows.variant
    values = np.where(space.runs[variant] > rows.carry[:, None, None], np.nan, space.values[variant, rows.draw])

    def p_at(i: int, value: float) -> np.ndarray:
        x = np.clip(values[:, i], 0.0, None)
        with np.errstate(invalid="ignore", divide="ignore"):
            threat = x / (x + value)
        return _p_pair(with_indicator_threat(*cached, layout, rows, i, threat))

    candidates = [i for i in range(layout.n) if rows.include[0, i] and np.isfinite(layout.reference_low[i])
                  and np.isfinite(layout.reference_high[i]) and 0 < layout.reference_low[i] < layout.reference_high[i]]
    years = np.arange(space.years.size)
    other = np.where(leader >= 0, 1 - leader, 0)
    for i in candidates:
        low, high, central = layout.reference_low[i], layout.reference_high[i], layout.reference[i]
        ends = [p_at(i, low), p_at(i, high)]
        if not any(((p[other, years] >= 0.5) & (leader >= 0)).any() for p in ends):
            continue
        best: dict[int, Change] = {}
        for value in np.geomspace(low, high, REFERENCE_GRID):
            distance = abs(np.log(value / central)) / np.log(high / low)
            if distance < 1e-9:
                continue          # pinning the reference at its central value is not a move
            p = p_at(i, value)
            for j in np.flatnonzero((p[other, years] >= 0.5) & (leader >= 0)):
                if j not in best or distance < best[j].distance:
                    best[j] = Change(f"reference point of {layout.labels[i]}", "reference", layout.ids[i],
                                     ">=" if value > central else "<=", float(value), float(central),
                                     float(distance), float(p[other[j], j]), unit=layout.units[i])
        for j, change in best.items():
            found[j].append(change)
