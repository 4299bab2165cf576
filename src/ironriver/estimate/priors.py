"""Named priors of the iron-river model, and the list of every assumption a user can inspect.

Each parameter of :mod:`ironriver.estimate.iron_river` has a :class:`Prior`: a normal distribution on an
unconstrained scale (log for rates and sizes, logit for shares, identity for drifts), with its value and
90% range shown on the natural scale, a source (a literature id or the word "assumption") and a one-line
reason. One prior takes its centre from the literature table by stated arithmetic (the determination
rate d); the rest are assumptions, deliberately wide where no source
speaks. Priors and the model's fixed assumptions are registered in the package's one registry of named
assumptions (:mod:`ironriver.assumptions`, stage ``estimate``; priors as :meth:`Prior.as_assumption`);
:func:`assumptions_frame` is the registry's view for this model — its priors and fixed assumptions and the
observation models' (stage ``evidence``) — what ``ironriver estimate --assumptions`` prints. Imports only
from ``store`` and ``evidence``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from ironriver.assumptions import Assumption, register
from ironriver.evidence import all_assumptions as evidence_assumptions
from ironriver.store import literature_value

Z90 = 1.6448536269514722
"""Standard-normal 95th percentile: natural-scale 90% ranges are loc ± Z90·scale, transformed."""


@dataclass(frozen=True)
class Prior:
    """A normal prior on one parameter's unconstrained scale.

    Attributes
    ----------
    name : str
        Parameter name as it appears in ``parameter_draws`` (natural scale).
    label : str
        What the parameter is, in words.
    transform : {"log", "logit", "identity"}
        Natural value = exp(u), 1/(1+exp(−u)) or u.
    loc, scale : float
        Mean and sd of the normal on the unconstrained scale.
    unit : str
        Unit of the natural value.
    source : str
        Literature ids the centre comes from, or ``"assumption"``.
    why : str
        One line on why this prior.
    stream : str
        The part of the model that uses it.
    """

    name: str
    label: str
    transform: str
    loc: float
    scale: float
    unit: str
    source: str
    why: str
    stream: str

    def natural(self, u: np.ndarray | float) -> np.ndarray | float:
        """Map unconstrained values to the natural scale."""
        if self.transform == "log":
            return np.exp(u)
        if self.transform == "logit":
            return 1.0 / (1.0 + np.exp(-np.asarray(u)))
        return u

    @property
    def value(self) -> float:
        """Prior median on the natural scale."""
        return float(self.natural(self.loc))

    @property
    def range(self) -> tuple[float, float]:
        """Prior 90% interval on the natural scale."""
        return (float(self.natural(self.loc - Z90 * self.scale)), float(self.natural(self.loc + Z90 * self.scale)))

    @property
    def distribution(self) -> str:
        """The distribution in words, e.g. ``LogNormal(median 0.03, log-sd 0.6)``."""
        if self.transform == "log":
            return f"LogNormal(median {_fmt(self.value)}, log-sd {self.scale:g})"
        if self.transform == "logit":
            return f"LogitNormal(median {_fmt(self.value)}, logit-sd {self.scale:g})"
        return f"Normal({_fmt(self.loc)}, {self.scale:g})"

    def widened(self, factor: float) -> Prior:
        """The same prior with its unconstrained sd multiplied by ``factor``."""
        return replace(self, scale=self.scale * factor)

    def as_assumption(self) -> Assumption:
        """This prior as an entry of the package's registry of named assumptions (90% range as low–high)."""
        low, high = self.range
        family = {"log": "lognormal", "logit": "logitnormal", "identity": "normal"}[self.transform]
        return Assumption(self.name, self.value, low, high, self.unit, self.source, self.why, used_by=self.stream,
                          stage="estimate", distribution=family, parameters=(("loc", self.loc), ("scale", self.scale)),
                          kind="prior")


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _determination_centre() -> tuple[float, str]:
    """d: share of US-origin guns whose US source ATF can determine.

    If half of the traces with undetermined origin are US-origin (an assumption between none and all), the
    US-origin share of traces is (US-sourced + undetermined/2) and d = US-sourced / that.
    """
    us = literature_value("share_traces_us_sourced_mx_2009_2014").value
    undetermined = literature_value("share_traces_origin_undetermined_mx_2009_2014").value
    return us / (us + undetermined / 2), ("share_traces_us_sourced_mx_2009_2014, "
                                          "share_traces_origin_undetermined_mx_2009_2014 (half of undetermined "
                                          "assumed US)")


