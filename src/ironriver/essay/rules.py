"""One small evaluator per kind of rule; each turns the evidence bundle into a status, a reason and the figures.

* :func:`posterior_range` — a claimed range for the yearly flow against the iron-river posterior of the mean
  flow over each headline period since the claimed year: the share of posterior mass inside the range.
* :func:`capability_ratio` — "far fewer resources" as the ratio of the Correlates of War composite capability
  (CINC) of the stronger state to the weaker's, against a stated threshold read at both ends of its range.
* :func:`record` — matter-of-record parts looked up in the timeline and the literature
  (:mod:`~ironriver.essay.record`), combined by one rule.
* :func:`verdict_robustness` — the verdict with its specification robustness, not only P.

Every evaluator returns an :class:`Outcome`. The thresholds are module constants named in the rule text that
:mod:`~ironriver.essay.table` shows beside each claim; none of the statuses is typed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ironriver.assumptions import Assumption, register
from ironriver.essay.inputs import ClaimInputs
from ironriver.essay.record import combine

__all__ = ["Outcome", "STATUSES", "posterior_range", "capability_ratio", "record", "verdict_robustness",
           "MASS_SUPPORTED", "MASS_EXCLUDED", "FAR_FEWER_RATIO", "ROBUST_P", "ROBUST_SHARE", "EVALUATORS"]

STATUSES = ("supported", "partly supported", "overstated", "contradicted", "not testable with the bundled evidence")

def _rule(name: str, value: float, unit: str, why: str, low: float | None = None,
          high: float | None = None) -> Assumption:
    """A number a claim's rule needs that no publication fixes: fixed at ``value``, or read at both ends of
    ``low``–``high``."""
    return Assumption(name, value, value if low is None else low, value if high is None else high, unit,
                      "assumption", why, used_by="essay")


_RULES = {a.name: a for a in register("essay", (
    _rule("claim_range_mass_supported", 0.5, "share of posterior mass",
          "a claimed range is supported where at least half the posterior lies inside it in every period"),
    _rule("claim_range_mass_excluded", 0.05, "share of posterior mass",
          "a claimed range is contradicted where under 5% of the posterior lies inside it in every period (the "
          "range sits outside the 90% interval)"),
    _rule("far_fewer_capability_ratio", 3.0, "ratio of CINC scores (stronger / weaker)",
          "'far fewer resources' read as at least three times less composite capability; the status is read at "
          "both ends of 2–5×", low=2.0, high=5.0),
    _rule("claim_robust_p", 0.9, "probability",
          "a comparative verdict is firm where P ≥ 0.9 under the chosen specification"),
    _rule("claim_robust_share", 0.9, "share of sampled specifications",
          "… and the same state is the more threatened under at least 90% of sampled specifications"),
))}

MASS_SUPPORTED = _RULES["claim_range_mass_supported"].value
"""A claimed range is supported where at least this share of the posterior lies inside it in every period."""
MASS_EXCLUDED = _RULES["claim_range_mass_excluded"].value
"""A claimed range is contradicted where less than this share lies inside it in every period."""
FAR_FEWER_RATIO = (_RULES["far_fewer_capability_ratio"].value, _RULES["far_fewer_capability_ratio"].low,
                   _RULES["far_fewer_capability_ratio"].high)
"""Assumption: "far fewer resources" read as the stronger state holding at least this many times the weaker's
composite capability — central 3, range 2–5; the status is read at both ends."""
ROBUST_P = _RULES["claim_robust_p"].value
"""A comparative verdict is firm where P ≥ this under the chosen specification."""
ROBUST_SHARE = _RULES["claim_robust_share"].value
"""… and the same state is the more threatened under at least this share of sampled specifications."""


@dataclass(frozen=True)
class Outcome:
    """An evaluator's answer: the status, one sentence on why, and the evidence items (each with lineage)."""

    status: str
    why: str
    evidence: tuple[dict[str, Any], ...]

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


def _guns(x: float) -> str:
    return f"{x:,.0f}"


def _pct(p: float) -> str:
    return "n/a" if p is None or not np.isfinite(p) else f"{100 * p:.0f}%"


