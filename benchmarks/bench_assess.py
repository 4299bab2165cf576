"""Benchmark: ``ironriver assess`` cold (fresh cache: store build and every model) and warm (cached models).

Baseline, in the same run: starting Python and importing the CLI (the floor of any command). Each timing is
printed with its ratio to the baseline. Targets (issue 6): cold < 20 s, warm < 5 s on 2 cores. The warm run is
the best of three; the cold run is one run in a fresh ``IRONRIVER_HOME``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_run(args: list[str], home: str, cwd: str) -> float:
    environment = {**os.environ, "IRONRIVER_HOME": home}
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=environment, cwd=cwd, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ironriver-bench-assess-") as home, \
            tempfile.TemporaryDirectory(prefix="ironriver-bench-out-") as work:
        measure(home, work)


def measure(home: str, work: str) -> None:
    command = ["-m", "ironriver", "assess", "--out", str(Path(work) / "report.html")]
    baseline = min(timed_run(["-c", "import ironriver.cli"], home, work) for _ in range(3))
    cold = timed_run(command, home, work)
    warm = min(timed_run(command, home, work) for _ in range(3))
    size = (Path(work) / "report.html").stat().st_size / 1e6
    print(f"cores available:                  {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    print(f"python + import (baseline):       {baseline:6.2f} s")
    print(f"cold `ironriver assess`:          {cold:6.2f} s  ratio to import {cold / baseline:6.1f}x  (target < 20 s)")
    print(f"warm `ironriver assess`:          {warm:6.2f} s  ratio to import {warm / baseline:6.1f}x  (target < 5 s)")
    print(f"report size:                      {size:6.2f} MB")


if __name__ == "__main__":
    main()
