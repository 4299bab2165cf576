"""What the claims are checked against: one bundle of evidence, gathered once from the chain's cached outputs.

:class:`ClaimInputs` holds the iron-river posterior draws (model output), the Correlates of War capability
table (dataset ``cow_nmc``), the literature and the timeline (cited tables), and the verdict with its
specification robustness (model output of the sovereignty stage). Every evaluator in
:mod:`~ironriver.claims.rules` reads only this bundle, so a test can build one by hand and a what-if (a halved
flow, another specification) is a changed bundle. :func:`gather` fills it from :func:`ironriver.assess`, whose
model runs are cached in ``$IRONRIVER_HOME``, so a warm run costs the ledger and a few aggregations.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ClaimInputs", "VerdictEvidence", "gather", "from_assessment", "verdict_evidence", "SPECIFICATION_SAMPLES"]

SPECIFICATION_SAMPLES = 128
"""Specifications sampled for the robustness of the verdict (the contestable verdict's default)."""


@dataclass(frozen=True)
class VerdictEvidence:
    """The verdict in one year with its robustness to the specification.

    Attributes
    ----------
    year : int
        The headline year (the latest with comparable scores).
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

    def with_flow_scaled(self, factor: float) -> ClaimInputs:
        """The same bundle with every posterior draw of the flow multiplied by ``factor`` (a what-if)."""
        if self.flow_draws is None:
            return self
        draws = self.flow_draws.assign(guns_per_year=self.flow_draws["guns_per_year"] * float(factor))
        return replace(self, flow_draws=draws, flow_lineage=f"{self.flow_lineage} × {factor:g} (what-if)")


def _finite(value: Any) -> float:
    return float(value) if value is not None and np.isfinite(float(value)) else float("nan")


def verdict_evidence(draws: Any, specification: Any = None, *, seed: int = 0,
                     n_specifications: int = SPECIFICATION_SAMPLES) -> VerdictEvidence:
    """The verdict and its robustness from the ledger's indicator draws.

    P overall and by kind under ``specification`` (default: the shipped neutral one), P under every shipped
    perspective, and the shares of sampled specifications under which each state is the more threatened —
    the contestable verdict's numbers without its Sobol and flip analyses, which the claims do not need.
    """
    from ironriver.sovereignty.aggregate import aggregate
    from ironriver.sovereignty.sensitivity import space_of, specification_uncertainty
    from ironriver.sovereignty.specification import load_specification, shipped_specifications

    spec = specification if specification is not None else load_specification()
    if isinstance(spec, (str, Path)):
        spec = load_specification(spec)
    half_life = spec.decay.spillover_half_life_years
    if half_life is not None:
        from ironriver.errors import IronRiverError

        raise IronRiverError(f"specification {spec.name}: the claims read the ledger's draws at its central "
                             "spillover half-life; leave decay.spillover_half_life_years unset")
    years = np.asarray(draws.years)
    scores = aggregate(draws, spec, np.random.default_rng([seed, 7]))
    p_mex = np.asarray(scores.p_mex_more, dtype=float)
    comparable = np.flatnonzero(np.isfinite(p_mex))
    j = int(comparable[-1]) if comparable.size else len(years) - 1
    kind_p = {}
    from ironriver.sovereignty.catalogue import KINDS

    for kind in KINDS:
        p_kind, _ = scores.kind_p(kind)
        kind_p[kind] = _finite(np.asarray(p_kind)[j])
    perspectives = {}
    for name, file in shipped_specifications().items():
        other = load_specification(file)
        if other.decay.spillover_half_life_years is not None:
            continue  # a perspective that needs the models rebuilt at another half-life is left to `contest`
        perspectives[name] = _finite(aggregate(draws, other, np.random.default_rng([seed, 7])).p_mex_more[j])
    space = space_of([draws], spec)
    uncertainty = specification_uncertainty(space, n_specifications=n_specifications, seed=seed)
    finite = p_mex[comparable]
    return VerdictEvidence(
        year=int(years[j]), specification=spec.name, p_mex_more=_finite(p_mex[j]),
        p_usa_more=_finite(np.asarray(scores.p_usa_more)[j]), kind_p_mex_more=kind_p,
        share_specifications_mex=_finite(uncertainty.share_mex[j]),
        share_specifications_usa=_finite(uncertainty.share_usa[j]), n_specifications=n_specifications,
        perspectives=perspectives, years_mex_more=int((finite > 0.5).sum()), years_compared=int(finite.size))


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
                       verdict=verdict_evidence(assessment.ledger.draws, specification, seed=seed), seed=seed)


def gather(years: str | tuple[int, int] | None = None, *, seed: int = 0, scenario: str | Path | None = None,
           specification: Any = None) -> ClaimInputs:
    """Fill the bundle from the chain: :func:`ironriver.assess` (cached models), the store and the cited tables."""
    from ironriver.sovereignty import assess

    return from_assessment(assess(years, seed=seed, scenario=scenario), specification)
