"""The web service: JSON endpoints, caching, limits and safety (FastAPI's test client), window cuts against
``assess``, and the drill-down's reading of lineage."""

from __future__ import annotations

import asyncio
import gzip
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from ironriver.web.app import create_app
from ironriver.web.responses import CSP
from ironriver.web.runs import Busy, RunQueue
from ironriver.web.settings import Settings


@pytest.fixture(scope="module")
def bundle() -> dict:
    from ironriver.web.views import run_models

    return run_models(0)


@pytest.fixture(scope="module")
def client(bundle: dict) -> TestClient:
    app = create_app(Settings(warm=False))
    app.state.runs.remember(("models", 0), bundle)
    with TestClient(app) as test_client:
        yield test_client


def test_tables_endpoint_lists_the_store(client: TestClient) -> None:
    rows = client.get("/api/tables").json()
    names = {r["table"] for r in rows}
    assert {"nics_checks", "mx_homicides", "literature", "timeline"} <= names
    assert all(r["rows"] > 0 for r in rows)


def test_table_endpoint_pages_in_sql_and_rejects_unknown_names(client: TestClient) -> None:
    from ironriver.store import load

    page = client.get("/api/tables/us_population", params={"limit": 5, "offset": 2}).json()
    assert page["rows"] == 364 and len(page["records"]) == 5 and page["offset"] == 2
    whole = load("us_population")
    assert page["records"][0]["population"] == whole.iloc[2]["population"]
    assert page["records"][4]["population"] == whole.iloc[6]["population"]
    missing = client.get("/api/tables/nics_chekcs")
    assert missing.status_code == 404 and "nics_checks" in missing.json()["error"]
    injected = client.get('/api/tables/us_population" ; DROP TABLE literature; --')
    assert injected.status_code == 404
    assert client.get("/api/tables/us_population", params={"limit": 0}).status_code == 422


def test_literature_and_timeline_endpoints(client: TestClient) -> None:
    figures = client.get("/api/literature", params={"search": "mcdougal_jeg"}).json()
    flow = next(f for f in figures if f["id"] == "flow_mcdougal_jeg_2010_2012")
    assert (flow["value"], flow["low"], flow["high"]) == (212887, 89816, 359205)
    events = client.get("/api/timeline", params={"kind": "westphalian"}).json()
    assert any(e["date"].startswith("1916") for e in events)
    assert client.get("/api/timeline", params={"kind": "cosmic"}).status_code == 404


