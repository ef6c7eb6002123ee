"""Eligibility for one family at one place: the answers, the zone they live in → category,
tier, reasons, documents, the 学位预警 effect, the dates that apply and what the family
cannot do. `POST /api/v1/eligibility` and the wizard page both call `eligibility`."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from admissions.answer import Translate, _identity
from admissions.content import localize
from admissions.service import Snapshot
from admissions.wizard import (AFTER_CUTOFF, BEFORE_CUTOFF, CUTOFF_UNKNOWN, Zone, assess,
                               checklist, parse_answers)
from gis.point import WGS84Point
from zones.errors import N_, InvalidParameter
from zones.model import AddressFacts

WARNING_TEXTS = {
    AFTER_CUTOFF: N_("%(school)s 的学位预警日期是 %(date)s，户籍在此之后迁入，"
                     "不能在该校入学，由教育局统筹安排。"),
    BEFORE_CUTOFF: N_("%(school)s 的学位预警日期是 %(date)s，"
                      "户籍在此之前（含当天）迁入，不受影响。"),
    CUTOFF_UNKNOWN: N_("%(school)s 的学位预警日期是 %(date)s，请填写户籍迁入日期再看结果。"),
    "none": N_("%(school)s 的学位预警日期是 %(date)s，只影响“两个一致”和“三代同堂”的家庭。"),
}
NO_WARNING_TEXT = N_("%(school)s 没有发布学位预警。")


def _zone_of(snapshot: Snapshot, zone, level: str) -> tuple[Zone, dict]:
    schools = [snapshot.schools[c] for c in zone.school_codes if c in snapshot.schools]
    warned = sorted((s for s in schools if s.warning_cutoff), key=lambda s: s.warning_cutoff)
    school = warned[0] if warned else (schools[0] if len(schools) == 1 else None)
    context = Zone(allocation=zone.allocation,
                   warning_cutoff=school.warning_cutoff if school else None,
                   school=school.name if school else None)
    return context, {"zone_id": zone.zone_id, "level": level, "allocation": zone.allocation,
                     "schools": [{"code": s.code, "name": s.name} for s in schools]}


def zone_by_id(snapshot: Snapshot, zone_id: str, level: str) -> tuple[Zone, dict]:
    zone = next((z for z in snapshot.zone_set.zones if z.zone_id == zone_id), None)
    if zone is None:
        raise InvalidParameter(N_("没有编号为 %(zone)s 的学区。"), field="zone_id",
                               zone=zone_id[:40])
    if zone.level != level:
        raise InvalidParameter(N_("这个学区不是所选学段的学区。"), field="zone_id")
    return _zone_of(snapshot, zone, level)


def zone_by_school(snapshot: Snapshot, code: str, level: str) -> tuple[Zone, dict | None]:
    """The wizard's school choice: the school's zone for the level, its warning date."""
    school = snapshot.schools.get(code)
    if school is None:
        return Zone(), None
    zone = next((z for z in snapshot.zone_set.zones
                 if z.level == level and code in z.school_codes), None)
    if zone is None:
        return Zone(warning_cutoff=school.warning_cutoff, school=school.name), None
    context, info = _zone_of(snapshot, zone, level)
    return Zone(context.allocation, school.warning_cutoff, school.name), info


def zone_at(snapshot: Snapshot, point: WGS84Point, level: str,
            facts: AddressFacts | None = None) -> tuple[Zone, dict | None]:
    """The zone at a point; near a boundary or outside any zone nothing is assumed."""
    result = snapshot.index.lookup(point, facts=facts, levels=(level,)).levels.get(level)
    if result is None or result.status != "assigned":
        return Zone(), {"status": result.status if result else "outside_district"}
    return _zone_of(snapshot, result.matches[0].zone, level)


def _warning(assessment, zone: Zone, translate: Translate) -> dict:
    if zone.school is None:
        return {"state": assessment.warning, "cutoff": None, "text": None}
    cutoff = zone.warning_cutoff.isoformat() if zone.warning_cutoff else None
    text = (translate(WARNING_TEXTS[assessment.warning]) if cutoff
            else translate(NO_WARNING_TEXT)) % {"school": zone.school, "date": cutoff}
    return {"state": assessment.warning, "cutoff": cutoff, "school": zone.school, "text": text}


def level_of(cycle: dict, raw: Mapping) -> str:
    level = raw.get("level") or "primary"
    question = next(q for q in cycle["questions"] if q["id"] == "level")
    if not isinstance(level, str) or level not in {c["value"] for c in question["choices"]}:
        raise InvalidParameter(N_("请选择一项。"), field="level")
    return level


def eligibility(cycle: dict, raw: Mapping, zone: Zone, *, today: dt.date, lang: str = "zh",
                translate: Translate = _identity, strict: bool = True,
                ignore: tuple[str, ...] = ()) -> dict:
    """The family's eligibility as JSON-ready data. `strict` refuses answers to questions
    that do not apply (the API); a form (not strict) drops them."""
    answers = parse_answers(cycle, raw, today, ignore=ignore, strict=strict)
    content = localize(cycle, lang)
    assessment = assess(content, answers, zone, today=today)
    items = checklist(assessment, cycle, lang, zone)
    category = items["category"]
    return {
        "level": assessment.level,
        "eligible": assessment.eligible,
        "category": category and {k: category.get(k) for k in ("id", "name", "who", "source")},
        "tier": items["tier"] and {k: items["tier"].get(k)
                                   for k in ("id", "name", "rank", "placement")},
        "tiers": items["tiers"],
        "reasons": [translate(r) for r in assessment.reasons],
        "documents": [{k: d.get(k) for k in ("name", "note")} for d in items["documents"]],
        "warning": _warning(assessment, zone, translate),
        "dates": [{k: s.get(k) for k in ("id", "title", "start", "end", "deadline", "source")}
                  | {"end": s.get("end") or s["start"]} for s in items["dates"]],
        "cannot": list(dict.fromkeys(assessment.cannot)),
        "groups": [{"id": g["id"], "name": g["name"]} for g in items["groups"]],
        "sources": assessment.sources,
    }
