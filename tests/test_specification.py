"""Specifications: validation with one-line errors, the shipped perspectives, and aggregation by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ironriver.sovereignty.aggregate import aggregate, carried_runs
from ironriver.sovereignty.specification import (
    Specification,
    SpecificationError,
    load_specification,
    shipped_specifications,
)
from synthetic_draws import make_draws, two_kind_draws


def _spec(**data) -> Specification:
    return Specification.from_dict({"name": "t", **data}, origin="t.toml")


# --- validation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "expected"), [
    ({"normalisation": 3}, "t.toml: normalisation:"),
    ({"normalisation": "zscore"}, "'zscore' is not allowed"),
    ({"kinds": {"weights": {"domestic": 0.5, "westphalian": 0.4}}}, "kind weights sum to 0.9, not 1"),
    ({"kinds": {"weights": {"domestik": 1.0}}}, "unknown kind 'domestik' in kinds.weights; did you mean domestic?"),
    ({"kinds": {"concentration": -1.0}}, "concentration must be positive"),
    ({"kinds": {"weights": {"domestic": 1.0}, "concentration": 2.0}}, "not weights and concentration"),
    ({"decay": {"spillover_half_life_years": -5.0}}, "t.toml: decay.spillover_half_life_years: -5.0: input should be greater than 0"),
    ({"carry_forward_years": 4}, "t.toml: carry_forward_years: 4: input should be less than or equal to 3"),
    ({"carry_forward_years": "3"}, "expected a whole number, got str '3'"),
    ({"colour": "red"}, "t.toml: colour: unknown key 'colour'"),
    ({"kinds": {"agregation": "geometric"}}, "kinds.agregation: unknown key 'agregation'; did you mean aggregation?"),
    ({"indicators": {"include": ["a"], "exclude": ["b"]}}, "either include or exclude"),
    ({"reference": {"values": {"a": 0.0}}}, "reference values must be positive"),
    ({"reference": {"choice": "median"}}, "'median' is not allowed"),
])
def test_malformed_specifications_fail_in_one_line_naming_the_problem(data, expected):
    with pytest.raises(SpecificationError) as error:
        _spec(**data)
    message = str(error.value)
    assert expected in message
    assert "\n" not in message


def test_a_file_that_is_not_toml_or_does_not_exist_fails_in_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("normalisation = \n")
    with pytest.raises(SpecificationError, match=r"bad.toml: invalid TOML"):
        Specification.from_toml(bad)
    with pytest.raises(SpecificationError, match="no such specification file"):
        Specification.from_toml(tmp_path / "none.toml")
    with pytest.raises(SpecificationError, match="unknown specification 'nuetral'; did you mean neutral"):
        load_specification("nuetral")


def test_shipped_specifications_load_and_say_whose_view_they_encode():
    shipped = shipped_specifications()
    assert list(shipped)[0] == "neutral"
    assert len(shipped) >= 4
    for name, path in shipped.items():
        spec = load_specification(name)
        assert spec.name == name
        header = path.read_text(encoding="utf-8").splitlines()[:3]
        assert header[0].startswith("# ") and any("view" in line.lower() for line in
                                                   path.read_text().splitlines()[:12]), name
        assert load_specification(path) == spec
    assert load_specification() == load_specification("neutral")


def test_the_neutral_default_is_the_ledgers_rule():
    spec = load_specification("neutral")
    assert spec.normalisation == "ratio" and spec.reference.choice == "drawn"
    assert spec.kinds.fixed_weights() is None and spec.kinds.concentration is None
    assert spec.kinds.aggregation == spec.concepts.aggregation == "arithmetic"
    assert spec.carry_forward_years == 3


# --- aggregation by hand ------------------------------------------------------------------------------
# two_kind_draws: MEX domestic 0.8, interdependence 0.2; USA domestic 0.3, interdependence 0.6.


def _overall(spec: Specification, draws=None) -> np.ndarray:
    scores = aggregate(draws or two_kind_draws(), spec, 0)
    return scores.overall[0, 0, :, 0]


@pytest.mark.parametrize(("kinds", "within", "expected"), [
    ({"weights": {"domestic": 0.5, "interdependence": 0.5}}, "arithmetic", (0.5, 0.45)),
    ({"weights": {"domestic": 0.75, "interdependence": 0.25}}, "arithmetic", (0.65, 0.375)),
    ({"weights": {"interdependence": 1.0}}, "arithmetic", (0.2, 0.6)),
    ({"weights": {"domestic": 0.5, "interdependence": 0.5}, "aggregation": "geometric"}, "arithmetic",
     (0.4, np.sqrt(0.18))),
    ({"weights": {"domestic": 0.5, "interdependence": 0.5}, "aggregation": "weakest_link"}, "arithmetic", (0.8, 0.6)),
])
def test_overall_scores_match_hand_computation(kinds, within, expected):
    spec = _spec(kinds=kinds, concepts={"aggregation": within}, reference={"choice": "central"})
    np.testing.assert_allclose(_overall(spec), expected, rtol=1e-6)


def test_a_kind_missing_for_one_state_is_left_out_for_both():
    spec = _spec(kinds={"weights": {"domestic": 0.5, "interdependence": 0.5}}, indicators={"exclude": ["us_dom"]},
                 reference={"choice": "central"})
    scores = aggregate(two_kind_draws(), spec, 0)
    assert np.isnan(scores.kind[:, 1, 0]).all() and not scores.comparable[0].any()   # no USA domestic: not compared
    np.testing.assert_allclose(scores.overall[0, 0, :, 0], (0.2, 0.6))
    assert (scores.p_usa_more == 1).all()


def test_unknown_indicator_or_concept_in_a_spec_is_refused_in_one_line():
    with pytest.raises(SpecificationError, match="t: indicators.exclude: unknown indicator 'us_dmo'; did you mean us_dom"):
        aggregate(two_kind_draws(), _spec(indicators={"exclude": ["us_dmo"]}), 0)
    with pytest.raises(SpecificationError, match="unknown concept 'harms'; did you mean harm"):
        aggregate(two_kind_draws(), _spec(concepts={"weights": {"harms": 2.0}}), 0)


def test_concept_weights_apply_to_both_states_within_a_kind():
    rows = [{"id": i, "state": s, "kind": "domestic", "concept": c, "reference": 1.0}
            for i, s, c in (("mx_a", "MEX", "a"), ("mx_b", "MEX", "b"), ("us_a", "USA", "a"), ("us_b", "USA", "b"))]
    draws = make_draws(rows, np.array([[4.0], [0.25], [1.5], [3 / 7]]))   # MEX a .8 b .2; USA a .6 b .3
    spec = _spec(kinds={"weights": {"domestic": 1.0}}, concepts={"weights": {"a": 3.0}}, reference={"choice": "central"})
    np.testing.assert_allclose(_overall(spec, draws), ((3 * 0.8 + 0.2) / 4, (3 * 0.6 + 0.3) / 4))


def test_per_concept_weights_give_each_concept_the_same_share():
    rows = [{"id": i, "state": s, "kind": k, "concept": c, "reference": 1.0}
            for i, s, k, c in (("mx_a", "MEX", "domestic", "a"), ("mx_b", "MEX", "domestic", "b"),
                               ("us_a", "USA", "domestic", "a"), ("mx_c", "MEX", "westphalian", "c"),
                               ("us_c", "USA", "westphalian", "c"))]
    draws = make_draws(rows, np.array([[4.0], [0.25], [1.0], [1.0], [3.0]]))
    spec = _spec(kinds={"per_concept": True}, reference={"choice": "central"})
    # domestic weighs 2/3 (concepts a, b), westphalian 1/3; MEX domestic (0.8+0.2)/2, USA domestic 0.5
    np.testing.assert_allclose(_overall(spec, draws), (2 / 3 * 0.5 + 1 / 3 * 0.5, 2 / 3 * 0.5 + 1 / 3 * 0.75))


def test_minmax_and_rank_normalise_a_concept_on_one_scale_for_both_states():
    rows = [{"id": "mx", "state": "MEX", "kind": "domestic", "concept": "c", "reference": 1.0},
            {"id": "us", "state": "USA", "kind": "domestic", "concept": "c", "reference": 1.0}]
    draws = make_draws(rows, np.array([[10.0, 20.0, 30.0], [0.0, 5.0, 40.0]]))
    minmax = aggregate(draws, _spec(normalisation="minmax"), 0)
    np.testing.assert_allclose(minmax.overall[0, 0], [[0.25, 0.5, 0.75], [0.0, 0.125, 1.0]])
    rank = aggregate(draws, _spec(normalisation="rank"), 0)
    np.testing.assert_allclose(rank.overall[0, 0], [[0.4, 0.6, 0.8], [0.0, 0.2, 1.0]])


def test_carry_forward_cap_drops_values_carried_longer_than_it():
    rows = [{"id": "mx", "state": "MEX", "kind": "domestic", "concept": "c", "reference": 1.0},
            {"id": "us", "state": "USA", "kind": "domestic", "concept": "c", "reference": 1.0}]
    status = np.array([["observed", "carried", "carried", "carried"], ["observed"] * 4])
    np.testing.assert_array_equal(carried_runs(status), [[0, 1, 2, 3], [0, 0, 0, 0]])
    draws = make_draws(rows, np.ones((2, 4)), status=status)
    for cap, comparable in ((3, 4), (1, 2), (0, 1)):
        scores = aggregate(draws, _spec(carry_forward_years=cap), 0)
        assert (~np.isnan(scores.overall[0, 0, 0])).sum() == comparable


def test_drawn_reference_points_are_common_to_both_states_of_a_concept():
    rows = [{"id": "mx", "state": "MEX", "kind": "domestic", "concept": "c", "reference": 2.0,
             "reference_low": 1.0, "reference_high": 4.0},
            {"id": "us", "state": "USA", "kind": "domestic", "concept": "c", "reference": 2.0,
             "reference_low": 1.0, "reference_high": 4.0}]
    draws = make_draws(rows, np.ones((2, 1)))
    scores = aggregate(draws, _spec(), 1)
    reference = scores.rows.reference
    np.testing.assert_array_equal(reference[:, 0], reference[:, 1])
    assert reference.min() >= 1.0 and reference.max() <= 4.0
    assert (scores.p_mex_more == 0).all() and (scores.p_usa_more == 0).all()    # equal values: a tie, always


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.0, 50.0), min_size=8, max_size=8), st.sampled_from(["ratio", "minmax", "rank"]),
       st.sampled_from(["arithmetic", "geometric", "weakest_link"]), st.integers(0, 3))
def test_swapping_the_states_swaps_the_verdict(numbers, normalisation, aggregation, seed):
    """One rule for both states: relabelling MEX as USA and back exactly swaps P(MEX more) and P(USA more)."""
    rows = [{"id": f"{s}_{k}", "state": s, "kind": k, "concept": k, "reference": 3.0, "reference_low": 1.0,
             "reference_high": 9.0} for k in ("domestic", "westphalian") for s in ("MEX", "USA")]
    values = np.array(numbers).reshape(4, 2)
    spec = _spec(normalisation=normalisation, kinds={"aggregation": aggregation})
    one = aggregate(make_draws(rows, values), spec, seed)
    swapped_rows = [{**r, "state": {"MEX": "USA", "USA": "MEX"}[r["state"]]} for r in rows]
    two = aggregate(make_draws(swapped_rows, values), spec, seed)
    np.testing.assert_allclose(one.p_mex_more, two.p_usa_more)
    np.testing.assert_allclose(one.p_usa_more, two.p_mex_more)


def _ledger_like_draws(seed: int = 0):
    """IndicatorDraws with the ledger's structure: shared and separate references, a share, gaps, a one-state concept."""
    from ironriver.sovereignty.draws import IndicatorDraws

    rng = np.random.default_rng(seed)
    rows = [
        {"id": "mx_a", "state": "MEX", "kind": "domestic", "concept": "deaths", "transform": "log_logistic"},
        {"id": "us_a", "state": "USA", "kind": "domestic", "concept": "deaths", "transform": "log_logistic"},
        {"id": "mx_b", "state": "MEX", "kind": "domestic", "concept": "challengers", "transform": "log_logistic"},
        {"id": "mx_c", "state": "MEX", "kind": "interdependence", "concept": "inflow", "transform": "log_logistic"},
        {"id": "us_c", "state": "USA", "kind": "interdependence", "concept": "inflow", "transform": "log_logistic"},
        {"id": "mx_d", "state": "MEX", "kind": "westphalian", "concept": "force", "transform": "share"},
        {"id": "us_d", "state": "USA", "kind": "westphalian", "concept": "force", "transform": "share"},
        {"id": "us_e", "state": "USA", "kind": "international_legal", "concept": "remedies",
         "transform": "log_logistic"},
        {"id": "mx_e", "state": "MEX", "kind": "international_legal", "concept": "remedies",
         "transform": "log_logistic"},
    ]
    for row, (low, high) in zip(rows, [(5, 20), (5, 20), (0.2, 0.8), (0.5, 4), (1e3, 4e4), (np.nan, np.nan),
                                       (np.nan, np.nan), (0.5, 2), (0.5, 2)]):
        row.update(reference=np.sqrt(low * high), reference_low=low, reference_high=high)
    n_draws, years = 60, np.arange(2010, 2018)
    scale = np.array([r["reference"] if np.isfinite(r["reference"]) else 0.5 for r in rows])
    values = rng.lognormal(0.0, 0.6, (n_draws, len(rows), years.size)) * scale[None, :, None]
    values[:, 5:7] = np.clip(values[:, 5:7], 0, 1)
    values[:, 7, :3] = np.nan                  # USA legal missing early: legal left out for both those years
    values[:, 2, 6:] = np.nan                  # a MEX-only concept missing late
    return IndicatorDraws.constructed(rows, years, values)


