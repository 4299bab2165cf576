"""Benchmark: ``ironriver assess`` cold (fresh cache: store build and every model) and warm (cached models).

Baseline, in the same run: starting Python and importing the CLI (the floor of any command). Each timing is
printed with its ratio to the baseline, and with the CPU seconds (user + system, the command and its worker
processes) it took: on a machine shared with other jobs, wall time stretches with the load and CPU time
much less. Targets (issues 10 and 11): cold < 20 s, warm < 5 s on 2 cores. The warm run is the best of three;
the cold run is one run in a fresh ``IRONRIVER_HOME``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed_run(args: list[str], home: str, cwd: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system of the command and its worker processes) of one run."""
    environment = {**os.environ, "IRONRIVER_HOME": home}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=environment, cwd=cwd, capture_output=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ironriver-bench-assess-") as home, \
            tempfile.TemporaryDirectory(prefix="ironriver-bench-out-") as work:
        measure(home, work)


def measure(home: str, work: str) -> None:
    command = ["-m", "ironriver", "assess", "--out", str(Path(work) / "report.html")]
    baseline = min((timed_run(["-c", "import ironriver.cli"], home, work) for _ in range(3)), key=lambda t: t[0])
    cold = timed_run(command, home, work)
    warm = min((timed_run(command, home, work) for _ in range(3)), key=lambda t: t[0])
    size = (Path(work) / "report.html").stat().st_size / 1e6
    print(f"cores available:                  {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    print(f"python + import (baseline):       {baseline[0]:6.2f} s  cpu {baseline[1]:6.2f} s")
    for name, (wall, cpu), target in (("cold", cold, 20), ("warm", warm, 5)):
        print(f"{name} `ironriver assess`:          {wall:6.2f} s  ratio to import {wall / baseline[0]:6.1f}x  "
              f"cpu {cpu:6.2f} s (ratio {cpu / baseline[1]:5.1f}x)  (target < {target} s)")
    print(f"report size:                      {size:6.2f} MB")


if __name__ == "__main__":
    main()
