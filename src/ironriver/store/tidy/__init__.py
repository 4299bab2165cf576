"""Tidy functions: one per packaged dataset, each turning raw files into documented long tables.

A tidy function takes a :class:`~ironriver.data.RawDataset` and returns ``{table_name: DataFrame}``.
It is pure (reads only through ``raw``) so tests can feed it small fixture files. Each one handles its
dataset's known defects (see ``descr/<dataset>.md``, "Caveats found in audit") and drops subtotal rows.
Register with :func:`tidies`, or, where each table has a function of its own, declare the dataset's table of
(table name → builder, description) with :func:`tidy_tables`; the store discovers every module in this package.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ironriver.data import RawDataset

TidyFunction = Callable[[RawDataset], dict[str, pd.DataFrame]]
TableBuilder = Callable[[RawDataset], pd.DataFrame]


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


def tidy_tables(dataset: str, tables: dict[str, tuple[TableBuilder, str]]) -> TidyFunction:
    """Register and return the tidy function of ``dataset`` whose every table has a builder of its own.

    ``tables`` maps each table's name to (the function building it from the raw files, its one-line
    description). The tidy function belongs to the builders' module, so the store's cache key (the source of
    that module) changes whenever they do.
    """

    def tidy(raw: RawDataset) -> dict[str, pd.DataFrame]:
        return {name: build(raw) for name, (build, _) in tables.items()}

    tidy.__name__ = tidy.__qualname__ = f"tidy_{dataset}"
    tidy.__module__ = next(iter(tables.values()))[0].__module__
    tidy.__doc__ = f"Tidy ``{dataset}`` into {', '.join(f'``{name}``' for name in tables)}."
    return tidies(dataset, {name: description for name, (_, description) in tables.items()})(tidy)


def discover() -> dict[str, Tidier]:
    """Import every tidy module so that its functions register themselves; return the registry."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY


def conform(frame: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """Keep exactly the columns of ``schema`` (name -> dtype), in order, with those dtypes and a fresh index."""
    return frame[list(schema)].astype(schema).reset_index(drop=True)
