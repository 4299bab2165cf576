"""ATF traces of guns recovered in Mexico: counts submitted and the share ATF found to be US-sourced.

Observation model (used by :mod:`ironriver.estimate.iron_river`; its numbers are named below or in the
literature table). Mexican authorities recover guns from the illicit stock; a share of those recoveries is
submitted to ATF for tracing, and ATF determines a US source for some of them.

* **Submitted traces** in year *t* = submission share π_t × all-origin recoveries in *t* × a year-level
  submission deviation. The recoveries are the same latent quantity the seizure figures measure
  (:mod:`ironriver.evidence.recoveries`), so a year's traces and seizures share its enforcement shock.
* **The submission share changes**: before 2021 only the federal prosecutor (PGR/FGR) submitted traces
  (GAO-21-322, February 2021); eTrace access then widened to Mexican states — 18 states and the FGR by June
  2023 (White House fact sheet, literature id ``mx_states_with_etrace_2023``). The model
  multiplies π by exp(ω·r_t), r_t ramping linearly from 0 in 2020 to 1 in 2023 (named assumptions
  ``etrace_ramp_start`` / ``etrace_ramp_full``), with ω a parameter whose prior is in
  :mod:`ironriver.estimate.priors`.
* **Multi-year figures are sums** of yearly expectations (ATF organises Mexico data by year of recovery);
  every published total is used, each with its own release-revision error (``trace_release_sd``), so
  overlapping totals from different releases agree through the shared yearly quantities, not by being
  forced equal. A multi-year total that restates the sum of single-year figures of the same release carries
  no new information and is kept as a check (:func:`~ironriver.evidence._named.find_redundant`).
* **US-sourced share** of submitted traces has expectation ψ·d: the US-origin share of recoveries ψ times
  the share of US-origin guns whose origin ATF can determine d (GAO-16-223: some 2009–14 traces had an
  undetermined origin, ``share_traces_origin_undetermined_mx_2009_2014``). Shares are logit-normal with
  year-level noise averaged over the years covered plus ``share_release_sd``. "Trace requests" and "traces
  submitted" are treated as the same quantity (the 2017–22 requests implied by the 2017–23 and 2023 figures
  match the 2017–22 traced total to ~1%).

Figures left out of the likelihood, with the reason: duplicates of the same figure transcribed by another
outlet (``*_animal_politico``, ``*_infowars``); GAO-09-709's US share
(``share_traces_us_sourced_gao_2004_2008``, a different denominator); the "since 2009" summary
(``share_traces_us_sourced_mx_cap_2009_2021``, an echo of the releases used); shares of traces that reached a
US *purchaser* (a different quantity).
"""

from __future__ import annotations

import numpy as np

from ironriver.evidence._named import Assumption, CountFigure, ShareFigure, find_redundant, whole_years
from ironriver.evidence.assumptions import used_by
from ironriver.store import literature_value

STREAM = "traces"

SINGLE_YEAR_IDS: tuple[str, ...] = (
    "traces_submitted_mx_2007", "traces_submitted_mx_2008", "traces_submitted_mx_2009",
    "traces_submitted_mx_2010", "traces_submitted_mx_2011", "traces_submitted_mx_2013",
    "traces_submitted_mx_2015", "traces_submitted_mx_2016", "trace_requests_mx_2017", "trace_requests_mx_2022",
)
"""Single-year totals of traces submitted (or requested) by Mexico."""

MULTI_YEAR_IDS: tuple[str, ...] = (
    "traces_submitted_mx_2007_2011", "traces_submitted_mx_2009_2014", "traces_submitted_mx_2011_2016",
    "traces_submitted_mx_2012_2017", "traces_submitted_mx_2017_2022", "traces_submitted_mx_2018_2023",
    "trace_requests_mx_2017_2023", "trace_requests_mx_2021_2023", "trace_requests_mx_2022_2023",
    "trace_requests_mx_fy2023_h1",
)
"""Multi-year (or part-year) totals; each is the sum of the yearly expectations it covers."""

