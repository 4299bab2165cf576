"""Benchmark: the contestable verdict — perspectives, specification uncertainty, Sobol and flips — and ``assess``.

Two parts. (1) In process, on the indicator draws of one ``assess`` run: the time of each analysis on cached
draws (no refit), with the number of re-aggregations each makes. (2) End to end: ``ironriver assess --json``
cold (fresh ``IRONRIVER_HOME``) and warm (best of three), and ``--spec specs/essay.toml`` warm, with the
baseline of starting Python and importing the CLI. Targets (issue 11): cold < 25 s, warm < 5 s on 2 cores.
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


def in_process(home: str) -> None:
    """Time each analysis on the draws of one assess run (the models come from the cache of ``home``)."""
    os.environ["IRONRIVER_HOME"] = home
    from ironriver.sovereignty.chain import assess
    from ironriver.sovereignty.contest import SOBOL_BASE
    from ironriver.sovereignty.flip import flip_analysis
    from ironriver.sovereignty.sensitivity import GROUPS, sobol_analysis, space_of, specification_uncertainty
    from ironriver.sovereignty.specification import load_specification, shipped_specifications
    from ironriver.sovereignty.aggregate import aggregate

    draws = assess(contest=False).ledger.draws
    spec = load_specification()
    space = space_of([draws], spec, [float("nan")])
    n_draws = draws.values.shape[0]
    timings = []
    start = time.perf_counter()
    for path in shipped_specifications().values():
        aggregate(draws, load_specification(path), 0)
    timings.append(("every shipped perspective", time.perf_counter() - start, len(shipped_specifications()) * n_draws))
    start = time.perf_counter()
    specification_uncertainty(space)
    timings.append(("specification uncertainty (128 × 32)", time.perf_counter() - start, 128 * 32))
    start = time.perf_counter()
    sobol_analysis(space, n_base=SOBOL_BASE)
    timings.append(("Sobol indices, every year", time.perf_counter() - start, SOBOL_BASE * (len(GROUPS(space)) + 2)))
    start = time.perf_counter()
    flip_analysis(space)
    timings.append(("flip search, every year", time.perf_counter() - start, n_draws))
    for name, seconds, rows in timings:
        print(f"{name:<40} {seconds:6.2f} s  ({rows:,} re-aggregations of {n_draws} cached draws' rows)")


def end_to_end(home: str, work: str) -> None:
    out = str(Path(work) / "report.html")
    command = ["-m", "ironriver", "assess", "--json", "--out", out]
    baseline = min(timed_run(["-c", "import ironriver.cli"], home, work) for _ in range(3))
    cold = timed_run(command, home, work)
    warm = min(timed_run(command, home, work) for _ in range(3))
    essay = ["-m", "ironriver", "assess", "--json", "--spec", "essay", "--out", out]
    timed_run(essay, home, work)
    essay_warm = min(timed_run(essay, home, work) for _ in range(2))
    print(f"cores available:                  {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    print(f"python + import (baseline):       {baseline:6.2f} s")
    print(f"cold `assess --json`:             {cold:6.2f} s  ratio to import {cold / baseline:6.1f}x  (target < 25 s)")
    print(f"warm `assess --json`:             {warm:6.2f} s  ratio to import {warm / baseline:6.1f}x  (target < 5 s)")
    print(f"warm `assess --json --spec essay`: {essay_warm:5.2f} s  (target < 5 s)")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ironriver-bench-verdict-") as home, \
            tempfile.TemporaryDirectory(prefix="ironriver-bench-out-") as work:
        end_to_end(home, work)
        in_process(home)


if __name__ == "__main__":
    main()
