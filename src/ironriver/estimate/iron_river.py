"""The iron river: a yearly posterior of US firearms trafficked into Mexico, 1999 to the latest year.

:func:`estimate_iron_river` fits the state-space model of :mod:`ironriver.estimate._iron_river_model` to every
evidence stream at once — ATF traces, seizures in Mexico and at the border, published stock estimates, NICS
sales in the border states — and returns an :class:`IronRiverPosterior` of draws, never bare points.
Published flow estimates (McDougal et al., the Mexican government's 200,000, CESOP, Mexico's complaint) are
compared with the result, and fitted only with ``include_literature=True``.

Inference (default ``method="laplace-is"``): the posterior mode by BFGS in the unconstrained space, the
Hessian by finite differences, then — in coordinates where each rate is measured against the series it multiplies
(:mod:`ironriver.estimate._aligned`, an exact change of variables) — importance sampling from a multivariate-t
around the mode with Pareto-smoothed weights; when k̂ or the ESS fail, more draws and then tempered sequential
Monte Carlo (two independent runs, R̂ across them) take over (:mod:`ironriver.estimate._importance`), and
``diagnostics`` says which path ran. ``method="smc-long"`` runs the same ladder with a larger SMC budget, for
users who need the 5% bounds; ``method="nuts"`` runs NumPyro's NUTS on the same log density (optional extra
``ironriver[nuts]``). How each runs, and how each budget compared with NUTS: :mod:`ironriver.estimate._iron_river_fit`.

**Identification, in one paragraph.** No stream measures the flow itself. Its level comes from the stock
balance: the stock estimates say how many US-origin guns Mexico holds (up to a common bias), and the flow
must replace what attrition removes and add what the stock grew; attrition (above its floor, the observed
seizure rate), the US-origin share of the whole stock and the pre-1999 stock are named priors, not data, so they and
the stock estimates' common bias set the level and most of the width
(:meth:`IronRiverPosterior.sensitivity` quantifies this). One direction is exactly invisible to the data:
multiplying every flow and the 1998 stock by a factor, dividing the recovery and interdiction rates by it and
multiplying the stock's US-origin share by it leaves every stream's likelihood unchanged, so along that ridge
the level is set by those five priors alone. Traces and seizures measure enforcement × stock:
with multi-year enforcement campaigns in the model, they inform only sustained trends in the stock. The
NICS demand index informs multi-year shifts weakly (its changes are within what placebo groups of states
show) and the level not at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from ironriver.errors import IronRiverError, OutOfRangeError, UnknownNameError
from ironriver.progress import Progress, reporter
from ironriver.evidence import DEFAULT_STREAMS, STREAMS, check_streams
from ironriver.evidence import published as published_module
from ironriver.estimate import _trace_forecast
from ironriver.estimate._iron_river_fit import fit as _fit
from ironriver.estimate._iron_river_model import (
    FIRST_YEAR,
    IronRiverModel,
    cached_evidence,
    model_settings,
)
from ironriver.estimate.priors import Prior, all_assumptions, assumptions_frame

__all__ = ["estimate_iron_river", "fit_model", "leave_future_out_traces", "check_nuts", "nuts_agreement", "pooled",
           "IronRiverPosterior", "METHODS", "FORECAST_YEARS", "REFERENCE_PERIOD", "supported_years",
           "assumptions_frame"]

METHODS: tuple[str, ...] = ("laplace-is", "smc-long", "nuts", "laplace")
"""Inference methods: the default Laplace-proposal importance sampling (with fallbacks), the same ladder with the
long SMC budget, NumPyro NUTS, and the bare Laplace (Gaussian) approximation used by the sensitivity analysis
(:mod:`ironriver.estimate._iron_river_fit`)."""

FORECAST_YEARS = 2
"""Years past the last year with evidence that may be requested (the flow's random walk, no data)."""

REFERENCE_PERIOD: tuple[int, int] = (2010, 2012)
"""The period of McDougal et al.'s estimate: the headline comparison and the sensitivity target."""

HEADLINE_PERIODS: tuple[tuple[int, int], ...] = ((1999, 2004), (2005, 2009), (2010, 2012), (2013, 2017), (2018, 2023))
"""Multi-year periods reported as the headline: the AWB's last years, the run-up to and first years of the
Calderón offensive, McDougal et al.'s window, and two later presidential terms' worth of years. The yearly series
within them is smooth by construction (a random walk that the yearly evidence barely moves); their means are
what the evidence pins down."""

SMOOTHNESS_NOTE = ("the yearly series is smooth by construction: the flow is a random walk whose yearly steps the "
                   "evidence barely moves (traces and seizures respond to the stock, where one year's flow is ~5%), "
                   "so read multi-year means, not single years")
"""Said wherever yearly values are shown."""

DEFAULT_DRAWS = 4000
"""Equally weighted posterior draws returned (resampled from the weighted sample)."""

def supported_years() -> tuple[int, int]:
    """First and last year a user may ask for: 1999 to the last year with evidence + :data:`FORECAST_YEARS`."""
    return FIRST_YEAR, cached_evidence(model_settings()).last_year() + FORECAST_YEARS


def _check_years(years: tuple[int, int] | None) -> tuple[int, int, int]:
    """(first reported year, last reported year, last fitted year)."""
    first_ok, last_ok = supported_years()
    last_evidence = last_ok - FORECAST_YEARS
    if years is None:
        return FIRST_YEAR, last_evidence, last_evidence
    try:
        start, end = (int(y) for y in years)
    except (TypeError, ValueError):
        raise OutOfRangeError(f"years must be two integers (first, last), got {years!r}") from None
    if start > end:
        raise OutOfRangeError(f"years {start}:{end}: the first year is after the last")
    if start < first_ok or end > last_ok:
        raise OutOfRangeError(f"years {start}:{end} outside the supported {first_ok}:{last_ok} (the model starts in "
                              f"{first_ok}; evidence ends in {last_evidence}, forecasts reach {FORECAST_YEARS} years)")
    return start, end, max(end, last_evidence)


def _streams(evidence: list[str] | tuple[str, ...] | None, include_literature: bool) -> tuple[str, ...]:
    streams = list(DEFAULT_STREAMS if evidence is None else check_streams(list(evidence)))
    if include_literature and "published" not in streams:
        streams.append("published")
    if not streams:
        raise UnknownNameError("evidence stream", "", STREAMS)
    return tuple(streams)


# ---------------------------------------------------------------------------------------------- posterior
def _quantiles(values: np.ndarray, axis: int = 0) -> dict[str, np.ndarray]:
    q = np.percentile(values, [5, 25, 50, 75, 95], axis=axis)
    return {"q05": q[0], "q25": q[1], "median": q[2], "q75": q[3], "q95": q[4]}


@dataclass
class IronRiverPosterior:
    """Posterior draws of the yearly southbound flow and everything the model estimated with it.

    Attributes
    ----------
    years : tuple (first, last)
        The reported window.
    model : IronRiverModel
        The fitted model (streams, priors, named assumptions, evidence).
    points : ndarray (n, D)
        Equally weighted draws on the unconstrained scale (``model.names`` columns).
    diagnostics : dict
        How the fit went: method, sampling path and every attempt, k̂, ESS, MAP details, timings.
    seed : int
    """

    years: tuple[int, int]
    model: IronRiverModel
    points: np.ndarray
    diagnostics: dict[str, Any]
    seed: int
    mode: np.ndarray | None = None
    covariance: np.ndarray | None = None
    _latent: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ draws
    @property
    def latent(self) -> dict[str, np.ndarray]:
        """Natural-scale parameters and yearly series for every draw (computed once)."""
        if not self._latent:
            self._latent.update(self.model.latent(self.points))
        return self._latent

    @property
    def streams(self) -> tuple[str, ...]:
        return self.model.streams

    def _window(self) -> np.ndarray:
        return (self.model.years >= self.years[0]) & (self.model.years <= self.years[1])

    @property
    def draws(self) -> pd.DataFrame:
        """Tidy draws of the flow: ``draw``, ``year``, ``flow`` (guns/year)."""
        flow = self.latent["flow"][:, self._window()]
        years = self.model.years[self._window()]
        n = flow.shape[0]
        return pd.DataFrame({"draw": np.repeat(np.arange(n), len(years)), "year": np.tile(years, n),
                             "flow": flow.ravel()})

    @property
    def stock_draws(self) -> pd.DataFrame:
        """Tidy draws of the US-origin illicit stock in Mexico at the end of each year: ``draw``, ``year``,
        ``stock`` (guns)."""
        stock = self.latent["stock"][:, self._window()]
        years = self.model.years[self._window()]
        n = stock.shape[0]
        return pd.DataFrame({"draw": np.repeat(np.arange(n), len(years)), "year": np.tile(years, n),
                             "stock": stock.ravel()})

    def _used_priors(self) -> list[Prior]:
        """The priors whose parameters the fitted streams touch (the others stay at their prior)."""
        streams = set(self.streams)
        recoveries = bool(streams & {"traces", "seizures"})
        unused = set()
        if "us_demand" not in streams:
            unused |= {p.name for p in self.model.priors if p.stream == "us_demand"}
        if "seizures" not in streams:
            unused |= {"interdiction_rate", "outbound_effort_2020", "sedena_fraction"}
        if not recoveries:
            unused |= {p.name for p in self.model.priors if p.stream in ("traces", "seizures")}
        if "stock" not in streams:
            unused.add("stock_us_origin_share")
        return [p for p in self.model.priors if p.name not in unused]

    @property
    def parameter_draws(self) -> pd.DataFrame:
        """Tidy draws of the scalar parameters (natural scale): ``draw``, ``parameter``, ``value``.

        Every prior's parameter for the streams in use (attrition_beyond_seizures, stock_1998,
        stock_us_origin_share, us_origin_share (of recoveries), recovery_rate, submitted_share, …) plus
        ``attrition`` (the seizure floor plus the rest), ``stock_us_guns_<last year>`` (US-origin illicit guns in
        Mexico) and ``stock_all_guns_<last year>`` (all origins, via the stock's US-origin share). The simulator calibrates to these.
        """
        lat = self.latent
        n = self.points.shape[0]
        last = self.years[1]
        column = int(np.nonzero(self.model.years == last)[0][0])
        values = {p.name: np.asarray(lat[p.name]) for p in self._used_priors()}
        values["attrition"] = np.asarray(lat["attrition"])
        values[f"stock_us_guns_{last}"] = lat["stock"][:, column]
        values[f"stock_all_guns_{last}"] = lat["stock"][:, column] / lat["stock_us_origin_share"]
        frames = [pd.DataFrame({"draw": np.arange(n), "parameter": name, "value": v}) for name, v in values.items()]
        return pd.concat(frames, ignore_index=True)

    # ------------------------------------------------------------------ summaries
    def summary(self) -> pd.DataFrame:
        """Per year: ``median``, ``q25``/``q75`` (50% interval), ``q05``/``q95`` (90%), ``mean`` (guns/year),
        and ``forecast`` (True for years after the last year with evidence)."""
        flow = self.latent["flow"][:, self._window()]
        years = self.model.years[self._window()]
        q = _quantiles(flow)
        last_evidence = self.model.evidence.last_year()
        return pd.DataFrame({"year": years, "median": q["median"], "q05": q["q05"], "q25": q["q25"],
                             "q75": q["q75"], "q95": q["q95"], "mean": flow.mean(axis=0),
                             "forecast": years > last_evidence})

    def period_mean(self, start: int, end: int) -> np.ndarray:
        """Draws of the mean yearly flow over ``start``..``end`` (guns/year)."""
        self._check_period(start, end)
        columns = (self.model.years >= start) & (self.model.years <= end)
        return self.latent["flow"][:, columns].mean(axis=1)

    def periods(self) -> list[dict[str, float]]:
        """The headline: posterior of the mean yearly flow over each of :data:`HEADLINE_PERIODS` that lies inside
        the fitted years — ``start``, ``end``, ``median``, ``q05``, ``q25``, ``q75``, ``q95`` (guns/year)."""
        out = []
        for start, end in HEADLINE_PERIODS:
            if start < self.model.years[0] or end > self.model.years[-1]:
                continue
            q = _quantiles(self.period_mean(start, end))
            out.append({"start": start, "end": end, **{k: float(q[k]) for k in ("median", "q05", "q25", "q75", "q95")}})
        return out

    def _check_period(self, start: int, end: int) -> None:
        if start > end or start < self.model.years[0] or end > self.model.years[-1]:
            raise OutOfRangeError(f"period {start}–{end} outside the fitted years "
                                  f"{self.model.years[0]}–{self.model.years[-1]}")

    def reference(self) -> dict[str, float]:
        """The 2010–2012 mean flow: median, 50% and 90% bounds."""
        values = self.period_mean(*REFERENCE_PERIOD)
        q = _quantiles(values)
        return {"period": f"{REFERENCE_PERIOD[0]}–{REFERENCE_PERIOD[1]}", **{k: float(v) for k, v in q.items()},
                "mean": float(values.mean())}

    # ------------------------------------------------------------------ checks
    def checks(self, seed: int | None = None) -> pd.DataFrame:
        """Posterior predictive checks: every observation against its 90% predictive interval.

        Returns one row per observation: ``stream``, ``id``, ``years``, ``observed``, ``median``, ``q05``,
        ``q95``, ``inside`` (observed within the 90% interval), ``fitted`` (False for figures kept as
        consistency checks, e.g. a total that restates same-release yearly figures, and the echo estimates).
        Units are those of each figure (traces, guns, shares, change of the log demand index).
        """
        rng = np.random.default_rng(self.seed + 1 if seed is None else seed)
        rows = []
        checked = [(self.model, True)]
        audit = self.model.audit_model()
        if audit is not None:
            checked.append((audit, False))
        for model, fitted in checked:
            simulated = model.simulate(self.points, rng)
            labels = model.observation_labels()
            for key, observed in model.data.items():
                q = _quantiles(simulated[key])
                for j, (stream, figure_id, span) in enumerate(labels[key]):
                    rows.append({"stream": stream, "id": figure_id, "years": span, "observed": observed[j],
                                 "median": q["median"][j], "q05": q["q05"][j], "q95": q["q95"][j],
                                 "inside": bool(q["q05"][j] <= observed[j] <= q["q95"][j]), "fitted": fitted})
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ literature
    def compare_literature(self) -> pd.DataFrame:
        """Where each published estimate falls in this posterior.

        Flows are compared with the posterior of the mean flow over the estimate's period; "more than" figures
        at their value. Also: the essay's 100,000–200,000 a year since about 2011 (when the literature table has
        it), McDougal et al.'s share of trafficked guns seized (against US-origin recoveries in Mexico ÷ flow,
        2010–12) and the complaint's 70–90% US-origin share (against ψ).

        Returns
        -------
        DataFrame: ``id``, ``kind``, ``value``, ``low``, ``high``, ``period``, ``source_kind``, ``fitted``
        (used as evidence in this fit), ``posterior_median``, ``posterior_q05``, ``posterior_q95``,
        ``percentile`` (share of draws below the published value), ``verdict``, ``note``.
        """
        rows = []
        fitted = {p.id for p in self.model.published}
        for estimate in published_module.published_estimates():
            start, end = estimate.years
            start, end = max(start, FIRST_YEAR), min(end, int(self.model.years[-1]))
            if estimate.kind in ("flow", "flow_range"):
                values = self.period_mean(start, end)
            elif estimate.kind == "interdiction_share":
                columns = (self.model.years >= start) & (self.model.years <= end)
                rec_columns = (self.model.recovery_years >= start) & (self.model.recovery_years <= end)
                values = (self.latent["recoveries_us"][:, rec_columns].sum(axis=1)
                          / self.latent["flow"][:, columns].sum(axis=1))
            else:
                values = np.asarray(self.latent["us_origin_share"])
            q = _quantiles(values)
            row = {"id": estimate.id, "kind": estimate.kind, "value": estimate.value, "low": estimate.low,
                   "high": estimate.high, "period": f"{estimate.years[0]}–{estimate.years[1]}",
                   "source_kind": estimate.source_kind, "fitted": estimate.id in fitted,
                   "posterior_median": float(q["median"]), "posterior_q05": float(q["q05"]),
                   "posterior_q95": float(q["q95"]), "percentile": float(np.mean(values < estimate.value)),
                   "note": ""}
            if estimate.kind == "flow_range" and estimate.low is not None and estimate.high is not None:
                yearly = self.latent["flow"][:, (self.model.years >= start) & (self.model.years <= end)]
                every = np.mean(np.all((yearly >= estimate.low) & (yearly <= estimate.high), axis=1))
                mean_in = np.mean((values >= estimate.low) & (values <= estimate.high))
                row["verdict"] = f"P(mean in range) = {mean_in:.2f}; P(every year in range) = {every:.2f}"
            else:
                row["verdict"] = ("inside the 90% interval" if q["q05"] <= estimate.value <= q["q95"]
                                  else "above the 90% interval" if estimate.value > q["q95"]
                                  else "below the 90% interval")
            if estimate.kind == "interdiction_share":
                row["note"] = ("posterior: US-origin guns recovered in Mexico ÷ flow (stock recoveries, "
                               "not US seizures)")
            rows.append(row)
        if not published_module.essay_available():
            rows.append({"id": published_module.ESSAY_ID, "kind": "flow_range", "value": float("nan"), "low": None,
                         "high": None, "period": "", "source_kind": "", "fitted": False,
                         "posterior_median": float("nan"), "posterior_q05": float("nan"),
                         "posterior_q95": float("nan"), "percentile": float("nan"), "verdict": "not compared",
                         "note": "the essay's 100,000–200,000 claim is not a literature row; "
                                 "`ironriver claims` checks it against the posterior"})
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ traces forecast
    def predict_traces(self, year: int, seed: int | None = None) -> dict[str, Any]:
        """What ATF will report for ``year``: traces submitted by Mexico and those found US-sourced.

        Posterior predictive draws of a single-year total **conditioned on every count already observed**: per
        draw, the new figure and the fitted trace and seizure figures are jointly log-normal under exactly the
        likelihood's noise model (:func:`~ironriver.evidence.recoveries.count_moments`: enforcement campaigns
        and yearly shocks, submission shocks, release error, then
        :func:`~ironriver.evidence.recoveries.log_normal_approximation`), and the new figure is drawn from its
        Gaussian conditional given the observed ones. Years after the fitted ones extend the flow's random walk
        and the enforcement process. The US-sourced share adds its year-level noise.

        Returns
        -------
        dict: ``year``, ``submitted`` and ``us_sourced``, each ``{"median", "q05", "q95"}`` (traces).
        """
        first, last = supported_years()
        if not first <= int(year) <= last:
            raise OutOfRangeError(f"year {year} outside {first}:{last} for trace predictions")
        rng = np.random.default_rng(self.seed + 2 if seed is None else seed)
        traces = self.trace_forecast_draws(int(year), rng)
        lat, settings = self.latent, self.model.settings
        share_sd = np.sqrt(lat["share_sd"] ** 2 + settings["share_release_sd"] ** 2)
        theta = lat["us_origin_share"] * lat["us_determined_share"]
        share = special.expit(special.logit(theta) + share_sd * rng.standard_normal(theta.shape))
        us = traces * share

        def q(x: np.ndarray) -> dict[str, float]:
            a, b, c = np.percentile(x, [5, 50, 95])
            return {"median": float(b), "q05": float(a), "q95": float(c)}

        return {"year": int(year), "submitted": q(traces), "us_sourced": q(us)}

    def trace_forecast_draws(self, year: int, rng: np.random.Generator) -> np.ndarray:
        """Draws (one per posterior draw) of the single-year traces total ATF reports for ``year``, conditioned
        on the fitted count figures (:func:`ironriver.estimate._trace_forecast.forecast_draws`)."""
        return _trace_forecast.forecast_draws(self, year, rng)

    # ------------------------------------------------------------------ sensitivity
    def sensitivity(self, streams: list[str] | None = None, priors: list[str] | None = None,
                    assumptions: list[str] | None = None, widen: float = 2.0, method: str = "laplace-is",
                    period: tuple[int, int] = REFERENCE_PERIOD, particles: int = 1000,
                    progress: Progress | None = None) -> pd.DataFrame:
        """How each evidence stream and assumption moves the mean flow over ``period`` and its width.

        Refits the model (same seed, started at this fit's mode) once per change: each stream left out; each
        prior's sd multiplied by ``widen``; each fixed named assumption set to the low and to the high end of
        its range. By default every stream, prior and assumption in use is varied, with the default sampler at
        ``particles`` SMC particles (~2 s a refit; a few minutes in all) against a baseline refitted the same
        way. ``method="laplace"`` is ~1 s a refit but unreliable here: the posterior mode sits in a corner of
        high year-to-year volatility, and widened priors send it further. Each refit is one Monte Carlo run: over
        four seeds the baseline's median and width varied by a standard deviation of about 3.5%, its 5% bound
        by 15%, so changes in ``median_change`` or ``width_change`` within about ±10% (two sd of the difference
        of two runs), or in ``q05`` within about ±40%, can be chance alone. ``progress(step, done, total)`` is
        called after each refit; without it, a bar is shown on stderr when it is an interactive terminal.

        Returns
        -------
        DataFrame: ``kind`` (baseline / stream / prior / assumption), ``name``, ``change``, ``median``, ``q05``,
        ``q95``, ``width`` (q95 − q05), ``median_change`` and ``width_change`` (relative to the baseline),
        ``path`` (sampling path of the refit).
        """
        if method not in METHODS or method == "nuts":
            raise UnknownNameError("sensitivity method", method, ("laplace", "laplace-is"))
        self._check_period(*period)
        base_model = self.model
        draws = 2000

        def run(model: IronRiverModel) -> dict[str, Any]:
            fit = _fit(model, method, self.seed, draws, start=self.mode if model.dimension == base_model.dimension
                       else None, particles=particles)
            flow = model.latent(fit.points)["flow"]
            columns = (model.years >= period[0]) & (model.years <= period[1])
            values = flow[:, columns].mean(axis=1)
            q = _quantiles(values)
            return {"median": float(q["median"]), "q05": float(q["q05"]), "q95": float(q["q95"]),
                    "width": float(q["q95"] - q["q05"]), "path": fit.diagnostics.get("path", method)}

        refits: list[tuple[str, str, str, IronRiverModel]] = [("baseline", "baseline", f"{method}", base_model)]
        stream_list = [s for s in (streams if streams is not None else list(base_model.streams))]
        for stream in stream_list:
            if stream not in base_model.streams:
                raise UnknownNameError("evidence stream in this fit", stream, base_model.streams)
            remaining = tuple(s for s in base_model.streams if s != stream)
            if not remaining:
                continue
            model = IronRiverModel(remaining, int(base_model.years[-1]), priors=base_model.priors,
                                   settings=_overrides(base_model))
            refits.append(("stream", stream, "left out", model))
        prior_names = [p.name for p in self._used_priors()] if priors is None else list(priors)
        known = {p.name for p in base_model.priors}
        for name in prior_names:
            if name not in known:
                raise UnknownNameError("prior", name, sorted(known))
            widened = tuple(p.widened(widen) if p.name == name else p for p in base_model.priors)
            model = IronRiverModel(base_model.streams, int(base_model.years[-1]), priors=widened,
                                   settings=_overrides(base_model))
            refits.append(("prior", name, f"sd × {widen:g}", model))
        fixed = {a.name: a for a in all_assumptions()}
        names = [a for a in fixed if self._assumption_used(fixed[a])] if assumptions is None else list(assumptions)
        for name in names:
            if name not in fixed:
                raise UnknownNameError("assumption", name, sorted(fixed))
            a = fixed[name]
            for label, value in (("low", a.low), ("high", a.high)):
                if value == base_model.settings[name]:
                    continue
                model = IronRiverModel(base_model.streams, int(base_model.years[-1]), priors=base_model.priors,
                                       settings={**_overrides(base_model), name: value})
                refits.append(("assumption", name, f"{label} = {value:g}", model))
        rows = []
        with reporter(progress, "sensitivity refits") as report:
            for done, (kind, name, change, model) in enumerate(refits):
                report(f"{kind} {name}", done, len(refits))
                rows.append({"kind": kind, "name": name, "change": change, **run(model)})
            report("done", len(refits), len(refits))
        frame = pd.DataFrame(rows)
        base = frame.iloc[0]
        frame["median_change"] = frame["median"] / base["median"] - 1
        frame["width_change"] = frame["width"] / base["width"] - 1
        return frame

    def _assumption_used(self, assumption: Any) -> bool:
        return assumption.used_by in set(self.streams) | {"model"} or (
            assumption.used_by == "cbp" and "seizures" in self.streams)

    def identification(self, period: tuple[int, int] = REFERENCE_PERIOD) -> pd.DataFrame:
        """What the data taught about each parameter, and how each moves with the headline mean flow.

        Returns one row per prior in use: ``prior_sd`` and ``posterior_sd`` (unconstrained scale),
        ``shrinkage`` (1 − posterior_sd / prior_sd: 0 = the data taught nothing), and ``r2_with_flow`` (share of
        the posterior variance of log mean flow over ``period`` explained linearly by this parameter alone).
        """
        target = np.log(self.period_mean(*period))
        rows = []
        for prior in self._used_priors():
            column = self.points[:, self.model.index[prior.name]]
            sd = float(column.std())
            r = np.corrcoef(column, target)[0, 1] if sd > 0 else 0.0
            rows.append({"name": prior.name, "prior_sd": prior.scale, "posterior_sd": sd,
                         "shrinkage": 1 - sd / prior.scale, "r2_with_flow": float(r**2)})
        return pd.DataFrame(rows).sort_values("r2_with_flow", ascending=False, ignore_index=True)

    # ------------------------------------------------------------------ serialisation
    def to_json(self) -> dict[str, Any]:
        """``{"periods": [{"start", "end", "median", "q05", "q25", "q75", "q95"}, …], "flow": [{"year", "median",
        "q05", "q25", "q75", "q95"}, …], "note": …, "diagnostics": {…}, "literature": […]}``."""
        summary = self.summary()
        flow = [{"year": int(r.year), **{k: float(getattr(r, k)) for k in ("median", "q05", "q25", "q75", "q95")}}
                for r in summary.itertuples(index=False)]
        literature = self.compare_literature()
        records = [{k: _plain(v) for k, v in row.items()} for row in literature.to_dict(orient="records")]
        return {"periods": self.periods(), "flow": flow, "note": SMOOTHNESS_NOTE,
                "diagnostics": _plain(self.diagnostics), "literature": records}


def _plain(value: Any) -> Any:
    """JSON-friendly copy: numpy scalars to Python, NaN to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _overrides(model: IronRiverModel) -> dict[str, float]:
    defaults = model_settings()
    return {k: v for k, v in model.settings.items() if defaults.get(k) != v}


def fit_model(model: IronRiverModel, seed: int = 0, method: str = "laplace-is", draws: int = DEFAULT_DRAWS,
              years: tuple[int, int] | None = None) -> IronRiverPosterior:
    """Fit an already built model — e.g. ``model.with_data(simulated)`` for simulation-based calibration.

    Parameters
    ----------
    model : IronRiverModel
    seed, method, draws
        As in :func:`estimate_iron_river`.
    years : (first, last), optional
        Years to report (default: every fitted year).
    """
    if method not in METHODS:
        raise UnknownNameError("method", method, METHODS)
    fit = _fit(model, method, seed, draws)
    window = years or (int(model.years[0]), int(model.years[-1]))
    return IronRiverPosterior(years=window, model=model, points=fit.points, diagnostics=fit.diagnostics, seed=seed,
                              mode=fit.mode, covariance=fit.covariance)


def nuts_agreement(posterior: IronRiverPosterior, reference: IronRiverPosterior) -> dict[str, float]:
    """How far ``posterior``'s yearly flow summaries are from ``reference``'s (NUTS), as the largest relative
    difference over the reported years of the median, the 5% and the 95% bounds, plus NUTS's seconds."""
    a, b = posterior.summary(), reference.summary()
    out = {f"max_{key}_rel_diff": float(np.max(np.abs(a[key].to_numpy() / b[key].to_numpy() - 1)))
           for key in ("median", "q05", "q95")}
    out["seconds"] = float(reference.diagnostics.get("fit_seconds", float("nan")))
    return out


def pooled(posteriors: list[IronRiverPosterior]) -> IronRiverPosterior:
    """Several fits of the same model (other seeds, or NUTS runs) as one posterior: their draws stacked. Pooling
    seeds averages away each run's Monte Carlo error and leaves a sampler's bias: what :func:`nuts_agreement`
    then shows is how far the sampler itself is from the reference, not how far one run happened to fall."""
    first = posteriors[0]
    if any(p.model.names != first.model.names or p.years != first.years for p in posteriors):
        raise IronRiverError("pooled: the posteriors are of different models or years")
    return IronRiverPosterior(years=first.years, model=first.model, points=np.vstack([p.points for p in posteriors]),
                              diagnostics={**first.diagnostics, "pooled_seeds": [p.seed for p in posteriors]},
                              seed=first.seed)


def sampling_error_floor(flow: np.ndarray, draws: int, repeats: int = 200, seed: int = 0) -> dict[str, dict[str, float]]:
    """How far ``draws`` independent draws' yearly summaries fall from those of all of ``flow`` (draws × years,
    guns/year) by Monte Carlo error alone: the statistic of :func:`nuts_agreement` (the largest yearly relative
    difference of the median, the 5% and the 95% bound) for ``repeats`` random samples of ``draws`` rows taken
    with replacement, summarised by its median and 90th percentile over the repeats.

    Applied to a NUTS reference it is what a sampler with no bias at all, ``draws`` independent draws, would
    show against that reference: the floor under any agreement target (a lower bound, since it leaves out the
    reference's own Monte Carlo error).
    """
    target = _quantiles(flow)
    rng = np.random.default_rng(seed)
    errors: dict[str, list[float]] = {key: [] for key in ("median", "q05", "q95")}
    for _ in range(repeats):
        sample = _quantiles(flow[rng.integers(0, len(flow), draws)])
        for key, values in errors.items():
            values.append(float(np.max(np.abs(sample[key] / target[key] - 1))))
    return {key: {"median": float(np.median(values)), "q90": float(np.quantile(values, 0.9))}
            for key, values in errors.items()}


def exact_sampler_error(reference: IronRiverPosterior, draws: int, repeats: int = 200,
                        seed: int = 0) -> dict[str, dict[str, float]]:
    """:func:`sampling_error_floor` over ``reference``'s reported years: what an exact sampler with ``draws``
    independent draws would show against ``reference`` in :func:`nuts_agreement`."""
    return sampling_error_floor(reference.latent["flow"][:, reference._window()], draws, repeats, seed)


def check_nuts(posterior: IronRiverPosterior, draws: int = 16_000) -> dict[str, float]:
    """Refit ``posterior``'s model with NUTS (same seed; four chains of 4,000 draws by default, since shorter runs
    are themselves off in the 5% bounds: :data:`ironriver.estimate._iron_river_nuts.DRAWS_PER_CHAIN`) and return
    :func:`nuts_agreement`; the result is also stored in ``posterior.diagnostics["nuts"]``. Needs the ``[nuts]``
    extra."""
    reference = fit_model(posterior.model, seed=posterior.seed, method="nuts", draws=draws, years=posterior.years)
    agreement = nuts_agreement(posterior, reference)
    agreement.update({k: reference.diagnostics[k] for k in ("rhat_max", "divergences", "ess") if k in reference.diagnostics})
    posterior.diagnostics["nuts"] = agreement
    return agreement


def leave_future_out_traces(seed: int = 0, method: str = "laplace-is", draws: int = 1000,
                            level: float = 0.9) -> pd.DataFrame:
    """Leave-future-out calibration of the trace forecast (:func:`ironriver.estimate._trace_forecast.
    leave_future_out`): fit through t − 1, predict ATF's total for t, for every single-year ATF figure."""
    return _trace_forecast.leave_future_out(seed=seed, method=method, draws=draws, level=level)


def estimate_iron_river(years: tuple[int, int] | None = None, evidence: list[str] | tuple[str, ...] | None = None,
                        include_literature: bool = False, seed: int = 0, method: str = "laplace-is", *,
                        draws: int = DEFAULT_DRAWS, priors: tuple[Prior, ...] | None = None,
                        assumptions: dict[str, float] | None = None) -> IronRiverPosterior:
    """Estimate the yearly flow of US guns trafficked into Mexico from every evidence stream.

    Parameters
    ----------
    years : (first, last), optional
        Years to report, within 1999 and the last year with evidence + 2 (default: 1999 to the last year with
        evidence). The model is always fitted from 1999 (its stock prior is for the end of 1998) to the later of
        ``last`` and the last year with evidence, so every figure informs every year.
    evidence : list of str, optional
        Streams to fit (:data:`ironriver.evidence.STREAMS`); default all but ``"published"``.
    include_literature : bool
        Also fit the published flow estimates (``"published"``); off by default so they can be compared.
    seed : int
        Seed of every random draw: the same seed gives the same draws.
    method : {"laplace-is", "smc-long", "nuts", "laplace"}
        Inference method (see module docstring). ``"smc-long"``: ~5× the default's time, 5% bounds closer to
        NUTS's. ``"nuts"`` needs ``pip install ironriver[nuts]``.
    draws : int
        Number of equally weighted draws returned.
    priors : tuple of Prior, optional
        Replacement priors (default :func:`ironriver.estimate.priors.default_priors`).
    assumptions : dict, optional
        Overrides of fixed named assumptions, by name (``ironriver estimate --assumptions`` lists them).

    Returns
    -------
    IronRiverPosterior

    Raises
    ------
    OutOfRangeError
        Years outside the supported range.
    UnknownNameError
        An unknown stream, method or assumption name.
    """
    if method not in METHODS:
        raise UnknownNameError("method", method, METHODS)
    first, last, fit_end = _check_years(years)
    streams = _streams(evidence, include_literature)
    try:
        model_settings(assumptions)
    except KeyError as error:
        raise UnknownNameError("assumption", str(error.args[0]), sorted(model_settings())) from None
    model = IronRiverModel(streams, fit_end, priors=priors, settings=assumptions)
    fit = _fit(model, method, seed, draws)
    fit.diagnostics.update({"streams": list(streams), "years": [first, last], "fitted_years": [FIRST_YEAR, fit_end],
                            "seed": seed, "assumption_overrides": {k: v for k, v in (assumptions or {}).items()},
                            "parameters": model.dimension})
    return IronRiverPosterior(years=(first, last), model=model, points=fit.points, diagnostics=fit.diagnostics,
                              seed=seed, mode=fit.mode, covariance=fit.covariance)

