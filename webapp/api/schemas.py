"""The JSON shapes of API v1, declared once: /api/openapi.json is built from these
components, and the schemathesis contract test checks every response against them.

Each shape is a JSON-Schema component (OpenAPI 3.1) made with the small helpers below, with
an example that tests/test_api_contract.py validates against it. Enums come from the
domain's own constants so a new status cannot appear without the contract saying so."""
from __future__ import annotations

from admissions.inquiries import KINDS, STATUSES as INQUIRY_STATUSES
from zones.index import STATUS_ORDER
from zones.model import ALLOCATIONS, LEVELS, SCHOOL_LEVELS
from zones.versions import PUBLIC_STATUSES

STRING = {"type": "string"}
NUMBER = {"type": "number"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
ANY_OBJECT = {"type": "object"}  # an open mapping (cycle-document rules, GeoJSON geometry)


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict | None = None, optional: dict | None = None,
        example: dict | None = None, description: str | None = None) -> dict:
    """An object with its required and optional properties (extra keys stay allowed)."""
    required = required or {}
    schema = {"type": "object", "properties": {**required, **(optional or {})}}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    if example is not None:
        schema["examples"] = [example]
    return schema


LOOKUP_STATUSES = (*reversed(STATUS_ORDER), "address_not_found", "address_ambiguous")
DATASET = obj({"sample": BOOLEAN}, example={"sample": True},
              description="about the data: sample true while the district runs sample data")
ZONE_VERSION = obj({"id": STRING, "label": STRING}, {"effective_from": nullable(DATE)},
                   example={"id": "sample-2027", "label": "2027",
                            "effective_from": "2027-03-01"})
POINT = {"lat": {"type": "number", "minimum": -90, "maximum": 90},
         "lng": {"type": "number", "minimum": -180, "maximum": 180}}
LOCATION = obj({**POINT, "source": STRING},
               {"matched_address": nullable(STRING),
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "method": STRING},
               description="WGS84; source point|gazetteer|<provider>; for an address also "
                           "matched_address, confidence (0-1) and method")
PLAN = obj({"classes": INTEGER, "seats": INTEGER})
SCHOOL = obj({"code": STRING, "name": STRING, "level": enum(SCHOOL_LEVELS)},
             {"address": STRING, "subdistrict": STRING, "phone": nullable(STRING),
              **POINT, "plan": nullable(PLAN), "plan_middle": nullable(PLAN),
              "feeds": nullable(obj({"code": STRING, "name": STRING})),
              "zones": array(STRING)},
             example={"code": "S01", "name": "示例小学", "level": "primary",
                      "address": "示例路1号", "subdistrict": "示例街道", "phone": "0431-0000000",
                      "lat": 30.88, "lng": 114.4, "plan": {"classes": 4, "seats": 180},
                      "zones": ["P01"]})
ZONE_MATCH = obj({"zone_id": STRING, "allocation": enum(ALLOCATIONS),
                  "matched_by": enum(("geometry", "rule"))},
                 {"distance_m": {"type": "number", "minimum": 0},
                  "school_codes": array(STRING), "schools": array(ref("School")),
                  "description": STRING, "allocation_label": STRING,
                  "allocation_explained": STRING})
LEVEL_RESULT = obj({"status": nullable(enum(STATUS_ORDER)), "zones": array(ZONE_MATCH)})
PLACE = obj({"address": STRING, **POINT},
            {"id": STRING, "xiaoqu": nullable(STRING), "community": nullable(STRING),
             "subdistrict": nullable(STRING), "confidence": NUMBER,
             "primary_schools": array(STRING), "middle_schools": array(STRING)})
ADMISSION = obj(
    {"year": INTEGER},
    {"age_rule": obj({"text": STRING}, {"birth_on_or_before": DATE}),
     "categories": array(obj({"id": STRING, "name": STRING},
                             {"levels": array(enum(LEVELS)), "priority": INTEGER,
                              "tier": STRING, "who": STRING, "reason": STRING,
                              "source": nullable(STRING)})),
     "channels": array(obj({"id": STRING, "kind": STRING, "name": STRING},
                           {"phone": STRING, "url": STRING, "address": STRING,
                            "hours": STRING, "text": STRING, "note": STRING})),
     "documents": {"type": "object", "additionalProperties": array(ANY_OBJECT)},
     "timeline": array(obj({"id": STRING, "title": STRING},
                           {"start": nullable(DATE), "end": nullable(DATE),
                            "deadline": BOOLEAN, "level": nullable(STRING)})),
     "timelines": {"type": "object", "additionalProperties": array(ANY_OBJECT)},
     "levels": {"type": "object", "additionalProperties": obj(
         {"title": STRING}, {"admission_method": STRING})},
     "warning_rule": obj({"text": STRING}), "notice": STRING, "disclaimer": STRING},
    description="the cycle's rules: age rule, categories, documents, timeline, channels "
                "(absent with fields=zones)")
