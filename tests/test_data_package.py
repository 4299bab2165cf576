"""The data package: checksums, the Frictionless manifest, provenance files, and refusal of bad files."""

from __future__ import annotations

import copy
import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ironriver.data import (TABLE_PATHS, RawDataset, dataset_names, describe, manifest, package_root, raw, read_table,
                            verify)
from ironriver.data.citations import cite, cite_all
from ironriver.data.validation import validate_manifest, validate_resource_data
from ironriver.errors import ChecksumError, UnknownNameError

from conftest import SHARED_DATA


def test_every_packaged_file_matches_its_sha256() -> None:
    checks = list(verify())
    assert len(checks) == len(manifest()["resources"]) > 40
    assert [c.path for c in checks if not c.ok] == []


def test_manifest_is_a_valid_frictionless_data_package() -> None:
    assert validate_manifest() == []


def test_manifest_validator_catches_a_broken_descriptor() -> None:
    broken = copy.deepcopy(manifest())
    broken["datasets"]["us_population"]["licence"] = ""
    broken["resources"][0]["sha256"] = "abc"
    broken["resources"][1]["schema"]["fields"][0]["type"] = "banana"
    problems = validate_manifest(broken)
    assert any("us_population: missing licence" in p for p in problems)
    assert any("missing sha256" in p for p in problems)
    assert any("banana" in p for p in problems)


@pytest.mark.parametrize("resource", [r["name"] for r in manifest()["resources"]
                                      if r.get("profile") == "tabular-data-resource"])
def test_every_tabular_resource_matches_its_schema(resource: str) -> None:
    assert validate_resource_data(resource) == []


def test_every_dataset_has_its_provenance_with_caveats() -> None:
    for name in dataset_names():
        text = describe(name)
        assert "commit" in text.lower(), f"{name}: description does not name the source commit"
        assert "aveat" in text, f"{name}: description lacks its caveats"
        meta = manifest()["datasets"][name]
        assert meta["source_repository"] and meta["licence"] and meta["temporal_coverage"]


def test_fields_carry_types_and_units() -> None:
    for resource in manifest()["resources"]:
        for field in resource.get("schema", {}).get("fields", []):
            assert field["type"] in {"integer", "number", "string", "boolean"}
            assert field["unit"], (resource["name"], field["name"])


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the shared data folder is not beside this checkout")
def test_packaged_bytes_equal_the_shared_originals() -> None:
    for resource in [r for r in manifest()["resources"] if r["dataset"] in dataset_names()]:
        original = SHARED_DATA / resource["dataset"] / resource["source_path"]
        assert raw(resource["dataset"]).read_bytes(resource["source_path"]) == original.read_bytes()


def _copy_dataset(tmp_path: Path, dataset: str) -> Path:
    source = package_root() / "raw" / dataset
    target = tmp_path / dataset
    target.mkdir()
    for item in source.iterdir():
        (target / item.name).write_bytes(item.read_bytes())
    return target


def test_a_corrupted_file_is_refused_with_both_checksums(tmp_path: Path) -> None:
    folder = _copy_dataset(tmp_path, "us_population")
    path = folder / "nst-est2016-alldata.csv"
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ChecksumError) as caught:
        RawDataset("us_population", folder, checked=True).csv("nst-est2016-alldata.csv")
    message = str(caught.value)
    expected = next(r["sha256"] for r in manifest()["resources"] if r["source_path"] == "nst-est2016-alldata.csv")
    assert "nst-est2016-alldata.csv" in message and expected in message and "\n" not in message


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    folder = _copy_dataset(tmp_path, "us_population")
    (folder / "nst-est2016-alldata.csv").unlink()
    with pytest.raises(ChecksumError, match="missing data file"):
        RawDataset("us_population", folder, checked=True).read_bytes("nst-est2016-alldata.csv")


def test_gzipped_files_open_by_their_original_name() -> None:
    frame = raw("nics_firearm_background_checks").csv("nics-firearm-background-checks.csv")
    assert frame.shape == (16445, 27)


def test_unknown_dataset_names_the_closest_matches() -> None:
    with pytest.raises(UnknownNameError) as caught:
        raw("nics_firearm_checks")
    assert "nics_firearm_background_checks" in str(caught.value)


def test_citations_name_publisher_and_commit() -> None:
    text = cite("nics_firearm_background_checks")
    assert "BuzzFeedNews/nics-firearm-background-checks" in text and "21a1435b" in text
    bib = cite("cow_peacesciencer", "bibtex")
    assert bib.startswith("@misc{cow_peacesciencer,") and bib.count("{") == bib.count("}")
    nics = cite("nics_firearm_background_checks", "bibtex")
    assert "url = {https://github.com/BuzzFeedNews/nics-firearm-background-checks/tree/21a1435b" in nics
    assert "year =" not in cite_all("bibtex") and "Coverage 1998-11/2023-09" in nics
    assert cite_all().count("\n\n") == len(dataset_names()) - 1
    with pytest.raises(UnknownNameError):
        cite("us_population", "apa")


def _copy_package(tmp_path: Path) -> Path:
    """The manifest, descriptions and every file listed (raw data, literature, timeline) copied to ``tmp_path/pkg``."""
    root = tmp_path / "pkg"
    (root / "descr").mkdir(parents=True)
    (root / "literature").mkdir()
    for name in ["datapackage.json", "literature/README.md", *(f"descr/{d}.md" for d in dataset_names())]:
        (root / name).write_bytes(package_root().joinpath(*name.split("/")).read_bytes())
    for resource in manifest()["resources"]:
        target = root / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(package_root().joinpath(*resource["path"].split("/")).read_bytes())
    return root


def _verify_in(root: Path) -> subprocess.CompletedProcess[str]:
    """``ironriver data verify`` run in a fresh interpreter whose package root is ``root``."""
    script = ("import sys, pathlib, ironriver.data as d; root = pathlib.Path(sys.argv[1]); "
              "d.package_root = lambda: root; "
              "from ironriver.cli import main; sys.argv = ['ironriver', 'data', 'verify']; main()")
    return subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=120)


def test_literature_and_timeline_are_in_the_manifest() -> None:
    paths = {r["path"]: r for r in manifest()["resources"]}
    for path in TABLE_PATHS:
        assert paths[path]["dataset"] == "literature" and len(paths[path]["sha256"]) == 64
    assert "literature" in manifest()["tables"] and "literature" not in dataset_names()


@pytest.mark.parametrize("path", ["raw/us_population/nst-est2016-alldata.csv", *TABLE_PATHS])
def test_verify_fails_naming_any_shipped_file_altered_by_one_byte(tmp_path: Path, path: str) -> None:
    root = _copy_package(tmp_path)
    assert _verify_in(root).returncode == 0
    target = root / path
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 1
    target.write_bytes(bytes(data))
    result = _verify_in(root)
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and path in message and "Traceback" not in message


def test_a_corrupted_literature_table_is_refused_on_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ironriver.data as data

    root = _copy_package(tmp_path)
    assert read_table("literature/timeline.csv") == (root / "literature" / "timeline.csv").read_bytes()
    target = root / "literature" / "literature.csv"
    target.write_bytes(target.read_bytes().replace(b"212887", b"212888", 1))
    monkeypatch.setattr(data, "package_root", lambda: root)
    with pytest.raises(ChecksumError, match="literature/literature.csv"):
        read_table("literature/literature.csv")
    with pytest.raises(UnknownNameError):
        read_table("literature/other.csv")
