"""The FastAPI application: JSON endpoints over the store and the assessment, and the dashboard page.

Every user error (:class:`~ironriver.errors.IronRiverError`: an unknown table, years out of range)
becomes an HTTP 400 (404 for unknown names; 503 when a model of the chain failed) whose body is
``{"error": "<one line>"}``. Assessments are
cached in memory per (years, seed), on top of the chain's own disk cache, so the dashboard's repeated
requests are cheap.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ironriver.errors import IronRiverError, ModelFailedError, UnknownNameError

MAX_ROWS = 5_000
"""Largest number of rows one table request returns (the dashboard pages through a table)."""


def _clean(value: Any) -> Any:
    """JSON-safe values: NaN and infinities become null, numpy scalars plain Python numbers."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return str(value)
    return value


def _records(frame: Any) -> list[dict[str, Any]]:
    return _clean(frame.to_dict("records"))


@lru_cache(maxsize=8)
def _assessment(years: str, seed: int) -> dict[str, Any]:
    from ironriver.sovereignty import assess

    result = assess(years, seed=seed)
    payload = result.to_json_dict()
    payload["iron_river"] = _iron_river_series(result.iron_river)
    return _clean(payload)


def _iron_river_series(iron_river: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """Per-year median and 90% interval of the flow, from the chain's iron-river output."""
    if not iron_river:
        return None
    summary = iron_river.get("summary")
    if summary is None or not hasattr(summary, "to_dict"):
        return None
    return _records(summary)


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def create_app() -> FastAPI:
    """Build the application (a function, so tests get a fresh one)."""
    app = FastAPI(title="ironriver", description="Whose sovereignty does the US–Mexico border threaten?",
                  version="0.1.0")

    @app.exception_handler(IronRiverError)
    async def user_error(_: Request, error: IronRiverError) -> JSONResponse:
        # a model that failed is the server's failure (503), not the user's (400)
        status = 404 if isinstance(error, UnknownNameError) else 503 if isinstance(error, ModelFailedError) else 400
        return JSONResponse({"error": str(error)}, status_code=status)

    @app.get("/", response_class=HTMLResponse)
    def dashboard() -> str:
        return (files("ironriver.web") / "static" / "dashboard.html").read_text(encoding="utf-8")

    @app.get("/static/plotly.min.js")
    def plotly_js() -> Response:
        return Response(_plotly_js(), media_type="application/javascript",
                        headers={"Cache-Control": "max-age=86400"})

    @app.get("/api/tables")
    def tables() -> list[dict[str, Any]]:
        from ironriver.store import tables as store_tables

        return _records(store_tables())

    @app.get("/api/tables/{name}")
    def table(name: str, limit: int = Query(100, ge=1, le=MAX_ROWS), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        from ironriver.store import load

        frame = load(name)
        return {"table": name, "rows": len(frame), "offset": offset,
                "records": _records(frame.iloc[offset:offset + limit])}

    @app.get("/api/literature")
    def literature(quantity: str | None = None, search: str | None = None) -> list[dict[str, Any]]:
        from ironriver.store import literature as figures

        frame = figures(quantity)
        if search:
            frame = frame[frame["id"].str.contains(search, case=False, regex=False)
                          | frame["source"].str.contains(search, case=False, regex=False)]
        return _records(frame)

    @app.get("/api/timeline")
    def timeline(kind: str | None = None) -> list[dict[str, Any]]:
        from ironriver.store import timeline as events

        frame = events(kind)
        for column in ("date", "end_date"):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        return _records(frame)

    @app.get("/api/assessment")
    def assessment(years: str = "2000:2025", seed: int = Query(0, ge=0)) -> dict[str, Any]:
        from ironriver.sovereignty import parse_years

        first, last = parse_years(years)
        return _assessment(f"{first}:{last}", seed)

    return app


app = create_app()
