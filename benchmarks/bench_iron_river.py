"""Benchmark of the iron-river estimate: fit time and ESS of the default method, NUTS time, and agreement.

Run: ``IRONRIVER_HOME=/tmp/ir-bench .venv/bin/python benchmarks/bench_iron_river.py [--seeds 10] [--long-seeds 3]
[--nuts 11:16000,12:32000] [--final-moves 30,60]``

Prints, in one run: the default method's fit time (target < 5 s on 2 cores) and ESS (target ≥ 1,000) for
several seeds, the seed-to-seed spread of the yearly medians and 90% bounds (Monte Carlo error), and — when
NumPyro is installed — the NUTS fit time and the ratio of the default method's yearly medians and 90%
bounds to NUTS's (targets: medians within 5%, 5% and 95% bounds within 10%) next to what chance alone would give
an exact sampler with as many draws (the floor under those targets); the same for the long SMC setting
(``method="smc-long"``, ``ironriver estimate --sampler long``) with its fit time and evaluations. The NUTS reference
is the pool of the runs given by ``--nuts`` (seed:draws, at most 4,000 draws per chain); the default, seeds 11 and
12 with 4 and 8 chains (about four minutes), is the reference of ``_iron_river_fit.NUTS_REFERENCE``; each run is
also compared with the pool (NUTS's own Monte Carlo error). Ratios only, against runs in this same process: no
absolute timing is asserted anywhere in the tests.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the default method")
    parser.add_argument("--nuts", default="11:16000,12:32000",
                        help="NUTS runs pooled into the reference, as seed:draws pairs")
    parser.add_argument("--long-seeds", type=int, default=1, help="seeds of the long SMC setting (smc-long)")
    parser.add_argument("--final-moves", default="",
                        help="also time the default at other numbers of SMC moves at the target, e.g. 30,60: "
                             "seeds 0–2, each budget in turn, with the ratio of fit times to the first")
    args = parser.parse_args()

    from ironriver.estimate._iron_river_nuts import available
    from ironriver.estimate import _iron_river_fit as budget
    from ironriver.estimate._iron_river_fit import SMC_LONG_PARTICLES, SMC_PARTICLES
    from ironriver.estimate.iron_river import estimate_iron_river, exact_sampler_error, nuts_agreement, pooled

    estimate_iron_river(seed=99, draws=500)  # warm the caches (store, evidence, placebo calibration)
    fits = []
    for seed in range(args.seeds):
        started = time.perf_counter()
        posterior = estimate_iron_river(seed=seed)
        seconds = time.perf_counter() - started
        d = posterior.diagnostics
        fits.append(posterior)
        first = d["attempts"][0]
        print(f"laplace-is seed {seed}: {seconds:5.2f} s (target < 5), path {d['path']}, ESS {d['ess']:,.0f} "
              f"(target ≥ 1000), distinct draws {d.get('n_distinct')}, first rung k̂ {first['khat']:.2f} "
              f"ESS {first['ess']:.0f}, MAP {d['map']['seconds']:.2f} s, "
              f"R̂ across SMC runs {d.get('smc', {}).get('rhat', float('nan')):.4f} (limit 1.01), "
              f"{d.get('smc', {}).get('evaluations', 0):,} SMC log-density evaluations")
    summaries = [f.summary().set_index("year") for f in fits]
    for column in ("median", "q05", "q95"):
        stack = np.array([s[column].to_numpy() for s in summaries])
        spread = (stack.max(axis=0) / stack.min(axis=0) - 1).max()
        print(f"seed-to-seed spread of yearly {column}: max {spread:.1%}")
    if args.final_moves:
        moves = [int(m) for m in args.final_moves.split(",")]
        configured, seconds_by_moves = budget.SMC_FINAL_MOVES, {m: [] for m in moves}
        for seed in range(3):
            for m in moves:  # interleaved, so that a change in the machine's load falls on every budget alike
                budget.SMC_FINAL_MOVES = m
                started = time.perf_counter()
                estimate_iron_river(seed=seed)
                seconds_by_moves[m].append(time.perf_counter() - started)
        budget.SMC_FINAL_MOVES = configured
        base = np.mean(seconds_by_moves[moves[0]])
        print("fit time by moves at the target (seeds 0–2): " + ", ".join(
            f"{m}: {np.mean(t):.2f} s ({np.mean(t) / base:.2f}×)" for m, t in seconds_by_moves.items()))
    longs = []
    for seed in range(args.long_seeds):
        posterior = estimate_iron_river(seed=seed, method="smc-long")
        d = posterior.diagnostics
        longs.append(posterior)
        smc = d.get("smc", {})
        print(f"smc-long seed {seed}: fit {d['fit_seconds']:5.1f} s, path {d['path']}, {smc.get('evaluations', 0):,} "
              f"SMC log-density evaluations, R̂ across SMC runs {smc.get('rhat', float('nan')):.4f} (limit 1.01), "
              f"ESS {d['ess']:,.0f}")
    refs = [f.reference() for f in fits]
    print("2010–2012 mean by seed: " + "; ".join(
        f"{r['median']:,.0f} ({r['q05']:,.0f}–{r['q95']:,.0f})" for r in refs))

    if not available():
        print("NUTS: numpyro not installed (pip install ironriver[nuts]); agreement not measured")
        return
    runs = []
    for pair in args.nuts.split(","):
        seed, draws = (int(x) for x in pair.split(":"))
        started = time.perf_counter()
        run = estimate_iron_river(seed=seed, method="nuts", draws=draws)
        seconds = time.perf_counter() - started
        d = run.diagnostics
        runs.append(run)
        print(f"nuts seed {seed}: {seconds:5.2f} s, {d['chains']} chains × {d['n_draws'] // d['chains']:,}, min ESS "
              f"{d['ess']:.0f}, R̂ max {d['rhat_max']:.3f}, divergences {d['divergences']}")
    nuts = pooled(runs)
    nuts.diagnostics["fit_seconds"] = seconds
    targets = {"median": 0.05, "q05": 0.10, "q95": 0.10}

    def against_nuts(label: str, posterior) -> None:  # type: ignore[no-untyped-def]
        agreement = nuts_agreement(posterior, nuts)
        print(f"{label} vs nuts, max over years: " + ", ".join(
            f"{k} {agreement[f'max_{k}_rel_diff']:.1%} (target ≤ {t:.0%})" for k, t in targets.items()))

    for label, particles in (("default", SMC_PARTICLES), ("smc-long", SMC_LONG_PARTICLES)):
        floor = exact_sampler_error(nuts, particles)
        print(f"chance alone: an exact sampler with the {label}'s {particles:,} draws vs this nuts, max over years "
              "(median over repeats / 90th percentile): " + ", ".join(
                  f"{k} {floor[k]['median']:.1%} / {floor[k]['q90']:.1%}" for k in targets))
    for fit in fits:
        against_nuts(f"default seed {fit.seed}", fit)
    if len(fits) > 1:
        against_nuts(f"default seeds 0–{len(fits) - 1} pooled (the sampler's bias, chance averaged away)", pooled(fits))
    for fit in longs:
        against_nuts(f"smc-long seed {fit.seed}", fit)
    for run in runs:
        against_nuts(f"nuts seed {run.seed} (NUTS's own Monte Carlo error against the pool)", run)
    ref = nuts.reference()
    print(f"nuts 2010–2012 mean: {ref['median']:,.0f} ({ref['q05']:,.0f}–{ref['q95']:,.0f}); time ratio of the last "
          f"nuts run / laplace-is: {seconds / np.mean([f.diagnostics['fit_seconds'] for f in fits]):.1f}×")


if __name__ == "__main__":
    main()