# --------------------------------------------------------------------------------------------- flows


def period_masses(draws: pd.DataFrame, periods: Sequence[tuple[int, int]], low: float, high: float) -> pd.DataFrame:
    """Per period: the posterior of the mean yearly flow (``draw``, ``year``, ``guns_per_year``) averaged over
    the period's years, its median and 90% interval, and the shares of draws below, inside and above
    [``low``, ``high``] (guns/year)."""
    rows = []
    for start, end in periods:
        window = draws[(draws["year"] >= start) & (draws["year"] <= end)]
        if window["year"].nunique() != end - start + 1:
            continue
        means = window.groupby("draw")["guns_per_year"].mean().to_numpy()
        rows.append({"start": start, "end": end, "median": float(np.median(means)),
                     "q05": float(np.quantile(means, 0.05)), "q95": float(np.quantile(means, 0.95)),
                     "below": float(np.mean(means < low)), "inside": float(np.mean((means >= low) & (means <= high))),
                     "above": float(np.mean(means > high))})
    return pd.DataFrame(rows, columns=["start", "end", "median", "q05", "q95", "below", "inside", "above"])


def headline_periods(inputs: ClaimInputs | None = None) -> tuple[tuple[int, int], ...]:
    """The iron-river estimate's headline periods (the estimate stage's own table, or the copy the chain's
    output carries: loading the estimate stage only to read them costs a cached run a second)."""
    if inputs is not None and inputs.headline_periods:
        return tuple(tuple(p) for p in inputs.headline_periods)
    from ironriver.estimate.iron_river import HEADLINE_PERIODS

    return tuple(HEADLINE_PERIODS)


def range_status(masses: pd.DataFrame) -> str:
    """Status of a claimed range from the per-period masses (rule in :func:`posterior_range`)."""
    if masses.empty:
        return "not testable with the bundled evidence"
    if (masses["inside"] >= MASS_SUPPORTED).all():
        return "supported"
    if (masses["inside"] < MASS_EXCLUDED).all():
        return "contradicted"
    if (masses["below"] > 0.5).all():
        return "overstated"
    return "partly supported"


def posterior_range(inputs: ClaimInputs, *, low: float, high: float, since: int) -> Outcome:
    """A claimed range of guns per year against the posterior mean flow of each headline period ending after
    ``since``: supported if ≥ :data:`MASS_SUPPORTED` of the posterior lies in the range in every period;
    contradicted if < :data:`MASS_EXCLUDED` does in every period; overstated if most of it lies below the range
    in every period; otherwise partly supported."""
    if inputs.flow_draws is None:
        return Outcome("not testable with the bundled evidence", "the iron-river estimate is not available", ())
    periods = [p for p in headline_periods(inputs) if p[1] >= since]
    masses = period_masses(inputs.flow_draws, periods, low, high)
    status = range_status(masses)
    evidence = tuple({"what": f"mean guns/year trafficked south, {int(r.start)}–{int(r.end)}",
                      "value": f"median {_guns(r.median)} (90%: {_guns(r.q05)}–{_guns(r.q95)}); "
                               f"{_pct(r.inside)} inside {_guns(low)}–{_guns(high)}, {_pct(r.below)} below, "
                               f"{_pct(r.above)} above",
                      "lineage": f"{inputs.flow_lineage}: period mean {int(r.start)}–{int(r.end)}"}
                     for r in masses.itertuples())
    shares = ", ".join(f"{int(r.start)}–{int(r.end)} {_pct(r.inside)}" for r in masses.itertuples())
    why = f"posterior mass inside {_guns(low)}–{_guns(high)} guns/year: {shares}" if shares else \
        "no headline period lies inside the fitted years"
    if status == "partly supported" and not masses.empty and (masses["above"] > masses["below"]).all():
        why += "; the rest lies mostly above the range"
    return Outcome(status, why, evidence)


# --------------------------------------------------------------------------------------------- capabilities

COMPONENTS = ("milex", "milper", "irst", "pec", "tpop", "upop")
"""The six NMC components behind CINC (military spending and personnel, iron and steel, energy, population,
urban population)."""


