"""Zone sets, validation findings and notice comments as GeoJSON and CSV."""
from __future__ import annotations

from collections.abc import Iterable

from gis.geojson import feature, feature_collection
from gis.spreadsheet import csv_text


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
    """Notice comments as CSV, with a BOM so that Excel reads the Chinese text as UTF-8."""
    return csv_text(["id", "at", "name", "contact", "body"],
                    ([r.id, r.at.isoformat(timespec="seconds"), r.name, r.contact, r.body]
                     for r in comments))
