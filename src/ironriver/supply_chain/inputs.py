"""Model inputs: everything a simulation chunk needs from the store, the literature and other estimates.

:func:`build_inputs` runs once in the calling process and returns a :class:`ModelInputs` — the calibration
draws, the literature figures the model uses (by id), the weekly seasonality of retail sales in each source
state (FBI NICS checks converted to sales, ``nics_checks.sales_proxy``), yearly retail sales for the summary,
and, when a scenario bans assault weapons, the spillover estimate's effect draws. Chunks of replicates, in this
process or on Dask workers, read only this object: workers never open the store. Imports from ``store`` and,
lazily, ``estimate``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ironriver.files import atomic_write
from ironriver.supply_chain.assumptions import cited
from ironriver.supply_chain.calibration import Calibration
from ironriver.supply_chain.chain import CORRIDORS, SOURCES, WEEKS_PER_YEAR

__all__ = ["ModelInputs", "build_inputs", "source_shares", "nics_seasonality", "retail_sales", "awb_effect_draws"]

_BORDER = ("TX", "AZ", "CA", "NM")
_TERRITORIES = ("GU", "MP", "PR", "VI")
_SEASON_YEARS = (1999, 2022)
"""Complete NICS years averaged for the monthly pattern (the file starts 1998-11 and ends 2023-09)."""


@dataclass(frozen=True)
class ModelInputs:
    """What every chunk of replicates reads.

    Attributes
    ----------
    calibration : Calibration
        Flow draws (and shared parameter draws) of the iron river.
    figures : dict of str to (value, low, high)
        The literature figures the model uses, by id (``low``/``high`` NaN where not published).
    source_share : ndarray (5,)
        Share of trafficked guns bought in TX, AZ, CA, NM and the other states.
    corridor_share_other : ndarray (4,)
        How guns from the other states split over the four corridors.
    seasonal : ndarray (5, 52)
        Weekly factor of retail sales by source state (mean 1 over a year).
    retail_sales : DataFrame
        ``source_state, year, guns`` — NICS-based retail sales a year (sales proxy), for the summary.
    us_seized_per_year : float
        Guns seized on the US side before crossing a year: ICE-led task forces' seizures along the southwest
        border (``ice_taskforce_firearms_seized_fy2015_2017``) divided by the fiscal years they cover.
    awb_effect_pct : ndarray or None
        Draws of the spillover estimate (% change in firearm homicides after the 2004 ban expiry).
    awb_source : str
        Where the assault-weapons-ban effect comes from.
    notes : tuple of str
        Remarks shown with results.
    """

    calibration: Calibration
    figures: dict[str, tuple[float, float, float]]
    source_share: np.ndarray
    corridor_share_other: np.ndarray
    seasonal: np.ndarray
    retail_sales: pd.DataFrame
    us_seized_per_year: float
    awb_effect_pct: np.ndarray | None = None
    awb_source: str = "not used"
    notes: tuple[str, ...] = field(default=())

    def figure(self, id: str) -> float:  # noqa: A002
        """The published value of literature figure ``id``."""
        return self.figures[id][0]


def source_shares() -> np.ndarray:
    """Source-state shares TX, AZ, CA, NM, other of guns traced to a US source.

    Texas, Arizona and California from NFCTA Vol. IV 2017–2023; New Mexico's share is its 2022–2023 traces
    over the US-proven traces of those years; the other states take the remainder.
    """
    tx, az, ca = (cited(f"source_state_share_{s}_2017_2023").value for s in ("tx", "az", "ca"))
    nm = cited("source_state_traces_nm_2022_2023").value / cited("traces_us_proven_mx_2022_2023").value
    shares = np.array([tx, az, ca, nm, 1.0 - (tx + az + ca + nm)])
    if shares.min() < 0:
        raise ValueError("cited source-state shares add up to more than 1")
    return shares


@lru_cache(maxsize=4)
def _nics_monthly(store_path: str) -> pd.DataFrame:
    from ironriver.store import load

    nics = load("nics_checks")[["state", "year", "month", "sales_proxy"]]
    nics = nics[~nics["state"].isin(_TERRITORIES)].copy()
    nics["source_state"] = np.where(nics["state"].isin(_BORDER), nics["state"], "other")
    return nics.groupby(["source_state", "year", "month"], as_index=False)["sales_proxy"].sum()


def _nics() -> pd.DataFrame:
    from ironriver.store import ensure_store

    return _nics_monthly(str(ensure_store()))


def nics_seasonality() -> np.ndarray:
    """Weekly retail-sales factor by source state, shape (5, 52), each row averaging 1.

    The share of a year's NICS sales proxy falling in each calendar month, averaged over the complete years
    1999–2022, spread over the weeks of that month (week k of the year lies in month ⌊12k/52⌋).
    """
    monthly = _nics()
    monthly = monthly[monthly["year"].between(*_SEASON_YEARS)]
    share = monthly["sales_proxy"] / monthly.groupby(["source_state", "year"])["sales_proxy"].transform("sum")
    by_month = monthly.assign(share=share).groupby(["source_state", "month"])["share"].mean().unstack("month")
    month_of_week = (np.arange(WEEKS_PER_YEAR) * 12) // WEEKS_PER_YEAR
    factors = np.empty((len(SOURCES), WEEKS_PER_YEAR))
    for i, state in enumerate(SOURCES):
        weekly = by_month.loc[state].to_numpy()[month_of_week] / np.bincount(month_of_week)[month_of_week]
        factors[i] = weekly * WEEKS_PER_YEAR / weekly.sum()
    return factors


def retail_sales() -> pd.DataFrame:
    """NICS sales proxy a year by source state (complete years only): ``source_state, year, guns``."""
    monthly = _nics()
    months = monthly.groupby(["source_state", "year"])["month"].transform("nunique")
    whole = monthly[months == 12]
    return (whole.groupby(["source_state", "year"], as_index=False)["sales_proxy"].sum()
            .rename(columns={"sales_proxy": "guns"}))


def awb_effect_draws(seed: int = 0) -> tuple[np.ndarray | None, str]:
    """Draws of the spillover estimate's effect (% change in firearm homicides), cached on disk.

    Returns ``(None, reason)`` when :mod:`ironriver.estimate.spillover` is not installed. The estimate takes about
    a minute, so its draws are kept in ``$IRONRIVER_HOME/simulate/`` under a key made of the spillover package's
    source and the store's identity, and recomputed when either changes.
    """
    try:
        import ironriver.estimate.spillover as module
    except ImportError as error:
        return None, f"spillover estimate not available ({error}); named assumption awb_share_of_rifles_banned"
    from ironriver.store.build import home, store_path

    sources = b"".join(path.read_bytes() for path in sorted(Path(module.__file__).parent.glob("*.py")))
    digest = hashlib.sha256(sources + store_path().name.encode() + str(seed).encode())
    cache = home() / "simulate" / f"awb-effect-{digest.hexdigest()[:16]}.npy"
    if cache.exists():
        return np.load(cache), "spillover estimate (effect_pct draws, cached)"
    result = module.spillover(seed=seed, falsification=False)
    draws = result.draws["effect_pct"].to_numpy(dtype=float)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(cache, force=True, binary=True) as stream:
        np.save(stream, draws)
    return draws, "spillover estimate (effect_pct draws)"


def _figures() -> dict[str, tuple[float, float, float]]:
    from ironriver.supply_chain.assumptions import CITED_FIGURES

    out = {}
    for figure in CITED_FIGURES:
        row = cited(figure.id)
        out[figure.id] = (row.value, np.nan if row.low is None else row.low, np.nan if row.high is None else row.high)
    return out


def _per_year(id: str) -> float:  # noqa: A002
    """A multi-year total divided by the years its period covers."""
    figure = cited(id)
    return figure.value / (figure.period_end - figure.period_start + 1)


def build_inputs(calibration: Calibration, *, awb: str = "not used", awb_effect_pct: np.ndarray | None = None,
                 seasonal: np.ndarray | None = None) -> ModelInputs:
    """Gather the model's inputs in the calling process.

    Parameters
    ----------
    calibration : Calibration
        From :func:`~ironriver.supply_chain.calibration.resolve_calibration`.
    awb : {"not used", "spillover", "assumption"}
        Where the assault-weapons-ban effect comes from; ``"spillover"`` runs (or reads the cached) estimate
        and falls back to the named assumption when the module is missing.
    awb_effect_pct : ndarray, optional
        Effect draws already at hand (e.g. from ``ironriver assess``); skips the estimate.
    seasonal : ndarray (5, 52), optional
        Replaces the NICS seasonality (tests of hand-computed answers use a flat one).
    """
    notes = list(calibration.notes)
    if awb_effect_pct is not None:
        effect, awb_source = np.asarray(awb_effect_pct, dtype=float), "spillover effect draws passed by the caller"
    elif awb == "spillover":
        effect, awb_source = awb_effect_draws()
    elif awb == "assumption":
        effect, awb_source = None, "named assumption awb_share_of_rifles_banned (scenario asked for it)"
    else:
        effect, awb_source = None, "not used"
    if awb != "not used" and effect is None:
        notes.append(f"assault-weapons ban: {awb_source}")
    shares = source_shares()
    border = shares[: len(CORRIDORS)]
    return ModelInputs(
        calibration=calibration, figures=_figures(), source_share=shares,
        corridor_share_other=border / border.sum(),
        seasonal=nics_seasonality() if seasonal is None else np.asarray(seasonal, dtype=float),
        retail_sales=retail_sales(), us_seized_per_year=_per_year("ice_taskforce_firearms_seized_fy2015_2017"),
        awb_effect_pct=effect, awb_source=awb_source, notes=tuple(notes))
