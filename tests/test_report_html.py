"""The HTML report is one self-contained file: Plotly inlined once, every chart, no network, lineage in tooltips."""

from __future__ import annotations

import json
import re

import pytest

from ironriver.report import build_model, render
from ironriver.report.charts import all_charts
from ironriver.report.html import chart_count


@pytest.fixture(scope="module")
def assessment():
    from ironriver.sovereignty import assess

    return assess("2000:2025", seed=0, n_draws=100, n_weightings=20)


@pytest.fixture(scope="module")
def model(assessment) -> dict:
    return build_model(assessment)


@pytest.fixture(scope="module")
def page(model: dict) -> str:
    return render(model)


def test_plotly_is_inlined_exactly_once(page: str) -> None:
    from plotly.offline import get_plotlyjs

    library = get_plotlyjs()
    assert page.count(library[:200]) == 1
    assert page.count("<script") == page.count("</script>")


def test_nothing_is_loaded_from_the_network(page: str) -> None:
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=\"?https?:", page)
    assert "cdn.plot.ly/plotly" not in page.replace(r"https://cdn.plot.ly/", "")  # no script tag points there


def test_every_chart_is_in_the_page(model: dict, page: str) -> None:
    # every chart, not every available one: a chart left out because its model failed is a failure here
    not_drawn = [name for name, figure in all_charts(model).items() if figure is None]
    assert not_drawn == []
    expected = chart_count(model)
    assert expected == len(all_charts(model)) >= 13
    assert page.count('class="plotly-graph-div"') == expected
    for section in ("verdict", "ledger", "indicators", "iron-river", "spillover", "supply-chain", "maps",
                    "timeline", "assumptions", "appendix"):
        assert f'id="{section}"' in page


def test_the_verdict_sentence_and_the_not_included_notes_are_shown(assessment, page: str) -> None:
    assert assessment.verdict.sentence().replace("'", "&#x27;") in page
    for note in assessment.missing:
        assert re.sub(r"[<>&'\"]", "", note)[:40] in re.sub(r"&[a-z#0-9]+;", "", page)


def test_numbers_in_tables_carry_lineage_tooltips(page: str) -> None:
    tooltips = re.findall(r'<span class="num" title="([^"]*)">', page)
    assert len(tooltips) > 100
    assert all(t for t in tooltips)


def test_the_data_model_is_embedded_as_json(model: dict, page: str) -> None:
    match = re.search(r'<script type="application/json" id="ironriver-data">(.*?)</script>', page, re.S)
    embedded = json.loads(match.group(1).replace("<\\/", "</"))
    assert embedded["verdict"]["sentence"] == model["verdict"]["sentence"]
    assert len(embedded["ledger"]) == len(model["ledger"])


def test_appendix_lists_every_dataset_and_cited_figure(model: dict, page: str) -> None:
    from ironriver.data import manifest

    for name in manifest()["datasets"]:
        assert f"<code>{name}</code>" in page
    cited = {c["id"] for c in model["appendix"]["citations"]}
    assert {"cartel_members_mx_2022", "cartel_territory_share_northcom_2021", "civilian_firearms_mx_sas_2017",
            "registered_firearms_mx_2017"} <= cited
    assert {"flow_mcdougal_jeg_2010_2012", "flow_mx_government_gao_2021"} <= cited   # the iron-river marks
    if model["iron_river"]["available"]:
        assert any(i.startswith("legal_sales_dcam_") for i in cited)


def test_assumptions_table_lists_every_assumption(model: dict, page: str) -> None:
    from ironriver.sovereignty.transforms import ASSUMPTIONS

    for assumption_id in ASSUMPTIONS:
        assert f"<code>{assumption_id}</code>" in page


def test_the_top_names_the_headline_year_and_why_and_says_how_to_read_a_score(assessment, page: str) -> None:
    from ironriver.plain_words import GLOSSARY_PAGE, THREAT_SCORE_SENTENCE
    from ironriver.sovereignty.headline import MARK_LEGEND

    year = assessment.verdict.headline_year
    top = page[page.index('<section id="verdict">'):page.index("</section>", page.index('<section id="verdict">'))]
    assert f"<strong>Why {year}:</strong>" in top and assessment.verdict.why.reason.split(";")[0] in top
    for later, _ in assessment.verdict.why.later_years:
        assert f"<li>{later}: " in top
    assert THREAT_SCORE_SENTENCE.replace("'", "&#x27;") in top and MARK_LEGEND in top
    assert f'<a href="{GLOSSARY_PAGE}">glossary</a>' in top


def test_a_forecast_cell_is_marked_in_the_heatmap_tables_and_charts(model: dict, page: str) -> None:
    """Mexico's spillover effect is a forecast after 2008: its cells carry "*f…" as drawn text, not only on
    hover; the iron river's forecast years are drawn dashed and shaded."""
    charts = all_charts(model)
    heatmap = charts["ledger"]["data"][0]
    row = list(heatmap["y"]).index("MEX · domestic")
    column = list(heatmap["x"]).index(2015)
    assert heatmap["text"][row][column].split("<br>")[1].startswith("*f")
    assert heatmap["texttemplate"] == "%{text}"                    # the text is drawn in the cell
    headline = model["verdict"]["year"]
    cell = next(r for r in model["ledger"] if (r["state"], r["kind"], r["year"]) == ("MEX", "domestic", headline))
    assert "forecast" in cell["status"] and cell["mark"].startswith("*f")
    assert f'<span class="mark" title="{cell["status"]}">{cell["mark"]}</span>' in page   # the ledger table
    overall = next(t for t in charts["overall"]["data"] if t.get("name") == "MEX")
    assert "circle-open" in overall["marker"]["symbol"] and any(str(t).startswith("*f") for t in overall["text"])
    forecast = [r["year"] for r in model["iron_river"]["series"] if r["forecast"]]
    dashed = next(t for t in charts["iron-river"]["data"] if t.get("name") == "forecast (no evidence)")
    assert forecast and dashed["line"]["dash"] == "dash" and set(forecast) <= set(dashed["x"])


def test_every_chart_is_a_valid_plotly_figure_in_the_plotly_white_look(model: dict) -> None:
    """The figures are plain dicts rendered with validation off, so validate them here: a misspelt property or
    a bad value makes ``go.Figure`` raise. The charts with a template carry "plotly_white" itself."""
    import plotly.graph_objects as go
    import plotly.io as pio

    white = pio.templates["plotly_white"].to_plotly_json()
    for name, figure in all_charts(model).items():
        if figure is None:
            continue
        go.Figure(figure)                                               # raises on anything plotly would reject
        if not name.startswith("map-"):
            assert figure["layout"]["template"] == white, name
