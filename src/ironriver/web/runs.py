"""Model runs as a bounded queue: at most ``max_runs`` at once, each in its own process, ``max_waiting`` more
queued, and a :class:`Busy` refusal (HTTP 503 with ``Retry-After``) beyond that.

A model run (the whole assessment chain) takes seconds to minutes of CPU. Run on the event loop it would
stall every other request; run in a thread it would still hold the interpreter lock for much of the time.
So runs go to a :class:`~concurrent.futures.ProcessPoolExecutor` with ``max_runs`` workers at a lower CPU
priority, and the server's own process stays free to answer the cheap endpoints. Two requests for the same key share one run; finished
results are kept (least recently used first out) so a repeated request costs nothing.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

__all__ = ["RunQueue", "Busy"]

KEEP_RESULTS = 8
"""Finished runs kept in memory (an assessment's bundle is a few megabytes)."""


RUN_NICENESS = 10
"""How much lower the model-run processes' CPU priority is than the server's (Unix ``nice``), so that on a
busy machine the cheap endpoints get the CPU first."""


def _lower_priority() -> None:
    if hasattr(os, "nice"):
        os.nice(RUN_NICENESS)


class Busy(Exception):
    """Every run slot and every waiting place is taken; try again after ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: int, running: int) -> None:
        super().__init__(f"the server is busy with {running} model runs; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class RunQueue:
    """Runs ``function(*args)`` per key in worker processes, bounded; keeps the latest results."""

    def __init__(self, max_runs: int, max_waiting: int, retry_after_s: int,
                 executor_factory: Callable[[int], Executor] | None = None) -> None:
        self.max_runs = max_runs
        self.max_waiting = max_waiting
        self.retry_after_s = retry_after_s
        self._factory = executor_factory or (lambda n: ProcessPoolExecutor(
            max_workers=n, mp_context=multiprocessing.get_context("spawn"), initializer=_lower_priority))
        self._executor: Executor | None = None
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}
        self._done: OrderedDict[Hashable, Any] = OrderedDict()

    @property
    def in_flight(self) -> int:
        """Runs running or waiting."""
        return len(self._pending)

    def cached(self, key: Hashable) -> Any | None:
        """The finished result for ``key``, or None."""
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        return None

    def remember(self, key: Hashable, result: Any) -> None:
        """Keep ``result`` as the finished run for ``key`` (a run made elsewhere, e.g. by a test or a warm-up)."""
        self._done[key] = result
        while len(self._done) > KEEP_RESULTS:
            self._done.popitem(last=False)

    async def get(self, key: Hashable, function: Callable[..., Any], *args: Any) -> Any:
        """The result for ``key``: cached, joined to a run in flight, or started (raises :class:`Busy` if full)."""
        hit = self.cached(key)
        if hit is not None:
            return hit
        future = self._pending.get(key)
        if future is None:
            if len(self._pending) >= self.max_runs + self.max_waiting:
                raise Busy(self.retry_after_s, len(self._pending))
            if self._executor is None:
                self._executor = self._factory(self.max_runs)
            future = asyncio.get_running_loop().run_in_executor(self._executor, function, *args)
            self._pending[key] = future
            future.add_done_callback(lambda done, key=key: self._finish(key, done))
        # shield: a visitor who gives up does not cancel the run others may be waiting for
        return await asyncio.shield(future)

    def _finish(self, key: Hashable, future: asyncio.Future[Any]) -> None:
        self._pending.pop(key, None)
        if not future.cancelled() and future.exception() is None:
            self.remember(key, future.result())

    def shutdown(self) -> None:
        """Stop the worker processes (runs in flight are abandoned)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
