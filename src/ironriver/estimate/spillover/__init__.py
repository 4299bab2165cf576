"""Spillover: what the September 2004 expiry of the US assault-weapons ban did to firearm homicides in Mexico.

The federal assault-weapons ban expired on 13 September 2004 (timeline id ``awb_expired_2004``) while
California kept its own ban. Following the design of Dube, Dube & García-Ponce (APSR 2013) at the level the
packaged data allow — Mexican state × month, 1998-01 to 2008-11 — this module compares the five states on
the Texas, New Mexico and Arizona border (Coahuila 05, Chihuahua 08, Nuevo León 19, Sonora 26, Tamaulipas 28)
with Baja California (which borders California) and the interior, before and after September 2004. Counts
come from the Valle-Jones death-certificate tabulation (``mx_firearm_homicides_monthly``: firearm and all
homicides from the same tabulation), population from one CONAPO vintage (``mx_population_monthly``, the 2023
projections, never spliced). The model is a Poisson regression with state and month-of-sample fixed effects
and a log-population offset, fitted with statsmodels; the event study replaces the single post dummy with
one dummy per calendar year (2003 = reference). Inference is **randomisation inference** over placebo
assignments of the treatment to other sets of five states, because five treated clusters are too few for
cluster-robust standard errors or the wild cluster bootstrap (see :func:`spillover`); the score algebra
that lets one statsmodels fit serve every placebo set is in :mod:`.inference`. Falsification tests
(a placebo expiry date, non-firearm homicides, Baja California alone, leave-one-treated-state-out, dropping
Sinaloa, a window that ends before the 2006 federal offensive, INEGI totals with a longer pre-period) and
the known confounders travel with the result.

The package is split by concern, each module opening with its role: :mod:`.design` (constants, months,
:class:`Design`), :mod:`.panel` (the state × month panel), :mod:`.model` (the Poisson fixed-effects fit),
:mod:`.inference` (randomisation inference and the estimate of one design), :mod:`.event_study` (the event study
and the pre-trend test), :mod:`.falsification` (the falsification designs) and :mod:`.result` (the entry point
:func:`spillover` and :class:`SpilloverResult`). This module re-exports the names the CLI, the report, the tests
and notebooks use, so ``from ironriver.estimate.spillover import spillover`` keeps working. Imports only from
``store`` and ``errors``; plotly is imported by ``.plot()``.
"""

from __future__ import annotations

from ironriver.estimate.spillover.design import (
    ASSUMPTIONS, BAJA_CALIFORNIA, CONFOUNDERS, DEFAULT_PLACEBO_DATE, INFERENCE_NOTE, MIN_DRAWS, OUTCOMES,
    PANEL_END, PANEL_START, TREATED_STATES, Design, expiry_month, format_month, main_design, month_index,
    parse_month,
)
from ironriver.estimate.spillover.event_study import PretrendTest, event_study, pretrend_test
from ironriver.estimate.spillover.falsification import check_placebo_date, falsification_designs
from ironriver.estimate.spillover.inference import (
    Interval, SpecResult, _one_step, _one_step_t, _scores, _sets, _state_period_candidates, estimate_design,
)
from ironriver.estimate.spillover.model import _fe_start, _fit, _matrices, _one_blas_thread
from ironriver.estimate.spillover.panel import (
    build_inegi_panel, build_panel, dropped_rows, load_inegi_panel, load_panel,
)
from ironriver.estimate.spillover.result import SpilloverResult, spillover

__all__ = [
    "OUTCOMES", "TREATED_STATES", "Design", "Interval", "SpecResult", "SpilloverResult",
    "build_panel", "build_inegi_panel", "dropped_rows", "load_panel", "load_inegi_panel",
    "main_design", "falsification_designs", "estimate_design", "event_study", "pretrend_test", "spillover",
]
# Also re-exported (not in __all__): the constants and month helpers the CLI checks its input with, and the
# score-algebra helpers the tests compare with exact refits.
