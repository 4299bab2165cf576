"""The FastAPI application: the dashboard page and its JSON API, fast under load and safe to expose.

Fast: every body is encoded, compressed and ETagged once and then served from memory
(:mod:`~ironriver.web.responses`); tables page in SQL (:mod:`~ironriver.web.tables`); the catalogue is
counted once. Safe: the model chain runs in a bounded queue of worker processes
(:mod:`~ironriver.web.runs`; 503 with ``Retry-After`` beyond it), seeds other than the default run only
when the server allows them, table and indicator names are checked against allow-lists, and a strict
Content-Security-Policy keeps the page to this server. Every user error is ``{"error": "<one line>"}``
with a documented status: 400 bad value, 403 not allowed here, 404 unknown name, 422 malformed request,
503 busy.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ironriver.errors import IronRiverError, UnknownNameError
from ironriver.sovereignty.chain import YEAR_SPAN, parse_years
from ironriver.web import schemas
from ironriver.web.responses import LONG_CACHE, Encoded, SecurityHeaders, encode, encode_bytes, respond
from ironriver.web.runs import Busy, RunQueue
from ironriver.web.settings import DEFAULT_SEED, Settings, from_environment

__all__ = ["create_app", "STATIC_FILES"]

STATIC_FILES: dict[str, str] = {"dashboard.js": "application/javascript", "dashboard.css": "text/css"}
"""Files under ``/static/`` besides Plotly (an allow-list: no path from a request reaches the file system)."""
WINDOWS = [f"{a}:{b}" for a in range(YEAR_SPAN[0], YEAR_SPAN[1] + 1) for b in range(a, YEAR_SPAN[1] + 1)]
"""Every window of years the data cover, as the ``years`` parameter spells it."""
KEEP_VIEWS = 256
"""Encoded window views and searches kept in memory per kind."""
MAX_SEED = 2**31 - 1


class NotAllowed(IronRiverError):
    """A request this server is configured to refuse (HTTP 403)."""


class NotInThisBuild(IronRiverError):
    """A feature whose engine this installation lacks (HTTP 404)."""


def _static_text(name: str) -> str:
    return (files("ironriver.web") / "static" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _plotly() -> Encoded:
    from plotly.offline import get_plotlyjs

    return encode_bytes(get_plotlyjs().encode("utf-8"), "application/javascript")


class _Memo:
    """A small LRU of encoded responses, filled off the event loop; concurrent requests for a key that is
    being computed wait for that one computation instead of starting their own."""

    def __init__(self, size: int = KEEP_VIEWS) -> None:
        self.size = size
        self.items: OrderedDict[Any, Encoded] = OrderedDict()
        self.pending: dict[Any, asyncio.Future[Encoded]] = {}

    async def get(self, key: Any, compute: Callable[[], Any]) -> Encoded:
        hit = self.items.get(key)
        if hit is not None:
            self.items.move_to_end(key)
            return hit
        if key in self.pending:
            return await asyncio.shield(self.pending[key])
        future = asyncio.ensure_future(run_in_threadpool(lambda: encode(compute())))
        self.pending[key] = future
        future.add_done_callback(lambda done: self._store(key, done))
        return await asyncio.shield(future)

    def _store(self, key: Any, future: asyncio.Future[Encoded]) -> None:
        self.pending.pop(key, None)
        if future.cancelled() or future.exception() is not None:
            return
        self.items[key] = future.result()
        while len(self.items) > self.size:
            self.items.popitem(last=False)


@dataclass(frozen=True)
class SpecChoices:
    """A visitor's changes to a perspective, as the what-if endpoints read them from the query."""

    perspective: str
    weights: dict[str, float | None]
    exclude: str
    reference: str | None


def _weight(kind: str) -> Any:
    return Query(None, ge=0, le=100, alias=f"w_{kind}",
                 description=f"relative weight of {kind} sovereignty (the four are normalised to sum 1)")


