"""Aggregation under a specification: cached indicator draws → kind and overall threat scores per draw.

The ledger's indicator draws (:class:`~ironriver.sovereignty.draws.IndicatorDraws`: raw values per
posterior draw × indicator × year, with the status of every value) are turned into scores by one
vectorised kernel, :func:`evaluate`, that takes one *row* of settings per evaluation: which posterior draw,
which decay variant, a reference point per indicator, the normalisation, the aggregations within and across
kinds, which indicators count and with what weight, the kind weights and the carry-forward cap. The same
kernel serves the verdict under one specification (:func:`aggregate`: one row per posterior draw, each with
its own kind weights and reference points), the specification uncertainty and Sobol analyses
(:mod:`~ironriver.sovereignty.sensitivity`: one row per sampled point of the input space) and the flip search
(:mod:`~ironriver.sovereignty.flip`). Nothing is refitted: every row only re-aggregates cached values.

The steps, identical for both states:

1. a value carried forward more years than the cap, or of an indicator left out, is missing;
2. normalisation to a threat in [0, 1] — ``ratio``: x / (x + r) with x clipped at 0 and r the reference
   point (an indicator without a reference is a share already, clipped to [0, 1]); ``minmax``:
   (x − min) / (max − min) and ``rank``: (rank − 1) / (n − 1), both over the window and, where a concept has
   one unit for both states (the ledger's ``shared_reference``), over both states' indicators together (one
   scale), else over the indicator alone; missing where there are fewer than two distinct values;
3. a concept's threat is the weighted mean of its indicators' threats (missing ones drop out);
4. a kind's threat combines its concepts (concept weights shared by both states) by the chosen aggregation;
5. a kind missing for one state in a year is missing for both (the two are compared on the same kinds);
6. the overall threat combines the kinds with the kind weights by the chosen aggregation.

Aggregations: ``arithmetic`` Σ w t / Σ w; ``geometric`` exp(Σ w log t / Σ w) (zero if any weighted
component is zero: no compensation); ``weakest_link`` max t over components with positive weight — the
state's sovereignty is as strong as its weakest part, so the *threat* is the largest one.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import stats

from ironriver.sovereignty.transforms import assumption, sample_assumption
from ironriver.sovereignty.specification import (
    AGGREGATIONS,
    KIND_ORDER,
    NORMALISATIONS,
    Specification,
    SpecificationError,
)

__all__ = ["Layout", "Rows", "Scores", "aggregate", "kind_stage", "evaluate", "layout_of", "spec_rows", "compare_overall",
           "STATE_ORDER", "TIE_TOLERANCE", "draw_reference", "dirichlet_weights"]

STATE_ORDER: tuple[str, ...] = ("MEX", "USA")
TIE_TOLERANCE = 1e-6
"""Scores closer than this are a tie, counted for neither state."""
DEFAULT_WEIGHTINGS = 100
"""Dirichlet kind weightings per posterior draw in a verdict (the ledger's default)."""
_LOG_ZERO = -1e300
_ROW_BLOCK = 2048
"""Rows evaluated at once (bounds memory: a block holds rows × indicators × years floats a few times)."""


class DrawsLike(Protocol):
    """What the kernel needs of :class:`~ironriver.sovereignty.draws.IndicatorDraws`."""

    years: np.ndarray
    table: pd.DataFrame
    values: np.ndarray
    status: np.ndarray


@dataclass(frozen=True)
class Layout:
    """Index arrays derived once from an indicator table (one row per indicator, in array order)."""

    ids: tuple[str, ...]
    state: np.ndarray            # (I,) index into STATE_ORDER
    kind: np.ndarray             # (I,) index into KIND_ORDER
    concept: np.ndarray          # (I,) index into concepts
    concepts: tuple[str, ...]
    scale_group: np.ndarray      # (I,) indicators normalised on one scale (a concept sharing a unit, or one indicator)
    reference: np.ndarray        # (I,) central reference point (NaN: a share)
    reference_low: np.ndarray
    reference_high: np.ndarray
    labels: tuple[str, ...]
    units: tuple[str, ...]
    cells: np.ndarray            # (I,) index of the (state, kind, concept) cell
    cell_state: np.ndarray       # (n_cells,)
    cell_kind: np.ndarray
    cell_concept: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)


