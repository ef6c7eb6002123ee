"""Zone sets, validation findings and notice comments as GeoJSON and CSV."""
from __future__ import annotations

from collections.abc import Iterable

import shapely

from gis.geojson import feature, feature_collection
from gis.spreadsheet import csv_text
from gis.vector_io import write_frame
from store.clock import to_beijing


def zones_collection(zones, tolerance_deg: float = 0.0) -> dict:
    """Zones as GeoJSON; a tolerance thins the lines of a preview (1e-5° is about 1 m)."""
    return feature_collection(feature(
        z.geometry.simplify(tolerance_deg) if tolerance_deg else z.geometry, {
            "zone_id": z.zone_id, "level": z.level, "school_codes": list(z.school_codes),
            "allocation": z.allocation, "description": z.description})
        for z in zones if _drawable(z.geometry))


def _drawable(geometry) -> bool:
    """A geometry in longitude/latitude: absurd numbers (1e308) are reported by the
    validation, and simplifying them would never end."""
    if geometry is None or geometry.is_empty:
        return False
    x0, y0, x1, y1 = geometry.bounds
    return -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90


def findings_collection(findings: Iterable[dict]) -> dict:
    """Validation findings (as `report.to_dict()` gives them) that have a place: their own
    geometry, or else a point at their lng/lat."""
    return feature_collection(
        {"type": "Feature", "geometry": f.get("geometry") or (
            {"type": "Point", "coordinates": [f["lng"], f["lat"]]}
            if f["lng"] is not None else None),
         "properties": {"label": f["message"], "severity": f["severity"]}}
        for f in findings if f.get("geometry") or f["lng"])


def comments_csv(comments) -> str:
    """Notice comments as CSV, with a BOM so that Excel reads the Chinese text as UTF-8;
    times in 北京时间 with their offset (+08:00), as people read them."""
    return csv_text(["id", "at", "name", "contact", "body"],
                    ([r.id, to_beijing(r.at).isoformat(timespec="seconds"), r.name, r.contact,
                      r.body]
                     for r in comments))


# --- public versions as open data: the same rows in GeoJSON, CSV (WKT) and GeoPackage ---

def _version_fields(zone_set) -> dict:
    effective = zone_set.effective_from
    return {"version": zone_set.id, "effective_from": effective.isoformat() if effective else None}


def version_geojson(zone_set) -> dict:
    collection = zones_collection(zone_set.zones)
    for one in collection["features"]:
        one["properties"].update(_version_fields(zone_set))
    return {**collection, "zone_version": {"id": zone_set.id, "label": zone_set.label,
                                           **_version_fields(zone_set)}}


VERSION_CSV_HEADER = ("zone_id", "level", "school_codes", "allocation", "description",
                      "version", "effective_from", "wkt")


def version_csv(zone_set) -> str:
    """One row per zone, the geometry as WKT (WGS84, 6 decimals), for spreadsheets."""
    meta = _version_fields(zone_set)
    return csv_text(VERSION_CSV_HEADER, (
        [z.zone_id, z.level, ";".join(z.school_codes), z.allocation, z.description,
         meta["version"], meta["effective_from"] or "",
         shapely.to_wkt(z.geometry, rounding_precision=6, trim=True)]
        for z in zone_set.zones))


def version_gpkg(zone_set) -> bytes:
    from zones.workflow import zones_frame  # GeoPandas only when a GeoPackage is asked for
    frame = zones_frame(zone_set)
    for key, value in _version_fields(zone_set).items():
        frame[key] = value
    return write_frame(frame, "GPKG")
