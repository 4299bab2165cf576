"""The spillover estimate: recovery of known effects, coverage, placebo checks, data totals, CLI contract.

Synthetic panels have the real panel's shape (32 states "01".."32" × 131 months, 1998-01..2008-11, the same
treated states) with state and month effects, state-year shocks (so states are clusters, as in the data)
and Poisson noise; a known proportional effect is switched on in the treated states from September 2004.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import statsmodels.api as sm

import ironriver
from ironriver.errors import IronRiverError, OutOfRangeError, UnknownNameError
from ironriver.estimate import spillover as sp

EXPIRY = sp.month_index(2004, 9)
MONTHS = [(y, m) for y in range(1998, 2009) for m in range(1, 13) if (y, m) != (2008, 12)]


def synthetic_panel(seed: int, effect: float = 0.0, shock_sd: float = 0.15, rate: float = 2e-5,
                    pre_trend: float = 0.0) -> pd.DataFrame:
    """32 × 131 state-months; firearm deaths get exp(effect) in treated states from 2004-09, non-firearm none.

    ``pre_trend`` adds a linear divergence of the treated states before the expiry (log points a year).
    """
    rng = np.random.default_rng(seed)
    states = [f"{i:02d}" for i in range(1, 33)]
    years = np.array([y for y, _ in MONTHS])
    month_idx = np.array([sp.month_index(y, m) for y, m in MONTHS])
    population = np.exp(rng.uniform(np.log(5e5), np.log(1.5e7), len(states)))
    state_effect = rng.normal(0, 0.5, len(states))
    month_effect = np.cumsum(rng.normal(0, 0.03, len(MONTHS)))
    frames = []
    for i, code in enumerate(states):
        treated = code in sp.TREATED_STATES
        shocks = rng.normal(0, shock_sd, 11)[years - 1998]
        other_shocks = rng.normal(0, shock_sd, 11)[years - 1998]
        trend = pre_trend * np.minimum(month_idx - EXPIRY, 0) / 12 if treated else 0.0
        log_mean = np.log(population[i] * rate) + state_effect[i] + month_effect + shocks + trend
        firearm = rng.poisson(np.exp(log_mean + (effect if treated else 0.0) * (month_idx >= EXPIRY)))
        nonfirearm = rng.poisson(np.exp(log_mean - 0.2 + other_shocks))
        frames.append(pd.DataFrame({
            "state_code": code, "year": years, "month": [m for _, m in MONTHS], "month_index": month_idx,
            "firearm_homicides": firearm, "homicides": firearm + nonfirearm, "nonfirearm_homicides": nonfirearm,
            "population": population[i] * (1 + 0.01 * (years - 1998)),
        }))
    return pd.concat(frames, ignore_index=True)


def main_design(panel: pd.DataFrame, outcome: str = "firearm") -> sp.Design:
    return sp.main_design(panel, outcome, expiry=EXPIRY)


# --- recovery and coverage on synthetic panels ------------------------------------------------------------


def test_large_panel_recovers_the_effect_tightly() -> None:
    true = math.log(1.25)
    panel = synthetic_panel(1, effect=true, shock_sd=0.0, rate=2e-4)   # ~10× the counts, no cluster shocks
    result = sp.estimate_design(panel, main_design(panel), seed=1, draws=499)
    assert result.beta == pytest.approx(true, abs=0.01)
    assert result.effect_pct.estimate == pytest.approx(25.0, abs=1.3)
    assert result.effect_pct.covers(25.0, 90)


@pytest.mark.parametrize("true_pct", [0.0, 30.0])
def test_90_percent_interval_covers_the_truth_in_most_replications(true_pct: float) -> None:
    true = math.log1p(true_pct / 100)
    covered, estimates, half_widths, cluster_half_widths = 0, [], [], []
    for replication in range(20):
        panel = synthetic_panel(100 + replication, effect=true)
        result = sp.estimate_design(panel, main_design(panel), seed=replication, draws=499)
        covered += result.effect_pct.covers(true_pct, 90)
        estimates.append(result.beta)
        for interval, store in ((result.effect_pct, half_widths), (result.cluster_pct, cluster_half_widths)):
            store.append((math.log1p(interval.high90 / 100) - math.log1p(interval.low90 / 100)) / 2)
    # 90 % nominal: P(Binomial(20, 0.9) < 15) ≈ 1 %
    assert covered >= 15, covered
    assert np.mean(estimates) == pytest.approx(true, abs=0.04)
    # calibration: the 90 % half-width matches 1.645 × the estimator's actual spread across replications
    # (≈ 1.1 here); uncentred placebo pivots gave 0.6 and cluster-robust intervals give 0.7 — too narrow
    spread = 1.645 * np.std(estimates, ddof=1)
    assert 0.85 < np.mean(half_widths) / spread < 1.5
    assert np.mean(cluster_half_widths) / spread < 0.85


def test_no_effect_panel_intervals_cover_zero_in_placebo_runs() -> None:
    panel = synthetic_panel(7, effect=math.log(1.4))   # a real effect after 2004-09 only
    result = sp.spillover(panel=panel, expiry=EXPIRY, bootstrap_draws=499, seed=3)
    checks = {r.design.name: r for r in result.falsification}
    assert not result.effect_pct.covers(0.0, 95)          # the real effect is found …
    assert result.effect_pct.covers(40.0, 95)
    for name in ("placebo_date", "other_outcome", "other_outcome_2006", "baja_california"):
        assert checks[name].effect_pct.covers(0.0, 95), name  # … and the placebo runs show none
        assert checks[name].ri_p > 0.05, name
    assert result.pretrend.p > 0.05
    for r in result.event_study[result.event_study["year"] < 2004].itertuples():
        assert r.low95 <= 0 <= r.high95


def test_pretrend_test_detects_a_diverging_pre_period() -> None:
    parallel = synthetic_panel(11)
    diverging = synthetic_panel(11, pre_trend=0.12)   # treated states 12 log points a year below, closing to 2004
    assert sp.pretrend_test(parallel, main_design(parallel), draws=999).p > 0.05
    assert sp.pretrend_test(diverging, main_design(diverging), draws=999).p < 0.01


def test_one_treated_state_uses_the_coefficient_not_a_degenerate_t() -> None:
    panel = synthetic_panel(5)
    bc = panel["state_code"] == sp.BAJA_CALIFORNIA
    panel.loc[bc & (panel["month_index"] >= EXPIRY), "firearm_homicides"] *= 3   # Baja California triples
    design = sp.falsification_designs(main_design(panel), sp.month_index(2002, 9))[2]
    assert design.name == "baja_california" and design.treated == (sp.BAJA_CALIFORNIA,)
    result = sp.estimate_design(panel, design, draws=499)
    assert result.n_sets == 27                                # every singleton of the 27 states, enumerated
    assert result.ri_p == pytest.approx(2 / 27)               # the most extreme of 27: smallest attainable p
    assert result.effect_pct.estimate == pytest.approx(200, abs=15)


def test_placebo_statistics_match_exact_statsmodels_refits() -> None:
    """The one-step placebo t's (one fit for all sets) agree with refitting each placebo set by statsmodels."""
    panel = synthetic_panel(3, effect=math.log(1.3))
    m = sp._matrices(panel, main_design(panel))
    treatment = m.treatment
    null = sp._fit(m, m.y, m.fe, sp._fe_start(m, m.y))
    exog = np.column_stack([treatment, m.fe])
    full = sp._fit(m, m.y, exog, np.concatenate([[0.0], null.params]))
    comparison = np.setdiff1d(np.arange(m.n_states), m.treated_index)
    scores = sp._scores(exog, full.mu, m.y - full.mu, sp._state_period_candidates(m, comparison, m.post[:, None]),
                        m.state, m.n_states, 1, by_cluster_hessian=True)
    sets = sp._sets(np.random.default_rng(0), np.arange(len(comparison)), 5, 4)
    one_step_t, one_step_beta = sp._one_step_t(scores, sets)[:, 0], sp._one_step(scores, sets)
    for i, chosen in enumerate(sets):
        placebo = (np.isin(m.state, comparison[chosen]) & m.post).astype(float)
        exact = sm.GLM(m.y, np.column_stack([placebo, exog]), family=sm.families.Poisson(),
                       exposure=m.exposure).fit(method="newton", start_params=np.concatenate([[0.0], full.params]),
                                                disp=False, cov_type="cluster",
                                                cov_kwds={"groups": m.state, "use_correction": False})
        assert exact.mle_retvals["converged"]
        assert one_step_beta[i] == pytest.approx(exact.params[0], rel=0.03, abs=2e-3)
        assert one_step_t[i] == pytest.approx(exact.params[0] / exact.bse[0], rel=0.03, abs=0.02)


