"""The evidence stage: each stream of public data turned into observations with a stated observation model.

One module per stream — :mod:`~ironriver.evidence.traces` (ATF traces of guns recovered in Mexico),
:mod:`~ironriver.evidence.seizures` (guns seized in Mexico and CBP's outbound seizures),
:mod:`~ironriver.evidence.stock` (published estimates of Mexico's illicit stock),
:mod:`~ironriver.evidence.us_demand` (NICS sales in the border states against the rest) and
:mod:`~ironriver.evidence.published` (published flow estimates, compared and only fitted on request) — plus
:mod:`~ironriver.evidence.recoveries`, the joint observation operator of traces and seizures. Each module
takes its named assumptions from the stage's one table (:mod:`~ironriver.evidence.assumptions`) and every
published number from the literature table by id or from a packaged dataset. Modules import only from
``data`` and ``store``; :func:`load_evidence` gathers all streams for :mod:`ironriver.estimate.iron_river`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ironriver.assumptions import register
from ironriver.errors import UnknownNameError
from ironriver.evidence import assumptions, published, seizures, stock, traces, us_demand
from ironriver.evidence._named import Assumption, CountFigure, ShareFigure

STREAMS: tuple[str, ...] = ("traces", "seizures", "stock", "us_demand", "published")
"""Every evidence stream, by name."""

DEFAULT_STREAMS: tuple[str, ...] = ("traces", "seizures", "stock", "us_demand")
"""The streams fitted by default (published estimates are compared, not fitted)."""

ASSUMPTIONS: tuple[Assumption, ...] = register("evidence", assumptions.ASSUMPTIONS)
register("evidence", us_demand.calibrated_assumptions)  # calibrated on data: evaluated when listed
"""Every fixed named assumption of the observation models (calibrated ones: :func:`all_assumptions`)."""


def all_assumptions() -> tuple[Assumption, ...]:
    """Every named assumption of the observation models, including those calibrated on data."""
    return ASSUMPTIONS + tuple(replace(a, stage="evidence") for a in us_demand.calibrated_assumptions())


@dataclass(frozen=True)
class Evidence:
    """Every stream's observations, loaded once (the model chooses which streams to use)."""

    trace_counts: list[CountFigure]
    trace_shares: list[ShareFigure]
    seizure_counts: list[CountFigure]
    seizure_shares: list[ShareFigure]
    cbp: list[CountFigure]
    stock: list[stock.StockEstimate]
    demand: us_demand.DemandIndex
    published_fitted: list[published.PublishedEstimate]
    published_all: list[published.PublishedEstimate]

    def last_year(self) -> int:
        """The last calendar year any default stream covers."""
        years = [max(f.coverage) for f in self.trace_counts + self.seizure_counts + self.cbp]
        years += [max(f.coverage) for f in self.trace_shares + self.seizure_shares]
        years += [s.year for s in self.stock] + [int(self.demand.years.max())]
        return max(years)


def check_streams(streams: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Validate stream names; raise :class:`UnknownNameError` for an unknown one."""
    for name in streams:
        if name not in STREAMS:
            raise UnknownNameError("evidence stream", name, STREAMS)
    return tuple(dict.fromkeys(streams))


def load_evidence(settings: dict[str, float]) -> Evidence:
    """Load every stream's observations.

    Parameters
    ----------
    settings : dict
        Values of the named assumptions (defaults: ``{a.name: a.value for a in ASSUMPTIONS}``).
    """
    return Evidence(
        trace_counts=traces.trace_counts(), trace_shares=traces.us_sourced_shares(),
        seizure_counts=seizures.seizure_counts(settings), seizure_shares=seizures.us_origin_shares(settings),
        cbp=seizures.cbp_outbound(settings), stock=stock.stock_estimates(settings), demand=us_demand.demand_index(),
        published_fitted=published.fitted_flow_estimates(), published_all=published.published_estimates())


def default_settings() -> dict[str, float]:
    """The default value of every named observation-model assumption."""
    return {a.name: a.value for a in all_assumptions()}


__all__ = ["STREAMS", "DEFAULT_STREAMS", "ASSUMPTIONS", "all_assumptions", "Assumption", "CountFigure",
           "ShareFigure", "Evidence",
           "check_streams", "load_evidence", "default_settings"]
