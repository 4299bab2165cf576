"""What the dashboard shows, computed from one model run per seed.

:func:`run_models` is the expensive part (run in a worker process by :class:`~ironriver.web.runs.RunQueue`):
the assessment chain over the whole span the data cover, its ledger and verdict rows, indicator blocks and
charts, and the per-year map colours. Every window of years is then a cut of that run, not a refit:
:func:`window_summary` gives exactly what ``ironriver assess --years`` gives for that window (tested). Charts come from the report's own chart functions, so the page and the report draw the
same things the same way (the ledger's colour scale included: dark = high threat).
"""

from __future__ import annotations

import dataclasses
from typing import Any

# The report's sections (each from an Assessment, JSON-ready): the page reuses them rather than building the
# same sections twice.
from ironriver.report import charts as report_charts
from ironriver.report import comparison_record, section
from ironriver.sovereignty import STATES
from ironriver.plain_words import THREAT_SCORE_SENTENCE
from ironriver.sovereignty.catalogue import KIND_LABELS
from ironriver.sovereignty.chain import YEAR_SPAN, Assessment
from ironriver.sovereignty.headline import MARK_LEGEND, choose_headline, status_marks
from ironriver.sovereignty.verdict import Comparison, Verdict

__all__ = ["run_models", "window_summary", "window_verdict", "figure_json"]

_COVERAGE_NOTE = "the iron-river estimate covers"
_NO_VALUE = ": no value in "
"""The chain's notes that depend on the window (made again for each window)."""


def figure_json(figure: Any) -> dict[str, Any] | None:
    """A Plotly figure (object or dict) as a plain JSON-ready dict."""
    if figure is None:
        return None
    return figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure


def run_models(seed: int, scenario: str | None = None) -> dict[str, Any]:
    """Everything the page shows for ``seed`` (under the shipped policy ``scenario``, if given), over
    :data:`YEAR_SPAN` (run in a worker process).

    Per-year results do not depend on the window they are computed in (the indicators, reference points and
    weightings are drawn per draw, not per year; tested against ``assess`` on a sub-window), so every window
    is a cut of this one run: :func:`window_summary`. The charts span every year; the page narrows their
    x axis to the window.
    """
    import inspect

    from ironriver.sovereignty import assess

    # The page re-aggregates what-ifs itself; the chain's own analysis of specifications is not needed here.
    options = {"contest": False} if "contest" in inspect.signature(assess).parameters else {}
    assessment = assess(YEAR_SPAN, seed=seed, scenario=scenario, **options)
    ledger_rows = section("ledger", assessment)
    iron_river = section("iron_river", assessment)
    model = {"ledger": ledger_rows, "states": list(STATES), "iron_river": iron_river,
             "meta": {"first_year": YEAR_SPAN[0], "last_year": YEAR_SPAN[1]}}
    charts = {"ledger": figure_json(report_charts.ledger_heatmap(model)),
              "iron_river": figure_json(report_charts.iron_river_chart(model)),
              "timeline": figure_json(report_charts.timeline_chart({"states": list(STATES),
                                                                    "timeline": section("timeline", assessment)})),
              "maps": _map_frames(assessment)}
    fitted = assessment.iron_river["years"] if assessment.iron_river is not None else None
    return {"seed": seed, "scenario": scenario, "comparisons": assessment.verdict.comparisons, "ledger_rows": ledger_rows,
            "verdict_rows": section("verdict_by_year", assessment), "iron_river": iron_river,
            "iron_river_years": None if fitted is None else (int(fitted[0]), int(fitted[1])),
            "missing": list(assessment.missing), "indicators": section("indicators", assessment), "charts": charts,
            "measured_years": _measured_years(assessment.ledger),
            "headline_checks": assessment.verdict.why.checks if assessment.verdict.why is not None else None,
            # the indicator draws of every year, for what-ifs (the ledger of issue 11's specifications)
            "draws": getattr(assessment.ledger, "draws", None),
            "n_weightings": int(assessment.ledger.kind_weights.shape[0])}


def _measured_years(ledger: Any) -> dict[str, list[int]]:
    """Indicator id → the years it has a value (measured or carried)."""
    if getattr(ledger, "draws", None) is not None:
        draws = ledger.draws
        return {i: [int(y) for y, ok in zip(draws.years, draws.available[n]) if ok]
                for n, i in enumerate(draws.table["id"])}
    return {s.indicator.id: [int(y) for y, ok in zip(s.years, s.available) if ok] for s in ledger.indicators}


# ----------------------------------------------------------------------------------------------------
# maps with a year slider: the report's maps, one set of fill colours per year


