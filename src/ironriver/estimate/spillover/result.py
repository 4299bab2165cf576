"""The public entry point :func:`spillover` and its result, :class:`SpilloverResult`.

Runs the main design, the event study, the pre-trend test and the falsification designs on the panel, and
gathers them, with the panel's summary, the confounders and the assumptions, into one result that prints,
serialises (``to_dict``) and plots (plotly, imported by ``.plot()``). Imports from every other module of
this package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ironriver.errors import IronRiverError, OutOfRangeError
from ironriver.estimate.spillover.design import (
    ASSUMPTIONS, CHIHUAHUA, CONFOUNDERS, DEFAULT_PLACEBO_DATE, Design, EVENT_REFERENCE_YEAR, INFERENCE_NOTE,
    MIN_DRAWS, PANEL_START, TAMAULIPAS, _all_states, _outcome_column, expiry_month, format_month, main_design,
    parse_month,
)
from ironriver.estimate.spillover.panel import build_panel, dropped_rows, load_inegi_panel
from ironriver.estimate.spillover.falsification import check_placebo_date, falsification_designs
from ironriver.estimate.spillover.model import _fe_start, _matrices, _single_threaded
from ironriver.estimate.spillover.inference import (
    Interval, SpecResult, _number, _percent, _rng, _sets, constant_effect_interval, estimate_design,
)
from ironriver.estimate.spillover.event_study import PretrendTest, _event_study, pretrend_test

if TYPE_CHECKING:
    import plotly.graph_objects as go

# --- the result --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpilloverResult:
    """The spillover estimate with its intervals, event study, pre-trend test, falsification tests and draws.

    Attributes
    ----------
    outcome : str
        ``firearm``, ``nonfirearm`` or ``all`` homicides.
    effect_pct : Interval
        Proportional change 100·(exp(β) − 1) in the outcome in the five treated states after the expiry,
        relative to Baja California and the interior, with 90/95 % studentised placebo-in-space intervals.
    extra_deaths_per_year : Interval
        Extra deaths a year in the five treated states implied by ``effect_pct`` (observed treated
        post-expiry deaths × (1 − exp(−β)) ÷ post-expiry years).
    ri_p : float
        Fisher's exact randomisation p-value of the sharp null "no effect in any treated state-month".
    placebo_p : float
        p-value of "mean effect = 0" dual to ``effect_pct``'s intervals.
    constant_effect_pct : Interval
        Cross-check: intervals from inverting Fisher's test for a constant proportional effect.
    pretrend : PretrendTest
        Joint randomisation test of the pre-expiry event-study coefficients (``pretrend_p``).
    event_study : DataFrame
        See :func:`event_study`.
    main : SpecResult
        The headline design's full estimate (cluster-robust interval, counts, draws).
    falsification : list of SpecResult
        See :func:`falsification_designs`.
    draws : DataFrame
        ``beta`` (log points), ``effect_pct``, ``extra_deaths_per_year``: one draw per placebo set
        (β̂ − placebo error × SE), the distribution whose quantiles are the intervals — for carrying the
        uncertainty downstream (simulator, sovereignty ledger).
    """

    outcome: str
    expiry: int
    placebo_date: int
    seed: int
    bootstrap_draws: int
    main: SpecResult
    constant_effect_pct: Interval
    pretrend: PretrendTest
    event_study: pd.DataFrame
    falsification: list[SpecResult]
    dropped: pd.DataFrame
    panel_summary: dict[str, Any]
    confounders: tuple[str, ...] = CONFOUNDERS
    assumptions: tuple[str, ...] = ASSUMPTIONS
    inference: str = INFERENCE_NOTE
    context: list[str] = field(default_factory=list)

    @property
    def effect_pct(self) -> Interval:
        return self.main.effect_pct

    @property
    def extra_deaths_per_year(self) -> Interval:
        return self.main.extra_deaths_per_year

    @property
    def ri_p(self) -> float:
        return self.main.ri_p

    @property
    def placebo_p(self) -> float:
        return self.main.placebo_p

    @property
    def pretrend_p(self) -> float:
        return self.pretrend.p

    @property
    def draws(self) -> pd.DataFrame:
        beta = self.main.beta_draws
        return pd.DataFrame({"beta": beta, "effect_pct": 100 * np.expm1(beta),
                             "extra_deaths_per_year": [self.main.extra_deaths(b) for b in beta]})

    @property
    def interpretation(self) -> str:
        """A short, honest paragraph: what this state-level estimate says and what it cannot."""
        return _interpretation(self)

    def falsification_table(self) -> pd.DataFrame:
        """One row per design (headline first): label, expectation, effect and intervals (percent), p-values."""
        rows = [self.main, *self.falsification]
        return pd.DataFrame({
            "name": [r.design.name for r in rows], "label": [r.design.label for r in rows],
            "expectation": [r.design.expectation for r in rows],
            "effect_pct": [r.effect_pct.estimate for r in rows],
            "low90": [r.effect_pct.low90 for r in rows], "high90": [r.effect_pct.high90 for r in rows],
            "low95": [r.effect_pct.low95 for r in rows], "high95": [r.effect_pct.high95 for r in rows],
            "placebo_p": [r.placebo_p for r in rows], "ri_p": [r.ri_p for r in rows],
            "n_states": [r.n_states for r in rows], "n_treated": [len(r.design.treated) for r in rows],
        })

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` output: the issue's four keys first, then the supporting detail."""
        return {
            "effect_pct": self.effect_pct.as_dict(),
            "extra_deaths_per_year": self.extra_deaths_per_year.as_dict(1),
            "pretrend_p": _number(self.pretrend.p, 4),
            "event_study": [{"year": int(r.year), "estimate": _number(r.effect_pct, 2),
                             "low95": _number(r.low95, 2), "high95": _number(r.high95, 2)}
                            for r in self.event_study.itertuples()],
            "outcome": self.outcome,
            "units": {"effect_pct": "percent change vs the counterfactual, 100·(exp(β)−1)",
                      "extra_deaths_per_year": "deaths a year in the five treated states",
                      "event_study": f"percent change vs {EVENT_REFERENCE_YEAR} (reference year, 0 by construction)"},
            "expiry_month": format_month(self.expiry),
            "ri_p": _number(self.ri_p, 4),
            "placebo_p": _number(self.placebo_p, 4),
            "pretrend_p_cluster_wald": _number(self.pretrend.p_cluster_wald, 4),
            "inference": {"method": "randomisation inference over placebo sets of states: studentised "
                                    "placebo-in-space intervals; Fisher exact test of the sharp null",
                          "why": self.inference, "seed": self.seed, "draws": self.bootstrap_draws,
                          "placebo_sets": self.main.n_placebo_sets, "randomisation_sets": self.main.n_sets,
                          "constant_effect_pct": self.constant_effect_pct.as_dict(),
                          "cluster_robust_pct": self.main.cluster_pct.as_dict()},
            "falsification": [r.as_dict() for r in self.falsification],
            "confounders": list(self.confounders),
            "assumptions": list(self.assumptions),
            "panel": self.panel_summary,
            "context": self.context,
            "interpretation": self.interpretation,
        }

    def plot(self) -> go.Figure:
        """The event study: percent change vs 2003 by year with 95 % bands, the expiry marked."""
        import plotly.graph_objects as go

        es = self.event_study
        figure = go.Figure()
        figure.add_trace(go.Scatter(x=list(es["year"]) + list(es["year"][::-1]),
                                    y=list(es["high95"]) + list(es["low95"][::-1]), fill="toself",
                                    fillcolor="rgba(31,119,180,0.18)", line={"width": 0}, hoverinfo="skip",
                                    name="95 % band (placebo-in-space)"))
        figure.add_trace(go.Scatter(x=es["year"], y=es["effect_pct"], mode="lines+markers", name="estimate",
                                    line={"color": "rgb(31,119,180)"},
                                    marker={"symbol": ["circle-open" if r else "circle" for r in es["reference"]],
                                            "size": 9},
                                    customdata=np.column_stack([es["low95"], es["high95"]]),
                                    hovertemplate="%{x}: %{y:.1f}% (95%: %{customdata[0]:.1f} to "
                                                  "%{customdata[1]:.1f})<extra></extra>"))
        figure.add_hline(y=0, line={"color": "grey", "width": 1})
        figure.add_vline(x=self.expiry // 12 + (self.expiry % 12) / 12, line={"dash": "dash", "color": "firebrick"},
                         annotation_text="US ban expires", annotation_position="top left")
        head = self.effect_pct
        figure.update_layout(
            title=f"{self.outcome.capitalize()} homicides, TX/NM/AZ border states vs Baja California and the "
                  f"interior<br><sup>effect {_fmt(head.estimate)} (95%: {_fmt(head.low95)} to "
                  f"{_fmt(head.high95)}); pre-trend p = {self.pretrend.p:.2f}; reference year "
                  f"{EVENT_REFERENCE_YEAR}</sup>",
            xaxis_title="year", yaxis_title=f"percent change vs {EVENT_REFERENCE_YEAR}", template="plotly_white")
        return figure


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:+.{digits}f}%" if np.isfinite(value) else ("−∞" if value < 0 else "+∞")


