"""Public pages: the map page with the answer panel, the answer fragment the page's script
fetches, the "what do I need" wizard and the timeline calendar. Every page works without
JavaScript: forms post to the server, which renders the full answer."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from admissions.calendar import timeline_calendar
from admissions.content import localize
from admissions.timeline import annotate
from gis import crs
from webapp.api import logic
from webapp.api.eligibility import wizard_eligibility
from webapp.i18n import current_lang, error_message, translate
from webapp.public.navigation import navigation_context
from admissions.related import related_reading
from webapp.public.tiles import tiles_from_config
from webapp.services import services, settings, snapshot
from zones.errors import InvalidParameter, XuequError

bp = Blueprint("public", __name__, template_folder="templates")


def remember_language():
    """The request hook (see webapp/hooks.py): ?lang=en on a page switches the language for
    the rest of the visit (kept in the session). The JSON API stays stateless: its `lang`
    applies to that one request."""
    if request.path.startswith("/api/"):
        return
    chosen = request.args.get("lang")
    if chosen in settings().languages and session.get("lang") != chosen:
        session["lang"] = chosen


@bp.app_context_processor
def page_context():
    return {**navigation_context(), **_data_context()}


def _data_context():
    try:
        current = snapshot()
    except XuequError:  # the page still renders, without data
        return {"sample_dataset": False, "zone_version": None, "lang": current_lang()}
    return {"sample_dataset": current.sample, "zone_version": current.zone_version,
            "lang": current_lang()}


def today() -> dt.date:
    return services().clock.today()


def tiles():
    return tiles_from_config(settings().tiles, settings().tianditu_key)


def lookup(form) -> tuple[dict | None, str | None]:
    """The answer for the form's address or point, or the error to show beside the form."""
    args = {k: v for k, v in form.items() if v != "" and k != "csrf_token"}
    if not (args.get("address") or args.get("place") or args.get("lat") or args.get("lng")):
        return None, None
    try:
        return logic.lookup(snapshot(), args, current_lang(), translate), None
    except InvalidParameter as exc:
        return None, error_message(exc)


def share_params(answer: dict, form) -> dict[str, str]:
    """The query that brings this answer back: the typed address, or the point in WGS84
    (a tap on 高德 tiles arrives in GCJ-02; the link carries the converted point)."""
    location = answer.get("location") or {}
    if form.get("address"):
        return {"address": form.get("address").strip()}
    if "lat" in location:
        return {"lat": f"{location['lat']:.6f}", "lng": f"{location['lng']:.6f}"}
    return {}


def open_graph(answer: dict) -> dict[str, str]:
    """The title and description a pasted link shows: the school names of the answer."""
    names = [s["name"] for level in ("primary", "middle") for zone in answer[level]["zones"]
             for s in zone["schools"]]
    location = answer.get("location") or {}
    place = location.get("matched_address") or ""
    return {"og_title": _("、").join(dict.fromkeys(names)) if names else "",
            "og_description": _("%(place)s的学区查询结果", place=place) if place
            else _("学区查询结果")}


def answer_context(answer: dict | None, form=None) -> dict:
    """What the answer panel needs beyond the answer: timeline state, the pin position in
    the map's coordinates, the consultation phone for the next-steps box, the link that
    brings the answer back, and the FAQ entries and documents that fit it."""
    if not answer:
        return {"answer": None}
    adm = answer.get("admission") or {}
    context = {"answer": answer, "timeline": annotate(adm.get("timeline", []), today()),
               "timelines": {level: annotate(stages, today())
                             for level, stages in adm.get("timelines", {}).items()},
               "consult": next((c for c in adm.get("channels", []) if c["id"] == "consult"),
                               None)}
    location = answer.get("location")
    if location:
        lng, lat = crs.from_wgs84(location["lng"], location["lat"], tiles().display_crs)
        context["pin"] = {"lat": round(lat, 6), "lng": round(lng, 6)}
    context["zone_ids"] = [z["zone_id"] for level in ("primary", "middle")
                           for z in answer[level]["zones"]]
    shared = share_params(answer, form if form is not None else request.args)
    context["share_query"] = shared
    context["share_url"] = url_for("public.index", _external=True, **shared) if shared else None
    context.update(open_graph(answer))
    try:
        with services().sessions() as session:
            context["related"] = related_reading(session, answer)
    except OperationalError:  # the database is down: the answer still comes from memory
        context["related"] = {"faq": [], "policies": []}
    return context


