"""Families look up their admission result; staff import results (dry run first) and check
a cycle document before it is loaded."""
from __future__ import annotations

from pathlib import Path

import yaml
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from admissions import cycle_schema, results
from admissions.content import localize
from webapp.auth.permissions import permission_required
from webapp.enrolment.limits import limit_result_lookups
from webapp.i18n import current_lang, error_message, translate
from webapp.services import services, settings, snapshot
from zones import audit, uploads
from zones.errors import N_, InvalidData, NotFound, XuequError

bp = Blueprint("enrolment", __name__, template_folder="templates")


def _kinds() -> list[dict]:
    cycle = snapshot().cycle or {}
    return results.result_kinds(localize(cycle, current_lang()))


def _labels() -> dict[str, str]:
    """The platform's 结果 text → result id (in Chinese, as the platform writes it)."""
    return {k["label"]: k["id"] for k in results.result_kinds(snapshot().cycle or {})}


@bp.route("/results", methods=["GET", "POST"])
@limit_result_lookups
def lookup():
    view, error = None, None
    if request.method == "POST":
        try:
            with services().sessions() as session:
                row = results.lookup(session, request.form.get("registration_no", ""),
                                     request.form.get("id_last4", ""),
                                     now=services().clock.now_utc(),
                                     retention_days=settings().result_retention_days)
                view = results.public_view(row, _kinds())
        except NotFound as exc:
            error = error_message(exc)
    return render_template("enrolment/lookup.html", view=view, error=error,
                           registration_no=request.form.get("registration_no", "")[:32]), \
        404 if error else 200


def _uploads() -> Path:
    return Path(settings().instance_path) / "uploads"


def _report(data: bytes):
    return results.parse(data, _labels())


@bp.route("/staff/results", methods=["GET", "POST"])
@permission_required("publish")
def staff_import():
    """Step 1, the dry run: the file is checked row by row and kept for step 2."""
    report, error, token, year = None, None, None, (snapshot().cycle or {}).get("year")
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise InvalidData(N_("请选择要导入的结果文件。"))
            stored = uploads.store(_uploads(), upload.filename, upload.save,
                                   current_user.username)
            report = _report(stored.path.read_bytes())
            token = stored.token if report.ok else None
        except XuequError as exc:
            error = error_message(exc)
    rows = report and [{"row": e.row, "column": e.column,
                        "text": translate(e.message) % e.params} for e in report.errors]
    return render_template("enrolment/staff_import.html", report=report, error=error,
                           row_errors=rows, token=token, year=year, done=None, kinds=_kinds())


@bp.post("/staff/results/commit")
@permission_required("publish")
def staff_commit():
    """Step 2: the same file, checked again, replaces the year's results in one go."""
    stored = uploads.find(_uploads(), request.form.get("token", ""))
    if stored is None:
        abort(404)
    year = (snapshot().cycle or {}).get("year")
    error, done = None, None
    try:
        report = _report(stored.path.read_bytes())
        with services().sessions.begin() as session:
            done = results.replace_year(session, year, report, services().clock.now_utc())
            audit.record(session, current_user.username, "results_imported", year=year,
                         rows=done, file_sha256=stored.meta["sha256"])
    except XuequError as exc:
        error = error_message(exc)
    return render_template("enrolment/staff_import.html", report=None, error=error,
                           token=None, year=year, done=done, kinds=_kinds())


@bp.route("/staff/cycle-check", methods=["GET", "POST"])
@permission_required("edit")
def cycle_check():
    """The staff's "validate the cycle": every problem of an uploaded document, located."""
    problems, error, checked = None, None, None
    if request.method == "POST":
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise InvalidData(N_("请选择招生规则文件（.yaml）。"))
            doc = yaml.safe_load(upload.read(1024 * 1024 + 1).decode("utf-8"))
            problems = [{"path": p.path, "text": translate(p.message) % p.params}
                        for p in cycle_schema.check(doc)]
            checked = upload.filename
        except (UnicodeDecodeError, yaml.YAMLError):
            error = translate(N_("文件不是 UTF-8 编码的 YAML，无法读取。"))
        except XuequError as exc:
            error = error_message(exc)
    return render_template("enrolment/cycle_check.html", problems=problems, error=error,
                           checked=checked)
