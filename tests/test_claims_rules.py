"""Each claims evaluator on hand-built inputs with known answers: the flow range, the capability ratio, the
record parts and their combination, and the verdict's robustness — including the thresholds' boundaries, so
that moving a threshold fails a test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ironriver.essay.inputs import ClaimInputs, VerdictEvidence
from ironriver.essay.record import Dated, Figure, Finding, Says, combine
from ironriver.essay.rules import (
    capability_ratio,
    period_masses,
    posterior_range,
    range_status,
    record,
    verdict_robustness,
    verdict_status,
)

LIT_COLUMNS = ["id", "quantity", "value", "low", "high", "unit", "period", "geography", "source", "source_kind"]
TL_COLUMNS = ["id", "date", "event", "category", "actor", "target", "note", "source"]


def literature(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c, np.nan if c in ("value", "low", "high") else "") for c in LIT_COLUMNS}
                         for r in rows], columns=LIT_COLUMNS)


def timeline(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c, "") for c in TL_COLUMNS} for r in rows], columns=TL_COLUMNS)


def bundle(**changes) -> ClaimInputs:
    return ClaimInputs(literature=changes.pop("literature", literature([])),
                       timeline=changes.pop("timeline", timeline([])), **changes)


def flows(values: list[float], years: range = range(2008, 2024)) -> pd.DataFrame:
    """Draw d has the constant flow values[d] in every year: its period mean is values[d]."""
    return pd.DataFrame([{"draw": d, "year": y, "guns_per_year": v} for d, v in enumerate(values) for y in years])


# ------------------------------------------------------------------------------------------ flow range


def test_period_masses_are_shares_of_draws_by_hand() -> None:
    draws = pd.DataFrame({"draw": [0, 0, 1, 1, 2, 2, 3, 3], "year": [2010, 2011] * 4,
                          "guns_per_year": [50, 150, 100, 300, 250, 250, 190, 210]})
    # period means 2010–2011: 100, 200, 250, 200 → below 0, inside 3 (100, 200, 200: inclusive), above 1
    m = period_masses(draws, [(2010, 2011)], 100, 200).iloc[0]
    assert (m["below"], m["inside"], m["above"]) == (0.0, 0.75, 0.25)
    assert m["median"] == 200.0
    assert period_masses(draws, [(2010, 2012)], 100, 200).empty        # a period not fully fitted is left out


@pytest.mark.parametrize(("values", "status"), [
    ([150_000] * 10, "supported"),
    ([150_000] * 5 + [250_000] * 5, "supported"),                  # exactly half inside: the boundary
    ([150_000] * 4 + [250_000] * 6, "partly supported"),           # 40% inside
    ([150_000] * 1 + [250_000] * 19, "partly supported"),          # 5% inside: not yet excluded
    ([250_000] * 20, "contradicted"),                              # nothing inside, mass above
    ([50_000] * 10, "contradicted"),                               # nothing inside, mass below
    ([50_000] * 6 + [150_000] * 4, "overstated"),                  # most below, some inside
])
def test_posterior_range_status_follows_the_mass_inside(values: list[float], status: str) -> None:
    outcome = posterior_range(bundle(flow_draws=flows(values)), low=100_000, high=200_000, since=2011)
    assert outcome.status == status
    assert len(outcome.evidence) == 3                              # 2010–12, 2013–17, 2018–23
    assert all("lineage" in item for item in outcome.evidence)


def test_headline_periods_carried_by_the_inputs_are_the_ones_read() -> None:
    """A cached chain run hands the claims the estimate's periods; they are used as given."""
    from ironriver.essay.rules import headline_periods
    from ironriver.estimate.iron_river import HEADLINE_PERIODS

    assert headline_periods() == tuple(HEADLINE_PERIODS)
    outcome = posterior_range(bundle(flow_draws=flows([150_000] * 10), headline_periods=((2011, 2014),)),
                              low=100_000, high=200_000, since=2011)
    assert [item["what"][-9:] for item in outcome.evidence] == ["2011–2014"]


def test_posterior_range_reads_only_periods_after_the_claimed_year() -> None:
    draws = flows([150_000] * 10, range(1999, 2024))
    late = draws.assign(guns_per_year=np.where(draws["year"] <= 2004, 900_000, 150_000))
    assert posterior_range(bundle(flow_draws=late), low=100_000, high=200_000, since=2011).status == "supported"
    assert posterior_range(bundle(flow_draws=late), low=100_000, high=200_000, since=1999).status == \
        "partly supported"


