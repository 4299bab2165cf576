"""The self-contained HTML report: one file, Plotly's JavaScript inlined once, opens offline.

:func:`render` turns the report's data model (:mod:`~ironriver.report.datamodel`) into a single HTML
string: the verdict, the ledger (heatmap, table, intervals), the indicators, the iron-river series, the
spillover event study, the simulated supply chain, the maps, the timeline, the assumptions and the data
and citations appendix. Plotly's library goes in once (``plotly.offline.get_plotlyjs()``), each chart
as a ``<div>`` from ``plotly.io.to_html(figure_dict, validate=False, full_html=False)``. Every number in a
table carries its lineage as a tooltip, every chart mark in its hover; the data model itself is embedded
as JSON (``<script id="ironriver-data">``). The page loads nothing from the network. It refuses to render a
model with a number that has no lineage.
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ironriver.files import atomic_write
from ironriver.report.charts import all_charts
from ironriver.report.claims import claims_section
from ironriver.report.datamodel import to_json
from ironriver.report.lineage import check_lineage
from ironriver.sovereignty.catalogue import KIND_LABELS
from ironriver.sovereignty.headline import FLAGS, mark

__all__ = ["render", "write_report", "DEFAULT_REPORT", "chart_count"]

DEFAULT_REPORT = "ironriver-report.html"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["sendDataToCloud"]}

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;background:#fafafa;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:1.2rem 1.5rem 4rem}
h1{font-size:1.7rem;margin:.6rem 0 .2rem}h2{font-size:1.3rem;margin-top:2.4rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
h3{font-size:1.05rem;margin-top:1.4rem}
.meta{color:#666;font-size:.9rem}
.verdict{background:#fff;border-left:6px solid #b2182b;padding:1rem 1.3rem;margin:1.2rem 0;box-shadow:0 1px 3px #0002}
.verdict .headline{font-size:1.25rem;font-weight:600}
.missing{background:#fff8e1;border-left:6px solid #f0b400;padding:.6rem 1.2rem;margin:1rem 0}
.chart{background:#fff;margin:1rem 0;padding:.3rem;box-shadow:0 1px 3px #0001}
table{border-collapse:collapse;width:100%;font-size:.85rem;background:#fff;margin:.6rem 0}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
.num{border-bottom:1px dotted #999;cursor:help;white-space:nowrap}
.mark{color:#8a4b00;font-weight:600;cursor:help}
.plain{color:#444;font-size:.9rem}
nav a{margin-right:.8rem;font-size:.9rem}
details{margin:.5rem 0}
code{font-size:.85em}
"""


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _e(text: Any) -> str:
    return _html.escape(str(text), quote=True)


def _auto_digits(value: float) -> int:
    """Decimals worth showing: none for counts and large values, 2 from 1, 3 below 1."""
    size = abs(value)
    return 0 if size >= 100 else 2 if size >= 1 else 3


def _num(value: float | int | None, lineage: str, digits: int | None = 2, percent: bool = False) -> str:
    """A number with its lineage as a tooltip (``digits=None``: as many decimals as its size deserves)."""
    if value is None:
        return '<span class="num" title="no value">—</span>'
    places = _auto_digits(value) if digits is None else digits
    shown = f"{100 * value:.0f}%" if percent else f"{value:,.{places}f}"
    return f'<span class="num" title="{_e(lineage)}">{shown}</span>'


def _lineage(row: dict[str, Any], key: str) -> str:
    lineage = row.get("lineage", "")
    return lineage.get(key, "") if isinstance(lineage, dict) else lineage


def _chart_div(figure: dict[str, Any], div_id: str) -> str:
    """One chart (a figure dict, rendered without re-validation) as a ``<div>`` without the library."""
    import plotly.io as pio

    div = pio.to_html(figure, include_plotlyjs=False, full_html=False, div_id=div_id, config=PLOTLY_CONFIG,
                      validate=False)
    return '<div class="chart">' + div + "</div>"


def chart_count(model: dict[str, Any]) -> int:
    """How many charts :func:`render` draws for ``model`` (the browser test checks them all)."""
    return sum(figure is not None for figure in all_charts(model).values())