@pytest.mark.parametrize("seed", [0, 3])
def test_the_neutral_default_reproduces_the_ledgers_score(seed):
    """Same rule, same random numbers: aggregate(draws, neutral) is the ledger's score() (float32 aside)."""
    from ironriver.sovereignty.ledger import score

    draws = _ledger_like_draws(seed)
    ledger = score(draws, n_weightings=50, seed=seed)
    ours = aggregate(draws, load_specification("neutral"), seed, n_weightings=50)
    for s, state in enumerate(("MEX", "USA")):
        np.testing.assert_allclose(ours.overall[:, :, s, :], ledger.overall[state], rtol=1e-5, atol=1e-6)
        for k, kind in enumerate(("domestic", "interdependence", "westphalian", "international_legal")):
            np.testing.assert_allclose(ours.kind[:, s, k], ledger.kind_scores[(state, kind)][0], rtol=1e-5,
                                       atol=1e-6)
    np.testing.assert_allclose(ours.kind_weights, ledger.kind_weights)
    gap = ledger.overall["MEX"].astype(float) - ledger.overall["USA"].astype(float)
    np.testing.assert_allclose(ours.p_mex_more, (gap > 1e-6).mean(axis=(0, 1)), atol=0.01)


def test_a_ledger_under_a_specification_feeds_the_verdict():
    from ironriver.sovereignty.contest import ledger_under
    from ironriver.sovereignty.ledger import score
    from ironriver.sovereignty.verdict import verdict

    draws = _ledger_like_draws(1)
    neutral = verdict(ledger_under(draws, load_specification("neutral"), seed=1, n_weightings=50))
    ledger = verdict(score(draws, seed=1, n_weightings=50))
    assert neutral.table().equals(ledger.table())
    only = Specification.from_dict({"name": "only", "kinds": {"weights": {"westphalian": 1.0}}})
    moved = verdict(ledger_under(draws, only, seed=1))
    assert moved.get(2012, "overall").p_mex_more == moved.get(2012, "westphalian").p_mex_more
    assert not moved.table()["p_mex_more"].equals(neutral.table()["p_mex_more"])


