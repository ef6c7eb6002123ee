"""The thin Flask layer of OGC API – Features under /ogc/ (logic in webapp/ogc/logic.py)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from webapp.errors import status_for
from admissions.encoding import Template, slot
from webapp.i18n import current_lang, error_message, translate
from webapp.api.contract import plain, respond
from webapp.ogc import logic, shapes
from webapp.ogc.openapi import ogc_openapi
from webapp.services import public_versions, services, snapshot, snapshot_for
from webapp.serving.caching import cacheable
from webapp.serving.compression import wants_gzip
from webapp.serving.fast_lane import items_parts
from zones.errors import N_, NotFound, XuequError
from zones.model import ZONE_SET_STATUS_LABELS
from zones.versions import PublicVersion

bp = Blueprint("ogc", __name__, template_folder="templates")

# The OGC exception codes (OGC API – Common, exception.yaml)
OGC_ERROR_CODES = {400: "InvalidParameterValue", 404: "NotFound", 405: "MethodNotAllowed",
                   503: "ServiceUnavailable"}


def _base() -> str:
    return request.url_root.rstrip("/") + "/ogc"


def _wants_html() -> bool:
    chosen = request.args.get("f")
    if chosen is not None:
        return chosen == "html"
    best = request.accept_mimetypes.best_match([logic.GEOJSON, logic.JSON, logic.HTML])
    return best == logic.HTML


def _respond(body: dict, shape: type, media_type: str, kind: str,
             version: PublicVersion | None = None, **context):
    """JSON (produced as its declared type, webapp/ogc/shapes.py) or HTML, tagged with the
    zone version it comes from (the published one when none was chosen); a version whose
    time is over is cached for good."""
    if _wants_html():
        response = make_response(render_template("ogc/page.html", body=body, kind=kind,
                                                 titles=logic.COLLECTIONS, **context))
    else:
        response = respond(shape, body, mimetype=media_type)
    stamp = body.get("timeStamp")
    if version is None:
        return cacheable(response, snapshot().zone_set.id, volatile=stamp)
    return cacheable(response, version.id, version.immutable(services().clock.today()),
                     volatile=stamp)


def _ogc_error(status: int, description: str):
    if _wants_html():
        return render_template("error.html", status=status,
                               error={"code": OGC_ERROR_CODES.get(status, "Error"),
                                      "message": description}), status
    code = OGC_ERROR_CODES.get(status, "NoApplicableCode")
    return respond(shapes.OgcException, {"code": code, "description": description}, status)


@bp.errorhandler(XuequError)
def domain_error(error: XuequError):
    return _ogc_error(status_for(error), error_message(error))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return _ogc_error(error.code or 500, error.description or "")


def _table(collection_id: str, args) -> tuple[logic.FeatureTable, PublicVersion | None]:
    if logic.zone_level(collection_id) is None:
        return logic.cached_table(services().open_data, snapshot(), collection_id, None), None
    version = logic.items_version(collection_id, args, public_versions(),
                                  services().clock.today())
    source = snapshot() if version is None else snapshot_for(version)
    return logic.cached_table(services().open_data, source, collection_id, version), version


@bp.get("/ogc/")
@bp.get("/ogc")
def landing():
    logic.check_params(request.args, logic.COMMON_PARAMS)
    title = translate(N_("%(name)s 学校与学区开放数据")) % {"name": snapshot().district_name}
    return _respond(logic.landing(_base(), title, translate), shapes.Landing, logic.JSON,
                    "landing")


@bp.get("/ogc/conformance")
def conformance():
    logic.check_params(request.args, logic.COMMON_PARAMS)
    return _respond(logic.conformance(_base(), translate), shapes.Conformance, logic.JSON,
                    "conformance")


@bp.get("/ogc/api")
def api():
    logic.check_params(request.args, logic.COMMON_PARAMS)
    response = jsonify(ogc_openapi(_base()))
    response.mimetype = "application/vnd.oai.openapi+json"
    return cacheable(response, "api")


@bp.get("/ogc/collections")
def collections():
    logic.check_params(request.args, logic.COMMON_PARAMS)
    return _respond(logic.collections(_base(), snapshot(), public_versions(), translate),
                    shapes.Collections, logic.JSON, "collections")


@bp.get("/ogc/collections/<collection_id>")
def collection(collection_id: str):
    logic.check_collection(collection_id)
    logic.check_params(request.args, logic.COMMON_PARAMS)
    return _respond(logic.collection(_base(), collection_id, snapshot(), public_versions(),
                                     translate), shapes.Collection, logic.JSON, "collection")


@bp.get("/ogc/collections/<collection_id>/items")
def items(collection_id: str):
    logic.check_collection(collection_id)
    logic.check_params(request.args, logic.ITEMS_PARAMS)
    table, version = _table(collection_id, request.args)
    if not _wants_html():
        return _encoded_items(collection_id, table, version)
    body = logic.items(_base(), collection_id, table, request.args,
                       services().clock.now(), translate)
    return _respond(body, shapes.ITEMS[collection_id], logic.GEOJSON, "items", version,
                    collection_id=collection_id)


def _encoded_items(collection_id: str, table: logic.FeatureTable,
                   version: PublicVersion | None):
    """A page of features as GeoJSON, encoded once per version, query and language (GIS
    clients page through the same URLs again and again); only `timeStamp` is new each
    time, and it is left out of the ETag. The fast lane serves it from then on."""
    version_id = version.id if version else snapshot().zone_set.id
    key = logic.items_key(collection_id, version_id, _base(), current_lang(),
                          list(request.args.items(multi=True)))

    def build() -> Template:
        body = logic.items(_base(), collection_id, table, request.args,
                           services().clock.now(), translate)
        return Template(plain(shapes.ITEMS[collection_id], {**body,
                                                             "timeStamp": slot("timeStamp")}),
                        version_id)
    conditional = request.if_none_match if "If-None-Match" in request.headers else None
    clock = services().clock
    now = clock.now()
    status, headers, body = items_parts(snapshot().encoded.get(key, build), version, now,
                                        clock.today(now), wants_gzip(), conditional)
    return Response(body, status=status, headers=headers, mimetype=logic.GEOJSON)


@bp.get("/ogc/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    logic.check_collection(collection_id)
    logic.check_params(request.args, logic.ITEM_PARAMS)
    table, version = _table(collection_id, request.args)
    body = logic.item(_base(), collection_id, table, feature_id, request.args, translate)
    return _respond(body, shapes.FEATURE[collection_id], logic.GEOJSON, "item", version,
                    collection_id=collection_id)


@bp.get("/gk/open-data")
def open_data_page():
    """政府信息公开 → 数据开放: datasets, licence, formats, dates, the API and examples."""
    return render_template("ogc/open_data.html", collections=logic.COLLECTIONS,
                           versions=public_versions(), sample=snapshot().sample,
                           licence=services().settings.open_data_licence,
                           status_labels=ZONE_SET_STATUS_LABELS,
                           base=request.url_root.rstrip("/"))


@bp.route("/ogc/<path:rest>")
def unknown(rest: str):
    raise NotFound(N_("没有找到这个页面或资源。"))
