"""The dashboard in headless Chromium (Debian's package, driven by Playwright): no JavaScript errors, no request
leaves the machine, every chart drawn, the heatmap dark where the threat is high, the map slider moves the maps,
and a click on a ledger cell drills down to the indicators and from an indicator to the raw rows behind it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from conftest import BROWSER, OpenTab
from test_web_server import running_server

pytestmark = BROWSER


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    from ironriver.web.views import run_models

    with running_server(bundle=run_models(0)) as url:
        yield url


@pytest.fixture()
def page(base: str, chromium_tab: OpenTab) -> Iterator[tuple[Any, list[str], list[str]]]:
    with chromium_tab((base,)) as opened:  # the page must need nothing but this server
        yield opened


def _cell_position(tab: Any, label: str, year: int) -> tuple[float, float]:
    """Screen coordinates of one heatmap cell (from Plotly's own axes), the heatmap scrolled into view first."""
    tab.locator("#ledger").scroll_into_view_if_needed()
    return tuple(tab.evaluate("""([label, year]) => {
        const gd = document.getElementById('ledger'), box = gd.getBoundingClientRect();
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        return [box.left + xa._offset + xa.l2p(year), box.top + ya._offset + ya.l2p(ya._categories.indexOf(label))];
    }""", [label, year]))


def test_dashboard_draws_every_chart_offline(page: tuple, base: str) -> None:
    tab, errors, outside = page
    tab.goto(base + "/")
    tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
    assert tab.inner_text("#error") == ""
    assert "Mexico" in tab.get_by_test_id("verdict").inner_text()
    for chart in ("ledger", "iron-river", "map-us", "map-mx", "timeline"):
        assert tab.locator(f"#{chart} .main-svg").count() > 0, chart
        marks = tab.evaluate(f"document.querySelectorAll('#{chart} .trace, #{chart} .hm, #{chart} .heatmaplayer image').length")
        assert marks > 0, chart
    # dark = high threat, as in the report: the colour bar's top is darker than its bottom
    scale = tab.evaluate("document.getElementById('ledger')._fullData[0].colorscale")
    brightness = (lambda rgb: sum(int(v) for v in rgb[rgb.index("(") + 1:-1].split(",")))
    assert brightness(scale[-1][1]) < brightness(scale[0][1]) / 2
    # the slider moves both maps to the chosen year
    tab.locator("#map-year").fill("2005")
    assert "2005" in tab.evaluate("document.getElementById('map-mx').layout.title.text")
    assert "map=2005" in tab.url
    assert tab.locator("#literature tbody tr").count() > 0
    assert tab.locator("#tables tbody tr").count() > 30
    assert errors == [] and outside == []
    # a bad window is reported in one line on the page (the browser logs the 400 itself; nothing else)
    tab.fill("#first", "1800")
    tab.click("#run")
    expect(tab.locator("#error")).to_contain_text("1800", timeout=30_000)  # (no wait_for_function: the CSP bars eval)
    assert [e for e in errors if "status of 400" not in e] == [] and outside == []


def test_drill_down_from_a_ledger_cell_to_a_raw_row(page: tuple, base: str) -> None:
    tab, errors, outside = page
    tab.goto(base + "/?years=2000:2025")
    tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
    x, y = _cell_position(tab, "MEX · domestic", 2005)
    tab.mouse.click(x, y)
    tab.wait_for_selector("#drill:not([hidden]) #drill-indicators tbody tr", timeout=30_000)
    assert "MEX · domestic · 2005" in tab.inner_text("#drill-title")
    assert "cell=MEX%3Adomestic%3A2005" in tab.url or "cell=MEX:domestic:2005" in tab.url
    row = tab.locator("#drill-indicators tbody tr", has_text="store mx_homicides source=valle_ssa 2005").first
    assert "per 100,000" in row.inner_text()
    row.click()
    store = tab.locator("#drill-sources .source[data-type=store]").first
    store.wait_for(timeout=30_000)
    assert "mx_homicides" in store.inner_text()
    raw = store.locator("tbody tr").first.inner_text()
    assert "valle_ssa" in raw and "2005" in raw
    # and from the tidy row to the raw file's line: file in the data package, line number, the file's values
    line = store.get_by_test_id("raw-line").first.inner_text()
    assert line.startswith("raw/mx_firearm_homicides_monthly_1998_2008/hom_state_month.csv:") and "Murders = " in line
    # the state is in the URL: reopening it shows the same drill-down
    tab.goto(tab.url)
    tab.wait_for_selector("#drill-sources .source[data-type=store]", timeout=60_000)
    assert errors == [] and outside == []


def test_dashboard_shows_the_essay_claims_with_their_statuses(page: tuple, base: str) -> None:
    """The claims table is drawn from /api/claims: one row per claim id, each with a status from the rule set."""
    from ironriver.essay import STATUSES, claim_ids

    tab, errors, outside = page
    tab.goto(base + "/")
    tab.wait_for_selector("body[data-claims=done]", timeout=300_000)
    assert tab.inner_text("#claims-note") == ""
    rows = tab.locator("#claims tbody tr")
    assert [rows.nth(i).get_attribute("data-claim") for i in range(rows.count())] == list(claim_ids())
    statuses = {rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())}
    assert statuses <= set(STATUSES)
    assert errors == [] and outside == []


