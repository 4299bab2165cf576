"""``ironriver assess``: bad input stops with one line and exit 2 and writes nothing; good input writes the report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ironriver", "assess", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "120"}, timeout=600)


@pytest.mark.parametrize(("args", "message"), [
    (("--years", "1800:1900"), "outside the span the data cover"),
    (("--years", "2024:2005"), "first year is after the last"),
    (("--years", "soon"), "--years must look like"),
    (("--scenario", "no-such-scenario.toml"), "scenario file no-such-scenario.toml does not exist"),
    (("--out", "missing-folder/report.html"), "folder missing-folder does not exist"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ironriver: error:") and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.rglob("*")) == []


def test_a_bad_scenario_file_is_refused_before_anything_runs(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text("levers = [1, 2\n", encoding="utf-8")
    done = run("--scenario", str(scenario), cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


@pytest.fixture(scope="module")
def json_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("assess")
    done = run("--years", "2005:2024", "--seed", "3", "--json", "--out", "out.html", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder, json.loads(done.stdout)


def test_json_holds_the_ledger_and_the_verdict(json_run: tuple[Path, dict]) -> None:
    folder, payload = json_run
    assert payload["years"] == [2005, 2024] and payload["seed"] == 3
    year = payload["headline"]["year"]          # the headline rule's year: later ones are listed with why not
    assert payload["verdict"]["year"] == year and payload["verdict"]["sentence"].startswith(f"In {year}")
    assert [row["year"] for row in payload["headline"]["later_years"]] == list(range(year + 1, 2025))
    assert all(row["why_not"] for row in payload["headline"]["later_years"])
    assert f"Why {year}:" in payload["verdict"]["summary"] and payload["headline"]["rule"]
    assert 0.0 <= payload["verdict"]["p_mex_more"] <= 1.0
    states = {(row["state"], row["kind"]) for row in payload["ledger"]}
    assert len(states) == 10 and {row["year"] for row in payload["ledger"]} == set(range(2005, 2025))
    assert all(row["median"] is None or 0.0 <= row["median"] <= 1.0 for row in payload["ledger"])
    flags = {"forecast", "partial_year", "carried_forward"}
    assert all(row["status"] in ("observed", "missing") or set(row["status"].split(", ")) <= flags
               for row in payload["ledger"])
    assert (folder / "out.html").stat().st_size > 1_000_000
    assert [p.name for p in folder.iterdir()] == ["out.html"]          # no temporary file left behind


def test_terminal_output_prints_verdict_ledger_and_series(tmp_path: Path) -> None:
    done = run("--years", "2010:2020", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "verdict (2020)" in done.stdout and "The sovereignty ledger, 2020" in done.stdout
    assert "Overall threat by year" in done.stdout
    assert done.stdout.count("How to read a threat score") == 2  # under the ledger and under the series
    assert done.stdout.count("* marks a score") == 2              # the marks' legend under both tables
    assert "Why 2020: 2020 is the latest year" in " ".join(done.stdout.split())
    # the spillover effect is a forecast after 2008: Mexico's overall cells carry an "f" mark in the series table
    assert re.search(r"\]\*fc?\b", done.stdout), done.stdout
    assert ("The iron river" in done.stdout) or ("iron-river series is not available" in done.stdout)
    assert (tmp_path / "ironriver-report.html").exists()