def layout_of(table: pd.DataFrame) -> Layout:
    """The :class:`Layout` of an indicator table (columns id, state, kind, concept, unit, reference…)."""
    unknown_states = set(table["state"]) - set(STATE_ORDER)
    unknown_kinds = set(table["kind"]) - set(KIND_ORDER)
    if unknown_states or unknown_kinds:
        raise ValueError(f"indicator table has unknown states {unknown_states} or kinds {unknown_kinds}")
    state = table["state"].map(STATE_ORDER.index).to_numpy(int)
    kind = table["kind"].map(KIND_ORDER.index).to_numpy(int)
    concepts = tuple(dict.fromkeys(table["concept"]))
    concept = table["concept"].map(concepts.index).to_numpy(int)
    units = table["unit"].astype(str) if "unit" in table else pd.Series([""] * len(table))
    # min-max and rank put both states on one scale where the concept has one unit for both (the ledger's
    # shared_reference); otherwise each indicator is scaled on its own
    shared = (table["shared_reference"].astype(bool) if "shared_reference" in table
              else pd.Series([True] * len(table)))
    group_keys = [(c, u) if same else (c, i) for c, u, same, i in zip(table["concept"], units, shared, table["id"])]
    scale_group = np.array([list(dict.fromkeys(group_keys)).index(k) for k in group_keys], dtype=int)
    cell_keys = list(zip(state, kind, concept))
    unique_cells = list(dict.fromkeys(cell_keys))
    cells = np.array([unique_cells.index(k) for k in cell_keys], dtype=int)
    share = (table["transform"] == "share").to_numpy() if "transform" in table else np.zeros(len(table), bool)
    # a share is its own threat under the ratio normalisation: it has no reference point
    as_float = lambda column: np.where(share, np.nan, pd.to_numeric(table[column], errors="coerce").to_numpy(float))  # noqa: E731
    labels = table["label"].astype(str) if "label" in table else table["id"].astype(str)
    return Layout(tuple(table["id"]), state, kind, concept, concepts, scale_group, as_float("reference"),
                  as_float("reference_low"), as_float("reference_high"), tuple(labels), tuple(units),
                  cells, np.array([c[0] for c in unique_cells], int),
                  np.array([c[1] for c in unique_cells], int), np.array([c[2] for c in unique_cells], int))


def carried_runs(status: np.ndarray) -> np.ndarray:
    """Years each value has been carried forward: 0 unless ``status == 'carried'``, then 1, 2, … per year."""
    carried = np.asarray(status) == "carried"
    runs = np.zeros(carried.shape, dtype=np.int16)
    for j in range(carried.shape[-1]):
        previous = runs[..., j - 1] if j else 0
        runs[..., j] = np.where(carried[..., j], previous + 1, 0)
    return runs


@dataclass
class Rows:
    """One evaluation per row: which draw and decay variant, and every methodological setting.

    Arrays have a leading row axis ``R``; ``indicator_weight`` and ``concept_weight`` may also be 1-D
    (the same for every row).
    """

    draw: np.ndarray                     # (R,) posterior draw index
    reference: np.ndarray                # (R, I) reference point per indicator
    kind_weight: np.ndarray              # (R, K)
    normalisation: np.ndarray            # (R,) index into NORMALISATIONS
    within: np.ndarray                   # (R,) index into AGGREGATIONS: across concepts within a kind
    across: np.ndarray                   # (R,) index into AGGREGATIONS: across kinds
    include: np.ndarray                  # (R, I) bool
    carry: np.ndarray                    # (R,) carry-forward cap in years
    variant: np.ndarray | None = None    # (R,) decay variant (index into the stacked values); None: 0
    indicator_weight: np.ndarray | None = None
    concept_weight: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.draw.shape[0])

    def take(self, index: slice | np.ndarray) -> Rows:
        """The rows at ``index`` (weights given once for all rows stay as they are)."""
        def pick(name: str) -> np.ndarray | None:
            value = getattr(self, name)
            shared = value is None or (name in ("indicator_weight", "concept_weight") and value.ndim == 1)
            return value if shared else value[index]
        return replace(self, **{name: pick(name) for name in self.__dataclass_fields__})


