"""The one registry of named assumptions: every number the package needs that no dataset or publication gives.

Each stage declares its assumptions in its own file (``evidence/assumptions.py``, ``estimate/priors.py``,
``supply_chain/assumptions.py``, ``sovereignty/transforms.py``, ``essay/rules.py``) with the one type :class:`Assumption` and
adds them here when it is imported (:func:`register`). An assumption carries its value, its plausible range
(``low``–``high``: the 90% interval of a prior, or the support it is sampled over, or the ends the sensitivity
analysis moves it to), how it is sampled (``distribution`` with its ``parameters``), its unit, its source (a
literature id or the word ``"assumption"``), a one-line reason and the stage and part of the model that use it.
:func:`all_assumptions` and :func:`assumptions_table` import every stage's declaring module first (explicitly,
:data:`STAGE_MODULES`), so the listing is complete however the package was imported; ``ironriver
assumptions`` prints it. Imports no stage at module level: any stage may import this module.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from typing import Union

import pandas as pd

from ironriver.errors import IronRiverError, UnknownNameError

__all__ = ["Assumption", "DISTRIBUTIONS", "STAGE_MODULES", "STAGES", "register", "all_assumptions",
           "assumptions_table", "get"]

DISTRIBUTIONS: tuple[str, ...] = ("fixed", "normal", "lognormal", "logitnormal", "uniform", "loguniform",
                                  "triangular")
"""How an assumption is sampled: not at all (``fixed``: the value, moved to ``low``/``high`` by a sensitivity
analysis), a normal on the natural, log or logit scale (``parameters``: ``loc``, ``scale`` on that scale), or
uniformly, log-uniformly or triangularly (mode ``value``) over ``low``–``high``."""

STAGE_MODULES: dict[str, str] = {
    "evidence": "ironriver.evidence",
    "estimate": "ironriver.estimate.priors",
    "supply_chain": "ironriver.supply_chain.assumptions",
    "sovereignty": "ironriver.sovereignty.transforms",
    "essay": "ironriver.essay.rules",
}
"""The module of each stage that declares and registers its assumptions, in the order of the flow."""

STAGES: tuple[str, ...] = tuple(STAGE_MODULES)


@dataclass(frozen=True)
class Assumption:
    """A named number the analysis needs that no dataset or publication supplies.

    Attributes
    ----------
    name : str
        Snake_case identifier, unique across the package.
    value : float or None
        The central value (the prior median, the mode, or the fixed value), in ``unit``.
    low, high : float or None
        The plausible range: a prior's 90% interval, the support it is sampled over, or the range ends a
        sensitivity analysis refits at.
    unit : str
        Unit of ``value``, ``low`` and ``high``.
    source : str
        A literature id or dataset the value comes from, or ``"assumption"``.
    why : str
        One line on why this value and range.
    used_by : str
        The part of the stage (an evidence stream, a lever, the ledger…) that uses it.
    stage : str
        The stage that declares it (one of :data:`STAGES`); set by :func:`register`.
    distribution : str
        How it is sampled (one of :data:`DISTRIBUTIONS`).
    parameters : tuple of (name, value)
        The distribution's parameters where ``value``/``low``/``high`` do not say it all (``loc``, ``scale``).
    kind : str
        ``"prior"`` (a Bayesian prior), ``"fixed"`` (not sampled) or ``"sampled"`` (drawn over its range).
    """

    name: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    source: str
    why: str
    used_by: str = ""
    stage: str = ""
    distribution: str = "fixed"
    parameters: tuple[tuple[str, float], ...] = ()
    kind: str = "fixed"

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"assumption {self.name}: distribution {self.distribution!r} not in {DISTRIBUTIONS}")
        if None not in (self.value, self.low, self.high) and not self.low <= self.value <= self.high:
            raise ValueError(f"assumption {self.name}: value {self.value} outside [{self.low}, {self.high}]")
        if self.distribution == "loguniform" and (self.low is None or self.low <= 0):
            raise ValueError(f"assumption {self.name}: a log-uniform range needs low > 0")

    @property
    def parameter(self) -> dict[str, float]:
        """``parameters`` as a dict."""
        return dict(self.parameters)

    def describe(self) -> str:
        """The distribution in words, e.g. ``LogNormal(median 0.03, log-sd 0.6)`` or ``fixed``."""
        p = self.parameter
        if self.distribution == "lognormal":
            return f"LogNormal(median {_fmt(self.value)}, log-sd {p['scale']:g})"
        if self.distribution == "logitnormal":
            return f"LogitNormal(median {_fmt(self.value)}, logit-sd {p['scale']:g})"
        if self.distribution == "normal":
            return f"Normal({_fmt(p['loc'])}, {p['scale']:g})"
        if self.distribution in ("uniform", "loguniform", "triangular"):
            name = {"uniform": "Uniform", "loguniform": "LogUniform", "triangular": "Triangular"}[self.distribution]
            mode = f", mode {_fmt(self.value)}" if self.distribution == "triangular" else ""
            return f"{name}({_fmt(self.low)}–{_fmt(self.high)}{mode})"
        return "fixed"

    def row(self) -> dict:
        """One row of :func:`assumptions_table` (``parameters`` flattened into ``distribution_text``)."""
        row = asdict(self)
        row.pop("parameters")
        row["distribution_text"] = self.describe()
        return row


def _fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


Provider = Callable[[], Iterable[Assumption]]
_REGISTRY: dict[str, list[Union[Assumption, Provider]]] = {stage: [] for stage in STAGES}


def register(stage: str, items: Iterable[Assumption] | Provider) -> tuple[Assumption, ...]:
    """Add a stage's assumptions to the registry; return them with ``stage`` set.

    ``items`` may be a callable returning assumptions, for those computed from data (priors centred on a
    literature figure, assumptions calibrated on a dataset): it is called by :func:`all_assumptions`, not at
    import. Registering the same name again for the same stage (a module reloaded) replaces the entry.
    """
    if stage not in _REGISTRY:
        raise UnknownNameError("stage", stage, _REGISTRY)
    if callable(items):
        if items not in _REGISTRY[stage]:
            _REGISTRY[stage].append(items)
        return ()
    stamped = tuple(replace(item, stage=stage) for item in items)
    names = {item.name for item in stamped}
    _REGISTRY[stage][:] = [entry for entry in _REGISTRY[stage]
                           if callable(entry) or entry.name not in names] + list(stamped)
    return stamped


def _load(stage: str | None) -> list[str]:
    if stage is not None and stage not in STAGE_MODULES:
        raise IronRiverError(f"unknown stage {stage!r}; choose one of: {', '.join(STAGES)}")
    stages = list(STAGES) if stage is None else [stage]
    for name in stages:
        importlib.import_module(STAGE_MODULES[name])  # its declarations register themselves on import
    return stages


def all_assumptions(stage: str | None = None) -> tuple[Assumption, ...]:
    """Every registered assumption (of ``stage`` only, if given), stages in the order of the flow.

    Imports each stage's declaring module first; providers (assumptions computed from data) are evaluated here,
    so the store is read. Raises :class:`~ironriver.errors.IronRiverError` for an unknown stage and
    ``ValueError`` if two stages declare the same name.
    """
    items: list[Assumption] = []
    for name in _load(stage):
        for entry in _REGISTRY[name]:
            items += [replace(item, stage=name) for item in entry()] if callable(entry) else [entry]
    seen: dict[str, str] = {}
    for item in items:
        if item.name in seen:
            raise ValueError(f"assumption {item.name} declared twice ({seen[item.name]}, {item.stage})")
        seen[item.name] = item.stage
    return tuple(items)


def get(name: str, stage: str | None = None) -> Assumption:
    """The assumption called ``name`` (raises :class:`~ironriver.errors.UnknownNameError`)."""
    by_name = {item.name: item for item in all_assumptions(stage)}
    if name not in by_name:
        raise UnknownNameError("assumption", name, by_name)
    return by_name[name]


def assumptions_table(stage: str | None = None) -> pd.DataFrame:
    """Every assumption as one row: ``name, stage, kind, value, low, high, unit, distribution,
    distribution_text, source, why, used_by``."""
    columns = ["name", "stage", "kind", "value", "low", "high", "unit", "distribution", "distribution_text",
               "source", "why", "used_by"]
    return pd.DataFrame([item.row() for item in all_assumptions(stage)], columns=columns)