LOOKUP_EXAMPLE = {
    "status": "assigned", "address_confirmed": True,
    "location": {"lat": 30.95, "lng": 114.36, "source": "gazetteer",
                 "matched_address": "示例街1号", "confidence": 1.0, "method": "exact"},
    "zone_version": {"id": "sample-2027", "label": "2027", "effective_from": "2027-03-01"},
    "primary": {"status": "assigned", "zones": [
        {"zone_id": "P11", "allocation": "direct", "matched_by": "geometry",
         "distance_m": 0.0, "school_codes": ["S11"]}]},
    "middle": {"status": "assigned", "zones": [
        {"zone_id": "M07", "allocation": "direct", "matched_by": "geometry",
         "distance_m": 0.0, "school_codes": ["S07"]}]},
    "next_steps": None, "admission": {"year": 2027}, "dataset": {"sample": True}}
LOOKUP = obj({"status": enum(LOOKUP_STATUSES), "location": nullable(LOCATION),
              "zone_version": ZONE_VERSION, "primary": LEVEL_RESULT,
              "middle": LEVEL_RESULT, "dataset": DATASET},
             {"admission": ADMISSION,
              "address_confirmed": BOOLEAN, "next_steps": nullable(STRING), "note": STRING,
              "candidates": array(PLACE, description="address_ambiguous: ranked places"),
              "suggestions": array(PLACE, description="address_not_found: weaker 'did you "
                                                      "mean' places"),
              "other_district": STRING},
             example=LOOKUP_EXAMPLE)
SUGGESTION = obj({"address": STRING, **POINT},
                 {"xiaoqu": nullable(STRING), "community": nullable(STRING),
                  "subdistrict": nullable(STRING)})
SUGGESTIONS = obj({"suggestions": array(SUGGESTION, maxItems=10), "dataset": DATASET},
                  example={"suggestions": [{"address": "临河佳苑", "xiaoqu": "临河佳苑",
                                            "community": "东盛社区", "subdistrict": "东盛街道",
                                            "lat": 30.906, "lng": 114.36}],
                           "dataset": {"sample": True}})
FEATURE = obj({"type": enum(["Feature"]), "geometry": nullable(ANY_OBJECT),
               "properties": nullable(ANY_OBJECT)}, {"id": {"type": ["string", "integer"]}})
ZONE_FEATURE = obj({"type": enum(["Feature"]), "geometry": nullable(ANY_OBJECT),
                    "properties": obj({"zone_id": STRING, "level": enum(LEVELS),
                                       "school_codes": array(STRING),
                                       "allocation": enum(ALLOCATIONS)},
                                      {"description": nullable(STRING)})})
FEATURE_COLLECTION_EXAMPLE = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "geometry": {"type": "Point", "coordinates": [114.4, 30.88]},
    "properties": {"name": "示例"}}]}
FEATURE_COLLECTION = obj({"type": enum(["FeatureCollection"]), "features": array(FEATURE)},
                         {"dataset": DATASET}, example=FEATURE_COLLECTION_EXAMPLE)
ZONES_GEOJSON = obj({"type": enum(["FeatureCollection"]),
                     "features": array(ZONE_FEATURE)}, {"dataset": DATASET},
                    example={"type": "FeatureCollection", "dataset": {"sample": True},
                             "features": [{"type": "Feature", "geometry": {
                                 "type": "Polygon", "coordinates": [[[114.35, 30.90],
                                                                     [114.36, 30.90],
                                                                     [114.36, 30.91],
                                                                     [114.35, 30.90]]]},
                                 "properties": {"zone_id": "P01", "level": "primary",
                                                "school_codes": ["S01"],
                                                "allocation": "direct",
                                                "description": "示例路以南"}}]})
