"""The report's "What would change the verdict" section: perspectives, specification uncertainty, Sobol, flips.

:func:`verdict_analysis_model` turns a :class:`~ironriver.sovereignty.contest.Contest` into the report's data
model branch (every number with its lineage); :func:`perspectives_chart` and :func:`sensitivity_chart` draw
it; :func:`verdict_analysis_section` writes the HTML of the section around those charts.
"""

from __future__ import annotations

import html
from typing import Any

from ironriver.report.charts import (Figure, add_hline, axis, colorscale, figure, frame_headline_year,
                                     shade_years_after_headline)

__all__ = ["verdict_analysis_model", "perspectives_chart", "sensitivity_chart", "verdict_analysis_section"]

_PALETTE = ("#222222", "#d95f02", "#7570b3", "#1b9e77", "#e7298a", "#66a61e", "#e6ab02")
_SOBOL_LINEAGE = ("derived: Sobol indices (Saltelli 2010 estimators, SALib) of the overall score gap MEX − USA "
                  "over {n} re-aggregations of the cached indicator draws; interval = 95% bootstrap")


def verdict_analysis_model(contest: Any) -> dict[str, Any]:
    """The data-model branch of a :class:`~ironriver.sovereignty.contest.Contest` (JSON-ready, with lineage)."""
    out = contest.to_json_dict()
    n_evaluations = int(contest.sensitivity.attrs.get("n_evaluations", 0)) or None
    sobol_lineage = _SOBOL_LINEAGE.format(n=n_evaluations or "several thousand")
    for row in out["sensitivity"]:
        row["lineage"] = sobol_lineage
    for spec in [out["specification"], *out["specifications"]]:
        spec["lineage"] = (f"derived: P over posterior draws × kind weightings under {spec['file']} "
                           "(re-aggregation of the cached indicator draws)")
        for key in ("p_mex_more", "p_usa_more"):
            spec[key] = {**spec[key], "lineage": spec["lineage"]}
    uncertainty = out["specification_uncertainty"]
    uncertainty["lineage"] = "run settings of the specification sample"
    for row in uncertainty["by_year"]:
        row["lineage"] = ("derived: sampled specifications (normalisation, aggregations, one indicator left out or "
                          "none, carry-forward cap, spillover half-life), each over posterior draws × weights")
    for flip in out["flip"]:
        flip["lineage"] = "derived: flip search over single changes within the stated ranges"
        for change in [flip["smallest"], *flip["alternatives"]]:
            if change:
                change["lineage"] = ("derived: flip search; value within the input's stated range (assumption "
                                     "ranges, reference ranges of the indicator table)")
    return out


def perspectives_chart(model: dict[str, Any]) -> Figure | None:
    """P(Mexico's sovereignty the more threatened) by year under each shipped perspective."""
    branch = model.get("verdict_analysis")
    if not branch:
        return None
    traces = []
    for n, spec in enumerate(branch["specifications"]):
        points = [(int(y), p) for y, p in spec["p_mex_more"].items() if y != "lineage" and p is not None]
        years, values = [y for y, _ in points], [p for _, p in points]
        traces.append(dict(type="scatter", x=years, y=values, mode="lines+markers", name=spec["name"],
                           line=dict(color=_PALETTE[n % len(_PALETTE)], width=3 if n == 0 else 2),
                           hovertext=[f"{spec['name']} ({spec['file']}), {y}: P(MEX more) = {p:.2f}"
                                      f"<br>{html.escape(spec['description'])}" for y, p in zip(years, values)],
                           hoverinfo="text"))
    rows = branch["specification_uncertainty"]["by_year"]
    these = [r for r in rows if r["p_mex_more"] is not None]
    traces.append(dict(
        type="scatter", x=[r["year"] for r in these], y=[r["p_mex_more"] for r in these], mode="lines",
        name="all specifications",
        line=dict(color="#999", dash="dash", width=2),
        hovertext=[f"{r['year']}: P(MEX more) = {r['p_mex_more']:.2f} over sampled specifications; Mexico's the "
                   f"more threatened under {100 * (r['share_specifications_mex'] or 0):.0f}% of them, the USA's under "
                   f"{100 * (r['share_specifications_usa'] or 0):.0f}%" for r in these], hoverinfo="text"))
    fig = figure(traces, "P(Mexico's sovereignty is the more threatened) under each perspective",
                 yaxis=axis("P(MEX more threatened)", range=[0, 1.02]), xaxis=axis("year"))
    add_hline(fig, 0.5, dict(color="#999", dash="dot"))
    mark_headline_years(fig, model)
    return fig


