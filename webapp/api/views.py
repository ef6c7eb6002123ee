"""The thin Flask layer of API v1."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.api import logic, schemas
from webapp.api.contract import respond
from webapp.api.openapi import openapi_document
from webapp.serving.compression import wants_gzip
from webapp.serving.caching import REVALIDATE
from webapp.serving.fast_lane import GEOJSON, JSON, encoded_parts
from webapp.i18n import request_lang, translate
from webapp.services import services, snapshot, snapshot_on
from admissions.encoding import EncodedAnswer
from zones.errors import N_, InvalidParameter, XuequError
from zones.versions import parse_day

bp = Blueprint("api", __name__)


@bp.get("/api/v1/lookup")
def lookup():
    # `on=YYYY-MM-DD` answers from the version in force that day (a scheduled one too)
    answering = snapshot_on(parse_day(request.args.get("on"), "on"))
    return _encoded(logic.encoded_lookup(answering, request.args, request_lang(), translate))


BATCH_KINDS = {"application/json": "json", "text/csv": "csv", "application/csv": "csv",
               "application/vnd.ms-excel": "csv", "text/plain": None}


def _batch_body() -> tuple[bytes, str | None]:
    """The uploaded file (a raw body or a form's `file`), refused with 413 when larger than
    the setting, before any of it is parsed."""
    limit = services().settings.batch_max_bytes
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidParameter(N_("请用 file 字段上传 CSV 或 JSON 文件。"), field="file")
        name = (upload.filename or "").lower()
        kind = "json" if name.endswith(".json") else "csv" if name.endswith(".csv") else None
        body = upload.stream.read(limit + 1)
    else:
        kind = BATCH_KINDS.get(request.mimetype)
        body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    return body, kind


@bp.post("/api/v1/lookup/batch")
def lookup_batch():
    accepted = {"text/csv": "csv", "application/json": "json"}.get(
        request.accept_mimetypes.best_match(["application/json", "text/csv"]) or "")
    output = logic.batch_output_format(request.args, accepted)
    answering = snapshot_on(parse_day(request.args.get("on"), "on"))
    body, kind = _batch_body()
    answers, meta = logic.batch_lookup(answering, body, kind, request.args, translate)
    if output == "csv":
        response = Response(logic.batch_csv(answers), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = 'attachment; filename="lookup-batch.csv"'
        return response
    return respond(schemas.BatchLookup, {"rows": [a.to_dict() for a in answers], **meta})


def _encoded(answer: EncodedAnswer, mimetype: str = JSON,
             cache_control: str | None = None) -> Response:
    """What the fast lane serves once the answer is encoded (webapp/serving/fast_lane.py)."""
    conditional = request.if_none_match if "If-None-Match" in request.headers else None
    status, headers, body = encoded_parts(answer, wants_gzip(), conditional, mimetype,
                                          cache_control)
    return Response(body, status=status, headers=headers, mimetype=mimetype)


def _geojson(answer: EncodedAnswer):
    """Published geometry changes only with a new version: let slow phones revalidate it
    with an ETag instead of downloading it again."""
    return _encoded(answer, GEOJSON, REVALIDATE)  # a new version changes it


@bp.get("/api/v1/addresses/suggest")
def suggest_addresses():
    return respond(schemas.Suggestions, logic.suggest(snapshot(), request.args))


@bp.get("/api/v1/zones.geojson")
def zones_geojson():
    return _geojson(logic.encoded_zones_geojson(snapshot(), request.args))


@bp.get("/api/v1/district.geojson")
def district_geojson():
    return _geojson(logic.encoded_district_geojson(snapshot()))


@bp.get("/api/v1/schools")
def schools():
    return respond(schemas.Schools, logic.schools(snapshot(), request.args, translate))


@bp.get("/api/v1/schools/<code>")
def school(code: str):
    return respond(schemas.OneSchool, logic.school(snapshot(), code, translate))


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/healthz")
def healthz():
    try:
        with services().sessions() as session:
            session.execute(text("SELECT 1"))
        database = "ok"
        services().published.outage.recovered()
    except SQLAlchemyError as error:
        database = "unavailable"
        services().published.outage.failed(error)
    try:
        current = snapshot()
        version = current.zone_version
    except XuequError:
        version = None
    # Lookups are served from memory, so a database outage degrades but does not stop us.
    status = "ok" if database == "ok" and version else "degraded" if version else "down"
    body = {"status": status, "database": database, "published_version": version}
    return respond(schemas.Health, body, 503 if version is None else 200)
