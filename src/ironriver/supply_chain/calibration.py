"""Calibration: the iron river's posterior draws, which each simulated replicate follows one of.

A :class:`Calibration` holds draws of the yearly flow of guns bought to be trafficked (guns/year, one row per
posterior draw) and, where the posterior has them, draws of the parameters the simulation shares with the
estimate (the stock's yearly attrition and the US-origin share of recovered guns). Each replicate picks one
draw, so the baseline scenario reproduces the estimated flow with its uncertainty. It is built from the
:class:`~ironriver.estimate.iron_river.IronRiverPosterior` (``.draws`` and ``.parameter_draws``), from a plain
DataFrame of ``draw, year, flow`` (tests, notebooks, other estimates), or — only when the iron-river estimate
is not installed — from a literature prior on the flow (``flow_mcdougal_jeg_2010_2012``), which every output
then names as its calibration. Imports from ``store`` and, lazily, ``estimate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ironriver.errors import IronRiverError, OutOfRangeError

__all__ = ["Calibration", "resolve_calibration", "LITERATURE_PRIOR_ID"]

LITERATURE_PRIOR_ID = "flow_mcdougal_jeg_2010_2012"
"""The published flow estimate the fallback calibration uses (McDougal, Shirk, Muggah & Patterson, Journal of Economic Geography 2014, doi:10.1093/jeg/lbu021 — the peer-reviewed version of their 2013 working paper)."""

_PRIOR_DRAWS = 2000


@dataclass(frozen=True)
class Calibration:
    """Posterior draws of the yearly trafficked flow, and of the parameters the simulation shares.

    Attributes
    ----------
    years : ndarray of int, shape (Y,)
        Calendar years covered.
    flow : ndarray of float, shape (D, Y)
        Guns bought to be trafficked, guns/year, one row per posterior draw.
    draw_ids : ndarray of int, shape (D,)
        The posterior's own draw numbers.
    attrition : ndarray of float, shape (D,), or None
        Yearly fraction of the illicit stock lost other than by recovery, per draw.
    us_origin_share : ndarray of float, shape (D,), or None
        US-origin share of guns recovered in Mexico, per draw.
    source : str
        What the draws are, shown with every result.
    any_year : bool
        True for the literature prior, which applies one flat prior to every year.
    notes : tuple of str
        Parameters that were present but unusable, and similar remarks.
    """

    years: np.ndarray
    flow: np.ndarray
    draw_ids: np.ndarray
    attrition: np.ndarray | None = None
    us_origin_share: np.ndarray | None = None
    source: str = "draws"
    any_year: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def n_draws(self) -> int:
        return int(self.flow.shape[0])

    def flows_for(self, years: tuple[int, ...]) -> np.ndarray:
        """The flow draws for ``years``, shape (D, len(years)); raises if a year is not covered."""
        if self.any_year:
            return np.repeat(self.flow[:, :1], len(years), axis=1)
        known = {int(y): i for i, y in enumerate(self.years)}
        missing = [y for y in years if y not in known]
        if missing:
            raise OutOfRangeError(f"year {missing[0]} is outside the calibration's years "
                                  f"{int(self.years.min())}–{int(self.years.max())} ({self.source})")
        return self.flow[:, [known[y] for y in years]]

    def default_years(self) -> tuple[int, ...]:
        """One national year: the latest the calibration covers (the prior's last period year)."""
        return (int(self.years.max()),)

    @classmethod
    def from_frame(cls, draws: pd.DataFrame, parameters: pd.DataFrame | None = None,
                   source: str = "posterior draws (DataFrame)") -> Calibration:
        """Build from a tidy frame ``draw, year, flow`` (or ``guns_per_year``) and optional parameter draws.

        Parameters
        ----------
        draws : DataFrame
            One row per draw and year; the flow column is ``flow``, ``guns_per_year`` or the only other
            numeric column, in guns/year.
        parameters : DataFrame, optional
            ``draw, parameter, value``; parameters whose name contains ``attrition`` and ``origin`` are used.
        source : str
            Label shown with results.
        """
        frame = pd.DataFrame(draws)
        if not {"draw", "year"} <= set(frame.columns):
            raise IronRiverError(f"calibration draws need columns draw, year and flow; got {list(frame.columns)}")
        column = _flow_column(frame)
        table = frame.pivot_table(index="draw", columns="year", values=column, aggfunc="first")
        if table.isna().any().any():
            raise IronRiverError("calibration draws must give every draw a flow for every year")
        flow = table.to_numpy(dtype=float)
        if not np.isfinite(flow).all() or (flow < 0).any():
            raise IronRiverError("calibration flows must be finite and non-negative guns/year")
        draw_ids = table.index.to_numpy().astype(int)
        attrition, origin, notes = _parameter_columns(parameters, draw_ids)
        return cls(years=table.columns.to_numpy().astype(int), flow=flow, draw_ids=draw_ids, attrition=attrition,
                   us_origin_share=origin, source=source, notes=notes)

    @classmethod
    def from_posterior(cls, posterior: Any) -> Calibration:
        """Build from an :class:`~ironriver.estimate.iron_river.IronRiverPosterior` (or anything with
        ``.draws`` and optionally ``.parameter_draws``)."""
        parameters = getattr(posterior, "parameter_draws", None)
        if callable(parameters):
            parameters = parameters()
        return cls.from_frame(pd.DataFrame(posterior.draws),
                              None if parameters is None else pd.DataFrame(parameters),
                              source="iron-river posterior")

    @classmethod
    def literature_prior(cls) -> Calibration:
        """Fallback: a two-piece lognormal on the flow through McDougal et al.'s value and 95 % interval.

        The draws sit at the quantiles (i + ½)/D, so the prior is deterministic; it applies the 2010–2012
        estimate to every simulated year (flagged in ``source``).
        """
        from ironriver.supply_chain.assumptions import cited

        figure = cited(LITERATURE_PRIOR_ID)
        quantiles = (np.arange(_PRIOR_DRAWS) + 0.5) / _PRIOR_DRAWS
        flow = two_piece_lognormal_ppf(quantiles, figure.value, figure.low, figure.high)
        return cls(years=np.array([figure.period_end]), flow=flow[:, None], draw_ids=np.arange(_PRIOR_DRAWS),
                   source=f"literature prior {LITERATURE_PRIOR_ID} ({figure.period_start}–{figure.period_end}: {figure.value:,.0f}, "
                          f"{figure.low:,.0f}–{figure.high:,.0f}) applied to every year; the iron-river "
                          f"posterior was not available",
                   any_year=True)


def two_piece_lognormal_ppf(q: np.ndarray, median: float, low: float, high: float) -> np.ndarray:
    """Quantiles of a lognormal with different log-scale spreads below and above ``median``.

    ``low`` and ``high`` are the 2.5 % and 97.5 % quantiles.
    """
    z = stats.norm.ppf(q)
    sd_low = (np.log(median) - np.log(low)) / stats.norm.ppf(0.975)
    sd_high = (np.log(high) - np.log(median)) / stats.norm.ppf(0.975)
    return np.exp(np.log(median) + z * np.where(z < 0, sd_low, sd_high))


def _flow_column(frame: pd.DataFrame) -> str:
    for name in ("flow", "guns_per_year"):
        if name in frame.columns:
            return name
    numeric = [c for c in frame.columns if c not in ("draw", "year") and pd.api.types.is_numeric_dtype(frame[c])]
    if len(numeric) != 1:
        raise IronRiverError(f"cannot tell which column of the calibration draws is the flow: {list(frame.columns)}")
    return numeric[0]


def _parameter_columns(parameters: pd.DataFrame | None, draw_ids: np.ndarray
                       ) -> tuple[np.ndarray | None, np.ndarray | None, tuple[str, ...]]:
    if parameters is None or len(parameters) == 0:
        return None, None, ()
    if not {"draw", "parameter", "value"} <= set(parameters.columns):
        return None, None, ("parameter draws ignored: they need columns draw, parameter, value",)
    wide = parameters.pivot_table(index="draw", columns="parameter", values="value", aggfunc="first")
    notes: list[str] = []
    found: dict[str, np.ndarray | None] = {}
    for key in ("attrition", "origin"):
        names = sorted(c for c in wide.columns if key in str(c).lower())
        found[key] = None
        if not names:
            continue
        values = wide[names[0]].reindex(draw_ids).to_numpy(dtype=float)
        if np.isfinite(values).all() and ((values >= 0) & (values <= 1)).all():
            found[key] = values
        else:
            notes.append(f"posterior parameter {names[0]!r} ignored: not a fraction in [0, 1] for every draw")
    return found["attrition"], found["origin"], tuple(notes)


def resolve_calibration(calibration: Any = "auto", seed: int = 0) -> Calibration:
    """Turn what the caller passed as ``calibration=`` into a :class:`Calibration`.

    Parameters
    ----------
    calibration : Calibration, IronRiverPosterior, DataFrame, mapping, "auto", "posterior" or "literature"
        ``"auto"`` (default) runs :func:`~ironriver.estimate.iron_river.estimate_iron_river` when that module
        is installed and falls back to the literature prior otherwise; ``"posterior"`` insists on it. A mapping
        with a ``"posterior"`` (or ``"draws"`` frame) entry is read through that entry.
    seed : int
        Passed to the estimate.
    """
    if isinstance(calibration, Calibration):
        return calibration
    if isinstance(calibration, pd.DataFrame):
        return Calibration.from_frame(calibration)
    if calibration is None or isinstance(calibration, str):
        mode = calibration or "auto"
        if mode not in ("auto", "posterior", "literature"):
            raise IronRiverError(f"unknown calibration {mode!r}; use auto, posterior or literature")
        if mode == "literature":
            return Calibration.literature_prior()
        try:
            from ironriver.estimate.iron_river import estimate_iron_river
        except ImportError as error:
            if mode == "posterior":
                raise IronRiverError(f"the iron-river estimate is not available ({error}); pass a DataFrame of "
                                     f"draw, year, flow or use --calibration literature") from None
            return Calibration.literature_prior()
        return Calibration.from_posterior(estimate_iron_river(seed=seed))
    if hasattr(calibration, "draws"):
        return Calibration.from_posterior(calibration)
    if isinstance(calibration, Mapping):  # e.g. {"posterior": IronRiverPosterior, "draws": DataFrame}
        if hasattr(calibration.get("posterior"), "draws"):
            return Calibration.from_posterior(calibration["posterior"])
        if isinstance(calibration.get("draws"), pd.DataFrame):
            return Calibration.from_frame(calibration["draws"])
    raise IronRiverError(f"cannot calibrate from a {type(calibration).__name__}; pass a posterior, a DataFrame "
                         f"of draw, year, flow, or 'auto'")
