"""Sweeps: a grid of lever (and assumption) values × replicates, run in-process or on a Dask cluster.

A grid file names a base scenario and the values each varied setting takes; the sweep runs the base and every
combination with one seed, so every grid point is compared with the base replicate by replicate::

    name = "inspection × background checks"
    base = "baseline.toml"            # optional, relative to this file; default: the status quo
    replicates = 200                  # defaults for the CLI
    seed = 1

    [grid]
    "levers.southbound_inspection" = [1, 3, 10, 30]
    "levers.universal_background_checks" = [false, true]

:func:`dask_client` gives the back end: none (in-process), a LocalCluster of N worker processes, or a running
scheduler at an address. Results do not depend on it. Imports within :mod:`ironriver.supply_chain`; ``distributed``
lazily.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ironriver.data.shipped import resolve_shipped
from ironriver.errors import IronRiverError
from ironriver.supply_chain.result import SimulationResult
from ironriver.supply_chain.run import DEFAULT_CHUNK, Progress, run_scenarios
from ironriver.supply_chain.scenario import Scenario, ScenarioError, format_validation_error, parse_years, read_toml

__all__ = ["Grid", "SweepResult", "sweep", "dask_client"]


class _GridFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = "sweep"
    description: str = ""
    base: str | None = None
    years: tuple[int, ...] | None = None
    replicates: int = Field(200, ge=1, le=1_000_000)
    seed: int = Field(0, ge=0)
    grid: dict[str, list[Any]]

    @field_validator("years", mode="before")
    @classmethod
    def _years(cls, value: Any) -> tuple[int, ...] | None:
        return parse_years(value)

    @field_validator("grid")
    @classmethod
    def _grid(cls, value: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if not value:
            raise ValueError("the grid varies nothing; add 'levers.NAME = [values]'")
        for key, values in value.items():
            if not values:
                raise ValueError(f"{key} has no values")
        return value


@dataclass(frozen=True)
class Grid:
    """A validated sweep: the base scenario and one scenario per grid point.

    Attributes
    ----------
    name : str
        Shown in tables.
    base : Scenario
        The reference every point is compared with.
    points : list of Scenario
        One per combination of the grid's values, named ``key=value, …``.
    settings : list of dict
        The varied values of each point (dotted keys).
    replicates, seed : int
        Defaults from the file.
    """

    name: str
    base: Scenario
    points: list[Scenario]
    settings: list[dict[str, Any]]
    replicates: int
    seed: int

    @classmethod
    def from_toml(cls, path: str | Path) -> Grid:
        """Read and validate a grid file (a path or a shipped name); every problem is one line naming the file, the
        key and the problem."""
        path = resolve_shipped("scenarios", path)
        data = read_toml(path)
        try:
            spec = _GridFile.model_validate(data)
        except ValidationError as error:
            raise ScenarioError(format_validation_error(str(path), error)) from None
        return cls.from_spec(spec, origin=str(path), folder=path.parent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "grid") -> Grid:
        try:
            spec = _GridFile.model_validate(dict(data))
        except ValidationError as error:
            raise ScenarioError(format_validation_error(origin, error)) from None
        return cls.from_spec(spec, origin=origin, folder=Path("."))

    @classmethod
    def from_spec(cls, spec: _GridFile, origin: str, folder: Path) -> Grid:
        base = Scenario.from_toml(folder / spec.base) if spec.base else Scenario.baseline()
        if spec.years is not None:
            base = base.with_changes({"years": spec.years}, origin=origin)
        keys = list(spec.grid)
        points, settings = [], []
        for values in itertools.product(*(spec.grid[k] for k in keys)):
            setting = dict(zip(keys, values))
            label = ", ".join(f"{k.partition('.')[2]}={_show(v)}" for k, v in setting.items())
            points.append(base.with_changes(setting, name=label, origin=origin))
            settings.append(setting)
        return cls(name=spec.name, base=base, points=points, settings=settings, replicates=spec.replicates,
                   seed=spec.seed)


def _show(value: Any) -> str:
    """A lever value as it would be written in TOML (for labels)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}={v:g}" for k, v in value.items()) + "}"
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class SweepResult:
    """The base run and one run per grid point, all with one seed."""

    grid: Grid
    base: SimulationResult
    results: list[SimulationResult]

    def table(self, quantity: str = "arrived", level: float = 0.9) -> pd.DataFrame:
        """One row per grid point: the varied settings, ``quantity`` (median and interval, guns/year) and its
        paired difference from the base (guns/year and %)."""
        rows = []
        for setting, result in zip(self.grid.settings, self.results):
            compared = result.compare(self.base, level)
            row = compared[(compared["group"] == "total") & (compared["quantity"] == quantity)].iloc[0]
            summary = result.summary(level)
            own = summary[(summary["group"] == "total") & (summary["quantity"] == quantity)].iloc[0]
            rows.append({"point": result.scenario.name, **{k.partition(".")[2]: v for k, v in setting.items()},
                         "median": own["median"], "low": own["low"], "high": own["high"],
                         "difference": row["difference"], "difference_low": row["difference_low"],
                         "difference_high": row["difference_high"], "relative_pct": row["relative_pct"],
                         "relative_low_pct": row["relative_low_pct"], "relative_high_pct": row["relative_high_pct"]})
        return pd.DataFrame(rows)


