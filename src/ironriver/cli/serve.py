"""``ironriver serve``: the dashboard and JSON API on a local port."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000) -> None:
    """Serve the dashboard (http://HOST:PORT/) and the JSON API (/api/…, docs at /docs)."""
    import uvicorn

    from ironriver.cli._common import console, ensure_store_with_progress

    ensure_store_with_progress()
    console.print(f"ironriver dashboard on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run("ironriver.web.app:app", host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
