"""Staff pages for zone sets: upload → field mapping → validation report → save draft,
versions, impact, notice, schedule, publish, rollback, downloads, comments, audit log.
Thin: the work is in zones.intake / zones.workflow, shared with the CLI."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask import (Blueprint, Response, abort, flash, jsonify, redirect, render_template,
                   request, url_for)
from flask_login import current_user

from gis.vector_io import EXTENSIONS
from gis.spreadsheet import csv_text
from store.clock import to_beijing
from webapp.auth.permissions import permission_required
from webapp.i18n import error_message, translate
from webapp.services import school_names, services, settings
from webapp.staff import audit_words
from zones import audit, guardrails, intake, jobs, storage, uploads, workflow
from zones.errors import N_, Conflict, InvalidParameter, XuequError
from zones.exports import comments_csv, findings_collection, zones_collection
from zones.job_tables import ValidationJobRow
from zones.mapping import TARGETS, FieldMapping, guess_mapping
from zones.model import ZONE_SET_STATUS_LABELS

bp = Blueprint("staff_zones", __name__, url_prefix="/staff/zones",
               template_folder="templates")
OPTIONS = ("layer", "encoding", "crs")


def _actor() -> str:
    return current_user.username


def _uploads() -> Path:
    return Path(settings().instance_path) / "uploads"


def _upload(token: str) -> uploads.StoredUpload:
    stored = uploads.find(_uploads(), token)
    if stored is None:
        abort(404)
    return stored


def _load(zone_set_id: str, with_zones: bool = True):
    with services().sessions() as session:
        return storage.load_zone_set(session, zone_set_id, with_zones)


@bp.get("/")
@permission_required("edit")
def versions():
    with services().sessions() as session:
        rows = storage.list_zone_sets(session)
    return render_template("staff/zones_list.html", versions=rows,
                           accept=",".join(sorted(EXTENSIONS)))


@bp.post("/upload")
@permission_required("edit")
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        flash(translate(N_("请选择要上传的文件。")))
        return redirect(url_for(".versions"))
    stored = uploads.store(_uploads(), file.filename, file.save, _actor())
    with services().sessions.begin() as session:
        audit.record(session, _actor(), "zone_file_received", file_sha256=stored.meta["sha256"],
                     filename=stored.meta["filename"])
    return redirect(url_for(".mapping", token=stored.token))


def _read(token: str, values):
    stored = _upload(token)
    upload = intake.read(stored.path, stored.meta["filename"],
                         layer=values.get("layer"), encoding=values.get("encoding"),
                         declared_crs=values.get("crs"),
                         max_bytes=settings().max_upload_bytes)
    return stored.meta, upload


@bp.route("/upload/<token>", methods=["GET", "POST"])
@permission_required("edit")
def mapping(token: str):
    """The mapping form; submitted, it starts a check in the background (zones.jobs) and
    sends staff to the check's own page."""
    values = request.form if request.method == "POST" else request.args
    options = {k: values.get(k, "") for k in OPTIONS}
    context = {"token": token, "options": options, "targets": TARGETS}
    try:
        meta, upload = _read(token, values)
    except intake.UploadRefused as error:
        meta = _upload(token).meta
        return render_template("staff/zones_upload.html", meta=meta, upload=None,
                               error=error_message(error), error_field=error.field, **context), 422
    # Another encoding may change the column names themselves: guess again on a re-read.
    reread = request.method == "GET" or values.get("action") == "reread"
    chosen = guess_mapping(upload.columns) if reread else {t: values.get(t) for t in TARGETS}
    chosen["level_value"] = values.get("level_value", "")
    context.update(meta=meta, upload=upload, mapping=chosen, error=None)
    if reread:
        return render_template("staff/zones_upload.html", **context)
    try:
        FieldMapping.from_dict(chosen, upload.columns)  # a missing choice is named at once
    except InvalidParameter as error:
        if values.get("format") == "json":
            raise
        # The form comes back as it was sent, with the field that needs a choice marked.
        context.update(error=error_message(error), error_field=error.field)
        return render_template("staff/zones_upload.html", **context), 400
    job_id = jobs.start(services().sessions, token, _actor(), jobs.JobInputs(
        path=_upload(token).path, filename=meta["filename"], options=options, mapping=chosen,
        fix=bool(values.get("repair")), limit_s=settings().validation_seconds,
        max_moved_share=settings().max_moved_share, max_bytes=settings().max_upload_bytes))
    if values.get("format") == "json":
        return jsonify(_status(_job(job_id))), 202
    return redirect(url_for(".check", job_id=job_id), 303)


