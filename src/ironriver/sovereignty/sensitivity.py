"""How much the verdict owes to each input: specification uncertainty and variance-based (Sobol) sensitivity.

The verdict compares the two states' overall threat scores. Beyond the posterior draws of the models,
those scores depend on choices no dataset makes (:mod:`~ironriver.sovereignty.specification`). This module
varies all of them at once over their stated ranges — the iron-river and other posterior draws, each kind's
weight (Dirichlet), the reference points (log-uniform in their ranges, one uniform per concept shared by
both states), the normalisation (ratio, min–max, rank), the aggregations within and across kinds
(arithmetic, geometric, weakest link), which indicator is left out (none, or any one), the carry-forward cap
(0–3 years) and the spillover half-life (the cached draws rebuilt at the low, central and high half-life of the
assumption spillover_half_life_years) —
and reports:

* :func:`specification_uncertainty`: P(MEX more threatened) by year over draws × weights × specifications,
  and the share of sampled specifications under which each state is the more threatened, with a sentence
  on how robust the headline is;
* :func:`sobol_analysis`: first-order and total Sobol indices (Saltelli 2010 estimators, bootstrap
  intervals; SALib) of the score gap MEX − USA per year over those groups of inputs, the practice of the
  JRC/OECD for composite indicators (Saisana, Saltelli & Tarantola 2005, J. R. Stat. Soc. A 168: 307–323).

Discrete choices enter as uniform variables on [0, 1) mapped to equally likely levels. Every evaluation
re-aggregates the cached indicator draws with :func:`~ironriver.sovereignty.aggregate.evaluate`; nothing is
refitted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ironriver.sovereignty.aggregate import (
    Layout,
    Rows,
    compare_overall,
    dirichlet_weights,
    draw_reference,
    evaluate,
    layout_of,
    spec_settings,
    stack_variants,
)
from ironriver.sovereignty.catalogue import STATE_POSSESSIVES
from ironriver.sovereignty.specification import (
    AGGREGATIONS,
    KIND_ORDER,
    MAX_CARRY_FORWARD_YEARS,
    NORMALISATIONS,
    Specification,
)

__all__ = ["Space", "space_of", "GROUPS", "sobol_indices", "sobol_analysis", "specification_uncertainty",
           "SpecificationUncertainty", "robustness_sentence", "rows_from_uniforms"]

ROBUST_SHARE = 0.9
"""A headline that holds under at least this share of specifications is called robust (a wording rule)."""
MOSTLY_SHARE = 0.7
"""… at least this share: it holds under most specifications."""


@dataclass(frozen=True)
class Space:
    """Cached indicator draws (stacked over decay variants) and the base specification they vary around."""

    years: np.ndarray
    layout: Layout
    values: np.ndarray               # (V, D, I, Y)
    runs: np.ndarray                 # (V, I, Y)
    half_lives: tuple[float, ...]    # the spillover half-life of each variant (years; NaN if unknown)
    base: Specification

    @property
    def n_draws(self) -> int:
        return int(self.values.shape[1])


def space_of(variants: Sequence, base: Specification, half_lives: Sequence[float] | None = None) -> Space:
    """A :class:`Space` from indicator draws that differ only in their spillover half-life (first = central)."""
    variants = list(variants)
    layout = layout_of(variants[0].table)
    values, runs = stack_variants(variants)
    lives = tuple(float(h) for h in half_lives) if half_lives is not None else (np.nan,) * len(variants)
    return Space(np.asarray(variants[0].years), layout, values, runs, lives, base)


# --- the groups of inputs ----------------------------------------------------------------------------


def GROUPS(space: Space) -> list[tuple[str, int]]:  # noqa: N802 - a table, computed from the space
    """(group name, number of uniform variables) in the order of the columns of a sample."""
    groups = [("posterior draws", 1)]
    groups += [(f"weight on {kind.replace('_', ' ')}", 1) for kind in KIND_ORDER]
    groups += [("reference points", len(space.layout.concepts)), ("normalisation", 1), ("aggregation", 2),
               ("indicator inclusion", 1), ("carry-forward", 1)]
    if space.values.shape[0] > 1:
        groups.append(("decay (spillover half-life)", 1))
    return groups


def _level(u: np.ndarray, n_levels: int) -> np.ndarray:
    """Uniforms on [0, 1] → equally likely levels 0 … n_levels − 1."""
    return np.minimum((np.asarray(u) * n_levels).astype(int), n_levels - 1)


def rows_from_uniforms(space: Space, u: np.ndarray) -> Rows:
    """Map a sample of uniforms ``(R, n_vars)`` (columns in :func:`GROUPS` order) to evaluation rows."""
    layout, base = space.layout, space.base
    settings = spec_settings(base, layout)
    columns = iter(range(u.shape[1]))
    take = lambda n: u[:, [next(columns) for _ in range(n)]]  # noqa: E731
    draw = _level(take(1)[:, 0], space.n_draws)
    kind_weight = dirichlet_weights(np.array(base.kinds.alpha()), take(len(KIND_ORDER)))
    reference = draw_reference(layout, take(len(layout.concepts)))
    normalisation = _level(take(1)[:, 0], len(NORMALISATIONS))
    aggregation = _level(take(2), len(AGGREGATIONS))
    left_out = _level(take(1)[:, 0], layout.n + 1) - 1                   # -1: none left out
    include = np.broadcast_to(settings["include"], (u.shape[0], layout.n)).copy()
    rows_with = np.flatnonzero(left_out >= 0)
    include[rows_with, left_out[rows_with]] = False
    carry = _level(take(1)[:, 0], MAX_CARRY_FORWARD_YEARS + 1)
    variant = _level(take(1)[:, 0], space.values.shape[0]) if space.values.shape[0] > 1 else None
    return Rows(draw=draw, reference=reference, kind_weight=kind_weight, normalisation=normalisation,
                within=aggregation[:, 0], across=aggregation[:, 1], include=include, carry=carry,
                variant=variant, indicator_weight=settings["indicator_weight"],
                concept_weight=settings["concept_weight"])


def score_gap(space: Space, u: np.ndarray) -> np.ndarray:
    """Overall score gap MEX − USA ``(R, Y)`` for uniforms ``u`` (NaN where the year is not comparable)."""
    _, overall = evaluate(space.values, space.runs, space.layout, rows_from_uniforms(space, u))
    return overall[:, 0] - overall[:, 1]


UNDEFINED_GAP = 0.0
"""The gap of an evaluation that leaves the two states no kind in common (e.g. a carry-forward cap of 0 in a
year whose values are all carried): neither is the more threatened. The share of such evaluations is
reported beside the indices."""


# --- Sobol indices -----------------------------------------------------------------------------------


def sobol_indices(groups: Sequence[tuple[str, int]], model: Callable[[np.ndarray], np.ndarray], *,
                  n_base: int = 512, n_resamples: int = 200, seed: int = 0,
                  bounds: Sequence[tuple[float, float]] | None = None) -> pd.DataFrame:
    """First-order and total Sobol indices with 95% bootstrap intervals, for each output column.

    Parameters
    ----------
    groups : sequence of (name, n_vars)
        Groups of input variables (uniform on ``bounds``, default [0, 1]); indices are per group.
    model : callable
        Maps a sample ``(R, n_vars)`` to outputs ``(R,)`` or ``(R, n_outputs)``.
    n_base : int
        Saltelli base sample size (a power of 2); the model is evaluated ``n_base × (n_groups + 2)`` times.

    Returns
    -------
    DataFrame
        One row per output × group: ``output``, ``group``, ``S1``, ``S1_low``, ``S1_high``, ``ST``,
        ``ST_low``, ``ST_high`` (intervals: SALib's bootstrap confidence half-width either side). An output
        with NaN in any evaluation or no variance is left out.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    names = [f"{name}[{i}]" for name, n in groups for i in range(n)]
    problem = {"num_vars": len(names), "names": names,
               "bounds": [list(b) for b in bounds] if bounds is not None else [[0.0, 1.0]] * len(names),
               "groups": [name for name, n in groups for _ in range(n)]}
    sample = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    outputs = np.asarray(model(sample), dtype=float)
    outputs = outputs[:, None] if outputs.ndim == 1 else outputs
    rows = []
    for j in range(outputs.shape[1]):
        y = outputs[:, j]
        if not np.isfinite(y).all() or np.var(y) == 0:
            continue
        # SALib seeds its bootstrap only if ``seed`` is truthy, so a seed of 0 left the intervals to change from
        # run to run; a Generator is always taken as given.
        result = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=n_resamples,
                                       conf_level=0.95, seed=np.random.default_rng([seed, 17]))
        group_names = list(dict.fromkeys(problem["groups"]))
        for g, name in enumerate(group_names):
            s1, s1c, st, stc = (float(result[k][g]) for k in ("S1", "S1_conf", "ST", "ST_conf"))
            rows.append({"output": j, "group": name, "S1": s1, "S1_low": s1 - s1c, "S1_high": s1 + s1c,
                         "ST": st, "ST_low": st - stc, "ST_high": st + stc})
    return pd.DataFrame(rows, columns=["output", "group", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"])


def sobol_analysis(space: Space, *, n_base: int = 256, n_resamples: int = 100, seed: int = 0) -> pd.DataFrame:
    """Sobol indices of the overall score gap (MEX − USA) per year over :func:`GROUPS`.

    Returns one row per year × group (``year``, ``group``, ``S1``, ``ST`` and their intervals,
    ``share_undefined``: the share of evaluations with no kind in common, whose gap counts as
    :data:`UNDEFINED_GAP`), ordered by year then by total index; a year whose gap never varies is left out.
    """
    undefined: list[np.ndarray] = []

    def model(u: np.ndarray) -> np.ndarray:
        gap = score_gap(space, u)
        undefined.append(np.isnan(gap).mean(axis=0))
        return np.where(np.isnan(gap), UNDEFINED_GAP, gap)

    table = sobol_indices(GROUPS(space), model, n_base=n_base, n_resamples=n_resamples, seed=seed)
    output = table.pop("output").to_numpy(int)
    table.insert(0, "year", space.years[output].astype(int))
    table["share_undefined"] = undefined[0][output] if undefined else np.nan
    table = table.sort_values(["year", "ST"], ascending=[True, False], ignore_index=True)
    table.attrs["n_evaluations"] = n_base * (len(GROUPS(space)) + 2)
    return table


# --- specification uncertainty ----------------------------------------------------------------------


@dataclass(frozen=True)
class SpecificationUncertainty:
    """P(MEX more) over draws × weights × specifications, and the shares of specifications per state."""

    years: np.ndarray
    p_mex_more: np.ndarray          # (Y,) over every sampled row
    p_usa_more: np.ndarray
    share_mex: np.ndarray           # (Y,) share of specifications with P(MEX more) > 0.5 over their draws
    share_usa: np.ndarray
    n_specifications: int
    draws_per_specification: int

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"year": self.years.astype(int), "p_mex_more": self.p_mex_more,
                             "p_usa_more": self.p_usa_more, "share_specifications_mex": self.share_mex,
                             "share_specifications_usa": self.share_usa})

    def sentence(self, year: int, verdict_state: str | None = None, verdict_p: float | None = None,
                 specification_file: str = "") -> str:
        j = int(np.flatnonzero(self.years == year)[0])
        return robustness_sentence(year, self.p_mex_more[j], self.p_usa_more[j], self.share_mex[j],
                                   self.share_usa[j], self.n_specifications, verdict_state, verdict_p,
                                   specification_file)