def _interpretation(result: SpilloverResult) -> str:
    head, table = result.effect_pct, {r.design.name: r for r in result.falsification}
    sentences = [
        f"Across the five Mexican states bordering Texas, New Mexico and Arizona, {result.outcome} homicides "
        f"rose by {_fmt(head.estimate, 0)} after September 2004 relative to Baja California and the interior "
        f"(95% placebo interval {_fmt(head.low95, 0)} to {_fmt(head.high95, 0)}; exact randomisation p of no "
        f"effect = {result.ri_p:.2f}; pre-trend p = {result.pretrend.p:.2f})."
    ]
    if result.ri_p < 0.05 <= result.placebo_p:
        width = "the 95% interval includes no change" if head.covers(0.0, 95) else "the 95% interval is wide"
        sentences.append(f"Few random reassignments of the border label produce as large a divergence, but its "
                         f"size is poorly determined: {width}, and the effect differs a lot between states (see "
                         f"the leave-one-out checks).")
    checks = []
    for name, words in (("placebo_date", "placebo date"), ("other_outcome", "other outcome"),
                        ("other_outcome_2006", "other outcome to 2006"), ("baja_california", "Baja California alone"),
                        ("window_2006", "window to 2006"), (f"drop_{CHIHUAHUA}", "without Chihuahua"),
                        (f"drop_{TAMAULIPAS}", "without Tamaulipas"), ("drop_25", "without Sinaloa")):
        if name in table:
            r = table[name]
            checks.append(f"{words} {_fmt(r.effect_pct.estimate, 0)} ({_fmt(r.effect_pct.low95, 0)} to "
                          f"{_fmt(r.effect_pct.high95, 0)})")
    if checks:
        sentences.append("Checks (95% intervals): " + "; ".join(checks) + ".")
    failed = [r.design.label for r in result.falsification
              if r.design.expectation.startswith("≈ 0") and not r.effect_pct.covers(0.0, 95)]
    if failed:
        sentences.append("Falsification tests that should show nothing but do not: " + "; ".join(failed)
                         + " — a rise in non-gun violence in the same states points to causes beyond the gun "
                           "supply." * any("non-firearm" in f for f in failed))
    sentences.append(
        "A state-level design can say whether the border states as a whole diverged from the rest of Mexico "
        "when the ban expired; it cannot reproduce the municipio-level design of Dube, Dube & García-Ponce "
        "(2013), which compares municipios close to the Texas, Arizona and New Mexico border with those near "
        "California and far from it. Whole states dilute a border effect with cities hundreds of kilometres "
        "from the crossing, give only five treated units (so intervals are wide and rest on the border states "
        "being exchangeable with others), and absorb state-wide cartel conflicts — Nuevo Laredo in 2004–05, "
        "the Sinaloa–Juárez split of September 2004, the federal offensive from December 2006 and the 2008 war "
        "for Ciudad Juárez — that coincide with the expiry. It does not observe guns: an effect is consistent "
        "with the gun channel, not proof of it.")
    sentences.extend(result.context)
    return " ".join(sentences)


