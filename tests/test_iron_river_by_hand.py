"""The iron river's headline arithmetic, recomputed by hand: the stock balance and the observation model's terms.

Two independent computations a wrong model would fail: (1) a stock-only fit with attrition, the stock's US-origin
share and a flat flow pinned must return the flow that the stock balance gives on paper,
F = φ·(S₂₀₁₇ − (1 − a)¹⁰·S₂₀₀₇) / Σ_{k<10} (1 − a)ᵏ, from the published totals; (2) the log-density terms of
the stock, share and border-seizure streams at one chosen parameter vector, written out with scipy's
distributions from the figures' values. Dropping the US-origin share conversion of the stock surveys, or
mis-dating an estimate, moves both.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import special, stats

from ironriver.estimate._iron_river_model import IronRiverModel
from ironriver.estimate.iron_river import fit_model
from ironriver.estimate.priors import default_priors

# the published totals (Small Arms Survey 2007 annexe and 2017 briefing paper) minus the 2007 round's registered
# count, written out here rather than read from the code under test
ILLICIT_2007 = 15_500_000 - 4_490_000
ILLICIT_2017 = 16_809_000 - 4_490_000
SEIZURE_FLOOR = 0.0031


def pinned_priors(attrition_beyond: float, share: float) -> tuple:
    """Priors with attrition, the stock's US-origin share and a flat flow (no drift, no volatility) pinned."""
    pins = {"attrition_beyond_seizures": (math.log(attrition_beyond), 1e-4),
            "stock_us_origin_share": (math.log(share / (1 - share)), 1e-4),
            "flow_drift": (0.0, 1e-4), "flow_volatility": (math.log(1e-4), 1e-3)}
    return tuple(replace(p, loc=pins[p.name][0], scale=pins[p.name][1]) if p.name in pins else p
                 for p in default_priors())


@pytest.mark.parametrize("attrition_beyond, share", [(0.02, 0.7), (0.05, 0.5)])
def test_stock_only_fit_matches_the_stock_balance_by_hand(attrition_beyond: float, share: float) -> None:
    # tight stock errors; the echoes of the 2007 round given no weight, so S2007 is the round's own figure
    settings = {"stock_common_bias_sd": 0.01, "stock_method_sd": 0.01, "stock_echo_sd": 5.0}
    model = IronRiverModel(("stock",), 2023, priors=pinned_priors(attrition_beyond, share), settings=settings)
    posterior = fit_model(model, seed=0, method="laplace", draws=2000)
    keep = 1 - (SEIZURE_FLOOR + attrition_beyond)
    by_hand = share * (ILLICIT_2017 - keep**10 * ILLICIT_2007) / sum(keep**k for k in range(10))
    flow_2010 = float(np.median(posterior.latent["flow"][:, 2010 - 1999]))
    assert flow_2010 == pytest.approx(by_hand, rel=0.03), (flow_2010, by_hand)


def chosen_vector(model: IronRiverModel) -> np.ndarray:
    rng = np.random.default_rng(7)
    return model.prior_loc + 0.5 * model.prior_scale * rng.standard_normal(model.dimension)


def test_stock_term_by_hand() -> None:
    model = IronRiverModel(("stock",), 2023)
    u = chosen_vector(model)
    p = {prior.name: float(prior.natural(u[i])) for i, prior in enumerate(model.priors)}
    # the flow by hand: log F_t = log F_1999 + δ·t + σ·(cumulative innovations)
    z = u[len(model.priors):]
    log_flow = u[model.index["flow_anchor"]] + p["flow_drift"] * np.arange(25) + p["flow_volatility"] * np.r_[0, np.cumsum(z)]
    a = SEIZURE_FLOOR + p["attrition_beyond_seizures"]
    stock, by_year = p["stock_1998"], {}
    for year, flow in zip(range(1999, 2024), np.exp(log_flow)):
        stock = (1 - a) * stock + flow
        by_year[year] = stock
    phi = p["stock_us_origin_share"]
    # SAS 2007, Karp (2007 round), CESOP (2007 round), SAS 2017 — all origins, illicit
    observed = np.array([ILLICIT_2007, 15_000_000 - 4_490_000, ILLICIT_2007, ILLICIT_2017])
    predicted = np.array([by_year[2007]] * 3 + [by_year[2017]]) / phi
    common, method, echo = 0.30, 0.15, 0.20
    cov = np.full((4, 4), common**2)
    cov[:3, :3] += method**2
    cov[3, 3] += method**2
    cov[1, 1] += echo**2
    cov[2, 2] += echo**2
    expected = stats.multivariate_normal(np.zeros(4), cov).logpdf(np.log(observed) - np.log(predicted))
    assert model.terms(u[None, :])["stock"][0] == pytest.approx(expected, rel=1e-9)


def test_share_and_border_seizure_terms_by_hand() -> None:
    model = IronRiverModel(("traces", "seizures"), 2023)
    u = chosen_vector(model)
    terms = model.terms(u[None, :])
    lat = model.latent(u[None, :])
    p = {name: float(np.asarray(lat[name])[0]) for name in model.prior_names}
    settings = model.settings
    expected = 0.0
    for figure in model.share_figures:
        centre = p["us_origin_share"] * (p["us_determined_share"] if figure.basis == "atf_us_sourced" else 1.0)
        sd = math.sqrt(p["share_sd"] ** 2 / sum(figure.coverage.values()) + settings["share_release_sd"] ** 2
                       + figure.extra_sd**2)
        expected += stats.norm(special.logit(centre), sd).logpdf(special.logit(figure.value))
    assert terms["shares"][0] == pytest.approx(expected, rel=1e-9)

    flow = lat["flow"][0]
    expected = 0.0
    for figure in model.cbp_figures:
        covered = sum(flow[year - 1999] * w for year, w in figure.coverage.items())
        effort = p["outbound_effort_2020"] if figure.scope == "increased_effort" else 1.0
        sd = figure.extra_sd
        expected += stats.norm(math.log(p["interdiction_rate"] * effort * covered) - sd**2 / 2, sd).logpdf(
            math.log(figure.value))
    assert terms["cbp"][0] == pytest.approx(expected, rel=1e-9)
