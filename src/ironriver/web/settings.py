"""How a server is configured: which seeds it runs, how many model runs at once, how many may wait.

``ironriver serve`` writes its options into environment variables before it starts uvicorn, so that every
worker process (``--workers N``) reads the same settings in :func:`from_environment`; tests build a
:class:`Settings` directly and pass it to :func:`~ironriver.web.app.create_app`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ironriver.errors import IronRiverError

__all__ = ["Settings", "from_environment", "to_environment", "DEFAULT_SEED"]

DEFAULT_SEED = 0
"""The seed every server runs; others only with ``--allow-seeds``."""
_PREFIX = "IRONRIVER_SERVE_"


@dataclass(frozen=True)
class Settings:
    """Server settings.

    Attributes
    ----------
    allow_seeds : bool
        Whether ``/api/assessment?seed=N`` may run the chain for seeds other than :data:`DEFAULT_SEED`.
    max_runs : int
        Model runs at once (each in its own process).
    max_waiting : int
        Model runs that may wait for a free slot; a request beyond ``max_runs + max_waiting`` gets 503.
    retry_after_s : int
        The ``Retry-After`` a refused request is given, in seconds.
    warm : bool
        Run the default assessment when the server starts, so the first visitor does not wait for it.
    """

    allow_seeds: bool = False
    max_runs: int = 1
    max_waiting: int = 2
    retry_after_s: int = 30
    warm: bool = True

    def __post_init__(self) -> None:
        if self.max_runs < 1:
            raise IronRiverError(f"max_runs must be at least 1, got {self.max_runs}")
        if self.max_waiting < 0:
            raise IronRiverError(f"max_waiting must be 0 or more, got {self.max_waiting}")
        if self.retry_after_s < 1:
            raise IronRiverError(f"retry_after_s must be at least 1, got {self.retry_after_s}")


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def from_environment() -> Settings:
    """Settings from ``IRONRIVER_SERVE_*`` variables (defaults where unset)."""
    env = os.environ
    defaults = Settings()
    try:
        return Settings(
            allow_seeds=_flag(env.get(_PREFIX + "ALLOW_SEEDS", str(defaults.allow_seeds))),
            max_runs=int(env.get(_PREFIX + "MAX_RUNS", defaults.max_runs)),
            max_waiting=int(env.get(_PREFIX + "MAX_WAITING", defaults.max_waiting)),
            retry_after_s=int(env.get(_PREFIX + "RETRY_AFTER", defaults.retry_after_s)),
            warm=_flag(env.get(_PREFIX + "WARM", str(defaults.warm))))
    except ValueError as error:
        raise IronRiverError(f"bad {_PREFIX}* setting: {error}") from None


def to_environment(settings: Settings) -> None:
    """Write ``settings`` where :func:`from_environment` (in this process or a worker) reads them."""
    os.environ.update({_PREFIX + "ALLOW_SEEDS": str(settings.allow_seeds), _PREFIX + "MAX_RUNS": str(settings.max_runs),
                       _PREFIX + "MAX_WAITING": str(settings.max_waiting),
                       _PREFIX + "RETRY_AFTER": str(settings.retry_after_s), _PREFIX + "WARM": str(settings.warm)})