# --- the entry point ---------------------------------------------------------------------------------------


@_single_threaded
def spillover(outcome: str = "firearm", placebo_date: str = DEFAULT_PLACEBO_DATE, seed: int = 0,
              bootstrap_draws: int = 4999, *, panel: pd.DataFrame | None = None,
              inegi_panel: pd.DataFrame | None = None, expiry: int | None = None,
              falsification: bool = True) -> SpilloverResult:
    """Estimate the effect of the 2004 US assault-weapons-ban expiry on homicides in Mexico's border states.

    Poisson regression with state and month fixed effects and a log-population offset (statsmodels GLM),
    treated = Coahuila, Chihuahua, Nuevo León, Sonora, Tamaulipas; comparison = Baja California and the 26
    interior states; post = from the expiry month (September 2004); 1998-01 … 2008-11.

    Why randomisation inference, not the wild cluster bootstrap: with 5 treated of 32 clusters,
    cluster-robust t-tests over-reject badly and the wild cluster bootstrap — restricted or unrestricted,
    Rademacher or Webb weights — is unreliable (MacKinnon & Webb 2017, 2018): the treatment coefficient is
    identified by a handful of clusters whose scores the bootstrap cannot reproduce. Randomisation
    inference asks instead how unusual the border states' post-2004 divergence is among placebo sets of five
    other states, which needs no asymptotics in the number of treated clusters, only that the border states
    be exchangeable with the others. Studentising the statistic (a cluster-robust t) protects against the
    main failure of that assumption, states of different size and variance (MacKinnon & Webb 2020). Two
    forms are reported: intervals and draws from the studentised placebo errors of sets of comparison
    states (Conley & Taber 2011), which allow the effect to differ between treated states; and Fisher's
    exact test of the sharp null of no effect (``ri_p``), plus its inversion for a constant proportional
    effect as a cross-check. One statsmodels fit serves every placebo set (scores add up over states), so
    thousands of placebo sets cost a few seconds.

    Parameters
    ----------
    outcome : {"firearm", "nonfirearm", "all"}
        Homicides counted (deaths, Valle-Jones tabulation).
    placebo_date : str
        ``YYYY-MM`` placebo expiry for the falsification test, between 1999-01 and 2003-09.
    seed : int
        Seed of every random draw of placebo sets.
    bootstrap_draws : int
        Random placebo sets per test (every set when there are fewer); also the number of effect draws in
        ``.draws``. At least 99.
    panel, inegi_panel : DataFrame, optional
        Panels as from :func:`load_panel` / :func:`load_inegi_panel` (default: from the store). Tests pass
        synthetic panels of the same shape.
    expiry : int, optional
        Month index of the expiry (default: the timeline's ``awb_expired_2004``).
    falsification : bool
        Run the falsification designs (default True).

    Returns
    -------
    SpilloverResult

    Examples
    --------
    >>> import ironriver
    >>> result = ironriver.spillover()                 # doctest: +SKIP
    >>> result.effect_pct.estimate, result.pretrend_p  # doctest: +SKIP
    >>> result.plot().show()                           # doctest: +SKIP

    References
    ----------
    Conley, T. G. & Taber, C. R. (2011). Inference with "difference in differences" with a small number of
    policy changes. Review of Economics and Statistics 93(1). MacKinnon, J. G. & Webb, M. D. (2017). Wild
    bootstrap inference for wildly different cluster sizes. Journal of Applied Econometrics 32(2).
    MacKinnon & Webb (2018). The wild bootstrap for few (treated) clusters. Econometrics Journal 21(2).
    MacKinnon & Webb (2020). Randomization inference for difference-in-differences with few treated
    clusters. Journal of Econometrics 218(2). Dube, A., Dube, O. & García-Ponce, O. (2013). Cross-border
    spillover: U.S. gun laws and violence in Mexico. American Political Science Review 107(3).
    """
    return _spillover(outcome, placebo_date, seed, bootstrap_draws, panel, inegi_panel, expiry, falsification)


