"""Pure measures behind the sovereignty indicators: rates, decayed event counts, the illicit stock, capped carry.

Every function here takes plain frames and arrays and returns numbers a test can check by hand; nothing
reads a file or draws a random number it was not given. :mod:`~ironriver.sovereignty.indicators` applies
them to the store tables, the literature and the model outputs; :mod:`~ironriver.sovereignty.draws`
applies :func:`carry_forward` — the one rule by which any indicator of either state fills a year with no
measurement — and :mod:`~ironriver.sovereignty.ledger` applies the transforms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "CCODE",
    "PER_100K",
    "firearm_homicide_rates",
    "decayed_count",
    "illicit_stock",
    "period_candidates",
    "cinc_ratio",
    "nan_median_columns",
    "nan_quantiles",
    "carry_forward",
]

CCODE: dict[str, int] = {"USA": 2, "MEX": 70}
"""Correlates of War country codes."""
PER_100K = 100_000.0


def carry_forward(observed: np.ndarray, cap_years: int) -> tuple[np.ndarray, np.ndarray]:
    """Which observed column fills each year, and how many years it was carried.

    ``observed`` is a boolean mask over consecutive years. A year without an observation takes the latest
    earlier observed year if it is at most ``cap_years`` back; otherwise it stays missing. Never backwards.
    Returns ``source`` (index of the column used, −1 = missing) and ``years_carried`` (0 for observed years,
    −1 for missing ones).
    """
    observed = np.asarray(observed, dtype=bool)
    source = np.full(observed.size, -1)
    carried = np.full(observed.size, -1)
    last = -1
    for j, seen in enumerate(observed):
        if seen:
            last = j
            source[j], carried[j] = j, 0
        elif last >= 0 and j - last <= cap_years:
            source[j], carried[j] = last, j - last
    return source, carried


def firearm_homicide_rates(homicides: pd.DataFrame, population: pd.DataFrame, *, by_state: bool = False,
                           sources: tuple[str, ...] = ("valle_ssa", "sesnsp")) -> pd.DataFrame:
    """Firearm homicides per 100,000 person-years, nationally (or by state), from state-month counts.

    Parameters
    ----------
    homicides : DataFrame
        ``mx_homicides``: ``state_code``, ``year``, ``month`` (NA = month unknown), ``firearm_homicides``
        (NA = not reported), ``source``.
    population : DataFrame
        ``mx_population`` (CONAPO pry23): ``state_code``, ``year``, ``population_mid_year`` (persons).
    by_state : bool
        Rates per state and year instead of national rates per year.
    sources : tuple of str
        Which tabulations to use. Within a year only one source is used (the later one in this tuple),
        so a rate never mixes Valle-Jones deaths with SESNSP victims.

    Returns
    -------
    DataFrame
        ``year`` (and ``state_code``), ``source``, ``firearm_homicides`` (count), ``person_years``,
        ``months_reported`` and ``rate`` (per 100,000 per year).

    Notes
    -----
    rate = 10⁵ × Σ F[s, m] / Σ P[s, y] / 12, both sums over the state-months (s, m) that reported.
    Unreported state-months (Oaxaca 2015, December 2008) drop out of numerator and denominator alike,
    and a part year (2025: January–June) is thereby annualised. Deaths whose month is unknown count in
    the numerator without adding person-time (they belong to months already counted).
    """
    frame = homicides[homicides["source"].isin(sources) & homicides["firearm_homicides"].notna()].copy()
    order = {name: rank for rank, name in enumerate(sources)}
    frame["rank"] = frame["source"].map(order)
    best = frame.groupby("year")["rank"].transform("max")
    frame = frame[frame["rank"] == best]
    pop = population[population["state_code"] != "00"][["state_code", "year", "population_mid_year"]]
    frame = frame.merge(pop, on=["state_code", "year"], how="left")
    if frame["population_mid_year"].isna().any():
        raise ValueError("mx_population lacks a state-year present in mx_homicides")
    dated = frame["month"].notna()
    frame["person_years"] = np.where(dated, frame["population_mid_year"].astype(float) / 12.0, 0.0)
    frame["months_reported"] = dated.astype(int)
    keys = ["year", "state_code"] if by_state else ["year"]
    out = frame.groupby(keys).agg(source=("source", "first"),
                                  firearm_homicides=("firearm_homicides", "sum"),
                                  person_years=("person_years", "sum"),
                                  months_reported=("months_reported", "sum")).reset_index()
    out["firearm_homicides"] = out["firearm_homicides"].astype(float)
    out["rate"] = PER_100K * out["firearm_homicides"] / out["person_years"]
    return out


def decayed_count(event_years: np.ndarray, years: np.ndarray, half_life: np.ndarray | float) -> np.ndarray:
    """Σ over events up to each year of 0.5 ** ((year − event_year) / half_life).

    ``half_life`` may be a scalar (returns shape ``(n_years,)``) or one value per draw (returns
    ``(n_draws, n_years)``). An event counts 1 in its own year, ½ one half-life later; future events
    count 0.
    """
    event_years = np.asarray(event_years, dtype=float)
    years = np.asarray(years, dtype=float)
    age = years[None, :] - event_years[:, None]                       # (events, years)
    past = age >= 0
    half = np.asarray(half_life, dtype=float)
    if half.ndim == 0:
        return np.where(past, 0.5 ** (np.where(past, age, 0) / half), 0.0).sum(axis=0)
    weights = 0.5 ** (np.where(past, age, 0)[None, :, :] / half[:, None, None])
    return np.where(past[None], weights, 0.0).sum(axis=1)


def illicit_stock(stock_anchor: float, anchor_year: int, years: np.ndarray, inflow: np.ndarray | None,
                  attrition: np.ndarray | float, *, backwards: bool = False) -> np.ndarray:
    """Illicit gun stock per year, anchored at a published stock and moved by inflow and attrition.

    S[t] = S[t−1] (1 − a) + inflow[t] forwards from the anchor; with ``backwards``, also
    S[t−1] = (S[t] − inflow[t]) / (1 − a) before it (NaN where that would go negative: the draw's inflow
    is then more than the anchor can account for). ``inflow`` has shape ``(n_draws, n_years)`` (NaN where
    unknown) or is None (only the anchor year gets a value). ``attrition`` is a scalar or one value per
    draw. Returns ``(n_draws, n_years)`` with NaN where the chain from the anchor is broken.
    """
    years = np.asarray(years)
    attrition = np.atleast_1d(np.asarray(attrition, dtype=float))
    n_draws = inflow.shape[0] if inflow is not None else attrition.size
    out = np.full((n_draws, years.size), np.nan)
    if anchor_year not in years:
        return out
    k = int(np.flatnonzero(years == anchor_year)[0])
    out[:, k] = stock_anchor
    if inflow is None:
        return out
    keep = 1.0 - attrition if attrition.size == n_draws else np.full(n_draws, 1.0 - attrition[0])
    for j in range(k + 1, years.size):
        out[:, j] = out[:, j - 1] * keep + inflow[:, j]
    if backwards:
        for j in range(k, 0, -1):
            earlier = (out[:, j] - inflow[:, j]) / keep
            out[:, j - 1] = np.where(earlier > 0, earlier, np.nan)
    return out


def period_candidates(rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """Literature rows whose period covers ``year`` (rows without a period are never used).

    Nothing is carried here: a year no row covers is missing, and :func:`carry_forward` — the one rule for
    every indicator of both states — decides whether an earlier year may stand in for it.
    """
    dated = rows[rows["period_start"].notna() & rows["period_end"].notna()]
    return dated[(dated["period_start"] <= year) & (dated["period_end"] >= year)]


def cinc_ratio(nmc: pd.DataFrame, numerator: str, denominator: str, *, include_break: bool = False) -> pd.DataFrame:
    """CINC(numerator) / CINC(denominator) by year; by default only where both come from before the series break.

    ``nmc`` is ``cow_nmc`` (``ccode``, ``year``, ``cinc``, ``series_break``). Returns ``year``, ``ratio``,
    ``series_break``. With ``include_break`` the years after the 2017 break are kept: both scores of a year
    come from the same vintage, so their ratio is a measurement, though a step at 2016→2017 is not a change.
    """
    clean = nmc if include_break else nmc[~nmc["series_break"].astype(bool)]
    wide = clean[clean["ccode"].isin([CCODE[numerator], CCODE[denominator]])].pivot(
        index="year", columns="ccode", values="cinc").dropna()
    if CCODE[numerator] not in wide.columns or CCODE[denominator] not in wide.columns:
        return pd.DataFrame({"year": pd.Series([], dtype=int), "ratio": pd.Series([], dtype=float),
                             "series_break": pd.Series([], dtype=bool)})
    ratio = wide[CCODE[numerator]].astype(float) / wide[CCODE[denominator]].astype(float)
    breaks = nmc.groupby("year")["series_break"].max().reindex(ratio.index).fillna(False).astype(bool)
    return pd.DataFrame({"year": ratio.index.astype(int), "ratio": ratio.to_numpy(),
                         "series_break": breaks.to_numpy()})


def nan_median_columns(draws: np.ndarray) -> np.ndarray:
    """Median of each column over its non-NaN rows; NaN for an all-NaN column (without a warning)."""
    return nan_quantiles(draws, (0.5,))[0]


def nan_quantiles(draws: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Quantiles of each column over its non-NaN rows (linear interpolation); NaN for an all-NaN column."""
    draws = np.asarray(draws, dtype=float)
    ordered = np.sort(draws, axis=0)
    count = (~np.isnan(draws)).sum(axis=0)
    out = []
    for q in qs:
        position = q * np.maximum(count - 1, 0)
        below = np.floor(position).astype(int)
        above = np.minimum(below + 1, np.maximum(count - 1, 0))
        low = np.take_along_axis(ordered, below[None, :], axis=0)[0]
        high = np.take_along_axis(ordered, above[None, :], axis=0)[0]
        out.append(np.where(count > 0, low + (position - below) * (high - low), np.nan))
    return out
