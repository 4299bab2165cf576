"""A live server for tests that need real HTTP (schemathesis, the browser): uvicorn in a thread, on a free port of
127.0.0.1, with a finished model run handed to it so that tests do not wait for the chain twice."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ironriver.web.app import create_app
from ironriver.web.settings import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(bundle: dict[str, Any] | None = None, settings: Settings | None = None) -> Iterator[str]:
    """Serve the app on 127.0.0.1 for the duration of the ``with`` block; yield its base URL."""
    import uvicorn

    app = create_app(settings or Settings(warm=bundle is None))
    if bundle is not None:
        app.state.runs.remember(("models", 0), bundle)
    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)
