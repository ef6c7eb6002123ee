"""The printable answer (/print?address=… or ?lat=…&lng=…): one A4 page with the schools,
the date in 北京时间, the zone version and a QR code of the answer's link, drawn on the
server (segno, offline) so the printout leads back to the live answer."""
from __future__ import annotations

import io

import segno
from flask import Blueprint, render_template, request
from markupsafe import Markup

from webapp.public.views import answer_context, lookup, today

bp = Blueprint("printing", __name__, template_folder="templates")


def qr_svg(url: str) -> Markup:
    """The link as an inline SVG QR code (no script, no request, prints sharply)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=3, border=2, xmldecl=False,
                                    svgns=True, title=None, svgclass="qr")
    return Markup(buffer.getvalue().decode("utf-8"))


@bp.get("/print")
def print_answer():
    answer, error = lookup(request.args)
    context = answer_context(answer, request.args)
    qr = qr_svg(context["share_url"]) if context.get("share_url") else None
    return render_template("public/print.html", error=error, qr=qr, printed_on=today(),
                           **context), 400 if error else 200
