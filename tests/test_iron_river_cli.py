"""``ironriver estimate`` end to end, as a user would type it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(*arguments: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ironriver", "estimate", *arguments], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "160", **(env or {})}, timeout=600)


def test_default_prints_table_chart_reference_and_literature() -> None:
    result = run("--years", "2008:2014", "--seed", "1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2010–2012 mean" in out and "diagnostics:" in out and "●" in out
    assert "flow_mcdougal_jeg_2010_2012" in out
    # the periods lead, with the plain statement that the yearly series is smooth by construction
    assert out.index("2010–2012") < out.index("per year (posterior)")
    assert "smooth by construction" in out.split("per year (posterior)")[0]
    yearly = out.split("per year (posterior)")[1].split("2010–2012 mean")[0]
    assert "2007" not in yearly  # only the requested years are listed
    # how far one default run's 5% bounds can be from NUTS's is said in the output, not only in the JSON
    assert "from the NUTS reference's in some year by chance alone" in " ".join(out.split())


def test_json_has_the_documented_shape() -> None:
    result = run("--json", "--years", "2010:2012")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"periods", "flow", "note", "diagnostics", "literature"}
    assert [(p["start"], p["end"]) for p in document["periods"]] == [(1999, 2004), (2005, 2009), (2010, 2012),
                                                                      (2013, 2017), (2018, 2023)]
    for period in document["periods"]:
        assert period["q05"] < period["q25"] < period["median"] < period["q75"] < period["q95"]
    assert [row["year"] for row in document["flow"]] == [2010, 2011, 2012]
    assert set(document["flow"][0]) == {"year", "median", "q05", "q25", "q75", "q95"}
    assert document["diagnostics"]["path"] and document["diagnostics"]["ess"] > 0
    assert any(row["id"] == "flow_mcdougal_jeg_2010_2012" for row in document["literature"])


def test_predict_traces_json() -> None:
    result = run("--predict-traces", "2024", "--json")
    assert result.returncode == 0, result.stderr
    prediction = json.loads(result.stdout)
    assert prediction["year"] == 2024
    for key in ("submitted", "us_sourced"):
        assert set(prediction[key]) == {"median", "q05", "q95"}
        assert prediction[key]["q05"] < prediction[key]["median"] < prediction[key]["q95"]


def test_assumptions_lists_every_prior_and_fixed_value() -> None:
    result = run("--assumptions", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    names = {row["name"] for row in rows}
    assert {"attrition_beyond_seizures", "attrition_seizure_floor", "stock_us_origin_share", "stock_1998",
            "stock_common_bias_sd", "recovery_lag_years"} <= names
    by_name = {row["name"]: row for row in rows}
    for name in ("attrition_beyond_seizures", "stock_us_origin_share"):
        assert by_name[name]["kind"] == "prior" and by_name[name]["low"] < by_name[name]["high"]
    assert "guns_seized_mx_2009_2012" in by_name["attrition_seizure_floor"]["source"]
    assert "share_traces_us_sourced_mx_2009_2014" in by_name["stock_us_origin_share"]["source"]
    assert all(row["source"] for row in rows)
    table = run("--assumptions")
    assert "attrition" in table.stdout and "assumption" in table.stdout


@pytest.mark.parametrize("arguments", [("--years", "1990:2000"), ("--years", "twenty"), ("--predict-traces", "1950"),
                                       ("--evidence", "traces,gossip"), ("--sampler", "longer"),
                                       ("--sampler", "long", "--nuts")])
def test_bad_input_is_one_line_without_traceback(arguments: tuple[str, ...]) -> None:
    result = run(*arguments)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ironriver: error:"), result.stderr


def test_a_bad_sampler_names_the_choices() -> None:
    result = run("--sampler", "longer")
    assert result.returncode == 2 and "--sampler 'longer'" in result.stderr and "long" in result.stderr
    assert result.stdout == ""
    both = run("--sampler", "long", "--nuts")
    assert both.returncode == 2 and "--nuts" in both.stderr and both.stdout == ""