@lru_cache(maxsize=1)
def default_priors() -> tuple[Prior, ...]:
    """Every parameter's prior, in the order of the model's parameter vector (innovations excluded)."""
    determined, determined_source = _determination_centre()
    return (
        Prior("flow_anchor", "guns trafficked US→Mexico in the random walk's anchor year (flow_anchor_year)", "log",
              math.log(1e5), 1.4, "guns/year", "assumption",
              "vague: from ~10,000 to ~1,000,000 guns a year at 90%", "flow"),
        Prior("flow_drift", "trend of log flow per year", "identity", 0.0, 0.10, "log/year", "assumption",
              "no direction assumed; ±16%/yr trend at 90%", "flow"),
        Prior("flow_volatility", "sd of yearly changes in log flow around the trend", "log", math.log(0.15), 0.5,
              "log/year", "assumption", "year-to-year changes of ~7–34% (1 sd) — a smooth series, not a fixed one",
              "flow"),
        Prior("stock_1998", "US-origin guns held illicitly in Mexico at the end of 1998", "log", math.log(5e6), 0.75,
              "guns", "assumption", "no estimate before 2007; wide: ~1.5–17 million at 90%", "stock"),
        Prior("attrition_beyond_seizures", "share of the illicit US-origin stock lost each year beyond what "
              "Mexican seizures remove (wear, loss, onward trafficking); attrition = attrition_seizure_floor + this",
              "log", math.log(0.02), 1.0, "1/year", "assumption",
              "no source measures losses other than seizures; wide: ~0.4–10%/yr at 90% (total attrition "
              "~0.7–10.6%/yr with the seizure floor)", "stock"),
        Prior("stock_us_origin_share", "US-origin share of the whole illicit stock in Mexico (all holders, not "
              "just guns recovered and traced)", "logit", _logit(literature_value(
                  "share_traces_us_sourced_mx_2009_2014").value), 1.0, "fraction",
              "share_traces_us_sourced_mx_2009_2014 (centre)",
              "centred on the share of traced guns found US-sourced, but Mexico chooses which guns to trace and the "
              "stock also holds older, domestic-leakage and non-US guns: wide, ~0.30–0.92 at 90%", "stock"),
        Prior("us_origin_share", "US-origin share of guns recovered in Mexico (and of the illicit stock)", "logit",
              0.0, 1.5, "fraction", "assumption", "vague; identified by trace and seizure shares", "traces"),
        Prior("us_determined_share", "share of US-origin guns whose US source ATF determines", "logit",
              _logit(determined), 0.5, "fraction", determined_source,
              "GAO-16-223: some traces had undetermined origin, some of them US-made", "traces"),
        Prior("recovery_rate", "US-origin guns recovered per gun in last year's stock", "log", math.log(0.003), 1.5,
              "1/year", "assumption", "vague nuisance; set by seizures ÷ stock", "seizures"),
        Prior("submitted_share", "share of recoveries submitted to ATF before eTrace widened", "log", math.log(0.5),
              1.0, "fraction", "assumption", "vague; set by traces ÷ seizures", "traces"),
        Prior("etrace_widening", "log increase of the submitted share once eTrace access widened (2021–23)",
              "identity", 0.3, 0.4, "log", "literature id mx_states_with_etrace_2023 (direction); size assumption",
              "access widened from the FGR alone to many states + FGR, so submissions rose; size unknown", "traces"),
        Prior("enforcement_sd", "sd of independent yearly shocks to recoveries (log)", "log", math.log(0.15), 0.5,
              "log sd", "assumption", "single years swing with operations and reporting", "seizures"),
        Prior("enforcement_campaign_sd", "sd of multi-year enforcement campaigns (log, stationary)", "log",
              math.log(0.3), 0.5, "log sd", "assumption",
              "campaigns such as the army's deployment under Calderón (2007–12) raise seizures for years",
              "seizures"),
        Prior("enforcement_persistence", "year-to-year correlation of enforcement campaigns", "logit",
              _logit(0.7), 1.0, "correlation", "assumption", "campaigns last several years (a presidential term)",
              "seizures"),
        Prior("submission_sd", "yearly shock to the share submitted for tracing", "log", math.log(0.25), 0.5,
              "log sd", "assumption",
              "PGR submissions swung by a factor of ~4 from 2008 to 2010 (traces_submitted_mx_2008, _2010)", "traces"),
        Prior("sedena_fraction", "SEDENA's share of all guns recovered in Mexico", "logit", _logit(0.3), 1.5,
              "fraction", "assumption", "one agency of several; vague", "seizures"),
        Prior("share_sd", "year-level logit sd of published US-origin shares", "log", math.log(0.15), 0.5,
              "logit sd", "assumption",
              "single-year US-sourced shares differ by up to ~0.5 on the logit scale (traces_us_sourced_mx_2007…2011)",
              "traces"),
        Prior("nics_elasticity", "change in the border-state demand index per unit change in log flow", "logit",
              _logit(0.08), 0.7, "ratio", "assumption",
              "≈ trafficking's share of the (trafficking-weighted) border states' checked sales; a few percent to "
              "a fifth", "us_demand"),
        Prior("interdiction_rate", "share of the flow CBP seizes outbound at ports of entry (FY2014–19 effort)",
              "log", math.log(1e-3), 2.0, "fraction", "assumption",
              "no independent measure; vague over four orders of magnitude", "seizures"),
        Prior("outbound_effort_2020", "multiplier of outbound inspection effort in FY2020", "log", math.log(2.0),
              0.7, "ratio", "assumption", "GAO-21-322: CBP increased outbound inspection at some ports in FY2020",
              "seizures"),
        Prior("submission_persistence", "year-to-year correlation of the submission share's deviations", "logit",
              0.0, 1.5, "correlation", "assumption",
              "which agencies submit and how thoroughly changes with institutions (PGR/FGR practice, eTrace access), "
              "so deviations may persist; vague between independent years and a slow drift", "traces"),
    )