def test_range_status_needs_every_period() -> None:
    masses = pd.DataFrame({"below": [0.0, 0.0], "inside": [0.9, 0.3], "above": [0.1, 0.7]})
    assert range_status(masses) == "partly supported"
    assert range_status(masses.iloc[:1]) == "supported"
    assert range_status(masses.iloc[:0]) == "not testable with the bundled evidence"


def test_without_a_posterior_the_range_is_not_testable() -> None:
    assert posterior_range(bundle(), low=1, high=2, since=2011).status == "not testable with the bundled evidence"


# ------------------------------------------------------------------------------------------ capabilities


def nmc(ratios: dict[int, float]) -> pd.DataFrame:
    rows = []
    for year, ratio in ratios.items():
        base = {"milex": 10.0, "milper": 2.0, "irst": 3.0, "pec": 4.0, "tpop": 5.0, "upop": 6.0}
        rows.append({"stateabb": "MEX", "year": year, "cinc": 0.01, **base})
        rows.append({"stateabb": "USA", "year": year, "cinc": 0.01 * ratio, **{k: v * 2 for k, v in base.items()}})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("ratios", "status"), [
    ({2000: 9.0, 2010: 6.0, 2020: 10.0}, "supported"),
    ({2000: 5.0, 2020: 5.0}, "supported"),                         # the high end of the reading: boundary
    ({2000: 4.9, 2020: 9.0}, "partly supported"),                  # true at 3×, not at 5×
    ({2000: 9.0, 2020: 2.0}, "partly supported"),                  # the low end: still not contradicted
    ({2000: 9.0, 2020: 1.9}, "contradicted"),                      # latest under 2×
    ({1990: 1.0, 2000: 9.0, 2020: 9.0}, "supported"),              # years before `since` do not count
])
def test_capability_ratio_status_by_threshold(ratios: dict[int, float], status: str) -> None:
    outcome = capability_ratio(bundle(capabilities=nmc(ratios)), stronger="USA", weaker="MEX", since=1999)
    assert outcome.status == status
    assert "tpop 2.0×" in outcome.evidence[2]["value"]
    assert outcome.evidence[0]["lineage"].startswith("store cow_nmc")


def test_capability_ratio_without_the_table_is_not_testable() -> None:
    assert capability_ratio(bundle(), stronger="USA", weaker="MEX", since=1999).status == \
        "not testable with the bundled evidence"


# ------------------------------------------------------------------------------------------ record

EVENTS = timeline([
    {"id": "suit_a", "date": "2021-08-04", "event": "Mexico sues manufacturers in Massachusetts",
     "category": "lawsuit", "actor": "MEX", "target": "makers", "source": "complaint"},
    {"id": "suit_b", "date": "2022-10-10", "event": "Mexico sues Arizona dealers", "category": "lawsuit",
     "actor": "MEX", "target": "dealers", "source": "press release"},
])


@pytest.mark.parametrize(("part", "finding"), [
    (Dated("sued in 2021", 2021, (), (("category", "lawsuit"),)), "confirmed"),
    (Dated("sued in August 2021", 2021, ("manufacturers",), month=8), "confirmed"),
    (Dated("sued in July 2021", 2021, ("manufacturers",), month=7), "contradicted"),
    (Dated("Arizona suit in 2021", 2021, ("arizona",)), "contradicted"),
    (Dated("a suit in Texas", 2021, ("texas",)), "absent"),
    (Says("against dealers", "suit_a", ("dealer",), ("manufacturer",)), "contradicted"),
    (Says("against makers", "suit_a", ("makers",)), "confirmed"),
    (Says("for damages", "suit_a", ("damages",)), "absent"),
    (Says("unknown event", "suit_z", ("x",)), "absent"),
])
def test_record_parts_read_the_timeline(part, finding: str) -> None:
    assert part.check(bundle(timeline=EVENTS)).finding == finding


def test_dated_cites_the_event_it_read() -> None:
    found = Dated("Arizona suit in 2021", 2021, ("arizona",)).check(bundle(timeline=EVENTS))
    assert found.evidence[0]["value"] == "2022-10-10"
    assert found.evidence[0]["lineage"] == "timeline suit_b (2022-10-10): press release"


