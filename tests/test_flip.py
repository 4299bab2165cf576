"""The flip search on hand-built ledgers whose flip points are known analytically."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ironriver.sovereignty.flip import REFERENCE_GRID, flip_analysis
from ironriver.sovereignty.sensitivity import space_of
from ironriver.sovereignty.specification import Specification
from synthetic_draws import make_draws, perspective_draws, two_kind_draws

EQUAL = {"weights": {"domestic": 0.25, "interdependence": 0.25, "westphalian": 0.25, "international_legal": 0.25}}


def _flips(draws, **spec):
    base = Specification.from_dict({"name": "t", "reference": {"choice": "central"}, **spec})
    return flip_analysis(space_of([draws], base, half_lives=[25.0]), n_draws=50)


def test_the_weight_that_flips_two_kinds_is_found_analytically():
    """MEX: domestic 0.8, interdependence 0.2; USA: 0.3 and 0.6. Only these two kinds are compared.

    With interdependence weight t and the other three sharing 1 − t equally, domestic weighs (1 − t)/3; the gap
    [0.5 (1 − t)/3 − 0.4 t] / [t + (1 − t)/3] is zero at t = 0.5 / 1.7 = 0.2941. Mexico leads at t = 0.25.
    """
    result = _flips(two_kind_draws(), kinds=EQUAL)[0]
    assert result.more_threatened == "MEX" and result.p == 1.0
    weight = next(c for c in result.changes if c.input == "weight on interdependence")
    assert weight.operator == ">=" and weight.value == pytest.approx(0.5 / 1.7, abs=1e-3)
    assert weight.default == 0.25 and weight.distance == pytest.approx(0.5 / 1.7 - 0.25, abs=1e-3)
    # domestic's own weight: gap [0.5 t − 0.4 (1 − t)/3] = 0 at t = 0.4/1.9 = 0.2105, below the default
    domestic = next(c for c in result.changes if c.input == "weight on domestic")
    assert domestic.operator == "<=" and domestic.value == pytest.approx(0.4 / 1.9, abs=1e-3)
    # the smallest change is the domestic weight (0.039 from 0.25), then interdependence (0.044)
    assert result.changes[0] is domestic
    assert "weight on domestic ≤ 0.21" in result.sentence()
    # leaving out either domestic indicator leaves interdependence alone: the USA leads
    assert {"us_dom", "mx_dom"} <= {c.target for c in result.changes if c.kind == "exclude"}
    # weakest link across kinds: 0.8 vs 0.6, Mexico still leads; geometric: 0.4 vs 0.42, USA leads
    across = {c.value for c in result.changes if c.kind == "across"}
    assert across == {"geometric"}


def test_a_reference_point_that_flips_is_found_within_its_range():
    """One concept; MEX value 2 (reference 1 fixed), USA value 1 with reference r in [0.25, 4].

    MEX threat 2/3; USA threat 1/(1 + r) exceeds it for r < 0.5: the flip is 'USA reference ≤ 0.5'.
    The scan is log-spaced over [0.25, 4]; it finds the grid value below 0.5 nearest the central 1.
    """
    rows = [{"id": "mx", "state": "MEX", "kind": "domestic", "concept": "c", "reference": 1.0},
            {"id": "us", "state": "USA", "kind": "domestic", "concept": "d", "reference": 1.0,
             "reference_low": 0.25, "reference_high": 4.0}]
    result = _flips(make_draws(rows, np.array([[2.0], [1.0]])), kinds={"weights": {"domestic": 1.0}})[0]
    reference = next(c for c in result.changes if c.kind == "reference")
    assert reference.target == "us" and reference.operator == "<="
    expected = max(v for v in np.geomspace(0.25, 4.0, REFERENCE_GRID) if v < 0.5)
    assert reference.value == pytest.approx(expected, rel=1e-9)
    assert reference.distance == pytest.approx(np.log(1 / expected) / np.log(16), rel=1e-9)
    assert not any(c.kind == "reference" and c.target == "mx" for c in result.changes)   # fixed: no range


def test_no_change_flips_a_verdict_that_holds_under_every_choice():
    rows = [{"id": f"{s}_{k}", "state": s, "kind": k, "concept": k, "reference": 1.0}
            for k in ("domestic", "westphalian") for s in ("MEX", "USA")]
    # each state measured twice on one scale; MEX highest on both kinds in every year, and its rank, min-max
    # and ratio threats dominate: leaving out either MEX indicator removes a kind for both states
    values = np.array([[9.0, 9.5], [0.0, 0.0], [9.0, 9.5], [0.0, 0.0]])
    flips = _flips(make_draws(rows, values), kinds={"concentration": 1.0})
    for flip in flips:
        assert flip.more_threatened == "MEX" and not flip.flips
        assert flip.sentence().endswith("no single change within the stated ranges flips it.")
        assert flip.to_json()["flips"] is False


def test_contest_gathers_every_section_as_json():
    import json

    from ironriver.sovereignty.contest import contest

    draws = perspective_draws()
    result = contest(draws, sobol_base=64, n_specifications=16)
    out = result.to_json_dict()
    json.dumps(out, allow_nan=False)
    assert {p["name"] for p in out["specifications"]} >= {"neutral", "border_realist", "essay", "equal_concepts"}
    assert all(p["file"] == f"specs/{p['name']}.toml" for p in out["specifications"])
    assert [f["year"] for f in out["flip"]] == [2000, 2001, 2002]
    assert all(isinstance(f["change"], str) and isinstance(f["flips"], bool) for f in out["flip"])
    assert {"year", "group", "S1", "ST", "ST_low", "ST_high"} <= set(out["sensitivity"][0])
    assert result.drivers(2000).shape[0] == 3
    # all weight on interdependence gives a different P than the default
    only = Specification.from_dict({"name": "only", "kinds": {"weights": {"interdependence": 1.0}}})
    assert contest(draws, only, sobol_base=64, n_specifications=16).scores.p_mex_more[0] \
        != result.scores.p_mex_more[0]


def test_contest_rebuilds_for_other_half_lives_and_caches_its_result(tmp_path):
    from dataclasses import replace as swap

    from ironriver.sovereignty.contest import contest

    draws = perspective_draws()
    built = []

    def rebuild(half_life: float):
        built.append(half_life)
        return swap(draws, values=draws.values * half_life / 5.0)

    first = contest(draws, rebuild=rebuild, half_lives=(5.0, 2.0, 10.0), sobol_base=64, n_specifications=16,
                    cache_dir=tmp_path)
    assert built == [2.0, 10.0]
    assert "decay (spillover half-life)" in set(first.sensitivity.group)
    again = contest(draws, rebuild=rebuild, half_lives=(5.0, 2.0, 10.0), sobol_base=64, n_specifications=16,
                    cache_dir=tmp_path)
    assert built == [2.0, 10.0]                          # served from the cache: nothing rebuilt
    assert again.to_json_dict() == first.to_json_dict()
    slow = Specification.from_dict({"name": "slow", "decay": {"spillover_half_life_years": 10.0}})
    other = contest(draws, slow, rebuild=rebuild, half_lives=(5.0, 2.0, 10.0), sobol_base=64,
                    n_specifications=16, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("contest-*.pkl"))) == 2
    assert not np.array_equal(other.scores.overall, first.scores.overall)
    # changed indicator draws (new data or a refitted model) miss the cache, on disk and in memory
    changed = swap(draws, values=draws.values * 1.5)
    third = contest(changed, rebuild=rebuild, half_lives=(5.0, 2.0, 10.0), sobol_base=64, n_specifications=16,
                    cache_dir=tmp_path)
    assert len(list(tmp_path.glob("contest-*.pkl"))) == 3
    assert not np.array_equal(third.scores.overall, first.scores.overall)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0.05, 0.95), st.floats(0.05, 0.95))
def test_the_interdependence_weight_threshold_is_where_the_gap_vanishes(a_dom, a_int, b_dom, b_int):
    """Threats a (MEX) and b (USA) on two kinds, fixed weights 1/4: with interdependence weight t and the other
    three kinds at (1 − t)/3 each, the gap is zero at t* = d / (d − e), d = (a_dom − b_dom)/3, e = a_int − b_int."""
    rows = [{"id": f"{s}_{k}", "state": s, "kind": k, "concept": k, "reference": 1.0}
            for k in ("domestic", "interdependence") for s in ("MEX", "USA")]
    to_value = lambda t: t / (1 - t)                   # noqa: E731 - threat t at reference 1
    values = np.array([[to_value(a_dom)], [to_value(b_dom)], [to_value(a_int)], [to_value(b_int)]])
    d, e = (a_dom - b_dom) / 3, a_int - b_int
    assume(abs(d - e) > 1e-3)
    t_star = d / (d - e)
    assume(0.27 < t_star < 0.98 or 0.02 < t_star < 0.23)       # a crossing inside the range, away from 1/4
    result = _flips(make_draws(rows, values), kinds=EQUAL)[0]
    weight = [c for c in result.changes if c.input == "weight on interdependence"]
    assert len(weight) == 1
    assert weight[0].value == pytest.approx(t_star, abs=2e-3)


def test_the_flip_search_in_the_chains_worker_gives_the_contest_computed_in_one_process():
    from ironriver.sovereignty.contest import contest
    from ironriver.sovereignty.worker import start_worker

    draws = perspective_draws()
    inline = contest(draws, sobol_base=64, n_specifications=16)
    worker = start_worker()
    if worker is None:
        pytest.skip("one core: the chain has no worker")
    taken = []

    def submit(function, *args):
        pending = worker.submit(function, *args)
        taken.append(pending)
        return pending

    try:
        worker.submit(int).result(timeout=600)              # warmed up: the flip search is not left queued
        elsewhere = contest(draws, sobol_base=64, n_specifications=16, submit=submit)
    finally:
        worker.close()
    assert len(taken) == 1 and taken[0].done() and not taken[0].cancelled()   # the worker did compute it
    assert elsewhere.to_json_dict() == inline.to_json_dict()
    assert [f.to_json() for f in elsewhere.flips] == [f.to_json() for f in inline.flips]
