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
    args = parser.parse_args()
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