def _combine(x: np.ndarray, w: np.ndarray, method: np.ndarray) -> np.ndarray:
    """Combine components ``x`` (R, N, Y) with weights ``w`` (R, N) by ``method`` (R,) per row; NaN = missing."""
    out = np.full((x.shape[0], x.shape[2]), np.nan)
    for level in np.unique(method):
        rows = method == level
        xs, ws = (x, w) if rows.all() else (x[rows], w[rows])
        ok = ~np.isnan(xs) & (ws[:, :, None] > 0)
        wy = np.where(ok, ws[:, :, None], 0.0)
        mass = wy.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            if level == 0:
                value = (wy * np.where(ok, xs, 0.0)).sum(axis=1) / mass
            elif level == 1:
                value = np.exp((wy * np.log(np.where(ok, xs, 1.0))).sum(axis=1) / mass)
            else:
                value = np.where(ok, xs, -np.inf).max(axis=1)
        out[rows] = np.where(mass > 0, value, np.nan)
    return out


def _normalise(x: np.ndarray, reference: np.ndarray, method: np.ndarray, layout: Layout) -> np.ndarray:
    """Threats in [0, 1] from values ``x`` (R, I, Y) per row's normalisation."""
    threats = np.full(x.shape, np.nan)
    ratio = method == 0
    if ratio.any():
        xr, r = np.clip(x[ratio], 0.0, None), reference[ratio][:, :, None]
        share = np.isnan(r)
        with np.errstate(invalid="ignore", divide="ignore"):
            threats[ratio] = np.where(share, np.clip(x[ratio], 0.0, 1.0), xr / (xr + np.where(share, 1.0, r)))
    for level in (1, 2):
        rows = method == level
        if not rows.any():
            continue
        sub = x[rows]
        out = np.full(sub.shape, np.nan)
        for group in np.unique(layout.scale_group):
            members = np.flatnonzero(layout.scale_group == group)
            block = sub[:, members, :].reshape(sub.shape[0], -1)
            if level == 1:
                with np.errstate(invalid="ignore"):
                    low = np.nanmin(np.where(np.isnan(block), np.inf, block), axis=1, keepdims=True)
                    high = np.nanmax(np.where(np.isnan(block), -np.inf, block), axis=1, keepdims=True)
                    scaled = np.where(high > low, (block - low) / (high - low), np.nan)
            else:
                ranks = stats.rankdata(block, axis=1, nan_policy="omit")
                count = (~np.isnan(block)).sum(axis=1, keepdims=True)
                distinct = (np.where(np.isnan(block), -np.inf, block).max(axis=1, keepdims=True)
                            > np.where(np.isnan(block), np.inf, block).min(axis=1, keepdims=True))
                with np.errstate(invalid="ignore", divide="ignore"):
                    scaled = np.where((count > 1) & distinct, (ranks - 1.0) / (count - 1.0), np.nan)
            out[:, members, :] = scaled.reshape(sub.shape[0], members.size, -1)
        threats[rows] = out
    return threats


