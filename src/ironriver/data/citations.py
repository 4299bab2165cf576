"""Citations for the packaged datasets and the literature table, as plain text or BibTeX, built from the manifest.

Each dataset is cited twice over: its original publisher (who made the numbers) and the public
repository and commit it was copied from (who made them machine-readable), so a reader can find the
exact bytes ironriver used. BibTeX entries carry the repository ``url`` at that commit and give the data's
coverage in ``note`` (a coverage end is not a publication year). The literature table is cited source by source
(:func:`cite_literature`), each with its quality grade.
"""

from __future__ import annotations

import csv
import io
import re

from ironriver.data import _check_dataset, dataset_names, manifest, read_table
from ironriver.errors import UnknownNameError

__all__ = ["cite", "cite_all", "cite_literature", "LITERATURE"]

LITERATURE = "literature"
"""The name under which the literature and timeline tables are cited (``data cite literature``)."""
FORMATS = ("text", "bibtex")
_URL = re.compile(r"https?://[^\s;,)]+")


def _entry(dataset: str) -> dict[str, str]:
    meta = manifest()["datasets"][dataset]
    repo, commit = meta["source_repository"], meta["source_commit"]
    return {"title": meta["title"], "publisher": meta["publisher"], "repo": repo, "commit": commit,
            "coverage": meta["temporal_coverage"], "licence": meta["licence"]}


def _repository_url(repo: str, commit: str) -> str:
    """The GitHub address of the first repository named in ``repo``, at ``commit`` when there is one repository."""
    first = repo.split(";")[0].strip()
    if "/" not in first:
        return ""
    single = ";" not in repo
    return f"https://github.com/{first}" + (f"/tree/{commit}" if commit and single else "")


def _bibtex_text(text: str) -> str:
    """``text`` safe inside a BibTeX brace-delimited field typeset by LaTeX (braces and specials escaped)."""
    text = text.replace("\\", "/").replace("{", "(").replace("}", ")")
    return re.sub(r"([&%#_$])", r"\\\1", text)


def cite(dataset: str, format: str = "text") -> str:
    """The citation of one dataset (or of every literature source for ``"literature"``), ``"text"`` or ``"bibtex"``."""
    if dataset == LITERATURE:
        return cite_literature(format)
    _check_dataset(dataset)
    entry = _entry(dataset)
    commit = f" @ {entry['commit'][:8]}" if entry["commit"] else ""
    if format == "text":
        return (f"{entry['publisher']}. {entry['title']} ({entry['coverage']}). "
                f"Retrieved from GitHub {entry['repo']}{commit}; packaged in ironriver. Licence: {entry['licence']}")
    if format == "bibtex":
        key = re.sub(r"[^a-z0-9]+", "_", dataset.lower())
        note = _bibtex_text(f"Coverage {entry['coverage']}. GitHub {entry['repo']}{commit}; licence: {entry['licence']}")
        url = _repository_url(entry["repo"], entry["commit"])
        return (f"@misc{{{key},\n  title = {{{_bibtex_text(entry['title'])}}},\n"
                f"  author = {{{{{_bibtex_text(entry['publisher'])}}}}},\n"
                + (f"  url = {{{url}}},\n" if url else "")
                + f"  note = {{{note}}},\n  howpublished = {{ironriver data package}}\n}}")
    raise UnknownNameError("citation format", format, FORMATS)


def _literature_sources() -> list[dict[str, str]]:
    """Each distinct source of the literature and timeline tables, with its grade, key and the ids citing it."""
    sources: dict[str, dict[str, str]] = {}
    for table in ("literature.csv", "timeline.csv"):
        rows = csv.DictReader(io.StringIO(read_table(f"literature/{table}").decode("utf-8")))
        for row in rows:
            entry = sources.setdefault(row["source"], {"source": row["source"], "key": row["id"],
                                                       "quality": row.get("quality", ""), "ids": ""})
            entry["ids"] = f"{entry['ids']}, {row['id']}" if entry["ids"] else row["id"]
    return list(sources.values())


def cite_literature(format: str = "text", ids: set[str] | None = None) -> str:
    """Citations of every source of the literature and timeline tables (or of the rows ``ids``), one per source.

    ``text``: one line per source, with its quality grade (literature rows) and the ids that cite it. ``bibtex``:
    one ``@misc`` per source keyed by the first id citing it, with ``url`` where the citation gives one.
    """
    entries = _literature_sources()
    if ids is not None:
        entries = [e for e in entries if ids & set(e["ids"].split(", "))]
    if format == "text":
        return "\n".join(f"{e['source']}" + (f" [{e['quality']}]" if e["quality"] else "") + f" — {e['ids']}"
                         for e in entries)
    if format == "bibtex":
        blocks = []
        for e in entries:
            url = _URL.search(e["source"])
            note = _bibtex_text(("quality: " + e["quality"] + "; " if e["quality"] else "") + "cited by " + e["ids"])
            blocks.append(f"@misc{{lit_{e['key']},\n  title = {{{_bibtex_text(e['source'])}}},\n"
                          + (f"  url = {{{url.group(0)}}},\n" if url else "")
                          + f"  note = {{{note}}}\n}}")
        return "\n\n".join(blocks)
    raise UnknownNameError("citation format", format, FORMATS)


def cite_all(format: str = "text") -> str:
    """Citations of every packaged dataset, separated by blank lines."""
    return "\n\n".join(cite(name, format) for name in dataset_names())