def spec_choices(perspective: str = Query("neutral", max_length=64, description="a shipped specification"),
                 w_domestic: float | None = _weight("domestic"),
                 w_interdependence: float | None = _weight("interdependence"),
                 w_westphalian: float | None = _weight("westphalian"),
                 w_international_legal: float | None = _weight("international_legal"),
                 exclude: str = Query("", max_length=2000, pattern=r"^[a-z0-9_,]*$",
                                      description="comma-separated indicator ids to leave out"),
                 reference: schemas.ReferenceChoice | None = None) -> SpecChoices:
    """The what-if query parameters (a FastAPI dependency shared by the what-if endpoints)."""
    weights = {"domestic": w_domestic, "interdependence": w_interdependence, "westphalian": w_westphalian,
               "international_legal": w_international_legal}
    return SpecChoices(perspective, weights, exclude, reference.value if reference else None)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application (a function, so each test and each worker gets its own)."""
    settings = settings or from_environment()
    runs = RunQueue(settings.max_runs, settings.max_waiting, settings.retry_after_s)
    memo = _Memo()

    warmed: set[tuple[int, str | None]] = set()

    async def bundle(seed: int, scenario: str | None = None) -> dict[str, Any]:
        """The model run for ``seed`` (under a shipped policy ``scenario``): one run per key, in the bounded
        queue (503 when it is full), kept once finished."""
        if seed != DEFAULT_SEED and not settings.allow_seeds:
            raise NotAllowed(f"this server runs seed {DEFAULT_SEED} only (start it with --allow-seeds for others)")
        from ironriver.web.views import run_models
        from ironriver.web.whatif import warm_up

        key = ("models", seed) if scenario is None else ("models", seed, scenario)
        run = await runs.get(key, run_models, seed, scenario)
        if (seed, scenario) not in warmed:  # the first what-if of a run pays for imports and caches: pay it now
            warmed.add((seed, scenario))
            await run_in_threadpool(warm_up, run)
        return run

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        warm = None
        if settings.warm:
            from ironriver.web.tables import catalogue

            await run_in_threadpool(catalogue)  # count the tables once, before the first visitor
            warm = asyncio.ensure_future(bundle(DEFAULT_SEED))
            warm.add_done_callback(lambda task: task.cancelled() or task.exception())  # errors show on request
        yield
        if warm is not None and not warm.done():
            warm.cancel()
        runs.shutdown()

    app = FastAPI(title="ironriver", version="0.1.0", lifespan=lifespan,
                  description="Whose sovereignty does the US–Mexico border threaten? The dashboard's JSON API. "
                              "Every JSON body carries an ETag (send If-None-Match for a 304) and is gzip-compressed "
                              "for clients that accept it.")
    app.add_middleware(SecurityHeaders)
    app.state.runs = runs

    @app.exception_handler(IronRiverError)
    async def user_error(_: Request, error: IronRiverError) -> JSONResponse:
        status = 404 if isinstance(error, (UnknownNameError, NotInThisBuild)) else 403 if isinstance(error, NotAllowed) else 400
        return JSONResponse({"error": str(error)}, status_code=status)

    @app.exception_handler(Busy)
    async def busy(_: Request, error: Busy) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=503,
                            headers={"Retry-After": str(error.retry_after_s)})

    @app.exception_handler(RequestValidationError)
    async def malformed(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        return JSONResponse({"error": f"{where}: {first.get('msg', 'invalid request')}"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code,
                            headers=getattr(error, "headers", None))

    page = encode_bytes(_static_text("dashboard.html").encode("utf-8"), "text/html; charset=utf-8")
    static = {name: encode_bytes(_static_text(name).encode("utf-8"), media) for name, media in STATIC_FILES.items()}

    @app.get("/", response_class=schemas.HTMLPage, responses=schemas.doc(304), summary="The dashboard page")
    async def dashboard(request: Request) -> Response:
        return respond(request, page)

    @app.get("/static/plotly.min.js", response_class=schemas.JavaScript, responses=schemas.doc(304),
             summary="Plotly, served locally (the page loads nothing from elsewhere)")
    async def plotly_js(request: Request) -> Response:
        return respond(request, await run_in_threadpool(_plotly), LONG_CACHE)

    @app.get("/static/dashboard.js", response_class=schemas.JavaScript, responses=schemas.doc(304),
             summary="The dashboard's script")
    async def dashboard_js(request: Request) -> Response:
        return respond(request, static["dashboard.js"])

    @app.get("/static/dashboard.css", response_class=schemas.Stylesheet, responses=schemas.doc(304),
             summary="The dashboard's style sheet")
    async def dashboard_css(request: Request) -> Response:
        return respond(request, static["dashboard.css"])

    @app.get("/api/tables", response_model=list[schemas.TableEntry], responses=schemas.doc(304),
             summary="The store's tables with their dataset, description and row count")
    async def tables(request: Request) -> Response:
        from ironriver.web.tables import catalogue

        return respond(request, await memo.get("catalogue", lambda: list(catalogue())))

    @app.get("/api/tables/{name}", response_model=schemas.TablePage, responses=schemas.doc(304, 404),
             summary="One page of a store table (rows offset … offset + limit)")
    async def table(request: Request, name: str = Path(max_length=64),
                    limit: int = Query(100, ge=1, le=5_000), offset: int = Query(0, ge=0, le=10_000_000)) -> Response:
        from ironriver.web.tables import page as table_page

        return respond(request, await memo.get(("table", name, limit, offset), lambda: table_page(name, limit, offset)))

    @app.get("/api/literature", response_model=list[schemas.Figure], responses=schemas.doc(304, 404),
             summary="Cited figures, optionally of one quantity and matching a search in id or source")
    async def literature(request: Request, quantity: str | None = Query(None, max_length=100),
                         search: str | None = Query(None, max_length=100)) -> Response:
        def compute() -> list[dict[str, Any]]:
            from ironriver.store import literature as figures
            from ironriver.web.tables import records

            frame = figures(quantity)
            if search:
                frame = frame[frame["id"].str.contains(search, case=False, regex=False)
                              | frame["source"].str.contains(search, case=False, regex=False)]
            return records(frame.copy())

        return respond(request, await memo.get(("literature", quantity, search), compute))

    @app.get("/api/timeline", response_model=list[schemas.Event], responses=schemas.doc(304, 404),
             summary="Dated events, optionally of one kind of sovereignty")
    async def timeline(request: Request, kind: str | None = Query(None, max_length=40)) -> Response:
        def compute() -> list[dict[str, Any]]:
            from ironriver.store import timeline as events
            from ironriver.web.tables import records

            return records(events(kind).copy())

        return respond(request, await memo.get(("timeline", kind), compute))

    years_query = Query("2000:2025", description="window of years, FIRST:LAST within the span the data cover",
                        json_schema_extra={"enum": WINDOWS})
    seed_query = Query(DEFAULT_SEED, ge=0, le=MAX_SEED,
                       description=f"random seed; other than {DEFAULT_SEED} only where the server allows it")

    scenario_query = Query(None, max_length=64, pattern=r"^[a-z0-9_]+$",
                           description="a shipped policy scenario (GET /api/scenarios); its first use is a model run "
                                       "in the bounded queue, kept afterwards")

    @app.get("/api/assessment", response_model=schemas.AssessmentSummary, responses=schemas.doc(304, 400, 403, 503),
             summary="The verdict, the ledger and the comparisons for a window of years (as assess --json)")
    async def assessment(request: Request, years: str = years_query, seed: int = seed_query) -> Response:
        from ironriver.web.views import window_summary

        first, last = parse_years(years)
        run = await bundle(seed)
        return respond(request, await memo.get(("summary", first, last, seed),
                                               lambda: window_summary(run, first, last)))

    @app.get("/api/charts", response_model=schemas.Charts, responses=schemas.doc(304, 403, 503),
             summary="The page's Plotly figures (the report's charts) over every year, and the maps' yearly colours")
    async def charts(request: Request, seed: int = seed_query) -> Response:
        run = await bundle(seed)
        return respond(request, await memo.get(("charts", seed), lambda: run["charts"]))

    @app.get("/api/cell", response_model=list[schemas.CellIndicator], responses=schemas.doc(304, 400, 403, 404, 503),
             summary="Drill-down, step 1: the indicators behind one ledger cell (state × kind × year)")
    async def cell(request: Request, state: schemas.State, kind: schemas.KindOrOverall,
                   year: int = Query(ge=YEAR_SPAN[0], le=YEAR_SPAN[1]), seed: int = seed_query) -> Response:
        from ironriver.web.drill import cell_indicators

        run = await bundle(seed)
        row = next((r for r in run["ledger_rows"] if r["state"] == state.value and r["kind"] == kind.value
                    and r["year"] == year), None)
        return respond(request, await memo.get(("cell", state, kind, year, seed), lambda: cell_indicators(
            run["indicators"], state.value, kind.value, year, row["indicators"] if row else None)))

    @app.get("/api/sources", response_model=schemas.Sources, responses=schemas.doc(304, 400, 403, 404, 503),
             summary="Drill-down, step 2: the raw rows, cited figures and events behind one indicator in one year")
    async def sources(request: Request, indicator: str = Query(max_length=80),
                      year: int = Query(ge=YEAR_SPAN[0], le=YEAR_SPAN[1]), seed: int = seed_query) -> Response:
        from ironriver.web.drill import check_indicator
        from ironriver.web.drill import sources as follow

        run = await bundle(seed)
        block = check_indicator(run["indicators"], indicator)

        def compute() -> dict[str, Any]:
            from ironriver.store import literature as figures
            from ironriver.store import timeline as events
            from ironriver.web.tables import catalogue

            value = next((v for v in block["values"] if v["year"] == year), None)
            if value is None:
                return {"indicator": indicator, "year": year, "lineage": None, "sources": []}
            lineage = value["lineage"]["value"]
            known = {entry["table"]: entry for entry in catalogue()}
            return {"indicator": indicator, "year": year, "lineage": lineage,
                    "sources": follow(lineage, known, figures(), events())}

        return respond(request, await memo.get(("sources", indicator, year, seed), compute))

    @app.get("/api/perspectives", response_model=list[schemas.Perspective], responses=schemas.doc(304),
             summary="The shipped specifications (perspectives) a what-if can start from")
    async def perspectives(request: Request) -> Response:
        from ironriver.web.whatif import perspectives as shipped

        return respond(request, await memo.get("perspectives", shipped))

    @app.get("/api/scenarios", response_model=list[schemas.Scenario], responses=schemas.doc(304),
             summary="The shipped policy scenarios a what-if can apply (each a model run, queued and kept)")
    async def scenario_list(request: Request) -> Response:
        from ironriver.web.whatif import scenarios

        return respond(request, await memo.get("scenarios", scenarios))

    def what_if_spec(run: dict[str, Any], choices: SpecChoices) -> tuple[Any, list[str]]:
        from ironriver.web.whatif import available, specification_of

        if not available() or run.get("draws") is None:
            raise NotInThisBuild("what-if needs the specification engine (ironriver.sovereignty.specification), "
                                 "which this build does not have")
        notes = []
        given = {k: v for k, v in choices.weights.items() if v is not None}
        if given and not any(given.values()):
            notes.append("every kind weight was zero: the perspective's own kind weights are used")
            given = {}
        excluded = [name for name in choices.exclude.split(",") if name] if choices.exclude else None
        known = list(run["draws"].table["id"])
        return specification_of(choices.perspective, given or None, excluded, choices.reference, known), notes

    @app.get("/api/whatif", response_model=schemas.WhatIf, responses=schemas.doc(304, 400, 403, 404, 503),
             summary="The verdict and ledger under an edited specification (re-aggregated from cached draws)")
    async def what_if(request: Request, years: str = years_query, seed: int = seed_query,
                      choices: SpecChoices = Depends(spec_choices), scenario: str | None = scenario_query) -> Response:
        from ironriver.web.whatif import check_scenario, reproduce_command
        from ironriver.web.whatif import what_if as aggregate_under

        first, last = parse_years(years)
        scenario = check_scenario(scenario) if scenario else None
        run = await bundle(seed, scenario)
        spec, notes = what_if_spec(run, choices)
        key = ("whatif", first, last, seed, scenario, spec.model_dump_json())
        return respond(request, await memo.get(key, lambda: {
            **aggregate_under(run["draws"], spec, first, last, seed=seed, n_weightings=run["n_weightings"]),
            "notes": notes, "scenario": scenario,
            "command": reproduce_command(f"{spec.name}.toml", first, last, seed, scenario)}))

    @app.get("/api/whatif.toml", response_class=schemas.Toml, responses=schemas.doc(304, 400, 403, 404, 503),
             summary="The edited specification as a TOML file for ironriver assess --spec")
    async def what_if_toml(request: Request, years: str = years_query, seed: int = seed_query,
                           choices: SpecChoices = Depends(spec_choices),
                           scenario: str | None = scenario_query) -> Response:
        from ironriver.web.whatif import check_scenario, reproduce_command, to_toml

        first, last = parse_years(years)
        scenario = check_scenario(scenario) if scenario else None
        spec, _ = what_if_spec(await bundle(seed, scenario), choices)
        command = reproduce_command(f"{spec.name}.toml", first, last, seed, scenario)
        response = respond(request, encode_bytes(to_toml(spec, command).encode("utf-8"), schemas.Toml.media_type))
        response.headers["Content-Disposition"] = f'attachment; filename="{spec.name}.toml"'
        return response

    @app.get("/api/claims", response_model=list[schemas.Claim], responses=schemas.doc(304, 403, 503),
             summary="The essay's claims tested against the evidence (as ironriver claims --json)")
    async def claims(request: Request, seed: int = seed_query) -> Response:
        from ironriver.essay import claim_records

        if seed != DEFAULT_SEED and not settings.allow_seeds:
            raise NotAllowed(f"this server runs seed {DEFAULT_SEED} only (start it with --allow-seeds for others)")
        rows = await runs.get(("claims", seed), claim_records, None, seed)   # heavy once: a worker process
        return respond(request, await memo.get(("claims", seed), lambda: rows))

    return app
