"""No silent failure: a model that fails stops ``assess`` loudly (exit 3) unless ``--allow-missing`` is given,
and a failure is never cached — the next run computes the model afresh.

The iron-river and spillover models are replaced by small stand-ins (one that raises, one that returns draws
of the contracted shape), so these tests check the chain's handling of failure, not any estimate. The
command runs in this process (``ironriver.cli.main``) so that the stand-ins are the ones it calls.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ironriver.sovereignty.chain as chain
from ironriver.cli import main
from ironriver.errors import ModelFailedError


class StandInPosterior:
    """Shaped like IronRiverPosterior: ``.draws`` (draw, year, flow) and ``.summary()``."""

    def __init__(self, years: tuple[int, int], seed: int) -> None:
        rng = np.random.default_rng(seed)
        span = np.arange(years[0], years[1] + 1)
        self.draws = pd.DataFrame([(d, y, float(rng.lognormal(np.log(150_000), 0.3)))
                                   for d in range(40) for y in span], columns=["draw", "year", "flow"])

    def summary(self) -> pd.DataFrame:
        return self.draws.groupby("year")["flow"].median().reset_index()


class IronRiver:
    """A stand-in iron-river module that fails until told to work, and counts its fits."""

    def __init__(self) -> None:
        self.broken = True
        self.fits = 0

    def estimate_iron_river(self, years: tuple[int, int], seed: int) -> StandInPosterior:
        self.fits += 1
        if self.broken:
            raise RuntimeError("model exploded")
        return StandInPosterior(years, seed)


@pytest.fixture
def iron_river(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> IronRiver:
    stand_in = IronRiver()
    module = types.ModuleType("ironriver.estimate.iron_river")
    module.estimate_iron_river = stand_in.estimate_iron_river
    monkeypatch.setitem(sys.modules, "ironriver.estimate.iron_river", module)
    effect = np.random.default_rng(0).normal(40.0, 15.0, 500)
    monkeypatch.setattr(chain, "run_spillover", lambda seed: {
        "summary": {"effect_pct": {"estimate": 40.0, "low90": 15.0, "high90": 65.0, "low95": 10.0, "high95": 70.0},
                    "extra_deaths_per_year": {"estimate": 300.0}, "pretrend_p": 0.5,
                    "event_study": [{"year": 2003, "estimate": 0.0, "low95": 0.0, "high95": 0.0}]},
        "effect_draws": effect, "effect_lineage": "posterior draws of effect_pct (stand-in)"})
    monkeypatch.setattr(chain, "start_worker", lambda: None)      # the stand-ins run in this process
    cache = tmp_path / "assess-cache"
    cache.mkdir()
    monkeypatch.setattr(chain, "_cache_path", lambda key: cache / f"{key}.pickle")
    monkeypatch.chdir(tmp_path)
    return stand_in


def run(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["ironriver", "assess", "--years", "2018:2020", "--json", *args])
    with pytest.raises(SystemExit) as stop:
        main()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return int(stop.value.code or 0), captured.out, captured.err


def cached(tmp_path: Path, name: str) -> list[Path]:
    return sorted((tmp_path / "assess-cache").glob(f"{name}-*.pickle"))


def test_a_failing_model_stops_assess_with_exit_3_and_writes_nothing(
        iron_river: IronRiver, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(capsys, monkeypatch, "--out", "report.html")
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ironriver: error:"), err
    assert "iron-river estimate" in lines[0] and "model exploded" in lines[0] and "--allow-missing" in lines[0]
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "report.html").exists()
    assert cached(tmp_path, "iron_river") == []                    # the failure is not cached …
    assert cached(tmp_path, "spillover") != []                     # … the models that worked are


def test_a_failure_is_never_replayed_from_the_cache(
        iron_river: IronRiver, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, monkeypatch, "--out", "report.html")[0] == 3
    assert run(capsys, monkeypatch, "--out", "report.html")[0] == 3
    assert iron_river.fits == 2                                    # the second run tried again
    iron_river.broken = False
    code, out, err = run(capsys, monkeypatch, "--out", "report.html")
    assert code == 0, err
    assert iron_river.fits == 3                                    # a later good run computes afresh …
    payload = json.loads(out)
    assert not any("iron-river" in note for note in payload["not_included"])
    assert len(cached(tmp_path, "iron_river")) == 1
    assert run(capsys, monkeypatch, "--out", "report.html")[0] == 0
    assert iron_river.fits == 3                                    # … and its good result is cached


def test_allow_missing_goes_on_but_says_so(
        iron_river: IronRiver, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run(capsys, monkeypatch, "--out", "report.html", "--allow-missing")
    assert code == 0, err
    assert "warning: not included" in err and "model exploded" in err
    payload = json.loads(out)
    assert any("iron-river" in note and "model exploded" in note for note in payload["not_included"])
    assert (tmp_path / "report.html").exists()
    assert cached(tmp_path, "iron_river") == []


def test_the_python_api_raises_unless_missing_models_are_allowed(iron_river: IronRiver) -> None:
    with pytest.raises(ModelFailedError, match="model exploded"):
        chain.assess("2018:2020", n_draws=20, n_weightings=5, parallel=False)
    result = chain.assess("2018:2020", n_draws=20, n_weightings=5, parallel=False, allow_missing=True)
    assert result.iron_river is None and any("model exploded" in note for note in result.missing)
