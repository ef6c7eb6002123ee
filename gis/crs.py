"""Coordinate systems: WGS84 inside, GCJ-02 / BD-09 / CGCS2000 / Gauss-Kruger at the edges.

Every conversion takes floats or numpy arrays (broadcast together) and returns the same
shape: floats for scalars, ndarrays otherwise. GCJ-02 and BD-09 are not real datums but
a published obfuscation of WGS84, so they are computed here rather than by pyproj.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
CGCS2000 = "EPSG:4490"
# CGCS2000 / 3-degree Gauss-Kruger, central meridians 75E..135E: the metric CRSs of China.
GK_3DEG_CM = tuple(f"EPSG:{4534 + i}" for i in range(21))
GK_3DEG_ZONE42 = "EPSG:4530"
GK_6DEG_ZONE21 = "EPSG:4499"
WEB_MERCATOR = "EPSG:3857"
GCJ02 = "GCJ02"
BD09 = "BD09"

PYPROJ_CRS = (WGS84, CGCS2000, *GK_3DEG_CM, GK_3DEG_ZONE42, GK_6DEG_ZONE21, WEB_MERCATOR)
LNG_LAT_CRS = (WGS84, CGCS2000, GCJ02, BD09)

_ALIASES = {
    **{a: WGS84 for a in ("wgs84", "wgs-84", "wgs_84", "4326", "gps", "crs84", "ogc:crs84",
                          "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:epsg::4326")},
    **{a: GCJ02 for a in ("gcj02", "gcj-02", "gcj_02", "gcj")},
    **{a: BD09 for a in ("bd09", "bd-09", "bd_09", "bd09ll", "baidu")},
    **{a: CGCS2000 for a in ("cgcs2000", "4490", "urn:ogc:def:crs:epsg::4490")},
    **{a: WEB_MERCATOR for a in ("3857", "epsg:900913", "webmercator", "web_mercator")},
    **{code.lower(): code for code in PYPROJ_CRS},
    **{code[5:]: code for code in (*GK_3DEG_CM, GK_3DEG_ZONE42, GK_6DEG_ZONE21)},
}

# Krasovsky 1940 ellipsoid, as fixed by the public GCJ-02 formula.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0
_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_ITERATIONS = 30

_GEOD = pyproj.Geod(ellps="WGS84")


class UnknownCRSError(ValueError):
    """The CRS name is not one this system converts (or not valid for this function)."""


def canonical_crs(crs: str | int) -> str:
    """The canonical name ("EPSG:4326", "GCJ02", "BD09", ...) of a CRS name or EPSG code."""
    key = str(crs).strip().lower().replace(" ", "")
    try:
        return _ALIASES[key]
    except KeyError:
        raise UnknownCRSError(f"unknown CRS {crs!r}; known: {', '.join(_known())}") from None


def _known() -> list[str]:
    return [*PYPROJ_CRS, GCJ02, BD09]


# ---- numpy plumbing ---------------------------------------------------------------------

def _arrays(x, y) -> tuple[np.ndarray, np.ndarray, bool]:
    ax, ay = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return ax, ay, ax.ndim == 0


def _out(x: np.ndarray, y: np.ndarray, scalar: bool):
    if scalar:
        return float(x), float(y)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


# ---- GCJ-02 / BD-09 ---------------------------------------------------------------------

def out_of_china(lng, lat):
    """True where the GCJ-02 offset does not apply (the usual rough bounding box)."""
    lng, lat = np.asarray(lng, dtype=float), np.asarray(lat, dtype=float)
    inside = (lng > 73.66) & (lng < 135.05) & (lat > 3.86) & (lat < 53.55)
    result = ~inside
    return bool(result) if result.ndim == 0 else result


def _gcj_offset(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lng - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
            + 0.2 * np.sqrt(np.abs(x)) + common
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlng = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
            + 0.1 * np.sqrt(np.abs(x)) + common
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * np.pi)
    dlng = dlng * 180.0 / (_GCJ_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlng, dlat


def _gcj_forward(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlng, dlat = _gcj_offset(lng, lat)
    return lng + dlng, lat + dlat


def _bd_forward(lng: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.hypot(lng, lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lng) + 0.000003 * np.cos(lng * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward: Callable, tx: np.ndarray, ty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # The forward maps are identity plus a slowly varying offset, so x <- x - (f(x) - t)
    # contracts fast (about 3 rounds to 1e-9 degrees); closed-form inverses are metres off.
    x, y = tx.copy(), ty.copy()
    for _ in range(_INVERSE_MAX_ITERATIONS):
        fx, fy = forward(x, y)
        ex, ey = fx - tx, fy - ty
        x, y = x - ex, y - ey
        worst = np.nanmax(np.abs(np.concatenate([ex.ravel(), ey.ravel(), [0.0]])))
        if not worst >= _INVERSE_TOLERANCE_DEG:
            break
    return x, y


def wgs84_to_gcj02(lng, lat):
    x, y, scalar = _arrays(lng, lat)
    gx, gy = _gcj_forward(x, y)
    outside = out_of_china(x, y)
    return _out(np.where(outside, x, gx), np.where(outside, y, gy), scalar)


def gcj02_to_wgs84(lng, lat):
    x, y, scalar = _arrays(lng, lat)
    wx, wy = _invert(_gcj_forward, x, y)
    outside = out_of_china(x, y)
    return _out(np.where(outside, x, wx), np.where(outside, y, wy), scalar)


def gcj02_to_bd09(lng, lat):
    x, y, scalar = _arrays(lng, lat)
    return _out(*_bd_forward(x, y), scalar)


def bd09_to_gcj02(lng, lat):
    x, y, scalar = _arrays(lng, lat)
    return _out(*_invert(_bd_forward, x, y), scalar)


def wgs84_to_bd09(lng, lat):
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


def bd09_to_wgs84(lng, lat):
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


_TO_WGS84 = {WGS84: None, CGCS2000: None, GCJ02: gcj02_to_wgs84, BD09: bd09_to_wgs84}
_FROM_WGS84 = {WGS84: None, CGCS2000: None, GCJ02: wgs84_to_gcj02, BD09: wgs84_to_bd09}


def _lng_lat_crs(crs: str | int) -> str:
    name = canonical_crs(crs)
    if name not in LNG_LAT_CRS:
        raise UnknownCRSError(f"{crs!r} is not a lng/lat CRS; use transform_coords")
    return name


def to_wgs84(lng, lat, crs: str | int):
    """Convert lng/lat in "wgs84", "gcj02", "bd09" (or CGCS2000, equal here) to WGS84."""
    convert = _TO_WGS84[_lng_lat_crs(crs)]
    if convert is None:
        x, y, scalar = _arrays(lng, lat)
        return _out(x, y, scalar)
    return convert(lng, lat)


def from_wgs84(lng, lat, crs: str | int):
    """Convert WGS84 lng/lat to "wgs84", "gcj02", "bd09" (or CGCS2000, equal here)."""
    convert = _FROM_WGS84[_lng_lat_crs(crs)]
    if convert is None:
        x, y, scalar = _arrays(lng, lat)
        return _out(x, y, scalar)
    return convert(lng, lat)


# ---- pyproj -----------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _cached_transformer(src: str, dst: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(src, dst, always_xy=True)


def transformer(src: str | int, dst: str | int) -> pyproj.Transformer:
    """A cached, thread-safe pyproj Transformer (x=easting/lng, y=northing/lat)."""
    src, dst = canonical_crs(src), canonical_crs(dst)
    for name in (src, dst):
        if name not in PYPROJ_CRS:
            raise UnknownCRSError(f"{name} is not a pyproj CRS; use transform_coords")
    return _cached_transformer(src, dst)


def _pyproj(x: np.ndarray, y: np.ndarray, src: str, dst: str):
    if src == dst:
        return x, y
    return _cached_transformer(src, dst).transform(x, y)


def transform_coords(x, y, src: str | int, dst: str | int):
    """Convert coordinates between any two supported CRSs, GCJ02 and BD09 included."""
    src, dst = canonical_crs(src), canonical_crs(dst)
    ax, ay, scalar = _arrays(x, y)
    if src == dst:
        return _out(ax, ay, scalar)
    if src in _TO_WGS84 and _TO_WGS84[src] is not None:
        ax, ay = _TO_WGS84[src](ax, ay)
        src = WGS84
    if dst in _FROM_WGS84 and _FROM_WGS84[dst] is not None:
        ax, ay = _pyproj(np.asarray(ax), np.asarray(ay), src, WGS84)
        return _out(*_FROM_WGS84[dst](ax, ay), scalar)
    return _out(*_pyproj(np.asarray(ax), np.asarray(ay), src, dst), scalar)


def gauss_kruger_3deg(lng: float) -> str:
    """The CGCS2000 3-degree Gauss-Kruger zone (central meridian nearest `lng`) for China."""
    meridian = min(max(round(float(lng) / 3.0) * 3, 75), 135)
    return GK_3DEG_CM[(meridian - 75) // 3]


def metric_crs_for(geoms) -> str:
    """The 3-degree zone WGS84 geometries (a district, a zone set) are measured in."""
    x0, _, x1, _ = shapely.total_bounds(geoms)
    if not (np.isfinite(x0) and np.isfinite(x1)):
        raise ValueError("no coordinates to choose a metric CRS from")
    return gauss_kruger_3deg((x0 + x1) / 2.0)


def to_metric(lng, lat, metric_crs: str):
    """WGS84 lng/lat to easting/northing in metres of `metric_crs`."""
    return transform_coords(lng, lat, WGS84, metric_crs)


def from_metric(x, y, metric_crs: str):
    """Easting/northing in metres of `metric_crs` to WGS84 lng/lat."""
    return transform_coords(x, y, metric_crs, WGS84)


def transform_geometry(geom: BaseGeometry, src: str | int, dst: str | int) -> BaseGeometry:
    """A shapely geometry (or array of them) converted between CRSs; Z values are kept."""
    src, dst = canonical_crs(src), canonical_crs(dst)
    if src == dst:
        return geom

    def convert(x, y, z=None):
        nx, ny = transform_coords(x, y, src, dst)
        return (nx, ny) if z is None else (nx, ny, z)

    return shapely.transform(geom, convert, include_z=None, interleaved=False)


def distance_m(lng1, lat1, lng2, lat2):
    """Geodesic distance in metres between WGS84 points (floats or arrays)."""
    a, b, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                       for v in (lng1, lat1, lng2, lat2)))
    _, _, dist = _GEOD.inv(a, b, c, d)
    dist = np.asarray(dist, dtype=float)
    return float(dist) if dist.ndim == 0 else dist
