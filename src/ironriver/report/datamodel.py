"""The report's data model: every number the report shows, each with its lineage, as one JSON-ready tree.

:func:`build_model` turns an :class:`~ironriver.sovereignty.chain.Assessment` into nested dicts and
lists. Charts (:mod:`~ironriver.report.charts`) and the HTML page (:mod:`~ironriver.report.html`) are
drawn only from this tree, and the tree is embedded in the page as JSON, so what the reader sees, what
the tooltips say and what the lineage test walks (:mod:`~ironriver.report.lineage`) are the same thing.
Sections whose model is not available carry ``available: False`` and a note saying so.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ironriver.assumptions import all_assumptions
from ironriver.report.claims import claims_block
from ironriver.sovereignty.catalogue import INDICATORS, KINDS, STATES
from ironriver.sovereignty.chain import Assessment, concept_records, forecast_years
from ironriver.plain_words import GLOSSARY_PAGE, THREAT_SCORE_SENTENCE
from ironriver.sovereignty.events import CODING_RULE
from ironriver.sovereignty.headline import MARK_LEGEND, mark
from ironriver.sovereignty.measures import firearm_homicide_rates
from ironriver.sovereignty.verdict import KIND_NAMES, sentence

__all__ = ["build_model", "to_json", "section", "SECTIONS", "comparison_record"]

BORDER_STATES_US = ("AZ", "CA", "NM", "TX")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _f(value: Any, digits: int = 6) -> float | None:
    """A JSON-safe float (None for NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else round(value, digits)


def _verdict_rows(assessment: Assessment) -> list[dict[str, Any]]:
    rows = []
    for c in assessment.verdict.comparisons:
        rows.append({"year": c.year, "kind": c.kind, "p_mex_more": _f(c.p_mex_more), "p_usa_more": _f(c.p_usa_more),
                     "p_tie": _f(c.p_tie), "share_weightings_mex": _f(c.share_weightings_mex),
                     "share_draws_mex": _f(c.share_draws_mex), "n_cells": c.n_cells,
                     "sentence": sentence(c),
                     "lineage": f"derived from the ledger's {c.kind} scores {c.year}: {c.n_cells} cells of "
                                f"posterior draws × Dirichlet weightings (assumptions dirichlet_concentration_*)"})
    return rows


_HEADLINE_LINEAGE = ("derived: the headline rule (ironriver.sovereignty.headline.RULE) applied to the status of "
                     "every indicator in every year")


def _headline(verdict: Any) -> dict[str, Any] | None:
    """Why the verdict's year is the headline, and why each later year is not (None if not known)."""
    if verdict.why is None:
        return None
    section = verdict.why.to_json()
    section["later_years"] = [{**row, "lineage": _HEADLINE_LINEAGE} for row in section["later_years"]]
    return {**section, "lineage": _HEADLINE_LINEAGE}


def _ledger_rows(assessment: Assessment) -> list[dict[str, Any]]:
    rows = []
    for row in assessment.ledger.table().to_dict("records"):
        used = row["indicators"] or "none"
        rows.append({"state": row["state"], "kind": row["kind"], "year": int(row["year"]),
                     "median": _f(row["median"]), "low90": _f(row["low90"]), "high90": _f(row["high90"]),
                     "indicators": row["indicators"], "status": row["status"], "mark": mark(row["status"]),
                     "lineage": f"derived: Dirichlet-weighted mean of indicator threats ({used}); median and 90% "
                                f"interval over posterior draws × weightings"})
    return rows


def _transform_text(row: dict[str, Any]) -> str:
    if row["transform"] == "share":
        return "threat = the share itself (clipped to [0, 1])"
    shared = "both states' indicators of the concept" if row["shared_reference"] else "this indicator"
    return (f"threat = x / (x + r), r drawn log-uniformly in {row['reference_low']:.4g}–{row['reference_high']:.4g} "
            f"{row['unit']} (10th–90th percentile of the observed values of {shared}; median "
            f"{row['reference']:.4g}; assumption reference_range_quantiles)")


def _indicator_blocks(assessment: Assessment) -> list[dict[str, Any]]:
    table = assessment.ledger.indicator_table()
    blocks = []
    for row in assessment.ledger.draws.table.to_dict("records"):
        rows = table[table["indicator"] == row["id"]]
        transform = _transform_text(row)
        values = []
        for r in rows.to_dict("records"):
            values.append({"year": int(r["year"]), "value": _f(r["value"]), "low90": _f(r["low90"]),
                           "high90": _f(r["high90"]), "threat": _f(r["threat"]),
                           "threat_low90": _f(r["threat_low90"]), "threat_high90": _f(r["threat_high90"]),
                           "status": r["status"],
                           "lineage": {
                               "year": r["lineage"], "value": r["lineage"], "low90": r["lineage"] + " (draws)",
                               "high90": r["lineage"] + " (draws)",
                               **{k: f"derived: {transform} applied to {row['id']} ({r['lineage']})"
                                  for k in ("threat", "threat_low90", "threat_high90")}}})
        meta = INDICATORS[row["id"]]
        tag = f"derived: reference range of concept {row['concept']} (assumption reference_range_quantiles)"
        blocks.append({"id": row["id"], "state": row["state"], "kind": row["kind"], "concept": row["concept"],
                       "title": row["title"], "formula": row["formula"], "unit": row["unit"],
                       "direction": row["direction"], "source": row["source"], "sources": list(meta.sources),
                       "transform": transform, "reference": _f(row["reference"]),
                       "reference_low": _f(row["reference_low"]), "reference_high": _f(row["reference_high"]),
                       "max_years_carried": int(row["max_years_carried"]),
                       "lineage": {"reference": tag, "reference_low": tag, "reference_high": tag,
                                   "max_years_carried": "derived: carry rule (assumption carry_forward_cap_years)"},
                       "values": values})
    return blocks


SATURATED = (0.1, 0.9)
"""A median threat outside this band in every year with a value counts as saturated (it cannot move)."""


def _saturated(assessment: Assessment) -> list[dict[str, Any]]:
    """Indicators whose median threat stays below 0.1 or above 0.9 in every year of the window with a value."""
    table = assessment.ledger.indicator_table()
    meta = assessment.ledger.draws.table.set_index("id")
    out = []
    for indicator_id, rows in table.groupby("indicator", sort=False):
        threat = rows["threat"].to_numpy(dtype=float)
        if threat.size and ((threat > SATURATED[1]).all() or (threat < SATURATED[0]).all()):
            row = meta.loc[indicator_id]
            why = ("a share is its own threat (no reference point); the share itself stays near its bound"
                   if row["transform"] == "share" else
                   "its values sit at one end of the range pooled with the other state's indicator of the concept "
                   "(the two states differ by more than the range's spread)" if row["shared_reference"] else
                   "its values in the window sit at one end of its own observed range")
            out.append({"id": indicator_id, "low": _f(threat.min()), "high": _f(threat.max()), "why": why,
                        "lineage": f"derived: median threats of {indicator_id} over the window's years with a value"})
    return out


def _iron_river(assessment: Assessment) -> dict[str, Any]:
    literature = assessment.inputs.literature
    flows = literature[literature["quantity"] == "guns_trafficked_us_to_mx_per_year"]
    marks = [{"id": r["id"], "value": _f(r["value"]), "low": _f(r["low"]), "high": _f(r["high"]),
              "period_start": None if pd.isna(r["period_start"]) else int(r["period_start"]),
              "period_end": None if pd.isna(r["period_end"]) else int(r["period_end"]),
              "source": r["source"], "lineage": f"literature {r['id']}"} for r in flows.to_dict("records")]
    if assessment.iron_river is None:
        return {"available": False, "note": _note(assessment, "iron-river"), "series": [], "literature": marks}
    draws = assessment.iron_river["draws"]
    lo, hi = assessment.years
    draws = draws[(draws["year"] >= lo) & (draws["year"] <= hi)]
    grouped = draws.groupby("year")["guns_per_year"]
    n = int(draws["draw"].nunique())
    forecast = forecast_years(assessment.iron_river.get("summary"))
    series = [{"year": int(year), "median": _f(g.median(), 1), "low90": _f(g.quantile(0.05), 1),
               "high90": _f(g.quantile(0.95), 1), "forecast": int(year) in forecast,
               "lineage": f"model iron_river posterior ({n} draws, seed {assessment.seed}), year {int(year)}"
                          + (": no evidence this year, the random walk's forecast" if int(year) in forecast else "")}
              for year, g in grouped]
    comparison = []
    table = assessment.iron_river.get("compare_literature")
    if isinstance(table, pd.DataFrame):
        tag = f"model iron_river compare_literature (seed {assessment.seed})"
        for r in table.to_dict("records"):
            if r.get("value") is None or pd.isna(r.get("value")):
                continue
            comparison.append({
                "id": r["id"], "kind": r.get("kind", ""), "period": r.get("period", ""),
                "value": _f(r["value"]), "posterior_median": _f(r.get("posterior_median")),
                "posterior_q05": _f(r.get("posterior_q05")), "posterior_q95": _f(r.get("posterior_q95")),
                "percentile": _f(r.get("percentile")), "verdict": str(r.get("verdict", "")),
                "fitted": bool(r.get("fitted", False)),
                "lineage": {"value": f"literature {r['id']}",
                            **{k: tag for k in ("posterior_median", "posterior_q05", "posterior_q95", "percentile")}}})
    first, last = assessment.iron_river.get("years", (lo, hi))
    note = (f"The estimate covers {max(first, lo)}–{min(last, hi)} of the window {lo}–{hi}."
            if lo < first or hi > last else "")
    return {"available": True, "note": note, "series": series, "literature": marks,
            "comparison": comparison, "scenario": assessment.scenario or ""}


def _spillover(assessment: Assessment) -> dict[str, Any]:
    if assessment.spillover is None:
        return {"available": False, "note": _note(assessment, "spillover")}
    summary = assessment.spillover["summary"]
    tag = f"model spillover (seed {assessment.seed})"
    effect = {k: _f(v, 3) for k, v in summary["effect_pct"].items() if isinstance(v, (int, float))}
    deaths = {k: _f(v, 1) for k, v in summary.get("extra_deaths_per_year", {}).items() if isinstance(v, (int, float))}
    return {"available": True, "note": "",
            "effect_pct": {**effect, "lineage": f"{tag} effect_pct: % change in firearm homicides, border states"},
            "extra_deaths_per_year": {**deaths, "lineage": f"{tag} extra_deaths_per_year"},
            "pretrend_p": _f(summary.get("pretrend_p"), 4),
            "event_study": [{"year": int(r["year"]), "estimate": _f(r["estimate"], 3), "low95": _f(r["low95"], 3),
                             "high95": _f(r["high95"], 3), "lineage": f"{tag} event_study {int(r['year'])}"}
                            for r in summary.get("event_study", [])],
            "lineage": f"{tag} pretrend_p"}


def _sankey(assessment: Assessment) -> dict[str, Any]:
    if assessment.simulation is None:
        return {"available": False, "note": _note(assessment, "simulation")}
    runs = {}
    for name, run in assessment.simulation.items():
        tag = (f"model simulate {name} ({run.get('replicates', '?')} replicates, seed {assessment.seed}, "
               f"calibration: {run.get('calibration', 'unknown')})")
        entry: dict[str, Any] = {
            "name": run.get("name", name), "calibration": run.get("calibration", ""),
            "arrived": _f(run["arrived"], 1),
            "links": [{"source": r["source"], "target": r["target"], "value": _f(r["value"], 1),
                       "lineage": f"{tag}: mean guns a year"} for r in run["sankey"].to_dict("records")],
            "lineage": f"{tag}: guns a year arriving in Mexico"}
        if "arrived_change_pct" in run:
            entry["arrived_change_pct"] = {**{k: _f(v, 3) for k, v in run["arrived_change_pct"].items()},
                                           "lineage": f"{tag}: paired % change in arrivals vs the baseline"}
        runs[name] = entry
    return {"available": True, "note": "", "runs": runs}


def _note(assessment: Assessment, word: str) -> str:
    hits = [m for m in assessment.missing if word in m.lower()]
    return "; ".join(hits) if hits else f"the {word} model is not available"


def _map_states(geo: pd.DataFrame, country: str,
                fill: Callable[[str, dict[str, Any]], None]) -> list[dict[str, Any]]:
    """One map entry per state of ``country`` in ``geo_states`` (code, name, geometry), completed by ``fill``."""
    states = []
    for row in geo[geo["country"] == country].to_dict("records"):
        entry: dict[str, Any] = {"state_code": row["state_code"], "state_name": row["state_name"],
                                 "geometry": row["geometry"], "lineage": {}}
        fill(row["state_code"], entry)
        states.append(entry)
    return states


def _us_map(assessment: Assessment) -> dict[str, Any]:
    geo = assessment.inputs.table("geo_states")
    if geo is None:
        return {"available": False, "note": "store table geo_states is not built yet"}
    literature = assessment.inputs.literature
    shares = literature[(literature["quantity"] == "source_state_share_traces_mx")
                        & literature["geography"].str.fullmatch(r"[A-Z]{2}")]
    latest = (shares.sort_values(["period_end", "period_start"]).groupby("geography").tail(1)
              .set_index("geography"))
    traces = assessment.inputs.table("atf_traces_us")
    supplied: dict[str, float] = {}
    total = 0.0
    if traces is not None:
        border = traces[traces["recovery_state"].isin(BORDER_STATES_US)]
        total = float(border["guns_recovered"].sum())
        supplied = (border.groupby("source_state")["guns_recovered"].sum() / total).to_dict()

    def fill(code: str, entry: dict[str, Any]) -> None:
        if code in latest.index:
            hit = latest.loc[code]
            entry["mx_trace_share"] = _f(hit["value"], 4)
            entry["lineage"]["mx_trace_share"] = f"literature {hit['id']}"
            entry["mx_trace_period"] = f"{hit['period_start']}–{hit['period_end']}"
        if code in supplied:
            entry["border_recovery_share"] = _f(supplied[code], 5)
            entry["lineage"]["border_recovery_share"] = (
                "store atf_traces_us recovery_state in AZ/CA/NM/TX, 2010–2020: share first sold in this state")

    return {"available": True, "states": _map_states(geo, "USA", fill), "border_total": _f(total, 0),
            "lineage": {"border_total": "store atf_traces_us recovery_state in AZ/CA/NM/TX, 2010–2020 (sum)"}}


def _mx_map(assessment: Assessment) -> dict[str, Any]:
    geo = assessment.inputs.table("geo_states")
    homicides, population = assessment.inputs.table("mx_homicides"), assessment.inputs.table("mx_population")
    if geo is None or homicides is None or population is None:
        return {"available": False, "note": "store tables geo_states / mx_homicides / mx_population missing"}
    rates = firearm_homicide_rates(homicides, population, by_state=True)
    lo, hi = assessment.years
    in_window = rates[(rates["year"] >= lo) & (rates["year"] <= hi)]
    if in_window.empty:
        return {"available": False, "note": f"no state firearm homicide rates in {lo}–{hi}"}
    year = int(in_window["year"].max())
    this = in_window[in_window["year"] == year].set_index("state_code")
    months = int(this["months_reported"].max())
    note = f"January–{_MONTHS[months - 1]}, annualised" if months < 12 else ""

    def fill(code: str, entry: dict[str, Any]) -> None:
        if code in this.index:
            r = this.loc[code]
            entry["rate"] = _f(r["rate"], 2)
            entry["firearm_homicides"] = _f(r["firearm_homicides"], 0)
            entry["months_reported"] = int(r["months_reported"])
            text = (f"store mx_homicides source={r['source']} {year}, state {code} ({int(r['months_reported'])} "
                    f"months) ÷ mx_population pry23")
            entry["lineage"] = {"rate": text, "firearm_homicides": text, "months_reported": text}

    return {"available": True, "year": year, "note": note, "states": _map_states(geo, "MEX", fill),
            "lineage": {"year": "store mx_homicides: latest year in the window with state counts"}}


def _timeline(assessment: Assessment) -> list[dict[str, Any]]:
    events = []
    for r in assessment.inputs.timeline.to_dict("records"):
        end = r["end_date"]
        events.append({"id": r["id"], "date": r["date"].strftime("%Y-%m-%d"),
                       "end_date": "" if pd.isna(end) else end.strftime("%Y-%m-%d"), "event": r["event"],
                       "category": r["category"], "actor": r["actor"], "target": r["target"],
                       "kind": r["sovereignty_kind"], "state_affected": r["state_affected"], "source": r["source"]})
    return events


def _assumptions() -> list[dict[str, Any]]:
    """The report's assumptions table: the registry's view of the ledger's (stage ``sovereignty``) assumptions."""
    return [{"id": a.name, "value": a.value, "low": a.low, "high": a.high, "unit": a.unit, "justification": a.why,
             "scale": {"loguniform": "log", "uniform": "linear"}.get(a.distribution, a.distribution), "lineage": f"assumption {a.name}"}
            for a in all_assumptions("sovereignty")]


def _cited_ids(model: dict[str, Any], known: pd.Series) -> set[str]:
    """Literature ids named anywhere in the model (lineage, sources), including ``prefix_*`` patterns."""
    text = json.dumps(model, ensure_ascii=False)
    tokens = set(re.findall(r"[a-z][a-z0-9_]+", text))
    cited = tokens & set(known)
    for prefix in re.findall(r"([a-z][a-z0-9_]+)\*", text):
        cited |= {i for i in known if i.startswith(prefix)}
    return cited


def _appendix(assessment: Assessment, model: dict[str, Any]) -> dict[str, Any]:
    from ironriver.data import manifest

    datasets = []
    for name, meta in manifest()["datasets"].items():
        datasets.append({"name": name, "title": meta.get("title", ""), "publisher": meta.get("publisher", ""),
                         "source": meta.get("source_repository", ""), "commit": meta.get("source_commit", ""),
                         "licence": meta.get("licence", ""), "coverage": meta.get("temporal_coverage", ""),
                         "unit_of_analysis": meta.get("unit_of_analysis", "")})
    literature = assessment.inputs.literature
    cited = _cited_ids(model, literature["id"])
    rows = literature[literature["id"].isin(cited)]
    citations = [{"id": r["id"], "quantity": r["quantity"], "value": _f(r["value"]), "low": _f(r["low"]),
                  "high": _f(r["high"]), "unit": r["unit"], "period": r["period"], "source": r["source"],
                  "source_kind": r["source_kind"], "lineage": f"literature {r['id']}"}
                 for r in rows.to_dict("records")]
    return {"datasets": datasets, "citations": citations}


def comparison_record(comparison: Any) -> dict[str, Any]:
    """One verdict comparison (or headline) as ``assess --json`` writes it: NaN as None, floats to 6 digits."""
    return {k: int(v) if isinstance(v, np.integer) else _f(v) if isinstance(v, (float, np.floating)) else v
            for k, v in comparison.__dict__.items()}


SECTIONS: dict[str, Callable[[Assessment], Any]] = {
    "verdict_by_year": _verdict_rows, "ledger": _ledger_rows, "indicators": _indicator_blocks,
    "iron_river": _iron_river, "timeline": _timeline, "us_map": _us_map, "mx_map": _mx_map}
"""The report's sections other front ends draw too (the dashboard), by name: each takes an Assessment and
returns that section of :func:`build_model`'s tree."""


def section(name: str, assessment: Assessment) -> Any:
    """The section ``name`` of the report's data model for ``assessment`` (one of :data:`SECTIONS`)."""
    return SECTIONS[name](assessment)


def build_model(assessment: Assessment) -> dict[str, Any]:
    """The whole report as a JSON-ready tree in which every number has lineage."""
    verdict = assessment.verdict
    headline = next(r for r in _verdict_rows(assessment) if r["year"] == verdict.headline_year
                    and r["kind"] == "overall")
    model: dict[str, Any] = {
        "meta": {"title": "Whose sovereignty does the US–Mexico border threaten?",
                 "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                 "first_year": assessment.years[0], "last_year": assessment.years[1], "seed": assessment.seed,
                 "scenario": assessment.scenario or "", "n_draws": int(assessment.ledger.threat_draws.shape[0]),
                 "n_weightings": int(assessment.ledger.kind_weights.shape[0]),
                 "lineage": "run options (--years, --seed, --scenario) and the ledger's sample sizes"},
        "verdict": {**headline, "summary": verdict.summary(), "across": verdict.across(),
                    "headline": _headline(verdict),
                    "by_kind": [r for r in _verdict_rows(assessment) if r["year"] == verdict.headline_year]},
        "plain_words": {"threat_score": THREAT_SCORE_SENTENCE, "marks": MARK_LEGEND, "glossary": GLOSSARY_PAGE},
        "verdict_by_year": _verdict_rows(assessment),
        "kinds": [{"kind": k, "name": KIND_NAMES[k]} for k in KINDS],
        "states": list(STATES),
        "ledger": _ledger_rows(assessment),
        "indicators": _indicator_blocks(assessment),
        "concepts": concept_records(),
        "coding_rule": CODING_RULE,
        "saturated": _saturated(assessment),
        "iron_river": _iron_river(assessment),
        "spillover": _spillover(assessment),
        "sankey": _sankey(assessment),
        "maps": {"us": _us_map(assessment), "mx": _mx_map(assessment)},
        "timeline": _timeline(assessment),
        "assumptions": _assumptions(),
        "not_included": list(dict.fromkeys(assessment.missing)),
        "claims": claims_block(assessment),
    }
    if getattr(assessment, "contest", None) is not None:
        from ironriver.report.verdict_analysis import verdict_analysis_model

        model["verdict_analysis"] = verdict_analysis_model(assessment.contest)
    model["appendix"] = _appendix(assessment, model)
    return model


def to_json(model: dict[str, Any], *, geometry: bool = True) -> str:
    """The model as JSON (without the map geometries when ``geometry`` is False)."""
    if not geometry:   # a shallow copy without the geometries (the model itself is left as it is)
        maps = {side: ({**entry, "states": [{k: v for k, v in state.items() if k != "geometry"}
                                            for state in entry["states"]]}
                       if isinstance(entry, dict) and "states" in entry else entry)
                for side, entry in model["maps"].items()}
        model = {**model, "maps": maps}
    return json.dumps(model, ensure_ascii=False, allow_nan=False)
