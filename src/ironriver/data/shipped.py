"""Files that ship inside the package for users to run or copy: policy scenarios and perspective specs.

``scenarios/`` holds the policy scenarios (TOML) that ``ironriver simulate``, ``compare``, ``sweep`` and
``assess --scenario`` accept; ``specs/`` holds perspective files. Both live inside the installed package, so a
user outside the source checkout can write ``--scenario ubc`` instead of a path. :func:`resolve_shipped` turns
what the user typed (an existing path, a shipped name such as ``ubc``, or ``ubc.toml``) into a path, and
:func:`list_shipped` lists what ships, each with the first sentence of its header comment. This module
imports nothing from later stages.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ironriver.errors import IronRiverError

__all__ = ["SHIPPED_KINDS", "list_shipped", "resolve_shipped", "shipped_folder"]

#: The kinds of shipped file, each a folder of ``ironriver/data`` and the suffixes its files may carry.
SHIPPED_KINDS: dict[str, tuple[str, ...]] = {"scenarios": (".toml",), "specs": (".toml", ".json")}


def shipped_folder(kind: str) -> Path:
    """The folder of shipped files of ``kind`` ('scenarios' or 'specs') inside the installed package."""
    if kind not in SHIPPED_KINDS:
        raise IronRiverError(f"unknown kind of shipped file '{kind}'; choose one of: {', '.join(SHIPPED_KINDS)}")
    return Path(str(files("ironriver.data") / kind))


def _shipped_files(kind: str) -> dict[str, Path]:
    folder = shipped_folder(kind)
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.iterdir())
            if path.suffix in SHIPPED_KINDS[kind] and path.is_file()}


def resolve_shipped(kind: str, name_or_path: str | Path) -> Path:
    """The file a user means by ``name_or_path``: an existing path first, then a shipped name.

    ``ubc``, ``ubc.toml`` and ``./my/ubc.toml`` (if it exists) all resolve; anything else raises an
    :class:`~ironriver.errors.IronRiverError` whose one line lists the shipped names.
    """
    given = Path(name_or_path)
    if given.is_file():
        return given
    shipped = _shipped_files(kind)
    if given.parent == Path(".") or given.parent.name == kind:
        # a bare name, "ubc.toml", or the checkout-relative "scenarios/ubc.toml"
        stem = given.stem if given.suffix in SHIPPED_KINDS[kind] else given.name
        if stem in shipped:
            return shipped[stem]
    singular = kind.rstrip("s")
    names = ", ".join(shipped) or "none"
    raise IronRiverError(f"{singular} file {name_or_path} does not exist and no shipped {singular} has that name "
                         f"(shipped: {names}; see `ironriver {kind} list`)")


def header_comment(path: Path) -> str:
    """The first sentence of the comment block a file opens with ('' when it opens with none)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        text = stripped.lstrip("#").strip()
        if not text and lines:
            break
        if text:
            lines.append(text)
    text = " ".join(lines)
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


def list_shipped(kind: str) -> list[tuple[str, str]]:
    """Every shipped file of ``kind`` as ``(name, first sentence of its header comment)``, sorted by name."""
    return [(name, header_comment(path)) for name, path in _shipped_files(kind).items()]
