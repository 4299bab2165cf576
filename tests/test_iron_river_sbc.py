"""Simulation-based calibration of the iron-river estimate: known flows are recovered at near-nominal coverage.

Each replication draws every parameter from its prior, simulates every evidence stream from the model's own
likelihood (same figures, same years, same aggregates), fits the simulated data with the default method and
asks whether the true yearly flows and the true 2010–2012 mean fall inside the posterior intervals. With a
correct sampler the 90% intervals cover ~90% of the truths and the 50% intervals ~50%. Replications are few
(the whole file runs in about a minute on two cores), so the bounds are wide but not vacuous: a sampler
that collapsed onto the mode would fail them. A sampler that ignored the data and returned prior draws would
pass coverage (prior draws cover prior-drawn truths by design), so the **contraction** test asks that the
posterior sd of the log 2010–2012 mean be well below its prior sd — and below what the same sampler gives on a
model with no data at all (the prior-only run, whose ratio is ~1). Planting "the sampler returns prior draws"
fails it.
"""

from __future__ import annotations

import numpy as np
import pytest

from ironriver.estimate._iron_river_model import IronRiverModel
from ironriver.estimate.iron_river import fit_model

REPLICATIONS = 10


COLUMNS = slice(2010 - 1999, 2012 - 1999 + 1)


def prior_sd_of_log_reference_mean(model: IronRiverModel) -> float:
    """Prior sd of the log 2010–2012 mean flow, from many prior draws."""
    draws = model.prior_draws(np.random.default_rng(99), 20000)
    return float(np.std(np.log(model.latent(draws)["flow"][:, COLUMNS].mean(axis=1))))


@pytest.fixture(scope="module")
def replications() -> list[dict]:
    model = IronRiverModel(("traces", "seizures", "stock", "us_demand"), 2023)
    prior_sd = prior_sd_of_log_reference_mean(model)
    results = []
    for r in range(REPLICATIONS):
        rng = np.random.default_rng(1000 + r)
        truth = model.prior_draws(rng, 1)
        data = {key: values[0] for key, values in model.simulate(truth, rng).items()}
        posterior = fit_model(model.with_data(data), seed=r, draws=1000)
        true_flow = model.latent(truth)["flow"][0]
        flow = posterior.latent["flow"]
        q05, q25, q75, q95 = np.percentile(flow, [5, 25, 75, 95], axis=0)
        columns = (model.years >= 2010) & (model.years <= 2012)
        mean = flow[:, columns].mean(axis=1)
        results.append({"contraction": float(np.std(np.log(mean)) / prior_sd),
                        "in90": (q05 <= true_flow) & (true_flow <= q95),
                        "in50": (q25 <= true_flow) & (true_flow <= q75),
                        "mean_rank": float(np.mean(mean < true_flow[columns].mean())),
                        "path": posterior.diagnostics["path"]})
    return results


def test_yearly_flows_are_covered_at_near_nominal_rates(replications: list[dict]) -> None:
    in90 = np.mean([r["in90"] for r in replications])
    in50 = np.mean([r["in50"] for r in replications])
    print(f"SBC coverage over {len(replications)} replications: 90% intervals {in90:.2f}, 50% intervals {in50:.2f}; "
          f"paths {sorted({r['path'] for r in replications})}")
    assert 0.75 <= in90 <= 0.99, in90
    assert 0.30 <= in50 <= 0.72, in50


def test_the_2010_2012_mean_is_not_systematically_missed(replications: list[dict]) -> None:
    ranks = np.array([r["mean_rank"] for r in replications])
    # the posterior quantile of the truth is uniform under calibration: at most one of ten in the outer 2%
    # (two or more happens 1.6% of the time), and their mean near ½ (sd ≈ 0.09 for ten)
    assert np.sum((ranks < 0.01) | (ranks > 0.99)) <= 1, ranks
    assert 0.2 < ranks.mean() < 0.8, ranks


def test_the_data_contract_the_2010_2012_mean_and_the_prior_only_run_does_not(replications: list[dict]) -> None:
    ratios = np.array([r["contraction"] for r in replications])
    # the same sampler on a model with no data returns the prior: its ratio is the yardstick (~1)
    empty = IronRiverModel((), 2023)
    prior_only = fit_model(empty, seed=0, draws=1000)
    flow = prior_only.latent["flow"][:, COLUMNS].mean(axis=1)
    prior_only_ratio = float(np.std(np.log(flow)) / prior_sd_of_log_reference_mean(empty))
    print(f"contraction (posterior sd / prior sd of log 2010–12 mean): median {np.median(ratios):.2f}, "
          f"max {ratios.max():.2f}; prior-only run {prior_only_ratio:.2f}")
    assert 0.85 < prior_only_ratio < 1.15, prior_only_ratio
    assert np.median(ratios) < 0.6, ratios
    assert np.median(ratios) < prior_only_ratio - 0.3, (ratios, prior_only_ratio)