def _job(job_id: str) -> ValidationJobRow:
    row = jobs.get(services().sessions, job_id)
    if row is None:
        abort(404)
    return row


def _status(row: ValidationJobRow) -> dict:
    """What the progress bar and scripts read: state, percent, step, and when finished the
    message or the report."""
    data = {"job": row.id, "state": row.state, "progress": row.progress,
            "step": translate(row.step) if row.step else "", "started_by": row.created_by,
            "finished": row.state in jobs.FINISHED,
            "status_url": url_for(".check_status", job_id=row.id),
            "result_url": url_for(".check", job_id=row.id),
            "mapping_url": url_for(".mapping", token=row.upload_token, **row.inputs["options"])}
    if row.message:
        data["message"] = translate(row.message) % (row.message_params or {})
    if row.result:
        data.update(sha256=row.result["sha256"], source_crs=row.result["source_crs"],
                    report=jobs.report_of(row).to_dict(translate))
    return data


@bp.get("/checks/<job_id>/status.json")
@permission_required("edit")
def check_status(job_id: str):
    return jsonify(_status(_job(job_id)))


@bp.route("/checks/<job_id>/", methods=["GET", "POST"])
@permission_required("edit")
def check(job_id: str):
    """A check's page: its progress while it runs, then its report and the form that saves
    the draft. Its own URL, to come back to."""
    row = _job(job_id)
    status = _status(row)
    context = {"job": row, "status": status, "error": None, "error_field": None,
               "meta": _upload(row.upload_token).meta}
    if row.state != "done":
        return render_template("staff/zone_check.html", **context)
    report = jobs.report_of(row)
    if request.method == "POST" and request.form.get("action") == "save" \
            and (report.ok or report.needs_acceptance):
        try:
            return _save_draft(request.form, row, report)
        except (InvalidParameter, Conflict) as error:
            field = "zone_set_id" if error.field == "id" else error.field  # storage's name
            context.update(error=error_message(error), error_field=field)
    with services().sessions() as session:
        zones = jobs.checked_zones(session, job_id)
    findings = status["report"]
    context.update(report=report, findings=findings, may_accept=current_user.can("publish"),
                   zones_geojson=zones_collection(zones, tolerance_deg=1e-5),
                   findings_geojson=findings_collection(findings["findings"]))
    return render_template("staff/zone_check.html", **context), 400 if context["error"] else 200


def _accept_reason(values, report) -> str | None:
    """The reason a publisher gives for accepting blocking changes; editors cannot."""
    if not report.needs_acceptance:
        return None
    if not current_user.can("publish"):
        raise InvalidParameter(N_("这些变化只有发布人员可以接受，请联系发布人员上传。"),
                               field="accept_reason")
    return values.get("accept_reason", "")


def _save_draft(values, row: ValidationJobRow, report):
    sha256 = row.result["sha256"]
    zone_set_id = values.get("zone_set_id") or workflow.new_version_id(
        sha256, services().clock.today())
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", zone_set_id):
        raise InvalidParameter(N_("版本编号只能包含字母、数字、下划线、点和短横线。"),
                               field="zone_set_id")
    effective_from = _date(values.get("effective_from"), "effective_from")
    accept_reason = _accept_reason(values, report)
    with services().sessions() as session:
        if storage.published_zone_set_id(session) != row.against:
            # The file was completed from, and compared with, another published version.
            raise Conflict(N_("校验之后发布了新的版本，请重新校验这个文件。"), field="zone_set_id")
        zones = jobs.checked_zones(session, row.id)
    workflow.save_draft(services().sessions, zones, report, zone_set_id=zone_set_id,
                        actor=_actor(), sha256=sha256,
                        label=values.get("label", "")[:200], effective_from=effective_from,
                        source={"filename": row.inputs.get("filename") or "",
                                "crs": row.result["source_crs"], "via": "web"},
                        accept_reason=accept_reason)
    return redirect(url_for(".version", zone_set_id=zone_set_id))


