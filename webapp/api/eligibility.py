"""`POST /api/v1/eligibility`: a family's answers and a location or zone → category, tier,
reasons, documents, the 学位预警 effect, dates and limits. The plain function first, then the
thin view; the wizard page calls `eligibility_for` too."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask import Blueprint, request, url_for

from admissions.answer import Translate
from admissions.eligibility import eligibility, level_of, zone_at, zone_by_id, zone_by_school
from admissions.service import Snapshot, geocode
from admissions.wizard import Zone
from gis.address import AddressQuery
from gis.point import WGS84Point
from webapp.api import params as p
from webapp.api import schemas
from webapp.api.contract import ref, respond
from webapp.i18n import current_lang, translate
from webapp.services import services, snapshot
from zones.errors import N_, InvalidParameter, ServiceUnavailable
from zones.model import AddressFacts

bp = Blueprint("api_eligibility", __name__)
BODY_KEYS = ("answers", "location", "zone_id")
FORM_KEYS = ("school", "csrf_token", "lang")  # the wizard form's fields that are not answers


def _where(current: Snapshot, body: Mapping, level: str) -> tuple[Zone, dict | None]:
    location, zone_id = body.get("location"), body.get("zone_id")
    if location is not None and zone_id is not None:
        raise InvalidParameter(N_("请只提供 location 或 zone_id 其中之一。"), field="zone_id")
    if zone_id is not None:
        if not isinstance(zone_id, str):
            raise InvalidParameter(N_("zone_id 应当是学区编号。"), field="zone_id")
        return zone_by_id(current, zone_id, level)
    if location is None:
        raise InvalidParameter(N_("请提供 location（地址或经纬度）或 zone_id（学区编号）。"),
                               field="location")
    if not isinstance(location, dict):
        raise InvalidParameter(N_("location 应当包含 address，或 lat 和 lng。"),
                               field="location")
    target = p.point_or_address({k: str(v) for k, v in location.items()}, current.profile)
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


def eligibility_for(current: Snapshot, body: Mapping, *, today: dt.date, lang: str,
                    translate: Translate) -> dict:
    """The API's function (strict): unknown or contradictory answers → 400 naming the field."""
    if not isinstance(body, Mapping):
        raise InvalidParameter(N_("请求内容应当是 JSON 对象。"), field="answers")
    for key in body:
        if key not in BODY_KEYS:
            raise InvalidParameter(N_("没有这个字段：%(name)s。"), field=key, name=str(key)[:40])
    answers = body.get("answers")
    if not isinstance(answers, Mapping):
        raise InvalidParameter(N_("answers 应当是一组回答。"), field="answers")
    if not current.cycle:
        raise ServiceUnavailable(N_("暂无本年度招生规则。"))
    level = level_of(current.cycle, answers)
    zone, info = _where(current, body, level)
    result = eligibility(current.cycle, answers, zone, today=today, lang=lang,
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


@bp.post("/api/v1/eligibility")
def api_eligibility():
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidParameter(N_("请求内容应当是 JSON 对象。"), field="answers")
    return respond(schemas.Eligibility, eligibility_for(
        snapshot(), body, today=services().clock.today(), lang=current_lang(),
        translate=translate))


# The OpenAPI entry (webapp/api/openapi.py includes it). The questions are the cycle
# document's, so `answers` is described by its shape and an example of the sample cycle.
ANSWERS_EXAMPLE = {"level": "primary", "birth_date": "2021-03-01", "hukou_where": "here",
                   "hukou_with": "both_parents", "home_owner": "parents",
                   "moved_in": "2024-01-01"}
OPENAPI_PATHS = {"/api/v1/eligibility": {"post": {
    "summary": "A family's category, tier, reasons, documents, 学位预警 effect, dates and "
               "limits, from its answers and a location or zone",
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": False, "required": ["answers"],
        "properties": {
            "answers": {"type": "object", "description":
                        "question id → answer, for the questions of the current cycle "
                        "document (choice value, YYYY-MM-DD date, or true/false). An unknown "
                        "question, a value that is not an option, a missing answer or an "
                        "answer to a question that does not apply is a 400 naming it.",
                        "additionalProperties": {"type": ["string", "boolean"]},
                        "example": ANSWERS_EXAMPLE},
            "location": {"type": "object", "description": "{address} or {lat, lng} (WGS84)",
                         "properties": {"address": {"type": "string"},
                                        "lat": {"type": "number"}, "lng": {"type": "number"}}},
            "zone_id": {"type": "string", "description": "a zone of the answers' level "
                        "(instead of location)"}}}}}},
    "responses": {"200": {"description": "OK", "content": {"application/json": {
        "schema": ref(schemas.Eligibility)}}},
        "400": {"description": "Error", "content": {"application/json": {
            "schema": ref(schemas.Error)}}}}}}}
