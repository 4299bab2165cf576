"""Choose the mutants ``make mutation`` runs (all, or a seeded random sample) and print the score per module.

Reads the per-file results mutmut keeps under ``mutants/`` and prints, for each mutated module, the mutants
killed out of those judged (killed, surviving, or with no test reaching them), the score, the fraction of the
module's mutants judged so far (the sample) and the score's sampling standard deviation. The score counts a
mutant that no test reaches as a survivor: a function no test calls is not protected. With ``--survivors`` it
also lists every surviving or untested mutant by name (``mutmut show NAME`` prints its diff). Exit status 1 if
a module scores below ``--target`` (percent).

``--names`` prints the mutant names to run instead: every mutant in :data:`SCOPE` (or of the globs given), or
with ``--sample F`` a random fraction F of each module's, drawn with ``--seed`` (the same seed and a larger F
give a superset, so a sample can be grown without re-running what already ran).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

SCOPE: dict[str, tuple[str, ...]] = {
    # module → the functions whose mutants ``make mutation`` runs ("*": every one); see docs/mutation.md
    "ironriver.sovereignty.ledger": ("*",),
    "ironriver.sovereignty.verdict": ("*",),
    "ironriver.sovereignty.transforms": ("*",),
    "ironriver.sovereignty.measures": ("*",),
    "ironriver.sovereignty.aggregate": ("x__combine", "x__normalise", "x_carried_runs", "x_cells_of", "x_kind_of",
                                        "x_overall_of", "x_threats_of", "x_compare_overall", "x_dirichlet_weights",
                                        "x_draw_reference"),
    "ironriver.sovereignty.indicators": ("x_illicit_guns_per_soldier",),   # the illicit-stock chain
    "ironriver.estimate._iron_river_model": (
        "x__mvn_log_pdf", "x__logit", "x_flow_knots", "x_walk_matrix", "x_model_settings",
        "xǁIronRiverModelǁnatural", "xǁIronRiverModelǁlatent", "xǁIronRiverModelǁ_count_params",
        "xǁIronRiverModelǁ_share_params", "xǁIronRiverModelǁ_cbp_params", "xǁIronRiverModelǁ_nics_expected",
        "xǁIronRiverModelǁterms", "xǁIronRiverModelǁlog_density", "xǁIronRiverModelǁ__call__",
        "xǁIronRiverModelǁsimulate", "xǁIronRiverModelǁvolatility_move", "xǁIronRiverModelǁprior_draws"),
    "ironriver.estimate.spillover.model": ("*",),
    "ironriver.estimate.spillover.inference": ("*",),
    "ironriver.supply_chain.result": ("*",),
    "ironriver.evidence.us_demand": ("*",),
    "ironriver.estimate.spillover.panel": ("*",),
    "ironriver.estimate.spillover.design": ("*",),
}
"""What ``make mutation`` mutates by default: whole modules, and for the three largest the functions that
compute the named numbers (the rest of those modules reads files and formats tables)."""


def in_scope(module: str, name: str) -> bool:
    """Whether mutant ``name`` of ``module`` is one :data:`SCOPE` runs (and the score counts)."""
    functions = SCOPE.get(module, ("*",))
    return functions == ("*",) or name.removeprefix(module + ".").rsplit("__mutmut_", 1)[0] in functions


def default_mutants() -> list[str]:
    """mutmut name globs for :data:`SCOPE`."""
    return [f"{module}.*" if functions == ("*",) else f"{module}.{function}__mutmut_*"
            for module, functions in SCOPE.items() for function in functions]


KILLED_CODES = {1, 3, 36, 24, -24, 152, 255, 37}   # a failing test, a pytest error, a timeout, the type checker
SURVIVED_CODES = {0}
UNTESTED_CODES = {5, 33}


def classify(code: int | None) -> str:
    if code is None:
        return "not run"
    if code in KILLED_CODES:
        return "killed"
    if code in SURVIVED_CODES:
        return "survived"
    if code in UNTESTED_CODES:
        return "no test"
    return "other"


def in_scope_mutants(mutants: Path) -> dict[str, list[str]]:
    """module → the names of its generated mutants that :data:`SCOPE` runs, read from mutmut's result files."""
    found: dict[str, list[str]] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        module = meta.relative_to(mutants).as_posix().removeprefix("src/").removesuffix(".py.meta").replace("/", ".")
        names = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        found[module] = sorted(name for name in names if in_scope(module, name))
    return found


def sample_names(names: list[str], fraction: float, seed: int, module: str) -> list[str]:
    """A seeded random ``fraction`` of ``names`` (at least one): shuffled by a generator seeded with ``seed`` and
    the module's name, so each module's sample is independent of the others and a larger fraction with the same
    seed extends a smaller one."""
    if fraction >= 1.0:
        return list(names)
    order = sorted(names)
    random.Random(f"{seed}:{module}").shuffle(order)
    return sorted(order[:max(1, math.ceil(fraction * len(order)))])


