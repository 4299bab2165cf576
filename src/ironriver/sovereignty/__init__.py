"""The sovereignty stage: indicators → threat scores → the ledger → the verdict, for both states and all years.

Krasner's four kinds of sovereignty (domestic, interdependence, Westphalian, international legal) are
scored for Mexico and the USA on concepts measured for both states or stated not to apply to one
(``concepts.csv``, :mod:`~ironriver.sovereignty.catalogue`), from the store, the literature, the timeline
(read by one coding rule, :mod:`~ironriver.sovereignty.events`) and the model outputs
(:mod:`~ironriver.sovereignty.indicators`); gaps are filled by one capped carry rule and reference ranges
set from each concept's observed range (:mod:`~ironriver.sovereignty.draws`); threats are averaged over
concepts and kinds with Dirichlet kind weights shared by both states (:mod:`~ironriver.sovereignty.ledger`)
and compared (:mod:`~ironriver.sovereignty.verdict`).
:func:`assess` runs the whole chain; :func:`ledger` returns only its ledger. This stage may import the
estimate and supply_chain stages (lazily, so that it runs without them).
"""

from __future__ import annotations

from ironriver.sovereignty.catalogue import INDICATORS, KINDS, STATES, Indicator, concepts
from ironriver.sovereignty.chain import Assessment, assess, parse_years
from ironriver.sovereignty.draws import IndicatorDraws, build_indicator_draws
from ironriver.sovereignty.ledger import Ledger, score
from ironriver.sovereignty.transforms import ASSUMPTIONS, Assumption
from ironriver.sovereignty.verdict import Verdict, verdict

__all__ = ["assess", "ledger", "Assessment", "Ledger", "Verdict", "verdict", "score", "parse_years",
           "IndicatorDraws", "build_indicator_draws", "INDICATORS", "KINDS", "STATES", "Indicator", "concepts",
           "ASSUMPTIONS", "Assumption"]


def ledger(years: str | tuple[int, int] | None = None, *, seed: int = 0) -> Ledger:
    """The sovereignty ledger for ``years`` ("2005:2024" or a tuple; default the full window)."""
    return assess(years, seed=seed).ledger