SCHOOLS = obj({"schools": array(ref("School")), "dataset": DATASET},
              example={"schools": [SCHOOL["examples"][0]], "dataset": {"sample": True}})
ONE_SCHOOL = obj({"school": ref("School"), "dataset": DATASET},
                 example={"school": SCHOOL["examples"][0], "dataset": {"sample": True}})
FAQ_HIT = obj({"id": STRING, "kind": enum(("faq", "policy")), "title": STRING,
               "snippet": STRING, "url": STRING},
              {"score": NUMBER,
               "highlights": array(array(INTEGER, minItems=2, maxItems=2))})
FAQ_HITS = obj({"hits": array(FAQ_HIT)}, {"query": STRING},
               example={"hits": [{"id": "FAQ-2027-021", "kind": "faq", "score": 4.0,
                                  "title": "外地户口怎么上学？", "snippet": "…外地户口 居住证",
                                  "highlights": [[1, 3]], "url": "/faq/FAQ-2027-021"}]})
INQUIRY = obj({"tracking": STRING, "kind": enum(KINDS), "status": enum(INQUIRY_STATUSES),
               "received_on": DATE, "due_on": DATE},
              {"kind_label": STRING, "status_label": STRING, "reply": nullable(STRING),
               "history": array(obj({"action": STRING, "at": DATE_TIME},
                                    {"label": STRING}))},
              example={"tracking": "EDJY-2026-000001", "kind": "consult",
                       "kind_label": "咨询", "status": "received", "status_label": "已受理",
                       "received_on": "2026-12-02", "due_on": "2026-12-09", "reply": None,
                       "history": [{"action": "receive", "at": "2026-12-02T04:46:57+08:00",
                                    "label": "受理"}]})
HEALTH = obj({"status": enum(("ok", "degraded", "down"))},
             {"database": STRING, "published_version": nullable(ZONE_VERSION)},
             example={"status": "ok", "database": "ok", "published_version": {
                 "id": "sample-2027", "label": "2027", "effective_from": "2027-03-01"}})
ERROR = obj({"error": obj({"code": STRING, "message": STRING},
                          {"field": STRING, "hint": STRING})},
            example={"error": {"code": "invalid_parameter", "field": "lat",
                               "message": "纬度应当是 -90 到 90 之间的数字。"}})
VERSION = obj({"id": STRING, "status": enum(PUBLIC_STATUSES),
               "in_force_from": nullable(DATE), "downloads": obj(
                   {"geojson": STRING, "csv": STRING, "gpkg": STRING})},
              {"label": STRING, "effective_from": nullable(DATE),
               "in_force_to": nullable(DATE), "published_at": nullable(DATE_TIME)},
              example={"id": "sample-2027", "label": "2027", "status": "published",
                       "effective_from": "2027-03-01", "in_force_from": "2026-12-01",
                       "in_force_to": None, "published_at": "2026-12-01T08:00:00Z",
                       "downloads": {
                           "geojson": "/api/v1/zone-versions/sample-2027/zones.geojson",
                           "csv": "/api/v1/zone-versions/sample-2027/zones.csv",
                           "gpkg": "/api/v1/zone-versions/sample-2027/zones.gpkg"}})
VERSIONS = obj({"versions": array(ref("ZoneVersion")), "today": DATE},
               {"in_force_today": nullable(STRING), "dataset": DATASET},
               example={"versions": [VERSION["examples"][0]], "today": "2026-12-02",
                        "in_force_today": "sample-2027", "dataset": {"sample": True}})
ONE_VERSION = obj({"version": ref("ZoneVersion")},
                  example={"version": VERSION["examples"][0]})
SOURCE = obj({"code": STRING, "url": STRING})
SCHOOL_NAME = obj({"code": STRING, "name": STRING})
BATCH_LEVEL = nullable(obj({"status": enum(STATUS_ORDER), "zones": array(STRING),
                            "schools": array(SCHOOL_NAME)}))
BATCH_ROW = obj({"row": {"type": "integer", "minimum": 1}, "id": nullable(STRING),
                 "status": enum((*LOOKUP_STATUSES, "invalid")),
                 "location": nullable(obj(POINT)), "primary": BATCH_LEVEL,
                 "middle": BATCH_LEVEL,
                 "address_match": nullable(obj({"matched_address": nullable(STRING)},
                                               {"confidence": NUMBER, "method": STRING})),
                 "error": nullable(ERROR["properties"]["error"])})
