"""The sovereignty stage: indicators → threat scores → the ledger → the verdict, for both states and all years.

Krasner's four kinds of sovereignty (domestic, interdependence, Westphalian, international legal) are
scored for Mexico and the USA from the store, the literature table and the model outputs
(:mod:`~ironriver.sovereignty.indicators`), turned into threats by documented monotone transforms with
named reference points (:mod:`~ironriver.sovereignty.transforms`), aggregated with sampled Dirichlet
weights (:mod:`~ironriver.sovereignty.ledger`) and compared (:mod:`~ironriver.sovereignty.verdict`).
:func:`assess` runs the whole chain; :func:`ledger` returns only its ledger. This stage may import the
estimate and supply_chain stages (lazily, so that it runs without them).
"""

from __future__ import annotations

from ironriver.sovereignty.chain import Assessment, assess, parse_years
from ironriver.sovereignty.indicators import INDICATORS, KINDS, STATES, Indicator, IndicatorSeries
from ironriver.sovereignty.ledger import Ledger, build_ledger
from ironriver.sovereignty.transforms import ASSUMPTIONS, Assumption, Transform
from ironriver.sovereignty.verdict import Verdict, verdict

__all__ = ["assess", "ledger", "Assessment", "Ledger", "Verdict", "verdict", "build_ledger", "parse_years",
           "INDICATORS", "KINDS", "STATES", "Indicator", "IndicatorSeries", "ASSUMPTIONS", "Assumption",
           "Transform"]


def ledger(years: str | tuple[int, int] | None = None, *, seed: int = 0) -> Ledger:
    """The sovereignty ledger for ``years`` ("2005:2024" or a tuple; default the full window)."""
    return assess(years, seed=seed).ledger