def evaluate(values: np.ndarray, runs: np.ndarray, layout: Layout, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
    """Kind scores ``(R, 2, 4, Y)`` (each state's own, NaN where it has none) and overall scores ``(R, 2, Y)``
    over the kinds both states have, for every row.

    ``values`` are the cached indicator draws stacked over decay variants ``(V, D, I, Y)``; ``runs`` the
    years each value was carried ``(V, I, Y)`` (see :func:`carried_runs`). Rows are evaluated in blocks.
    """
    kinds, overall = [], []
    for start in range(0, len(rows), _ROW_BLOCK):
        k, o = _evaluate_block(values, runs, layout, rows.take(slice(start, start + _ROW_BLOCK)))
        kinds.append(k)
        overall.append(o)
    return np.concatenate(kinds), np.concatenate(overall)


def _evaluate_block(values: np.ndarray, runs: np.ndarray, layout: Layout, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
    threats = threats_of(values, runs, layout, rows)
    kind_scores = kinds_of(cells_of(threats, layout, rows), layout, rows)
    return kind_scores, overall_of(kind_scores, rows)


def threats_of(values: np.ndarray, runs: np.ndarray, layout: Layout, rows: Rows) -> np.ndarray:
    """Steps 1–2: threats ``(R, I, Y)`` in [0, 1], NaN where missing, left out or carried past the cap."""
    variant = np.zeros(len(rows), int) if rows.variant is None else rows.variant
    x = values[variant, rows.draw].astype(float)                                    # (R, I, Y)
    too_old = runs[variant] > rows.carry[:, None, None]
    x = np.where(too_old | ~rows.include[:, :, None], np.nan, x)
    return _normalise(x, rows.reference, rows.normalisation, layout)


def _membership(layout: Layout) -> np.ndarray:
    membership = np.zeros((layout.n, layout.cell_state.size))
    membership[np.arange(layout.n), layout.cells] = 1.0
    return membership


def cells_of(threats: np.ndarray, layout: Layout, rows: Rows) -> np.ndarray:
    """Step 3: each (state, kind, concept) cell's threat ``(R, cells, Y)``: its indicators' weighted mean."""
    n_rows = threats.shape[0]
    available = ~np.isnan(threats)
    iw = np.ones(layout.n) if rows.indicator_weight is None else rows.indicator_weight
    iw = np.broadcast_to(iw, (n_rows, layout.n))
    membership = _membership(layout)
    weighted = np.where(available, threats, 0.0) * iw[:, :, None]
    # Σ over the indicators of each cell, as one matrix product over (R, Y, I) @ (I, cells)
    mass = (available * iw[:, :, None]).transpose(0, 2, 1) @ membership
    total = weighted.transpose(0, 2, 1) @ membership
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mass > 0, total / mass, np.nan).transpose(0, 2, 1)


def _concept_weights(layout: Layout, rows: Rows, n_rows: int) -> np.ndarray:
    cw = np.ones(len(layout.concepts)) if rows.concept_weight is None else rows.concept_weight
    return np.broadcast_to(cw, (n_rows, len(layout.concepts)))[:, layout.cell_concept]   # (R, cells)


def kind_of(cell_scores: np.ndarray, layout: Layout, rows: Rows, s: int, k: int) -> np.ndarray:
    """Step 4 for one state and kind: its cells combined by the aggregation within kinds ``(R, Y)``."""
    members = np.flatnonzero((layout.cell_state == s) & (layout.cell_kind == k))
    if not members.size:
        return np.full((cell_scores.shape[0], cell_scores.shape[2]), np.nan)
    cw = _concept_weights(layout, rows, cell_scores.shape[0])
    return _combine(cell_scores[:, members], cw[:, members], rows.within)


def kinds_of(cell_scores: np.ndarray, layout: Layout, rows: Rows) -> np.ndarray:
    """Step 4: kind scores ``(R, 2, 4, Y)``, each state's own (NaN where it has no cell with a value)."""
    return np.stack([np.stack([kind_of(cell_scores, layout, rows, s, k) for k in range(len(KIND_ORDER))], axis=1)
                     for s in range(len(STATE_ORDER))], axis=1)


def overall_of(kind_scores: np.ndarray, rows: Rows) -> np.ndarray:
    """Steps 5–6: overall scores ``(R, 2, Y)`` over the kinds both states have, by the aggregation across kinds."""
    comparable = ~np.isnan(kind_scores).any(axis=1, keepdims=True)                   # (R, 1, K, Y)
    compared = np.where(comparable, kind_scores, np.nan)
    return np.stack([_combine(compared[:, s], rows.kind_weight, rows.across)
                     for s in range(len(STATE_ORDER))], axis=1)


def with_indicator_threat(threats: np.ndarray, cell_scores: np.ndarray, kind_scores: np.ndarray, layout: Layout,
                          rows: Rows, i: int, threat: np.ndarray) -> np.ndarray:
    """Overall scores ``(R, 2, Y)`` when indicator ``i``'s threat becomes ``threat`` (R, Y) — NaN: left out.

    Only the indicator's cell, its state's kind and the overall scores are recomputed (the rest is cached).
    """
    c, s, k = layout.cells[i], layout.state[i], layout.kind[i]
    members = np.flatnonzero(layout.cells == c)
    local = threats[:, members].copy()
    local[:, np.flatnonzero(members == i)[0]] = threat
    local_layout_rows = rows.indicator_weight if rows.indicator_weight is not None else np.ones(layout.n)
    iw = np.broadcast_to(local_layout_rows, (threats.shape[0], layout.n))[:, members]
    ok = ~np.isnan(local)
    mass = (ok * iw[:, :, None]).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cell = np.where(mass > 0, (np.where(ok, local, 0.0) * iw[:, :, None]).sum(axis=1) / mass, np.nan)
    cells = cell_scores.copy()
    cells[:, c] = cell
    kinds = kind_scores.copy()
    kinds[:, s, k] = kind_of(cells, layout, rows, s, k)
    return overall_of(kinds, rows)


def compare_overall(overall: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(MEX more), P(USA more) and the number of comparable rows per year from overall scores (R, 2, Y)."""
    gap = overall[:, 0] - overall[:, 1]
    ok = ~np.isnan(gap)
    n = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_mex = np.where(n > 0, (ok & (gap > TIE_TOLERANCE)).sum(axis=0) / n, np.nan)
        p_usa = np.where(n > 0, (ok & (gap < -TIE_TOLERANCE)).sum(axis=0) / n, np.nan)
    return p_mex, p_usa, n


# --- from a specification to rows -------------------------------------------------------------------


def draw_reference(layout: Layout, u_concept: np.ndarray) -> np.ndarray:
    """Reference points ``(R, I)`` log-uniform in each indicator's range, from one uniform per row × concept.

    The uniform is shared by every indicator of a concept, for both states (common random numbers): a
    draw that judges a concept's threshold low judges it low for Mexico and the USA alike.
    """
    u = u_concept[:, layout.concept]
    low, high = layout.reference_low, layout.reference_high
    log_ok = (low > 0) & (high >= low)
    with np.errstate(invalid="ignore", divide="ignore"):
        logr = np.log(np.where(log_ok, low, 1.0)) + u * np.log(np.where(log_ok, high / low, 1.0))
        linear = low + u * (high - low)
    drawn = np.where(log_ok, np.exp(logr), linear)
    return np.where(np.isnan(low) | np.isnan(high), layout.reference, drawn)


def dirichlet_weights(alpha: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Dirichlet(alpha) kind weights ``(R, K)`` from uniforms ``u`` (R, K) by the gamma inverse CDF."""
    gammas = stats.gamma.ppf(np.clip(u, 1e-12, 1 - 1e-12), np.asarray(alpha)[None, :])
    return gammas / gammas.sum(axis=1, keepdims=True)


def _index_of(layout: Layout, ids: list[str], where: str) -> np.ndarray:
    unknown = [i for i in ids if i not in layout.ids]
    if unknown:
        import difflib
        close = difflib.get_close_matches(unknown[0], layout.ids, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise SpecificationError(f"{where}: unknown indicator '{unknown[0]}'{hint}")
    return np.array([layout.ids.index(i) for i in ids], dtype=int)


def spec_settings(spec: Specification, layout: Layout) -> dict[str, Any]:
    """The row-independent settings of ``spec`` on ``layout``: inclusion, weights, fixed references."""
    include = np.ones(layout.n, bool)
    if spec.indicators.include is not None:
        include[:] = False
        include[_index_of(layout, spec.indicators.include, f"{spec.name}: indicators.include")] = True
    if spec.indicators.exclude:
        include[_index_of(layout, spec.indicators.exclude, f"{spec.name}: indicators.exclude")] = False
    indicator_weight = np.ones(layout.n)
    for key, weight in spec.indicators.weights.items():
        indicator_weight[_index_of(layout, [key], f"{spec.name}: indicators.weights")] = weight
    concept_weight = np.ones(len(layout.concepts))
    for key, weight in spec.concepts.weights.items():
        if key not in layout.concepts:
            import difflib
            close = difflib.get_close_matches(key, layout.concepts, n=1, cutoff=0.5)
            raise SpecificationError(f"{spec.name}: concepts.weights: unknown concept '{key}'"
                                     + (f"; did you mean {close[0]}?" if close else
                                        f" (concepts: {', '.join(layout.concepts)})"))
        concept_weight[layout.concepts.index(key)] = weight
    explicit = np.full(layout.n, np.nan)
    for key, value in spec.reference.values.items():
        explicit[_index_of(layout, [key], f"{spec.name}: reference.values")] = value
    return {"include": include, "indicator_weight": indicator_weight, "concept_weight": concept_weight,
            "explicit_reference": explicit}


def concepts_per_kind(layout: Layout) -> np.ndarray:
    """Number of distinct concepts of each kind (over both states) — the same count for Mexico and the USA."""
    return np.array([np.unique(layout.concept[layout.kind == k]).size for k in range(len(KIND_ORDER))], float)


def kind_weight_draws(spec: Specification, layout: Layout, n: int, rng: np.random.Generator) -> np.ndarray:
    """``(n, 4)`` kind weights under ``spec``: fixed, in proportion to concepts, or Dirichlet draws.

    With no concentration given, each weighting's concentration is drawn from the ledger's assumption
    ``dirichlet_concentration_kinds`` (as :func:`~ironriver.sovereignty.ledger.kind_weights` does, in the
    same order of random numbers, so the neutral default reproduces the ledger).
    """
    fixed = spec.kinds.fixed_weights()
    if spec.kinds.per_concept:
        fixed = tuple(concepts_per_kind(layout) / concepts_per_kind(layout).sum())
    if fixed is not None:
        return np.broadcast_to(np.array(fixed, dtype=float), (n, len(KIND_ORDER))).copy()
    if spec.kinds.concentration is None:
        alpha = sample_assumption(assumption("dirichlet_concentration_kinds"), n, rng)[:, None]
    else:
        alpha = np.array(spec.kinds.alpha())[None, :]
    gammas = rng.gamma(alpha, 1.0, (n, len(KIND_ORDER)))
    return gammas / gammas.sum(axis=1, keepdims=True)


def reference_uniforms(layout: Layout, n: int, seed: int) -> np.ndarray:
    """``(n, concepts)`` uniforms, drawn as the ledger draws them: each concept from its own stream, seeded by
    its name (:func:`~ironriver.sovereignty.ledger.threats`), so adding a concept changes no other draw."""
    return np.stack([np.random.default_rng([seed, 7, zlib.crc32(name.encode())]).uniform(size=n)
                     for name in layout.concepts], axis=1)


def spec_rows(spec: Specification, layout: Layout, draw: np.ndarray, seed: int,
              *, variant: np.ndarray | None = None, weights_per_row: bool = True) -> Rows:
    """One row per entry of ``draw`` under ``spec``: reference points, then kind weights, drawn per row
    (``weights_per_row=False``: equal placeholder weights, for a caller that combines kinds itself)."""
    n_rows = draw.size
    settings = spec_settings(spec, layout)
    u = reference_uniforms(layout, n_rows, seed)
    choice = spec.reference.choice
    if choice == "drawn":
        reference = draw_reference(layout, u)
    else:
        column = {"central": layout.reference, "low": layout.reference_low, "high": layout.reference_high}[choice]
        reference = np.broadcast_to(column, (n_rows, layout.n)).copy()
    reference = np.where(np.isnan(settings["explicit_reference"]), reference, settings["explicit_reference"])
    kind_weight = (kind_weight_draws(spec, layout, n_rows, np.random.default_rng([seed, 8])) if weights_per_row
                   else np.full((n_rows, len(KIND_ORDER)), 1.0 / len(KIND_ORDER)))
    full = lambda v: np.full(n_rows, v, dtype=int)  # noqa: E731
    return Rows(draw=draw, reference=reference, kind_weight=kind_weight,
                normalisation=full(NORMALISATIONS.index(spec.normalisation)),
                within=full(AGGREGATIONS.index(spec.concepts.aggregation)),
                across=full(AGGREGATIONS.index(spec.kinds.aggregation)),
                include=np.broadcast_to(settings["include"], (n_rows, layout.n)),
                carry=full(spec.carry_forward_years), variant=variant,
                indicator_weight=settings["indicator_weight"], concept_weight=settings["concept_weight"])


@dataclass
class Scores:
    """Kind scores per posterior draw and overall scores per weighting × posterior draw, by state and year."""

    years: np.ndarray
    kind: np.ndarray             # (D, 2, 4, Y): states in STATE_ORDER, kinds in KIND_ORDER
    overall: np.ndarray          # (W, D, 2, Y): W kind weightings (1 if the weights are fixed)
    kind_weights: np.ndarray     # (W, 4)
    specification: Specification
    rows: Rows = field(repr=False)
    threats: np.ndarray | None = field(default=None, repr=False)   # (D, I, Y) under the specification

    @property
    def comparable(self) -> np.ndarray:
        """(4, Y): kinds both states have in at least one draw of the year."""
        return (~np.isnan(self.kind).any(axis=1)).any(axis=0)

    def _flat(self) -> np.ndarray:
        return self.overall.reshape(-1, *self.overall.shape[2:])

    @property
    def p_mex_more(self) -> np.ndarray:
        """P(Mexico's overall threat > the USA's) by year, over weightings × posterior draws."""
        return compare_overall(self._flat())[0]

    @property
    def p_usa_more(self) -> np.ndarray:
        return compare_overall(self._flat())[1]

    def kind_p(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """P(MEX more) and P(USA more) on one kind, by year."""
        k = KIND_ORDER.index(kind)
        return compare_overall(self.kind[:, :, k])[:2]

    def table(self) -> pd.DataFrame:
        """One row per year: P(MEX more), P(USA more), comparable cells (weightings × draws)."""
        p_mex, p_usa, n = compare_overall(self._flat())
        return pd.DataFrame({"year": self.years.astype(int), "p_mex_more": p_mex, "p_usa_more": p_usa,
                             "n_cells": n})


def stack_variants(variants: list[DrawsLike]) -> tuple[np.ndarray, np.ndarray]:
    """Values ``(V, D, I, Y)`` and carried runs ``(V, I, Y)`` of draws that differ only in decay."""
    values = np.stack([np.asarray(v.values, dtype=float) for v in variants])
    runs = np.stack([carried_runs(v.status) for v in variants])
    return values, runs


def kind_stage(draws: DrawsLike, spec: Specification, seed: int = 0) -> tuple[np.ndarray, np.ndarray, Rows, Layout]:
    """The part of :func:`aggregate` before the kinds are weighted: kind scores ``(D, 2, 4, Y)``, threats, rows
    and layout. It reads the specification's indicators, reference points, transforms and concept weights but
    not its kind weights (only ``kinds.aggregation``), so a caller that varies only the kind weights (the
    dashboard's what-if) computes it once and passes it to :func:`aggregate` as ``stage``."""
    layout = layout_of(draws.table)
    values, runs = stack_variants([draws])
    rows = spec_rows(spec, layout, np.arange(values.shape[1]), seed, weights_per_row=False)
    threats = threats_of(values, runs, layout, rows)
    return kinds_of(cells_of(threats, layout, rows), layout, rows), threats, rows, layout


def aggregate(draws: DrawsLike, spec: Specification, seed: int = 0, *,
              n_weightings: int = DEFAULT_WEIGHTINGS,
              stage: tuple[np.ndarray, np.ndarray, Rows, Layout] | None = None) -> Scores:
    """Kind scores per posterior draw and overall scores per kind weighting × draw, under ``spec``.

    ``draws`` must have been built with the specification's spillover half-life (the caller rebuilds them
    when it differs; rebuilding is cheap once the models are cached). Each posterior draw gets its own
    reference points (per ``spec.reference``); the kinds are combined under ``n_weightings`` Dirichlet
    weightings (one if the weights are fixed), the same for both states — the grid the verdict reads.
    Random numbers follow the ledger's streams, so under the neutral default this is the ledger's
    :func:`~ironriver.sovereignty.ledger.score`.
    """
    kind, threats, rows, layout = stage if stage is not None else kind_stage(draws, spec, seed)
    fixed = spec.kinds.fixed_weights() is not None or spec.kinds.per_concept
    weights = kind_weight_draws(spec, layout, 1 if fixed else n_weightings, np.random.default_rng([seed, 8]))
    overall = combine_grid(kind, weights, AGGREGATIONS.index(spec.kinds.aggregation))
    return Scores(np.asarray(draws.years), kind, overall, weights, spec, rows, threats)


def combine_grid(kind: np.ndarray, weights: np.ndarray, method: int) -> np.ndarray:
    """Overall scores ``(W, D, 2, Y)`` from kind scores ``(D, 2, 4, Y)`` under every weighting ``(W, 4)``.

    The same rule as :func:`overall_of` (kinds both states have; weights renormalised over them), computed as
    matrix products over the weightings instead of one row per weighting × draw.
    """
    ok = ~np.isnan(kind).any(axis=1, keepdims=True)                                  # (D, 1, 4, Y)
    ok = np.broadcast_to(ok, kind.shape)
    positive = weights > 0
    if method == AGGREGATIONS.index("weakest_link"):
        # the largest threat over kinds with positive weight: the same for weightings with the same support
        out = np.full((weights.shape[0], *kind.shape[:2], kind.shape[3]), np.nan)
        for support in np.unique(positive, axis=0):
            chosen = np.where(ok & support[None, None, :, None], kind, -np.inf).max(axis=2)
            out[(positive == support).all(axis=1)] = np.where(np.isfinite(chosen), chosen, np.nan)
        return out
    filled = np.where(ok, kind, 0.0)
    if method == AGGREGATIONS.index("geometric"):
        # log 0 as a huge finite negative, so that a zero weight times it stays 0 (a zero threat with positive
        # weight still sends the geometric mean to 0)
        with np.errstate(divide="ignore"):
            filled = np.where(ok, np.maximum(np.log(np.where(ok, kind, 1.0)), _LOG_ZERO), 0.0)
    mass = np.einsum("wk,dsky->wdsy", weights, ok.astype(float))
    total = np.einsum("wk,dsky->wdsy", weights, filled)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / mass
        if method == AGGREGATIONS.index("geometric"):
            mean = np.exp(mean)
    return np.where(mass > 0, mean, np.nan)
