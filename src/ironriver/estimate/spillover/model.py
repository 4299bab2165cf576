"""The Poisson fixed-effects model: design matrices and the statsmodels fit.

A Poisson regression of state-month deaths on state and month-of-sample fixed effects, a log-population offset
and the treatment dummy (or one dummy per event-study year), fitted with statsmodels' GLM from a fixed-effects
start so that hundreds of dummies converge quickly; BLAS is held to one thread while estimating so results do not
depend on the machine's thread count. Imports from :mod:`.design`.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

from ironriver.errors import IronRiverError
from ironriver.estimate.spillover.design import Design

def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS to one thread while estimating.

    The matrices here are small (at most a few thousand rows by a few hundred columns), so threads gain little;
    but when other processes share the cores (a sweep, a test run), spinning BLAS threads slowed a full run
    from 7 s to 37 s on 2 cores. Without ``threadpoolctl`` this is a no-op.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _single_threaded(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``function`` under :func:`_one_blas_thread`."""
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _one_blas_thread():
            return function(*args, **kwargs)
    return wrapper


# --- design matrices and the statsmodels fit -------------------------------------------------------------


@dataclass(frozen=True)
class _Matrices:
    """Arrays of one design: outcome, exposure, state/time indices, the fixed-effect dummies."""

    design: Design
    codes: tuple[str, ...]          # states in the sample, index = position
    y: np.ndarray                   # deaths per state-month (float)
    exposure: np.ndarray            # persons
    state: np.ndarray               # index into codes
    time: np.ndarray                # 0 .. n_time-1
    year: np.ndarray                # calendar year of each row
    post: np.ndarray                # bool
    treated_index: np.ndarray       # indices of treated states in codes
    fe: np.ndarray                  # n × (G + T − 1): state dummies, month dummies without the first
    dropped_states: tuple[str, ...]  # states with no deaths in the window (Poisson FE not identified)

    @property
    def n_states(self) -> int:
        return len(self.codes)

    @property
    def treatment(self) -> np.ndarray:
        """The treated × post indicator (float)."""
        return (np.isin(self.state, self.treated_index) & self.post).astype(float)


def _matrices(panel: pd.DataFrame, design: Design) -> _Matrices:
    rows = panel[panel["state_code"].isin(design.states)
                 & panel["month_index"].between(design.start, design.end)]
    totals = rows.groupby("state_code")[design.outcome].sum()
    empty = tuple(sorted(totals.index[totals <= 0]))
    if set(empty) & set(design.treated):
        raise IronRiverError(f"{design.name}: treated state(s) {list(empty)} have no deaths in the window")
    rows = rows[~rows["state_code"].isin(empty)]
    codes = tuple(sorted(rows["state_code"].unique()))
    if len(codes) < len(design.treated) + 2:
        raise IronRiverError(f"{design.name}: too few states in the sample")
    state = rows["state_code"].map({c: i for i, c in enumerate(codes)}).to_numpy()
    time = (rows["month_index"] - rows["month_index"].min()).to_numpy()
    n_time = int(time.max()) + 1
    post = (rows["month_index"] >= design.post_start).to_numpy()
    if post.all() or not post.any():
        raise IronRiverError(f"{design.name}: the window has no pre or no post months")
    fe = np.concatenate([np.eye(len(codes))[state], np.eye(n_time)[time][:, 1:]], axis=1)
    return _Matrices(design=design, codes=codes, y=rows[design.outcome].to_numpy(dtype=float),
                     exposure=rows["population"].to_numpy(dtype=float), state=state, time=time,
                     year=rows["year"].to_numpy(), post=post,
                     treated_index=np.array([codes.index(s) for s in design.treated]), fe=fe,
                     dropped_states=empty)


def _fe_start(m: _Matrices, y: np.ndarray) -> np.ndarray:
    """Starting values for the fixed effects: iterative proportional fitting of the two-way margins.

    Only a starting point for statsmodels' Newton iterations (a cold IRLS start costs seconds here).
    """
    n_time = int(m.time.max()) + 1
    alpha, gamma = np.zeros(m.n_states), np.zeros(n_time)
    y_state = np.bincount(m.state, y, m.n_states)
    y_time = np.bincount(m.time, y, n_time)
    for _ in range(25):
        alpha = np.log(y_state / np.bincount(m.state, m.exposure * np.exp(gamma[m.time]), m.n_states))
        gamma = np.log(np.maximum(y_time, 1e-8) / np.bincount(m.time, m.exposure * np.exp(alpha[m.state]), n_time))
    return np.concatenate([alpha + gamma[0], gamma[1:] - gamma[0]])


class _FixedEffectsGLM(sm.GLM):
    """statsmodels' GLM told the rank of its design instead of computing it.

    Every design here is full rank by construction (one dummy per state, per month but the first, and
    treatment dummies that vary within state and month), and ``GLM.initialize`` would otherwise spend an
    SVD of the whole design on every fit — most of the cost of the hundred-odd fits of a run.
    """

    def __init__(self, *args: Any, rank: int, **kwargs: Any) -> None:
        self._known_rank = rank
        super().__init__(*args, **kwargs)

    def initialize(self) -> None:
        self.df_model = self._known_rank - 1
        self.wnobs = self.exog.shape[0]
        self.df_resid = self.wnobs - self.df_model - 1


def _fit(m: _Matrices, y: np.ndarray, exog: np.ndarray, start: np.ndarray, cluster: bool = False) -> Any:
    """Poisson GLM (log link, log-population offset) by statsmodels; cluster-robust by state if asked."""
    model = _FixedEffectsGLM(y, exog, family=sm.families.Poisson(), exposure=m.exposure, hasconst=True,
                             rank=exog.shape[1])
    options: dict[str, Any] = {"cov_type": "cluster", "cov_kwds": {"groups": m.state}} if cluster else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, HessianInversionWarning, RuntimeWarning))
        result = model.fit(method="newton", start_params=start, maxiter=60, disp=False, **options)
        if not result.mle_retvals.get("converged", False):
            result = model.fit(start_params=start, maxiter=200, **options)  # IRLS: slower, more robust
    if not np.all(np.isfinite(result.params)):
        raise IronRiverError(f"{m.design.name}: the Poisson fit did not converge")
    return result


