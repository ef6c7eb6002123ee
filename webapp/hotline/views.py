"""Staff pages of the hotline: the operator console, and the inquiry workflow
(intake during a call, 转办, school replies, 办结, 督办, publishing, statistics)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from admissions import console, inquiries
from admissions.inquiry_stats import statistics
from webapp.auth.permissions import permission_required
from webapp.i18n import current_lang, error_message, translate
from webapp.public.views import answer_context
from webapp.services import services, snapshot
from zones import audit
from zones.errors import N_, NotFound, XuequError

bp = Blueprint("hotline", __name__, url_prefix="/hotline", template_folder="templates")
STAFF = ("hotline", "publish")
CASE_ROLES = ("hotline", "publish", "school_reply")


def _today():
    return services().clock.today()


@bp.get("/")
@permission_required("hotline")
def console_page():
    query = (request.args.get("q") or "").strip()
    found, error = None, None
    with services().sessions() as session:
        if query:
            try:
                found = console.search(snapshot(), session, query, current_lang(), translate)
            except XuequError as exc:
                error = error_message(exc)
        overdue = inquiries.overdue(session, current_user, _today())
    return render_template("hotline/console.html", query=query, found=found, error=error,
                           overdue=overdue, **answer_context(found.answer if found else None))


@bp.get("/area")
@permission_required("hotline")
def area():
    try:
        report = console.area_report(snapshot(), request.args.get("name") or "")
    except XuequError as exc:
        return render_template("hotline/message.html", message=error_message(exc)), 404
    return render_template("hotline/area.html", report=report)


@bp.get("/school/<code>")
@permission_required("hotline")
def school(code: str):
    try:
        report = console.school_report(snapshot(), code)
    except XuequError as exc:
        return render_template("hotline/message.html", message=error_message(exc)), 404
    return render_template("hotline/school.html", report=report)


def _schools():
    return sorted(snapshot().schools.values(), key=lambda s: s.code)


@bp.route("/inquiries/new", methods=["GET", "POST"])
@permission_required("hotline")
def new_inquiry():
    form = request.form if request.method == "POST" else {
        "kind": "consult", "content": request.args.get("content", "")[:inquiries.MAX_CONTENT],
        "contact_consent": "1"}
    error, field = None, None
    if request.method == "POST":
        try:
            new = inquiries.clean_new(request.form.to_dict(), set(snapshot().schools))
            with services().sessions.begin() as session:
                inquiry = inquiries.create(session, new, current_user, "phone")
                audit.record(session, current_user.username, "inquiry_received",
                             tracking=inquiry.tracking, kind=inquiry.kind)
            return redirect(url_for("hotline.inquiry", tracking=inquiry.tracking))
        except XuequError as exc:
            error, field = error_message(exc), exc.field
    return render_template("hotline/inquiry_new.html", form=form, error=error, field=field,
                           schools=_schools()), 400 if error else 200


@bp.get("/inquiries/")
@permission_required(*CASE_ROLES)
def inquiry_list():
    status = request.args.get("status") or None
    with services().sessions() as session:
        cases = inquiries.listing(session, current_user, status)
    return render_template("hotline/inquiry_list.html", cases=cases, status=status,
                           title=translate("来电来信"), today=_today())


@bp.get("/overdue")
@permission_required(*STAFF)
def overdue():
    today = _today()
    with services().sessions() as session:
        late = inquiries.overdue(session, current_user, today)
        soon = inquiries.due_soon(session, current_user, today)
    return render_template("hotline/overdue.html", late=late, soon=soon, today=today)


@bp.get("/stats")
@permission_required(*STAFF)
def stats():
    with services().sessions() as session:
        figures = statistics(session)
    schools = snapshot().schools
    charts = [
        (translate("按类型"), [(translate(inquiries.KINDS[k]), n)
                             for k, n in figures["by_kind"].items()]),
        (translate("按状态"), [(translate(inquiries.STATUSES[k]), n)
                             for k, n in figures["by_status"].items()]),
        (translate("按学校"), [(schools[c].name if c in schools else c, n)
                             for c, n in figures["by_school"]]),
        (translate("按周"), figures["by_week"]),
    ]
    return render_template("hotline/stats.html", figures=figures, charts=charts)


@bp.context_processor
def case_context():
    try:
        return {"schools_by_code": snapshot().schools}
    except XuequError:
        return {"schools_by_code": {}}


def _load(session, tracking: str):
    inquiry = inquiries.get(session, tracking)
    if not inquiries.may_view(current_user, inquiry):
        raise NotFound(N_("没有找到这个受理编号。"), field="tracking")
    return inquiry


@bp.get("/inquiries/<tracking>")
@permission_required(*CASE_ROLES)
def inquiry(tracking: str):
    with services().sessions() as session:
        case = _load(session, tracking)
        return _render_case(case)


def _render_case(case, error: str | None = None, status: int = 200):
    draft = inquiries.publication_draft(case) if "publish" in inquiries.allowed_actions(
        current_user, case) else None
    return render_template(
        "hotline/inquiry.html", case=case, error=error, today=_today(),
        actions=inquiries.allowed_actions(current_user, case),
        show_phone=inquiries.may_see_phone(current_user, case), schools=snapshot().schools,
        draft=draft, default_due=inquiries.add_working_days(_today(), 5)), status


@bp.post("/inquiries/<tracking>/<action>")
@permission_required(*CASE_ROLES)
def inquiry_action(tracking: str, action: str):
    form = request.form
    with services().sessions() as session:
        case = _load(session, tracking)
        try:
            _apply(session, case, action, form)
            audit.record(session, current_user.username, f"inquiry_{action}",
                         tracking=case.tracking)
            session.commit()
        except XuequError as exc:
            session.rollback()
            return _render_case(_load(session, tracking), error_message(exc), 400)
    return redirect(url_for("hotline.inquiry", tracking=tracking))


def _apply(session, case, action: str, form) -> None:
    actor = current_user
    if action == "assign":
        kind = form.get("assignee_kind", "")
        assignee = form.get("school", "") if kind == "school" else form.get("department", "")
        inquiries.assign(session, case, actor, kind, assignee, form.get("due_on"),
                         set(snapshot().schools), form.get("note", ""), today=_today())
    elif action == "process":
        inquiries.process(session, case, actor, form.get("note", ""))
    elif action == "reply":
        inquiries.reply(session, case, actor, form.get("reply", ""))
    elif action == "close":
        inquiries.close(session, case, actor, form.get("note", ""))
    elif action == "remind":
        inquiries.remind(session, case, actor, form.get("note", ""))
    elif action == "publish":
        inquiries.publish_as_qa(session, case, actor, form.get("question", ""),
                                form.get("answer", ""), today=_today())
    else:
        raise NotFound(N_("没有这个操作。"), field="action")
