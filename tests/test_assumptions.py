"""The one registry of named assumptions (:mod:`ironriver.assumptions`) and ``ironriver assumptions``.

Every stage's declarations must reach the registry (however the package was imported), and the views —
``ironriver assumptions``, ``ironriver estimate --assumptions`` and the report's table — must show them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from ironriver.assumptions import STAGES, Assumption, all_assumptions, assumptions_table, register


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ironriver", *arguments], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=300)


def declared() -> dict[str, set[str]]:
    """Each stage's own declarations, read from the stage modules (not from the registry)."""
    from ironriver.estimate.priors import MODEL_ASSUMPTIONS, default_priors
    from ironriver.evidence import all_assumptions as evidence_assumptions
    from ironriver.sovereignty.transforms import ASSUMPTIONS as LEDGER
    from ironriver.essay.rules import _RULES as CLAIM_RULES
    from ironriver.supply_chain.assumptions import ASSUMPTIONS as SIMULATION

    return {"evidence": {a.name for a in evidence_assumptions()},
            "estimate": {p.name for p in default_priors()} | {"flow_innovations"} | {a.name for a in MODEL_ASSUMPTIONS},
            "supply_chain": {a.name for a in SIMULATION},
            "sovereignty": set(LEDGER),
            "essay": set(CLAIM_RULES)}


def test_the_registry_holds_every_stage_declaration_once() -> None:
    items = all_assumptions()
    names = [a.name for a in items]
    assert len(names) == len(set(names))
    expected = declared()
    for stage in STAGES:
        assert {a.name for a in items if a.stage == stage} == expected[stage], stage
    assert [a.stage for a in items] == sorted((a.stage for a in items), key=STAGES.index)


def test_assumptions_json_lists_every_assumption_with_its_range_and_source() -> None:
    result = run("assumptions", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    expected = declared()
    assert {(r["stage"], r["name"]) for r in rows} == {(s, n) for s, names in expected.items() for n in names}
    for row in rows:
        assert {"name", "stage", "value", "low", "high", "unit", "source"} <= set(row)
        assert row["low"] <= row["value"] <= row["high"], row["name"]
        assert row["source"] and row["unit"] is not None
    ledger = {r["name"]: r for r in rows if r["stage"] == "sovereignty"}
    assert ledger["decay_half_life_years"]["value"] == 25.0
    assert ledger["decay_half_life_years"]["distribution"] == "loguniform"


def test_stage_filter_and_unknown_stage() -> None:
    only = json.loads(run("assumptions", "--stage", "supply_chain", "--json").stdout)
    assert {r["stage"] for r in only} == {"supply_chain"} and len(only) == len(declared()["supply_chain"])
    bad = run("assumptions", "--stage", "simulate")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "supply_chain" in bad.stderr and "Traceback" not in bad.stderr


def test_listing_does_not_depend_on_what_was_imported_before() -> None:
    code = "from ironriver.assumptions import all_assumptions; print(len(all_assumptions()))"
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert int(fresh.stdout) == sum(len(names) for names in declared().values())


def test_estimate_assumptions_is_a_view_of_the_registry() -> None:
    from ironriver.estimate.priors import assumptions_frame, default_priors

    frame = assumptions_frame()
    registry = assumptions_table("estimate").merge(assumptions_table("evidence"), how="outer")
    assert set(frame["name"]) == set(registry["name"])
    prior = next(p for p in default_priors() if p.name == "attrition_beyond_seizures")
    row = frame.set_index("name").loc["attrition_beyond_seizures"]
    assert row["distribution"] == prior.distribution == "LogNormal(median 0.02, log-sd 1)"
    assert (row["low"], row["high"]) == pytest.approx(prior.range)
    widened = assumptions_frame(tuple(p.widened(2.0) for p in default_priors())).set_index("name")
    assert widened.loc["attrition_beyond_seizures", "high"] > row["high"]


def test_ledger_sampling_follows_the_registered_distribution() -> None:
    from ironriver.sovereignty.transforms import assumption, sample_assumption

    item = assumption("decay_half_life_years")
    draws = sample_assumption(item, 20_000, np.random.default_rng(0))
    # log-uniform on [10, 50]: the median is the geometric mean √500, not the midpoint 30
    assert np.median(draws) == pytest.approx(np.sqrt(500), rel=0.03)
    fixed = assumption("carry_forward_cap_years")
    assert (sample_assumption(fixed, 5, np.random.default_rng(0)) == fixed.value).all()


def test_invalid_declarations_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        Assumption("x", 5.0, 0.0, 1.0, "u", "assumption", "why")
    with pytest.raises(ValueError, match="log-uniform"):
        Assumption("x", 1.0, 0.0, 2.0, "u", "assumption", "why", distribution="loguniform")
    with pytest.raises(ValueError, match="distribution"):
        Assumption("x", 1.0, 0.0, 2.0, "u", "assumption", "why", distribution="beta")


def test_a_name_declared_by_two_stages_is_an_error() -> None:
    from ironriver import assumptions as registry

    clash = Assumption("decay_half_life_years", 1.0, 0.0, 2.0, "u", "assumption", "why")
    register("evidence", (clash,))
    try:
        with pytest.raises(ValueError, match="declared twice"):
            all_assumptions()
    finally:
        registry._REGISTRY["evidence"].remove(next(e for e in registry._REGISTRY["evidence"]
                                                   if not callable(e) and e.name == "decay_half_life_years"))
    assert len(all_assumptions()) == sum(len(names) for names in declared().values())
