"""Calibration sources and what a simulation result offers: tables, summaries, comparisons, the Sankey rows."""

from __future__ import annotations

import json
import sys
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from ironriver.errors import IronRiverError, OutOfRangeError
from ironriver.supply_chain import Calibration, Scenario, prepare_inputs, resolve_calibration, simulate
from ironriver.supply_chain.chain import CHANNELS, SOURCES
from ironriver.store import literature_value


def draws(n: int = 30, years: tuple[int, ...] = (2021, 2022)) -> pd.DataFrame:
    draw = np.repeat(np.arange(n), len(years))
    return pd.DataFrame({"draw": draw, "year": np.tile(years, n),
                         "guns_per_year": 150_000.0 + 1_000.0 * draw})


@lru_cache(maxsize=1)
def inputs():
    return prepare_inputs([Scenario.baseline()], draws())


@lru_cache(maxsize=1)
def baseline():
    return simulate(replicates=50, seed=2, inputs=inputs(), years=(2021, 2022))


# -- calibration --------------------------------------------------------------------------------------------


def test_calibration_reads_flow_and_parameter_draws_of_a_posterior() -> None:
    class Posterior:  # the shape of IronRiverPosterior
        draws = draws(4)
        parameter_draws = pd.DataFrame({"draw": [0, 1, 2, 3] * 2,
                                        "parameter": ["attrition"] * 4 + ["us_origin_share"] * 4,
                                        "value": [0.01, 0.02, 0.03, 0.04, 0.6, 0.65, 0.7, 0.75]})

    calibration = resolve_calibration(Posterior())
    assert calibration.source == "iron-river posterior"
    assert calibration.attrition.tolist() == [0.01, 0.02, 0.03, 0.04]
    assert calibration.us_origin_share.tolist() == [0.6, 0.65, 0.7, 0.75]
    result = simulate(replicates=12, seed=1, calibration=Posterior(), years=(2022,))
    chosen = result.parameters["posterior_draw_id"]
    assert np.allclose(result.parameters["attrition"], 0.01 * (chosen + 1))
    assert np.allclose(result.parameters["us_origin_share"], 0.6 + 0.05 * chosen)


def test_calibration_rejects_incomplete_or_negative_draws() -> None:
    frame = draws(3)
    with pytest.raises(IronRiverError, match="every draw"):
        Calibration.from_frame(frame.iloc[1:])
    with pytest.raises(IronRiverError, match="non-negative"):
        Calibration.from_frame(frame.assign(guns_per_year=-1.0))
    with pytest.raises(IronRiverError, match="draw, year"):
        Calibration.from_frame(frame.drop(columns="draw"))
    with pytest.raises(OutOfRangeError, match="2030"):
        simulate(replicates=2, seed=0, calibration=frame, years=(2030,))


def test_literature_prior_runs_through_the_published_interval() -> None:
    prior = Calibration.literature_prior()
    figure = literature_value("flow_mcdougal_jeg_2010_2012")
    flows = prior.flow[:, 0]
    assert np.median(flows) == pytest.approx(figure.value, rel=1e-3)
    assert np.quantile(flows, 0.025) == pytest.approx(figure.low, rel=0.01)
    assert np.quantile(flows, 0.975) == pytest.approx(figure.high, rel=0.01)
    assert prior.any_year and "flow_mcdougal_jeg_2010_2012" in prior.source


