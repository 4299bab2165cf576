"""The shape of the supply chain: channels, US source states, crossing corridors, and the cells they form.

Guns are bought to be trafficked in one of three **channels** (straw purchases at licensed dealers, unlicensed
sellers "engaged in the business", one-off private sales without a background check) in one of five **source
states** (Texas, Arizona, California, New Mexico, and the other states together), and cross at one of four
**corridors** (the ports of entry of each border state). A **route** is a source state with its corridor: the
border states cross at their own ports, the other states at all four. A **cell** is a channel × route; the
simulation draws each cell's guns as one cohort. The Mexican side holds the illicit stock by source state.
Arrays in the engine are indexed in the orders defined here. Imports nothing from ironriver.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CHANNELS", "SOURCES", "CORRIDORS", "ROUTES", "N_CELLS", "N_ROWS", "WEEKS_PER_YEAR",
    "CELL_CHANNEL", "CELL_ROUTE", "ROUTE_SOURCE", "ROUTE_CORRIDOR", "CELL_SOURCE", "CELL_TO_SOURCE",
    "TRANSIT_OUTCOMES", "STOCK_OUTCOMES", "CHANNEL_LABELS",
]

WEEKS_PER_YEAR = 52
"""A model year is 52 weekly steps; yearly rates are spread over them."""

CHANNELS: tuple[str, ...] = ("straw_purchase", "unlicensed_dealer", "private_no_check")
CHANNEL_LABELS: dict[str, str] = {
    "straw_purchase": "straw purchase at a licensed dealer",
    "unlicensed_dealer": "unlicensed seller engaged in the business",
    "private_no_check": "private sale without a background check",
}
SOURCES: tuple[str, ...] = ("TX", "AZ", "CA", "NM", "other")
CORRIDORS: tuple[str, ...] = ("TX", "AZ", "CA", "NM")
ROUTES: tuple[tuple[str, str], ...] = (
    ("TX", "TX"), ("AZ", "AZ"), ("CA", "CA"), ("NM", "NM"),
    ("other", "TX"), ("other", "AZ"), ("other", "CA"), ("other", "NM"),
)
N_CELLS = len(CHANNELS) * len(ROUTES)
"""Channel × route cells, channel-major: cell = channel · 8 + route."""
N_ROWS = N_CELLS + len(SOURCES)
"""Rows of the weekly multinomial: the transit cells, then the Mexican stock by source state."""

TRANSIT_OUTCOMES: tuple[str, ...] = ("interdicted_us", "interdicted_border", "arrived", "in_transit")
"""A transit row's weekly fates: seized on the US side by investigation, seized at the port by southbound
inspection, crossed into Mexico, still waiting."""
STOCK_OUTCOMES: tuple[str, ...] = ("recovered_traced", "recovered_untraced", "attrited", "held")
"""A stock row's weekly fates: recovered and submitted to ATF, recovered and not submitted, lost, still held."""

ROUTE_SOURCE = np.array([SOURCES.index(s) for s, _ in ROUTES])
ROUTE_CORRIDOR = np.array([CORRIDORS.index(k) for _, k in ROUTES])
CELL_CHANNEL = np.repeat(np.arange(len(CHANNELS)), len(ROUTES))
CELL_ROUTE = np.tile(np.arange(len(ROUTES)), len(CHANNELS))
CELL_SOURCE = ROUTE_SOURCE[CELL_ROUTE]
CELL_TO_SOURCE = np.zeros((N_CELLS, len(SOURCES)), dtype=np.int64)
"""Sums a vector over cells into one over source states (arrivals joining the stock)."""
CELL_TO_SOURCE[np.arange(N_CELLS), CELL_SOURCE] = 1
