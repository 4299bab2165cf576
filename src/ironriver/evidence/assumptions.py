"""The evidence stage's named assumptions: one declarative table, read by every stream module.

Each row is a fixed number an observation model needs but no source gives (how much ATF releases are revised,
which months "late 1994" covers, how far two stock estimates share a method): its value and the range the
sensitivity analysis moves it to, its unit, the stream (or part of the model) that uses it, its source (a
literature id, a publication or the word ``"assumption"``) and a one-line reason. Each stream module takes its
own rows (:func:`used_by`); :mod:`ironriver.evidence` registers the whole table (stage ``evidence``), so
``ironriver assumptions`` and ``ironriver estimate --assumptions`` list them. Imports only
:mod:`ironriver.assumptions`.
"""

from __future__ import annotations

from ironriver.assumptions import Assumption

__all__ = ["ASSUMPTIONS", "used_by"]

# (name, value, low, high, unit, used by, source, why), grouped by stream in the order the stage lists them.
_TABLE: tuple[tuple[str, float, float, float, str, str, str, str], ...] = (
    # --- traces --------------------------------------------------------------------------------------------------
    ("trace_release_sd", 0.05, 0.02, 0.10, "log sd", "traces", "assumption",
     "ATF revises Mexico figures between releases (ATF and GAO say so); 2017–22 totals implied by "
     "different releases agree within ~1–4%"),
    ("share_release_sd", 0.05, 0.02, 0.15, "logit sd", "traces", "assumption",
     "denominators of published US-sourced shares differ slightly between ATF releases (all submitted traces vs "
     "traces with a determined origin)"),
    ("etrace_ramp_start", 2020, 2019, 2021, "year", "traces", "GAO-21-322; White House fact sheet 2023",
     "last year in which only the FGR submitted traces"),
    ("etrace_ramp_full", 2023, 2022, 2024, "year", "traces", "literature id mx_states_with_etrace_2023",
     "by June 2023 eighteen states and the FGR had eTrace access"),
    # --- seizures ------------------------------------------------------------------------------------------------
    ("seizure_scope_sd", 0.25, 0.10, 0.50, "log sd", "seizures", "assumption",
     "seizure totals from different outlets count different agencies (Mexican government figures as reported by "
     "different outlets)"),
    ("seizure_late_1994_fraction", 1 / 12, 0.0, 0.25, "fraction of 1994", "seizures", "assumption",
     "SAS Table 12.2 starts in 'late 1994' (read as December, the start of the Zedillo term)"),
    ("seizure_mid_2012_fraction", 0.5, 0.4, 0.6, "fraction of 2012", "seizures", "Small Arms Survey Table 12.2",
     "SAS Table 12.2 ends in 'mid-2012'"),
    ("seizure_recent_years_start", 2010, 2008, 2011, "year", "seizures", "assumption",
     "SAS 2013's 'recent years' read as 2010–2012 (the book went to press in 2013)"),
    ("seizure_share_extra_sd", 0.30, 0.10, 0.60, "logit sd", "seizures", "assumption",
     "SEDENA/SRE classify 'US-made or sold' by an unpublished method; their 2022 and Jan–Sep 2023 "
     "shares (sedena_share_seized_us_2022, …_2023_jan_sep) differ more than sampling explains"),
    ("cbp_seizure_sd", 0.20, 0.10, 0.40, "log sd", "cbp", "assumption",
     "year-to-year variation of small outbound seizure counts around their expectation"),
    ("pre_1999_stock_constant", 1.0, 1.0, 1.0, "flag", "seizures", "assumption",
     "recoveries in 1994–1998 are drawn from the 1998 stock (the model starts in 1999)"),
    # --- stock ---------------------------------------------------------------------------------------------------
    ("stock_common_bias_sd", 0.30, 0.15, 0.50, "log sd", "stock", "assumption",
     "every published stock for Mexico rests on the Small Arms Survey's proxy method; its error is "
     "unknown and shared (Karp, Small Arms Survey 2018)"),
    ("stock_method_sd", 0.15, 0.08, 0.30, "log sd", "stock", "assumption",
     "the 2007 and 2017 Small Arms Survey rounds used different proxies, so each has its own error"),
    ("stock_echo_sd", 0.20, 0.10, 0.35, "log sd", "stock", "assumption",
     "Karp 2012 and CESOP 2011 restate the 2007 round's total with unclear definitions (CESOP calls the "
     "round's total 'unregistered'; rounding)"),
    # 4,490,000 is the 2007 round's Mexico 'registered' (dataset small_arms_survey_2007_civilian_firearms);
    # 3,118,592 is registered_firearms_mx_2017 (GunPolicy.org, same count for 2012). A test pins both.
    ("stock_registered_guns", 4_490_000, 3_118_592, 4_490_000, "guns", "stock",
     "dataset small_arms_survey_2007_civilian_firearms (Mexico, registered); low: registered_firearms_mx_2017",
     "one registered count subtracted from every published total, so differences between estimates are "
     "differences in totals, not in two sources' registry counts"),
    # --- us_demand -----------------------------------------------------------------------------------------------
    ("nics_t_dof", 4.0, 3.0, 30.0, "degrees of freedom", "us_demand", "assumption",
     "heavy tails for one-off breaks in state reporting and law"),
    ("nics_block_years", 5, 3, 5, "years", "us_demand", "assumption",
     "the index is compared with the flow in blocks of years: sustained shifts, not yearly wiggles"),
    # --- published -----------------------------------------------------------------------------------------------
    ("literature_undocumented_sd", 0.5, 0.3, 1.0, "log sd", "published", "assumption",
     "published flow figures without a documented method (every figure but McDougal et al. 2014) are treated as "
     "rough guesses "
     "within a factor of ~2.3 at 90%"),
    ("mcdougal_interval_level", 0.95, 0.90, 0.95, "probability", "published", "assumption",
     "McDougal et al. give their flow interval without a level; their dealer shares are 95% "
     "intervals"),

)

ASSUMPTIONS: tuple[Assumption, ...] = tuple(
    Assumption(name, value, low, high, unit, source, why, used_by=user)
    for name, value, low, high, unit, user, source, why in _TABLE
)
"""Every fixed named assumption of the observation models (those calibrated on data are in
:mod:`~ironriver.evidence.us_demand`)."""


def used_by(*users: str) -> tuple[Assumption, ...]:
    """The assumptions used by any of ``users`` (stream names, or ``"cbp"``), in table order."""
    return tuple(a for a in ASSUMPTIONS if a.used_by in users)
