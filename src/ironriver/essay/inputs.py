"""What the claims are checked against: one bundle of evidence, gathered once from the chain's cached outputs.

:class:`ClaimInputs` holds the iron-river posterior draws (model output), the Correlates of War capability
table (dataset ``cow_nmc``), the literature and the timeline (cited tables), and the verdict with its
specification robustness (model output of the sovereignty stage). Every evaluator in
:mod:`~ironriver.essay.rules` reads only this bundle, so a test can build one by hand and a what-if (a halved
flow, another specification) is a changed bundle. :func:`gather` fills it from :func:`ironriver.assess`, whose
model runs are cached in ``$IRONRIVER_HOME``, so a warm run costs the ledger and a few aggregations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ClaimInputs", "VerdictEvidence", "gather", "from_assessment", "verdict_evidence"]

@dataclass(frozen=True)
class VerdictEvidence:
    """The verdict in one year with its robustness to the specification.

    Attributes
    ----------
    year : int
        The headline year, by the rule of :mod:`ironriver.sovereignty.headline` (the latest year whose every
        kind rests on an observed indicator for both states).
    specification : str
        Name of the specification the verdict is read under.
    p_mex_more, p_usa_more : float
        P(Mexico's threat > the USA's) and the reverse, overall, under ``specification``.
    kind_p_mex_more : dict
        Kind → P(Mexico's threat on that kind > the USA's) in ``year``.
    share_specifications_mex, share_specifications_usa : float
        Share of sampled specifications under which each state is the more threatened.
    n_specifications : int
        How many specifications were sampled.
    perspectives : dict
        Shipped perspective name → P(Mexico more threatened) in ``year`` under it.
    years_mex_more, years_compared : int
        Years of the window in which Mexico is the more threatened (P > 0.5), and years compared.
    """

    year: int
    specification: str
    p_mex_more: float
    p_usa_more: float
    kind_p_mex_more: dict[str, float]
    share_specifications_mex: float
    share_specifications_usa: float
    n_specifications: int
    perspectives: dict[str, float] = field(default_factory=dict)
    years_mex_more: int = 0
    years_compared: int = 0
    year_reason: str = ""
    """Why ``year`` is the headline year (the verdict's own reason when the two agree)."""


@dataclass(frozen=True)
class ClaimInputs:
    """Everything the claims are checked against (see the module docstring); ``None`` = not available."""

    literature: pd.DataFrame
    timeline: pd.DataFrame
    flow_draws: pd.DataFrame | None = None
    flow_lineage: str = "model iron-river posterior (ironriver.estimate_iron_river)"
    capabilities: pd.DataFrame | None = None
    verdict: VerdictEvidence | None = None
    seed: int = 0
    headline_periods: tuple[tuple[int, int], ...] | None = None
    """The iron-river estimate's headline periods as the chain's (cached) output carries them; None: read them
    from the estimate stage."""

    def with_flow_scaled(self, factor: float) -> ClaimInputs:
        """The same bundle with every posterior draw of the flow multiplied by ``factor`` (a what-if)."""
        if self.flow_draws is None:
            return self
        draws = self.flow_draws.assign(guns_per_year=self.flow_draws["guns_per_year"] * float(factor))
        return replace(self, flow_draws=draws, flow_lineage=f"{self.flow_lineage} × {factor:g} (what-if)")


def _finite(value: Any) -> float:
    return float(value) if value is not None and np.isfinite(float(value)) else float("nan")


def verdict_evidence(assessment: Any, specification: Any = None) -> VerdictEvidence:
    """The verdict and its robustness for an assessment, read off the contestable verdict.

    :func:`ironriver.sovereignty.contest.contest_of` (cached in the chain's cache folder, so the report's
    "what would change the verdict" section and this read the same numbers): P overall and by kind under
    ``specification`` (a shipped name, a TOML path or a Specification; default the shipped neutral one), P
    under every shipped perspective, and the shares of sampled specifications under which each state is the
    more threatened, in the headline year.
    """
    from ironriver.sovereignty.catalogue import KINDS
    from ironriver.sovereignty.contest import contest_of
    from ironriver.sovereignty.specification import load_specification

    spec = specification if specification is not None else load_specification()
    if isinstance(spec, (str, Path)):
        spec = load_specification(spec)
    origin = f"specs/{spec.name}.toml"
    seed = int(assessment.seed)
    result = contest_of(assessment.ledger.draws, assessment.inputs, spec, seed=seed, specification_file=origin)
    years = np.asarray(result.years)
    j = int(np.flatnonzero(years == result.headline_year)[0])
    p_mex = np.asarray(result.scores.p_mex_more, dtype=float)
    kind_p = {kind: _finite(np.asarray(result.scores.kind_p(kind)[0])[j]) for kind in KINDS}
    year = str(int(result.headline_year))
    perspectives = {p["name"]: _finite(p["p_mex_more"].get(year)) for p in result.perspectives}
    finite = p_mex[np.isfinite(p_mex)]
    return VerdictEvidence(
        year=int(result.headline_year), specification=spec.name, p_mex_more=_finite(p_mex[j]),
        p_usa_more=_finite(np.asarray(result.scores.p_usa_more)[j]), kind_p_mex_more=kind_p,
        share_specifications_mex=_finite(result.uncertainty.share_mex[j]),
        share_specifications_usa=_finite(result.uncertainty.share_usa[j]),
        n_specifications=int(result.uncertainty.n_specifications), perspectives=perspectives,
        years_mex_more=int((finite > 0.5).sum()), years_compared=int(finite.size),
        year_reason=_year_reason(assessment, int(result.headline_year)))


def _year_reason(assessment: Any, year: int) -> str:
    """The verdict's reason for its headline year, if the contest headlines the same year."""
    why = getattr(assessment.verdict, "why", None)
    return why.reason if why is not None and why.year == year else ""


def from_assessment(assessment: Any, specification: Any = None) -> ClaimInputs:
    """The bundle for an :class:`~ironriver.sovereignty.Assessment` already computed (the report's path).

    The flow draws are the whole fitted span of the iron-river posterior (every headline period), with a
    scenario's simulated change in arrivals applied where the assessment ran one, as the ledger does.
    """
    from ironriver.store import literature, load, timeline

    seed = int(assessment.seed)
    flows, lineage = None, "model iron-river posterior (ironriver.estimate_iron_river)"
    if assessment.inputs.flow_draws is not None:
        flows = assessment.inputs.flow_draws[["draw", "year", "guns_per_year"]]
        lineage = f"model iron-river posterior (ironriver.estimate_iron_river, seed {seed})"
        if assessment.scenario is not None:
            lineage += f", scenario {Path(assessment.scenario).name} applied (model simulate)"
    try:
        capabilities = load("cow_nmc")
    except Exception:  # a store without the table: the capability claim says so
        capabilities = None
    return ClaimInputs(literature=literature(), timeline=timeline(), flow_draws=flows, flow_lineage=lineage,
                       capabilities=capabilities,
                       verdict=verdict_evidence(assessment, specification), seed=seed,
                       headline_periods=(assessment.iron_river or {}).get("headline_periods"))


def gather(years: str | tuple[int, int] | None = None, *, seed: int = 0, scenario: str | Path | None = None,
           specification: Any = None) -> ClaimInputs:
    """Fill the bundle from the chain: :func:`ironriver.assess` (cached models), the store and the cited tables."""
    from ironriver.sovereignty import assess

    return from_assessment(assess(years, seed=seed, scenario=scenario), specification)
