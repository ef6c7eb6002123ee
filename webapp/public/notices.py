"""Public notice (公示) pages of draft zone sets: the draft zones on a map, the impact in
counts only (no addresses), and a comment form (CSRF, honeypot, rate limit)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from webapp.extensions import limiter
from webapp.i18n import error_message, translate
from webapp.services import school_names, services
from zones import guardrails, storage, workflow
from zones.errors import N_, InvalidParameter, NotFound
from zones.exports import zones_collection

bp = Blueprint("notices", __name__, template_folder="templates")


@bp.get("/notices/")
def notice_list():
    with services().sessions() as session:
        rows = workflow.open_notices(session)
        labels = {r.zone_set_id: storage.load_zone_set(session, r.zone_set_id, False).label
                  for r in rows}
    return render_template("notices/list.html", notices=rows, labels=labels)


def _open(zone_set_id: str):
    with services().sessions() as session:
        row = workflow.notice(session, zone_set_id)
        zone_set = storage.load_zone_set(session, zone_set_id)
    return row, zone_set


@bp.get("/notices/<zone_set_id>/")
def notice(zone_set_id: str):
    try:
        row, zone_set = _open(zone_set_id)
    except NotFound:
        # A notice that has ended stays at its address and says what became of it.
        with services().sessions() as session:
            outcome = guardrails.outcome(session, zone_set_id)
        return render_template("notices/ended.html", zone_set_id=zone_set_id, outcome=outcome)
    return render_template("notices/notice.html", names=school_names(), notice=row,
                           zone_set=zone_set, error=None)


@bp.get("/notices/<zone_set_id>/zones.geojson")
def notice_zones(zone_set_id: str):
    _, zone_set = _open(zone_set_id)
    response = jsonify(zones_collection(zone_set.zones))
    response.mimetype = "application/geo+json"
    return response


@bp.post("/notices/<zone_set_id>/comments")
@limiter.limit("5 per minute;30 per day")
def comment(zone_set_id: str):
    if request.form.get("website"):  # the honeypot: people never see this field
        abort(400)
    try:
        workflow.add_comment(services().sessions, zone_set_id, request.form.get("body", ""),
                             request.form.get("name", ""), request.form.get("contact", ""))
    except InvalidParameter as error:
        row, zone_set = _open(zone_set_id)
        return render_template("notices/notice.html", names=school_names(), notice=row,
                               zone_set=zone_set,
                               error=error_message(error)), 400
    flash(translate(N_("感谢您的意见，我们已收到。")))
    return redirect(url_for(".notice", zone_set_id=zone_set_id))
