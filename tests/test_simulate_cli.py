"""Scenario files and the ``simulate`` / ``compare`` / ``sweep`` commands, run as a user would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ironriver.errors import IronRiverError
from ironriver.supply_chain import Scenario, ScenarioError
from ironriver.supply_chain.assumptions import ASSUMPTIONS
from ironriver.supply_chain.levers import LEVERS
from ironriver.supply_chain.sweep import Grid

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ironriver", *arguments], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


def test_shipped_scenarios_and_grid_are_valid() -> None:
    names = {path.stem: Scenario.from_toml(path) for path in SCENARIOS.glob("*.toml") if "sweep" not in path.stem}
    assert {"baseline", "ubc", "inspection_x10", "all_levers"} <= set(names)
    assert names["baseline"].active_levers() == {}
    assert names["ubc"].active_levers() == {"universal_background_checks": True}
    assert names["inspection_x10"].active_levers() == {"southbound_inspection": 10.0}
    assert len(names["all_levers"].active_levers()) == 8
    grid = Grid.from_toml(SCENARIOS / "sweep_inspection_ubc.toml")
    assert len(grid.points) == 10 and grid.base.name == "baseline"
    assert grid.points[-1].active_levers() == {"southbound_inspection": 100.0, "universal_background_checks": True}


BAD_FILES = [
    ("[levers]\nuniversal_checks = true\n", "levers.universal_checks", "unknown lever"),
    ("[levers]\nsouthbound_inspection = \"ten\"\n", "levers.southbound_inspection", "expected a number"),
    ("[levers]\nsouthbound_inspection = 500\n", "levers.southbound_inspection", "out of range"),
    ("[levers]\nsouthbound_inspection = {TX = 3, XX = 2}\n", "levers.southbound_inspection", "unknown corridor"),
    ("[levers]\nuniversal_background_checks = \"yes\"\n", "levers.universal_background_checks", "true or false"),
    ("[levers]\npurchase_limit_per_month = 1.5\n", "levers.purchase_limit_per_month", "whole number"),
    ("[levers]\nstraw_enforcement = 0\n", "levers.straw_enforcement", "out of range"),
    ("[assumptions]\nweeks_to_crossing = 40\n", "assumptions.weeks_to_crossing", "out of range"),
    ("[assumptions]\nweeks_to_cross = 2\n", "assumptions.weeks_to_cross", "unknown assumption"),
    ("years = \"2020-2022\"\n", "years", "START:END"),
    ("levers = 3\n", "levers", "expected a table"),
    ("[levers\n", "invalid TOML", "line 1"),
    ("nmae = \"x\"\n", "nmae", "unknown field"),
]


@pytest.mark.parametrize(("text", "field", "problem"), BAD_FILES, ids=[b[1] + ":" + b[2] for b in BAD_FILES])
def test_a_bad_scenario_is_one_line_naming_file_field_and_problem(tmp_path: Path, text: str, field: str,
                                                                  problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_toml(path)
    message = str(caught.value)
    assert isinstance(caught.value, IronRiverError)
    assert "\n" not in message and str(path) in message and field in message and problem in message


@pytest.mark.parametrize(("text", "field", "problem"), [BAD_FILES[0], BAD_FILES[1], BAD_FILES[2]])
def test_the_cli_reports_a_bad_scenario_in_one_line_with_status_2(tmp_path: Path, text: str, field: str,
                                                                    problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = run("simulate", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and field in lines[0] and problem in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_the_cli_reports_a_missing_file_and_a_bad_grid_in_one_line(tmp_path: Path) -> None:
    missing = run("simulate", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr and len(missing.stderr.splitlines()) == 1
    grid = tmp_path / "grid.toml"
    grid.write_text('[grid]\n"levers.southbound_inspection" = [1, 500]\n')
    bad = run("sweep", str(grid))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert str(grid) in bad.stderr and "southbound_inspection" in bad.stderr and "out of range" in bad.stderr
    grid.write_text('[grid]\n"levers.nonsense" = [1, 2]\n')
    unknown = run("sweep", str(grid))
    assert unknown.returncode == 2 and "unknown lever 'nonsense'" in unknown.stderr
    both = run("sweep", str(SCENARIOS / "sweep_inspection_ubc.toml"), "--workers", "2", "--dask", "tcp://x:1")
    assert both.returncode == 2 and "exclude each other" in both.stderr


def test_simulate_json_has_summary_sankey_and_calibration() -> None:
    result = run("simulate", str(SCENARIOS / "ubc.toml"), "-n", "40", "--seed", "3", "--json",
                 "--calibration", "literature")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["scenario"]["levers"] == {"universal_background_checks": True}
    assert payload["replicates"] == 40 and payload["seed"] == 3
    assert payload["calibration"].startswith("literature prior")
    quantities = {(r["group"], r["key"], r["quantity"]) for r in payload["summary"]}
    for needed in [("total", "all", "arrived"), ("channel", "private_no_check", "bought"),
                   ("source_state", "TX", "bought"), ("source_state", "AZ", "traced"), ("corridor", "CA", "arrived")]:
        assert needed in quantities
    assert {"source", "channel", "crossing", "outcome", "guns_per_year"} <= set(payload["sankey"][0])


def test_same_seed_same_json() -> None:
    first = run("simulate", "-n", "20", "--seed", "8", "--json", "--calibration", "literature")
    second = run("simulate", "-n", "20", "--seed", "8", "--json", "--calibration", "literature")
    assert first.returncode == 0 and first.stdout == second.stdout


def test_assumptions_lists_every_lever_and_assumption() -> None:
    result = run("simulate", "--assumptions", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [lever["name"] for lever in payload["levers"]] == [lever.name for lever in LEVERS]
    named = {row["name"] for row in payload["assumptions"] if row["kind"] == "named"}
    assert named == {a.name for a in ASSUMPTIONS}
    assert any(row["name"] == "no_check_share_recent_acquisitions_2015" for row in payload["assumptions"])
    table = run("simulate", "--assumptions")
    assert table.returncode == 0 and "channel_substitution" in table.stdout and "PLCAA" in table.stdout


def test_compare_reports_paired_differences() -> None:
    result = run("compare", str(SCENARIOS / "baseline.toml"), str(SCENARIOS / "inspection_x10.toml"), "-n", "60",
                 "--seed", "4", "--json", "--calibration", "literature")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["reference"] == "baseline"
    rows = {(r["group"], r["key"], r["quantity"]): r for r in payload["differences"][0]}
    seized = rows[("total", "all", "interdicted_border")]
    assert seized["difference_low"] > 0                      # ten times the inspection seizes more, surely
    arrived = rows[("total", "all", "arrived")]
    assert arrived["difference"] < 0 and arrived["difference_low"] <= arrived["difference"] <= arrived["difference_high"]
    one = run("compare", str(SCENARIOS / "baseline.toml"))
    assert one.returncode == 2 and "at least two" in one.stderr


def test_simulate_prints_tables() -> None:
    result = run("simulate", str(SCENARIOS / "inspection_x10.toml"), "-n", "30", "--calibration", "literature")
    assert result.returncode == 0, result.stderr
    for text in ("inspection_x10", "arrived", "by US source state", "straw_purchase", "TX"):
        assert text in result.stdout
