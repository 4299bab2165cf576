"""Tidy the FBI NICS background-check counts into one table keyed by USPS state, year and month.

The BuzzFeed News parse of the FBI's "NICS Firearm Checks: Month/Year by State/Type" has one row per
jurisdiction-month (55 jurisdictions: 50 states, DC, Guam, Mariana Islands, Puerto Rico, Virgin Islands) and
24 count columns plus ``totals``. A blank cell means the category was not reported that month (several
categories start only in later years); it stays NA here and is never read as zero. ``totals`` is the
file's own column and equals the sum of the 24 components in every row (data audit §1). The checks are
not sales: :data:`SALES_PROXY_WEIGHTS` gives the conventional conversion, without permit checks.
"""

from __future__ import annotations

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.names import us_state_codes
from ironriver.store.tidy import tidy_tables

FILE = "nics-firearm-background-checks.csv"

COMPONENTS: tuple[str, ...] = (
    "permit", "permit_recheck", "handgun", "long_gun", "other", "multiple", "admin",
    "prepawn_handgun", "prepawn_long_gun", "prepawn_other",
    "redemption_handgun", "redemption_long_gun", "redemption_other",
    "returned_handgun", "returned_long_gun", "returned_other",
    "rentals_handgun", "rentals_long_gun",
    "private_sale_handgun", "private_sale_long_gun", "private_sale_other",
    "return_to_seller_handgun", "return_to_seller_long_gun", "return_to_seller_other",
)
"""The 24 check categories of the FBI table, in the file's order; ``totals`` is their sum."""

SALES_PROXY_WEIGHTS: dict[str, float] = {"handgun": 1.1, "long_gun": 1.1, "multiple": 2.0}
"""Named assumption — the NYT / Brauer sales proxy (named in the dataset's descr caveats, also used by the
Small Arms Survey): guns sold ≈ 1.1 × (handgun + long_gun checks) + 2 × multiple-gun checks. The 1.1 allows
for a check covering more than one gun; multiple-gun checks cover at least two. Permit and permit-recheck
checks are excluded because they are not purchases (Kentucky's monthly re-checks, audit §1). Range of
plausible multipliers not given by the source; the proxy is an index, not a count of guns."""

SCHEMAS: dict[str, dict[str, str]] = {
    "nics_checks": {"state": "str", "year": "int64", "month": "int64",
                    **{column: "Int64" for column in COMPONENTS}, "totals": "int64", "sales_proxy": "Float64"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def sales_proxy(checks: pd.DataFrame) -> pd.Series:
    """Estimated guns sold from NICS checks: 1.1 × (handgun + long_gun) + 2 × multiple (NYT / Brauer).

    Parameters
    ----------
    checks : DataFrame with nullable integer columns ``handgun``, ``long_gun`` and ``multiple`` (checks).

    Returns
    -------
    Series (guns, ``Float64``): NA where any of the three inputs was not reported. Permits are excluded.
    Source of the convention: dataset caveats (``describe("nics_firearm_background_checks")``); see
    :data:`SALES_PROXY_WEIGHTS`.
    """
    total = sum(SALES_PROXY_WEIGHTS[column] * checks[column].astype("Float64") for column in SALES_PROXY_WEIGHTS)
    return pd.Series(total, index=checks.index, dtype="Float64")


def nics_checks(raw: RawDataset) -> pd.DataFrame:
    """NICS background checks by state (USPS) and month, Nov 1998 – Sep 2023.

    Returns one row per jurisdiction-month: ``state`` (USPS, incl. DC, GU, MP, PR, VI), ``year``, ``month``,
    the 24 check categories (``Int64``, checks; NA = not reported that month), ``totals`` (checks, the
    FBI's total, = sum of the 24 categories) and ``sales_proxy`` (guns, see :func:`sales_proxy`).

    Caveats (data audit §1): checks are not sales; the state table sums to 0.4–2.3 % less than the FBI's
    headline national totals, so never mix its national sums with headline figures; permit spikes (North
    Carolina 2014-02/03, Kentucky re-checks) are real entries, which is why ``sales_proxy`` leaves permits out.
    Raises :class:`IronRiverError` if a count is fractional or ``totals`` is blank.
    """
    frame = raw.csv(FILE)
    counts = frame[list(COMPONENTS)]
    if (counts.fillna(0) % 1 != 0).any().any() or frame["totals"].isna().any():
        raise IronRiverError(f"{FILE}: fractional counts or blank totals: the parse has changed")
    period = frame["month"].str.split("-", expand=True).astype("int64")
    tidy = counts.astype("Int64").assign(state=us_state_codes(frame["state"]), year=period[0],
                                         month=period[1], totals=frame["totals"])
    tidy["sales_proxy"] = sales_proxy(tidy)
    return _conform(tidy.sort_values(["state", "year", "month"]), "nics_checks")


tidy_nics_firearm_background_checks = tidy_tables("nics_firearm_background_checks", {
    "nics_checks": (
        nics_checks,
        "FBI NICS firearm background checks (checks, not guns) by state (USPS incl. DC/GU/MP/PR/VI) "
        "and month 1998-11..2023-09: 24 categories (NA = not reported), totals (= their sum), "
        "sales_proxy (guns ≈ 1.1×(handgun+long_gun) + 2×multiple, NYT/Brauer, permits excluded)."),
})