def specification_uncertainty(space: Space, *, n_specifications: int = 128, draws_per_specification: int = 32,
                              seed: int = 0) -> SpecificationUncertainty:
    """Sample specifications (normalisation, aggregations, one indicator left out or none, carry-forward cap,
    decay) uniformly over their levels; evaluate each on random posterior draws, kind weights and reference
    points; return P by year and the share of specifications under which each state is the more threatened.
    """
    rng = np.random.default_rng([seed, 11])
    n_vars = sum(n for _, n in GROUPS(space))
    spec_u = rng.uniform(size=(n_specifications, n_vars))
    u = np.repeat(spec_u, draws_per_specification, axis=0)
    # within a specification, the posterior draw, kind weights and reference points vary
    varying = [0, *range(1, 1 + len(KIND_ORDER)),
               *range(1 + len(KIND_ORDER), 1 + len(KIND_ORDER) + len(space.layout.concepts))]
    u[:, varying] = rng.uniform(size=(u.shape[0], len(varying)))
    _, overall = evaluate(space.values, space.runs, space.layout, rows_from_uniforms(space, u))
    p_mex, p_usa, _ = compare_overall(overall)
    per_spec = overall.reshape(n_specifications, draws_per_specification, 2, -1)
    spec_p = np.array([compare_overall(per_spec[m])[:2] for m in range(n_specifications)])   # (M, 2, Y)
    with np.errstate(invalid="ignore"):
        share_mex = np.nanmean(np.where(np.isnan(spec_p[:, 0]), np.nan, spec_p[:, 0] > 0.5), axis=0)
        share_usa = np.nanmean(np.where(np.isnan(spec_p[:, 1]), np.nan, spec_p[:, 1] > 0.5), axis=0)
    return SpecificationUncertainty(space.years, p_mex, p_usa, share_mex, share_usa, n_specifications,
                                    draws_per_specification)


