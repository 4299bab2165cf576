"""Sobol indices on a function with known indices, and the sensitivity of hand-built ledgers."""

from __future__ import annotations

import numpy as np
import pytest

from ironriver.sovereignty.sensitivity import (
    GROUPS,
    robustness_sentence,
    sobol_analysis,
    sobol_indices,
    space_of,
    specification_uncertainty,
)
from ironriver.sovereignty.specification import Specification
from synthetic_draws import make_draws, two_kind_draws


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami & Homma (1990) on [-π, π]³."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_wrapper_recovers_the_ishigami_indices():
    """Analytic indices for a = 7, b = 0.1 (Saltelli et al. 2008, Global Sensitivity Analysis, §4.5)."""
    a, b = 7.0, 0.1
    variance = a ** 2 / 8 + b * np.pi ** 4 / 5 + b ** 2 * np.pi ** 8 / 18 + 0.5
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    s1 = np.array([v1, v2, 0.0]) / variance
    st = np.array([v1 + v13, v2, v13]) / variance
    table = sobol_indices([("x1", 1), ("x2", 1), ("x3", 1)], ishigami, n_base=4096, n_resamples=100,
                          bounds=[(-np.pi, np.pi)] * 3, seed=1)
    np.testing.assert_allclose(table["S1"], s1, atol=0.03)
    np.testing.assert_allclose(table["ST"], st, atol=0.03)
    assert (table["ST_low"] <= table["ST"]).all() and (table["ST"] <= table["ST_high"]).all()
    # the interval is honest: it covers the analytic value for each input
    assert ((table["ST_low"] - 0.02 <= st) & (st <= table["ST_high"] + 0.02)).all()


def test_the_bootstrap_intervals_repeat_for_a_seed_of_zero():
    """SALib leaves its bootstrap unseeded for a falsy seed; the wrapper's intervals must still repeat."""
    def run():
        return sobol_indices([("x1", 1), ("x2", 1), ("x3", 1)], ishigami, n_base=256, n_resamples=50,
                             bounds=[(-np.pi, np.pi)] * 3, seed=0)

    first, second = run(), run()
    np.testing.assert_array_equal(first[["S1_low", "ST_high"]].to_numpy(), second[["S1_low", "ST_high"]].to_numpy())


def test_groups_pool_their_variables():
    """Grouping x1 and x3 gives the group's closed index V1 + V3 + V13 as its first-order index."""
    a, b = 7.0, 0.1
    variance = a ** 2 / 8 + b * np.pi ** 4 / 5 + b ** 2 * np.pi ** 8 / 18 + 0.5

    def reordered(x: np.ndarray) -> np.ndarray:          # columns: x1, x3 (group), x2
        return ishigami(x[:, [0, 2, 1]])

    table = sobol_indices([("x1 and x3", 2), ("x2", 1)], reordered, n_base=4096, bounds=[(-np.pi, np.pi)] * 3,
                          seed=2)
    np.testing.assert_allclose(table.set_index("group").loc["x1 and x3", "S1"], 1 - a ** 2 / 8 / variance,
                               atol=0.03)


def _space(draws=None, spec=None):
    return space_of([draws or two_kind_draws()], spec or Specification(), half_lives=[25.0])


def test_a_gap_that_depends_only_on_the_kind_weights_is_attributed_to_them():
    """two_kind_draws: under arithmetic ratios gap = (0.5 w_d − 0.4 w_i) / (w_d + w_i); leaving out any one of
    the four indicators removes a kind for both states and swings the gap to +0.6 or −0.4, so inclusion
    dominates; the data-free kinds' weights, the posterior (one draw) and the fixed references do nothing."""
    space = _space()
    table = sobol_analysis(space, n_base=256, n_resamples=50)
    year = table[table.year == 2000].set_index("group")
    assert year["ST"].idxmax() == "indicator inclusion"
    assert (year.loc[["weight on domestic", "weight on interdependence"], "ST_low"] > 0).all()
    totals = year["ST"]
    # the posterior draw, reference points (fixed ranges) and westphalian/legal weights (no data) do nothing
    for group in ("posterior draws", "weight on westphalian", "weight on international legal", "reference points"):
        assert abs(totals[group]) < 0.02, group
    assert set(table.group) == {name for name, _ in GROUPS(space)}


def test_specification_uncertainty_counts_specifications_for_each_state():
    space = _space()
    result = specification_uncertainty(space, n_specifications=64, draws_per_specification=16, seed=3)
    assert result.p_mex_more.shape == (3,)
    assert 0 < result.p_mex_more[0] < 1 and 0 < result.p_usa_more[0] < 1
    assert result.share_mex[0] + result.share_usa[0] <= 1
    assert result.table().shape == (3, 5)
    assert "sampled specifications" in result.sentence(2000)


def test_a_state_ahead_under_every_choice_is_robust():
    rows = [{"id": f"{s}_{k}", "state": s, "kind": k, "concept": k, "reference": 1.0}
            for k in ("domestic", "westphalian") for s in ("MEX", "USA")]
    # MEX ahead on both kinds in both years, on every normalisation: values rise for MEX, stay low for USA
    draws = make_draws(rows, np.array([[5.0, 9.0], [0.1, 0.2], [4.0, 8.0], [0.1, 0.3]]))
    result = specification_uncertainty(_space(draws), n_specifications=32, draws_per_specification=8)
    assert result.share_mex.min() > 0.6
    assert result.sentence(2001).startswith("In 2001, the verdict that Mexico's sovereignty is the more threatened")


@pytest.mark.parametrize(("share", "word"), [(0.95, "is robust"), (0.75, "holds under most"), (0.55, "is fragile"),
                                            (0.2, "is not robust")])
def test_robustness_sentence_names_how_robust(share, word):
    text = robustness_sentence(2025, 0.8, 0.2, share, 1 - share, 128, "MEX", 0.9, "specs/neutral.toml")
    assert word in text and "(P = 0.90 under specs/neutral.toml)" in text
    assert f"Mexico's is the more threatened under {100 * share:.0f}% of the specifications" in text
    assert " is holds " not in text


def test_robustness_sentence_names_neither_state_on_a_tie():
    text = robustness_sentence(2025, 0.5, 0.5, 0.5, 0.5, 128)
    assert "neither state is the more threatened" in text and "Mexico's" not in text


def test_the_report_section_traces_every_number_and_draws_its_charts():
    from ironriver.report.lineage import check_lineage
    from ironriver.report.verdict_analysis import (
        perspectives_chart,
        sensitivity_chart,
        verdict_analysis_model,
        verdict_analysis_section,
    )
    from ironriver.sovereignty.contest import contest
    from synthetic_draws import perspective_draws

    branch = verdict_analysis_model(contest(perspective_draws(), sobol_base=64, n_specifications=16))
    model = {"verdict_analysis": branch}
    check_lineage(model)
    assert perspectives_chart(model) is not None and sensitivity_chart(model) is not None
    html = verdict_analysis_section(model, "<div>charts</div>")
    assert "What would change the verdict" in html and "specs/essay.toml" in html
    assert html.count("<li>") == len(branch["flip"])