def test_reproducible_for_a_seed() -> None:
    panel = synthetic_panel(21, effect=0.2)
    first = sp.spillover(panel=panel, expiry=EXPIRY, seed=5, bootstrap_draws=199, falsification=False)
    again = sp.spillover(panel=panel, expiry=EXPIRY, seed=5, bootstrap_draws=199, falsification=False)
    other = sp.spillover(panel=panel, expiry=EXPIRY, seed=6, bootstrap_draws=199, falsification=False)
    assert first.to_dict() == again.to_dict()
    pd.testing.assert_frame_equal(first.draws, again.draws)
    assert first.main.beta == other.main.beta                       # the fit does not depend on the seed …
    assert not np.array_equal(first.draws["beta"], other.draws["beta"])   # … the placebo draws do


# --- the real panel ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> sp.SpilloverResult:
    return sp.spillover(bootstrap_draws=999, seed=0)


def test_panel_totals_equal_the_raw_files() -> None:
    """Panel deaths + the deaths it leaves out (month unknown, Dec 2008) = the raw file's "<State> Total" rows."""
    from ironriver.data import raw
    from ironriver.store import load
    from ironriver.store.names import mx_state_codes

    homicides = load("mx_firearm_homicides_monthly")
    panel = sp.build_panel(homicides, load("mx_population_monthly"))
    frame = raw("mx_firearm_homicides_monthly_1998_2008").csv("hom_state_month.csv")
    totals = frame[frame["State"].fillna("").str.endswith(" Total")]
    raw_totals = (totals.assign(state_code=mx_state_codes(totals["State"].str.removesuffix(" Total")))
                  .set_index("state_code")[["Murders.with.Firearm", "Murders"]].sort_index())
    left_out = homicides[homicides["month"].isna() | ~homicides["registration_complete"]]
    for column, raw_column in (("firearm_homicides", "Murders.with.Firearm"), ("homicides", "Murders")):
        in_panel = panel.groupby("state_code")[column].sum() + left_out.groupby("state_code")[column].sum()
        assert (in_panel.sort_index() == raw_totals[raw_column]).all(), column
    assert len(panel) == 32 * 131 and panel["population"].notna().all()
    assert (panel["nonfirearm_homicides"] == panel["homicides"] - panel["firearm_homicides"]).all()
    dropped = sp.dropped_rows(homicides).set_index("reason")
    left_out_firearm = raw_totals["Murders.with.Firearm"].sum() - panel["firearm_homicides"].sum()
    assert dropped["firearm_homicides"].sum() == left_out_firearm


