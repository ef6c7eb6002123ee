"""A school's own page (/schools/<code>): its 划片范围 as published, its zone on the map,
its plan, the schools it feeds or is fed by, and its phone. Many families start from a
school, not an address."""
from __future__ import annotations

from flask import Blueprint, render_template

from webapp.i18n import translate
from admissions.answer import ALLOCATION_LABELS
from webapp.services import snapshot
from zones.errors import N_, NotFound

bp = Blueprint("schools", __name__, template_folder="templates")


def school_view(current, code: str) -> dict:
    school = current.schools.get(code)
    if school is None:
        raise NotFound(N_("没有找到这所学校，请从学区查询结果或地图中进入学校页面。"), field="code")
    zones = [z for z in current.zone_set.zones if code in z.school_codes]
    feeds = None
    if school.level == "primary" and school.feeds:
        feeds = current.schools.get(school.feeds)
    fed_by = sorted((s for s in current.schools.values()
                     if s.feeds == code and s.code != code), key=lambda s: s.code)
    return {"school": school, "zones": zones, "feeds": feeds, "fed_by": fed_by}


@bp.get("/schools/<code>")
def school_page(code: str):
    current = snapshot()
    return render_template("public/school.html", **school_view(current, code),
                           allocation_labels=ALLOCATION_LABELS, translate=translate)
