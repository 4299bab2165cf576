"""Determinism: one seed gives one answer — across uncached runs of ``assess``, and whether the spillover
estimate and the simulation run in the background process or inline."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ironriver.sovereignty import chain
from ironriver.sovereignty.worker import portable_calibration, start_worker

TIMING_FIELDS = {"report", "timings", "seconds", "elapsed_seconds"}
"""Fields that may differ between identical runs: where the report went and how long things took."""


def without_timing(value):
    if isinstance(value, dict):
        return {k: without_timing(v) for k, v in value.items() if k not in TIMING_FIELDS}
    if isinstance(value, list):
        return [without_timing(v) for v in value]
    return value


def assess_json(folder: Path, seed: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "ironriver", "assess", "--no-cache", "--json", "--seed", str(seed),
                           "--years", "2012:2024", "--out", "report.html"], cwd=folder, capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "120"}, timeout=1200)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_two_uncached_assess_runs_with_one_seed_give_identical_json(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    a, b = assess_json(first, seed=11), assess_json(second, seed=11)
    assert without_timing(a) == without_timing(b)
    # the comparison is not vacuous: the runs carry the full ledger and verdict
    assert len(a["ledger"]) > 100 and a["verdict"]["p_mex_more"] is not None


def test_background_spillover_equals_the_inline_one() -> None:
    worker = start_worker()
    if worker is None:
        pytest.skip("one core: the chain never runs the spillover in the background")
    try:
        background = worker.submit(chain._entry, chain.SPILLOVER_LABEL, chain.run_spillover, 4).result(timeout=900)
    finally:
        worker.close()
    inline = chain._entry(chain.SPILLOVER_LABEL, chain.run_spillover, 4)
    assert background["missing"] == inline["missing"] == []
    assert background["value"]["summary"] == inline["value"]["summary"]
    np.testing.assert_array_equal(background["value"]["effect_draws"], inline["value"]["effect_draws"])
    assert background["value"]["effect_lineage"] == inline["value"]["effect_lineage"]
    assert len(inline["value"]["effect_draws"]) >= 99


class StandInPosterior:
    """What the simulation reads from an iron-river posterior: flow draws and parameter draws (properties, as on
    the real one), plus a model that must not have to travel to the worker."""

    def __init__(self) -> None:
        rng = np.random.default_rng(5)
        years, n = np.arange(2000, 2026), 40
        self._flow = pd.DataFrame({"draw": np.repeat(np.arange(n), len(years)), "year": np.tile(years, n),
                                   "flow": rng.lognormal(np.log(200_000), 0.3, n * len(years))})
        self._parameters = pd.DataFrame({"draw": np.tile(np.arange(n), 2),
                                         "parameter": ["attrition"] * n + ["us_origin_share"] * n,
                                         "value": np.r_[rng.uniform(0.02, 0.1, n), rng.uniform(0.6, 0.8, n)]})
        self.model = lambda: None                                   # a lambda does not pickle

    @property
    def draws(self) -> pd.DataFrame:
        return self._flow

    @property
    def parameter_draws(self) -> pd.DataFrame:
        return self._parameters


def test_background_simulation_equals_the_inline_one() -> None:
    posterior = StandInPosterior()
    worker = start_worker()
    if worker is None:
        pytest.skip("one core: the chain never runs the simulation in the background")
    try:
        background = worker.submit(chain._entry, chain.SIMULATION_LABEL, chain.run_simulation, None, 3,
                                   portable_calibration(posterior)).result(timeout=900)
    finally:
        worker.close()
    inline = chain._entry(chain.SIMULATION_LABEL, chain.run_simulation, None, 3, posterior)
    assert background["missing"] == inline["missing"] == []
    assert background["value"]["baseline"]["calibration"] == inline["value"]["baseline"]["calibration"]
    assert "iron-river posterior" in inline["value"]["baseline"]["calibration"]
    assert background["value"]["baseline"]["arrived"] == inline["value"]["baseline"]["arrived"] > 0
    pd.testing.assert_frame_equal(background["value"]["baseline"]["sankey"], inline["value"]["baseline"]["sankey"])
