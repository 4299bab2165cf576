"""ironriver: whose sovereignty does the US–Mexico border threaten? Real data, honest uncertainty.

The package follows the one-way flow of data, one folder per stage:
``data → store → evidence → estimate → supply_chain → sovereignty → claims → report / cli / web``.
This module re-exports the few names a notebook user needs; each is imported on first use so that
``import ironriver`` stays fast.

>>> import ironriver
>>> nics = ironriver.load("nics_checks")          # a tidy table as a DataFrame
>>> figures = ironriver.literature()             # cited figures from the literature
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load": "ironriver.store",
    "sql": "ironriver.store",
    "tables": "ironriver.store",
    "literature": "ironriver.store",
    "literature_value": "ironriver.store",
    "timeline": "ironriver.store",
    "describe": "ironriver.data",
    "cite": "ironriver.data.citations",
    "estimate_iron_river": "ironriver.estimate.iron_river",
    "spillover": "ironriver.estimate.spillover",
    "Scenario": "ironriver.supply_chain",
    "simulate": "ironriver.supply_chain",
    "ledger": "ironriver.sovereignty",
    "assess": "ironriver.sovereignty",
    "claims": "ironriver.essay",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ironriver' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
