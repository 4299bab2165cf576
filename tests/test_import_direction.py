"""Stages flow one way: no module imports (even lazily, inside a function) from a stage to its right.

Order: data → store → evidence → estimate → supply_chain → sovereignty → essay → report → cli / web. The low-level
services (:mod:`ironriver.errors`, :mod:`ironriver.files`, :mod:`ironriver.assumptions`,
:mod:`ironriver.progress`, :mod:`ironriver.plain_words`, :mod:`ironriver.about`) sit below every stage and
import none. The test reads every module's source with :mod:`ast`, so an import inside a function counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ironriver

PACKAGE = Path(ironriver.__file__).parent
LOW = {"errors": 0, "files": 0, "assumptions": 0, "progress": 0, "plain_words": 0, "about": 0}
STAGES = {"data": 1, "store": 2, "evidence": 3, "estimate": 4, "supply_chain": 5, "sovereignty": 6, "essay": 7,
          "report": 8, "cli": 9, "web": 9}
RANK = {**LOW, **STAGES}


def _part(module: str) -> str | None:
    """The stage (or low module) a dotted module name of this package belongs to; None outside the package."""
    parts = module.split(".")
    if parts[0] != "ironriver":
        return None
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every ``ironriver…`` module imported by the file at ``path``, with its line number."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("ironriver", *path.relative_to(root).with_suffix("").parts))
    if path.name == "__init__.py":
        package = package.rsplit(".", 1)[0] + "._"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against this module's package
                base = package.split(".")[:-node.level]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found += [(node.lineno, module)]
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                      if module == "ironriver"]
    return [(line, name) for line, name in found if _part(name) is not None]


def wrong_way_arrows(root: Path = PACKAGE) -> list[str]:
    """``file:line imports module`` for every import that points to a stage right of the importer."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        here = path.relative_to(root).parts[0].removesuffix(".py")
        if here not in RANK:  # the package's own __init__/__main__ re-export the top of the flow
            continue
        for line, module in _imports(path, root):
            there = _part(module)
            if there == "":  # `import ironriver` would reach every stage through the lazy re-exports
                problems.append(f"{path.relative_to(root)}:{line} imports the package root {module}")
            elif there in RANK and RANK[there] > RANK[here]:
                problems.append(f"{path.relative_to(root)}:{line} imports {module}")
    return problems


def test_no_module_imports_from_a_stage_to_its_right() -> None:
    assert wrong_way_arrows() == []


def test_every_stage_folder_is_ranked() -> None:
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert folders | modules <= set(RANK)


@pytest.mark.parametrize(("importer", "statement"), [
    ("report/html.py", "from ironriver.cli._common import atomic_write"),
    ("sovereignty/chain.py", "    import ironriver.web.app"),
    ("estimate/priors.py", "from ironriver.supply_chain import simulate"),
    ("files.py", "from ironriver.store import load"),
    ("store/names.py", "from ..sovereignty import ledger"),
    ("essay/rules.py", "    from ironriver.report.lineage import LINEAGE_ORIGIN"),
    ("sovereignty/verdict.py", "from ironriver.essay import claims"),
])
def test_a_planted_wrong_way_import_is_caught(tmp_path: Path, importer: str, statement: str) -> None:
    target = tmp_path / importer
    target.parent.mkdir(parents=True, exist_ok=True)
    (target.parent / "__init__.py").touch()
    body = f"def f():\n{statement}\n" if statement.startswith(" ") else f"{statement}\n"
    target.write_text(body, encoding="utf-8")
    assert len(wrong_way_arrows(tmp_path)) == 1