MODEL_ASSUMPTIONS: tuple[Assumption, ...] = register("estimate", (
    Assumption("recovery_lag_years", 1, 0, 2, "years", "assumption",
               "recoveries in year t come from the stock at the end of year t − lag", "model"),
    Assumption("flow_knot_spacing", 1, 1, 3, "years", "assumption",
               "years between steps of the log-flow random walk (linear in between)", "model"),
    # 153,326 guns seized 2009–2012 (guns_seized_mx_2009_2012, laextra.mx from PGR/SEDENA/SEMAR) = 38,332 a year;
    # the all-origin illicit stock is 16,809,000 − 4,490,000 = 12,319,000 (Small Arms Survey 2017 total minus the
    # 2007 round's registered count): 38,332 / 12,319,000 = 0.31%/yr. The US-origin share cancels if seized guns
    # and the stock share it. Range: stock at the other registered count (13,690,408 → 0.28%) and the 2007
    # round's smaller stock (11,010,000 → 0.35%). A test redoes this arithmetic from the sources.
    Assumption("attrition_seizure_floor", 0.0031, 0.0028, 0.0035, "1/year",
               "guns_seized_mx_2009_2012; dataset small_arms_survey_2017_civilian_firearms; "
               "small_arms_survey_2007_civilian_firearms (registered)",
               "seized guns leave the illicit stock, so attrition is at least the observed seizure rate: "
               "38,332 seized a year ÷ 12.3 million illicit guns", "model"),
    Assumption("flow_anchor_year", 1999, 1999, 2011, "year", "assumption",
               "the year whose flow gets the vague level prior; the walk runs forward from it (2011, mid-evidence, "
               "suits NUTS better but left the default sampler under-covering in simulation-based calibration)",
               "model"),
))
"""Fixed assumptions of the state-space model itself (the observation models' are in ``evidence``)."""


def all_assumptions() -> tuple[Assumption, ...]:
    """Every fixed named assumption (model and observation models)."""
    return MODEL_ASSUMPTIONS + evidence_assumptions()


FLOW_INNOVATIONS = Assumption("flow_innovations", 0.0, -Z90, Z90, "sd", "assumption",
                              "standardised yearly innovations of the log-flow random walk", used_by="flow",
                              stage="estimate", distribution="normal", parameters=(("loc", 0.0), ("scale", 1.0)),
                              kind="prior")
"""The random walk's yearly innovations: one Normal(0, 1) each year."""


def registered_priors() -> tuple[Assumption, ...]:
    """The default priors and the innovations, as registry entries (computed on demand: one reads the store)."""
    return tuple(p.as_assumption() for p in default_priors()) + (FLOW_INNOVATIONS,)


register("estimate", registered_priors)


def assumptions_frame(priors: tuple[Prior, ...] | None = None) -> pd.DataFrame:
    """One row per prior and fixed assumption of the iron-river model: what ``ironriver estimate --assumptions``
    prints, a view of the registry (:mod:`ironriver.assumptions`, stages ``estimate`` and ``evidence``).

    Parameters
    ----------
    priors : tuple of Prior, optional
        Priors other than the defaults (e.g. widened ones) to show instead of the registered ones.

    Returns
    -------
    DataFrame with ``kind`` (prior / fixed), ``name``, ``distribution``, ``value``, ``low``, ``high``,
    ``unit``, ``source``, ``why``, ``stream``.
    """
    from ironriver.assumptions import all_assumptions as registry

    registered = registry("estimate") + registry("evidence")
    if priors is not None:
        registered = (tuple(p.as_assumption() for p in priors) + (FLOW_INNOVATIONS,)
                      + tuple(a for a in registered if a.kind != "prior"))
    ordered = [a for a in registered if a.kind == "prior"] + [a for a in registered if a.kind != "prior"]
    return pd.DataFrame([dict(kind=a.kind, name=a.name, distribution=a.describe(), value=a.value, low=a.low,
                              high=a.high, unit=a.unit, source=a.source, why=a.why, stream=a.used_by)
                         for a in ordered])
