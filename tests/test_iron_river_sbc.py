"""Simulation-based calibration of the iron-river estimate: known flows are recovered at near-nominal coverage.

Each replication draws every parameter from its prior, simulates every evidence stream from the model's own
likelihood (same figures, same years, same aggregates), fits the simulated data with the default method and
asks whether the true yearly flows and the true 2010–2012 mean fall inside the posterior intervals. With a
correct sampler the 90% intervals cover ~90% of the truths and the 50% intervals ~50%. Replications are few
(the whole file runs in under a minute on two cores), so the bounds are wide but not vacuous: a sampler
that ignored the data or collapsed onto the mode would fail them.
"""

from __future__ import annotations

import numpy as np
import pytest

from ironriver.estimate._iron_river_model import IronRiverModel
from ironriver.estimate.iron_river import fit_model

REPLICATIONS = 10


@pytest.fixture(scope="module")
def replications() -> list[dict]:
    model = IronRiverModel(("traces", "seizures", "stock", "us_demand"), 2023)
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
        results.append({"in90": (q05 <= true_flow) & (true_flow <= q95),
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