def test_specifications_are_named_without_machine_paths(tmp_path):
    from ironriver.sovereignty.specification import specification_file

    assert specification_file(None) == "specs/neutral.toml"
    assert specification_file("essay") == "specs/essay.toml"
    assert specification_file(shipped_specifications()["essay"]) == "specs/essay.toml"
    own = tmp_path / "mine.toml"
    own.write_text('name = "mine"\n')
    assert specification_file(str(own)) == str(own)


def test_shipped_specifications_load_as_specs_paths_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_specification("specs/essay.toml") == load_specification("essay")
    with pytest.raises(SpecificationError, match="specs/nothing.toml: no such specification file"):
        load_specification("specs/nothing.toml")


def test_names_are_checked_against_the_catalogue_before_any_work():
    from ironriver.sovereignty.specification import check_names

    for path in shipped_specifications().values():
        check_names(load_specification(path))          # every shipped perspective names real concepts
    with pytest.raises(SpecificationError, match="t: indicators.exclude: unknown indicator 'mx_cinc_ratoi'; "
                                                 "did you mean mx_cinc_ratio"):
        check_names(_spec(indicators={"exclude": ["mx_cinc_ratoi"]}))
    with pytest.raises(SpecificationError, match="concepts.weights: unknown concept 'power'"):
        check_names(_spec(concepts={"weights": {"power": 2.0}}))


