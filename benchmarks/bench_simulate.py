"""Benchmark: the supply-chain engine against Mesa and against bare numpy, and Dask 1 vs 2 workers, in one run.

Prints agent-steps per second (buyer-weeks + gun-weeks in transit + stock-agent weeks: what an agent-based model
of the same chain steps) for

* the numpy engine — ``ironriver.supply_chain`` end to end (parameters, levers, kernel, result), 1,000 replicates
  of a national year;
* Mesa — the same plan stepped agent by agent (``mesa_reference.py``; needs ``pip install mesa``);
* two bare-numpy kernels of the same weekly arithmetic, on the same prepared plan:
  (a) with the engine's per-replicate streams (one multinomial per replicate-week) — the engine minus its
      bookkeeping; (b) vectorised across replicates with one generator and sequential binomials — the fastest
      plain numpy, without the per-replicate streams that make results independent of chunking;

and their ratios, then a sweep on a Dask LocalCluster with 1 and with 2 worker processes. Times are the best of
a few runs (the Mesa run: one), and the load average is printed, because a shared machine slows any of them.
Targets (issue 5, 2 cores): ≥ 100× Mesa; ≥ 50 % of the bare-numpy kernel; 1,000 replicates of a national year
< 10 s; ≥ 1.6× from 1 to 2 Dask workers. Run: ``.venv/bin/python benchmarks/bench_simulate.py``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ironriver.supply_chain import Scenario, prepare_inputs, run_scenarios, simulate  # noqa: E402
from ironriver.supply_chain.chain import CELL_TO_SOURCE, N_CELLS, N_ROWS, WEEKS_PER_YEAR  # noqa: E402
from ironriver.supply_chain.levers import resolve_plan  # noqa: E402
from ironriver.supply_chain.parameters import draw_parameters, stream  # noqa: E402


def bare_kernel_streams(plan, seed: int) -> int:
    """(a) The weekly arithmetic with one (purchases, transit) stream pair per replicate; returns arrivals."""
    replicates = plan.volume.shape[0]
    week_of_year = np.arange(WEEKS_PER_YEAR)
    seasonal = plan.seasonal[:, week_of_year].T / WEEKS_PER_YEAR
    arrived = 0
    for r in range(replicates):
        purchases, transit = stream(seed, r, "purchases"), stream(seed, r, "transit")
        bought = purchases.poisson(plan.volume[r, 0] * seasonal)
        held = np.zeros(N_ROWS, dtype=np.int64)
        held[N_CELLS:] = plan.stock0[r]
        probabilities = plan.transitions[r, 0]
        for w in range(WEEKS_PER_YEAR):
            held[:N_CELLS] += bought[w]
            drawn = transit.multinomial(held, probabilities)
            arrived += drawn[:N_CELLS, 2].sum()
            held = drawn[:, 3]
            held[N_CELLS:] += drawn[:N_CELLS, 2] @ CELL_TO_SOURCE
    return int(arrived)


def bare_kernel_vectorised(plan, seed: int) -> int:
    """(b) The same arithmetic vectorised across replicates with a single generator; returns arrivals."""
    rng = np.random.default_rng(seed)
    replicates = plan.volume.shape[0]
    seasonal = plan.seasonal.T / WEEKS_PER_YEAR                                   # (52, 24)
    bought = rng.poisson(plan.volume[:, 0][:, None, :] * seasonal[None])          # (R, 52, 24)
    p = plan.transitions[:, 0]                                                    # (R, 29, 4)
    # sequential binomials give the multinomial: first fate, then the next among the rest, ...
    cond1 = p[..., 1] / (1 - p[..., 0])
    cond2 = p[..., 2] / np.maximum(1 - p[..., 0] - p[..., 1], 1e-300)
    held = np.zeros((replicates, N_ROWS), dtype=np.int64)
    held[:, N_CELLS:] = plan.stock0
    arrived = 0
    for w in range(WEEKS_PER_YEAR):
        held[:, :N_CELLS] += bought[:, w]
        first = rng.binomial(held, p[..., 0])
        rest = held - first
        second = rng.binomial(rest, cond1)
        rest -= second
        third = rng.binomial(rest, np.clip(cond2, 0, 1))
        held = rest - third
        arrived += third[:, :N_CELLS].sum()
        held[:, N_CELLS:] += third[:, :N_CELLS] @ CELL_TO_SOURCE
    return int(arrived)


def timed(action, repeat: int = 1):
    """Best wall time of ``repeat`` runs (the machine may be shared) and the last value."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = action()
        best = min(best, time.perf_counter() - start)
    return best, value


