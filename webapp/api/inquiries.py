"""API v1 for the knowledge base and inquiries: FAQ search, the public inquiry form and the
public follow-up. Plain functions first, then the thin views."""
from __future__ import annotations

from collections.abc import Callable, Mapping

import msgspec
from flask import Blueprint, request, url_for
from sqlalchemy.orm import Session, sessionmaker

from admissions import inquiries, kb_search
from admissions.answer import Translate
from webapp.api import bodies, schemas
from webapp.api.bodies import Refusals
from webapp.api.contract import respond
from webapp.disclosure.limits import honeypot_filled, limit_lookups, limit_submissions
from webapp.i18n import translate
from webapp.serving.request_guard import refuse_nul
from webapp.services import services, snapshot
from zones.errors import N_, InvalidParameter

bp = Blueprint("api_hotline", __name__)


def faq_search(session: Session, args: Mapping[str, str],
               url_for_hit: Callable[[str, str], str]) -> dict:
    limit_raw = args.get("limit") or "10"
    if not limit_raw.isdecimal() or not 1 <= int(limit_raw) <= 50:
        raise InvalidParameter(N_("limit 必须是 1 到 50 之间的整数。"), field="limit")
    kinds = tuple(k for k in (args.get("kind") or "").split(",") if k)
    if any(k not in kb_search.KINDS for k in kinds):
        raise InvalidParameter(N_("kind 只能是 faq 或 policy。"), field="kind")
    hits = kb_search.search(session, args.get("q") or "", kinds or kb_search.KINDS,
                            int(limit_raw))
    return {"query": args.get("q"), "hits": [
        {"id": h.code, "kind": h.kind, "title": h.title, "snippet": h.snippet,
         "highlights": [list(s) for s in h.spans], "score": h.score,
         "url": url_for_hit(h.kind, h.code)} for h in hits]}


def submit_inquiry(sessions: sessionmaker, school_codes: set[str], data: Mapping,
                   translate: Translate) -> dict:
    if honeypot_filled(data):
        raise InvalidParameter(N_("提交未成功，请稍后再试。"), field="website")
    new = inquiries.clean_new(dict(data), school_codes)
    with sessions.begin() as session:
        inquiry = inquiries.create(session, new, inquiries.SystemActor(), "web")
        return inquiries.public_view(inquiry, translate)


def inquiry_status(session: Session, tracking: str, args: Mapping[str, str],
                   translate: Translate) -> dict:
    inquiry = inquiries.public_lookup(session, tracking, args.get("phone_last4") or "")
    return inquiries.public_view(inquiry, translate)


def hit_url(kind: str, code: str) -> str:
    endpoint = "disclosure.faq_entry" if kind == "faq" else "disclosure.document"
    return url_for(endpoint, code=code)


@bp.get("/api/v1/faq/search")
def api_faq_search():
    with services().sessions() as session:
        return respond(schemas.FaqHits, faq_search(session, request.args, hit_url))


# A body that does not fit `InquiryRequest`: the kind keeps the form's words.
REFUSALS = Refusals(N_("请求内容必须是一个 JSON 对象。"), "body", messages={
    "kind": N_("请选择类型：咨询、投诉、举报或建议。")})


def _json_fields() -> dict:
    """The JSON body read as `InquiryRequest`, back as the fields the form would send."""
    body = bodies.decode(schemas.InquiryRequest, request.get_data(), REFUSALS)
    data = msgspec.to_builtins(body)
    refuse_nul(data.items())
    return data


@bp.post("/api/v1/inquiries")
@limit_submissions
def api_submit_inquiry():
    data = _json_fields() if request.is_json else request.form.to_dict()
    body = submit_inquiry(services().sessions, set(snapshot().schools), data, translate)
    return respond(schemas.Inquiry, body, 201)


@bp.get("/api/v1/inquiries/<tracking>")
@limit_lookups
def api_inquiry_status(tracking: str):
    with services().sessions() as session:
        return respond(schemas.Inquiry, inquiry_status(session, tracking, request.args,
                                                       translate))
