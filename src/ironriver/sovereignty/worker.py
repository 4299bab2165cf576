"""The chain's second process: the jobs of ``ironriver assess`` that need not wait for its main line.

On two cores, :func:`ironriver.sovereignty.chain.assess` hands the spillover estimate (independent of the iron
river), the supply-chain simulation when no scenario needs it first (independent of the ledger) and the
contest's flip search (independent of its Sobol analysis) to one worker process, and goes on with the
iron-river fit, the ledger and the rest of the contest itself. The worker is spawned before the store
is built and imports the estimate and simulation stages straight away: those imports take several seconds and
touch no data, so they overlap the build. Jobs run one after another, in the order submitted; a job returns
exactly what it would have returned in the main process (tests/test_determinism.py checks the spillover).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import SimpleNamespace
from typing import Any

WARM_MODULES = ("ironriver.sovereignty.chain", "ironriver.sovereignty.contest", "ironriver.estimate.spillover",
                "ironriver.supply_chain")
"""What the worker imports on start, before any job reaches it."""


def warm_up() -> None:
    """Import :data:`WARM_MODULES` (while the main process builds the store)."""
    for name in WARM_MODULES:
        importlib.import_module(name)


class Worker:
    """One spawned process that runs submitted jobs in order; started with :func:`warm_up` queued."""

    def __init__(self) -> None:
        self.executor = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self.executor.submit(warm_up)

    def submit(self, function: Callable[..., Any], *args: Any) -> Future | None:
        """Queue ``function(*args)``; None if the worker cannot take it (the caller then runs it itself)."""
        try:
            return self.executor.submit(function, *args)
        except (OSError, RuntimeError):   # a broken pool raises a RuntimeError
            return None

    def close(self) -> None:
        """Let the process exit after its running job; jobs not started yet are dropped."""
        self.executor.shutdown(wait=False, cancel_futures=True)


def start_worker() -> Worker | None:
    """A started :class:`Worker` if the machine has a second core; None otherwise."""
    if (os.cpu_count() or 1) < 2:
        return None
    try:
        return Worker()
    except (OSError, RuntimeError):
        return None


def portable_calibration(calibration: Any | None) -> Any | None:
    """What the simulation follows, in a form that pickles small: a live iron-river posterior becomes its flow and
    parameter draws (all the simulation reads from it, through ``Calibration.from_posterior``), so that its
    model and evidence need not travel to the worker. Anything else is returned as it is."""
    if calibration is None or not hasattr(calibration, "parameter_draws"):
        return calibration
    return SimpleNamespace(draws=calibration.draws, parameter_draws=calibration.parameter_draws)
