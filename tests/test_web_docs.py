"""docs/dashboard.md lists every route of the application and every query parameter of each (from the OpenAPI
schema the app serves), and names no route the app does not have."""

from __future__ import annotations

import re
from pathlib import Path

from ironriver.web.app import create_app
from ironriver.web.settings import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "dashboard.md"
HIDDEN = {"/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"}
"""FastAPI's own documentation routes (named in the doc's prose, not its table)."""


def _documented() -> dict[str, str]:
    """Endpoint → the rest of its row in the doc's endpoint table."""
    rows = re.findall(r"^\| `(/[^`]*)` \|(.*)$", DOC.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(rows)


def test_every_route_and_parameter_is_documented_and_nothing_else() -> None:
    schema = create_app(Settings(warm=False)).openapi()
    documented = _documented()
    assert set(documented) == set(schema["paths"]) - HIDDEN
    for path, operations in schema["paths"].items():
        row = documented[path]
        same_as = re.search(r"the same as `(/[^`]*)`", row)
        named = row + (documented[same_as.group(1)] if same_as else "")
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                assert f"`{parameter['name']}`" in named, f"{path}: parameter {parameter['name']} is not documented"
