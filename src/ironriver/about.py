"""What this copy of ironriver is and how to cite it: the package version and the hash of its data package.

A result depends on both the code and the bundled data, so the software citation names the version and the
sha256 of ``ironriver/data/datapackage.json`` (the manifest that itself lists the sha256 of every data file):
two runs with the same version and data hash used the same code and the same bytes of data. Datasets and
literature figures are cited separately (``ironriver data cite``). This module imports nothing from later
stages.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed_version
from importlib.resources import files

from ironriver.errors import UnknownNameError

__all__ = ["CITATION_FORMATS", "cite_software", "data_package_sha256", "version"]

TITLE = "ironriver: whose sovereignty does the US–Mexico border threaten?"
AUTHORS = "ironriver developers"
LICENCE = "MIT"
CITATION_FORMATS = ("text", "bibtex")


def version() -> str:
    """The installed package version (PEP 440 string, from the package metadata)."""
    try:
        return installed_version("ironriver")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def data_package_sha256() -> str:
    """sha256 (hex) of the bundled ``datapackage.json``, which lists the checksum of every shipped data file."""
    return hashlib.sha256((files("ironriver.data") / "datapackage.json").read_bytes()).hexdigest()


def cite_software(format: str = "text") -> str:
    """How to cite this copy of ironriver: version and data-package hash, as plain text or a BibTeX entry."""
    digest = data_package_sha256()
    if format == "text":
        return (f"{AUTHORS}. {TITLE} Software, version {version()} ({LICENCE} licence); "
                f"data package sha256 {digest}.")
    if format == "bibtex":
        key = f"ironriver_{version().replace('.', '_')}"
        return (f"@software{{{key},\n"
                f"  author = {{{{{AUTHORS}}}}},\n"
                f"  title = {{{{{TITLE}}}}},\n"
                f"  version = {{{version()}}},\n"
                f"  license = {{{LICENCE}}},\n"
                f"  note = {{data package sha256 {digest}}}\n"
                f"}}")
    raise UnknownNameError("citation format", format, CITATION_FORMATS)