@bp.get("/<zone_set_id>/")
@permission_required("edit")
def version(zone_set_id: str):
    zone_set = _load(zone_set_id, with_zones=False)
    with services().sessions() as session:
        current = storage.published_zone_set_id(session)
        count = len(workflow.comments(session, zone_set_id))
        took_effect = guardrails.took_effect(session, zone_set_id)
    return render_template("staff/zone_version.html", zone_set=zone_set, current=current,
                           comment_count=count, earliest_close=_earliest_close(),
                           took_effect=took_effect)


@bp.get("/<zone_set_id>/zones.geojson")
@permission_required("edit")
def zones_geojson(zone_set_id: str):
    return jsonify(zones_collection(_load(zone_set_id).zones))


@bp.get("/<zone_set_id>/download.<fmt>")
@permission_required("edit")
def download(zone_set_id: str, fmt: str):
    data = workflow.export(_load(zone_set_id), fmt)
    mimetype = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3"}
    return Response(data, mimetype=mimetype[fmt], headers={
        "Content-Disposition": f"attachment; filename={zone_set_id}.{fmt}"})


def _impact(zone_set_id: str):
    try:
        published = services().published.get().index
    except XuequError:
        published = None
    return workflow.impact_of(services().sessions, zone_set_id, published_index=published)


@bp.get("/<zone_set_id>/impact")
@permission_required("edit")
def impact(zone_set_id: str):
    result = _impact(zone_set_id)
    data = result.to_dict()
    biggest = max([abs(r["delta"]) for r in data["per_school"]] or [1])
    return render_template("staff/zone_impact.html", zone_set_id=zone_set_id, impact=data,
                           biggest=biggest, regions=result.regions_geojson(),
                           names=school_names())


@bp.get("/<zone_set_id>/impact.json")
@permission_required("edit")
def impact_json(zone_set_id: str):
    return jsonify(_impact(zone_set_id).to_dict())


