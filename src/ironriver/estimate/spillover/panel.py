"""The state × month panel the spillover model is fitted on.

Builds the Valle-Jones panel (``mx_firearm_homicides_monthly``: firearm, non-firearm and all homicides from one
death-certificate tabulation) and the INEGI panel (longer pre-period) with one CONAPO population vintage
(``mx_population_monthly``) as the offset, and reports the rows left out (deaths with no month recorded,
December 2008). Imports from ``store`` and :mod:`.design`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ironriver.errors import IronRiverError
from ironriver.estimate.spillover.design import month_index

# --- the panel -------------------------------------------------------------------------------------------


def _usable(homicides: pd.DataFrame) -> pd.Series:
    """Rows that enter the monthly panel: month recorded and registrations complete."""
    return homicides["month"].notna() & homicides["registration_complete"].astype(bool)


def build_panel(homicides: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The state × month panel of the Valle-Jones counts with the CONAPO population offset.

    Parameters
    ----------
    homicides : DataFrame
        ``mx_firearm_homicides_monthly``: ``state_code``, ``year``, ``month`` (NA = month not recorded),
        ``firearm_homicides``, ``homicides`` (deaths), ``registration_complete``.
    population : DataFrame
        ``mx_population_monthly``: ``state_code``, ``year``, ``month``, ``population`` (persons, CONAPO 2023).

    Returns
    -------
    DataFrame
        One row per state and month with a recorded month and complete registrations: ``state_code``,
        ``year``, ``month``, ``month_index``, ``firearm_homicides``, ``homicides``, ``nonfirearm_homicides``
        (= homicides − firearm homicides, same tabulation), ``population``. Raises if the panel is not
        balanced or a population is missing.
    """
    rows = homicides[_usable(homicides)].copy()
    rows["month"] = rows["month"].astype("int64")
    panel = rows.merge(population[["state_code", "year", "month", "population"]],
                       on=["state_code", "year", "month"], how="left", validate="one_to_one")
    if panel["population"].isna().any():
        state, year, month = panel.loc[panel["population"].isna(), ["state_code", "year", "month"]].iloc[0]
        raise IronRiverError(f"population missing for state {state}, {int(year)}-{int(month):02d}")
    panel["nonfirearm_homicides"] = panel["homicides"] - panel["firearm_homicides"]
    if (panel["nonfirearm_homicides"] < 0).any():
        raise IronRiverError("firearm homicides exceed all homicides in some state-month of the Valle-Jones file")
    return _finish_panel(panel, ["firearm_homicides", "homicides", "nonfirearm_homicides"])


def build_inegi_panel(homicides: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The INEGI state × month panel of all homicides (``mx_homicides_inegi``) with the same population offset.

    A different tabulation from the Valle-Jones file (data audit §0 #2): used only on its own, for all
    homicides with a longer pre-period, never combined with Valle-Jones firearm counts.
    """
    panel = homicides.merge(population[["state_code", "year", "month", "population"]],
                            on=["state_code", "year", "month"], how="inner", validate="one_to_one")
    return _finish_panel(panel, ["homicides"])


def _finish_panel(panel: pd.DataFrame, counts: list[str]) -> pd.DataFrame:
    panel["month_index"] = month_index(panel["year"], panel["month"])
    panel["population"] = panel["population"].astype("float64")
    columns = ["state_code", "year", "month", "month_index", *counts, "population"]
    panel = panel[columns].sort_values(["state_code", "month_index"]).reset_index(drop=True)
    per_state = panel.groupby("state_code")["month_index"].agg(["size", "min", "max"])
    if per_state.nunique().max() > 1 or (per_state["max"] - per_state["min"] + 1 != per_state["size"]).any():
        raise IronRiverError("the state-month panel is not balanced (states cover different months)")
    return panel


def dropped_rows(homicides: pd.DataFrame) -> pd.DataFrame:
    """Deaths left out of the monthly panel, by reason: month not recorded, incomplete registration (Dec 2008)."""
    reason = np.where(homicides["month"].isna(), "month not recorded",
                      np.where(~homicides["registration_complete"].astype(bool), "registration incomplete", ""))
    out = homicides.assign(reason=reason)
    out = out[out["reason"] != ""]
    return (out.groupby("reason")[["firearm_homicides", "homicides"]].sum()
            .assign(nonfirearm_homicides=lambda d: d["homicides"] - d["firearm_homicides"]).reset_index())


def load_panel() -> pd.DataFrame:
    """:func:`build_panel` on the store's tables."""
    from ironriver.store import load

    return build_panel(load("mx_firearm_homicides_monthly"), load("mx_population_monthly"))


def load_inegi_panel() -> pd.DataFrame:
    """:func:`build_inegi_panel` on the store's tables."""
    from ironriver.store import load

    return build_inegi_panel(load("mx_homicides_inegi"), load("mx_population_monthly"))

