"""Public pages: the disclosure directory (政府信息公开目录), the FAQ, the inquiry form
and the status check. Documents and FAQ entries have permanent URLs by their code."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from admissions import inquiries, kb_search, knowledge
from webapp.api.inquiries import submit_inquiry
from webapp.disclosure.limits import limit_lookups, limit_submissions
from webapp.i18n import error_message, translate
from webapp.services import services, snapshot
from zones.errors import NotFound, XuequError

bp = Blueprint("disclosure", __name__, template_folder="templates")


def _search(kinds: tuple[str, ...]):
    query = (request.args.get("q") or "").strip()
    if not query:
        return query, None, None
    try:
        with services().sessions() as session:
            return query, kb_search.search(session, query, kinds, limit=20), None
    except XuequError as error:
        return query, None, error_message(error)


@bp.get("/gk/")
def directory():
    category = request.args.get("category") or None
    year_raw = request.args.get("year") or ""
    year = int(year_raw) if year_raw.isdecimal() and len(year_raw) == 4 else None
    query, hits, error = _search(("policy",))
    with services().sessions() as session:
        documents = knowledge.list_policies(session, category, year)
        years = knowledge.policy_years(session)
        public_qa = knowledge.list_faq(session, knowledge.PUBLIC_QA_CATEGORY)
    return render_template("disclosure/directory.html", documents=documents, years=years,
                           category=category, year=year, query=query, hits=hits,
                           error=error, public_qa=public_qa)


@bp.get("/gk/<code>")
def document(code: str):
    with services().sessions() as session:
        doc = knowledge.get(session, "policy", code)
    return render_template("disclosure/document.html", doc=doc)


@bp.get("/faq/")
def faq():
    query, hits, error = _search(("faq",))
    with services().sessions() as session:
        entries = knowledge.list_faq(session)
    grouped: dict[str, list] = {}
    for entry in entries:
        grouped.setdefault(entry.category, []).append(entry)
    return render_template("disclosure/faq.html", grouped=grouped, query=query, hits=hits,
                           error=error)


@bp.get("/faq/<code>")
def faq_entry(code: str):
    with services().sessions() as session:
        entry = knowledge.get(session, "faq", code)
    return render_template("disclosure/faq_entry.html", entry=entry)


def _schools():
    return sorted(snapshot().schools.values(), key=lambda s: s.code)


@bp.route("/complaints/new", methods=["GET", "POST"])
@limit_submissions
def new_inquiry():
    form = request.form if request.method == "POST" else {
        "kind": {"report": "report", "complaint": "complaint"}.get(request.args.get("kind"),
                                                                  "consult")}
    errors: dict[str, str] = {}  # field → message, every problem at once
    if request.method == "POST":
        school_codes = set(snapshot().schools)
        _, problems = inquiries.check_new(request.form.to_dict(), school_codes)
        errors = {p.field or "form": error_message(p) for p in reversed(problems)}
        if not errors:
            try:
                result = submit_inquiry(services().sessions, school_codes,
                                        request.form.to_dict(), translate)
                return render_template("disclosure/inquiry_received.html", result=result), 201
            except XuequError as exc:
                errors = {exc.field or "form": error_message(exc)}
    return render_template("disclosure/inquiry_form.html", form=form, errors=errors,
                           error=next(iter(errors.values()), None),
                           schools=_schools()), 400 if errors else 200


@bp.route("/complaints/status", methods=["GET", "POST"])
@limit_lookups
def inquiry_status():
    view, error = None, None
    if request.method == "POST":
        try:
            with services().sessions() as session:
                inquiry = inquiries.public_lookup(session, request.form.get("tracking", ""),
                                                  request.form.get("phone_last4", ""))
                view = inquiries.public_view(inquiry, translate)
        except NotFound as exc:
            error = error_message(exc)
    return render_template("disclosure/inquiry_status.html", view=view, error=error,
                           tracking=request.form.get("tracking", "")), 404 if error else 200


@bp.get("/complaints/")
def complaints_home():
    return render_template("disclosure/inquiry_home.html")
