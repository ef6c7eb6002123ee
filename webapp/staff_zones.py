"""Staff pages for zone sets: upload → field mapping → validation report → save draft,
versions, impact, notice, schedule, publish, rollback, downloads, comments, audit log.
Thin: the work is in zones.intake / zones.workflow, shared with the CLI."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
import uuid
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect,
                   render_template, request, url_for)
from flask_login import current_user
from werkzeug.utils import secure_filename

from gis.geojson import feature, feature_collection
from gis.vector_io import EXTENSIONS, sha256_of
from webapp.auth import add_staff_link, permission_required
from webapp.i18n import error_message, translate
from webapp.services import services
from zones import audit, intake, storage, workflow
from zones.errors import N_, InvalidParameter, XuequError
from zones.model import ZONE_SET_STATUS_LABELS
from zones.mapping import TARGETS, guess_mapping

bp = Blueprint("staff_zones", __name__, url_prefix="/staff/zones")
TOKEN = re.compile(r"[0-9a-f]{32}")
OPTIONS = ("layer", "encoding", "crs")




def _actor() -> str:
    return current_user.username


def _upload_dir(token: str) -> Path:
    if not TOKEN.fullmatch(token):
        abort(404)
    path = Path(current_app.instance_path) / "uploads" / token
    if not (path / "meta.json").exists():
        abort(404)
    return path


UPLOAD_KEEP_SECONDS = 24 * 3600


def _forget_old_uploads(uploads: Path) -> None:
    """Uploaded files are needed only while staff map and check them; the draft, once saved,
    lives in the database and the audit log keeps the file's SHA-256. Older ones go."""
    cutoff = time.time() - UPLOAD_KEEP_SECONDS
    for directory in uploads.glob("*"):
        if TOKEN.fullmatch(directory.name) and directory.stat().st_mtime < cutoff:
            shutil.rmtree(directory, ignore_errors=True)


