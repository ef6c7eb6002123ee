"""The OpenAPI 3.0 definition of /ogc/ (the OGC "OpenAPI 3.0" conformance class), built
from the same constants the logic uses, so limits and collections cannot drift; its
schemas are the types every /ogc/ document is produced from (webapp/ogc/shapes.py)."""
from __future__ import annotations

from webapp.api.contract import components, openapi_30, ref
from webapp.ogc import logic, shapes

_EXCEPTION = {"application/json": {"schema": ref(shapes.OgcException)}}


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


def _get(summary: str, schema: dict, media_type: str, params: list[str],
         missing: bool = False) -> dict:
    responses = {"200": {"description": summary, "content": {
                     media_type: {"schema": schema},
                     "text/html": {"schema": {"type": "string"}}}},
                 "400": {"description": "invalid parameter", "content": _EXCEPTION}}
    if missing:
        responses["404"] = {"description": "no such collection or feature",
                            "content": _EXCEPTION}
    return {"get": {"summary": summary, "parameters": _refs(*params), "responses": responses}}


def _any(*types: type) -> dict:
    """One collection's type, whichever `collectionId` names."""
    return {"anyOf": [ref(t) for t in types]}


def ogc_openapi(base: str) -> dict:
    common = ["f", "lang"]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Xuequ open data (OGC API – Features)", "version": "1.0.0"},
        "servers": [{"url": base}],
        "paths": {
            "/": _get("landing page", ref(shapes.Landing), logic.JSON, common),
            "/conformance": _get("conformance classes", ref(shapes.Conformance), logic.JSON,
                                 common),
            "/collections": _get("collections", ref(shapes.Collections), logic.JSON, common),
            "/collections/{collectionId}": _get("a collection", ref(shapes.Collection),
                                                logic.JSON, ["collectionId", *common], True),
            "/collections/{collectionId}/items": _get(
                "features", _any(shapes.SchoolItems, shapes.ZoneItems, shapes.DistrictItems),
                logic.GEOJSON,
                ["collectionId", "bbox", "limit", "offset", "datetime", *common], True),
            "/collections/{collectionId}/items/{featureId}": _get(
                "one feature", _any(shapes.SchoolFeature, shapes.ZoneFeature,
                                    shapes.DistrictFeature), logic.GEOJSON,
                ["collectionId", "featureId", "datetime", *common], True),
        },
        "components": {
            "parameters": PARAMETERS,
            "schemas": {name: openapi_30(schema) for name, schema in components(
                shapes.RESPONSE_TYPES, shapes.EXAMPLES).items()},
        },
    }
