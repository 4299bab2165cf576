"""What-if in headless Chromium: moving a kind's weight re-aggregates the verdict and the ledger within 300 ms of
the answer arriving, the state goes into the URL, and the downloaded specification makes ``ironriver assess
--spec`` give the same P (to 3 decimals)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BROWSER, OpenTab
from test_web_server import running_server

pytestmark = BROWSER

WEIGHTS = ("60", "90", "10", "45", "75", "30", "5")
"""Successive values of the interdependence weight (each a new what-if)."""
CHANGE_TIMED = """async (weight) => {
    // performance.now() from the change to (1) the verdict's new text painted, (2) the heatmap restyled and painted
    const verdict = document.querySelector('[data-testid="verdict"]'), ledger = document.getElementById("ledger");
    const input = document.querySelector('[data-testid="weight-interdependence"]');
    const painted = () => new Promise(resolve => requestAnimationFrame(() => resolve()));
    const started = performance.now();
    const changed = new Promise(resolve => {
        // any rewrite of the text counts (a what-if may give the same sentence): showWhatIf always rewrites it
        const watch = new MutationObserver(() => { watch.disconnect(); resolve(); });
        watch.observe(verdict, {childList: true, characterData: true, subtree: true});
    });
    const redrawn = new Promise(resolve => ledger.once("plotly_restyle", () => resolve()));
    input.value = weight;
    input.dispatchEvent(new Event("input"));
    await changed;
    await painted();
    const verdictMs = performance.now() - started;
    await redrawn;
    await painted();
    return [verdictMs, performance.now() - started];
}"""


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    from ironriver.web.views import run_models
    from ironriver.web.whatif import available

    if not available():
        pytest.skip("this build has no specification engine (issue 11)")
    with running_server(bundle=run_models(0)) as url:
        yield url


def test_moving_a_weight_gives_the_verdict_assess_gives_for_the_downloaded_spec(base: str, tmp_path: Path,
                                                                               chromium_tab: OpenTab) -> None:
    with chromium_tab([base]) as (tab, errors, outside):
        tab.goto(base + "/")
        tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
        assert tab.get_by_test_id("spec-select").locator("option").count() >= 4
        timings = [tab.evaluate(CHANGE_TIMED, weight) for weight in WEIGHTS]
        text = tab.get_by_test_id("verdict").inner_text()
        shown = tab.get_by_test_id("verdict").get_attribute("data-p")
        assert "What-if" in text and shown in text
        assert f"w_interdependence={WEIGHTS[-1]}" in tab.url
        with tab.expect_download() as download:
            tab.get_by_test_id("download-spec").click()
        spec_file = tmp_path / "what-if.toml"
        download.value.save_as(spec_file)
    assert errors == [] and outside == []
    timings = timings[1:]  # the first change also pays for the first request's connection and caches
    for name, series in (("verdict", [t[0] for t in timings]), ("ledger heatmap", [t[1] for t in timings])):
        print(f"weight change → {name} redrawn: median {statistics.median(series):.0f} ms, max {max(series):.0f} ms "
              f"over {len(series)} changes (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        # the target is 300 ms on an idle 2-core machine; on an overloaded one the budget scales with the overload
        assert statistics.median(series) < 300 * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    assert shown == f"{_assess_p(spec_file):.3f}"


def _assess_p(spec_file: Path, *options: str) -> float:
    """P(Mexico's is the more threatened) in the headline year, as ``ironriver assess --spec`` gives it."""
    binary = Path(sys.executable).with_name("ironriver")
    result = subprocess.run([str(binary), "assess", "--spec", str(spec_file), "--years", "2000:2025", *options,
                             "--json"], capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)["verdict"]["p_mex_more"]


def test_a_policy_scenario_runs_in_the_queue_and_its_command_reproduces_the_verdict(base: str, tmp_path: Path,
                                                                                    chromium_tab: OpenTab) -> None:
    from playwright.sync_api import expect

    with chromium_tab([base]) as (tab, errors, outside):
        tab.goto(base + "/")
        tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
        choices = tab.get_by_test_id("scenario-select").locator("option")
        assert "ubc" in [choices.nth(i).get_attribute("value") for i in range(choices.count())]
        tab.get_by_test_id("scenario-select").select_option("ubc")
        # not run yet: the page says the models are running for it (a model run in the server's queue)
        expect(tab.get_by_test_id("whatif-status")).to_contain_text("computing", timeout=10_000)
        expect(tab.get_by_test_id("verdict")).to_contain_text("scenario ubc", timeout=1_800_000)
        expect(tab.get_by_test_id("whatif-status")).to_have_text("")
        shown = tab.get_by_test_id("verdict").get_attribute("data-p")
        command = tab.get_by_test_id("command").inner_text()
        assert "scenario=ubc" in tab.url
        with tab.expect_download() as download:
            tab.get_by_test_id("download-spec").click()
        spec_file = tmp_path / "what-if.toml"
        download.value.save_as(spec_file)
        # the URL reopens the same view: the scenario is chosen again and the verdict is the same
        tab.goto(tab.url)
        tab.wait_for_selector("body[data-ready=true]", timeout=120_000)
        expect(tab.get_by_test_id("verdict")).to_contain_text("scenario ubc", timeout=60_000)
        assert tab.get_by_test_id("verdict").get_attribute("data-p") == shown
    # while the model run is queued the page retries on 503, which Chromium logs as a console line: the page
    # itself must raise no error and ask nothing of another host
    assert [e for e in errors if e.startswith("pageerror")] == [] and outside == []
    assert command == "ironriver assess --years 2000:2025 --scenario ubc --spec neutral.toml"
    assert f"# reproduce: {command}" in spec_file.read_text(encoding="utf-8")
    assert shown == f"{_assess_p(spec_file, '--scenario', 'ubc'):.3f}"
