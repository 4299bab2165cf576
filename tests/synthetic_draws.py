"""Hand-built indicator draws for the specification, sensitivity and flip tests.

Each builder returns an object with the fields of :class:`ironriver.sovereignty.draws.IndicatorDraws`
(years, table, values, status) whose scores can be worked out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Draws:
    years: np.ndarray
    table: pd.DataFrame
    values: np.ndarray
    status: np.ndarray


def make_draws(rows: list[dict], values: np.ndarray, years: np.ndarray | None = None,
               status: np.ndarray | None = None) -> Draws:
    """Draws from indicator rows (id, state, kind, concept, reference[, reference_low, reference_high, unit])."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 2:
        values = values[None]
    n_years = values.shape[2]
    years = np.arange(2000, 2000 + n_years) if years is None else np.asarray(years)
    table = pd.DataFrame([{"unit": "per 100,000", "source": "dataset", "direction": "higher = more threat",
                           "max_years_carried": 0, "label": r["id"],
                           "reference_low": r["reference"], "reference_high": r["reference"], "transform": "log_logistic", **r} for r in rows])
    if status is None:
        status = np.where(np.isnan(values[0]), "missing", "observed")
    return Draws(years, table, values, np.asarray(status))


def two_kind_draws(n_years: int = 3) -> Draws:
    """Two kinds, one indicator per state and kind, values chosen so that threats are exact fractions.

    With reference 1 a value v has threat v / (v + 1): v = 4 → 0.8, 0.25 → 0.2, 3/7 → 0.3, 1.5 → 0.6.
    MEX: domestic 0.8, interdependence 0.2; USA: domestic 0.3, interdependence 0.6 (every year).
    """
    rows = [
        {"id": "mx_dom", "state": "MEX", "kind": "domestic", "concept": "harm"},
        {"id": "us_dom", "state": "USA", "kind": "domestic", "concept": "harm"},
        {"id": "mx_int", "state": "MEX", "kind": "interdependence", "concept": "inflow"},
        {"id": "us_int", "state": "USA", "kind": "interdependence", "concept": "inflow"},
    ]
    for r in rows:
        r["reference"] = 1.0
    values = np.array([[4.0], [3 / 7], [0.25], [1.5]]) * np.ones((1, n_years))
    return make_draws(rows, values)


def perspective_draws(n_years: int = 3) -> Draws:
    """Draws with every concept the shipped perspectives name, measured for both states (values 0.5–4)."""
    from ironriver.sovereignty.specification import shipped_specifications, load_specification

    concepts = sorted({c for path in shipped_specifications().values()
                       for c in load_specification(path).concepts.weights})
    kinds = ("domestic", "interdependence", "westphalian", "international_legal")
    rows, values = [], []
    for n, concept in enumerate(concepts):
        for s, state in enumerate(("MEX", "USA")):
            rows.append({"id": f"{state.lower()}_{concept}", "state": state, "kind": kinds[n % 4],
                         "concept": concept, "reference": 1.0, "reference_low": 0.5, "reference_high": 2.0})
            values.append([0.5 + ((3 * n + 5 * s + j) % 8) / 2 for j in range(n_years)])
    return make_draws(rows, np.array(values))
