"""Benchmark: cold store build and warm ``ironriver data list``, each against a baseline in the same run.

Baselines: for the build, reading every packaged raw file with pandas (the I/O floor the tidy step
cannot beat); for the warm listing, starting Python and importing ironriver (the floor of any command).
Targets (issue 2): cold build < 10 s, warm ``data list`` < 1 s on 2 cores.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from ironriver.data import manifest, raw


def read_every_raw_file() -> None:
    for resource in manifest()["resources"]:
        if resource.get("profile") == "tabular-data-resource":
            raw(resource["dataset"]).csv(resource["source_path"], encoding=resource["encoding"], low_memory=False)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    home = tempfile.mkdtemp(prefix="ironriver-bench-")
    os.environ["IRONRIVER_HOME"] = home
    from ironriver.store.build import build_store, store_path

    baseline_read = timed(read_every_raw_file)
    cold_build = timed(lambda: build_store(store_path()))
    environment = {**os.environ, "IRONRIVER_HOME": home}
    run = lambda *args: subprocess.run([sys.executable, *args], env=environment, capture_output=True, check=True)
    baseline_import = min(timed(lambda: run("-c", "import ironriver.cli")) for _ in range(3))
    warm_list = min(timed(lambda: run("-m", "ironriver", "data", "list")) for _ in range(3))
    print(f"raw read of all files (baseline): {baseline_read:6.2f} s")
    print(f"cold store build:                 {cold_build:6.2f} s  ratio to raw read {cold_build / baseline_read:5.2f}x  (target < 10 s)")
    print(f"python + import (baseline):       {baseline_import:6.2f} s")
    print(f"warm `ironriver data list`:       {warm_list:6.2f} s  ratio to import {warm_list / baseline_import:5.2f}x  (target < 1 s)")


if __name__ == "__main__":
    main()