def _zones_geojson(zone_set) -> dict:
    return feature_collection(feature(z.geometry, {
        "zone_id": z.zone_id, "level": z.level, "school_codes": list(z.school_codes),
        "allocation": z.allocation, "description": z.description}) for z in zone_set.zones)


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
    token = uuid.uuid4().hex
    uploads = Path(current_app.instance_path) / "uploads"
    _forget_old_uploads(uploads)
    directory = uploads / token
    directory.mkdir(parents=True)
    name = secure_filename(file.filename) or "upload"
    suffix = Path(file.filename).suffix.lower()
    stored = directory / ("upload" + (suffix if suffix in EXTENSIONS else ".bin"))
    file.save(stored)
    sha = sha256_of(stored)
    meta = {"filename": file.filename[:120], "stored": stored.name, "sha256": sha,
            "by": _actor(), "safe_name": name}
    (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    with services().sessions.begin() as session:
        audit.record(session, _actor(), "zone_file_received", file_sha256=sha,
                     filename=meta["filename"])
    return redirect(url_for(".mapping", token=token))


def _read(token: str, values):
    directory = _upload_dir(token)
    meta = json.loads((directory / "meta.json").read_text())
    upload = intake.read(directory / meta["stored"], meta["filename"],
                         layer=values.get("layer"), encoding=values.get("encoding"),
                         declared_crs=values.get("crs"),
                         max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"))
    return meta, upload


@bp.route("/upload/<token>", methods=["GET", "POST"])
@permission_required("edit")
def mapping(token: str):
    values = request.form if request.method == "POST" else request.args
    options = {k: values.get(k, "") for k in OPTIONS}
    context = {"token": token, "options": options, "targets": TARGETS, "report": None}
    try:
        meta, upload = _read(token, values)
    except intake.UploadRefused as error:
        meta = json.loads((_upload_dir(token) / "meta.json").read_text())
        return render_template("staff/zones_upload.html", meta=meta, upload=None,
                               error=error_message(error), error_field=error.field, **context), 422
    chosen = {t: values.get(t) for t in TARGETS} if request.method == "POST" \
        else guess_mapping(upload.columns)
    chosen["level_value"] = values.get("level_value", "")
    context.update(meta=meta, upload=upload, mapping=chosen, error=None)
    if request.method == "GET":
        return render_template("staff/zones_upload.html", **context)
    with services().sessions() as session:
        reference = workflow.reference_data(session)
    zones, report = intake.check(upload, chosen, reference, fix=bool(values.get("repair")),
                                 time_limit_s=current_app.config["VALIDATION_TIME_LIMIT"])
    if values.get("format") == "json":
        return jsonify({"sha256": meta["sha256"], "source_crs": upload.source_crs,
                        "report": report.to_dict(translate)})
    if values.get("action") == "save" and report.ok:
        zone_set_id = values.get("zone_set_id") or workflow.new_version_id(meta["sha256"])
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", zone_set_id):
            raise InvalidParameter(N_("版本编号只能包含字母、数字、下划线、点和短横线。"),
                                   field="zone_set_id")
        workflow.save_draft(services().sessions, zones, report, zone_set_id=zone_set_id,
                            actor=_actor(), sha256=meta["sha256"],
                            label=values.get("label", "")[:200],
                            effective_from=_date(values.get("effective_from"), "effective_from"),
                            source={"filename": meta["filename"], "crs": upload.source_crs,
                                    "via": "web"})
        return redirect(url_for(".version", zone_set_id=zone_set_id))
    findings = report.to_dict(translate)
    context.update(report=report, findings=findings,
                   findings_geojson=feature_collection(
                       {"type": "Feature", "geometry": f.get("geometry") or (
                           {"type": "Point", "coordinates": [f["lng"], f["lat"]]}
                           if f["lng"] is not None else None),
                        "properties": {"label": f["message"], "severity": f["severity"]}}
                       for f in findings["findings"] if f.get("geometry") or f["lng"]))
    return render_template("staff/zones_upload.html", **context)


@bp.get("/<zone_set_id>/")
@permission_required("edit")
def version(zone_set_id: str):
    zone_set = _load(zone_set_id, with_zones=False)
    with services().sessions() as session:
        current = storage.published_zone_set_id(session)
        count = len(workflow.comments(session, zone_set_id))
    return render_template("staff/zone_version.html", zone_set=zone_set, current=current,
                           comment_count=count)


@bp.get("/<zone_set_id>/zones.geojson")
@permission_required("edit")
def zones_geojson(zone_set_id: str):
    return jsonify(_zones_geojson(_load(zone_set_id)))


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
                           biggest=biggest, regions=result.regions_geojson())


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


@bp.post("/<zone_set_id>/notice")
@permission_required("publish")
def put_on_notice(zone_set_id: str):
    workflow.put_on_notice(services().sessions, zone_set_id, _actor(),
                           _date(request.form.get("closes_on"), "closes_on"))
    return _done(translate(N_("已进入公示。")), zone_set_id)


@bp.post("/<zone_set_id>/schedule")
@permission_required("publish")
def schedule(zone_set_id: str):
    effective = _date(request.form.get("effective_from"), "effective_from")
    if effective is None:
        raise InvalidParameter(N_("请填写生效日期。"), field="effective_from")
    workflow.schedule(services().sessions, zone_set_id, effective, _actor())
    return _done(translate(N_("已安排在生效日期发布。")), zone_set_id)


@bp.post("/<zone_set_id>/publish")
@permission_required("publish")
def publish(zone_set_id: str):
    workflow.publish(services().sessions, zone_set_id, _actor(),
                     expected_current=request.form.get("expected_current") or None)
    services().published.invalidate()
    return _done(translate(N_("已发布。")), zone_set_id)


@bp.post("/rollback")
@permission_required("publish")
def rollback():
    restored = workflow.rollback(services().sessions, _actor(),
                                 expected_current=request.form.get("expected_current") or None)
    services().published.invalidate()
    return _done(translate(N_("已回滚到上一个版本。")), restored)


@bp.get("/<zone_set_id>/comments")
@permission_required("edit")
def comments(zone_set_id: str):
    with services().sessions() as session:
        rows = workflow.comments(session, zone_set_id)
    if request.args.get("format") == "csv":
        import csv
        import io
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "at", "name", "contact", "body"])
        writer.writerows([r.id, r.at.isoformat(timespec="seconds"), r.name, r.contact, r.body]
                         for r in rows)
        return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={zone_set_id}-comments.csv"})
    return render_template("staff/zone_comments.html", zone_set_id=zone_set_id, comments=rows)


@bp.get("/audit")
@permission_required("edit")
def audit_log():
    actor = request.args.get("actor", "").strip()[:64] or None
    since = _date(request.args.get("since"), "since")
    until = _date(request.args.get("until"), "until")
    with services().sessions() as session:
        rows = audit.entries(session, actor=actor,
                             since=dt.datetime.combine(since, dt.time()) if since else None,
                             # 9999-12-31 has no next day: it means no end at all
                             until=dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
                             if until and until < dt.date.max else None)
    return render_template("staff/audit.html", entries=rows, args=request.args)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["zone_status"] = lambda status: translate(
        ZONE_SET_STATUS_LABELS.get(status, status))
    add_staff_link(app, "edit", "staff_zones.versions", N_("学区版本：上传、校验、公示、发布"))
    add_staff_link(app, "edit", "staff_zones.audit_log", N_("操作日志"))
