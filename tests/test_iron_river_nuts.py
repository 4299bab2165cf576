"""NUTS (NumPyro, the ``[nuts]`` extra) is the reference for the iron-river posterior.

Marked slow (a few minutes on a loaded machine); skipped when the extra is not installed (CI installs it with the
``dev`` extra). Targets: the default sampler's yearly medians within 5% of NUTS's and its 5% and 95% bounds within
10%, as the largest difference over the years. NUTS is itself slow in the lower tail: two chains of 1,000 draws
put the 5% bounds 16% above those of twelve chains of 4,000 (seeds 11 and 12 pooled, the reference of
``_iron_river_fit.NUTS_REFERENCE``) on average, 25% in the worst year, so this file's NUTS runs four chains of 4,000
draws (seed 0), which came within 2% of that reference on medians and both bounds (``FIXTURE_NUTS_ERROR``).

The default tempered SMC (aligned coordinates, started from a pilot SMC, 60 moves at the posterior): against the
reference, seeds 0–9, one run's worst-year errors are 2–9% on medians, 6–18% on 5% bounds and 3–12% on 95% bounds
(without the pilot 3–13%, 23–40%, 3–12%; before the aligned coordinates 69–80% on 5% bounds): those of an exact
sampler with its 2,000 draws, which chance alone puts about 4%, 10–12% and 6% off (``exact_sampler_error``). So one
run meets the targets only by luck, and the plain target test on seed 0 is a strict expected failure (its median is
8% off) that will flag the day it passes. What the sampler itself gets wrong shows when seeds are pooled, which
averages chance away: the ten seeds pooled came within 2.7%, 7.1% and 3.2% of the reference, the size of the
reference's two runs' difference from each other (2.6%, 6.8%, 3.2%; without the pilot 4.3%, 25.4%, 4.0%). The test
of that pools seeds 0–3 (8,000 draws) and holds it to the plain targets; a third test holds seed 0's gap where it
is measured so that it cannot silently grow. The long setting (``method="smc-long"``, twice the draws, about 5× the
time) against the reference, seeds 0–2: medians 2–6%, 5% bounds 7–12%, 95% bounds 5–8%, where chance alone at its
4,000 draws gives about 3%, 8% and 4%; against this file's NUTS, seed 0: 3.7%, 10.4%, 4.7%.
"""

from __future__ import annotations

import numpy as np
import pytest

from ironriver.estimate import _importance as inference
from ironriver.estimate._iron_river_nuts import INSTALL_HINT, available
from ironriver.estimate.iron_river import estimate_iron_river, nuts_agreement, pooled

needs_nuts = pytest.mark.skipif(not available(), reason="numpyro not installed (pip install ironriver[nuts])")


TARGETS = {"median": 0.05, "q05": 0.10, "q95": 0.10}
"""The issue's targets: largest yearly relative difference from NUTS of the medians, 5% and 95% bounds."""


def assert_within(agreement: dict[str, float], tolerance: dict[str, float]) -> None:
    for key, limit in tolerance.items():
        assert agreement[f"max_{key}_rel_diff"] <= limit, (key, agreement)


@pytest.fixture(scope="module")
def pair():
    nuts = estimate_iron_river(seed=0, method="nuts", draws=16_000)  # four chains of 4,000 (see above)
    default = estimate_iron_river(seed=0)
    return default, nuts, nuts_agreement(default, nuts)


@pytest.mark.slow
@needs_nuts
def test_nuts_reference_converged(pair) -> None:
    _, nuts, _ = pair
    assert nuts.diagnostics["rhat_max"] < 1.02
    assert nuts.diagnostics["chains"] == 4 and nuts.diagnostics["ess"] > 2000


@pytest.mark.slow
@needs_nuts
@pytest.mark.xfail(strict=True, reason="one run of 2,000 draws: seed 0's medians are 8% from NUTS's in the worst year, "
                                       "where chance alone gives an exact sampler about 4% (and 10% on the 5% "
                                       "bounds); pooled seeds meet the targets (below)")
def test_default_meets_the_nuts_targets(pair) -> None:
    _, _, agreement = pair
    assert_within(agreement, TARGETS)


@pytest.mark.slow
@needs_nuts
def test_default_sampler_pooled_over_seeds_meets_the_nuts_targets(pair) -> None:
    # Four seeds pooled (8,000 draws, where chance alone gives an exact sampler about 2%, 5% and 3%) leave the
    # sampler's own error. Measured: 3.8%, 2.8%, 2.3% (seeds 4–7: 2.1%, 9.7%, 3.1%); without the pilot start 8.2%,
    # 30.9%, 6.8%, which fails.
    default, nuts, _ = pair
    fits = [default] + [estimate_iron_river(seed=seed) for seed in (1, 2, 3)]
    agreement = nuts_agreement(pooled(fits), nuts)
    print("default seeds 0–3 pooled vs NUTS:", agreement)
    assert_within(agreement, TARGETS)


