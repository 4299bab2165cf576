"""The data stage: raw snapshots of the public record, shipped inside the package, and their manifest.

Every file here was copied byte for byte from a public repository (see ``descr/<dataset>.md``) and is
listed, with its sha256, in the Frictionless manifest ``datapackage.json``. Files are opened through
``importlib.resources`` so they work from an installed wheel; a file whose checksum differs from the
manifest is refused with :class:`~ironriver.errors.ChecksumError`. This module imports nothing from
later stages.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Any

import pandas as pd

from ironriver.errors import ChecksumError, UnknownNameError

__all__ = ["RawDataset", "manifest", "dataset_names", "raw", "describe", "verify", "package_root", "FileCheck",
           "read_table", "TABLE_PATHS"]

TABLE_PATHS: tuple[str, ...] = ("literature/literature.csv", "literature/timeline.csv")
"""The hand-kept tables shipped beside the raw data (cited figures and dated events), under the same manifest
and sha256 checks as the raw files (resources of the manifest's ``literature`` entry)."""


def package_root() -> Traversable:
    """The folder holding ``datapackage.json``, ``raw/`` and ``descr/`` inside the installed package."""
    return files("ironriver.data")


@cache
def manifest() -> dict[str, Any]:
    """The Frictionless Data Package descriptor (``datapackage.json``) as a dict."""
    return json.loads((package_root() / "datapackage.json").read_text(encoding="utf-8"))


def dataset_names() -> list[str]:
    """Names of the packaged datasets, in manifest order."""
    return list(manifest()["datasets"])


def describe(dataset: str) -> str:
    """The dataset's description (its PROVENANCE.md): publisher, source, licence, columns, caveats."""
    _check_dataset(dataset)
    return (package_root() / "descr" / f"{dataset}.md").read_text(encoding="utf-8")


def _check_dataset(dataset: str) -> None:
    if dataset not in manifest()["datasets"]:
        raise UnknownNameError("dataset", dataset, dataset_names())


@dataclass(frozen=True)
class RawDataset:
    """Read access to one dataset's raw files, by their original file names.

    ``root`` is the folder holding the stored files; tests point it at a temporary folder of small
    fixture files. Files stored gzip-compressed (``name.csv.gz``) are opened by their original name.
    With ``checked=True`` (the default for packaged data) each file's sha256 is compared with the
    manifest before it is read.
    """

    name: str
    root: Traversable | Path
    checked: bool = False

    def _stored(self, filename: str) -> tuple[Traversable | Path, bool]:
        plain, packed = self.root / filename, self.root / (filename + ".gz")
        if packed.is_file():
            return packed, True
        if plain.is_file():
            return plain, False
        raise ChecksumError(f"missing data file {self.name}/{filename}: reinstall ironriver")

    def read_bytes(self, filename: str) -> bytes:
        """The file's contents (decompressed), after the checksum check when ``checked``."""
        path, packed = self._stored(filename)
        data = path.read_bytes()
        if self.checked:
            _check_sha256(f"raw/{self.name}/{path.name}", data)
        return gzip.decompress(data) if packed else data

    def open(self, filename: str) -> IO[bytes]:
        """A binary stream over the file's (decompressed) contents."""
        return io.BytesIO(self.read_bytes(filename))

    def csv(self, filename: str, **read_csv_options: Any) -> pd.DataFrame:
        """The file read with :func:`pandas.read_csv` (pass ``encoding=`` for Latin-1 files)."""
        return pd.read_csv(self.open(filename), **read_csv_options)

    def json(self, filename: str) -> Any:
        """The file parsed as JSON."""
        return json.loads(self.read_bytes(filename).decode("utf-8"))


def raw(dataset: str) -> RawDataset:
    """The packaged raw files of ``dataset``, checksum-checked on every read."""
    _check_dataset(dataset)
    return RawDataset(dataset, package_root() / "raw" / dataset, checked=True)


@cache
def _expected_sha256() -> dict[str, str]:
    return {r["path"]: r["sha256"] for r in manifest()["resources"]}


def _check_sha256(path: str, data: bytes) -> None:
    expected = _expected_sha256().get(path)
    actual = hashlib.sha256(data).hexdigest()
    if expected is None:
        raise ChecksumError(f"data file {path} is not in the manifest")
    if actual != expected:
        raise ChecksumError(f"corrupt data file {path}: expected sha256 {expected}, got {actual}")


def read_table(path: str) -> bytes:
    """The bytes of a shipped table (one of :data:`TABLE_PATHS`), refused if its sha256 differs from the manifest."""
    if path not in TABLE_PATHS:
        raise UnknownNameError("shipped table", path, TABLE_PATHS)
    data = package_root().joinpath(*path.split("/")).read_bytes()
    _check_sha256(path, data)
    return data


@dataclass(frozen=True)
class FileCheck:
    """The result of checking one packaged file against the manifest."""

    path: str
    expected_sha256: str
    actual_sha256: str | None  # None: the file is missing

    @property
    def ok(self) -> bool:
        return self.actual_sha256 == self.expected_sha256


def verify() -> Iterator[FileCheck]:
    """Check every packaged file's sha256 against the manifest, one :class:`FileCheck` per file."""
    root = package_root()
    for resource in manifest()["resources"]:
        path = root.joinpath(*resource["path"].split("/"))
        actual = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        yield FileCheck(resource["path"], resource["sha256"], actual)
