"""Random streams and per-replicate parameter draws, the two things common random numbers rest on.

Every replicate *r* of a run with seed *s* owns independent named streams: ``SeedSequence(s, spawn_key=(r,
i))`` for stream *i* of :data:`STREAMS` — exactly the children ``SeedSequence(s).spawn(…)[r].spawn(…)[i]``
would give, without spawning the replicates before *r*. A replicate's numbers therefore depend only on the
seed, its index and the stream, never on how many replicates run or on which worker: two scenarios run with
one seed share every draw until a lever makes them differ, and the Dask back end reproduces the in-process
one exactly.

:func:`draw_parameters` draws, for each replicate, one uniform per uncertain quantity from the
``parameters`` stream (always all of them, in a fixed order, whatever the scenario, so a pinned or unused
parameter never shifts another) and maps it through the quantity's distribution: a split normal through a
cited figure's value and 95 % interval, truncated to its support, or a triangular prior over a named
assumption's range. The ``calibration`` stream picks the posterior draw (and the spillover effect draw) each
replicate follows. Imports only within :mod:`ironriver.supply_chain`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats

from ironriver.supply_chain.assumptions import ASSUMPTIONS
from ironriver.supply_chain.inputs import ModelInputs

__all__ = ["STREAMS", "stream", "DRAWN_FIGURES", "draw_parameters", "split_normal_ppf", "triangular_ppf"]

STREAMS: tuple[str, ...] = ("parameters", "calibration", "purchases", "transit")
"""Named streams of every replicate, in spawn order (append only: reordering changes every result)."""

DRAWN_FIGURES: tuple[tuple[str, str, tuple[float, float]], ...] = (
    ("no_check_recent", "no_check_share_recent_acquisitions_2015", (0.0, 1.0)),
    ("no_check_private_national", "no_check_share_private_purchases_2015", (0.0, 1.0)),
    ("no_check_private_regulated", "no_check_share_private_regulated_states_2015", (0.0, 1.0)),
    ("no_check_private_unregulated", "no_check_share_private_unregulated_states_2015", (0.0, 1.0)),
    ("guns_seized_mx_per_year", "guns_seized_mx_annual_sas2013", (0.0, np.inf)),
    ("cartel_members_2022", "cartel_members_mx_2022", (1.0, np.inf)),
)
"""Parameter name, literature id and support of each cited figure drawn from its interval."""

_Z975 = float(stats.norm.ppf(0.975))


def stream(seed: int, replicate: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` for replicate ``replicate`` of a run seeded ``seed``."""
    sequence = np.random.SeedSequence(seed, spawn_key=(int(replicate), STREAMS.index(name)))
    return np.random.Generator(np.random.PCG64(sequence))


def split_normal_ppf(u: np.ndarray, value: float, low: float, high: float,
                     support: tuple[float, float]) -> np.ndarray:
    """Quantiles of a split normal with median ``value`` and 2.5/97.5 % quantiles ``low``/``high``,
    truncated to ``support`` (``u`` in (0, 1) maps onto the truncated distribution)."""
    sd_low, sd_high = (value - low) / _Z975, (high - value) / _Z975

    def cdf(x: float) -> float:
        if not np.isfinite(x):
            return 0.0 if x < 0 else 1.0
        return float(stats.norm.cdf((x - value) / (sd_low if x < value else sd_high)))

    p = cdf(support[0]) + np.asarray(u) * (cdf(support[1]) - cdf(support[0]))
    z = stats.norm.ppf(p)
    return np.clip(value + z * np.where(z < 0, sd_low, sd_high), *support)


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Quantiles of the triangular distribution on [low, high] with the given mode."""
    u = np.asarray(u, dtype=float)
    if high <= low:
        return np.full_like(u, mode)
    c = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    return np.where(u < c, left, right)


def draw_parameters(inputs: ModelInputs, seed: int, replicates: Sequence[int],
                    pinned: Mapping[str, float] | None = None) -> dict[str, np.ndarray]:
    """Draw every uncertain quantity for each replicate.

    Parameters
    ----------
    inputs : ModelInputs
        Figures, calibration and effect draws.
    seed : int
        The run's seed.
    replicates : sequence of int
        Replicate indices (global, so that a chunk draws what the whole run would).
    pinned : mapping, optional
        Named-assumption values fixed by the scenario; their uniforms are still consumed.

    Returns
    -------
    dict of str to ndarray (len(replicates),)
        Cited figures (names of :data:`DRAWN_FIGURES`), named assumptions (their names), ``posterior_draw``
        (index into the calibration's draws), ``awb_effect_pct`` (NaN when no effect draws exist),
        ``attrition`` and ``us_origin_share``.
    """
    pinned = dict(pinned or {})
    n_uniforms = len(DRAWN_FIGURES) + len(ASSUMPTIONS)
    uniforms = np.array([stream(seed, r, "parameters").random(n_uniforms) for r in replicates]).reshape(-1, n_uniforms)
    picks = np.array([stream(seed, r, "calibration").random(2) for r in replicates]).reshape(-1, 2)
    out: dict[str, np.ndarray] = {}
    for j, (name, id_, support) in enumerate(DRAWN_FIGURES):
        value, low, high = inputs.figures[id_]
        out[name] = split_normal_ppf(uniforms[:, j], value, low, high, support)
    for j, a in enumerate(ASSUMPTIONS, start=len(DRAWN_FIGURES)):
        drawn = triangular_ppf(uniforms[:, j], a.low, a.value, a.high)
        out[a.name] = np.full(len(replicates), float(pinned[a.name])) if a.name in pinned else drawn

    calibration = inputs.calibration
    draw = np.minimum((picks[:, 0] * calibration.n_draws).astype(int), calibration.n_draws - 1)
    out["posterior_draw"] = draw
    out["posterior_draw_id"] = calibration.draw_ids[draw]
    effect = inputs.awb_effect_pct
    out["awb_effect_pct"] = (np.full(len(replicates), np.nan) if effect is None else
                             effect[np.minimum((picks[:, 1] * len(effect)).astype(int), len(effect) - 1)])
    if calibration.attrition is not None:
        out["attrition"] = calibration.attrition[draw]
    else:
        out["attrition"] = out["illicit_stock_attrition_per_year"]
    if calibration.us_origin_share is not None:
        out["us_origin_share"] = calibration.us_origin_share[draw]
    else:
        out["us_origin_share"] = np.full(len(replicates), inputs.figure("share_traces_us_sourced_mx_2018_2023"))
    return out
