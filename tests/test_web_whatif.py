"""What-if: specifications built from a visitor's choices, written to TOML and read back, and re-aggregation
that agrees with the assessment (these need issue 11's specification engine; they skip without it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis.extra.numpy import arrays

from ironriver.web.whatif import available, specification_of, to_toml

pytestmark = pytest.mark.skipif(not available(), reason="this build has no specification engine (issue 11)")
KNOWN = ["mx_cinc_ratio", "us_cinc_ratio"]


def test_weights_are_normalised_and_exclusions_checked() -> None:
    from ironriver.errors import IronRiverError, UnknownNameError

    spec = specification_of("neutral", {"domestic": 1, "interdependence": 3}, ["mx_cinc_ratio"], "central", KNOWN)
    assert spec.kinds.fixed_weights() == (0.25, 0.75, 0.0, 0.0)
    assert spec.indicators.exclude == ["mx_cinc_ratio"] and spec.reference.choice == "central"
    with pytest.raises(UnknownNameError):
        specification_of("neutrall", None, None, None, KNOWN)
    with pytest.raises(UnknownNameError):
        specification_of("neutral", None, ["mx_nope"], None, KNOWN)
    with pytest.raises(IronRiverError):
        specification_of("neutral", {"domestic": 0.0}, None, None, KNOWN)


@pytest.mark.parametrize("name", ["neutral", "essay", "border_realist"])
def test_toml_reads_back_to_the_same_specification(name: str, tmp_path: Path) -> None:
    from ironriver.sovereignty.specification import Specification

    spec = specification_of(name, {"domestic": 1, "interdependence": 2, "westphalian": 3, "international_legal": 7},
                            ["us_cinc_ratio"], "high", KNOWN)
    path = tmp_path / f"{spec.name}.toml"
    path.write_text(to_toml(spec), encoding="utf-8")
    assert Specification.from_toml(path) == spec


def test_unchanged_neutral_what_if_is_the_assessment() -> None:
    from ironriver.web.app import create_app
    from ironriver.web.settings import Settings
    from ironriver.web.views import run_models

    app = create_app(Settings(warm=False))
    app.state.runs.remember(("models", 0), run_models(0))
    with TestClient(app) as client:
        for years in ("2000:2025", "2006:2012"):
            plain = client.get("/api/assessment", params={"years": years}).json()["verdict"]
            same = client.get("/api/whatif", params={"years": years, "perspective": "neutral"}).json()["verdict"]
            assert same["p_mex_more"] == pytest.approx(plain["p_mex_more"], abs=1e-6)
            assert same["year"] == plain["year"]
        moved = client.get("/api/whatif", params={"w_domestic": 0, "w_interdependence": 100, "w_westphalian": 0,
                                                  "w_international_legal": 0}).json()
        assert moved["specification"] == "neutral-what-if"
        toml = client.get("/api/whatif.toml", params={"w_interdependence": 100})
        assert toml.headers["content-type"].startswith("application/toml") and "interdependence = 1.0" in toml.text


@given(arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 6)),
              elements=st.one_of(st.floats(0, 1), st.just(np.nan))))
@settings(max_examples=200, deadline=None)
def test_vectorised_quantiles_are_numpys(samples: np.ndarray) -> None:
    import warnings

    from ironriver.sovereignty.measures import nan_quantiles

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy warns on all-NaN columns; both give NaN
        expected = np.nanquantile(samples, (0.05, 0.5, 0.95), axis=0)
    np.testing.assert_allclose(nan_quantiles(samples, (0.05, 0.5, 0.95)), expected, rtol=0, atol=1e-12)


def test_quantiles_by_hand() -> None:
    from ironriver.sovereignty.measures import nan_quantiles

    # column 0: 1, 2, 3, 4 → median 2.5, 5% at 1 + 0.15 = 1.15; column 1: only 7 → 7; column 2: nothing → NaN
    samples = np.array([[4, np.nan, np.nan], [1, 7, np.nan], [3, np.nan, np.nan], [2, np.nan, np.nan]])
    low, median, high = nan_quantiles(samples, (0.05, 0.5, 0.95))
    assert low[0] == pytest.approx(1.15) and median[0] == 2.5 and high[0] == pytest.approx(3.85)
    assert low[1] == median[1] == high[1] == 7 and np.isnan(median[2])


@pytest.fixture(scope="module")
def served() -> dict:
    from ironriver.web.views import run_models

    return run_models(0)


def test_the_overall_only_verdict_is_the_full_verdict_on_overall_scores(served: dict) -> None:
    from ironriver.sovereignty.contest import ledger_under
    from ironriver.sovereignty.specification import load_specification
    from ironriver.sovereignty.verdict import verdict
    from ironriver.web.whatif import cut_draws

    spec = specification_of("essay", {"domestic": 1, "interdependence": 5, "westphalian": 2,
                                      "international_legal": 1}, None, None, list(served["draws"].table["id"]))
    for chosen in (load_specification(), spec):
        ledger = ledger_under(cut_draws(served["draws"], 2003, 2019), chosen, seed=0, n_weightings=40)
        full, fast = verdict(ledger), verdict(ledger, by_kind=False)
        assert fast.headline_year == full.headline_year and fast.summary() == full.summary()
        assert fast.comparisons == tuple(c for c in full.comparisons if c.kind == "overall")


def test_scenarios_are_an_allow_list_queued_and_kept_per_scenario(served: dict) -> None:
    from ironriver.web.app import create_app
    from ironriver.web.settings import Settings

    app = create_app(Settings(warm=False, max_runs=1, max_waiting=0, retry_after_s=11))
    app.state.runs.remember(("models", 0), served)
    with TestClient(app) as client:
        names = [s["name"] for s in client.get("/api/scenarios").json()]
        assert "ubc" in names and "inspection_x10" in names
        assert not any(name.startswith("sweep") for name in names)  # sweeps are for `ironriver sweep`
        unknown = client.get("/api/whatif", params={"scenario": "ubcc"})
        assert unknown.status_code == 404 and "ubc" in unknown.json()["error"]
        assert client.get("/api/whatif", params={"scenario": "../ubc"}).status_code == 422
        # the queue is full (one run in flight, none may wait): a scenario not yet run is refused, not started
        app.state.runs._pending[("models", 0, "other")] = asyncio.Future
        busy = client.get("/api/whatif", params={"scenario": "ubc"})
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "11"
        # a finished run is kept per scenario: here the status-quo run stands in for the scenario's own
        app.state.runs.remember(("models", 0, "ubc"), {**served, "scenario": "ubc"})
        result = client.get("/api/whatif", params={"scenario": "ubc", "years": "2004:2016"}).json()
        assert result["scenario"] == "ubc"
        assert result["command"] == "ironriver assess --years 2004:2016 --scenario ubc --spec neutral.toml"
        toml = client.get("/api/whatif.toml", params={"scenario": "ubc", "years": "2004:2016"}).text
        assert f"# reproduce: {result['command']}" in toml
        app.state.runs._pending.clear()


def test_moving_only_kind_weights_reuses_the_kind_stage_and_gives_the_uncached_ledger(served: dict) -> None:
    from ironriver.sovereignty.contest import ledger_under
    from ironriver.sovereignty.verdict import verdict
    from ironriver.web import whatif

    known = list(served["draws"].table["id"])
    for base in ("neutral", "border_realist"):
        for weights in ({"domestic": 1, "interdependence": 1}, {"interdependence": 3, "westphalian": 1}, None):
            spec = specification_of(base, weights, ["us_cinc_ratio"] if base == "neutral" else None, None, known)
            fast = whatif.what_if(served["draws"], spec, 2002, 2021, seed=0, n_weightings=30)
            plain = ledger_under(whatif.cut_draws(served["draws"], 2002, 2021), spec, seed=0, n_weightings=30)
            slow = verdict(plain, by_kind=False)
            assert fast["verdict"]["p_mex_more"] == pytest.approx(slow.headline.p_mex_more, abs=1e-6)
            assert [r["p_mex_more"] for r in fast["by_year"]] == pytest.approx(
                [c.p_mex_more for c in slow.comparisons], abs=1e-6, nan_ok=True)
            assert fast["ledger"] == whatif._cells(plain)
    # one stage per base specification and exclusion, whatever the kind weights
    assert len([k for k in whatif._stages if k[1:3] == (2002, 2021)]) == 2
