"""The Dask back end gives the in-process results exactly: same seed, same numbers, replicate for replicate."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ironriver.supply_chain import prepare_inputs
from ironriver.supply_chain.sweep import Grid, identical, sweep

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as local, distributed.Client(local) as client:
        yield local, client


def test_sweep_on_two_dask_workers_equals_in_process(cluster) -> None:
    _, client = cluster
    frame = pd.DataFrame({"draw": np.arange(25), "year": 2022, "flow": 100_000.0 + 3_000.0 * np.arange(25)})
    grid = Grid.from_dict({"name": "t", "grid": {"levers.southbound_inspection": [1.0, 10.0],
                                                  "levers.universal_background_checks": [False, True]}})
    inputs = prepare_inputs([grid.base, *grid.points], frame)
    local = sweep(grid, replicates=30, seed=17, inputs=inputs, chunk_size=7)
    remote = sweep(grid, replicates=30, seed=17, inputs=inputs, chunk_size=4, client=client)
    assert len(client.scheduler_info()["workers"]) == 2
    assert identical(local.base, remote.base)
    for a, b in zip(local.results, remote.results):
        assert a.scenario == b.scenario and identical(a, b)
    pd.testing.assert_frame_equal(local.table(), remote.table())
    different_seed = sweep(grid, replicates=30, seed=18, inputs=inputs, client=client)
    assert not identical(local.base, different_seed.base)


def test_cli_sweep_on_dask_matches_the_in_process_cli(cluster, tmp_path: Path) -> None:
    local_cluster, _ = cluster
    grid = tmp_path / "grid.toml"
    grid.write_text('name = "cli"\nreplicates = 20\nseed = 5\n[grid]\n"levers.southbound_inspection" = [1, 30]\n')

    def run(*extra: str) -> dict:
        result = subprocess.run([sys.executable, "-m", "ironriver", "sweep", str(grid), "--json",
                                 "--calibration", "literature", *extra], capture_output=True, text=True,
                                env={**os.environ, "COLUMNS": "200"}, timeout=120)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    here, there = run(), run("--dask", local_cluster.scheduler_address)
    assert here["backend"] == "in-process" and there["backend"].startswith("Dask")
    assert here["points"] == there["points"]
    started = run("--workers", "2")                          # the command starts (and stops) its own cluster
    assert started["backend"] == "Dask (2 workers)" and started["points"] == here["points"]
