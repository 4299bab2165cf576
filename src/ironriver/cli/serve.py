"""``ironriver serve``: the dashboard and JSON API, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(host: Annotated[str, typer.Option(help="address to listen on (0.0.0.0 exposes it to the network)")]
          = "127.0.0.1",
          port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
          workers: Annotated[int, typer.Option(min=1, max=64, help="server processes (uvicorn workers)")] = 1,
          allow_seeds: Annotated[bool, typer.Option("--allow-seeds", help="let visitors run seeds other than 0 "
                                                                           "(each new seed runs the model chain)")]
          = False,
          max_runs: Annotated[int, typer.Option(min=1, max=64, help="model runs at once, per server process")] = 1,
          max_waiting: Annotated[int, typer.Option(min=0, max=1000, help="model runs that may wait for a slot; "
                                                                         "more get 503 with Retry-After")] = 2,
          warm: Annotated[bool, typer.Option(help="run the default assessment at start, before the first visitor")]
          = True) -> None:
    """Serve the dashboard (http://HOST:PORT/) and the JSON API (/api/…, docs at /docs)."""
    import uvicorn

    from ironriver.cli._common import console, ensure_store_with_progress
    from ironriver.web.settings import Settings, to_environment

    to_environment(Settings(allow_seeds=allow_seeds, max_runs=max_runs, max_waiting=max_waiting, warm=warm))
    ensure_store_with_progress()
    console.print(f"ironriver dashboard on http://{host}:{port}/ ({workers} worker{'s' * (workers > 1)}; "
                  f"Ctrl+C to stop)")
    uvicorn.run("ironriver.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