def sensitivity_chart(model: dict[str, Any]) -> Figure | None:
    """Total Sobol index of the score gap by input group (rows) and year (columns)."""
    branch = model.get("verdict_analysis")
    if not branch or not branch["sensitivity"]:
        return None
    rows = branch["sensitivity"]
    years = sorted({r["year"] for r in rows})
    totals: dict[str, float] = {}
    for r in rows:
        totals[r["group"]] = totals.get(r["group"], 0.0) + max(r["ST"] or 0.0, 0.0)
    groups = sorted(totals, key=totals.get)
    cell = {(r["group"], r["year"]): r for r in rows}
    z, text = [], []
    for group in groups:
        z.append([cell[(group, y)]["ST"] if (group, y) in cell else None for y in years])
        text.append([(f"{group}, {y}: total index {cell[(group, y)]['ST']:.2f} "
                      f"[{cell[(group, y)]['ST_low']:.2f}–{cell[(group, y)]['ST_high']:.2f}], first-order "
                      f"{cell[(group, y)]['S1']:.2f}"
                      + (f"; {100 * cell[(group, y)]['share_undefined']:.0f}% of evaluations left the states no kind "
                         "in common (gap 0)" if cell[(group, y)].get("share_undefined") else ""))
                     if (group, y) in cell else "" for y in years])
    fig = figure([dict(type="heatmap", x=years, y=groups, z=z, zmin=0, zmax=1, colorscale=colorscale("Blues"),
                       hovertext=text, hoverinfo="text", colorbar=dict(title=dict(text="total<br>Sobol")))],
                 "What drives the gap between the two states' scores (total Sobol index)",
                 height=460, margin=dict(l=210, r=20, t=50, b=45), xaxis=axis("year"))
    mark_headline_years(fig, model)
    return fig


def verdict_analysis_section(model: dict[str, Any], charts_html: str) -> str:
    """The HTML of the section (without its charts, passed in already rendered)."""
    branch = model.get("verdict_analysis")
    if not branch:
        return ('<section id="what-would-change"><h2>What would change the verdict</h2><p class="missing">'
                "Not included in this run.</p></section>")
    e = html.escape
    spec = branch["specification"]
    headline = (model.get("verdict") or {}).get("year")
    flips = "".join(f"<li>{e(f['change'])}</li>" for f in branch["flip"])
    perspectives = "".join(
        f"<tr><td><code>{e(p['file'])}</code></td><td>{e(p['description'])}</td>"
        + "".join(f"<td>{'—' if p['p_mex_more'].get(str(y)) is None else format(p['p_mex_more'][str(y)], '.2f')}</td>"
                  for y in _table_years(branch, headline)) + "</tr>" for p in branch["specifications"])
    header = "".join(f"<th>{y}{' (headline)' if y == headline else '*' if headline and y > headline else ''}</th>"
                     for y in _table_years(branch, headline))
    later = ("<p class=\"plain\">* a year after the headline year: in at least one kind, one of the states rests on "
             "no indicator observed that year (see the verdict).</p>"
             if headline and any(y > headline for y in _table_years(branch, headline)) else "")
    intro = (f"The verdict above uses the specification <code>{e(spec['file'])}</code>. Every choice behind it "
             "— which indicators count, how values become threats, how threats are combined, how much each kind "
             "weighs, how long a value may be carried and how fast the spillover fades — is an input with a "
             "stated range. " + e(branch["specification_uncertainty"]["robustness"]))
    return (f'<section id="what-would-change"><h2>What would change the verdict</h2><p>{intro}</p>'
            f"<h3>Under each shipped perspective: P(Mexico's sovereignty is the more threatened)</h3>"
            f"<table><thead><tr><th>file</th><th>whose view</th>{header}</tr></thead><tbody>{perspectives}"
            f"</tbody></table>{later}{charts_html}<h3>What would flip it, year by year</h3><ul class=\"flips\">{flips}</ul>"
            "<p>Run any perspective with <code>ironriver assess --spec specs/NAME.toml</code>, or write your own "
            "file in the same format.</p></section>")


def _table_years(branch: dict[str, Any], headline: int | None = None) -> list[int]:
    """A readable subset of years for the perspectives table: every fifth year, the headline year and the last."""
    years = sorted(int(y) for y in branch["specification"]["p_mex_more"] if y != "lineage")
    if not years:
        return []
    chosen = [y for y in years if y % 5 == 0] + ([headline] if headline in years else [])
    return sorted(set(chosen + [years[-1]]))


def mark_headline_years(fig: Figure, model: dict[str, Any]) -> None:
    """The report's marks for years: the headline year framed, the years after it shaded."""
    shade_years_after_headline(fig, model)
    frame_headline_year(fig, model)
