"""The illicit stock of guns in Mexico: published estimates as noisy constraints on the accumulated flow.

Observation model. The model's stock S_t counts US-origin guns held illicitly in Mexico at the end of year
*t*: S_t = (1 − a)·S_{t−1} + F_t from a prior on S_1998 (both in :mod:`ironriver.estimate.priors`). Published
estimates count *all* civilian guns, licit and illicit, of every origin. Each is turned into an illicit
(unregistered) count by subtracting the registered guns of the same source or year, and compared with
S_t / ψ — the US-origin stock divided by the US-origin share, under the named assumption that the stock and
the recoveries have the same origin mix (``stock_origin_blind``).

The estimates are not independent measurements, and the error model says so (log scale):

* a **common bias** shared by every estimate (``stock_common_bias_sd``) — all rest on the Small Arms
  Survey's proxy methods for a country without a household survey of gun ownership;
* an independent **method error** for each of the two Small Arms Survey rounds (2007 annexe and 2017
  briefing paper; ``stock_method_sd``);
* the later "roughly" total of Karp 2012 (``civilian_firearms_mx_karp_2012``) and CESOP's unregistered
  guns in 2011 (``unregistered_firearms_mx_cesop_2011``, via El Universal 2015) repeat the 2007 round's total
  almost exactly, so they share its method error and add only an echo error (``stock_echo_sd``; CESOP calls
  the round's total "unregistered", so the echoes disagree by more than rounding) — not new measurements.

Sources: packaged datasets ``small_arms_survey_2007_civilian_firearms`` (Mexico total and registered) and
``small_arms_survey_2017_civilian_firearms`` (Mexico total); literature ids ``registered_firearms_mx_2017``,
``registered_firearms_mx_2012``, ``civilian_firearms_mx_karp_2012``, ``unregistered_firearms_mx_cesop_2011``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ironriver.evidence._named import Assumption
from ironriver.store import literature_value, load

STREAM = "stock"

ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption("stock_common_bias_sd", 0.30, 0.15, 0.50, "log sd", "assumption",
               "every published stock for Mexico rests on the Small Arms Survey's proxy method; its error is "
               "unknown and shared (Karp, Small Arms Survey 2018)", STREAM),
    Assumption("stock_method_sd", 0.15, 0.08, 0.30, "log sd", "assumption",
               "the 2007 and 2017 Small Arms Survey rounds used different proxies, so each has its own error",
               STREAM),
    Assumption("stock_echo_sd", 0.20, 0.10, 0.35, "log sd", "assumption",
               "Karp 2012 and CESOP 2011 restate the 2007 round's total with unclear definitions (CESOP calls the "
               "round's total 'unregistered'; rounding, year labels)", STREAM),
    Assumption("stock_origin_blind", 1.0, 1.0, 1.0, "flag", "assumption",
               "the US-origin share of the illicit stock equals the US-origin share of recoveries", STREAM),
)


@dataclass(frozen=True)
class StockEstimate:
    """A published estimate of the illicit (unregistered) civilian stock in Mexico, all origins.

    Attributes
    ----------
    id : str
        Dataset or literature id of the total.
    year : int
        End of the year it describes.
    illicit : float
        Guns: total minus registered (or the unregistered figure as published).
    family : str
        Method family (``"sas_2007"`` or ``"sas_2017"``): estimates of one family share its method error.
    echo : bool
        True for restatements of a family's figure (they get only the small echo error on top).
    derivation : str
        How ``illicit`` was computed.
    """

    id: str
    year: int
    illicit: float
    family: str
    echo: bool
    derivation: str


def _mexico(table: str) -> dict:
    frame = load(table)
    rows = frame[frame["country"] == "Mexico"]
    if len(rows) != 1:
        raise ValueError(f"{table}: expected one Mexico row, found {len(rows)}")
    return rows.iloc[0].to_dict()


def stock_estimates() -> list[StockEstimate]:
    """The published stock estimates, converted to illicit guns, with their error families."""
    sas2007 = _mexico("civilian_firearms_2007")
    sas2017 = _mexico("civilian_firearms_2017")
    registered_2017 = literature_value("registered_firearms_mx_2017").value
    registered_2012 = literature_value("registered_firearms_mx_2012").value
    karp = literature_value("civilian_firearms_mx_karp_2012")
    cesop = literature_value("unregistered_firearms_mx_cesop_2011")
    return [
        StockEstimate("dataset:civilian_firearms_2007", 2007,
                      float(sas2007["firearms_total_avg"]) - float(sas2007["registered"]), "sas_2007", False,
                      "Small Arms Survey 2007 total minus its registered count"),
        StockEstimate("civilian_firearms_mx_karp_2012", int(karp.period_end or 0), karp.value - registered_2012,
                      "sas_2007", True, "total minus registered_firearms_mx_2012"),
        StockEstimate("unregistered_firearms_mx_cesop_2011", int(cesop.period_end or 0), cesop.value,
                      "sas_2007", True, "published as unregistered"),
        StockEstimate("dataset:civilian_firearms_2017", 2017, float(sas2017["firearms"]) - registered_2017,
                      "sas_2017", False, "Small Arms Survey 2017 total minus registered_firearms_mx_2017"),
    ]


def stock_covariance(estimates: list[StockEstimate], common_sd: float, method_sd: float,
                     echo_sd: float) -> np.ndarray:
    """Log-scale covariance of the stock estimates' errors (common bias + family method error + echoes).

    Parameters
    ----------
    estimates : list of StockEstimate
    common_sd, method_sd, echo_sd : float
        The named assumptions ``stock_common_bias_sd``, ``stock_method_sd``, ``stock_echo_sd``.

    Returns
    -------
    ndarray (n, n)
    """
    families = np.array([e.family for e in estimates])
    same_family = (families[:, None] == families[None, :]).astype(float)
    echo = np.diag([echo_sd**2 if e.echo else 0.0 for e in estimates])
    return common_sd**2 + method_sd**2 * same_family + echo
