"""Pin the spillover effect against a plain statsmodels Poisson fit written here, on the same real panel.

The headline is a two-way fixed-effects Poisson regression: firearm deaths per state-month on state and month
dummies, a log-population offset and treated × post (the five TX/NM/AZ border states from September 2004).
The package fits it with its own design matrices, a fixed-effects start and a custom GLM subclass; here the
same model is written as a formula and fitted by statsmodels from scratch. Any change to the sample, the
treatment dummy, the offset, the post month or the percent conversion moves the estimate by far more than
the tolerance.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from ironriver.estimate import spillover as sp

TREATED = ("05", "08", "19", "26", "28")       # Coahuila, Chihuahua, Nuevo León, Sonora, Tamaulipas
EXPIRY = 2004 * 12 + 9 - 1                     # September 2004, month index year·12 + month − 1


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return sp.load_panel()


@pytest.fixture(scope="module")
def plain_fit(panel: pd.DataFrame):
    """Poisson GLM, log link, state and month fixed effects, offset log population; CR1 by state."""
    rows = panel[(panel["month_index"] >= 1998 * 12) & (panel["month_index"] <= 2008 * 12 + 10)].copy()
    rows["treated_post"] = (rows["state_code"].isin(TREATED) & (rows["month_index"] >= EXPIRY)).astype(float)
    model = smf.glm("firearm_homicides ~ treated_post + C(state_code) + C(month_index)", data=rows,
                    family=sm.families.Poisson(),
                    offset=np.log(rows["population"]))
    fit = model.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(rows["state_code"])[0]})
    return rows, fit


@pytest.fixture(scope="module")
def result() -> sp.SpilloverResult:
    return sp.spillover(seed=0, bootstrap_draws=99, falsification=False)


@pytest.fixture(scope="module")
def headline(result: sp.SpilloverResult) -> sp.SpecResult:
    return result.main


def test_panel_is_the_full_valle_jones_window(panel: pd.DataFrame) -> None:
    assert len(panel) == 32 * 131
    assert panel["month_index"].min() == 1998 * 12 and panel["month_index"].max() == 2008 * 12 + 10


def test_headline_coefficient_equals_a_plain_statsmodels_fit(plain_fit, headline: sp.SpecResult) -> None:
    rows, fit = plain_fit
    beta = fit.params["treated_post"]
    assert headline.beta == pytest.approx(beta, rel=1e-6, abs=1e-8)
    assert headline.effect_pct.estimate == pytest.approx(100 * math.expm1(beta), rel=1e-6)
    assert headline.se_cluster == pytest.approx(fit.bse["treated_post"], rel=1e-4)
    # the reference cluster-robust interval: β ± t(0.975, G − 1)·SE, in percent
    half = stats.t.ppf(0.975, 31) * fit.bse["treated_post"]
    assert headline.cluster_pct.low95 == pytest.approx(100 * math.expm1(beta - half), rel=1e-4)
    assert headline.cluster_pct.high95 == pytest.approx(100 * math.expm1(beta + half), rel=1e-4)


def test_extra_deaths_follow_from_the_coefficient_and_the_observed_deaths(plain_fit,
                                                                          headline: sp.SpecResult) -> None:
    rows, fit = plain_fit
    treated_post = rows.loc[rows["treated_post"] > 0, "firearm_homicides"].sum()
    post_years = rows.loc[rows["month_index"] >= EXPIRY, "month_index"].nunique() / 12
    assert headline.treated_post_deaths == treated_post and headline.post_years == pytest.approx(51 / 12)
    beta = fit.params["treated_post"]
    assert headline.extra_deaths_per_year.estimate == pytest.approx(
        treated_post * (1 - math.exp(-beta)) / post_years, rel=1e-6)


def test_the_public_summary_reports_the_same_effect(plain_fit, result: sp.SpilloverResult) -> None:
    _, fit = plain_fit
    assert result.effect_pct.estimate == pytest.approx(100 * math.expm1(fit.params["treated_post"]), rel=1e-6)
    assert result.to_dict()["effect_pct"]["estimate"] == pytest.approx(
        100 * math.expm1(fit.params["treated_post"]), abs=0.006)      # to_dict rounds to 2 decimals