def _frames(figures: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    """The first year's figure plus, per year, each trace's fill colour and hover name and the scale's top."""
    if not figures:
        return None
    years = sorted(figures)
    base = figures[years[-1]]
    frames = {}
    for year in years:
        traces = figures[year]["data"]
        if len(traces) != len(base["data"]):  # geometry differs: cannot restyle in place, leave the year out
            continue
        frames[str(year)] = {"fillcolor": [t.get("fillcolor") for t in traces[:-1]],
                             "name": [t.get("name") for t in traces[:-1]],
                             "cmax": traces[-1]["marker"]["cmax"], "title": figures[year]["layout"]["title"]["text"]}
    return {"figure": base, "years": [int(y) for y in frames], "frames": frames}


def _map_frames(assessment: Assessment) -> dict[str, Any]:
    """US source-state shares cited up to each year, and Mexican firearm homicide rates in each year."""
    mx: dict[int, dict[str, Any]] = {}
    us: dict[int, dict[str, Any]] = {}
    literature = assessment.inputs.literature
    for year in range(YEAR_SPAN[0], YEAR_SPAN[1] + 1):
        part = section("mx_map", dataclasses.replace(assessment, years=(YEAR_SPAN[0], year)))
        if part.get("available") and part["year"] == year:
            mx[year] = report_charts.mx_map({"maps": {"mx": part}})
        cited = literature[literature["period_end"].isna() | (literature["period_end"] <= year)]
        inputs = dataclasses.replace(assessment.inputs, literature=cited)
        part = section("us_map", dataclasses.replace(assessment, inputs=inputs))
        if part.get("available") and any(s.get("mx_trace_share") is not None for s in part["states"]):
            us[year] = report_charts.us_map({"maps": {"us": part}})
    return {"us": _frames(us), "mx": _frames(mx)}


# ----------------------------------------------------------------------------------------------------
# one window of years


def window_verdict(comparisons: tuple[Comparison, ...], first: int, last: int,
                   checks: dict[int, tuple[str, ...]] | None = None) -> Verdict:
    """The verdict for ``first``–``last``: that window's comparisons, headlined by the headline rule over the
    window's years (``checks``: the full run's per-year reasons, which do not depend on the window), as
    :func:`~ironriver.sovereignty.verdict` does for a ledger of that window; without ``checks``, by its latest
    comparable year."""
    inside = tuple(c for c in comparisons if first <= c.year <= last)
    comparable = [c.year for c in inside if c.kind == "overall" and c.comparable]
    if checks is not None:
        why = choose_headline(checks, comparable, first, last)
        return Verdict(inside, why.year, why)
    return Verdict(inside, max(comparable) if comparable else last)


def window_summary(bundle: dict[str, Any], first: int, last: int) -> dict[str, Any]:
    """What ``assess --years first:last --json`` reports (verdict, comparisons, ledger, notes), plus the
    iron-river section, cut from the full-span run."""
    result = window_verdict(bundle["comparisons"], first, last, bundle.get("headline_checks"))
    inside = (lambda rows: [r for r in rows if first <= r["year"] <= last])
    missing = [m for m in bundle["missing"] if not m.startswith(_COVERAGE_NOTE) and _NO_VALUE not in m]
    fitted = bundle["iron_river_years"]
    if fitted is not None and (first < fitted[0] or last > fitted[1]):
        missing.append(f"{_COVERAGE_NOTE} {max(fitted[0], first)}–{min(fitted[1], last)} of {first}–{last} "
                       f"(it starts in {fitted[0]} and ends in {fitted[1]})")
    for indicator, measured in bundle["measured_years"].items():  # as the chain notes them for a window
        if not any(first <= year <= last for year in measured):
            missing.append(f"{indicator}{_NO_VALUE}{first}–{last}")
    iron_river = dict(bundle["iron_river"])
    iron_river["series"] = inside(iron_river.get("series", []))
    return {"years": [first, last], "seed": bundle["seed"], "scenario": None,
            "verdict": {"year": result.headline_year, "sentence": result.sentence(), "summary": result.summary(),
                        **comparison_record(result.headline)},
            "headline": result.why.to_json() if result.why is not None else None,
            "plain_words": {"threat_score": THREAT_SCORE_SENTENCE, "marks": MARK_LEGEND},
            "status_marks": status_marks(),
            "comparisons": [comparison_record(c) for c in result.comparisons],
            "ledger": inside(bundle["ledger_rows"]), "verdict_by_year": inside(bundle["verdict_rows"]),
            "not_included": list(dict.fromkeys(missing)), "iron_river": iron_river,
            "indicator_list": [{"id": b["id"], "state": b["state"], "kind": b["kind"], "title": b["title"]}
                               for b in bundle["indicators"]],
            "kinds": list(KIND_LABELS), "kind_labels": KIND_LABELS, "states": list(STATES)}