def test_dashboard_names_the_headline_year_and_marks_cells_not_observed(page: tuple, base: str) -> None:
    """The verdict says which year it headlines and why; the heatmap shows each flagged cell's mark as text (not
    only on hover) and frames the headline year; the drill-down's table marks a carried value; a narrower window
    headlines the latest year of that window meeting the rule."""
    from ironriver.plain_words import THREAT_SCORE_SENTENCE
    from ironriver.sovereignty.headline import MARK_LEGEND

    tab, errors, outside = page
    tab.goto(base + "/?years=2000:2025")
    tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
    verdict = tab.get_by_test_id("verdict")
    year = int(verdict.get_attribute("data-year"))
    assert year < 2025 and f"Why {year}:" in verdict.inner_text() and f"In {year}," in verdict.inner_text()
    assert tab.get_by_test_id("threat-scale").inner_text() == THREAT_SCORE_SENTENCE
    assert tab.get_by_test_id("mark-legend").inner_text() == MARK_LEGEND
    assert tab.locator("#later-years li").count() == 2025 - year
    # the marks are drawn in the cells (a second line of the cell's SVG text), e.g. "0.92" over "*c" for
    # MEX · Westphalian 2024
    drawn = tab.evaluate("[...document.querySelectorAll('#ledger text')].map(t => t.textContent)")
    marked = [t for t in drawn if re.fullmatch(r"\d\.\d\d\*[fpc]+", t)]
    assert len(marked) > 20 and any("f" in t for t in marked), drawn[:40]
    assert f"headline year {year}" in drawn
    shapes = tab.evaluate("document.getElementById('ledger').layout.shapes")
    assert [(s["x0"], s["x1"]) for s in shapes] == [(year - 0.5, year + 0.5)]
    # in the drill-down's table, a forecast value carries "*f" and a carried one "*c" (Mexico, domestic, 2024)
    x, y = _cell_position(tab, "MEX · domestic", 2024)
    tab.mouse.click(x, y)
    tab.wait_for_selector("#drill:not([hidden]) #drill-indicators tbody tr", timeout=30_000)
    rows = tab.locator("#drill-indicators tbody tr")
    assert " *f" in rows.filter(has_text="mx_spillover_effect").first.inner_text()
    assert " *c" in rows.filter(has_text="mx_us_gun_homicide_rate").first.inner_text()
    # a window ending before the headline year headlines its own latest year meeting the rule
    tab.goto(base + "/?years=2000:2010")
    tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
    narrow = int(tab.get_by_test_id("verdict").get_attribute("data-year"))
    assert narrow <= 2010 and f"Why {narrow}:" in tab.get_by_test_id("verdict").inner_text()
    assert errors == [] and outside == []
