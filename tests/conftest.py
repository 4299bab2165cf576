"""Shared test set-up: a private cache folder for the store, built once before the workers start; the headless
Chromium tab the browser tests drive."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ.setdefault("IRONRIVER_HOME", str(ROOT / ".pytest_cache" / "ironriver-home"))

CHROMIUM = "/usr/bin/chromium"
"""Debian's chromium (the tests never download a browser)."""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
BROWSER = [pytest.mark.browser,
           pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")]
"""Marks for a browser test module."""

OpenTab = Callable[[Sequence[str]], AbstractContextManager[tuple[Any, list[str], list[str]]]]


@contextmanager
def _chromium_tab(allowed: Sequence[str]) -> Iterator[tuple[Any, list[str], list[str]]]:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
            tab.on("console", lambda message: errors.append(f"console: {message.text}")
                   if message.type == "error" else None)

            def refuse(route: Any) -> None:  # the page must need nothing else: refuse and record any other request
                refused.append(route.request.url)
                route.abort()

            tab.route(lambda url: not url.startswith(tuple(allowed)), refuse)
            yield tab, errors, refused
        finally:
            browser.close()


@pytest.fixture()
def chromium_tab() -> OpenTab:
    """Opens a headless Chromium tab (1280 × 900): ``with chromium_tab(allowed) as (tab, errors, refused)``, where
    ``errors`` collects JavaScript errors and console errors, and ``refused`` every request whose URL starts with
    none of the ``allowed`` prefixes (each is aborted)."""
    return _chromium_tab


def pytest_configure(config: pytest.Config) -> None:
    # Build the store once in the controlling process so that parallel workers only read it.
    if hasattr(config, "workerinput"):
        return
    try:
        from ironriver.store import ensure_store

        ensure_store()
    except Exception as error:  # the tests that need the store will report the failure themselves
        print(f"conftest: store not built: {error}")