def _spillover(outcome: str, placebo_date: str, seed: int, bootstrap_draws: int, panel: pd.DataFrame | None,
               inegi_panel: pd.DataFrame | None, expiry: int | None, falsification: bool) -> SpilloverResult:
    _outcome_column(outcome)
    if int(seed) < 0:
        raise OutOfRangeError(f"seed {seed} is negative")
    if int(bootstrap_draws) < MIN_DRAWS:
        raise OutOfRangeError(f"bootstrap_draws {bootstrap_draws} is below {MIN_DRAWS}")
    seed, draws = int(seed), int(bootstrap_draws)
    expiry = expiry_month() if expiry is None else expiry
    placebo = parse_month(placebo_date, "placebo date")
    check_placebo_date(placebo, parse_month(PANEL_START), expiry)  # before any data is read
    homicides = None
    if panel is None:
        from ironriver.store import load

        homicides = load("mx_firearm_homicides_monthly")
        panel = build_panel(homicides, load("mx_population_monthly"))
    design = main_design(panel, outcome, expiry)

    main = estimate_design(panel, design, seed, draws)
    m = _matrices(panel, design)
    sets = _sets(_rng(seed, design.name), np.arange(m.n_states), len(design.treated), draws, actual=m.treated_index)
    constant, _ = constant_effect_interval(m, main.beta, max(main.se_cluster, 0.02), sets, _fe_start(m, m.y))
    checks: list[SpecResult] = []
    if falsification:
        if inegi_panel is None and homicides is not None:
            inegi_panel = load_inegi_panel()
        inegi_states = () if inegi_panel is None else _all_states(inegi_panel)
        for spec in falsification_designs(design, placebo, inegi_states):
            checks.append(estimate_design(inegi_panel if spec.source == "inegi" else panel, spec, seed, draws))
    dropped = dropped_rows(homicides) if homicides is not None else pd.DataFrame(
        columns=["reason", "firearm_homicides", "homicides", "nonfirearm_homicides"])
    events, p_cluster_wald = _event_study(panel, design, seed, draws)
    return SpilloverResult(
        outcome=outcome, expiry=design.post_start, placebo_date=placebo, seed=seed, bootstrap_draws=draws,
        main=main, constant_effect_pct=constant.map(_percent),
        pretrend=pretrend_test(panel, design, seed, draws, p_cluster_wald=p_cluster_wald),
        event_study=events, falsification=checks, dropped=dropped,
        panel_summary=_panel_summary(panel, design, main, dropped), context=_context())


