"""The chain runner: model adapters, missing models named, scenario scaling, the cache.

Models are replaced here by small stand-ins with the contracted shapes (draws of made-up flows), so these
tests check the plumbing, not any estimate.
"""

from __future__ import annotations

import sys
import types

import numpy as np
import pandas as pd
import pytest

import ironriver.sovereignty.chain as chain
from ironriver.report import build_model, render
from ironriver.report.lineage import missing_lineage


class FakePosterior:
    """Shaped like IronRiverPosterior: ``.draws`` (draw, year, flow), ``.summary()``, ``.compare_literature()``."""

    def __init__(self, years: tuple[int, int], seed: int) -> None:
        rng = np.random.default_rng(seed)
        span = np.arange(years[0], years[1] + 1)
        self.draws = pd.DataFrame([(d, y, float(rng.lognormal(np.log(150_000), 0.3)))
                                   for d in range(60) for y in span], columns=["draw", "year", "flow"])

    def summary(self) -> pd.DataFrame:
        return self.draws.groupby("year")["flow"].median().reset_index()

    def compare_literature(self) -> pd.DataFrame:
        raise NotImplementedError("not in the stand-in")


@pytest.fixture
def fake_models(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("ironriver.estimate.iron_river")
    module.estimate_iron_river = lambda years, seed: FakePosterior(years, seed)
    monkeypatch.setitem(sys.modules, "ironriver.estimate.iron_river", module)
    effect = np.random.default_rng(0).normal(40.0, 15.0, 500)
    monkeypatch.setattr(chain, "run_spillover", lambda seed: {
        "summary": {"effect_pct": {"estimate": 40.0, "low90": 15.0, "high90": 65.0, "low95": 10.0, "high95": 70.0},
                    "extra_deaths_per_year": {"estimate": 300.0}, "pretrend_p": 0.5,
                    "event_study": [{"year": 2003, "estimate": 0.0, "low95": 0.0, "high95": 0.0},
                                    {"year": 2005, "estimate": 30.0, "low95": 5.0, "high95": 55.0}]},
        "effect_draws": effect, "effect_lineage": "posterior draws of effect_pct (stand-in)"})


def test_chain_runs_with_every_model_and_traces_every_number(fake_models: None) -> None:
    result = chain.assess("2005:2024", seed=1, n_draws=60, n_weightings=10, use_cache=False, parallel=False)
    assert result.iron_river is not None and result.spillover is not None
    draws = result.ledger.draws
    i = draws.index("mx_inflow_per_legal_acquisition")
    observed = np.flatnonzero(draws.status[i] == "observed")
    assert observed.size >= 8 and (draws.values[:, i, observed] > 0).all()
    assert draws.status[i][0] == "missing"                 # 2005: no legal-sales figure within three years
    assert "model iron_river" in draws.lineage[i][observed[0]]
    assert (draws.status[draws.index("mx_spillover_effect")] != "missing").all()
    as_json = result.to_json_dict()
    assert {c["concept"] for c in as_json["concepts"]} >= {"deaths_from_what_crosses", "power_asymmetry"}
    assert {r["id"] for r in as_json["indicators"]} == set(draws.table["id"])
    assert all(r["source"] in ("dataset", "literature", "model", "events") and r["max_years_carried"] <= 3
               for r in as_json["indicators"])
    assert not any("iron-river" in note for note in result.missing)
    model = build_model(result)
    assert model["iron_river"]["available"] and len(model["iron_river"]["series"]) == 20   # the window only
    assert missing_lineage(model) == []
    assert 'id="chart-iron-river"' in render(model)


def test_a_failing_model_is_named_and_the_chain_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(years: tuple[int, int], seed: int) -> None:
        raise RuntimeError("model exploded")

    module = types.ModuleType("ironriver.estimate.iron_river")
    module.estimate_iron_river = broken
    monkeypatch.setitem(sys.modules, "ironriver.estimate.iron_river", module)
    monkeypatch.setattr(chain, "run_spillover", lambda seed: (_ for _ in ()).throw(ImportError("not yet")))
    result = chain.assess("2010:2012", n_draws=20, n_weightings=5, use_cache=False, parallel=False,
                          allow_missing=True)
    assert result.iron_river is None and result.spillover is None
    assert any("failed (RuntimeError: model exploded)" in note for note in result.missing)
    assert any("spillover" in note and "not available yet" in note for note in result.missing)
    model = build_model(result)
    assert not model["iron_river"]["available"] and "model exploded" in model["iron_river"]["note"]
    assert "Not included in this run" in render(model)


def test_scenario_scales_the_inflow_by_the_simulated_change() -> None:
    flows = pd.DataFrame({"draw": [0, 1], "year": [2020, 2020], "guns_per_year": [100.0, 200.0]})
    simulation = {"scenario": {"arrived_change_pct": {"median": -25.0, "low": -30.0, "high": -20.0}}}
    assert list(chain.apply_scenario(flows, simulation)["guns_per_year"]) == [75.0, 150.0]


def test_sankey_links_from_stage_columns() -> None:
    class Result:
        def sankey_table(self, statistic: str = "median") -> pd.DataFrame:
            assert statistic == "mean"
            return pd.DataFrame({"source": ["TX", "TX", "AZ"], "channel": ["straw", "straw", "straw"],
                                 "crossing": ["TX ports", "not crossed", "AZ ports"],
                                 "outcome": ["arrived in Mexico", "seized in the US", "arrived in Mexico"],
                                 "guns_per_year": [10.0, 2.0, 5.0], "low": [1.0, 1.0, 1.0], "high": [2.0, 2.0, 2.0]})

    links = chain.sankey_links(Result())
    first = links[links["source"] == "source: TX"]
    assert list(first["target"]) == ["channel: straw"] and first["value"].iloc[0] == 12.0
    assert chain.arrived(links) == 15.0


def test_model_outputs_are_cached(fake_models: None, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IRONRIVER_HOME", str(tmp_path))
    calls: list[int] = []
    real = chain.run_iron_river
    monkeypatch.setattr(chain, "run_iron_river", lambda seed: calls.append(seed) or real(seed))
    first = chain.assess("2015:2016", seed=2, n_draws=20, n_weightings=5, parallel=False)
    second = chain.assess("2015:2016", seed=2, n_draws=20, n_weightings=5, parallel=False)
    assert calls == [2] and not first.cache_hit and second.cache_hit
    pd.testing.assert_frame_equal(first.iron_river["draws"], second.iron_river["draws"])
    assert first.verdict.table().equals(second.verdict.table())
    chain.assess("2010:2016", seed=2, n_draws=20, n_weightings=5, parallel=False)
    assert calls == [2]                                      # one fit of the whole span serves every window
    chain.assess("2015:2016", seed=3, n_draws=20, n_weightings=5, parallel=False)
    assert calls == [2, 3]                                   # another seed is another entry
