"""Tidy the state boundary layers (US states from us-atlas, Mexican states from INEGI) into one table.

Both layers are GeoJSON conversions of simplified TopoJSON, for maps only (never for areas or border
lengths). The US layer identifies states only by an integer FIPS id, which is zero-padded and mapped to
USPS; the Mexican layer carries the INEGI code ``CVEGEO``. The US layer holds rings with fewer than four
positions — Louisiana's unclosed ones that the audit names (§16), and 3-point zero-area slivers in 12
other states left by the TopoJSON quantisation (41 rings in 13 states in all) — which are invalid GeoJSON;
they are removed, and a polygon whose outer ring goes is removed whole. Geometry is stored as a GeoJSON
string because the store holds plain columns; ``json.loads`` (or ``shapely.geometry.shape``) turns it back
into a shape.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ironriver.data import RawDataset
from ironriver.errors import IronRiverError
from ironriver.store.names import MX_STATES, US_STATE_NAMES, mx_state_code, us_state_code
from ironriver.store.tidy import tidy_tables

US_FILE = "us_states_from_us_atlas.geojson"
MX_FILE = "mx_states_from_estatal.geojson"
MIN_RING_POSITIONS = 4
"""GeoJSON (RFC 7946 §3.1.6): a linear ring is closed and has at least four positions."""

SCHEMAS: dict[str, dict[str, str]] = {
    "geo_states": {"country": "str", "state_code": "str", "state_name": "str", "geometry": "str"},
}
"""Column name -> dtype of every table this module produces (the contract other stages code against)."""


def _conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Keep exactly the promised columns of ``table``, in order, with the promised dtypes and a fresh index."""
    schema = SCHEMAS[table]
    return frame[list(schema)].astype(schema).reset_index(drop=True)


def _valid_ring(ring: list[list[float]]) -> bool:
    return len(ring) >= MIN_RING_POSITIONS and ring[0] == ring[-1]


def clean_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """``geometry`` (Polygon or MultiPolygon) without rings that are unclosed or have fewer than 4 positions.

    Holes that are invalid are dropped; a polygon whose exterior ring is invalid is dropped with its holes.
    The geometry type is kept. Raises :class:`IronRiverError` for other types or if nothing valid remains.
    """
    kind = geometry["type"]
    if kind not in ("Polygon", "MultiPolygon"):
        raise IronRiverError(f"state boundary of type {kind}: expected Polygon or MultiPolygon")
    polygons = [geometry["coordinates"]] if kind == "Polygon" else geometry["coordinates"]
    kept = [[ring for ring in polygon if _valid_ring(ring)] for polygon in polygons if _valid_ring(polygon[0])]
    if not kept:
        raise IronRiverError("a state boundary has no valid polygon")
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": kept[0]} if len(kept) == 1 else {
            "type": "MultiPolygon", "coordinates": kept}
    return {"type": "MultiPolygon", "coordinates": kept}


def _rows(features: list[dict[str, Any]], country: str) -> pd.DataFrame:
    rows = []
    for feature in features:
        if country == "USA":
            fips = feature.get("id", feature.get("properties", {}).get("id"))
            code = us_state_code(f"{int(fips):02d}")
            name = US_STATE_NAMES[code]
        else:
            code = mx_state_code(feature["properties"]["CVEGEO"])
            name = MX_STATES[code]
        geometry = json.dumps(clean_geometry(feature["geometry"]), separators=(",", ":"))
        rows.append((country, code, name, geometry))
    return pd.DataFrame(rows, columns=list(SCHEMAS["geo_states"]))


def geo_states(raw: RawDataset) -> pd.DataFrame:
    """State boundaries of both countries, one row per state, geometry as a GeoJSON string.

    Returns ``country`` ("USA" or "MEX"), ``state_code`` (USPS for the US: 50 states, DC, PR, VI; INEGI
    "01"–"32" for Mexico), ``state_name`` (canonical names of :mod:`ironriver.store.names`) and
    ``geometry`` (GeoJSON Polygon/MultiPolygon, lon/lat WGS84, invalid rings removed; see
    :func:`clean_geometry`). Simplified shapes: for maps, not for measurement.
    """
    us = _rows(raw.json(US_FILE)["features"], "USA")
    mx = _rows(raw.json(MX_FILE)["features"], "MEX")
    tidy = pd.concat([us, mx], ignore_index=True)
    if tidy.duplicated(["country", "state_code"]).any():
        raise IronRiverError("geo_boundaries: a state appears twice")
    return _conform(tidy.sort_values(["country", "state_code"]), "geo_states")


tidy_geo_boundaries = tidy_tables("geo_boundaries", {
    "geo_states": (
        geo_states,
        "state boundaries (country 'USA'/'MEX'; state_code USPS or INEGI; geometry = GeoJSON string, "
        "lon/lat, simplified for maps; rings with <4 positions removed)."),
})
