"""``ironriver assess --spec``: bad specification files stop with one line and exit 2; every shipped perspective
runs; ``--json`` carries the sensitivity, flip and specifications sections; the verdict responds to its inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ironriver.sovereignty.specification import shipped_specifications


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ironriver", "assess", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "120"}, timeout=900)


@pytest.mark.parametrize(("text", "message"), [
    ('normalisation = 3\n', "bad.toml: normalisation: 3 is not allowed"),
    ('colour = "red"\n', "bad.toml: colour: unknown key 'colour'"),
    ('[kinds]\nweights = { domestic = 0.5, westphalian = 0.4 }\n', "bad.toml: kinds: kind weights sum to 0.9, not 1"),
    ('[decay]\nspillover_half_life_years = -2.0\n', "bad.toml: decay.spillover_half_life_years: -2.0: input should "
                                                     "be greater than 0"),
    ('[indicators]\nexclude = ["mx_cinc_ratoi"]\n', "unknown indicator 'mx_cinc_ratoi'; did you mean mx_cinc_ratio?"),
    ('normalisation = \n', "bad.toml: invalid TOML"),
])
def test_a_malformed_specification_is_one_line_exit_2_and_nothing_written(tmp_path: Path, text: str,
                                                                          message: str) -> None:
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    done = run("--spec", "bad.toml", "--json", "--out", "out.html", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ironriver: error:") and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("assess-spec")
    done = run("--json", "--out", "out.html", cwd=folder)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_json_says_what_drives_the_verdict_and_what_would_flip_it(default_run: dict) -> None:
    years = set(range(default_run["years"][0], default_run["years"][1] + 1))
    sensitivity = default_run["sensitivity"]
    assert sensitivity and all({"year", "group", "S1", "ST", "ST_low", "ST_high"} <= set(r) for r in sensitivity)
    assert {r["group"] for r in sensitivity} >= {"posterior draws", "weight on interdependence", "reference points",
                                                 "normalisation", "aggregation", "indicator inclusion",
                                                 "carry-forward", "decay (spillover half-life)"}
    assert all(r["ST_low"] <= r["ST"] <= r["ST_high"] for r in sensitivity)
    flips = default_run["flip"]
    assert {f["year"] for f in flips} == years
    for f in flips:
        assert isinstance(f["flips"], bool) and f["change"].startswith(f"In {f['year']}")
        assert (f["smallest"] is not None) == f["flips"]
    names = {s["name"]: s for s in default_run["specifications"]}
    assert {"neutral", "border_realist", "essay", "equal_concepts"} <= set(names)
    assert all(s["file"] == f"specs/{name}.toml" for name, s in names.items())
    # the neutral perspective is the verdict itself
    headline = default_run["verdict"]
    assert names["neutral"]["p_mex_more"][str(headline["year"])] == pytest.approx(headline["p_mex_more"], abs=1e-9)
    assert "specifications" in default_run["specification_uncertainty"]["robustness"]


@pytest.mark.parametrize("name", list(shipped_specifications()))
def test_every_shipped_perspective_runs_from_its_file(tmp_path: Path, default_run: dict, name: str) -> None:
    done = run("--spec", f"specs/{name}.toml", "--json", "--out", "out.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["specification"]["file"] == f"specs/{name}.toml"
    listed = next(s for s in default_run["specifications"] if s["name"] == name)
    year = payload["verdict"]["year"]
    assert payload["verdict"]["p_mex_more"] == pytest.approx(listed["p_mex_more"][str(year)], abs=1e-9)


def test_all_weight_on_one_kind_moves_the_verdict(tmp_path: Path, default_run: dict) -> None:
    (tmp_path / "one.toml").write_text('[kinds]\nweights = { interdependence = 1.0 }\n', encoding="utf-8")
    done = run("--spec", "one.toml", "--json", "--out", "out.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    one = {c["year"]: c["p_mex_more"] for c in json.loads(done.stdout)["comparisons"] if c["kind"] == "overall"}
    default = {c["year"]: c["p_mex_more"] for c in default_run["comparisons"] if c["kind"] == "overall"}
    assert any(one[y] != default[y] for y in default)