def test_auto_calibration_falls_back_to_the_literature_prior_without_the_estimate(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ironriver.estimate.iron_river", None)  # import fails
    assert resolve_calibration("auto").source.startswith("literature prior")
    with pytest.raises(IronRiverError, match="not available"):
        resolve_calibration("posterior")


# -- result views -------------------------------------------------------------------------------------------


def test_tidy_flows_add_up_to_the_totals() -> None:
    result = baseline()
    flows, totals = result.flows, result.totals()
    by_year = flows[flows["quantity"] == "arrived"].groupby(["replicate", "year"])["guns"].sum()
    assert by_year.to_numpy() == pytest.approx(totals.set_index(["replicate", "year"])["arrived"].to_numpy())
    assert set(flows["channel"].cat.categories) == set(CHANNELS)
    mexico = result.mexico
    traced = mexico[mexico["quantity"] == "traced"].groupby(["replicate", "year"])["guns"].sum()
    assert traced.to_numpy() == pytest.approx(totals.set_index(["replicate", "year"])["traced"].to_numpy())
    assert (totals["traced"] <= totals["recovered"]).all()


def test_summary_by_group_is_consistent_with_the_total() -> None:
    summary = baseline().summary()
    assert set(summary["group"]) == {"total", "channel", "source_state", "corridor"}
    assert set(summary[summary["group"] == "source_state"]["key"]) == set(SOURCES)
    assert (summary["low"] <= summary["median"]).all() and (summary["median"] <= summary["high"]).all()
    share = summary[(summary["group"] == "total") & (summary["quantity"] == "share_of_retail_sales")]
    assert 0 < share["median"].iloc[0] < 0.1  # trafficked guns are a few percent of US retail sales at most


def test_comparing_a_run_with_itself_gives_zero_differences() -> None:
    compared = baseline().compare(baseline())
    assert (compared["difference"] == 0).all() and (compared["difference_low"] == 0).all()
    assert (compared["difference_high"] == 0).all()


def test_comparing_runs_without_common_random_numbers_is_refused() -> None:
    other_seed = simulate(replicates=50, seed=3, inputs=inputs(), years=(2021, 2022))
    with pytest.raises(IronRiverError, match="same seed"):
        other_seed.compare(baseline())
    fewer = simulate(replicates=10, seed=2, inputs=inputs(), years=(2021, 2022))
    with pytest.raises(IronRiverError, match="replicates"):
        fewer.compare(baseline())


def test_sankey_means_add_up_along_the_chain() -> None:
    result = baseline()
    sankey = result.sankey_table(statistic="mean")
    assert list(sankey.columns[:5]) == ["source", "channel", "crossing", "outcome", "guns_per_year"]
    flows = result.flows
    bought = flows[flows["quantity"] == "bought"].groupby(["source_state", "channel"], observed=True)["guns"].sum()
    bought = bought / len(result.replicates) / len(result.years)
    outcomes = sankey.groupby(["source", "channel"])["guns_per_year"].sum()
    for (source, channel), value in bought.items():
        assert outcomes[(source, channel)] == pytest.approx(value)
    crossed = sankey[sankey["crossing"] != "not crossed"]
    assert set(crossed["outcome"]) == {"arrived in Mexico", "seized at the port (southbound inspection)"}
    with pytest.raises(IronRiverError):
        result.sankey_table(statistic="mode")


def test_to_dict_is_json_ready() -> None:
    payload = json.loads(json.dumps(baseline().to_dict()))
    assert payload["years"] == [2021, 2022] and payload["replicates"] == 50
    assert payload["units"]["arrived"] == "guns/year"


def test_bad_arguments_are_one_line_errors() -> None:
    with pytest.raises(OutOfRangeError):
        simulate(replicates=0, inputs=inputs())
    with pytest.raises(OutOfRangeError):
        simulate(replicates=5, seed=-1, inputs=inputs())
    with pytest.raises(IronRiverError, match="calibrate"):
        simulate(replicates=5, calibration=42)


def test_public_api_names_work_however_the_package_was_imported() -> None:
    import ironriver
    import ironriver.supply_chain  # the stage has its own name, so ironriver.simulate stays the function

    result = ironriver.simulate(ironriver.Scenario(levers={"cartel_demand": 0.5}), replicates=3, seed=1,
                                calibration={"draws": draws(5)}, years=(2022,))
    assert result.scenario.active_levers() == {"cartel_demand": 0.5}
    assert result.calibration == "posterior draws (DataFrame)"
    assert ironriver.simulate is ironriver.supply_chain.simulate