def test_real_result_is_internally_consistent(real: sp.SpilloverResult) -> None:
    main = real.main
    assert main.design.treated == ("05", "08", "19", "26", "28") and main.n_states == 32
    assert real.expiry == sp.month_index(2004, 9)               # from the timeline's awb_expired_2004
    assert main.post_years == pytest.approx(51 / 12)           # Sep 2004 .. Nov 2008
    # extra deaths a year, by hand: observed treated post-expiry deaths × (1 − e^−β) / post years
    hand = main.treated_post_deaths * (1 - math.exp(-main.beta)) / main.post_years
    assert real.extra_deaths_per_year.estimate == pytest.approx(hand)
    assert real.effect_pct.estimate == pytest.approx(100 * math.expm1(main.beta))
    e = real.effect_pct
    assert e.low95 <= e.low90 <= e.estimate <= e.high90 <= e.high95
    # the draws are the distribution the intervals are quantiles of
    assert np.quantile(real.draws["effect_pct"], 0.05) == pytest.approx(e.low90, rel=1e-6)
    assert np.quantile(real.draws["effect_pct"], 0.975) == pytest.approx(e.high95, rel=1e-6)
    # randomisation intervals are wider than the cluster-robust ones, which ignore how few clusters are treated
    assert e.high95 - e.low95 > main.cluster_pct.high95 - main.cluster_pct.low95
    names = {r.design.name for r in real.falsification}
    assert {"placebo_date", "other_outcome", "baja_california", "drop_25", "drop_28", "drop_08",
            "window_2006", "inegi_all"} <= names
    assert any("Nuevo Laredo" in c for c in real.confounders) and any("Sinaloa" in c for c in real.confounders)
    assert "municipio" in real.interpretation and "Dube" in real.interpretation


