"""Shared test set-up: a private cache folder for the store, built once before the workers start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ.setdefault("IRONRIVER_HOME", str(ROOT / ".pytest_cache" / "ironriver-home"))


def pytest_configure(config: pytest.Config) -> None:
    # Build the store once in the controlling process so that parallel workers only read it.
    if hasattr(config, "workerinput"):
        return
    try:
        from ironriver.store import ensure_store

        ensure_store()
    except Exception as error:  # the tests that need the store will report the failure themselves
        print(f"conftest: store not built: {error}")
