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
        "x__mvn_log_pdf", "x__cholesky_where_possible", "x__mvn_log_pdf_rows", "x__forward_substitution", "x__logit",
        "x_flow_knots", "x_walk_matrix", "x_model_settings", "xǁIronRiverModelǁnatural", "xǁIronRiverModelǁ_parameters",
        "xǁIronRiverModelǁlatent", "xǁIronRiverModelǁflow_and_stock", "xǁIronRiverModelǁ_count_params",
        "xǁIronRiverModelǁ_share_params", "xǁIronRiverModelǁ_cbp_params", "xǁIronRiverModelǁ_nics_expected",
        "xǁIronRiverModelǁterms", "xǁIronRiverModelǁlog_density", "xǁIronRiverModelǁ__call__",
        "xǁIronRiverModelǁsimulate", "xǁIronRiverModelǁvolatility_move", "xǁIronRiverModelǁprior_draws"),
    "ironriver.estimate.spillover.model": ("*",),
    "ironriver.estimate.spillover.inference": ("*",),
    "ironriver.supply_chain.result": ("*",),
    "ironriver.evidence.us_demand": ("*",),
    "ironriver.estimate.spillover.panel": ("*",),
    "ironriver.estimate.spillover.design": ("*",),
    # the count observation model: the moments of traces and seizures the likelihood compares with ATF's figures
    "ironriver.evidence.recoveries": ("x_enforcement_kernel", "x_count_moments", "x__untraced_overflow",
                                      "x_log_normal_approximation"),
}
"""What ``make mutation`` mutates by default: whole modules, and for the four largest the functions that
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


def sampling_sd(killed: int, judged: int, total: int) -> float:
    """Standard deviation (percentage points) of a score measured on ``judged`` of ``total`` mutants drawn at
    random without replacement: the binomial sd √(p(1−p)/n) with the finite-population factor √((N−n)/(N−1)),
    so it is 0 when every mutant ran. p is Laplace's (killed + 1)/(judged + 2), so a sample with every mutant
    killed (or none) still shows its uncertainty instead of a zero sd."""
    if judged == 0:
        return float("nan")
    if total <= 1:
        return 0.0
    p = (killed + 1.0) / (judged + 2.0)
    return 100.0 * math.sqrt(p * (1.0 - p) / judged * max(total - judged, 0) / (total - 1))


def parse_sample(text: str) -> tuple[float, dict[str, float]]:
    """``"0.25"`` or ``"0.25,transforms=1,spillover.panel=0.5"`` → (the default fraction, fraction by module
    suffix); raises ValueError naming the bad part."""
    default, by_module = 1.0, {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.rpartition("=")
        try:
            fraction = float(value)
        except ValueError:
            raise ValueError(f"sample '{part}' is not a fraction (e.g. 0.25 or ledger=0.5)") from None
        if not 0.0 < fraction <= 1.0:
            raise ValueError(f"sample fraction must lie in (0, 1], got {value} in '{part}'")
        if key:
            by_module[key] = fraction
        else:
            default = fraction
    return default, by_module


def fraction_of(module: str, default: float, by_module: dict[str, float]) -> float:
    """The sample fraction of ``module``: the longest matching module suffix given, else the default."""
    keys = [k for k in by_module if module == k or module.endswith("." + k)]
    return by_module[max(keys, key=len)] if keys else default


def selection(mutants: Path, globs: list[str], sample: str, seed: int) -> dict[str, list[str]]:
    """module → the mutant names selected: those in :data:`SCOPE` (and of ``globs``, if any), sampled per
    module by ``sample`` (:func:`parse_sample`) with ``seed``."""
    default, by_module = parse_sample(sample)
    chosen = {}
    for module, names in in_scope_mutants(mutants).items():
        names = [n for n in names if not globs or any(fnmatch.fnmatch(n, g) for g in globs)]
        if names:
            chosen[module] = sample_names(names, fraction_of(module, default, by_module), seed, module)
    return chosen


def read_results(mutants: Path) -> dict[str, dict[str, int | None]]:
    """module → mutant name → mutmut's exit code (None: not run yet)."""
    results = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        module = meta.relative_to(mutants).as_posix().removeprefix("src/").removesuffix(".py.meta").replace("/", ".")
        try:
            results[module] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        except (json.JSONDecodeError, KeyError):   # mutmut is writing it right now: read again
            results[module] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("globs", nargs="*", metavar="GLOB", help="mutant name globs (default: every one in scope)")
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's working folder")
    parser.add_argument("--survivors", action="store_true", help="list surviving and untested mutants")
    parser.add_argument("--target", type=float, default=80.0, help="score every module must reach (percent)")
    parser.add_argument("--default-mutants", action="store_true", help="print the default mutant globs and exit")
    parser.add_argument("--names", action="store_true", help="print the names of the selected mutants and exit")
    parser.add_argument("--pending", action="store_true", help="with --names: only those not judged yet")
    parser.add_argument("--sample", default="1",
                        help="fraction of each module's mutants, e.g. 0.25 or 0.25,transforms=1,ledger=0.5")
    parser.add_argument("--seed", type=int, default=15, help="seed of the sample")
    args = parser.parse_args()
    if args.default_mutants:
        print(" ".join(f"'{name}'" for name in default_mutants()))
        return 0
    if not any(args.mutants.rglob("*.py.meta")):
        print(f"no mutmut results under {args.mutants}/: run `make mutation` first", file=sys.stderr)
        return 2
    try:
        chosen = selection(args.mutants, args.globs, args.sample, args.seed)
    except ValueError as error:
        print(f"mutation_score: {error}", file=sys.stderr)
        return 2
    if not chosen:
        print(f"no mutant under {args.mutants}/ matches {' '.join(args.globs) or 'the scope'}", file=sys.stderr)
        return 2
    results = read_results(args.mutants)
    if args.names:
        print("\n".join(name for module, names in chosen.items() for name in names
                        if not args.pending or results[module].get(name) is None))
        return 0
    header = (f"{'module':<40} {'killed/judged':>13} {'score':>7} {'± sd':>6} {'sample':>13} "
              f"{'survived':>8} {'no test':>7} {'not run':>7}")
    print(header)
    print("-" * len(header))
    below, survivors = [], []
    totals: Counter[str] = Counter()
    for module, names in chosen.items():
        in_scope_total = sum(in_scope(module, name) for name in results[module])
        codes = {name: results[module].get(name) for name in names}
        counts = Counter(classify(code) for code in codes.values())
        totals.update(counts)
        totals["total"] += in_scope_total
        judged = counts["killed"] + counts["survived"] + counts["no test"]
        score = 100.0 * counts["killed"] / judged if judged else float("nan")
        sd = sampling_sd(counts['killed'], judged, in_scope_total)
        sample = f"{judged}/{in_scope_total} {100.0 * judged / in_scope_total:3.0f}%"
        print(f"{module:<40} {counts['killed']:>6}/{judged:<6} {score:>6.1f}% {sd:>5.1f} {sample:>13} "
              f"{counts['survived']:>8} {counts['no test']:>7} {counts['not run']:>7}")
        if judged and score < args.target:
            below.append(module)
        survivors += [(name, classify(code)) for name, code in codes.items()
                      if classify(code) in ("survived", "no test")]
    judged = totals["killed"] + totals["survived"] + totals["no test"]
    print("-" * len(header))
    score = 100.0 * totals["killed"] / judged if judged else float("nan")
    pooled = f"{judged}/{totals['total']}"
    print(f"{'all (pooled)':<40} {totals['killed']:>6}/{judged:<6} {score:>6.1f}% {'':>5} {pooled:>13} "
          f"{totals['survived']:>8} {totals['no test']:>7} {totals['not run']:>7}")
    print(f"score = killed / judged; sample = judged / mutants in scope (seed {args.seed}, fraction {args.sample}); "
          "± sd = the score's sampling sd (binomial at p = (killed+1)/(judged+2), finite-population corrected: 0 when "
          "every mutant ran)")
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
