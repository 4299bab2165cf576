"""NUTS (NumPyro, the ``[nuts]`` extra) is the reference for the iron-river posterior.

Marked slow (a few minutes on a loaded machine); skipped when the extra is not installed (CI installs it with the
``dev`` extra). Targets: the default sampler's yearly medians within 5% of NUTS's and its 5% and 95% bounds within
10%. The default tempered SMC (run in the aligned coordinates of ``ironriver.estimate._aligned``) does not meet them
yet: against NUTS with 4 × 4,000 draws, seeds 0–4 of the default have yearly medians within 4–10%, 95% bounds within
7–11% and 5% bounds up to 23–47% above NUTS's (before the aligned coordinates, seeds 0–2: 8–18%, 9–14% and 69–80%);
the 2010–2012 mean's 5% bound is 50–61k against NUTS's 42k (before: 70–74k). Against this file's NUTS (2 × 2,000,
seed 0): 11%, 16% and 20%. Given 6× the evaluations it comes within 9–12% (below). The reference itself is noisy
at this level (two 2 × 2,000 NUTS runs differ by ~9% in their 5% bounds), so the target test is a strict expected
failure that will flag the day it passes, and a second test holds the gap where it is measured so that it cannot
silently grow. tests/test_iron_river.py reproduces the failure in seconds on a heavy-tailed target with known tails.
The long setting (``method="smc-long"``, 6× the evaluations) comes close: against the 4 × 4,000-draw NUTS, seeds
0–2, medians 2.3–3.6%, 5% bounds 9.4–11.6%, 95% bounds 3.9–9.1%; against this file's NUTS 5.2%, 14.7%, 7.6%
(seed 0). Its target test is a strict expected failure too; a second test holds it well inside the default's gap.
"""

from __future__ import annotations

import numpy as np
import pytest

from ironriver.estimate import _importance as inference
from ironriver.estimate._iron_river_nuts import INSTALL_HINT, available
from ironriver.estimate.iron_river import estimate_iron_river, nuts_agreement

needs_nuts = pytest.mark.skipif(not available(), reason="numpyro not installed (pip install ironriver[nuts])")


@pytest.fixture(scope="module")
def pair():
    nuts = estimate_iron_river(seed=0, method="nuts", draws=2000)
    default = estimate_iron_river(seed=0)
    return default, nuts, nuts_agreement(default, nuts)


@pytest.mark.slow
@needs_nuts
def test_nuts_reference_converged(pair) -> None:
    _, nuts, _ = pair
    assert nuts.diagnostics["rhat_max"] < 1.02
    assert nuts.diagnostics["ess"] > 300


@pytest.mark.slow
@needs_nuts
@pytest.mark.xfail(strict=True, reason="tempered SMC's lower tail is still too light compared with NUTS (issue 12, "
                                       "item 5): ~30% at 86,000 evaluations; method='smc-long' comes within 9–12%")
def test_default_meets_the_nuts_targets(pair) -> None:
    _, _, agreement = pair
    assert agreement["max_median_rel_diff"] <= 0.05, agreement
    assert agreement["max_q05_rel_diff"] <= 0.10, agreement
    assert agreement["max_q95_rel_diff"] <= 0.10, agreement


@pytest.fixture(scope="module")
def long_pair(pair):
    _, nuts, _ = pair  # the same NUTS reference: NUTS is the slow part, run once per module
    long = estimate_iron_river(seed=0, method="smc-long")
    return long, nuts_agreement(long, nuts)


FIXTURE_NUTS_ERROR = {"median": 0.028, "q05": 0.130, "q95": 0.038}
"""How far this file's NUTS (seed 0, 2,000 draws) is from NUTS with 4 × 4,000 draws (seed 11), largest yearly
relative difference: the reference's own Monte Carlo error, which no sampler can beat when compared with it."""


@pytest.mark.slow
@needs_nuts
@pytest.mark.xfail(strict=True, reason="smc-long's 5% bounds are 9.4–11.6% from NUTS (4 × 4,000 draws) and 14.7% "
                                       "from this file's NUTS: close to the 10% target, not within it")
def test_long_setting_meets_the_nuts_targets(long_pair) -> None:
    _, agreement = long_pair
    assert agreement["max_median_rel_diff"] <= 0.05, agreement
    assert agreement["max_q05_rel_diff"] <= 0.10, agreement
    assert agreement["max_q95_rel_diff"] <= 0.10, agreement


@pytest.mark.slow
@needs_nuts
def test_long_setting_is_within_the_targets_plus_the_references_own_error(long_pair) -> None:
    # A perfect sampler compared with this file's NUTS can be off by the target plus that NUTS's own error
    # (FIXTURE_NUTS_ERROR; the triangle inequality), so that is the tolerance, no looser. The default's budget
    # fails it (12.3% median, 25.6% 5% bound at seed 0); smc-long passes (5.2%, 14.7%, 7.6%). It cannot tell a
    # sampler 11% off from one 9% off, which is why the target test above is separate.
    long, agreement = long_pair
    print("smc-long vs NUTS:", agreement)
    assert long.diagnostics["method"] == "smc-long" and long.diagnostics["smc"]["rhat"] <= 1.01
    assert long.diagnostics["smc"]["evaluations"] > 5 * 86_000  # the budget the numbers above were measured at
    for key, target in {"median": 0.05, "q05": 0.10, "q95": 0.10}.items():
        assert agreement[f"max_{key}_rel_diff"] <= target + FIXTURE_NUTS_ERROR[key], (key, agreement)


@pytest.mark.slow
@needs_nuts
def test_default_gap_to_nuts_stays_where_it_was_measured(pair) -> None:
    default, nuts, agreement = pair
    print("default vs NUTS:", agreement)
    assert agreement["max_median_rel_diff"] < 0.20, agreement
    assert agreement["max_q95_rel_diff"] < 0.20, agreement
    assert agreement["max_q05_rel_diff"] < 0.60, agreement  # 74% before the aligned coordinates
    a, b = default.reference(), nuts.reference()
    assert abs(a["median"] / b["median"] - 1) < 0.15, (a, b)
    assert 0.85 <= a["q05"] / b["q05"] < 1.4, (a["q05"], b["q05"])  # 1.56 with the old sampler


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
