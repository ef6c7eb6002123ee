"""Geometry prepared for display on a web map: lighter, but with the same topology."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gis import crs

DISPLAY_TOLERANCE_M = 8.0
COORDINATE_DECIMALS = 6  # about 0.1 m: finer digits only add bytes to the page


def simplify_coverage(geometries: Sequence[BaseGeometry], tolerance_m: float = DISPLAY_TOLERANCE_M,
                      display_crs: str = crs.WGS84) -> list[BaseGeometry]:
    """Simplify a set of non-overlapping polygons together, in metres
    (the 3-degree Gauss-Kruger zone they lie in).

    `coverage_simplify` moves each shared edge once for both neighbours, so adjacent
    zones keep a common border: no slivers or gaps appear that a parent could tap into.
    The result is returned in `display_crs` (WGS84, or GCJ-02 for 高德 tiles)."""
    if not geometries:
        return []
    lnglat = np.asarray(geometries, dtype=object)
    metric_crs = crs.metric_crs_for(lnglat)
    metric = crs.transform_geometry(lnglat, crs.WGS84, metric_crs)
    simplified = shapely.coverage_simplify(metric, tolerance_m)
    shown = crs.transform_geometry(simplified, metric_crs, display_crs)
    return list(shapely.set_precision(shown, 10 ** -COORDINATE_DECIMALS, mode="pointwise"))


def simplify_one(geometry: BaseGeometry, tolerance_m: float = DISPLAY_TOLERANCE_M,
                 display_crs: str = crs.WGS84) -> BaseGeometry:
    return simplify_coverage([geometry], tolerance_m, display_crs)[0]