# --- the kernels the flip search and the sensitivity analyses share, by hand --------------------------------


def _rows(kind_weight, across):
    from ironriver.sovereignty.aggregate import Rows

    r = len(across)
    return Rows(draw=np.zeros(r, int), reference=np.zeros((r, 1)), kind_weight=np.asarray(kind_weight, float),
                normalisation=np.zeros(r, int), within=np.zeros(r, int), across=np.asarray(across),
                include=np.ones((r, 1), bool), carry=np.zeros(r, int))


def test_overall_of_uses_the_kinds_both_states_have_by_each_rule():
    """MEX kinds (0.2, 0.4, -, 0.8), USA (0.6, -, 0.3, 0.5) in year 0, weights 1:2:3:4: only kinds 1 and 4
    are compared; year 1 has no kind for the USA, so neither state has an overall score."""
    from ironriver.sovereignty.aggregate import overall_of

    nan = np.nan
    year0 = np.array([[0.2, 0.4, nan, 0.8], [0.6, nan, 0.3, 0.5]])
    year1 = np.array([[0.5, 0.5, 0.5, 0.5], [nan, nan, nan, nan]])
    kinds = np.stack([year0, year1], axis=-1)[None].repeat(3, axis=0)       # (3 rows, 2 states, 4 kinds, 2 years)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a year with no kind to combine is NaN, without a 0/0 warning
        overall = overall_of(kinds, _rows([[1.0, 2.0, 3.0, 4.0]] * 3, [0, 1, 2]))
    assert overall.shape == (3, 2, 2)
    np.testing.assert_allclose(overall[0, :, 0], [(0.2 + 4 * 0.8) / 5, (0.6 + 4 * 0.5) / 5])           # arithmetic
    np.testing.assert_allclose(overall[1, :, 0], [np.exp((np.log(0.2) + 4 * np.log(0.8)) / 5),
                                                  np.exp((np.log(0.6) + 4 * np.log(0.5)) / 5)])         # geometric
    np.testing.assert_allclose(overall[2, :, 0], [0.8, 0.6])                                           # weakest link
    assert np.isnan(overall[:, :, 1]).all()


