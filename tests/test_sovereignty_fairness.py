"""Fairness properties of the ledger: one rule for both states, checked on constructed and on real draws.

- swapping the MEX/USA labels swaps ``p_mex_more`` and ``p_usa_more`` exactly (any asymmetric rule fails);
- a kind one state lacks changes neither state's overall score;
- the kind weights are the same for both states, so identical evidence is an exact tie;
- shared assumptions are drawn once per draw for both states (common random numbers).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ironriver.sovereignty.catalogue import KINDS
from ironriver.sovereignty.draws import IndicatorDraws
from ironriver.sovereignty.ledger import score
from ironriver.sovereignty.verdict import verdict

YEARS = np.array([2019, 2020, 2021])
N_DRAWS = 8


def _draws(values: np.ndarray, kinds: list[str], states: list[str]) -> IndicatorDraws:
    rows = [{"id": f"{s}_{k}_{i}", "state": s, "kind": k, "concept": f"{k}_{i // 2}"}
            for i, (k, s) in enumerate(zip(kinds, states))]
    return IndicatorDraws.constructed(rows, YEARS, values)


threat_values = arrays(np.float64, (N_DRAWS, 8, YEARS.size),
                       elements=st.one_of(st.floats(0.0, 1.0), st.just(np.nan)))
PAIRED_KINDS = [k for k in KINDS for _ in range(2)]
PAIRED_STATES = ["MEX", "USA"] * 4


@settings(max_examples=40, deadline=None)
@given(values=threat_values, seed=st.integers(0, 10_000))
def test_swapping_the_labels_swaps_the_probabilities_exactly(values: np.ndarray, seed: int) -> None:
    draws = _draws(values, PAIRED_KINDS, PAIRED_STATES)
    original = verdict(score(draws, n_weightings=6, seed=seed))
    swapped = verdict(score(draws.relabel(), n_weightings=6, seed=seed))
    for a, b in zip(original.comparisons, swapped.comparisons):
        assert (a.year, a.kind, a.n_cells) == (b.year, b.kind, b.n_cells)
        if a.comparable:
            assert a.p_mex_more == b.p_usa_more and a.p_usa_more == b.p_mex_more and a.p_tie == b.p_tie


@settings(max_examples=40, deadline=None)
@given(values=threat_values, extra=arrays(np.float64, (N_DRAWS, 1, YEARS.size), elements=st.floats(0.0, 1.0)),
       state=st.sampled_from(["MEX", "USA"]))
def test_a_kind_one_state_lacks_changes_neither_states_score(values: np.ndarray, extra: np.ndarray,
                                                             state: str) -> None:
    # Six indicators: domestic, interdependence and westphalian for both; international legal for nobody.
    base = _draws(values[:, :6], PAIRED_KINDS[:6], PAIRED_STATES[:6])
    lopsided = _draws(np.concatenate([values[:, :6], extra], axis=1), PAIRED_KINDS[:6] + ["international_legal"],
                      PAIRED_STATES[:6] + [state])
    before, after = score(base, n_weightings=5, seed=3), score(lopsided, n_weightings=5, seed=3)
    for s in ("MEX", "USA"):
        np.testing.assert_array_equal(before.overall[s], after.overall[s])
    assert not after.comparable_kinds[KINDS.index("international_legal")].any()


@settings(max_examples=30, deadline=None)
@given(values=arrays(np.float64, (N_DRAWS, 4, YEARS.size), elements=st.floats(0.0, 1.0)),
       seed=st.integers(0, 10_000))
def test_the_same_evidence_for_both_states_is_an_exact_tie(values: np.ndarray, seed: int) -> None:
    doubled = np.repeat(values, 2, axis=1)                       # MEX and USA identical in every kind
    ledger = score(_draws(doubled, PAIRED_KINDS, PAIRED_STATES), n_weightings=7, seed=seed)
    np.testing.assert_array_equal(ledger.overall["MEX"], ledger.overall["USA"])
    assert all(c.p_tie == 1.0 for c in verdict(ledger).comparisons)


def test_both_states_of_a_shared_concept_get_the_same_reference_in_every_draw() -> None:
    rows = [{"id": f"{s}_x", "state": s, "kind": "domestic", "concept": "deaths", "transform": "log_logistic",
             "reference_low": 1.0, "reference_high": 100.0} for s in ("MEX", "USA")]
    values = np.full((200, 2, YEARS.size), 10.0)
    ledger = score(IndicatorDraws.constructed(rows, YEARS, values), n_weightings=3, seed=1)
    mex, usa = ledger.threat_draws[:, 0, 0], ledger.threat_draws[:, 1, 0]
    np.testing.assert_array_equal(mex, usa)
    assert mex.std() > 0.1                                        # the reference is drawn, not fixed


# --- on the real chain ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_draws():
    from ironriver.sovereignty.chain import gather_inputs
    from ironriver.sovereignty.draws import build_indicator_draws

    return build_indicator_draws(gather_inputs(), None, np.arange(2000, 2026), n_draws=200, seed=0)


def test_shared_assumptions_are_common_random_numbers(real_draws: IndicatorDraws) -> None:
    # Before: the two uses-of-force threats correlated at 0.01 across draws (independent half-lives and refs).
    ledger = score(real_draws, n_weightings=5, seed=0)
    j = int(np.flatnonzero(real_draws.years == 2010)[0])
    mex = ledger.threat_draws[:, real_draws.index("mx_uses_of_force_against"), j]
    usa = ledger.threat_draws[:, real_draws.index("us_uses_of_force_against"), j]
    assert np.corrcoef(mex, usa)[0, 1] > 0.95


def test_real_swap_swaps_exactly(real_draws: IndicatorDraws) -> None:
    original = verdict(score(real_draws, n_weightings=10, seed=2))
    swapped = verdict(score(real_draws.relabel(), n_weightings=10, seed=2))
    for a, b in zip(original.comparisons, swapped.comparisons):
        if a.comparable:
            assert (a.p_mex_more, a.p_usa_more) == (b.p_usa_more, b.p_mex_more)


def test_no_value_is_carried_more_than_three_years_and_every_kind_is_paired(real_draws: IndicatorDraws) -> None:
    assert real_draws.table["max_years_carried"].max() <= 3
    ledger = score(real_draws, n_weightings=5, seed=0)
    for k, kind in enumerate(KINDS):
        for j in range(real_draws.years.size):
            has = [ledger.draws.available[((real_draws.table["state"] == s) & (real_draws.table["kind"] == kind))
                                          .to_numpy(), j].any() for s in ("MEX", "USA")]
            assert ledger.comparable_kinds[k, j] == all(has)
            if not all(has):
                assert verdict(ledger).get(int(real_draws.years[j]), kind).n_cells == 0