def capability_ratios(nmc: pd.DataFrame, stronger: str, weaker: str, since: int) -> pd.DataFrame:
    """Per year from ``since``: the ratio stronger/weaker of CINC and of each NMC component (``stateabb`` codes)."""
    a = nmc[nmc["stateabb"] == stronger].set_index("year")
    b = nmc[nmc["stateabb"] == weaker].set_index("year")
    years = sorted(set(a.index) & set(b.index))
    years = [y for y in years if y >= since]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame({c: a.loc[years, c].astype(float) / b.loc[years, c].astype(float)
                            for c in ("cinc", *COMPONENTS)}, index=pd.Index(years, name="year"))
    return out.replace([np.inf, -np.inf], np.nan).reset_index()


def capability_ratio(inputs: ClaimInputs, *, stronger: str, weaker: str, since: int) -> Outcome:
    """The CINC ratio stronger/weaker in every year from ``since``: supported if its minimum is at least the high
    end of :data:`FAR_FEWER_RATIO`'s range (true under every reading), partly supported if at least the low end
    only (it depends on the reading), contradicted if below the low end in the latest year, else partly
    supported."""
    nmc = inputs.capabilities
    if nmc is None or nmc.empty:
        return Outcome("not testable with the bundled evidence", "the Correlates of War table is not available", ())
    ratios = capability_ratios(nmc, stronger, weaker, since).dropna(subset=["cinc"])
    if ratios.empty:
        return Outcome("not testable with the bundled evidence", f"no CINC for both states since {since}", ())
    central, low, high = FAR_FEWER_RATIO
    smallest, latest = float(ratios["cinc"].min()), ratios.iloc[-1]
    if smallest >= high:
        status = "supported"
    elif float(latest["cinc"]) < low:
        status = "contradicted"
    else:
        status = "partly supported"
    first, last = int(ratios["year"].iloc[0]), int(latest["year"])
    lineage = (f"store cow_nmc (Correlates of War National Material Capabilities), rows {stronger} and {weaker}, "
               f"{{years}}")
    components = ", ".join(f"{c} {latest[c]:.1f}×" for c in COMPONENTS if np.isfinite(latest[c]))
    evidence = (
        {"what": f"CINC ratio {stronger}/{weaker}, smallest {first}–{last}", "value": f"{smallest:.1f}×",
         "lineage": lineage.format(years=f"{first}–{last}")},
        {"what": f"CINC ratio {stronger}/{weaker}, {last}", "value": f"{latest['cinc']:.1f}×",
         "lineage": lineage.format(years=str(last))},
        {"what": f"component ratios {stronger}/{weaker}, {last}", "value": components,
         "lineage": lineage.format(years=str(last))},
        {"what": "threshold for 'far fewer' (assumption)", "value": f"{central:g}× (range {low:g}–{high:g}×)",
         "lineage": "assumption far_fewer_capability_ratio (ironriver assumptions --stage claims)"},
    )
    why = (f"the USA's composite capability was {smallest:.1f}–{ratios['cinc'].max():.1f}× Mexico's in {first}–{last} "
           f"(threshold {central:g}×, range {low:g}–{high:g}×); population alone is {latest['tpop']:.1f}×"
           if stronger == "USA" else f"CINC ratio {smallest:.1f}× at least in {first}–{last}")
    return Outcome(status, why, evidence)


# --------------------------------------------------------------------------------------------- record


def record(inputs: ClaimInputs, *, parts: Sequence[Any]) -> Outcome:
    """Look each part up in the record and combine the findings (:data:`~ironriver.essay.record.COMBINE_RULE`)."""
    findings = [p.check(inputs) for p in parts]
    status = combine(findings)
    evidence = tuple({**item, "part": f.part, "finding": f.finding} for f in findings for item in f.evidence)
    evidence += tuple({"what": f.part, "value": "no record in the bundled timeline or literature",
                       "lineage": "timeline and literature (searched: nothing recorded)", "part": f.part,
                       "finding": f.finding} for f in findings if not f.evidence)
    why = "; ".join(f"{f.part}: {f.finding}" for f in findings)
    return Outcome(status, why, evidence)


