"""GeoJSON in and out for our own files and the API. Uploaded files of any format go
through pyogrio in `gis.vector_io`; this module is the light path for trusted data."""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

COORDINATE_PRECISION = 6  # ~0.1 m: enough for zone lines, keeps files small


def read_features(path: Path) -> list[tuple[dict, BaseGeometry]]:
    with open(path, encoding="utf-8") as f:
        collection = json.load(f)
    return [(feature.get("properties") or {}, shape(feature["geometry"]))
            for feature in collection["features"]]


def feature(geometry: BaseGeometry, properties: dict, precision: int = COORDINATE_PRECISION
            ) -> dict:
    rounded = shapely.set_precision(geometry, 10 ** -precision, mode="pointwise")
    return {"type": "Feature", "properties": properties, "geometry": mapping(rounded)}


def feature_collection(features: Iterable[dict], **extra) -> dict:
    return {"type": "FeatureCollection", **extra, "features": list(features)}