def test_etag_gives_304_and_gzip_is_the_same_body(client: TestClient) -> None:
    first = client.get("/api/literature", headers={"Accept-Encoding": "identity"})
    tag = first.headers["etag"]
    again = client.get("/api/literature", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/literature", headers={"If-None-Match": '"other"'}).status_code == 200
    packed = client.get("/api/literature", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == first.content  # httpx decodes; the decoded bytes match the plain body
    assert len(gzip.compress(first.content)) < len(first.content) / 3


def test_every_response_carries_a_strict_content_security_policy(client: TestClient) -> None:
    for path in ("/", "/api/tables", "/api/tables/nope"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP
        assert "default-src 'none'" in CSP and "script-src 'self'" in CSP and "http" not in CSP
    page = client.get("/").text
    assert "<script>" not in page and "http://" not in page and "https://" not in page


def test_claims_endpoint_matches_the_cli_shape(client: TestClient) -> None:
    from ironriver.essay import STATUSES, claim_ids

    rows = client.get("/api/claims").json()
    assert [r["id"] for r in rows] == list(claim_ids())
    assert all(r["status"] in STATUSES and r["evidence"] and r["would_change"] for r in rows)
    again = client.get("/api/claims", headers={"If-None-Match": client.get("/api/claims").headers["etag"]})
    assert again.status_code == 304
    refused = client.get("/api/claims", params={"seed": 7})        # other seeds only with --allow-seeds
    assert refused.status_code == 403 and "seed" in refused.json()["error"]


def test_dashboard_page_and_offline_plotly(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/static/plotly.min.js" in page.text
    script = client.get("/static/plotly.min.js")
    assert script.status_code == 200 and len(script.content) > 1_000_000
    assert script.headers["content-type"].startswith("application/javascript")
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/dashboard.js").status_code == 200


def test_assessment_rejects_years_out_of_range_and_seeds_not_allowed(client: TestClient) -> None:
    response = client.get("/api/assessment", params={"years": "1800:1900"})
    assert response.status_code == 400 and "1800" in response.json()["error"]
    refused = client.get("/api/assessment", params={"seed": 7})
    assert refused.status_code == 403 and "--allow-seeds" in refused.json()["error"]


@pytest.mark.parametrize("years", ["2005:2020", "1998:2003"])
def test_window_cut_is_what_assess_gives_for_that_window(client: TestClient, years: str) -> None:
    from ironriver.sovereignty import assess

    expected = assess(years, seed=0).to_json_dict()
    got = client.get("/api/assessment", params={"years": years}).json()
    assert got["verdict"]["summary"] == expected["verdict"]["summary"]
    assert got["headline"] == expected["headline"]                # the headline rule over the window's years
    assert got["verdict"]["p_mex_more"] == expected["verdict"]["p_mex_more"]
    assert got["comparisons"] == expected["comparisons"]
    keys = ("state", "kind", "year", "median", "low90", "high90", "indicators", "status")
    assert [{k: r[k] for k in keys} for r in got["ledger"]] == [{k: r[k] for k in keys} for r in expected["ledger"]]
    assert got["not_included"] == expected["not_included"]


def test_charts_are_the_reports_with_dark_meaning_high_threat(client: TestClient) -> None:
    charts = client.get("/api/charts").json()
    heatmap = charts["ledger"]["data"][0]
    scale = heatmap["colorscale"]
    low, high = scale[0][1], scale[-1][1]
    brightness = (lambda rgb: sum(int(v) for v in rgb[rgb.index("(") + 1:-1].split(",")))
    assert brightness(high) < brightness(low) / 2  # the top of the scale (threat 1) is the dark end
    assert (heatmap["zmin"], heatmap["zmax"]) == (0, 1)
    marks = [t for t in charts["iron_river"]["data"] if t.get("name") == "literature estimates"]
    assert marks and 212887 in marks[0]["y"]
    for side in ("us", "mx"):
        section = charts["maps"][side]
        assert len(section["years"]) >= 5
        one = section["frames"][str(section["years"][0])]
        assert len(one["fillcolor"]) == len(section["figure"]["data"]) - 1


def test_map_frames_follow_the_data_year_by_year(bundle: dict) -> None:
    from ironriver.sovereignty.indicators import firearm_homicide_rates
    from ironriver.store import load

    rates = firearm_homicide_rates(load("mx_homicides"), load("mx_population"), by_state=True)
    section = bundle["charts"]["maps"]["mx"]
    for year in (2005, 2020):
        frame = section["frames"][str(year)]
        chihuahua = rates[(rates["year"] == year) & (rates["state_code"] == "08")]["rate"].iloc[0]
        assert any(name.startswith(f"Chihuahua: {chihuahua:,.1f}") for name in frame["name"]), year
    assert section["frames"]["2005"]["fillcolor"] != section["frames"]["2020"]["fillcolor"]


def test_drill_down_reaches_raw_rows(client: TestClient) -> None:
    import re

    cell = client.get("/api/cell", params={"state": "MEX", "kind": "domestic", "year": 2005}).json()
    # the indicator measured from Mexico's 1998–2008 firearm homicide series (its id differs between ledgers)
    homicide = next(r for r in cell if r["lineage"].startswith("store mx_homicides source=valle_ssa 2005"))
    assert homicide["unit"] and homicide["transform"] and homicide["value"] is not None
    found = client.get("/api/sources", params={"indicator": homicide["id"], "year": 2005}).json()
    assert found["lineage"] == homicide["lineage"]
    store = next(s for s in found["sources"] if s["type"] == "store" and s["table"] == "mx_homicides")
    assert store["filters"] == {"source": ["valle_ssa"]} and store["year"] == 2005
    assert store["rows"] and all(r["source"] == "valle_ssa" and r["year"] == 2005 for r in store["rows"])
    assert store["dataset"] and store["files"] and all(isinstance(r["row"], int) for r in store["rows"])
    # each row reaches the raw file's own line: its path inside the data package, its number, its values
    for row in store["rows"]:
        line = row["raw"]
        assert line["file"] == "raw/mx_firearm_homicides_monthly_1998_2008/hom_state_month.csv"
        assert line["line"] == row["source_line"] >= 2 and not line["file"].startswith("/")
        assert int(line["values"]["Murders"] or 0) == row["homicides"] or row["homicides"] is None
    # the lineage counts the state-months behind the value: the matching rows include every one of them
    months = int(re.search(r"(\d+) (?:reporting )?state-months", found["lineage"]).group(1))
    assert store["matched"] >= months
    population = next(s for s in found["sources"] if s["type"] == "store" and s["table"] == "mx_population")
    assert population["year"] == 2005 and all(r["year"] == 2005 for r in population["rows"])
    # a cited figure comes with its source (and its quality grade where the literature table has one)
    cited = next((r for r in client.get("/api/cell", params={"state": "MEX", "kind": "domestic", "year": 2022}).json()
                  if r["lineage"].startswith("literature ")), None)
    assert cited is not None
    figures = client.get("/api/sources", params={"indicator": cited["id"], "year": 2022}).json()["sources"]
    figure = next(s for s in figures if s["type"] == "literature")
    assert figure["id"] in cited["lineage"] and figure["source"]
    unknown = client.get("/api/sources", params={"indicator": "mx_nope", "year": 2005})
    assert unknown.status_code == 404


def test_store_references_read_filters_only_from_real_columns() -> None:
    from ironriver.web.drill import store_references
    from ironriver.web.tables import catalogue

    known = {entry["table"]: entry for entry in catalogue()}
    refs = store_references("store cow_nmc cinc ccode 2 ÷ ccode 70, series_break=False, 2000", known)
    assert refs == [{"table": "cow_nmc", "filters": {"ccode": ["2", "70"], "series_break": ["False"]},
                     "year_column": "year", "year": 2000}]
    assert store_references("store no_such_table x=1 2000", known) == []
    evil = store_references("store cow_nmc \"ccode\" = 1; DROP TABLE x 2000", known)
    assert all(set(r["filters"]) <= {"ccode"} for r in evil)


def test_run_queue_is_bounded_and_shares_runs() -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow(value: int) -> int:
        calls.append(value)
        release.wait(10)
        return value * 2

    async def scenario() -> None:
        queue = RunQueue(1, 1, 7, executor_factory=lambda n: ThreadPoolExecutor(n))
        first = asyncio.ensure_future(queue.get("a", slow, 1))
        same = asyncio.ensure_future(queue.get("a", slow, 1))
        waiting = asyncio.ensure_future(queue.get("b", slow, 2))
        await asyncio.sleep(0.05)
        with pytest.raises(Busy) as refused:
            await queue.get("c", slow, 3)
        assert refused.value.retry_after_s == 7
        release.set()
        assert (await first, await same, await waiting) == (2, 2, 4)
        assert queue.cached("a") == 2 and queue.in_flight == 0
        queue.shutdown()

    asyncio.run(scenario())
    assert sorted(calls) == [1, 2]


def test_busy_server_answers_503_with_retry_after() -> None:
    app = create_app(Settings(warm=False, allow_seeds=True, max_runs=1, max_waiting=0, retry_after_s=9))
    runs = app.state.runs
    runs._pending[("models", 5)] = asyncio.Future  # a run in flight (a placeholder: the queue only counts it)
    with TestClient(app) as test_client:
        response = test_client.get("/api/assessment", params={"seed": 6})
    assert response.status_code == 503 and response.headers["retry-after"] == "9"
    assert "busy" in response.json()["error"]


def test_serve_runs_several_workers_on_loopback(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from test_web_server import free_port

    port = free_port()
    binary = Path(sys.executable).with_name("ironriver")
    server = subprocess.Popen([str(binary), "serve", "--port", str(port), "--workers", "2", "--no-warm"],
                              env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline, body = time.monotonic() + 90, None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/tables", timeout=10) as response:
                    body = json.loads(response.read())
            except OSError:
                time.sleep(0.5)
        assert body and any(r["table"] == "literature" for r in body)
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out and "2 workers" in out


def test_serve_rejects_bad_options_without_traceback() -> None:
    import subprocess
    import sys
    from pathlib import Path

    binary = Path(sys.executable).with_name("ironriver")
    result = subprocess.run([str(binary), "serve", "--workers", "0"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "'--workers'" in result.stderr
