"""Zone versions as public data: the list with effective dates, and downloads of any public
version (GeoJSON, CSV with WKT, GeoPackage) at stable URLs. Thin views; the data comes
from zones.versions and zones.exports."""
from __future__ import annotations

import re

from flask import Blueprint, Response, url_for

from webapp.api import schemas
from webapp.api.contract import encode, respond
from webapp.services import public_versions, services, snapshot
from webapp.serving.caching import cacheable
from zones import exports, versions
from zones.versions import PublicVersion

bp = Blueprint("open_data", __name__)

FORMATS = {"geojson": "application/geo+json", "csv": "text/csv; charset=utf-8",
           "gpkg": "application/geopackage+sqlite3"}


def version_entry(version: PublicVersion) -> dict:
    return {**version.to_dict(), "downloads": {
        fmt: url_for("open_data.download", version_id=version.id, fmt=fmt, _external=True)
        for fmt in FORMATS}}


def _immutable(version: PublicVersion) -> bool:
    return version.immutable(services().clock.today())


@bp.get("/api/v1/zone-versions")
def zone_versions():
    listed = public_versions()
    today = services().clock.today()
    current = versions.version_on(listed, today)
    body = {"versions": [version_entry(v) for v in listed],
            "in_force_today": current.id if current else None, "today": today.isoformat(),
            "dataset": {"sample": snapshot().sample}}
    return cacheable(respond(schemas.ZoneVersions, body), "versions")


@bp.get("/api/v1/zone-versions/<version_id>")
def zone_version(version_id: str):
    version = versions.find(public_versions(), version_id)
    return cacheable(respond(schemas.OneZoneVersion, {"version": version_entry(version)}),
                     version.id, _immutable(version))


def _filename(version_id: str, fmt: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", version_id)[:64]
    return f"zones-{safe}.{fmt}"


@bp.get("/api/v1/zone-versions/<version_id>/zones.geojson", defaults={"fmt": "geojson"})
@bp.get("/api/v1/zone-versions/<version_id>/zones.csv", defaults={"fmt": "csv"})
@bp.get("/api/v1/zone-versions/<version_id>/zones.gpkg", defaults={"fmt": "gpkg"})
def download(version_id: str, fmt: str):
    version = versions.find(public_versions(), version_id)
    with services().sessions() as session:
        zone_set = versions.load_public(session, version)
    table = exports.version_csv(zone_set)  # also the content a GeoPackage is tagged by
    if fmt == "geojson":
        body = encode(schemas.ZonesGeoJSON, exports.version_geojson(zone_set))
    elif fmt == "csv":
        body = table.encode("utf-8")
    else:  # a GeoPackage carries the time it was written: tag it by its data instead
        body = exports.version_gpkg(zone_set)
    response = Response(body, content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{_filename(version.id, fmt)}"'
    return cacheable(response, f"{version.id}.{fmt}", _immutable(version),
                     content=table.encode("utf-8") if fmt == "gpkg" else None)