@pytest.fixture(scope="module")
def long_pair(pair):
    _, nuts, _ = pair  # the same NUTS reference: NUTS is the slow part, run once per module
    long = estimate_iron_river(seed=0, method="smc-long")
    return long, nuts_agreement(long, nuts)


FIXTURE_NUTS_ERROR = {"median": 0.017, "q05": 0.018, "q95": 0.025}
"""How far this file's NUTS (seed 0, four chains of 4,000 draws) is from the reference (twelve chains of 4,000,
seeds 11 and 12), largest yearly relative difference: its own Monte Carlo error as far as the reference can tell
(the reference's two runs differ by 7% on the 5% bounds, so this is a lower bound)."""


@pytest.mark.slow
@needs_nuts
def test_long_setting_is_within_the_targets_plus_the_references_own_error(long_pair) -> None:
    # A perfect sampler compared with this file's NUTS can be off by the target plus that NUTS's own error
    # (FIXTURE_NUTS_ERROR; the triangle inequality), so that is the tolerance, no looser. Measured at seed 0: 3.7%,
    # 10.4%, 4.7%. The default's single run fails it (8.0% median). There is no strict expected-failure
    # test of the plain targets for the long setting: at 10.4% against 10% its outcome would turn on the last digit
    # of a platform's floating point, not on the sampler.
    long, agreement = long_pair
    print("smc-long vs NUTS:", agreement)
    assert long.diagnostics["method"] == "smc-long" and long.diagnostics["smc"]["rhat"] <= 1.01
    assert long.diagnostics["smc"]["evaluations"] > 590_000  # the budget the numbers above were measured at
    assert_within(agreement, {key: target + FIXTURE_NUTS_ERROR[key] for key, target in TARGETS.items()})


@pytest.mark.slow
@needs_nuts
def test_default_gap_to_nuts_stays_where_it_was_measured(pair) -> None:
    default, nuts, agreement = pair
    print("default vs NUTS:", agreement)
    # measured at seed 0: 8.0%, 5.8%, 6.4%; without the pilot start 13.2%, 29.1%, 11.6% (each of which fails its
    # limit here); with the pilot and 30 moves at the posterior 5.3%, 19.2%, 6.6% (fails the 5%-bound limit)
    assert agreement["max_median_rel_diff"] < 0.10, agreement
    assert agreement["max_q95_rel_diff"] < 0.10, agreement
    assert agreement["max_q05_rel_diff"] < 0.15, agreement
    a, b = default.reference(), nuts.reference()
    assert abs(a["median"] / b["median"] - 1) < 0.08, (a, b)  # 0.95
    assert 0.85 <= a["q05"] / b["q05"] < 1.15, (a["q05"], b["q05"])  # 1.02 (1.13 with 30 moves, 1.56 at stop 9)


def test_rhat_across_smc_runs_can_fail() -> None:
    rng = np.random.default_rng(0)
    same = [rng.standard_normal((1000, 3)) for _ in range(2)]
    assert inference.rank_rhat(same) < 1.01
    shifted = [rng.standard_normal((1000, 3)), rng.standard_normal((1000, 3)) + np.array([0.0, 0.3, 0.0])]
    assert inference.rank_rhat(shifted) > 1.01
    wider = [rng.standard_normal((1000, 3)), rng.standard_normal((1000, 3)) * np.array([1.0, 1.0, 1.6])]
    assert inference.rank_rhat(wider) > 1.01  # the folded R̂ sees a difference in the tails


def test_nuts_without_numpyro_is_a_one_line_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import ironriver.estimate._iron_river_nuts as nuts_module
    from ironriver.errors import IronRiverError

    monkeypatch.setattr(nuts_module, "available", lambda: False)
    with pytest.raises(IronRiverError, match=r"pip install ironriver\[nuts\]"):
        estimate_iron_river(method="nuts", evidence=["stock"], draws=100)
    assert "\n" not in INSTALL_HINT


@pytest.mark.slow
@needs_nuts
def test_check_nuts_adds_its_agreement_to_the_json_diagnostics() -> None:
    from ironriver.estimate.iron_river import check_nuts

    posterior = estimate_iron_river(seed=0, evidence=["stock"], draws=500)
    agreement = check_nuts(posterior, draws=500)
    nuts = posterior.to_json()["diagnostics"]["nuts"]
    assert {"max_median_rel_diff", "max_q05_rel_diff", "max_q95_rel_diff", "seconds"} <= set(nuts)
    assert nuts["max_median_rel_diff"] == pytest.approx(agreement["max_median_rel_diff"])
    assert 0 <= nuts["max_median_rel_diff"] < 0.5 and nuts["seconds"] > 0
