"""The OpenAPI 3.1 document of API v1: the paths and parameters, with every JSON body,
answer or request, referring to the types declared once in webapp/api/schemas.py (the
components are their JSON Schema, webapp/api/contract.py)."""
from __future__ import annotations

from webapp.api.eligibility import OPENAPI_PATHS as ELIGIBILITY_PATHS
from webapp.api.open_data_openapi import OPEN_DATA_PATHS
from webapp.api import schemas as s
from webapp.api.contract import components, json_body, ref

ERROR = ref(s.Error)


def _param(name: str, description: str, schema: dict, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema}


def _responses(ok: dict, *error_statuses: int) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": ok}}}}
    for status in error_statuses:
        responses[str(status)] = {"description": "Error",
                                  "content": {"application/json": {"schema": ERROR}}}
    return responses


LEVEL = _param("level", "primary or middle; both when absent",
               {"type": "string", "enum": ["primary", "middle"]})


HOTLINE_PATHS = {
    "/api/v1/faq/search": {"get": {
        "summary": "Ranked FAQ and policy hits (id, kind, title, snippet, highlights, url)",
        "parameters": [_param("q", "question or keywords", {"type": "string", "maxLength": 100},
                              required=True),
                       _param("kind", "faq, policy or both (comma-separated)",
                              {"type": "string"}),
                       _param("limit", "1-50, default 10", {"type": "integer"})],
        "responses": _responses(ref(s.FaqHits), 400)}},
    "/api/v1/inquiries": {"post": {
        "summary": "Submit an inquiry or complaint (rate-limited); returns the tracking number",
        "requestBody": json_body(s.InquiryRequest),
        "responses": {**_responses(ref(s.Inquiry), 400, 429), "201": {
            "description": "Received",
            "content": {"application/json": {"schema": ref(s.Inquiry)}}}}}},
    "/api/v1/inquiries/{tracking}": {"get": {
        "summary": "Status and public history; the same 404 for an unknown number or wrong "
                   "digits (rate-limited)",
        "parameters": [{"name": "tracking", "in": "path", "required": True,
                        "schema": {"type": "string", "example": "EDJY-2027-000123"}},
                       _param("phone_last4", "last 4 digits of the caller's phone",
                              {"type": "string", "pattern": "^[0-9]{4}$"}, required=True)],
        "responses": _responses(ref(s.Inquiry), 404, 429)}},
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Xuequ 学区查询 API", "version": "1.0.0",
                 "description": "School zones and admissions of one district (its outline: "
                                "/api/v1/district.geojson). Coordinates are "
                                "WGS84 (EPSG:4326) unless `crs` says otherwise."},
        "paths": {
            "/api/v1/lookup": {"get": {
                "summary": "Where a point or an address is zoned, with the admissions answer",
                "parameters": [
                    _param("lat", "WGS84 latitude (or GCJ-02/BD-09 with crs)",
                           {"type": "number", "minimum": -90, "maximum": 90}),
                    _param("lng", "WGS84 longitude", {"type": "number", "minimum": -180,
                                                      "maximum": 180}),
                    _param("address", "an address or 小区 name instead of lat/lng",
                           {"type": "string", "maxLength": 200}),
                    _param("place", "the id of a chosen candidate (candidates[].id): "
                           "resolves exactly to that place", {"type": "string",
                                                              "maxLength": 200}),
                    _param("crs", "coordinate system of lat/lng",
                           {"type": "string", "enum": ["wgs84", "gcj02", "bd09"]}),
                    LEVEL,
                    _param("lang", "zh (default) or en", {"type": "string",
                                                          "enum": ["zh", "en"]}),
                    _param("fields", "all (default): the whole answer; zones: only status, "
                           "location, zone_version, dataset and per level the zones "
                           "(zone_id, allocation, matched_by, distance_m, school_codes)",
                           {"type": "string", "enum": ["all", "zones"]}),
                    _param("on", "answer from the zone version in force that day "
                           "(YYYY-MM-DD, a scheduled one too); today's when absent",
                           {"type": "string", "format": "date"})],
                "responses": _responses(ref(s.Lookup), 400, 503)}},
            "/api/v1/addresses/suggest": {"get": {
                "summary": "Up to 10 ranked address suggestions while typing (from the "
                           "second character; typos, aliases and pinyin tolerated)",
                "parameters": [_param("q", "what has been typed so far",
                                      {"type": "string", "minLength": 1, "maxLength": 200},
                                      required=True)],
                "responses": _responses(ref(s.Suggestions), 400)}},
            "/api/v1/zones.geojson": {"get": {
                "summary": "The published zones as GeoJSON", "parameters": [LEVEL],
                "responses": _responses(ref(s.ZonesGeoJSON), 400)}},
            "/api/v1/district.geojson": {"get": {
                "summary": "The district outline",
                "responses": _responses(ref(s.DistrictGeoJSON))}},
            "/api/v1/schools": {"get": {"summary": "All schools", "parameters": [LEVEL],
                                        "responses": _responses(ref(s.Schools), 400)}},
            "/api/v1/schools/{code}": {"get": {
                "summary": "One school",
                "parameters": [{"name": "code", "in": "path", "required": True,
                                "schema": {"type": "string"}}],
                "responses": _responses(ref(s.OneSchool), 404)}},
            **HOTLINE_PATHS,
            **ELIGIBILITY_PATHS,
            **OPEN_DATA_PATHS,
            "/healthz": {"get": {"summary": "Health and the published version",
                                 "responses": {**_responses(ref(s.Health)), "503": {
                                     "description": "No zone version can be served",
                                     "content": {"application/json": {
                                         "schema": ref(s.Health)}}}}}},
        },
        "components": {"schemas": components((*s.RESPONSE_TYPES, *s.REQUEST_TYPES),
                                             s.EXAMPLES)},
    }
