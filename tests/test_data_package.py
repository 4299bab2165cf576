"""The data package: checksums, the Frictionless manifest, provenance files, and refusal of bad files."""

from __future__ import annotations

import copy
import gzip
import shutil
from pathlib import Path

import pytest

from ironriver.data import RawDataset, dataset_names, describe, manifest, package_root, raw, verify
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
    for resource in manifest()["resources"]:
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
    assert cite_all().count("\n\n") == len(dataset_names()) - 1
    with pytest.raises(UnknownNameError):
        cite("us_population", "apa")