def test_figure_parts_read_the_literature_with_the_grade() -> None:
    table = literature([{"id": "shops", "quantity": "legal_gun_shops_mx", "value": 1, "unit": "shops",
                         "source": "ASIL Insights", "source_kind": "primary"}])
    one = Figure("one shop", ("shops",), lambda rows: "confirmed" if rows[0]["value"] == 1 else "contradicted")
    found = one.check(bundle(literature=table))
    assert found.finding == "confirmed"
    assert found.evidence[0]["lineage"] == "literature shops: ASIL Insights (primary)"
    graded = table.assign(quality="A")
    assert one.check(bundle(literature=graded)).evidence[0]["lineage"].endswith("(quality A, primary)")
    assert one.check(bundle(literature=table.assign(value=2))).finding == "contradicted"
    assert Figure("missing", ("nope",), lambda rows: "confirmed").check(bundle(literature=table)).finding == "absent"


@pytest.mark.parametrize(("findings", "status"), [
    (["confirmed", "confirmed"], "supported"),
    (["confirmed", "contradicted"], "partly supported"),
    (["contradicted", "contradicted"], "contradicted"),
    (["contradicted", "absent"], "contradicted"),
    (["confirmed", "qualified"], "overstated"),
    (["confirmed", "qualified", "absent"], "overstated"),
    (["confirmed", "qualified", "contradicted"], "partly supported"),
    (["confirmed", "absent"], "partly supported"),
    (["absent", "absent"], "not testable with the bundled evidence"),
])
def test_combine_rule(findings: list[str], status: str) -> None:
    assert combine([Finding(f"part {i}", f) for i, f in enumerate(findings)]) == status


def test_record_lists_silent_parts_as_evidence_with_lineage() -> None:
    outcome = record(bundle(timeline=EVENTS), parts=(Says("against makers", "suit_a", ("makers",)),
                                                     Dated("a suit in Texas", 2021, ("texas",))))
    assert outcome.status == "partly supported"
    assert [e["finding"] for e in outcome.evidence] == ["confirmed", "absent"]
    assert all(e["lineage"] for e in outcome.evidence)


# ------------------------------------------------------------------------------------------ verdict

VIEWS = {"neutral": 0.95, "essay": 1.0}


@pytest.mark.parametrize(("p", "share_mex", "views", "status"), [
    (0.95, 0.95, VIEWS, "supported"),
    (0.90, 0.90, VIEWS, "supported"),                                  # both boundaries
    (0.89, 0.95, VIEWS, "partly supported"),
    (0.95, 0.89, VIEWS, "partly supported"),
    (0.95, 0.95, {**VIEWS, "border_realist": 0.5}, "partly supported"),  # one perspective turns
    (0.79, 0.51, VIEWS, "partly supported"),
    (0.79, 0.50, VIEWS, "overstated"),
    (0.79, 0.26, VIEWS, "overstated"),
    (0.20, 0.10, VIEWS, "contradicted"),
])
def test_verdict_status(p: float, share_mex: float, views: dict, status: str) -> None:
    assert verdict_status(p, 1 - p, share_mex, 1 - share_mex, views) == status


def test_verdict_robustness_reports_p_shares_and_perspectives() -> None:
    v = VerdictEvidence(2025, "neutral", 0.79, 0.21, {"domestic": 0.76}, 0.26, 0.73, 128,
                        {"neutral": 0.79, "border_realist": 0.17}, 26, 26)
    outcome = verdict_robustness(bundle(verdict=v))
    assert outcome.status == "overstated"
    assert "turns under border_realist" in outcome.why
    assert outcome.evidence[1]["value"] == "26% (USA 73%)"
    assert verdict_robustness(bundle()).status == "not testable with the bundled evidence"


# ------------------------------------------------------------------------------------------ properties

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(1_000, 1_000_000), min_size=4, max_size=40),
       scale=st.sampled_from([2.0 ** k for k in range(-8, 9)]),       # exact in floating point
       low=st.floats(10_000, 300_000), width=st.floats(1_000, 300_000))
def test_posterior_range_is_unit_free_and_masses_sum_to_one(values: list[float], scale: float, low: float,
                                                            width: float) -> None:
    """Guns and the claimed range in other units (×scale) give the same status; below + inside + above = 1."""
    draws = flows(values, range(2010, 2013))
    masses = period_masses(draws, [(2010, 2012)], low, low + width)
    assert masses[["below", "inside", "above"]].sum(axis=1).iloc[0] == pytest.approx(1.0)
    scaled = draws.assign(guns_per_year=draws["guns_per_year"] * scale)
    one = posterior_range(bundle(flow_draws=draws), low=low, high=low + width, since=2010).status
    other = posterior_range(bundle(flow_draws=scaled), low=low * scale, high=(low + width) * scale, since=2010).status
    assert one == other
