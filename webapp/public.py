"""Public pages: the lookup form with a server-rendered answer (works without JavaScript)."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from webapp.api import logic
from webapp.i18n import current_lang, translate
from webapp.services import snapshot
from zones.errors import InvalidParameter, XuequError

bp = Blueprint("public", __name__)


@bp.app_context_processor
def page_context():
    try:
        current = snapshot()
    except XuequError:  # the page still renders, without data
        return {"sample_dataset": False, "zone_version": None, "lang": current_lang()}
    return {"sample_dataset": current.sample, "zone_version": current.zone_version,
            "lang": current_lang()}


@bp.route("/", methods=["GET", "POST"])
def index():
    form = request.form if request.method == "POST" else request.args
    answer, error = None, None
    if form.get("address") or form.get("lat"):
        try:
            answer = logic.lookup(snapshot(), {k: v for k, v in form.items() if v != ""},
                                  current_lang(), translate)
        except InvalidParameter as exc:
            error = translate(exc.message) % exc.params if exc.params else translate(
                exc.message)
    return render_template("index.html", answer=answer, error=error,
                           address=form.get("address", ""))
