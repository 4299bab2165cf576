"""The report's charts, each a Plotly figure dict (``{"data": [...], "layout": {...}}``) drawn from the report's
data model, never from raw tables.

Every trace carries the lineage of its numbers in its hover text, so a reader can point at any mark and
see where it came from. The maps are drawn as filled polygons on plain axes rather than with Plotly's geo
traces: geo traces fetch their base map from a CDN, and the report must open offline. The figures are plain
dicts written in the form Plotly's ``graph_objects`` would produce (titles as ``{"text": ...}``, named colour
scales spelled out, shapes and annotations as ``add_hline``/``add_vrect`` write them) and rendered with
validation off: validating them through ``graph_objects`` cost over a second per report, most of it copying the
"plotly_white" template into each figure.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from plotly.colors import get_colorscale, make_colorscale, sample_colorscale, sequential

from ironriver.sovereignty.catalogue import KIND_LABELS
from ironriver.sovereignty.headline import FLAGS, MARK_LEGEND

__all__ = ["all_charts", "verdict_chart", "ledger_heatmap", "overall_chart", "indicator_chart", "iron_river_chart",
           "event_study_chart", "sankey_chart", "us_map", "mx_map", "timeline_chart", "frame_headline_year",
           "shade_years_after_headline", "figure", "axis", "add_hline", "colorscale"]

STATE_COLOURS = {"MEX": "#b2182b", "USA": "#2166ac"}
KIND_COLOURS = {"domestic": "#1b9e77", "interdependence": "#d95f02", "westphalian": "#7570b3",
                "international_legal": "#e7298a", "overall": "#222222"}
PALETTE = ("#b2182b", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#2166ac", "#a6761d")
LAYOUT = dict(margin=dict(l=60, r=20, t=50, b=45), height=420,
              font=dict(family="system-ui, -apple-system, Segoe UI, sans-serif", size=12),
              hoverlabel=dict(align="left"))
Figure = dict[str, Any]


@cache
def _template() -> dict[str, Any]:
    """The "plotly_white" template as plain JSON, resolved once and shared (read-only) by every figure."""
    import plotly.io as pio

    return pio.templates["plotly_white"].to_plotly_json()


def figure(traces: list[dict[str, Any]], title: str, **layout: Any) -> Figure:
    """A figure dict in the report's look: ``LAYOUT`` with ``layout``'s keys over it, "plotly_white"."""
    return {"data": traces, "layout": {"template": _template(), **LAYOUT, "title": {"text": title}, **layout}}


def axis(title: str, **settings: Any) -> dict[str, Any]:
    """An axis with a title."""
    return {"title": {"text": title}, **settings}


def colorscale(name: str) -> list[list[Any]]:
    """A named scale spelled out as Python's plotly has it (plotly.js's built-in "Reds" runs the other way)."""
    return [list(step) for step in get_colorscale(name)]


def _add(fig: Figure, key: str, item: dict[str, Any]) -> None:
    fig["layout"].setdefault(key, []).append(item)


def add_hline(fig: Figure, y: float, line: dict[str, Any]) -> None:
    """A horizontal line across the plot at ``y`` (as ``Figure.add_hline`` draws it)."""
    _add(fig, "shapes", {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y, "yref": "y",
                         "line": line})


def _add_vrect(fig: Figure, x0: float, x1: float, **shape: Any) -> None:
    """A band from ``x0`` to ``x1`` over the plot's full height (as ``Figure.add_vrect`` draws it)."""
    _add(fig, "shapes", {"type": "rect", "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                         **shape})


def _label(fig: Figure, text: str, x: float, xanchor: str, y: int, yanchor: str, **font: Any) -> None:
    """A label inside the plot at ``x`` and the bottom (``y`` 0) or top (1) of its height."""
    label = {"showarrow": False, "text": text, "x": x, "xanchor": xanchor, "xref": "x", "y": y, "yanchor": yanchor,
             "yref": "y domain"}
    if font:
        label["font"] = font
    _add(fig, "annotations", label)


def _wrap(text: str, width: int = 90) -> str:
    """Break a long lineage line for a hover label."""
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def verdict_chart(model: dict[str, Any]) -> Figure:
    """P(Mexico's threat > the USA's) by year, for each kind and overall."""
    traces = []
    rows = model["verdict_by_year"]
    for kind in ("domestic", "interdependence", "westphalian", "international_legal", "overall"):
        # A year where both states score the same (both untouched) is a tie, not a USA win: left out.
        these = [r for r in rows if r["kind"] == kind and r["p_mex_more"] is not None and (r["p_tie"] or 0) <= 0.5]
        traces.append(dict(
            type="scatter", x=[r["year"] for r in these], y=[r["p_mex_more"] for r in these], mode="lines+markers",
            name=KIND_LABELS[kind], line=dict(color=KIND_COLOURS[kind], width=4 if kind == "overall" else 2),
            hovertext=[_wrap(f"{r['sentence']}<br>P(USA more) = {_fmt(r['p_usa_more'])}, tie = {_fmt(r['p_tie'])}"
                             f"<br>lineage: {r['lineage']}") for r in these], hoverinfo="text"))
    fig = figure(traces, "P(Mexico's sovereignty is the more threatened), by year and kind "
                         "(ties, where neither is threatened, left out)",
                 yaxis=axis("probability", range=[-0.02, 1.02]), xaxis=axis("year"))
    add_hline(fig, 0.5, dict(color="#999", dash="dot"))
    shade_years_after_headline(fig, model)
    frame_headline_year(fig, model)
    return fig


def shade_years_after_headline(fig: Figure, model: dict[str, Any]) -> None:
    """Shade the years after the headline year: each rests on forecasts, part years or carried values in at
    least one kind (why: the verdict's ``headline.later_years``)."""
    headline = (model.get("verdict") or {}).get("headline") or {}
    later = [row["year"] for row in headline.get("later_years", [])]
    if later:
        _add_vrect(fig, min(later) - 0.5, max(later) + 0.5, fillcolor="#999", opacity=0.15, line=dict(width=0))
        _label(fig, "not observed in every kind", max(later) + 0.5, "right", 0, "bottom", size=10)


def ledger_heatmap(model: dict[str, Any]) -> Figure:
    """Median threat per state × kind × year, with the 90% interval and lineage on hover."""
    years = sorted({r["year"] for r in model["ledger"]})
    labels, z, text, hover = [], [], [], []
    for state in model["states"]:
        for kind in ("domestic", "interdependence", "westphalian", "international_legal", "overall"):
            cells = {r["year"]: r for r in model["ledger"] if r["state"] == state and r["kind"] == kind}
            labels.append(f"{state} · {KIND_LABELS[kind]}")
            z.append([cells[y]["median"] if y in cells else None for y in years])
            text.append(["" if cells.get(y, {}).get("median") is None else
                         f"{cells[y]['median']:.2f}" + (f"<br>{cells[y]['mark']}" if cells[y].get("mark") else "")
                         for y in years])
            hover.append([_wrap(f"{state} {KIND_LABELS[kind]} {y}: median {_fmt(cells[y]['median'])}, "
                                f"90% interval {_fmt(cells[y]['low90'])}–{_fmt(cells[y]['high90'])}"
                                f"{_status_hover(cells[y])}<br>lineage: {cells[y]['lineage']}") if y in cells else ""
                         for y in years])
    fig = figure([dict(
        type="heatmap", z=z[::-1], x=years, y=labels[::-1], text=text[::-1], texttemplate="%{text}",
        textfont=dict(size=9), hovertext=hover[::-1], hoverinfo="text", colorscale=colorscale("Reds"), zmin=0,
        zmax=1, colorbar=dict(title=dict(text="threat")))],
        "The ledger: threat in [0, 1] (median; hover for the 90% interval and lineage)",
        height=540, margin=dict(l=170, r=20, t=60, b=100))
    _mark_legend(fig, 0.1)
    frame_headline_year(fig, model)
    return fig


def _status_hover(cell: dict[str, Any]) -> str:
    status = cell.get("status")
    return "" if not status or status == "observed" else f"<br>rests partly on values not observed that year: {status}"


def _mark_legend(fig: Figure, below: float = 0.2) -> None:
    """The marks' legend under the chart (``*`` and a letter per flag), visible without hovering; ``below`` is
    its distance under the plot, as a share of the plot's height."""
    _add(fig, "annotations", dict(text=_wrap(MARK_LEGEND, 150), xref="paper", yref="paper", x=0, y=-below,
                                  xanchor="left", yanchor="top", showarrow=False, align="left",
                                  font=dict(size=10, color="#555")))


def frame_headline_year(fig: Figure, model: dict[str, Any]) -> None:
    """Frame the headline year's column (or line) and label it; nothing if the model has no verdict."""
    year = (model.get("verdict") or {}).get("year")
    if year is None:
        return
    _add_vrect(fig, year - 0.5, year + 0.5, line=dict(color="#111", width=2), fillcolor="rgba(0,0,0,0)")
    _add(fig, "annotations", dict(text=f"headline year {year}", x=year, xref="x", y=1, yref="paper",
                                  yanchor="bottom", showarrow=False, font=dict(size=10)))


def overall_chart(model: dict[str, Any]) -> Figure:
    """Each state's overall threat with its 90% interval band."""
    traces = []
    for state in model["states"]:
        rows = sorted((r for r in model["ledger"] if r["state"] == state and r["kind"] == "overall"
                       and r["median"] is not None), key=lambda r: r["year"])
        years = [r["year"] for r in rows]
        colour = STATE_COLOURS[state]
        traces.append(dict(type="scatter", x=years + years[::-1], y=[r["high90"] for r in rows] +
                           [r["low90"] for r in rows][::-1], fill="toself", fillcolor=colour,
                           opacity=0.2, line=dict(width=0), hoverinfo="skip", showlegend=False))
        traces.append(dict(
            type="scatter", x=years, y=[r["median"] for r in rows], mode="lines+markers+text", name=state,
            line=dict(color=colour),
            marker=dict(symbol=[_symbol("circle", r) for r in rows], size=8),
            text=[r.get("mark", "") for r in rows], textposition="top center", textfont=dict(size=9, color=colour),
            hovertext=[_wrap(f"{state} {r['year']}: {_fmt(r['median'])} ({_fmt(r['low90'])}–{_fmt(r['high90'])})"
                             f"{_status_hover(r)}<br>lineage: {r['lineage']}") for r in rows], hoverinfo="text"))
    fig = figure(traces, "Overall threat with 90% intervals (posterior draws × weightings; open marker = "
                         "rests partly on values not observed that year)",
                 height=460, margin=dict(l=60, r=20, t=60, b=110), yaxis=axis("threat", range=[0, 1]),
                 xaxis=axis("year"))
    _mark_legend(fig)
    frame_headline_year(fig, model)
    return fig


def _symbol(base: str, row: dict[str, Any]) -> str:
    """``base`` filled for a value observed that year, open for a forecast, part-year or carried one."""
    status = row.get("status", "observed")
    return base if status in ("observed", "missing", "") else f"{base}-open"


def indicator_chart(model: dict[str, Any], kind: str) -> Figure:
    """The threats of one kind's indicators for both states, with 90% intervals as error bars."""
    traces = []
    blocks = [b for b in model["indicators"] if b["kind"] == kind and b["values"]]
    for number, block in enumerate(blocks):
        values = block["values"]
        colour = PALETTE[number % len(PALETTE)]
        traces.append(dict(
            type="scatter", x=[v["year"] for v in values], y=[v["threat"] for v in values], mode="lines+markers",
            name=f"{block['state']}: {block['title']}",
            line=dict(color=colour, dash="solid" if block["state"] == "MEX" else "dash"),
            marker=dict(symbol=[_symbol("circle" if block["state"] == "MEX" else "square",
                                        {"status": "observed" if v["status"] == "observed" else "flagged"})
                                for v in values], size=8),
            error_y=dict(type="data", symmetric=False,
                         array=[(v["threat_high90"] or 0) - (v["threat"] or 0) for v in values],
                         arrayminus=[(v["threat"] or 0) - (v["threat_low90"] or 0) for v in values],
                         thickness=1, width=2),
            hovertext=[_wrap(f"{block['title']} ({block['state']}) {v['year']}: value {_fmt(v['value'], 3)} "
                             f"{block['unit']} (90% {_fmt(v['low90'], 3)}–{_fmt(v['high90'], 3)}); threat "
                             f"{_fmt(v['threat'])} ({_fmt(v['threat_low90'])}–{_fmt(v['threat_high90'])})"
                             f"{_status_hover({'status': FLAGS.get(v['status'], 'observed')})}<br>"
                             f"lineage: {v['lineage']['value']}<br>transform: {block['transform']}")
                       for v in values], hoverinfo="text"))
    return figure(traces, _wrap(f"{KIND_LABELS[kind].capitalize()} sovereignty: indicator threats "
                                f"(MEX solid, USA dashed; bars = 90% intervals; open marker = forecast, part "
                                f"year or carried forward)", 110),
                  legend=dict(orientation="h", y=-0.25), margin=dict(l=60, r=20, t=75, b=45),
                  yaxis=axis("threat", range=[-0.02, 1.02]), xaxis=axis("year"))


def iron_river_chart(model: dict[str, Any]) -> Figure | None:
    """The iron-river series with its 90% band and the literature's estimates marked."""
    section = model["iron_river"]
    if not section["available"]:
        return None
    rows = section["series"]
    years = [r["year"] for r in rows]
    traces = [dict(type="scatter", x=years + years[::-1],
                   y=[r["high90"] for r in rows] + [r["low90"] for r in rows][::-1],
                   fill="toself", fillcolor="#b2182b", opacity=0.2, line=dict(width=0),
                   name="90% interval", hoverinfo="skip")]
    traces.append(dict(
        type="scatter", x=years, y=[r["median"] for r in rows], mode="lines+markers", name="posterior median",
        line=dict(color="#b2182b"), marker=dict(symbol=["circle-open" if r.get("forecast") else "circle"
                                                        for r in rows], size=8),
        hovertext=[_wrap(f"{r['year']}: {_fmt(r['median'], 0)} guns/year (90% {_fmt(r['low90'], 0)}–"
                         f"{_fmt(r['high90'], 0)})<br>lineage: {r['lineage']}") for r in rows], hoverinfo="text"))
    fig = figure(traces, "The iron river: guns trafficked from the US to Mexico per year",
                 yaxis=axis("guns per year", rangemode="tozero"), xaxis=axis("year"))
    _mark_forecast(fig, rows)
    marks = [m for m in section["literature"] if m["period_start"] is not None]
    first, last = model["meta"]["first_year"], model["meta"]["last_year"]
    marks = [m for m in marks if m["period_end"] >= first and m["period_start"] <= last]
    if marks:
        traces.append(dict(
            type="scatter", x=[(m["period_start"] + m["period_end"]) / 2 for m in marks], y=[m["value"] for m in marks],
            mode="markers", name="literature estimates", marker=dict(symbol="diamond", size=10, color="#333"),
            error_y=dict(type="data", symmetric=False,
                         array=[(m["high"] or m["value"]) - m["value"] for m in marks],
                         arrayminus=[m["value"] - (m["low"] or m["value"]) for m in marks]),
            hovertext=[_wrap(f"{m['id']}: {_fmt(m['value'], 0)} guns/year ({m['period_start']}–{m['period_end']})"
                             f"<br>{m['source']}<br>lineage: {m['lineage']}") for m in marks], hoverinfo="text"))
    return fig


def _mark_forecast(fig: Figure, rows: list[dict[str, Any]]) -> None:
    """Dash the median over the forecast years (no evidence: the random walk's forecast) and shade them."""
    ahead = [r for r in rows if r.get("forecast")]
    if not ahead:
        return
    joined = [r for r in rows if r["year"] == ahead[0]["year"] - 1] + ahead   # the dashes start at the last evidence
    fig["data"].append(dict(type="scatter", x=[r["year"] for r in joined], y=[r["median"] for r in joined],
                            mode="lines", name="forecast (no evidence)",
                            line=dict(color="#b2182b", dash="dash", width=3), hoverinfo="skip"))
    _add_vrect(fig, ahead[0]["year"] - 0.5, ahead[-1]["year"] + 0.5, fillcolor="#999", opacity=0.15,
               line=dict(width=0))
    _label(fig, "forecast: no evidence", ahead[0]["year"] - 0.5, "left", 1, "top", size=10)


def event_study_chart(model: dict[str, Any]) -> Figure | None:
    """The spillover event study: effect by year with 95% intervals, 2003 the reference year."""
    section = model["spillover"]
    if not section["available"] or not section["event_study"]:
        return None
    rows = section["event_study"]
    trace = dict(
        type="scatter", x=[r["year"] for r in rows], y=[r["estimate"] for r in rows], mode="markers+lines",
        marker=dict(size=9, color="#7570b3"),
        error_y=dict(type="data", symmetric=False,
                     array=[(r["high95"] if r["high95"] is not None else r["estimate"] or 0) - (r["estimate"] or 0)
                            for r in rows],
                     arrayminus=[(r["estimate"] or 0) - (r["low95"] if r["low95"] is not None else r["estimate"] or 0)
                                 for r in rows]),
        hovertext=[_wrap(f"{r['year']}: {_fmt(r['estimate'], 1)}% (95% {_fmt(r['low95'], 1)}–{_fmt(r['high95'], 1)})"
                         f"<br>lineage: {r['lineage']}") for r in rows], hoverinfo="text", name="event study")
    effect = section["effect_pct"]
    fig = figure([trace], f"Spillover: firearm homicides in Mexico's border states after the US ban "
                          f"expired — {_fmt(effect.get('estimate'), 1)}% "
                          f"(95% {_fmt(effect.get('low95'), 1)} to {_fmt(effect.get('high95'), 1)})",
                 yaxis=axis("% change vs comparison states"), xaxis=axis("year"))
    add_hline(fig, 0, dict(color="#999"))
    _add(fig, "shapes", {"type": "line", "x0": 2004.7, "x1": 2004.7, "xref": "x", "y0": 0, "y1": 1,
                         "yref": "y domain", "line": dict(color="#b2182b", dash="dash")})
    _label(fig, "AWB expires (Sep 2004)", 2004.7, "right", 1, "top")
    return fig


def sankey_chart(model: dict[str, Any]) -> Figure | None:
    """The simulated supply chain (baseline; the scenario too if one was given) as a Sankey diagram."""
    section = model["sankey"]
    if not section["available"]:
        return None
    run = section["runs"].get("scenario") or section["runs"]["baseline"]
    links = [l for l in run["links"] if l["value"]]
    nodes = list(dict.fromkeys([l["source"] for l in links] + [l["target"] for l in links]))
    index = {name: i for i, name in enumerate(nodes)}
    trace = dict(
        type="sankey", node=dict(label=nodes, pad=14, thickness=16, color="#888"),
        link=dict(source=[index[l["source"]] for l in links], target=[index[l["target"]] for l in links],
                  value=[l["value"] for l in links],
                  customdata=[_wrap(f"lineage: {l['lineage']}") for l in links],
                  hovertemplate="%{source.label} → %{target.label}: %{value:,.0f} guns<br>%{customdata}<extra></extra>"))
    which = "scenario " + run["name"] if "scenario" in section["runs"] else "baseline"
    change = run.get("arrived_change_pct")
    extra = (f"; arrivals {_fmt(change['median'], 1)}% vs baseline (90% {_fmt(change['low'], 1)} to "
             f"{_fmt(change['high'], 1)})") if change else ""
    return figure([trace], _wrap(f"The supply chain, simulated ({which}; {_fmt(run['arrived'], 0)} guns a year "
                                 f"arrive in Mexico{extra}): source → channel → crossing → outcome", 120),
                  height=520)


def _rings(geometry: str) -> list[list[list[float]]]:
    shape = json.loads(geometry)
    if shape["type"] == "Polygon":
        return shape["coordinates"]
    if shape["type"] == "MultiPolygon":
        return [ring for polygon in shape["coordinates"] for ring in polygon]
    return []


def _polygon_map(states: list[dict[str, Any]], value_key: str, label: str, colorscale: str, title: str,
                 unit: str, digits: int, bounds: tuple[float, float] | None = None,
                 extra: tuple[str, str] | None = None) -> dict[str, Any]:
    """States as filled polygons coloured by ``value_key`` (grey where missing), one trace per state; no
    template (the plain look of plotly.js)."""
    values = [s[value_key] for s in states if s.get(value_key) is not None]
    top = max(values) if values else 1.0
    # An explicit scale: plotly.js's built-in "Reds" runs the other way from Python's sequential.Reds.
    scale = make_colorscale(getattr(sequential, colorscale))
    traces: list[dict[str, Any]] = []
    for state in states:
        value = state.get(value_key)
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in _rings(state["geometry"]):
            if bounds and not any(bounds[0] <= x <= bounds[1] for x, _ in ring):
                continue
            xs += [round(x, 3) for x, _ in ring] + [None]
            ys += [round(y, 3) for _, y in ring] + [None]
        if not xs:
            continue
        colour = "#dddddd" if value is None else sample_colorscale(scale, [value / top if top else 0])[0]
        lineage = state["lineage"].get(value_key, "") if isinstance(state["lineage"], dict) else ""
        text = (f"{state['state_name']}: no value" if value is None else
                f"{state['state_name']}: {value:,.{digits}f} {unit}<br>lineage: {lineage}")
        if extra and state.get(extra[0]) is not None:
            text += (f"<br>{extra[1]}: {state[extra[0]]:.2%}<br>lineage: "
                     f"{state['lineage'].get(extra[0], '')}")
        traces.append({"type": "scatter", "x": xs, "y": ys, "fill": "toself", "fillcolor": colour, "mode": "lines",
                       "line": {"color": "#ffffff", "width": 0.6}, "name": _wrap(text, 70), "hoveron": "fills",
                       "hoverinfo": "name", "showlegend": False})
    traces.append({"type": "scatter", "x": [None], "y": [None], "mode": "markers", "showlegend": False,
                   "hoverinfo": "skip", "marker": {"colorscale": scale, "cmin": 0, "cmax": top, "color": [0],
                                                   "showscale": True, "colorbar": {"title": {"text": label}}}})
    layout = dict(LAYOUT)
    layout.update(height=460, title={"text": title}, paper_bgcolor="#ffffff", plot_bgcolor="#ffffff",
                  xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1.15})
    return {"data": traces, "layout": layout}


def us_map(model: dict[str, Any]) -> dict[str, Any] | None:
    """US states: share of Mexican crime-gun traces sourced there (literature); grey where none is cited."""
    section = model["maps"]["us"]
    if not section["available"]:
        return None
    states = [s for s in section["states"] if s["state_code"] not in ("AK", "HI", "PR")]
    figure = _polygon_map(states, "mx_trace_share", "share", "Reds",
                          "US source states: share of guns traced in Mexico first sold in each state (cited)",
                          "of US-sourced traces in Mexico", 2, bounds=(-125.0, -66.0),
                          extra=("border_recovery_share", "share of US crime guns recovered in AZ/CA/NM/TX "
                                                          "first sold here, 2010–2020"))
    return figure


def mx_map(model: dict[str, Any]) -> dict[str, Any] | None:
    """Mexican states: firearm homicide rate in the latest year of the window."""
    section = model["maps"]["mx"]
    if not section["available"]:
        return None
    return _polygon_map(section["states"], "rate", "per 100,000", "Reds",
                        f"Mexican states: firearm homicide rate, {section['year']}"
                        + (f" ({section['note']})" if section.get("note") else "") + " (per 100,000 per year)",
                        "per 100,000", 1)


def timeline_chart(model: dict[str, Any]) -> Figure:
    """The dated events, one lane per kind of sovereignty, coloured by the state affected."""
    lanes = {"domestic": 0, "interdependence": 1, "westphalian": 2, "international_legal": 3}
    traces = []
    for state in model["states"]:
        events = [e for e in model["timeline"] if e["state_affected"] == state]
        traces.append(dict(
            type="scatter", x=[e["date"] for e in events], y=[KIND_LABELS[e["kind"]] for e in events], mode="markers",
            name=f"affects {state}", marker=dict(size=10, color=STATE_COLOURS[state], symbol="circle"),
            hovertext=[_wrap(f"{e['date']}{' → ' + e['end_date'] if e['end_date'] else ''}: {e['event']} "
                             f"({e['category']}; {e['actor']} → {e['target']})<br>source: {e['source']}<br>"
                             f"lineage: timeline {e['id']}") for e in events], hoverinfo="text"))
        for e in events:
            if e["end_date"]:
                traces.append(dict(type="scatter", x=[e["date"], e["end_date"]], y=[KIND_LABELS[e["kind"]]] * 2,
                                   mode="lines", line=dict(color=STATE_COLOURS[state], width=6),
                                   opacity=0.4, hoverinfo="skip", showlegend=False))
    return figure(traces, "The record: dated events by the kind of sovereignty they bear on",
                  yaxis=dict(categoryorder="array", categoryarray=[KIND_LABELS[k] for k in lanes]),
                  xaxis=axis("date", type="date"))


def all_charts(model: dict[str, Any]) -> dict[str, Figure | None]:
    """Every chart of the report by section id (None where the section's model is not available)."""
    charts: dict[str, Figure | None] = {
        "verdict": verdict_chart(model),
        "ledger": ledger_heatmap(model),
        "overall": overall_chart(model),
    }
    for kind in ("domestic", "interdependence", "westphalian", "international_legal"):
        charts[f"indicators-{kind}"] = indicator_chart(model, kind)
    charts.update({"iron-river": iron_river_chart(model), "spillover": event_study_chart(model),
                   "sankey": sankey_chart(model), "map-us": us_map(model), "map-mx": mx_map(model),
                   "timeline": timeline_chart(model)})
    from ironriver.report.verdict_analysis import perspectives_chart, sensitivity_chart

    charts.update({"perspectives": perspectives_chart(model), "sensitivity": sensitivity_chart(model)})
    return charts