# --------------------------------------------------------------------------------------------- verdict


def verdict_status(p_mex: float, p_usa: float, share_mex: float, share_usa: float,
                   perspectives: dict[str, float]) -> str:
    """Status of "Mexico's sovereignty is the more threatened" (rule in :func:`verdict_robustness`)."""
    if not np.isfinite(p_mex):
        return "not testable with the bundled evidence"
    every_view = all(p > 0.5 for p in perspectives.values() if np.isfinite(p))
    if p_mex >= ROBUST_P and share_mex >= ROBUST_SHARE and every_view:
        return "supported"
    if p_mex > 0.5 and share_mex > 0.5:
        return "partly supported"
    if p_mex > 0.5:
        return "overstated"
    if p_usa > 0.5 and share_usa > 0.5:
        return "contradicted"
    return "overstated"


def verdict_robustness(inputs: ClaimInputs) -> Outcome:
    """Supported if P(Mexico more threatened) ≥ :data:`ROBUST_P` under the chosen specification, Mexico is the more
    threatened under ≥ :data:`ROBUST_SHARE` of sampled specifications and under every shipped perspective; partly
    supported if P > 0.5 and more than half the specifications agree; overstated if P > 0.5 but most
    specifications do not agree (or neither state is clearly the more threatened); contradicted if the USA is
    the more threatened (P > 0.5) under most specifications."""
    v = inputs.verdict
    if v is None:
        return Outcome("not testable with the bundled evidence", "the ledger is not available", ())
    status = verdict_status(v.p_mex_more, v.p_usa_more, v.share_specifications_mex, v.share_specifications_usa,
                            v.perspectives)
    views = ", ".join(f"{name} {p:.2f}" for name, p in v.perspectives.items())
    lineage = f"model sovereignty ledger and verdict (ironriver.assess, seed {inputs.seed})"
    evidence = (
        {"what": f"P(Mexico's sovereignty more threatened), {v.year}, {v.specification} specification",
         "value": f"{v.p_mex_more:.2f} (USA {v.p_usa_more:.2f})", "lineage": lineage},
        {"what": f"share of {v.n_specifications} sampled specifications with Mexico the more threatened, {v.year}",
         "value": f"{_pct(v.share_specifications_mex)} (USA {_pct(v.share_specifications_usa)})",
         "lineage": f"{lineage}; contestable verdict (ironriver.sovereignty.contest)"},
        {"what": f"P(Mexico more threatened) under each shipped perspective, {v.year}", "value": views,
         "lineage": "model verdict under each specification shipped in ironriver/data/specs"},
        {"what": "years in which Mexico is the more threatened (P > 0.5)",
         "value": f"{v.years_mex_more} of {v.years_compared}", "lineage": lineage},
        {"what": f"P(Mexico more threatened) by kind, {v.year}",
         "value": ", ".join(f"{k.replace('_', ' ')} {p:.2f}" if np.isfinite(p) else f"{k.replace('_', ' ')} n/a"
                            for k, p in v.kind_p_mex_more.items()), "lineage": lineage},
    )
    if v.year_reason:
        evidence += ({"what": f"why {v.year} is the headline year", "value": v.year_reason,
                      "lineage": "derived: the headline rule (ironriver.sovereignty.headline.RULE) "
                                 "applied to every indicator's status in every year"},)
    flips = [name for name, p in v.perspectives.items() if np.isfinite(p) and p <= 0.5]
    why = (f"in {v.year} P = {v.p_mex_more:.2f} under the {v.specification} specification; Mexico is the more "
           f"threatened under {_pct(v.share_specifications_mex)} of sampled specifications")
    why += f"; the verdict turns under {', '.join(flips)}" if flips else "; every shipped perspective agrees"
    return Outcome(status, why, evidence)


EVALUATORS = {"posterior_range": posterior_range, "capability_ratio": capability_ratio, "record": record,
              "verdict_robustness": verdict_robustness}
"""Evaluator name (as written in the claims table) → function."""