def _verdict_section(model: dict[str, Any]) -> str:
    v = model["verdict"]
    cells = {(r["state"], r["kind"]): r for r in model["ledger"] if r["year"] == v["year"]}
    rows = "".join(
        f"<tr><td>{_e(KIND_LABELS[r['kind']])}{_kind_marks(cells, r['kind'])}</td>"
        f"<td>{_num(r['p_mex_more'], r['lineage'])}</td>"
        f"<td>{_num(r['p_usa_more'], r['lineage'])}</td><td>{_num(r['p_tie'], r['lineage'])}</td>"
        f"<td>{_num(r['share_draws_mex'], r['lineage'], percent=True)}</td>"
        f"<td>{_num(r['share_weightings_mex'], r['lineage'], percent=True)}</td><td>{_e(r['sentence'])}</td></tr>"
        for r in v["by_kind"])
    return (f'<section id="verdict"><div class="verdict"><div class="headline">{_e(v["sentence"])}</div>'
            f"{_headline_reason(v.get('headline'))}<p>{_e(v['across'])}</p>{_plain_words(model)}</div>"
            f"<table><thead><tr><th>kind ({v['year']})</th><th>P(MEX more)</th><th>P(USA more)</th><th>P(tie)</th>"
            f"<th>share of draws, MEX</th><th>share of weightings, MEX</th><th>in words</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")


def _kind_marks(cells: dict[tuple[str, str], dict[str, Any]], kind: str) -> str:
    """Each state's mark on a kind in the verdict's year, e.g. ``MEX *fc``, or nothing if both are observed."""
    marks = [f"{state} {_mark(cells[(state, kind)])}" for state in ("MEX", "USA")
             if (state, kind) in cells and cells[(state, kind)].get("mark")]
    return f"<br><small>{' · '.join(marks)}</small>" if marks else ""


def _headline_reason(headline: dict[str, Any] | None) -> str:
    """Why the headline year, the rule, and why each later year is not the headline (marked in every chart)."""
    if not headline:
        return ""
    later = "".join(f"<li>{y['year']}: {_e('; '.join(y['why_not']))}</li>" for y in headline["later_years"])
    return (f'<p class="why-year" data-testid="headline-reason"><strong>Why {headline["year"]}:</strong> '
            f"{_e(headline['reason'])}</p>"
            f'<details><summary>The rule, and why not a later year</summary><p>{_e(headline["rule"])}</p>'
            + (f"<ul>{later}</ul>" if later else "") + "</details>")


def _plain_words(model: dict[str, Any]) -> str:
    """How to read a threat score, what the marks on cells mean, and where the glossary is."""
    words = model.get("plain_words")
    if not words:
        return ""
    return (f'<p class="plain" data-testid="threat-scale">{_e(words["threat_score"])}</p>'
            f'<p class="plain" data-testid="mark-legend">{_e(words["marks"])}</p>'
            f'<p class="plain">The terms used here (posterior, 90% interval, ESS, k̂, placebo, CR1, Dirichlet '
            f'weighting, …) are explained in the <a href="{_e(words["glossary"])}">glossary</a> '
            f"(<code>{_e(words['glossary'])}</code> in ironriver's source distribution).</p>")


def _missing_section(model: dict[str, Any]) -> str:
    if not model["not_included"]:
        return ""
    items = "".join(f"<li>{_e(m)}</li>" for m in model["not_included"])
    return (f'<section id="not-included" class="missing"><strong>Not included in this run</strong>'
            f"<ul>{items}</ul></section>")


