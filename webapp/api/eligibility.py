"""`POST /api/v1/eligibility`: a family's answers and a location or zone → category, tier,
reasons, documents, the 学位预警 effect, dates and limits. The plain function first, then the
thin view; the wizard page calls `eligibility_for` too."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec
from flask import Blueprint, request, url_for

from admissions.answer import Translate
from admissions.eligibility import eligibility, level_of, zone_at, zone_by_id, zone_by_school
from admissions.service import Snapshot, geocode
from admissions.wizard import Zone
from gis.address import AddressQuery
from gis.point import WGS84Point
from webapp.api import bodies, schemas
from webapp.api import params as p
from webapp.api.bodies import Refusals
from webapp.api.contract import json_body, ref, respond
from webapp.i18n import current_lang, translate
from webapp.services import services, snapshot
from zones.errors import N_, InvalidParameter, ServiceUnavailable
from zones.model import AddressFacts

bp = Blueprint("api_eligibility", __name__)
FORM_KEYS = ("school", "csrf_token", "lang")  # the wizard form's fields that are not answers


def _where(current: Snapshot, body: schemas.EligibilityRequest, level: str
           ) -> tuple[Zone, dict | None]:
    if body.location is not msgspec.UNSET and body.zone_id is not msgspec.UNSET:
        raise InvalidParameter(N_("请只提供 location 或 zone_id 其中之一。"), field="zone_id")
    if body.zone_id is not msgspec.UNSET:
        return zone_by_id(current, body.zone_id, level)
    if body.location is msgspec.UNSET:
        raise InvalidParameter(N_("请提供 location（地址或经纬度）或 zone_id（学区编号）。"),
                               field="location")
    where = {k: str(v) for k, v in msgspec.to_builtins(body.location).items()}
    target = p.point_or_address(where, current.profile)
    if not isinstance(target, AddressQuery):
        return zone_at(current, target, level)
    found = geocode(current, target)
    if found.status != "found":
        raise InvalidParameter(N_("没有找到唯一的地址，请改用经纬度或学区编号。"),
                               field="location")
    place = found.place
    facts = AddressFacts(street=place.street, number=place.number, xiaoqu=place.xiaoqu)
    return zone_at(current, WGS84Point(place.lat, place.lng), level, facts)


def with_source_links(result: dict) -> dict:
    link = lambda code: {"code": code, "url": url_for("disclosure.document", code=code)}  # noqa: E731
    result["sources"] = [link(code) for code in result["sources"]]
    if result["category"] and result["category"].get("source"):
        result["category"]["source"] = link(result["category"]["source"])
    for stage in result["dates"]:
        if stage.get("source"):
            stage["source"] = link(stage["source"])
    return result


def eligibility_for(current: Snapshot, body: schemas.EligibilityRequest, *, today: dt.date,
                    lang: str, translate: Translate) -> dict:
    """The API's function (strict): unknown or contradictory answers → 400 naming the field.
    The body's shape is its type's (read by `api_eligibility`)."""
    if not current.cycle:
        raise ServiceUnavailable(N_("暂无本年度招生规则。"))
    level = level_of(current.cycle, body.answers)
    zone, info = _where(current, body, level)
    result = eligibility(current.cycle, body.answers, zone, today=today, lang=lang,
                         translate=translate)
    result["zone"] = info
    return with_source_links(result)


def wizard_eligibility(current: Snapshot, form: Mapping, *, today: dt.date, lang: str,
                       translate: Translate) -> dict:
    """The wizard form (not strict): the school chosen gives the zone and warning date."""
    level = level_of(current.cycle, form)
    zone, info = zone_by_school(current, form.get("school") or "", level)
    answers = {k: v for k, v in form.items() if k not in FORM_KEYS}
    result = eligibility(current.cycle, answers, zone, today=today, lang=lang,
                         translate=translate, strict=False)
    result["zone"] = info
    return with_source_links(result)


# A body that does not fit `EligibilityRequest`: these fields keep their own words.
REFUSALS = Refusals(N_("请求内容应当是 JSON 对象。"), "answers", messages={
    "answers": N_("answers 应当是一组回答。"),
    "zone_id": N_("zone_id 应当是学区编号。"),
    "location": N_("location 应当包含 address，或 lat 和 lng。"),
    "location.crs": N_("crs 只能是 wgs84、gcj02 或 bd09。")})


@bp.post("/api/v1/eligibility")
def api_eligibility():
    if not request.is_json:
        raise REFUSALS.body()
    body = bodies.decode(schemas.EligibilityRequest, request.get_data(), REFUSALS)
    return respond(schemas.Eligibility, eligibility_for(
        snapshot(), body, today=services().clock.today(), lang=current_lang(),
        translate=translate))


# The OpenAPI entry (webapp/api/openapi.py includes it).
OPENAPI_PATHS = {"/api/v1/eligibility": {"post": {
    "summary": "A family's category, tier, reasons, documents, 学位预警 effect, dates and "
               "limits, from its answers and a location or zone",
    "requestBody": json_body(schemas.EligibilityRequest),
    "responses": {"200": {"description": "OK", "content": {"application/json": {
        "schema": ref(schemas.Eligibility)}}},
        "400": {"description": "Error", "content": {"application/json": {
            "schema": ref(schemas.Error)}}}}}}}