@contextlib.contextmanager
def dask_client(workers: int | None = None, address: str | None = None) -> Iterator[Any]:
    """The back end: None (in-process), a LocalCluster of ``workers`` processes, or the scheduler at ``address``.

    Raises
    ------
    IronRiverError
        Both options given, a bad worker count, or a scheduler that cannot be reached.
    """
    if workers is not None and address is not None:
        raise IronRiverError("--workers and --dask exclude each other: start a local cluster or use a running one")
    if workers is None and address is None:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:  # a dependency, but report it in one line
        raise IronRiverError(f"Dask distributed is not installed ({error})") from None
    if address is not None:
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as error:
            raise IronRiverError(f"cannot reach the Dask scheduler at {address}: {error}") from None
        try:
            yield client
        finally:
            client.close()
        return
    if not 1 <= int(workers) <= 256:
        raise IronRiverError(f"--workers must be from 1 to 256, got {workers}")
    with LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def sweep(grid: Grid | str | Path, *, replicates: int | None = None, seed: int | None = None,
          calibration: Any = "auto", client: Any = None, progress: Progress | None = None,
          chunk_size: int = DEFAULT_CHUNK, inputs: Any = None, years: Sequence[int] | None = None) -> SweepResult:
    """Run the base scenario and every grid point with one seed, in-process or on ``client``.

    Parameters
    ----------
    grid : Grid or path to a grid TOML file
        What to vary.
    replicates, seed : int, optional
        Override the grid file's defaults.
    calibration, client, progress, chunk_size, inputs, years
        As for :func:`~ironriver.supply_chain.run.run_scenarios`.
    """
    if not isinstance(grid, Grid):
        grid = Grid.from_toml(grid)
    scenarios = [grid.base, *grid.points]
    runs = run_scenarios(scenarios, replicates=grid.replicates if replicates is None else replicates,
                         seed=grid.seed if seed is None else seed, calibration=calibration, client=client,
                         progress=progress, chunk_size=chunk_size, inputs=inputs, years=years)
    return SweepResult(grid=grid, base=runs[0], results=runs[1:])


def identical(a: SimulationResult, b: SimulationResult) -> bool:
    """True if two runs hold exactly the same counts and parameters (the back-end equivalence check)."""
    arrays = ("replicates", "transit", "in_transit", "stock", "stock_end", "stock_start", "flow", "agent_steps")
    same = all(np.array_equal(getattr(a, name), getattr(b, name)) for name in arrays)
    return same and a.parameters.keys() == b.parameters.keys() and all(
        np.array_equal(a.parameters[k], b.parameters[k], equal_nan=True) for k in a.parameters)