def sampling_sd(score: float, judged: int, total: int) -> float:
    """Standard deviation (percentage points) of a score measured on ``judged`` of ``total`` mutants drawn at
    random without replacement: the binomial sd √(p(1−p)/n) with the finite-population factor √((N−n)/(N−1)),
    so it is 0 when every mutant ran."""
    if judged == 0 or total <= 1:
        return float("nan") if judged == 0 else 0.0
    p = score / 100.0
    return 100.0 * math.sqrt(p * (1.0 - p) / judged * max(total - judged, 0) / (total - 1))


def print_names(mutants: Path, globs: list[str], fraction: float, seed: int) -> int:
    """Print the mutant names to run, one argument per line (see the module's docstring)."""
    chosen = []
    for module, names in in_scope_mutants(mutants).items():
        names = [n for n in names if not globs or any(fnmatch.fnmatch(n, g) for g in globs)]
        chosen += sample_names(names, fraction, seed, module) if names else []
    if not chosen:
        print(f"no mutant under {mutants}/ matches {' '.join(globs) or 'the scope'}", file=sys.stderr)
        return 2
    print("\n".join(chosen))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's working folder")
    parser.add_argument("--survivors", action="store_true", help="list surviving and untested mutants")
    parser.add_argument("--target", type=float, default=80.0, help="score every module must reach (percent)")
    parser.add_argument("--default-mutants", action="store_true", help="print the default mutant globs and exit")
    parser.add_argument("--names", nargs="*", metavar="GLOB", default=None,
                        help="print the names of the mutants to run (of these globs; default every one in scope)")
    parser.add_argument("--sample", type=float, default=1.0, help="with --names: fraction of each module's mutants")
    parser.add_argument("--seed", type=int, default=15, help="with --names --sample: the sample's seed")
    args = parser.parse_args()
    if not 0.0 < args.sample <= 1.0:
        print(f"--sample must be a fraction in (0, 1], got {args.sample}", file=sys.stderr)
        return 2
    if args.default_mutants:
        print(" ".join(f"'{name}'" for name in default_mutants()))
        return 0
    metas = sorted(args.mutants.rglob("*.py.meta"))
    if not metas:
        print(f"no mutmut results under {args.mutants}/: run `make mutation` first", file=sys.stderr)
        return 2
    if args.names is not None:
        return print_names(args.mutants, args.names, args.sample, args.seed)
    header = (f"{'module':<40} {'killed/judged':>13} {'score':>7} {'± sd':>6} {'sample':>13} "
              f"{'survived':>8} {'no test':>7}")
    print(header)
    print("-" * len(header))
    below, survivors = [], []
    totals: Counter[str] = Counter()
    for meta in metas:
        module = meta.relative_to(args.mutants).as_posix().removeprefix("src/").removesuffix(".py.meta")
        try:
            results = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        except (json.JSONDecodeError, KeyError):   # mutmut is writing it right now
            print(f"{module.replace('/', '.'):<40} (results being written; run again)")
            continue
        dotted = module.replace("/", ".")
        results = {name: code for name, code in results.items() if in_scope(dotted, name)}
        counts = Counter(classify(code) for code in results.values())
        totals.update(counts)
        totals["total"] += len(results)
        judged = counts["killed"] + counts["survived"] + counts["no test"]
        score = 100.0 * counts["killed"] / judged if judged else float("nan")
        sd = sampling_sd(score, judged, len(results))
        sample = f"{judged}/{len(results)} {100.0 * judged / len(results):3.0f}%" if results else "0/0"
        print(f"{dotted:<40} {counts['killed']:>6}/{judged:<6} {score:>6.1f}% {sd:>5.1f} {sample:>13} "
              f"{counts['survived']:>8} {counts['no test']:>7}")
        if judged and score < args.target:
            below.append(dotted)
        survivors += [(name, classify(code)) for name, code in results.items()
                      if classify(code) in ("survived", "no test")]
    judged = totals["killed"] + totals["survived"] + totals["no test"]
    print("-" * len(header))
    score = 100.0 * totals["killed"] / judged if judged else float("nan")
    pooled = f"{judged}/{totals['total']}"
    print(f"{'all (pooled)':<40} {totals['killed']:>6}/{judged:<6} {score:>6.1f}% {'':>5} {pooled:>13} "
          f"{totals['survived']:>8} {totals['no test']:>7}")
    print("score = killed / judged; sample = mutants judged / mutants in scope; ± sd = the score's sampling sd "
          "(binomial, finite-population corrected; 0 when every mutant ran)")
    if args.survivors:
        print()
        for name, status in sorted(survivors):
            print(f"{status:>8}  {name}")
    if below:
        print(f"\nbelow the {args.target:.0f}% target: {', '.join(below)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
