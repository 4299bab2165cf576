"""Print the mutation score per module after ``mutmut run`` (what ``make mutation`` shows at the end).

Reads the per-file results mutmut keeps under ``mutants/`` and prints, for each mutated module, the mutants
killed, surviving, with no test reaching them, and not yet run. The score counts a mutant that no test reaches
as a survivor: a function no test calls is not protected. With ``--survivors`` it also lists every surviving
or untested mutant by name (``mutmut show NAME`` prints its diff). Exit status 1 if a module scores below
``--target`` (percent).
"""

from __future__ import annotations

import argparse
import json
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"), help="mutmut's working folder")
    parser.add_argument("--survivors", action="store_true", help="list surviving and untested mutants")
    parser.add_argument("--target", type=float, default=80.0, help="score every module must reach (percent)")
    parser.add_argument("--default-mutants", action="store_true", help="print the default mutant globs and exit")
    args = parser.parse_args()
    if args.default_mutants:
        print(" ".join(f"'{name}'" for name in default_mutants()))
        return 0
    metas = sorted(args.mutants.rglob("*.py.meta"))
    if not metas:
        print(f"no mutmut results under {args.mutants}/: run `make mutation` first", file=sys.stderr)
        return 2
    header = f"{'module':<44} {'killed':>7} {'survived':>9} {'no test':>8} {'not run':>8} {'score':>7}"
    print(header)
    print("-" * len(header))
    below, survivors = [], []
    totals: Counter[str] = Counter()
    for meta in metas:
        module = meta.relative_to(args.mutants).as_posix().removeprefix("src/").removesuffix(".py.meta")
        try:
            results = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        except (json.JSONDecodeError, KeyError):   # mutmut is writing it right now
            print(f"{module.replace('/', '.'):<44} (results being written; run again)")
            continue
        dotted = module.replace("/", ".")
        results = {name: code for name, code in results.items() if in_scope(dotted, name)}
        counts = Counter(classify(code) for code in results.values())
        totals.update(counts)
        judged = counts["killed"] + counts["survived"] + counts["no test"]
        score = 100.0 * counts["killed"] / judged if judged else float("nan")
        print(f"{module.replace('/', '.'):<44} {counts['killed']:>7} {counts['survived']:>9} {counts['no test']:>8} "
              f"{counts['not run']:>8} {score:>6.1f}%")
        if judged and score < args.target:
            below.append(module)
        survivors += [(name, classify(code)) for name, code in results.items()
                      if classify(code) in ("survived", "no test")]
    judged = totals["killed"] + totals["survived"] + totals["no test"]
    print("-" * len(header))
    print(f"{'all':<44} {totals['killed']:>7} {totals['survived']:>9} {totals['no test']:>8} {totals['not run']:>8} "
          f"{100.0 * totals['killed'] / judged if judged else float('nan'):>6.1f}%")
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
