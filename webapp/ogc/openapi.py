"""The OpenAPI 3.0 definition of /ogc/ (the OGC "OpenAPI 3.0" conformance class), built
from the same constants the logic uses, so limits and collections cannot drift."""
from __future__ import annotations

from webapp.ogc import logic

_EXCEPTION = {"type": "object", "required": ["code"],
              "properties": {"code": {"type": "string"}, "description": {"type": "string"}}}
_LINK = {"type": "object", "required": ["href", "rel"],
         "properties": {"href": {"type": "string"}, "rel": {"type": "string"},
                        "type": {"type": "string"}, "title": {"type": "string"}}}
_LINKS = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
_FEATURE = {"type": "object", "required": ["type", "geometry", "properties"],
            "properties": {"type": {"type": "string", "enum": ["Feature"]},
                           "id": {"type": "string"},
                           "geometry": {"type": "object", "nullable": True},
                           "properties": {"type": "object", "nullable": True},
                           "links": _LINKS}}
_FEATURES = {"type": "object", "required": ["type", "features"],
             "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                            "features": {"type": "array",
                                         "items": {"$ref": "#/components/schemas/feature"}},
                            "links": _LINKS, "timeStamp": {"type": "string",
                                                           "format": "date-time"},
                            "numberMatched": {"type": "integer", "minimum": 0},
                            "numberReturned": {"type": "integer", "minimum": 0}}}
_COLLECTION = {"type": "object", "required": ["id", "links"],
               "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                              "description": {"type": "string"}, "links": _LINKS,
                              "extent": {"type": "object"}, "itemType": {"type": "string"},
                              "crs": {"type": "array", "items": {"type": "string"}}}}


def _param(name: str, schema: dict, where: str = "query", required: bool = False,
           style: str | None = None, explode: bool | None = None) -> dict:
    param = {"name": name, "in": where, "required": required, "schema": schema}
    if style:
        param["style"] = style
    if explode is not None:
        param["explode"] = explode
    return param


PARAMETERS = {
    "f": _param("f", {"type": "string", "enum": ["json", "html"]}),
    "lang": _param("lang", {"type": "string", "enum": ["zh", "en"]}),
    "limit": _param("limit", {"type": "integer", "minimum": 1, "maximum": logic.MAX_LIMIT,
                              "default": logic.DEFAULT_LIMIT}, style="form", explode=False),
    "offset": _param("offset", {"type": "integer", "minimum": 0, "default": 0}),
    "bbox": _param("bbox", {"type": "array", "minItems": 4, "maxItems": 6,
                            "items": {"type": "number"}}, style="form", explode=False),
    "datetime": _param("datetime", {"type": "string"}, style="form", explode=False),
    "collectionId": _param("collectionId", {"type": "string",
                                            "enum": list(logic.COLLECTIONS)}, "path", True),
    "featureId": _param("featureId", {"type": "string"}, "path", True),
}


def _refs(*names: str) -> list[dict]:
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


def _get(summary: str, schema: str, media_type: str, params: list[str],
         missing: bool = False) -> dict:
    responses = {"200": {"description": summary, "content": {
                     media_type: {"schema": {"$ref": f"#/components/schemas/{schema}"}},
                     "text/html": {"schema": {"type": "string"}}}},
                 "400": {"description": "invalid parameter", "content": {
                     "application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}}}
    if missing:
        responses["404"] = {"description": "no such collection or feature", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/exception"}}}}
    return {"get": {"summary": summary, "parameters": _refs(*params), "responses": responses}}


def ogc_openapi(base: str) -> dict:
    common = ["f", "lang"]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Xuequ open data (OGC API – Features)", "version": "1.0.0"},
        "servers": [{"url": base}],
        "paths": {
            "/": _get("landing page", "landing", logic.JSON, common),
            "/conformance": _get("conformance classes", "conformance", logic.JSON, common),
            "/collections": _get("collections", "collections", logic.JSON, common),
            "/collections/{collectionId}": _get("a collection", "collection", logic.JSON,
                                                ["collectionId", *common], True),
            "/collections/{collectionId}/items": _get(
                "features", "featureCollection", logic.GEOJSON,
                ["collectionId", "bbox", "limit", "offset", "datetime", *common], True),
            "/collections/{collectionId}/items/{featureId}": _get(
                "one feature", "feature", logic.GEOJSON,
                ["collectionId", "featureId", "datetime", *common], True),
        },
        "components": {
            "parameters": PARAMETERS,
            "schemas": {
                "link": _LINK, "exception": _EXCEPTION, "feature": _FEATURE,
                "featureCollection": _FEATURES, "collection": _COLLECTION,
                "landing": {"type": "object", "required": ["links"],
                            "properties": {"title": {"type": "string"},
                                           "description": {"type": "string"},
                                           "links": _LINKS}},
                "conformance": {"type": "object", "required": ["conformsTo"],
                                "properties": {"conformsTo": {"type": "array",
                                                              "items": {"type": "string"}},
                                               "links": _LINKS}},
                "collections": {"type": "object", "required": ["links", "collections"],
                                "properties": {"links": _LINKS, "collections": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/collection"}}}},
            },
        },
    }
