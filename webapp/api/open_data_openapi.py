"""The OpenAPI paths of the zone-versions endpoints (webapp/api/open_data.py)."""
from __future__ import annotations

from webapp.api import schemas as s
from webapp.api.contract import json_body, ref

_ERROR = {"description": "Error", "content": {"application/json": {
    "schema": ref(s.Error)}}}
_VERSION_ID = {"name": "version_id", "in": "path", "required": True,
               "schema": {"type": "string"}}

OPEN_DATA_PATHS = {
    "/api/v1/zone-versions": {"get": {
        "summary": "Published, scheduled and past zone versions with their dates",
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": ref(s.ZoneVersions)}}}}}},
    "/api/v1/zone-versions/{version_id}": {"get": {
        "summary": "One public zone version", "parameters": [_VERSION_ID],
        "responses": {"200": {"description": "OK", "content": {"application/json": {
            "schema": ref(s.OneZoneVersion)}}}, "404": _ERROR}}},
    **{f"/api/v1/zone-versions/{{version_id}}/zones.{fmt}": {"get": {
        "summary": f"A public version's zones as {name}; the file name carries the version",
        "parameters": [_VERSION_ID],
        "responses": {"200": {"description": "The file", "content": {
            media_type: {"schema": schema}}}, "404": _ERROR}}}
       for fmt, name, media_type, schema in (
           ("geojson", "GeoJSON", "application/geo+json", ref(s.ZonesGeoJSON)),
           ("csv", "CSV (WKT geometry, UTF-8 with BOM)", "text/csv", {"type": "string"}),
           ("gpkg", "GeoPackage", "application/geopackage+sqlite3",
            {"type": "string", "format": "binary"}))},
    "/api/v1/lookup/batch": {"post": {
        "summary": "Up to 10,000 points or addresses (JSON or CSV, UTF-8 or GBK), one answer "
                   "row per input in order; ?format=csv or Accept: text/csv for CSV",
        "parameters": [{"name": "format", "in": "query", "schema": {
                           "type": "string", "enum": ["json", "csv"]}},
                       {"name": "level", "in": "query", "schema": {
                           "type": "string", "enum": ["primary", "middle"]}},
                       {"name": "on", "in": "query", "schema": {"type": "string",
                                                                "format": "date"}}],
        "requestBody": json_body(s.BatchLookupRequest, **{"text/csv": {
            "schema": {"type": "string"},
            "example": "id,lat,lng,address\n1,30.25,120.15,\n2,,,临河街1226号\n"}}),
        "responses": {"200": {"description": "One row per input", "content": {
            "application/json": {"schema": ref(s.BatchLookup)},
            "text/csv": {"schema": {"type": "string"}}}},
            "400": _ERROR, "413": _ERROR}}},
}
