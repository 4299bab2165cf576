"""Citations for the packaged datasets, as plain text or BibTeX, built from the manifest.

Each dataset is cited twice over: its original publisher (who made the numbers) and the public
repository and commit it was copied from (who made them machine-readable), so a reader can find the
exact bytes ironriver used.
"""

from __future__ import annotations

import re

from ironriver.data import _check_dataset, dataset_names, manifest

__all__ = ["cite", "cite_all"]


def _entry(dataset: str) -> dict[str, str]:
    meta = manifest()["datasets"][dataset]
    repo, commit = meta["source_repository"], meta["source_commit"]
    return {"title": meta["title"], "publisher": meta["publisher"], "repo": repo, "commit": commit,
            "coverage": meta["temporal_coverage"], "licence": meta["licence"]}


def cite(dataset: str, format: str = "text") -> str:
    """The citation of one dataset, ``format`` ``"text"`` or ``"bibtex"``."""
    _check_dataset(dataset)
    entry = _entry(dataset)
    commit = f" @ {entry['commit'][:8]}" if entry["commit"] else ""
    if format == "text":
        return (f"{entry['publisher']}. {entry['title']} ({entry['coverage']}). "
                f"Retrieved from GitHub {entry['repo']}{commit}; packaged in ironriver. Licence: {entry['licence']}")
    if format == "bibtex":
        key = re.sub(r"[^a-z0-9]+", "_", dataset.lower())
        note = f"GitHub {entry['repo']}{commit}; licence: {entry['licence']}".replace("{", "(").replace("}", ")")
        return (f"@misc{{{key},\n  title = {{{entry['title']}}},\n  author = {{{{{entry['publisher']}}}}},\n"
                f"  note = {{{note}}},\n  howpublished = {{ironriver data package}},\n"
                f"  year = {{{entry['coverage'].split('/')[-1][:4]}}}\n}}")
    from ironriver.errors import UnknownNameError

    raise UnknownNameError("citation format", format, ["text", "bibtex"])


def cite_all(format: str = "text") -> str:
    """Citations of every packaged dataset, separated by blank lines."""
    return "\n\n".join(cite(name, format) for name in dataset_names())