def test_dirichlet_weights_are_normalised_gamma_quantiles():
    """With alpha = 1 the gamma is the unit exponential, whose quantile at 1 − e^(−g) is g: uniforms giving
    g = 1, 2, 3, 4 give weights 0.1 … 0.4; uniforms of 0 and 1 are clipped 1e-12 inside (0, 1)."""
    from ironriver.sovereignty.aggregate import dirichlet_weights

    g = np.array([1.0, 2.0, 3.0, 4.0])
    weights = dirichlet_weights(np.ones(4), np.stack([1 - np.exp(-g), 1 - np.exp(-g[::-1])]))
    np.testing.assert_allclose(weights, [[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]], rtol=1e-9)
    edge = dirichlet_weights(np.ones(2), np.array([[0.0, 1 - np.exp(-1.0)], [1.0, 1 - np.exp(-1.0)]]))
    np.testing.assert_allclose(edge[0, 0], 1e-12, rtol=1e-6)                # quantile of 1e-12, not of 0
    top = -np.log(1e-12)                                                     # quantile of 1 − 1e-12, not infinite
    np.testing.assert_allclose(edge[1], [top / (top + 1), 1 / (top + 1)], rtol=1e-6)
    # alpha enters per kind: alpha = 2 has median 1.678 (scipy's gamma), alpha = 1 has median log 2
    half = dirichlet_weights(np.array([2.0, 1.0]), np.array([[0.5, 0.5]]))
    np.testing.assert_allclose(half[0, 0], 1.6783469900166608 / (1.6783469900166608 + np.log(2)), rtol=1e-9)


