"""The report opens in headless Chromium (Debian's package, driven by Playwright) offline, without JavaScript
errors, and draws every chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BROWSER, OpenTab

pytestmark = BROWSER


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from ironriver.report import build_model, write_report
    from ironriver.sovereignty import assess

    model = build_model(assess("2000:2025", seed=0, n_draws=100, n_weightings=20))
    path = tmp_path_factory.mktemp("report") / "ironriver-report.html"
    write_report(model, path)
    return path, model


def test_report_opens_offline_with_every_chart_drawn(report: tuple[Path, dict], chromium_tab: OpenTab) -> None:
    from ironriver.report.charts import all_charts
    from ironriver.report.html import chart_count

    path, model = report
    expected = chart_count(model)
    # every chart of the report, not every available one ("not available" is a failure here)
    assert expected == len(all_charts(model)), [name for name, f in all_charts(model).items() if f is None]
    # the report must not need the network
    with chromium_tab(("file:", "data:", "blob:")) as (page, errors, network):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {2 * expected}",
                               timeout=30_000)
        plots = page.locator(".js-plotly-plot")
        assert plots.count() == expected
        for index in range(expected):
            plot = plots.nth(index)
            assert plot.locator(".main-svg").count() >= 1, f"chart {index} not drawn"
            box = plot.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 200
        # each drawn chart has marks: traces in cartesian plots, nodes in the Sankey
        marks = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(
            p => p.querySelectorAll('.trace, .sankey-node, .hm, .heatmaplayer image').length)""")
        assert all(count > 0 for count in marks), marks
        changes = page.locator("#what-would-change")       # what would change the verdict: drawn
        assert changes.count() == 1 and changes.locator(".js-plotly-plot .main-svg").count() >= 2
        assert changes.locator("ul.flips li").count() == len(model["verdict_analysis"]["flip"])
        assert changes.locator("ul.flips li").first.inner_text() == model["verdict_analysis"]["flip"][0]["change"]
        verdict = page.locator("#verdict .headline").inner_text()
        assert verdict == model["verdict"]["sentence"]
        data = page.evaluate("() => JSON.parse(document.getElementById('ironriver-data').textContent)")
        assert data["verdict"]["year"] == model["verdict"]["year"]
        # the essay's claims, checked: one visible row per claim, right after the verdict, with its status
        claims = page.locator("#claims tbody tr")
        assert claims.count() == len(model["claims"]["rows"]) == 13
        for index, row in enumerate(model["claims"]["rows"]):
            drawn = claims.nth(index)
            assert drawn.is_visible()
            assert drawn.get_attribute("id") == f"claim-{row['id']}"
            assert drawn.locator("td.status").inner_text().startswith(row["status"])
        order = page.evaluate("() => [...document.querySelectorAll('main > section')].map(s => s.id)")
        assert order.index("claims") == order.index("verdict") + 1 + ("not-included" in order)
        box = page.locator("#claims").bounding_box()
        assert box is not None and box["height"] > 300
    assert errors == []
    assert network == []