def _panel_summary(panel: pd.DataFrame, design: Design, main: SpecResult, dropped: pd.DataFrame) -> dict[str, Any]:
    rows = panel[panel["month_index"].between(design.start, design.end)]
    return {"states": int(rows["state_code"].nunique()), "months": int(rows["month_index"].nunique()),
            "window": [format_month(design.start), format_month(design.end)],
            "treated": list(design.treated), "comparison": list(design.comparison),
            "deaths_in_panel": int(rows[design.outcome].sum()),
            "treated_post_deaths": int(main.treated_post_deaths), "post_years": round(main.post_years, 3),
            "dropped": dropped.to_dict(orient="records")}


def _context() -> list[str]:
    """Published figures to read the estimate against (from the literature table, never hard-coded)."""
    try:
        from ironriver.store import literature_value

        chicoine = literature_value("awb_expiry_share_homicide_increase_chicoine")
    except (IronRiverError, ImportError):
        return []
    return [f"For comparison, Chicoine (2011), a national time-series design, attributes at least "
            f"{100 * chicoine.value:.1f}% of Mexico's {chicoine.period_start}–{chicoine.period_end} rise in the "
            f"homicide rate to the expiry (literature id {chicoine.id}); that is a share of a national increase, "
            f"not the border-vs-interior contrast estimated here."]
