"""The API's documented shapes: response models, error bodies and the status codes each endpoint can return.

These models document the responses (the OpenAPI schema that schemathesis checks the server against);
the endpoints send pre-encoded bodies, so the models are the contract, tested, not a serialisation step.
``extra="allow"`` where a row carries the columns of a table that can gain columns.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict

__all__ = ["doc", "ErrorBody", "TableEntry", "TablePage", "Figure", "Event", "AssessmentSummary", "Charts",
           "CellIndicator", "Sources", "State", "KindOrOverall", "HTMLPage", "JavaScript", "Stylesheet", "Toml",
           "ReferenceChoice", "Perspective", "WhatIf", "Claim", "ClaimEvidence"]


class HTMLPage(HTMLResponse):
    media_type = "text/html; charset=utf-8"


class JavaScript(Response):
    media_type = "application/javascript"


class Stylesheet(Response):
    media_type = "text/css"


class Toml(Response):
    media_type = "application/toml"


class ReferenceChoice(str, Enum):
    central = "central"
    low = "low"
    high = "high"
    drawn = "drawn"


class State(str, Enum):
    MEX = "MEX"
    USA = "USA"


class KindOrOverall(str, Enum):
    domestic = "domestic"
    interdependence = "interdependence"
    westphalian = "westphalian"
    international_legal = "international_legal"
    overall = "overall"


class ErrorBody(BaseModel):
    error: str


_ERRORS: dict[int, str] = {
    400: "A value the server cannot use (for example a window outside the years the data cover)",
    403: "Not allowed on this server (a seed other than the default without --allow-seeds)",
    404: "Unknown name (the error lists the closest known names)",
    422: "Malformed request (a parameter of the wrong type or out of its documented range)",
    503: "Busy: every model-run slot and waiting place is taken; retry after Retry-After seconds",
}


_ERROR_CONTENT = {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}}}
"""Errors are JSON whatever the endpoint's own content type (given inline: a ``model`` would be documented
under the endpoint's media type)."""


def doc(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entry documenting ``codes`` (304 and errors) for one endpoint; 422 always."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in (*codes, 422):
        if code == 304:
            out[304] = {"description": "Not modified: If-None-Match named the current ETag (no body)",
                        "content": {}}
        elif code == 503:
            out[503] = {"description": _ERRORS[503], "content": _ERROR_CONTENT,
                        "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}}
        else:
            out[code] = {"description": _ERRORS[code], "content": _ERROR_CONTENT}
    return out


class TableEntry(BaseModel):
    model_config = ConfigDict(extra="allow")
    table: str
    dataset: str
    description: str
    rows: int


class TablePage(BaseModel):
    table: str
    rows: int
    offset: int
    limit: int
    records: list[dict[str, Any]]


class Figure(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    quantity: str
    value: float | None
    unit: str | None
    source: str


class Event(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    date: str
    event: str
    sovereignty_kind: str
    state_affected: str


class SeededVerdict(BaseModel):
    """What every run of the ledger returns first: the years it covers, its seed and its verdict."""

    model_config = ConfigDict(extra="allow")
    years: list[int]
    seed: int
    verdict: dict[str, Any]


class AssessmentSummary(SeededVerdict):
    comparisons: list[dict[str, Any]]
    ledger: list[dict[str, Any]]
    not_included: list[str]
    headline: dict[str, Any] | None = None
    """The headline year, why, the rule, and each later year with why it is not the headline."""


class Charts(BaseModel):
    model_config = ConfigDict(extra="allow")
    ledger: dict[str, Any]
    iron_river: dict[str, Any] | None
    timeline: dict[str, Any]
    maps: dict[str, Any]


class CellIndicator(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    title: str
    kind: str
    unit: str
    transform: str
    value: float | None
    threat: float | None
    lineage: str


class Sources(BaseModel):
    indicator: str
    year: int
    lineage: str | None
    sources: list[dict[str, Any]]


class Perspective(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    description: str
    file: str


class WhatIf(SeededVerdict):
    specification: str
    by_year: list[dict[str, Any]]
    ledger: list[dict[str, Any]]
    notes: list[str]
    scenario: str | None = None
    command: str


class Scenario(BaseModel):
    name: str
    description: str


class ClaimEvidence(BaseModel):
    model_config = ConfigDict(extra="allow")
    what: str
    value: str
    lineage: str


class Claim(BaseModel):
    """One of the essay's claims with its status, the rule behind it and the evidence (``ironriver claims``)."""

    id: str
    claim: str
    status: str
    why: str
    rule: str
    basis: str
    evidence: list[ClaimEvidence]
    would_change: str