@bp.get("/<zone_set_id>/impact.csv")
@permission_required("edit")
def impact_csv(zone_set_id: str):
    return Response(_impact(zone_set_id).csv(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={zone_set_id}-impact.csv"})


def _date(value: str | None, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidParameter(N_("日期格式应为 YYYY-MM-DD。"), field=field) from None


def _done(message: str, zone_set_id: str):
    flash(message)
    return redirect(url_for(".version", zone_set_id=zone_set_id))


def _earliest_close() -> dt.date:
    return workflow.earliest_close(services().clock.today(),
                                   settings().notice_min_working_days)


@bp.post("/<zone_set_id>/notice")
@permission_required("publish")
def put_on_notice(zone_set_id: str):
    workflow.put_on_notice(services().sessions, zone_set_id, _actor(),
                           _date(request.form.get("closes_on"), "closes_on"),
                           not_before=_earliest_close())
    return _done(translate(N_("已进入公示。")), zone_set_id)


@bp.post("/<zone_set_id>/schedule")
@permission_required("publish")
def schedule(zone_set_id: str):
    effective = _date(request.form.get("effective_from"), "effective_from")
    if effective is None:
        raise InvalidParameter(N_("请填写生效日期。"), field="effective_from")
    workflow.schedule(services().sessions, zone_set_id, effective, _actor())
    return _done(translate(N_("已安排在生效日期发布。")), zone_set_id)


def _confirm_page(kind: str, zone_set_id: str, against: str | None, status: int = 200,
                  error: str | None = None):
    """What publishing (or rolling back to) `zone_set_id` will change, and the form that
    confirms it: nothing happens without this explicit second step."""
    with services().sessions() as session:
        current = storage.published_zone_set_id(session)
        found = guardrails.blockers(session, zone_set_id, services().clock.today()) \
            if kind == "publish" else []
    summary = workflow.impact_of(services().sessions, zone_set_id,
                                 against=against or current).summary() if (against or current) \
        else None
    return render_template("staff/zone_confirm.html", kind=kind, zone_set_id=zone_set_id,
                           current=current, summary=summary, error=error,
                           blockers=[translate(b.message) % b.values for b in found],
                           reason=request.form.get("override_reason", "")), status


@bp.route("/<zone_set_id>/publish", methods=["GET", "POST"])
@permission_required("publish")
def publish(zone_set_id: str):
    status = _load(zone_set_id, with_zones=False).status  # 404 for an unknown version
    if status not in workflow.ALLOWED_FROM["published"]:
        raise Conflict(N_("版本 %(id)s 当前状态是“%(status)s”，需先公示才能发布。"),
                       field="status", id=zone_set_id, status=ZONE_SET_STATUS_LABELS[status])
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return _confirm_page("publish", zone_set_id, None)
    try:
        workflow.publish(services().sessions, zone_set_id, _actor(),
                         expected_current=request.form.get("expected_current") or None,
                         today=services().clock.today(),
                         override_reason=request.form.get("override_reason"))
    except InvalidParameter as error:
        return _confirm_page("publish", zone_set_id, None, 400, error_message(error))
    services().published.invalidate()
    return _done(translate(N_("已发布。")), zone_set_id)


@bp.route("/rollback", methods=["GET", "POST"])
@permission_required("publish")
def rollback():
    with services().sessions() as session:
        previous = workflow.previous_published(session)
    if previous is None:
        raise Conflict(N_("没有可以回滚到的上一个版本。"))
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return _confirm_page("rollback", previous, None)
    restored = workflow.rollback(services().sessions, _actor(),
                                 expected_current=request.form.get("expected_current") or None)
    services().published.invalidate()
    return _done(translate(N_("已回滚到上一个版本。")), restored)


@bp.get("/<zone_set_id>/comments")
@permission_required("edit")
def comments(zone_set_id: str):
    with services().sessions() as session:
        rows = workflow.comments(session, zone_set_id)
        answered = guardrails.answered_ids(session, zone_set_id)
    if request.args.get("format") == "csv":
        return Response(comments_csv(rows), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={zone_set_id}-comments.csv"})
    return render_template("staff/zone_comments.html", zone_set_id=zone_set_id, comments=rows,
                           answered=answered)


@bp.post("/<zone_set_id>/comments/<int:comment_id>/answered")
@permission_required("edit")
def comment_answered(zone_set_id: str, comment_id: int):
    guardrails.mark_answered(services().sessions, zone_set_id, comment_id, _actor())
    flash(translate(N_("已标记为已处理。")))
    return redirect(url_for(".comments", zone_set_id=zone_set_id))


@bp.get("/audit")
@permission_required("edit")
def audit_log():
    actor = request.args.get("actor", "").strip()[:64] or None
    action = request.args.get("action", "").strip()[:64] or None
    since = _date(request.args.get("since"), "since")
    until = _date(request.args.get("until"), "until")
    with services().sessions() as session:
        rows = audit.entries(session, actor=actor, action=action,
                             since=dt.datetime.combine(since, dt.time()) if since else None,
                             # 9999-12-31 has no next day: it means no end at all
                             until=dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
                             if until and until < dt.date.max else None)
    if request.args.get("format") == "csv":
        header = [translate(h) for h in (N_("时间（北京时间）"), N_("操作人"), N_("操作"),
                                          N_("版本"), N_("详情"))]
        body = [(to_beijing(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor,
                 audit_words.action_label(e.action), e.zone_set_id or "",
                 "；".join(f"{k}：{v}" for k, v in audit_words.detail_fields(e.detail)))
                for e in rows]
        return Response(csv_text(header, body), mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=audit-log.csv"})
    return render_template("staff/audit.html", entries=rows, args=request.args,
                           words=audit_words, actions=audit_words.actions())