BATCH = obj({"rows": array(BATCH_ROW)},
            {"summary": obj({"rows": INTEGER}, {"by_status": {
                "type": "object", "additionalProperties": INTEGER}}),
             "zone_version": ZONE_VERSION, "dataset": DATASET},
            example={"rows": [
                {"row": 1, "id": "1", "status": "assigned", "error": None,
                 "location": {"lat": 30.95, "lng": 114.36}, "address_match": None,
                 "primary": {"status": "assigned", "zones": ["P11"],
                             "schools": [{"code": "S11", "name": "示例小学"}]},
                 "middle": {"status": "assigned", "zones": ["M07"],
                            "schools": [{"code": "S07", "name": "示例中学"}]}},
                {"row": 2, "id": "2", "status": "invalid", "location": None,
                 "address_match": None, "primary": None, "middle": None,
                 "error": {"code": "invalid_parameter", "field": "lng",
                           "message": "缺少 lng（经度）。"}}],
                "summary": {"rows": 2, "by_status": {"assigned": 1, "invalid": 1}},
                "zone_version": {"id": "sample-2027", "label": "2027",
                                 "effective_from": "2027-03-01"},
                "dataset": {"sample": True}})
ELIGIBILITY = obj(
    {"level": enum(LEVELS), "eligible": BOOLEAN,
     "category": nullable(obj({"id": STRING, "name": STRING},
                              {"who": STRING, "source": nullable(SOURCE)})),
     "tier": nullable(obj({"id": STRING, "name": STRING},
                          {"placement": STRING, "rank": INTEGER})),
     "reasons": array(STRING),
     "documents": array(obj({"name": STRING}, {"note": nullable(STRING)})),
     "warning": obj({"state": enum(("none", "before", "after", "unknown"))},
                    {"cutoff": nullable(DATE), "school": nullable(STRING),
                     "text": nullable(STRING)}),
     "dates": array(obj({"id": STRING, "title": STRING},
                        {"start": nullable(DATE), "end": nullable(DATE),
                         "deadline": BOOLEAN, "source": nullable(SOURCE)})),
     "cannot": array(STRING), "sources": array(SOURCE),
     "zone": nullable(obj({"zone_id": STRING}, {"level": enum(LEVELS),
                                                "allocation": enum(ALLOCATIONS),
                                                "schools": array(SCHOOL_NAME)}))},
    {"groups": array(ANY_OBJECT), "tiers": INTEGER},
    example={"level": "primary", "eligible": True,
             "category": {"id": "two_consistent", "name": "两个一致",
                          "source": {"code": "ZC-1", "url": "/gk/ZC-1"}},
             "tier": {"id": "zone", "name": "第一顺位：学区对口", "placement": "zone",
                      "rank": 1}, "tiers": 4,
             "reasons": ["孩子与父母在同一户口簿。"],
             "documents": [{"name": "户口簿", "note": "原件及复印件"}],
             "warning": {"state": "none", "cutoff": None, "school": "示例小学",
                         "text": "示例小学 没有发布学位预警。"},
             "dates": [{"id": "online_registration", "title": "网上信息登记",
                        "start": "2027-05-06", "end": "2027-05-09", "deadline": True,
                        "source": {"code": "ZC-1", "url": "/gk/ZC-1"}}],
             "cannot": [], "groups": [], "sources": [{"code": "ZC-1", "url": "/gk/ZC-1"}],
             "zone": {"zone_id": "P01", "level": "primary", "allocation": "direct",
                      "schools": [{"code": "S01", "name": "示例小学"}]}})

COMPONENTS = {
    "Error": ERROR, "Dataset": DATASET, "School": SCHOOL, "Schools": SCHOOLS,
    "OneSchool": ONE_SCHOOL, "Lookup": LOOKUP, "Suggestions": SUGGESTIONS,
    "ZonesGeoJSON": ZONES_GEOJSON, "FeatureCollection": FEATURE_COLLECTION,
    "FaqHits": FAQ_HITS, "Inquiry": INQUIRY, "Health": HEALTH, "ZoneVersion": VERSION,
    "ZoneVersions": VERSIONS, "OneZoneVersion": ONE_VERSION,
    "BatchLookup": BATCH, "Eligibility": ELIGIBILITY,
}
