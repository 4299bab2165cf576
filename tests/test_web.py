"""The web service: JSON endpoints (FastAPI's test client) and the dashboard in a real headless browser."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ironriver.web.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_tables_endpoint_lists_the_store(client: TestClient) -> None:
    rows = client.get("/api/tables").json()
    names = {r["table"] for r in rows}
    assert {"nics_checks", "mx_homicides", "literature", "timeline"} <= names
    assert all(r["rows"] > 0 for r in rows)


def test_table_endpoint_pages_and_rejects_unknown_names(client: TestClient) -> None:
    page = client.get("/api/tables/us_population", params={"limit": 5, "offset": 2}).json()
    assert page["rows"] == 364 and len(page["records"]) == 5 and page["offset"] == 2
    missing = client.get("/api/tables/nics_chekcs")
    assert missing.status_code == 404 and "nics_checks" in missing.json()["error"]
    assert client.get("/api/tables/us_population", params={"limit": 0}).status_code == 422


def test_literature_and_timeline_endpoints(client: TestClient) -> None:
    figures = client.get("/api/literature", params={"search": "mcdougal_jeg"}).json()
    flow = next(f for f in figures if f["id"] == "flow_mcdougal_jeg_2010_2012")
    assert (flow["value"], flow["low"], flow["high"]) == (212887, 89816, 359205)
    events = client.get("/api/timeline", params={"kind": "westphalian"}).json()
    assert any(e["date"].startswith("1916") for e in events)
    assert client.get("/api/timeline", params={"kind": "cosmic"}).status_code == 404


def test_assessment_rejects_years_out_of_range(client: TestClient) -> None:
    response = client.get("/api/assessment", params={"years": "1800:1900"})
    assert response.status_code == 400 and "1800" in response.json()["error"]


def test_claims_endpoint_matches_the_cli_shape(client: TestClient) -> None:
    from ironriver.claims import STATUSES, claim_ids

    rows = client.get("/api/claims").json()
    assert [r["id"] for r in rows] == list(claim_ids())
    assert all(r["status"] in STATUSES and r["evidence"] and r["would_change"] for r in rows)
    bad = client.get("/api/claims", params={"years": "1800:1900"})
    assert bad.status_code in (400, 422) and "outside the span" in bad.text


def test_dashboard_page_and_offline_plotly(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/static/plotly.min.js" in page.text
    script = client.get("/static/plotly.min.js")
    assert script.status_code == 200 and len(script.content) > 1_000_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    import uvicorn

    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium") and not __import__("os").path.exists(CHROMIUM),
                    reason="Debian's chromium is not installed")
def test_dashboard_draws_every_chart_in_headless_chromium(server: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=180_000)
        assert errors == []
        assert page.inner_text("#error") == ""
        assert "Mexico" in page.inner_text("#verdict")
        for chart in ("ledger", "timeline"):
            assert page.locator(f"#{chart} .main-svg").count() > 0, chart
        assert page.locator("#literature tbody tr").count() > 0
        assert page.locator("#tables tbody tr").count() > 30
        # A bad window is reported on the page, in one line, and the charts stay drawn.
        page.fill("#first", "1800")
        page.click("#run")
        page.wait_for_function("document.querySelector('#error').textContent.length > 0", timeout=30_000)
        assert "1800" in page.inner_text("#error")
        browser.close()