def robustness_sentence(year: int, p_mex: float, p_usa: float, share_mex: float, share_usa: float,
                        n_specifications: int, verdict_state: str | None = None, verdict_p: float | None = None,
                        specification_file: str = "") -> str:
    """How robust the year's verdict is to the specification, in words.

    ``verdict_state`` is the state the verdict under the chosen specification names (``"MEX"``/``"USA"``); without
    it, the state more often the more threatened over the sampled specifications is taken.
    """
    names = STATE_POSSESSIVES
    if not np.isfinite(p_mex):
        return f"In {year}, no sampled specification allows a comparison."
    if verdict_state is None and p_mex == p_usa:  # a tie names neither state
        return (f"In {year}, over {n_specifications} sampled specifications × posterior draws × weights, neither "
                f"state is the more threatened (P = {p_mex:.2f} each way).")
    state = verdict_state or ("MEX" if p_mex > p_usa else "USA")
    share, other = (share_mex, share_usa) if state == "MEX" else (share_usa, share_mex)
    p_state = p_mex if state == "MEX" else p_usa
    how = ("is robust" if share >= ROBUST_SHARE else "holds under most specifications" if share >= MOSTLY_SHARE
           else "is fragile" if share > 0.5 else "is not robust")
    head = (f"In {year}, the verdict that {names[state]} sovereignty is the more threatened"
            + (f" (P = {verdict_p:.2f} under {specification_file})" if verdict_p is not None and specification_file
               else ""))
    return (f"{head} {how}: over {n_specifications} sampled specifications × posterior draws × weights, "
            f"P = {p_state:.2f}; {names[state]} is the more threatened under {100 * share:.0f}% of the "
            f"specifications and {names['USA' if state == 'MEX' else 'MEX']} under {100 * other:.0f}%.")
