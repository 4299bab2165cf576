"""Benchmark of the iron-river estimate: fit time and ESS of the default method, NUTS time, and agreement.

Run: ``IRONRIVER_HOME=/tmp/ir-bench .venv/bin/python benchmarks/bench_iron_river.py [--seeds 3] [--nuts-seeds 2]
[--long-seeds 1]``

Prints, in one run: the default method's fit time (target < 5 s on 2 cores) and ESS (target ≥ 1,000) for
several seeds, the seed-to-seed spread of the yearly medians and 90% bounds (Monte Carlo error), and — when
NumPyro is installed — the NUTS fit time and the ratio of the default method's yearly medians and 90%
bounds to NUTS's (targets: medians within 5%, 5% and 95% bounds within 10%); the same for the long SMC setting
(``method="smc-long"``, ``ironriver estimate --sampler long``) with its fit time and evaluations. Ratios only, against runs in this same process: no absolute timing
is asserted anywhere in the tests.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the default method")
    parser.add_argument("--nuts-draws", type=int, default=4000)
    parser.add_argument("--nuts-seeds", type=int, default=1,
                        help="NUTS runs; with 2 or more, also prints NUTS against itself (the reference's own Monte "
                             "Carlo error, the floor under any agreement target)")
    parser.add_argument("--long-seeds", type=int, default=1, help="seeds of the long SMC setting (smc-long)")
    args = parser.parse_args()

    from ironriver.estimate._iron_river_nuts import available
    from ironriver.estimate.iron_river import estimate_iron_river, nuts_agreement

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
    started = time.perf_counter()
    nuts = estimate_iron_river(seed=0, method="nuts", draws=args.nuts_draws)
    seconds = time.perf_counter() - started
    d = nuts.diagnostics
    print(f"nuts: {seconds:5.2f} s (sampling {d['nuts_seconds']:.1f} s), min ESS {d['ess']:.0f}, "
          f"R̂ max {d['rhat_max']:.3f}, divergences {d['divergences']}")
    targets = {"median": 0.05, "q05": 0.10, "q95": 0.10}
    for fit in fits:
        agreement = nuts_agreement(fit, nuts)
        print(f"default seed {fit.seed} vs nuts, max over years: " + ", ".join(
            f"{k} {agreement[f'max_{k}_rel_diff']:.1%} (target ≤ {t:.0%})" for k, t in targets.items()))
    for fit in longs:
        agreement = nuts_agreement(fit, nuts)
        print(f"smc-long seed {fit.seed} vs nuts, max over years: " + ", ".join(
            f"{k} {agreement[f'max_{k}_rel_diff']:.1%} (target ≤ {t:.0%})" for k, t in targets.items()))
    for seed in range(1, args.nuts_seeds):
        again = estimate_iron_river(seed=seed, method="nuts", draws=args.nuts_draws)
        floor = nuts_agreement(again, nuts)
        print(f"nuts seed {seed} vs nuts seed 0 (Monte Carlo floor): " + ", ".join(
            f"{k} {floor[f'max_{k}_rel_diff']:.1%}" for k in targets) + f"; R̂ max {again.diagnostics['rhat_max']:.3f}, "
              f"divergences {again.diagnostics['divergences']}")
    ref = nuts.reference()
    print(f"nuts 2010–2012 mean: {ref['median']:,.0f} ({ref['q05']:,.0f}–{ref['q95']:,.0f}); "
          f"time ratio nuts / laplace-is: {seconds / np.mean([f.diagnostics['fit_seconds'] for f in fits]):.1f}×")


if __name__ == "__main__":
    main()
