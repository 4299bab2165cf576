"""The illicit stock of guns in Mexico: published estimates as noisy constraints on the accumulated flow.

Observation model. The model's stock S_t counts US-origin guns held illicitly in Mexico at the end of year
*t*: S_t = (1 − a)·S_{t−1} + F_t from a prior on S_1998 (both in :mod:`ironriver.estimate.priors`). Published
estimates count *all* civilian guns, licit and illicit, of every origin. Each total is turned into an illicit
(unregistered) count by subtracting **one** registered count (``stock_registered_guns``: the Small Arms
Survey 2007 round's own count, with the later GunPolicy.org registry count as the other end of its range),
the same for every estimate: subtracting 4.49 million in 2007 but 3.12 million in 2017 would manufacture
1.37 million guns of "growth" out of two sources' different registered counts, and GunPolicy.org gives the
same registry count for 2012 and 2017. The illicit count is compared with S_t / φ — the US-origin stock
divided by the US-origin share of the *whole* illicit stock, φ (the parameter ``stock_us_origin_share``, a
wide prior, not the share of recovered guns).

The estimates are not independent measurements, and the error model says so (log scale):

* a **common bias** shared by every estimate (``stock_common_bias_sd``) — all rest on the Small Arms
  Survey's proxy methods for a country without a household survey of gun ownership;
* an independent **method error** for each of the two Small Arms Survey rounds (2007 annexe and 2017
  briefing paper; ``stock_method_sd``);
* Karp's "roughly 15 million" (``civilian_firearms_mx_karp_2012``, published 2012) and CESOP's "15.5 million
  unregistered" (``unregistered_firearms_mx_cesop_2011``, said of 2011, via El Universal 2015) restate the
  2007 round's total: CESOP's figure *is* that total (15.5 million; the round's registered count was
  4.49 million), so it enters as a total, like Karp's. Both are dated to the round they restate (2007), not to
  their publication year — dated later, the model would read a restatement as growth — share its method error
  and add only an echo error (``stock_echo_sd``).

Sources: packaged datasets ``small_arms_survey_2007_civilian_firearms`` (Mexico total and registered) and
``small_arms_survey_2017_civilian_firearms`` (Mexico total); literature ids ``registered_firearms_mx_2017``,
``civilian_firearms_mx_karp_2012``, ``unregistered_firearms_mx_cesop_2011``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ironriver.evidence._named import Assumption
from ironriver.evidence.assumptions import used_by
from ironriver.store import literature_value, load

STREAM = "stock"

ASSUMPTIONS: tuple[Assumption, ...] = used_by(STREAM)

REGISTERED_DEFAULT = ASSUMPTIONS[-1].value
"""Guns: the registered count subtracted from every total unless a setting overrides it."""


@dataclass(frozen=True)
class StockEstimate:
    """A published estimate of the illicit (unregistered) civilian stock in Mexico, all origins.

    Attributes
    ----------
    id : str
        Dataset or literature id of the total.
    year : int
        End of the year it describes: the survey round it restates, for echoes (not the publication year).
    total : float
        Guns, all civilian holdings of every origin, as published (or as the round published it).
    illicit : float
        Guns: ``total`` minus the one registered count (``stock_registered_guns``).
    family : str
        Method family (``"sas_2007"`` or ``"sas_2017"``): estimates of one family share its method error.
    echo : bool
        True for restatements of a family's figure (they get only the small echo error on top).
    derivation : str
        How ``illicit`` was computed.
    """

    id: str
    year: int
    total: float
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


def stock_estimates(settings: dict[str, float] | None = None) -> list[StockEstimate]:
    """The published stock estimates, converted to illicit guns with one registered count, dated to their round.

    Parameters
    ----------
    settings : dict, optional
        Named assumptions; ``stock_registered_guns`` (guns) is the registered count subtracted from every total.
    """
    registered = float((settings or {}).get("stock_registered_guns", REGISTERED_DEFAULT))
    sas2007 = _mexico("civilian_firearms_2007")
    sas2017 = _mexico("civilian_firearms_2017")
    karp = literature_value("civilian_firearms_mx_karp_2012")
    cesop = literature_value("unregistered_firearms_mx_cesop_2011")
    round_2007 = 2007
    rows = [
        ("dataset:civilian_firearms_2007", round_2007, float(sas2007["firearms_total_avg"]), "sas_2007", False,
         "Small Arms Survey 2007 total"),
        ("civilian_firearms_mx_karp_2012", round_2007, karp.value, "sas_2007", True,
         f"'roughly 15 million' total, published {karp.period_end}; restates the 2007 round"),
        # the literature row calls it 'unregistered', but 15.5 million is exactly the 2007 round's total, of which
        # the round counted 4.49 million registered: entered as a total, dated to the round
        ("unregistered_firearms_mx_cesop_2011", round_2007, cesop.value, "sas_2007", True,
         f"the 2007 round's total, published as 'unregistered' in {cesop.period_end}"),
        ("dataset:civilian_firearms_2017", 2017, float(sas2017["firearms"]), "sas_2017", False,
         "Small Arms Survey 2017 total"),
    ]
    return [StockEstimate(i, year, total, total - registered, family, echo,
                          f"{how} minus {registered:,.0f} registered")
            for i, year, total, family, echo, how in rows]


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