def client_strings() -> dict[str, str]:
    """Messages the page's script shows, translated here so they live in the catalogue."""
    return {
        "locating": _("正在定位…"),
        "denied": _("您没有允许定位。请在浏览器或微信的设置中允许使用位置，或直接输入地址。"),
        "unavailable": _("暂时无法获取您的位置，请稍后再试，或直接输入地址。"),
        "timeout": _("定位超时，请稍后再试，或直接输入地址。"),
        "unsupported": _("这个浏览器不支持定位，请直接输入地址或在地图上点选。"),
        "loading": _("正在查询…"),
        "failed": _("查询失败，请检查网络后重试。"),
        "recent": _("最近查询"),
        "clear": _("清除记录"),
        "suggestions": _("地址建议"),
        "pin": _("您的位置（可拖动）"),
        "copied": _("链接已复制，可以粘贴到微信或短信发给家人。"),
        "copy_failed": _("请长按上面的地址栏复制链接。"),
    }


@bp.route("/", methods=["GET", "POST"])
def index():
    form = request.form if request.method == "POST" else request.args
    answer, error = lookup(form)
    return render_template("public/index.html", error=error, address=form.get("address", ""),
                           strings=client_strings(),
                           **answer_context(answer, form)), 400 if error else 200


@bp.app_template_filter("parenthesised")
def parenthesised(text: str) -> str:
    """（text）, or the text alone when it already has brackets of its own (English labels
    such as "Direct admission (zoned school)" must not become doubled)."""
    if any(b in text for b in "()（）"):
        return text
    return _("（%(text)s）", text=text)


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/answer")
def answer_fragment():
    """The answer panel alone, for the page's script (taps, the pin, search)."""
    answer, error = lookup(request.args)
    status = 400 if error else 200
    return render_template("public/_answer_panel.html", error=error,
                           **answer_context(answer)), status


def _schools_for_wizard():
    current = snapshot()
    return sorted(current.schools.values(), key=lambda s: s.code)


@bp.route("/wizard", methods=["GET", "POST"])
def wizard():
    current = snapshot()
    form = request.form if request.method == "POST" else request.args
    result, error, field = None, None, None
    school = current.schools.get(form.get("school", ""))
    if request.method == "POST" and current.cycle:
        try:
            result = wizard_eligibility(current, form, today=today(), lang=current_lang(),
                                        translate=translate)
        except InvalidParameter as exc:
            error, field = error_message(exc), exc.field
    cycle = localize(current.cycle, current_lang()) if current.cycle else {}
    return render_template("public/wizard.html", form=form, result=result, error=error,
                           error_field=field, school=school, schools=_schools_for_wizard(),
                           cycle=cycle, consult=next((c for c in cycle.get("channels", [])
                                                      if c["id"] == "consult"), None))


@bp.get("/timeline.ics")
def timeline_ics():
    current = snapshot()
    if not current.cycle:
        return Response(_("暂无招生时间安排。"), status=404, mimetype="text/plain")
    content = localize(current.cycle, current_lang())
    level = request.args.get("level")
    stages = [s for s in content["timeline"]
              if level not in ("primary", "middle") or s.get("level") in (level, "both")]
    body = timeline_calendar(stages, year=content["year"],
                             name=_("%(year)s 年%(district)s义务教育招生", year=content["year"],
                                    district=current.profile.display_name(current_lang())),
                             profile=current.profile)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f"attachment; filename=xuequ-{content['year']}-timeline.ics"})
