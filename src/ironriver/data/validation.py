"""Validation of the manifest against the Frictionless Data Package standard and ironriver's own rules.

Frictionless checks the descriptor's shape (names, schemas, field types). ironriver adds what its users
rely on: every dataset has a title, publisher, source repository and commit, licence, unit of analysis,
temporal coverage and a description file; every resource has a sha256 and belongs to a dataset.
"""

from __future__ import annotations

from typing import Any

from frictionless import Checklist, FrictionlessException, Package, Resource

from ironriver.data import manifest, package_root

REQUIRED_DATASET_KEYS = ("title", "publisher", "source_repository", "source_commit", "licence",
                         "unit_of_analysis", "temporal_coverage", "descr")
REQUIRED_TABLE_KEYS = ("title", "publisher", "licence", "temporal_coverage", "descr")
"""Keys of the manifest's ``tables`` entries (tables kept in the package itself, such as the literature)."""


def validate_manifest(descriptor: dict[str, Any] | None = None) -> list[str]:
    """Problems with the manifest, one line each; an empty list means it is valid."""
    descriptor = descriptor if descriptor is not None else manifest()
    problems: list[str] = []
    try:
        problems += [error.message for error in Package.metadata_validate(descriptor)]
    except FrictionlessException as error:
        problems.append(str(error.error.message))
    datasets = descriptor.get("datasets", {})
    for name, meta in datasets.items():
        problems += [f"dataset {name}: missing {key}" for key in REQUIRED_DATASET_KEYS if not meta.get(key)]
        if meta.get("descr") and not (package_root() / meta["descr"]).is_file():
            problems.append(f"dataset {name}: description file {meta['descr']} missing")
    tables = descriptor.get("tables", {})
    for name, meta in tables.items():
        problems += [f"tables {name}: missing {key}" for key in REQUIRED_TABLE_KEYS if not meta.get(key)]
    for resource in descriptor.get("resources", []):
        if resource.get("dataset") not in datasets and resource.get("dataset") not in tables:
            problems.append(f"resource {resource.get('name')}: unknown dataset {resource.get('dataset')}")
        if len(str(resource.get("sha256", ""))) != 64:
            problems.append(f"resource {resource.get('name')}: missing sha256")
    return problems


def validate_resource_data(name: str) -> list[str]:
    """Frictionless validation of one tabular resource's rows against its schema (slow for big files)."""
    resource = next(r for r in manifest()["resources"] if r["name"] == name)
    descriptor = {k: v for k, v in resource.items() if k not in {"sha256", "dataset", "source_path", "bytes"}}
    # Blank rows and blank header labels are known quirks of two raw files (audit §9, §12): the tidy
    # functions handle them, so they are not counted as schema failures here.
    checklist = Checklist(skip_errors=["blank-row", "blank-label"])
    report = Resource(descriptor, basepath=str(package_root())).validate(checklist=checklist)
    return [] if report.valid else [f"{name}: {e}" for e in report.flatten(["rowNumber", "fieldName", "message"])[:5]]
