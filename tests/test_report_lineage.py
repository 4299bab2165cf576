"""Every number in the report's data model carries its lineage; the walker catches any that does not."""

from __future__ import annotations

import copy
import json

import pytest

from ironriver.report.lineage import LineageError, badly_labelled, check_lineage, missing_lineage, numbers_with_lineage


@pytest.fixture(scope="module")
def model() -> dict:
    from ironriver.report import build_model
    from ironriver.sovereignty import assess

    return build_model(assess("2000:2025", seed=0, n_draws=100, n_weightings=20))


def test_every_number_in_the_report_has_lineage(model: dict) -> None:
    numbers = list(numbers_with_lineage(model))
    assert len(numbers) > 2000                       # the walk really visits the ledger, indicators, maps …
    assert missing_lineage(model) == []
    assert badly_labelled(model) == []
    check_lineage(model)


def test_lineage_names_datasets_literature_models_and_assumptions(model: dict) -> None:
    lineages = {lineage for _, _, lineage in numbers_with_lineage(model)}
    text = " ".join(lineages)
    for origin in ("store mx_homicides", "store cow_nmc", "literature cartel_members_mx_2022",
                   "assumption reference_range_quantiles", "timeline", "derived"):
        assert origin in text, origin
    if model["spillover"]["available"]:
        assert "model spillover" in text


def test_the_model_is_plain_json(model: dict) -> None:
    assert json.loads(json.dumps(model, allow_nan=False)) == model


def test_a_number_without_lineage_is_caught(model: dict) -> None:
    broken = copy.deepcopy(model)
    broken["ledger"][3].pop("lineage")
    assert missing_lineage(broken) == [f"$.ledger[3].{k}" for k in ("year", "median", "low90", "high90")]
    with pytest.raises(LineageError, match=r"\$\.ledger\[3\]\.year"):
        check_lineage(broken)


def test_a_number_added_without_lineage_is_caught(model: dict) -> None:
    broken = copy.deepcopy(model)
    broken["verdict"]["extra"] = {"p": 0.97}
    assert missing_lineage(broken) == ["$.verdict.extra.p"]


def test_per_field_lineage_must_cover_each_field() -> None:
    node = {"rows": [{"a": 1, "b": 2.5, "lineage": {"a": "store t"}}]}
    assert missing_lineage(node) == ["$.rows[0].b"]
    assert missing_lineage({"x": [1, 2], "lineage": ""}) == ["$.x[0]", "$.x[1]"]
    assert missing_lineage({"flag": True, "name": "no numbers here"}) == []


def test_lineage_must_name_a_kind_of_origin() -> None:
    assert badly_labelled({"v": 1, "lineage": "from somewhere"}) == ["$.v"]
    assert badly_labelled({"v": 1, "lineage": "literature cinc_usa_2016"}) == []
