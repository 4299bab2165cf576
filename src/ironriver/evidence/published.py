"""Published estimates of the flow itself — compared with the posterior, fitted only on request.

The iron-river estimate is built from measurements (traces, seizures, stocks, sales); the published flow
estimates are conclusions drawn from some of the same measurements by methods that are mostly undocumented.
Fitting them would let a government's round number or one study's interval decide the answer, so they are
**off by default**: :meth:`~ironriver.estimate.iron_river.IronRiverPosterior.compare_literature` shows where
each falls in a posterior that never saw it. ``include_literature=True`` (CLI ``--include-literature``) turns
the four flow estimates in :data:`FITTED_IDS` into evidence: the log of the flow averaged over each
estimate's period is normal around the log of the published value, with sd from McDougal et al.'s own
interval (read as a 95% interval, ``mcdougal_interval_level``) or, for estimates without a documented
method, ``literature_undocumented_sd``. The complaint's "more than" figure is used at its value.

Left out even with ``include_literature``: the 2013 working paper (an earlier version of the JEG article,
with a different headline figure), La Jornada's 2023 repetition of the government's figure, and the derived per-day/per-hour conversions
(SCMP, IMER) — restatements, not further estimates. They are still compared.
"""

from __future__ import annotations

from dataclasses import dataclass

from ironriver.errors import UnknownNameError
from ironriver.evidence._named import Assumption
from ironriver.evidence.assumptions import used_by
from ironriver.store import literature_value

STREAM = "published"

FITTED_IDS: tuple[str, ...] = (
    "flow_mcdougal_jeg_2010_2012", "flow_mx_government_gao_2021", "flow_cesop_2014", "flow_mx_complaint_2021",
)
"""Published flow estimates used as evidence when ``include_literature`` is on."""

COMPARED_IDS: tuple[str, ...] = FITTED_IDS + (
    "flow_mcdougal_wp_2010_2012", "flow_mx_government_jornada_2023", "flow_defendants_complaint_2021",
    "flow_scmp_2018",
)
"""Flow estimates shown by ``compare_literature`` (each with a period)."""

INTERDICTION_ID = "interdiction_share_mcdougal_fronteras"
"""McDougal et al. via Fronteras: share of trafficked guns seized by US or Mexican authorities."""

US_ORIGIN_ID = "share_crime_guns_us_origin_mx_complaint_2021"
"""Mexico's complaint: the share of crime guns recovered in Mexico that came from the US (a range)."""

ESSAY_ID = "flow_essay_claim_2011_onward"
"""The essay's range of guns trafficked every year "since about 2011" (the essay that motivated ironriver; the
range spans the Mexican government's 200,000 a year, GAO-21-322, and McDougal et al. 2014). Compared when the
literature table has this id; never fitted."""

ASSUMPTIONS: tuple[Assumption, ...] = used_by(STREAM)


@dataclass(frozen=True)
class PublishedEstimate:
    """A published figure to compare with (and, for flows, optionally to fit).

    ``kind`` is ``"flow"`` (guns/year averaged over ``years``), ``"flow_range"`` (a claimed range),
    ``"interdiction_share"`` or ``"us_origin_share"``. ``fitted`` says whether it is in :data:`FITTED_IDS`.
    """

    id: str
    kind: str
    value: float
    low: float | None
    high: float | None
    years: tuple[int, int]
    source: str
    source_kind: str
    fitted: bool
    note: str


def _estimate(figure_id: str, kind: str) -> PublishedEstimate:
    figure = literature_value(figure_id)
    start = figure.period_start if figure.period_start is not None else figure.period_end
    return PublishedEstimate(id=figure.id, kind=kind, value=figure.value, low=figure.low, high=figure.high,
                             years=(int(start), int(figure.period_end)),  # type: ignore[arg-type]
                             source=figure.source, source_kind=figure.source_kind,
                             fitted=figure_id in FITTED_IDS, note=figure.note)


def published_estimates() -> list[PublishedEstimate]:
    """Every published figure the posterior is compared with (flows, the essay's range, two shares)."""
    estimates = [_estimate(i, "flow") for i in COMPARED_IDS]
    try:
        estimates.append(_estimate(ESSAY_ID, "flow_range"))
    except UnknownNameError:
        pass  # not yet in the literature table: compare_literature says so
    estimates.append(_estimate(INTERDICTION_ID, "interdiction_share"))
    estimates.append(_estimate(US_ORIGIN_ID, "us_origin_share"))
    return estimates


def fitted_flow_estimates() -> list[PublishedEstimate]:
    """The flow estimates used as evidence when ``include_literature`` is on."""
    return [_estimate(i, "flow") for i in FITTED_IDS]


def essay_available() -> bool:
    """Whether the literature table has the essay's claim (:data:`ESSAY_ID`)."""
    try:
        literature_value(ESSAY_ID)
    except UnknownNameError:
        return False
    return True