def bench_engine(replicates: int, seed: int):
    inputs = prepare_inputs([Scenario.baseline()], "literature", seed)
    simulate(replicates=20, seed=seed, inputs=inputs)                             # warm caches
    seconds, result = timed(lambda: simulate(replicates=replicates, seed=seed, inputs=inputs), repeat=3)
    params = draw_parameters(inputs, seed, np.arange(replicates))
    plan = resolve_plan(Scenario.baseline().levers, params, inputs, result.years)
    return inputs, result, seconds, plan


def bench_dask(inputs, points: int, replicates: int, seed: int) -> tuple[float, float, float]:
    from distributed import Client, LocalCluster

    grid = [Scenario(name=f"inspection x{k}", levers={"southbound_inspection": float(k)})
            for k in np.linspace(1, 50, points)]
    in_process, _ = timed(lambda: run_scenarios(grid, replicates=replicates, seed=seed, inputs=inputs), repeat=2)
    times = []
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            run_scenarios(grid[:1], replicates=2 * workers, seed=seed, inputs=inputs, client=client, chunk_size=1)
            seconds, _ = timed(lambda: run_scenarios(grid, replicates=replicates, seed=seed, inputs=inputs,
                                                     client=client), repeat=3)
            times.append(seconds)
    return in_process, times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--mesa-weeks", type=int, default=52, help="weeks of the Mesa run (default: a year)")
    parser.add_argument("--dask-points", type=int, default=8)
    parser.add_argument("--dask-replicates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("IRONRIVER_HOME", tempfile.mkdtemp(prefix="ironriver-bench-"))

    print(f"load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    inputs, result, engine_s, plan = bench_engine(args.replicates, args.seed)
    engine_steps = int(result.agent_steps.sum())
    engine_rate = engine_steps / engine_s
    print(f"national year, {args.replicates:,} replicates (calibration: literature prior, year {result.years[0]})")
    print(f"  numpy engine (end to end):        {engine_s:7.2f} s  {engine_rate:14,.0f} agent-steps/s  "
          f"(target < 10 s)")

    a_s, arrived_a = timed(lambda: bare_kernel_streams(plan, args.seed), repeat=3)
    b_s, arrived_b = timed(lambda: bare_kernel_vectorised(plan, args.seed), repeat=3)
    print(f"  bare numpy (a) same streams:      {a_s:7.2f} s  {engine_steps / a_s:14,.0f} agent-steps/s  "
          f"engine at {a_s / engine_s:6.1%} of it (target ≥ 50%)")
    print(f"  bare numpy (b) vectorised, 1 rng: {b_s:7.2f} s  {engine_steps / b_s:14,.0f} agent-steps/s  "
          f"engine at {b_s / engine_s:6.1%} of it")
    mean_engine = result.totals()["arrived"].sum()
    print(f"  arrivals, all replicates: engine {mean_engine:,.0f}; (a) {arrived_a:,}; (b) {arrived_b:,} "
          f"(same model: equal in distribution, not draw for draw except (a))")

    try:
        import mesa

        import mesa_reference
    except ImportError as error:
        print(f"  Mesa: skipped ({error}; pip install mesa)")
    else:
        mesa_s, model = timed(lambda: mesa_reference.run(plan, replicate=0, seed=args.seed, weeks=args.mesa_weeks))
        mesa_rate = model.agent_steps() / mesa_s
        print(f"  Mesa {mesa.__version__} (1 replicate, {args.mesa_weeks} weeks): {mesa_s:7.2f} s  {mesa_rate:14,.0f} "
              f"agent-steps/s  engine ÷ Mesa = {engine_rate / mesa_rate:,.0f}× (target ≥ 100×)")
        if args.mesa_weeks == WEEKS_PER_YEAR:
            engine_zero = result.transit[0, 0].sum(axis=(0, 1))
            print(f"  replicate 0, Mesa vs engine: bought {model.counts[0, :, 0].sum():,} vs {engine_zero[0]:,}; "
                  f"arrived {model.counts[0, :, 3].sum():,} vs {engine_zero[3]:,}; seized "
                  f"{model.counts[0, :, 1:3].sum():,} vs {engine_zero[1:3].sum():,}")

    in_process, one, two = bench_dask(inputs, args.dask_points, args.dask_replicates, args.seed)
    print(f"sweep: {args.dask_points} scenarios × {args.dask_replicates} replicates")
    print(f"  in-process {in_process:6.2f} s;  Dask 1 worker {one:6.2f} s;  2 workers {two:6.2f} s;  "
          f"speed-up 1→2 = {one / two:4.2f}× (target ≥ 1.6×)")
    print(f"load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