RELEASE: dict[str, str] = {
    **{f"traces_submitted_mx_{y}": "atf_2012_release" for y in range(2007, 2012)},
    "traces_submitted_mx_2007_2011": "atf_2012_release",
    "traces_submitted_mx_2013": "atf_2017_coverage", "traces_submitted_mx_2015": "atf_2017_coverage",
    "traces_submitted_mx_2016": "atf_2017_coverage",
    "trace_requests_mx_2017": "nfcta_vol4", "trace_requests_mx_2022": "nfcta_vol4",
    "trace_requests_mx_2017_2023": "nfcta_vol4", "trace_requests_mx_2021_2023": "nfcta_vol4",
    "trace_requests_mx_2022_2023": "nfcta_vol4",
}
"""Which ATF release each figure comes from (ATF press releases as reported; see each literature row); used to find same-release restatements."""

SPECIAL_COVERAGE: dict[str, dict[int, float]] = {
    # White House fact sheet: "the first half of FY 23" = October 2022 – March 2023.
    "trace_requests_mx_fy2023_h1": {2022: 0.25, 2023: 0.25},
}

US_SOURCED_PAIRS: tuple[tuple[str, str], ...] = (
    *((f"traces_us_sourced_mx_{y}", f"traces_submitted_mx_{y}") for y in range(2007, 2012)),
    ("traces_us_sourced_mx_2007_2011", "traces_submitted_mx_2007_2011"),
    ("traces_us_sourced_mx_2009_2014", "traces_submitted_mx_2009_2014"),
    ("traces_us_sourced_mx_2012_2017", "traces_submitted_mx_2012_2017"),
    ("traces_us_sourced_mx_2017_2022", "traces_submitted_mx_2017_2022"),
    ("traces_us_sourced_mx_2018_2023", "traces_submitted_mx_2018_2023"),
)
"""(US-sourced count id, submitted count id): the share is their ratio within one release."""

SHARE_IDS: tuple[str, ...] = ("share_traces_us_sourced_mx_2014_2018", "share_traces_us_sourced_mx_2011_2016")
"""Published US-sourced shares without counts."""

ASSUMPTIONS: tuple[Assumption, ...] = used_by(STREAM)


def _coverage(figure_id: str) -> dict[int, float]:
    if figure_id in SPECIAL_COVERAGE:
        return dict(SPECIAL_COVERAGE[figure_id])
    figure = literature_value(figure_id)
    return whole_years(int(figure.period_start), int(figure.period_end))  # type: ignore[arg-type]


def trace_counts() -> list[CountFigure]:
    """Every trace total used, single- and multi-year, as :class:`CountFigure` (redundancies marked).

    Returns
    -------
    list of CountFigure
        ``value`` in traces over the coverage period; ``coverage`` in calendar years of recovery.
    """
    figures = [
        CountFigure(id=i, stream=STREAM, value=literature_value(i).value, coverage=_coverage(i),
                    source_group=RELEASE.get(i, i))
        for i in SINGLE_YEAR_IDS + MULTI_YEAR_IDS
    ]
    return find_redundant(figures)


def us_sourced_shares() -> list[ShareFigure]:
    """US-sourced share of submitted traces, one figure per release (ratio of counts, or as published)."""
    redundant = {f.id: f.redundant_with for f in trace_counts()}
    shares = []
    for us_id, submitted_id in US_SOURCED_PAIRS:
        share = literature_value(us_id).value / literature_value(submitted_id).value
        shares.append(ShareFigure(
            id=us_id, stream=STREAM, value=share, coverage=_coverage(submitted_id), basis="atf_us_sourced",
            redundant_with=tuple(r.replace("submitted", "us_sourced") for r in redundant.get(submitted_id, ())),
            note=f"{us_id} / {submitted_id}"))
    for share_id in SHARE_IDS:
        shares.append(ShareFigure(id=share_id, stream=STREAM, value=literature_value(share_id).value,
                                  coverage=_coverage(share_id), basis="atf_us_sourced"))
    return shares


def etrace_ramp(years: np.ndarray, start: float, full: float) -> np.ndarray:
    """Fraction of the eTrace widening in effect each year: 0 up to ``start``, 1 from ``full`` on.

    Parameters
    ----------
    years : array of int
        Calendar years.
    start, full : float
        Last year with FGR-only submissions and first year of full access (named assumptions above).
    """
    years = np.asarray(years, dtype=float)
    return np.clip((years - start) / max(full - start, 1e-9), 0.0, 1.0)
