"""End-to-end runs of ``ironriver data …``, ``literature`` and ``timeline`` as a user would type them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ironriver.data import dataset_names


def run(*arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ironriver", *arguments], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "COLUMNS": "200"}, timeout=300)


def test_data_list_shows_every_dataset_with_rows() -> None:
    result = run("data", "list")
    assert result.returncode == 0, result.stderr
    for name in ("nics_firearm_background_checks", "cow_peacesciencer", "mx_population_conapo",
                 "us_overdose_deaths_cdc", "cbp_drug_seizures_fy2023_fy2026", "tx_border_crime_dps_2017_2023"):
        assert name in result.stdout
    assert "nics_checks" in result.stdout


def test_data_show_prints_rows() -> None:
    result = run("data", "show", "nics_checks", "--limit", "3")
    assert result.returncode == 0, result.stderr
    assert "nics_checks" in result.stdout


def test_unknown_dataset_is_one_line_with_suggestions() -> None:
    result = run("data", "show", "nics_chekcs")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown" in lines[0] and "nics_checks" in lines[0]
    assert "Traceback" not in result.stderr


def test_export_writes_csv_parquet_json_and_refuses_to_overwrite(tmp_path: Path) -> None:
    csv_path, parquet_path, json_path = tmp_path / "n.csv", tmp_path / "n.parquet", tmp_path / "n.json"
    assert run("data", "export", "us_population", "--format", "csv", "--out", str(csv_path)).returncode == 0
    assert run("data", "export", "us_population", "--format", "parquet", "--out", str(parquet_path)).returncode == 0
    assert run("data", "export", "us_population", "--format", "json", "--out", str(json_path)).returncode == 0
    from_csv, from_parquet = pd.read_csv(csv_path), pd.read_parquet(parquet_path)
    assert len(from_csv) == len(from_parquet) == len(json.loads(json_path.read_text())) > 0
    again = run("data", "export", "us_population", "--format", "csv", "--out", str(csv_path))
    assert again.returncode == 2 and "--force" in again.stderr
    assert run("data", "export", "us_population", "--format", "csv", "--out", str(csv_path), "--force").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.csv", "n.csv.schema.json", "n.json", "n.parquet"]  # no temporary


def test_export_into_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    result = run("data", "export", "us_population", "--out", str(tmp_path / "nope" / "x.csv"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert not (tmp_path / "nope").exists()


def test_cite_all_bibtex_and_verify() -> None:
    bib = run("data", "cite", "--all", "--format", "bibtex")
    assert bib.returncode == 0 and bib.stdout.count("@misc{") == len(dataset_names())
    verified = run("data", "verify")
    assert verified.returncode == 0 and "ok" in verified.stdout


def test_verify_reports_a_corrupted_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import ironriver.data as data
    from ironriver.cli import app
    from ironriver.errors import ChecksumError

    root = tmp_path / "pkg"
    source = data.package_root()
    (root / "raw" / "us_population").mkdir(parents=True)
    (root / "descr").mkdir()
    for resource in data.manifest()["resources"]:
        target = root / resource["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.joinpath(*resource["path"].split("/")).read_bytes())
    broken = root / "raw" / "us_population" / "nst-est2016-alldata.csv"
    broken.write_bytes(broken.read_bytes()[:-10])
    monkeypatch.setattr(data, "package_root", lambda: root)
    result = CliRunner().invoke(app, ["data", "verify"])
    assert isinstance(result.exception, ChecksumError)
    assert "nst-est2016-alldata.csv" in str(result.exception)


def test_literature_and_timeline_commands() -> None:
    figures = run("literature", "--search", "mcdougal")
    assert figures.returncode == 0 and "212,887" in figures.stdout
    events = run("timeline", "--kind", "westphalian")
    assert events.returncode == 0 and "1916" in events.stdout
    bad = run("literature", "--quantity", "guns_per_yeer")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_usage_errors_are_reported_without_traceback() -> None:
    result = run("data", "show", "nics_checks", "--limit", "abc")
    assert result.returncode == 2 and "Traceback" not in result.stderr and "--limit" in result.stderr
    unknown = run("no-such-command")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
