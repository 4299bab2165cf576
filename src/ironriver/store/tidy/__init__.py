"""Tidy functions: one per packaged dataset, each turning raw files into documented long tables.

A tidy function takes a :class:`~ironriver.data.RawDataset` and returns ``{table_name: DataFrame}``.
It is pure (reads only through ``raw``) so tests can feed it small fixture files. Each one handles its
dataset's known defects (see ``descr/<dataset>.md``, "Caveats found in audit") and drops subtotal rows.
Register with :func:`tidies`; the store discovers every module in this package.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ironriver.data import RawDataset

TidyFunction = Callable[[RawDataset], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class Tidier:
    """A registered tidy function and the tables it promises, each with a one-line description."""

    dataset: str
    function: TidyFunction
    tables: dict[str, str]


REGISTRY: dict[str, Tidier] = {}


def tidies(dataset: str, tables: dict[str, str]) -> Callable[[TidyFunction], TidyFunction]:
    """Register ``function`` as the tidy function of ``dataset``, producing ``tables`` (name -> description)."""

    def register(function: TidyFunction) -> TidyFunction:
        REGISTRY[dataset] = Tidier(dataset, function, tables)
        return function

    return register


def discover() -> dict[str, Tidier]:
    """Import every tidy module so that its functions register themselves; return the registry."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY


def conform(frame: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """Keep exactly the columns of ``schema`` (name -> dtype), in order, with those dtypes and a fresh index."""
    return frame[list(schema)].astype(schema).reset_index(drop=True)