def _ledger_table(model: dict[str, Any]) -> str:
    year = model["verdict"]["year"]
    rows = []
    for state in model["states"]:
        for kind in ("domestic", "interdependence", "westphalian", "international_legal", "overall"):
            cell = next((r for r in model["ledger"] if r["state"] == state and r["kind"] == kind
                         and r["year"] == year), None)
            if cell is None:
                continue
            rows.append(f"<tr><td>{state}</td><td>{_e(KIND_LABELS[kind])}</td><td>{_num(cell['median'], cell['lineage'])}"
                        f"{_mark(cell)}</td><td>{_num(cell['low90'], cell['lineage'])} – "
                        f"{_num(cell['high90'], cell['lineage'])}</td>"
                        f"<td>{_e(cell.get('status', ''))}</td>"
                        f"<td><code>{_e(cell['indicators'] or 'none')}</code></td></tr>")
    return (f"<h3>The ledger in {year} (the headline year)</h3><table><thead><tr><th>state</th><th>kind</th>"
            f"<th>median threat</th><th>90% interval</th><th>values not observed in {year}</th><th>indicators</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _mark(row: dict[str, Any]) -> str:
    """A cell's visible mark (``*`` and a letter per flag), with its flags in words as a tooltip."""
    if not row.get("mark"):
        return ""
    return f'<span class="mark" title="{_e(row["status"])}">{_e(row["mark"])}</span>'


def _status_words(status: str) -> str:
    """An indicator status as a cell flag (``carried`` → ``carried_forward``), ``""`` if observed."""
    return FLAGS.get(status, "")


def _indicator_table(model: dict[str, Any]) -> str:
    rows = []
    for block in model["indicators"]:
        latest = block["values"][-1] if block["values"] else None
        flag = _status_words(latest["status"]) if latest else ""
        last = (f"{latest['year']}: {_num(latest['value'], _lineage(latest, 'value'), None)} → threat "
                f"{_num(latest['threat'], _lineage(latest, 'threat'))}"
                + (f' <span class="mark" title="{_e(flag)}">{_e(mark(flag))}</span> ({_e(flag)})' if flag else "")
                ) if latest else "no value in the window"
        rows.append(f"<tr><td><code>{_e(block['id'])}</code><br>{_e(block['title'])}</td><td>{block['state']}</td>"
                    f"<td>{_e(KIND_LABELS[block['kind']])}</td><td>{_e(block['formula'])}<br><em>{_e(block['unit'])}; "
                    f"{_e(block['direction'])}</em></td><td>{_e(block['transform'])}</td>"
                    f"<td>{_e('; '.join(block['sources']))}</td><td>{last}</td></tr>")
    return ("<table><thead><tr><th>indicator</th><th>state</th><th>kind</th><th>formula, unit, direction</th>"
            "<th>transform</th><th>sources</th><th>latest</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def _concept_table(model: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{_e(KIND_LABELS[c['kind']])}</td><td>{_e(c['title'])}</td>"
        f"<td><code>{_e(c['MEX'] or '—')}</code></td><td><code>{_e(c['USA'] or '—')}</code></td>"
        f"<td>{'one reference for both' if c['shared_reference'] else 'own reference each'}</td>"
        f"<td>{_e(c['note'])}</td></tr>" for c in model["concepts"])
    return ("<p>Concepts, not indicators, are the unit of fairness: each concept is measured for both states or "
            "stated not to apply to one, with the reason. A state's kind score is the mean of its measured "
            "concepts' threats; a kind one state has no measured concept of in a year is left out for both. A value "
            "may stand in for at most three later years (its uncertainty widening each year); a year beyond that is "
            "missing, never zero. Reference points come from each concept's observed range, drawn once per draw "
            "for both states.</p>"
            "<table><thead><tr><th>kind</th><th>concept</th><th>Mexico</th><th>USA</th><th>reference</th>"
            f"<th>why / what</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<h3>How events are coded</h3><p>{_e(model['coding_rule'])}</p>" + _saturated(model))


def _saturated(model: dict[str, Any]) -> str:
    if not model["saturated"]:
        return "<p>No indicator's median threat stays below 0.1 or above 0.9 in every year of the window.</p>"
    items = "".join(f"<li><code>{_e(s['id'])}</code>: {_num(s['low'], s['lineage'])}–{_num(s['high'], s['lineage'])}"
                    f"; {_e(s['why'])}</li>" for s in model["saturated"])
    return ("<p>Still saturated (median threat below 0.1 or above 0.9 in every year with a value), and why:</p>"
            f"<ul>{items}</ul>")


def _table(headers: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    """An HTML table with ``headers`` as its head and one row of cells per item of ``rows`` (cells are HTML,
    escaped by the caller)."""
    head = "".join(f"<th>{header}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _assumption_table(model: dict[str, Any]) -> str:
    return _table(
        ("assumption", "value", "range (sampled)", "unit", "justification"),
        ((f"<code>{_e(a['id'])}</code>", _num(a["value"], a["lineage"], None),
          f"{_num(a['low'], a['lineage'], None)} – {_num(a['high'], a['lineage'], None)} ({_e(a['scale'])})",
          _e(a["unit"]), _e(a["justification"])) for a in model["assumptions"]))


def _citation_value(c: dict[str, Any]) -> str:
    """A cited figure's value and unit, with its published interval where it has both ends."""
    interval = (f" ({_num(c['low'], c['lineage'], None)}–{_num(c['high'], c['lineage'], None)})"
                if c["low"] is not None and c["high"] is not None else "")
    return f"{_num(c['value'], c['lineage'], None)} {_e(c['unit'])}{interval}"


def _appendix(model: dict[str, Any]) -> str:
    datasets = _table(
        ("dataset", "publisher", "source, commit", "coverage", "licence"),
        ((f"<code>{_e(d['name'])}</code><br>{_e(d['title'])}", _e(d["publisher"]),
          f"{_e(d['source'])}<br><code>{_e(d['commit'][:12])}</code>", _e(d["coverage"]), _e(d["licence"]))
         for d in model["appendix"]["datasets"]))
    citations = _table(
        ("id", "value", "period", "source"),
        ((f"<code>{_e(c['id'])}</code>", _citation_value(c), _e(c["period"]),
          f"{_e(c['source'])} <em>({_e(c['source_kind'])})</em>")
         for c in sorted(model["appendix"]["citations"], key=lambda c: c["id"])))
    return (f"<h3>Datasets (packaged, checksummed)</h3>{datasets}"
            f"<h3>Cited figures (literature table)</h3>{citations}")


def _comparison_table(model: dict[str, Any]) -> str:
    rows = model["iron_river"].get("comparison", []) if model["iron_river"]["available"] else []
    if not rows:
        return ""
    table = _table(
        ("literature id", "period", "published", "posterior median (90%)", "share of draws below", "verdict"),
        ((f"<code>{_e(r['id'])}</code>", _e(r["period"]), _num(r["value"], _lineage(r, "value"), None),
          f"{_num(r['posterior_median'], _lineage(r, 'posterior_median'), None)} "
          f"({_num(r['posterior_q05'], _lineage(r, 'posterior_q05'), None)} – "
          f"{_num(r['posterior_q95'], _lineage(r, 'posterior_q95'), None)})",
          _num(r["percentile"], _lineage(r, "percentile"), percent=True), _e(r["verdict"])) for r in rows))
    return f"<h3>The published estimates against the posterior</h3>{table}"


def _section(section_id: str, title: str, intro: str, body: str) -> str:
    return f'<section id="{section_id}"><h2>{_e(title)}</h2><p>{intro}</p>{body}</section>'


def _unavailable(model: dict[str, Any], key: str) -> str:
    note = model[key].get("note", "") if isinstance(model.get(key), dict) else ""
    return f'<p class="missing">Not included in this run: {_e(note or "model not available")}.</p>'


from ironriver.report.verdict_analysis import verdict_analysis_section  # noqa: E402


def render(model: dict[str, Any]) -> str:
    """The report as one HTML string (raises :class:`~ironriver.report.lineage.LineageError` if a number
    in ``model`` has no lineage)."""
    check_lineage(model)
    charts = all_charts(model)

    def chart(key: str, fallback_key: str | None = None) -> str:
        figure = charts[key]
        if figure is None:
            return _unavailable(model, fallback_key) if fallback_key else ""
        return _chart_div(figure, f"chart-{key}")

    meta = model["meta"]
    scenario = f"; scenario <code>{_e(meta['scenario'])}</code>" if meta["scenario"] else ""
    body = [
        f"<h1>{_e(meta['title'])}</h1>",
        f'<p class="meta">ironriver assess, {meta["first_year"]}–{meta["last_year"]}, seed {meta["seed"]}{scenario}; '
        f"{meta['n_draws']} posterior draws × {meta['n_weightings']} Dirichlet weightings; generated "
        f"{_e(meta['generated'])}. Hover any number or chart mark to see where it came from.</p>",
        '<nav><a href="#verdict">verdict</a><a href="#claims">claims</a><a href="#ledger">ledger</a><a href="#indicators">indicators</a>'
        '<a href="#iron-river">iron river</a><a href="#spillover">spillover</a><a href="#supply-chain">supply chain</a>'
        '<a href="#maps">maps</a><a href="#timeline">timeline</a><a href="#what-would-change">what would change it</a><a href="#assumptions">assumptions</a>'
        '<a href="#appendix">data and citations</a></nav>',
        _verdict_section(model), _missing_section(model), chart("verdict"), claims_section(model),
        _section("ledger", "The ledger",
                 "Threat scores in [0, 1] for each state, each of Krasner's four kinds of sovereignty and each year: "
                 "a state's kind score is the mean of its measured concepts' threats, and the overall score weights "
                 "the kinds with Dirichlet-sampled weights shared by both states. A kind that one state lacks in a "
                 "year is left out of both states' overall score.",
                 chart("ledger") + chart("overall") + _ledger_table(model)),
        _section("indicators", "Indicators",
                 "Each indicator is a value per state-year from a dataset, the literature table, a model or the "
                 "timeline, turned into a threat by a monotone transform whose reference point is set from the "
                 "concept's observed range (see assumptions).",
                 _concept_table(model)
                 + "".join(chart(f"indicators-{k}") for k in ("domestic", "interdependence", "westphalian",
                                                              "international_legal")) + _indicator_table(model)),
        _section("iron-river", "The iron river", "The latent yearly flow of guns from the US into Mexico, "
                 "estimated from every stream at once, with the published estimates marked.",
                 (f'<p class="meta">{_e(model["iron_river"]["note"])}</p>' if model["iron_river"]["available"]
                  and model["iron_river"].get("note") else "")
                 + chart("iron-river", "iron_river") + _comparison_table(model)),
        _section("spillover", "Spillover from the 2004 ban expiry", "What the expiry of the US assault-weapons ban "
                 "did to firearm homicides in the Mexican states bordering Texas, New Mexico and Arizona.",
                 chart("spillover", "spillover")),
        _section("supply-chain", "The supply chain", "The trafficking chain as simulated, calibrated to the "
                 "iron-river estimate.", chart("sankey", "sankey")),
        _section("maps", "Maps", "Where the guns come from, and where they kill.",
                 chart("map-us") + chart("map-mx")),
        _section("timeline", "The record", "Wars, incursions, laws, rulings, designations and directives, "
                 "each tagged with the kind of sovereignty it bears on.", chart("timeline")),
        verdict_analysis_section(model, chart("perspectives") + chart("sensitivity")),
        _section("assumptions", "Assumptions", "Numbers no dataset supplies. Each is sampled over its range, "
                 "so every interval above includes this uncertainty.", _assumption_table(model)),
        _section("appendix", "Data and citations", "Every dataset in the package and every cited figure the "
                 "report uses.", _appendix(model)),
    ]
    data = to_json(model, geometry=False).replace("</", "<\\/")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(meta['title'])} — ironriver report</title><style>{CSS}</style>"
            f"<script type=\"text/javascript\">{_plotly_js()}</script></head><body><main>"
            + "".join(body)
            + f'<script type="application/json" id="ironriver-data">{data}</script>'
            + "</main></body></html>\n")


def write_report(model: dict[str, Any], path: str | Path) -> Path:
    """Render ``model`` and write it to ``path`` atomically (the folder must exist; an old file is replaced)."""
    text = render(model)
    path = Path(path)
    with atomic_write(path, force=True) as stream:  # the finished report gets the umask's permissions
        stream.write(text)
    return path
