"""The trace forecast of the iron river: what ATF will report for a year, and whether such forecasts are calibrated.

:func:`forecast_draws` gives posterior predictive draws of a single-year ATF total **conditioned on every count
already observed**: per posterior draw, the new figure and the fitted trace and seizure figures are jointly
log-normal under exactly the likelihood's noise model (:func:`~ironriver.evidence.recoveries.count_moments` —
enforcement campaigns and yearly shocks, submission shocks, release error — then
:func:`~ironriver.evidence.recoveries.log_normal_approximation`), and the new figure is drawn from its Gaussian
conditional given the observed ones. Years after the fitted ones extend the flow's random walk
(:func:`recovery_path`). :func:`leave_future_out` checks the calibration: for every year t with a single-year ATF
total, fit on the figures for years up to t − 1 only and predict t.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ironriver.evidence import DEFAULT_STREAMS
from ironriver.evidence._named import CountFigure
from ironriver.evidence.recoveries import (RecoveryDesign, count_moments, enforcement_kernel,
                                           log_normal_approximation, recovery_design)
from ironriver.evidence.traces import etrace_ramp
from ironriver.estimate._iron_river_model import FIRST_YEAR, IronRiverModel, cached_evidence, model_settings


def forecast_draws(posterior: Any, year: int, rng: np.random.Generator) -> np.ndarray:
    """Draws (one per posterior draw) of the single-year traces total ATF reports for ``year``, conditioned
    on the fitted count figures through the shared enforcement and submission processes."""
    model, lat = posterior.model, posterior.latent
    recoveries, submitted, grid = recovery_path(posterior, year, rng)
    target = CountFigure(id=f"traces_{year}", stream="traces", value=float("nan"), coverage={year: 1.0},
                         source_group=f"forecast_{year}")
    design = model.count_design
    observed = [] if design is None else [_figure_on(design, j) for j in range(design.size)]
    joint = recovery_design([f for f in observed if f.stream == "traces"] + [target],
                            [f for f in observed if f.stream == "seizures"], grid,
                            model.settings["trace_release_sd"], include_all=True)
    kernel = enforcement_kernel(grid, lat["enforcement_sd"], lat["enforcement_campaign_sd"],
                                lat["enforcement_persistence"])
    mean, cov = count_moments(recoveries, submitted, joint, kernel, lat["submission_sd"], lat["sedena_fraction"],
                              model.settings["seizure_scope_sd"], np, lat["submission_persistence"])
    loc, log_cov = log_normal_approximation(mean, cov)
    t = joint.ids.index(target.id)
    known = np.array([j for j in range(joint.size) if j != t], dtype=int)
    centre, variance = loc[:, t], log_cov[:, t, t]
    if len(known):
        values = np.log(np.array([design.values[design.ids.index(joint.ids[j])] for j in known]))
        s_oo = log_cov[:, known[:, None], known[None, :]]
        s_to = log_cov[:, t, known]
        weights = np.linalg.solve(s_oo, s_to[..., None])[..., 0]  # Σ_oo⁻¹ Σ_ot, per draw
        centre = centre + np.einsum("nj,nj->n", weights, values[None, :] - loc[:, known])
        variance = variance - np.einsum("nj,nj->n", weights, s_to)
    return np.exp(centre + np.sqrt(np.maximum(variance, 0.0)) * rng.standard_normal(centre.shape))


def recovery_path(posterior: Any, year: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected all-origin recoveries and the submitted share per draw on the recovery grid, extended past
    the fitted years to ``year`` by the flow's random walk; returns (recoveries, submitted, grid years)."""
    lat, model = posterior.latent, posterior.model
    extra = max(year - int(model.years[-1]), 0)
    recoveries, submitted = lat["recoveries"], lat["submitted_by_year"]
    grid = np.arange(int(model.recovery_years[0]), int(model.recovery_years[-1]) + extra + 1)
    if extra == 0:
        return recoveries, submitted, grid
    lag = int(round(model.settings["recovery_lag_years"]))
    keep = 1 - lat["attrition"]
    x, stock = lat["log_flow"][:, -1], lat["stock"]
    s, added = stock[:, -1], []
    for _ in range(extra):
        x = x + lat["flow_drift"] + lat["flow_volatility"] * rng.standard_normal(x.shape)
        s = keep * s + np.exp(x)
        added.append(s)
    stock = np.concatenate([stock, np.stack(added, axis=1)], axis=1)
    new_years = grid[-extra:]
    base = np.stack([lat["stock_1998"] if y - FIRST_YEAR - lag < 0 else stock[:, y - FIRST_YEAR - lag]
                     for y in new_years], axis=1)
    ramp = etrace_ramp(new_years, model.settings["etrace_ramp_start"], model.settings["etrace_ramp_full"])
    new_recoveries = lat["recovery_rate"][:, None] * base / lat["us_origin_share"][:, None]
    new_submitted = lat["submitted_share"][:, None] * np.exp(lat["etrace_widening"][:, None] * ramp[None, :])
    return (np.concatenate([recoveries, new_recoveries], axis=1),
            np.concatenate([submitted, new_submitted], axis=1), grid)


def _figure_on(design: RecoveryDesign, j: int) -> CountFigure:
    """Figure ``j`` of a fitted design, rebuilt from its rows (so a longer year grid can hold it)."""
    rows = design.trace_rows[j] + design.seizure_rows[j]
    coverage = {int(y): float(w) for y, w in zip(design.years, rows) if w}
    group = f"group_{int(np.argmax(design.same_group[j]))}" if design.same_group[j].any() else f"own_{j}"
    return CountFigure(id=design.ids[j], stream=design.streams[j], value=float(design.values[j]), coverage=coverage,
                       source_group=group, scope="sedena" if design.sedena[j] else "all",
                       extra_sd=0.0 if design.streams[j] == "traces" else float(design.own_sd[j]))


def leave_future_out(seed: int = 0, method: str = "laplace-is", draws: int = 1000,
                            level: float = 0.9) -> pd.DataFrame:
    """Calibration of the trace forecast: for every year t with a single-year ATF total, fit the default
    streams on the figures published for years up to t − 1 only, predict t's total and ask whether the
    published value falls inside the central ``level`` interval.

    Returns
    -------
    DataFrame: ``year``, ``observed``, ``median``, ``low``, ``high``, ``ratio`` (high / low), ``inside``.
    Coverage is ``inside.mean()``; with ten years, 90% intervals should cover 8–10 (7 or fewer: p ≈ 0.07).
    """
    from ironriver.estimate.iron_river import fit_model

    evidence = cached_evidence(model_settings())
    singles = [f for f in evidence.trace_counts if len(f.coverage) == 1 and next(iter(f.coverage.values())) == 1.0]
    rows = []
    for figure in sorted(singles, key=lambda f: f.years[0]):
        year = figure.years[0]
        model = IronRiverModel(DEFAULT_STREAMS, year - 1, evidence_end=year - 1)
        posterior = fit_model(model, seed=seed, method=method, draws=draws)
        predicted = posterior.trace_forecast_draws(year, np.random.default_rng(seed + year))
        low, median, high = np.percentile(predicted, [50 * (1 - level), 50, 50 * (1 + level)])
        rows.append({"year": year, "observed": figure.value, "median": float(median), "low": float(low),
                     "high": float(high), "ratio": float(high / low), "inside": bool(low <= figure.value <= high)})
    return pd.DataFrame(rows)