def test_plot_is_an_event_study_with_bands(real: sp.SpilloverResult) -> None:
    figure = real.plot()
    assert isinstance(figure, go.Figure)
    band, estimate = figure.data
    assert list(estimate.x) == list(range(1998, 2009))
    assert band.fill == "toself" and len(band.y) == 2 * 11
    assert real.event_study.loc[real.event_study["year"] == 2003, "effect_pct"].item() == 0.0


def test_python_entry_point_and_bad_input() -> None:
    assert ironriver.spillover is sp.spillover
    with pytest.raises(UnknownNameError):
        sp.spillover(outcome="guns")
    with pytest.raises(OutOfRangeError):
        sp.spillover(placebo_date="2010-01")
    with pytest.raises(OutOfRangeError):
        sp.spillover(bootstrap_draws=10)
    with pytest.raises(IronRiverError):
        sp.spillover(placebo_date="Sept 2002")


def test_build_panel_drops_unknown_months_and_incomplete_registrations() -> None:
    homicides = pd.DataFrame({
        "state_code": ["01"] * 4, "year": [2008] * 4, "month": pd.array([10, 11, 12, pd.NA], dtype="Int64"),
        "firearm_homicides": [1, 2, 3, 4], "homicides": [5, 6, 7, 8],
        "registration_complete": [True, True, False, True],
    })
    population = pd.DataFrame({"state_code": ["01"] * 3, "year": [2008] * 3, "month": [10, 11, 12],
                               "population": [100, 101, 102]})
    panel = sp.build_panel(homicides, population)
    assert panel["month"].tolist() == [10, 11]
    assert panel["nonfirearm_homicides"].tolist() == [4, 4]
    dropped = sp.dropped_rows(homicides).set_index("reason")
    assert dropped.loc["registration incomplete", "homicides"] == 7
    assert dropped.loc["month not recorded", "firearm_homicides"] == 4
    with pytest.raises(IronRiverError):
        sp.build_panel(homicides, population.iloc[:1])          # a missing population is an error, not a NaN


# --- the command line -------------------------------------------------------------------------------------


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ironriver", *arguments], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=600)


def test_cli_json_has_the_issue_shape() -> None:
    result = run("spillover", "--json", "--draws", "199", "--seed", "2")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    interval = {"estimate", "low90", "high90", "low95", "high95"}
    assert set(out["effect_pct"]) == interval and set(out["extra_deaths_per_year"]) == interval
    assert 0 <= out["pretrend_p"] <= 1
    assert [row["year"] for row in out["event_study"]] == list(range(1998, 2009))
    assert all(set(row) == {"year", "estimate", "low95", "high95"} for row in out["event_study"])
    assert list(out)[:4] == ["effect_pct", "extra_deaths_per_year", "pretrend_p", "event_study"]


def test_cli_table_output_names_the_confounders() -> None:
    result = run("spillover", "--draws", "199", "--outcome", "nonfirearm")
    assert result.returncode == 0, result.stderr
    for text in ("Event study", "Falsification", "Nuevo Laredo", "Sinaloa", "Interpretation", "nonfirearm"):
        assert text in result.stdout, text


@pytest.mark.parametrize("arguments", [["--placebo-date", "2010-01"], ["--placebo-date", "2002-13"],
                                       ["--outcome", "guns"], ["--draws", "5"]])
def test_cli_bad_input_is_one_line_and_exit_2(arguments: list[str]) -> None:
    result = run("spillover", *arguments)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ironriver: error:"), result.stderr
    assert "Traceback" not in result.stderr