def test_drawn_reference_is_log_uniform_or_linear_by_hand():
    """low 1, high 100 at u = 0.5 → 10 (log-uniform); low 0, high 2 → 1 (linear: no log of 0); a NaN range
    keeps the central reference."""
    from ironriver.sovereignty.aggregate import draw_reference

    class Layout:
        concept = np.array([0, 1, 1])
        reference_low = np.array([1.0, 0.0, np.nan])
        reference_high = np.array([100.0, 2.0, 5.0])
        reference = np.array([7.0, 8.0, 9.0])

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")   # the zero low end is handled, not a "divide by zero" warning to the user
        drawn = draw_reference(Layout(), np.array([[0.5, 0.5], [0.0, 1.0], [0.25, 0.75]]))
    np.testing.assert_allclose(drawn, [[10.0, 1.0, 9.0], [1.0, 2.0, 9.0], [100 ** 0.25, 1.5, 9.0]])


def test_normalisation_by_hand_on_one_shared_scale_row_by_row():
    """minmax and rank over both indicators and all years of each row (one scale group), row by row:
    row 0 has values 1, 2, 3 | 4, -, 6 and row 1 has 10, 10, 30 | -, -, 20."""
    from ironriver.sovereignty.aggregate import _normalise

    class Layout:
        scale_group = np.array([0, 0])

    nan = np.nan
    x = np.array([[[1.0, 2.0, 3.0], [4.0, nan, 6.0]], [[10.0, 10.0, 30.0], [nan, nan, 20.0]]])
    minmax = _normalise(x, np.full((2, 2), nan), np.array([1, 1]), Layout())
    np.testing.assert_allclose(minmax, [[[0, 0.2, 0.4], [0.6, nan, 1]], [[0, 0, 1], [nan, nan, 0.5]]])
    rank = _normalise(x, np.full((2, 2), nan), np.array([2, 2]), Layout())
    # row 1: the tied 10s share rank 1.5 of the 4 values present
    np.testing.assert_allclose(rank, [[[0, 0.25, 0.5], [0.75, nan, 1]], [[0.5 / 3, 0.5 / 3, 1], [nan, nan, 2 / 3]]])
    # a constant block has no scale: missing
    assert np.isnan(_normalise(np.full((1, 2, 3), 5.0), np.full((1, 2), nan), np.array([1]), Layout())).all()


def test_a_cells_threat_is_its_indicators_weighted_mean():
    """Indicators 0 and 1 form cell 0 with weights 1 and 3: (1·0.2 + 3·0.6)/4 = 0.5 in year 0; in year 1 only
    indicator 1 has a value (0.4); cell 1's only indicator has none."""
    from ironriver.sovereignty.aggregate import cells_of

    class Layout:
        n = 3
        cells = np.array([0, 0, 1])
        cell_state = np.array([0, 1])

    class Rows:
        indicator_weight = np.array([1.0, 3.0, 1.0])

    threats = np.array([[[0.2, np.nan], [0.6, 0.4], [np.nan, np.nan]]])
    np.testing.assert_allclose(cells_of(threats, Layout(), Rows()), [[[0.5, 0.4], [np.nan, np.nan]]])
