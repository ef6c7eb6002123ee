"""Staff editing of the knowledge base (FAQ entries and policy documents), with history."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from admissions import knowledge
from webapp.auth.permissions import permission_required
from webapp.i18n import error_message
from webapp.services import services
from zones import audit
from zones.errors import N_, InvalidParameter, XuequError

bp = Blueprint("kb_admin", __name__, url_prefix="/staff/kb", template_folder="templates")


def _kind(kind: str) -> str:
    if kind not in knowledge.MODELS:
        abort(404)
    return kind


@bp.get("/")
@permission_required("edit")
def index():
    with services().sessions() as session:
        faq = knowledge.list_faq(session, published_only=False)
        policies = knowledge.list_policies(session, published_only=False)
    return render_template("kb/index.html", faq=faq, policies=policies)


def _form_values(kind: str, entry) -> dict:
    if entry is None:
        return {"published": True}
    return {name: getattr(entry, name) for name in knowledge.FIELDS[kind]}


def _version(raw: str | None) -> int | None:
    """The version the editor started from (a hidden field), for the lost-update check."""
    if not raw:
        return None
    if not raw.isascii() or not raw.isdecimal():
        raise InvalidParameter(N_("表单已损坏（版本号无效），请重新打开编辑页面。"),
                               field="version")
    return int(raw)


@bp.route("/<kind>/new", methods=["GET", "POST"], defaults={"code": None})
@bp.route("/<kind>/<code>/edit", methods=["GET", "POST"])
@permission_required("edit")
def edit(kind: str, code: str | None):
    kind = _kind(kind)
    error, field = None, None
    with services().sessions() as session:
        entry = knowledge.get(session, kind, code, public=False) if code else None
        values = _form_values(kind, entry)
        if request.method == "POST":
            values = request.form.to_dict()
            values["published"] = bool(request.form.get("published"))
            values["sample"] = bool(entry.sample) if entry is not None else False
            try:
                saved = knowledge.save(session, kind, values, current_user.username, code=code,
                                       expected_version=_version(request.form.get("version")))
                audit.record(session, current_user.username, f"kb_{kind}_saved",
                             code=saved.code, version=saved.version)
                session.commit()
                return redirect(url_for("kb_admin.history", kind=kind, code=saved.code))
            except XuequError as exc:
                session.rollback()
                error, field = error_message(exc), exc.field
        return render_template("kb/edit.html", kind=kind, code=code, entry=entry,
                               values=values, error=error, field=field), 400 if error else 200


@bp.get("/<kind>/<code>/history")
@permission_required("edit")
def history(kind: str, code: str):
    kind = _kind(kind)
    with services().sessions() as session:
        entry = knowledge.get(session, kind, code, public=False)
        revisions = knowledge.revisions(session, kind, code)
    return render_template("kb/history.html", kind=kind, entry=entry, revisions=revisions)


# A version beyond a database INTEGER is no version: 404, not an overflow in the driver.
@bp.post("/<kind>/<code>/restore/<int(max=2147483647):version>")
@permission_required("edit")
def restore(kind: str, code: str, version: int):
    kind = _kind(kind)
    with services().sessions.begin() as session:
        saved = knowledge.restore(session, kind, code, version, current_user.username)
        audit.record(session, current_user.username, f"kb_{kind}_restored", code=code,
                     from_version=version, version=saved.version)
    return redirect(url_for("kb_admin.history", kind=kind, code=code))
