"""The composed answer for a location: schools, allocation, plan, timeline, documents,
channels and what to do next. Produces the v1 JSON contract (docs/CONTRACT.md)."""
from __future__ import annotations

from collections.abc import Callable

from admissions.content import localize
from admissions.timeline import stages_for
from zones.errors import N_
from zones.index import LevelResult, PointResult
from zones.model import LEVELS, School

Translate = Callable[[str], str]

ALLOCATION_LABELS = {
    "direct": N_("对口入学"),
    "lottery": N_("多校划片，电脑随机派位"),
}
ALLOCATION_EXPLAINED = {
    "direct": N_("本学区对口一所学校，符合条件的适龄儿童直接入读该校。"),
    "lottery": N_("本学区对应多所学校。符合条件的儿童先登记，再由电脑随机派位决定入读哪一所；"
                  "派位全程有纪检人员和家长代表监督，并由公证机构公证。"),
}
NEXT_STEPS = {
    "boundary": N_("您的位置距离学区分界线不到 15 米，系统不替您判定，两个学区都列在下面。"
                   "请拨打招生咨询电话，以教育局审核结果为准。"),
    "unzoned": N_("这个位置在本区内，但没有划入任何学区，将由教育局统筹安排。请拨打招生咨询电话。"),
    "outside_district": N_("这个位置不在%(district)s。请咨询户籍或房产所在区的教育局。"),
    "address_not_found": N_("没有找到这个地址。请检查输入，改用小区名称，或在地图上点选位置。"),
    "address_ambiguous": N_("找到多个相近的地址，请从候选中选择您家的地址。"),
}
WARNING_TEXT = N_("学位预警：户籍在 %(date)s 之后迁入本学区的，由教育局统筹安排到其他学校。")
DISCLAIMER = N_("本结果仅供参考，入学资格以教育局和学校的审核结果为准。")


def _identity(text: str) -> str:
    return text


def school_summary(school: School, schools: dict[str, School], level: str,
                   translate: Translate = _identity) -> dict:
    summary = {"code": school.code, "name": school.name, "level": school.level,
               "address": school.address, "phone": school.phone, "lng": school.lng,
               "lat": school.lat, "plan": school.plan_for(level)}
    if level == "primary":
        feeder = school if school.level == "nine_year" else schools.get(school.feeds or "")
        summary["feeds"] = None if feeder is None else {"code": feeder.code,
                                                          "name": feeder.name}
    if school.warning_cutoff:
        summary["warning"] = {"cutoff": school.warning_cutoff.isoformat(),
                              "text": translate(WARNING_TEXT) % {
                                  "date": school.warning_cutoff.isoformat()}}
    return summary


def level_answer(result: LevelResult | None, schools: dict[str, School], level: str,
                 translate: Translate = _identity) -> dict:
    zones = []
    for match in (result.matches if result else ()):
        zone = match.zone
        zones.append({
            "zone_id": zone.zone_id, "allocation": zone.allocation,
            "allocation_label": translate(ALLOCATION_LABELS[zone.allocation]),
            "allocation_explained": translate(ALLOCATION_EXPLAINED[zone.allocation]),
            "description": zone.description, "matched_by": match.matched_by,
            "distance_m": round(match.distance_m, 1),
            "schools": [school_summary(schools[c], schools, level, translate)
                        for c in zone.school_codes if c in schools]})
    return {"status": result.status if result else None, "zones": zones}


def _single_allocation(level_block: dict) -> str | None:
    """The zone's allocation when the location has one zone (or all agree), else None."""
    kinds = {z["allocation"] for z in level_block["zones"]}
    return kinds.pop() if len(kinds) == 1 else None


def level_timelines(content: dict, answer: dict) -> dict[str, list[dict]]:
    """Per level found at the location, only its steps for its zone's allocation: no
    lottery step for a direct zone."""
    return {level: stages_for(content["timeline"], level,
                              allocation=_single_allocation(answer[level]))
            for level in LEVELS if answer[level]["zones"]}


def feeder_rule(content: dict, school: dict, middle: dict) -> dict | None:
    """Which rule decides the middle school of a primary school's pupils at this address,
    when the school names a feeder: the cycle's `feeder_rules` texts."""
    rules, feeder = content.get("feeder_rules"), school.get("feeds")
    if not rules or not feeder:
        return None
    middle_schools = [s for z in middle["zones"] for s in z["schools"]]
    names = "、".join(s["name"] for s in middle_schools)
    if feeder["code"] == school["code"]:
        key = "nine_year"
    elif any(z["allocation"] == "lottery" for z in middle["zones"]):
        key = "lottery"
    elif middle_schools and feeder["code"] not in {s["code"] for s in middle_schools}:
        key = "differs"
    elif middle_schools:
        key = "same"
    else:
        return None
    return {"rule": key, "text": rules[key] % {"feeder": feeder["name"], "middle": names},
            "source": rules.get("source")}


def admission_block(cycle: dict | None, assigned: list[School], lang: str,
                    translate: Translate = _identity) -> dict:
    if cycle is None:
        return {}
    content = localize(cycle, lang)
    school_channels = [{"id": f"school:{s.code}", "kind": "phone",
                        "name": s.name, "phone": s.phone,
                        "note": translate(N_("学校招生咨询"))} for s in assigned if s.phone]
    return {"year": content["year"], "notice": content.get("notice"),
            "age_rule": content.get("age_rule"), "levels": content.get("levels"),
            "timeline": content["timeline"], "categories": content["categories"],
            "documents": content["documents"], "warning_rule": content.get("warning_rule"),
            "channels": content["channels"] + school_channels,
            "disclaimer": translate(DISCLAIMER)}


def compose(*, status: str, location: dict | None, point: PointResult | None,
            schools: dict[str, School], cycle: dict | None, zone_version: dict,
            sample: bool, district_name: str, lang: str = "zh",
            candidates: list[dict] | None = None,
            translate: Translate = _identity) -> dict:
    levels = point.levels if point else {}
    answer: dict = {"status": status, "location": location}
    if candidates is not None:
        answer["candidates"] = candidates
    answer["zone_version"] = zone_version
    assigned: dict[str, School] = {}
    for level in LEVELS:
        answer[level] = level_answer(levels.get(level), schools, level, translate)
        for zone in answer[level]["zones"]:
            for school in zone["schools"]:
                assigned[school["code"]] = schools[school["code"]]
    answer["admission"] = admission_block(cycle, list(assigned.values()), lang, translate)
    if cycle is not None:
        content = localize(cycle, lang)
        answer["admission"]["timelines"] = level_timelines(content, answer)
        for zone in answer["primary"]["zones"]:
            for school in zone["schools"]:
                school["feeds_rule"] = feeder_rule(content, school, answer["middle"])
    answer["next_steps"] = translate(NEXT_STEPS[status]) % {"district": district_name} \
        if status in NEXT_STEPS else None
    answer["dataset"] = {"sample": sample}
    return answer


# The lean answer (`fields=zones`) for programs that need only the zones and schools' codes.
LEAN_KEYS = ("status", "location", "candidates", "suggestions", "other_district",
             "zone_version", "dataset")
LEAN_ZONE_KEYS = ("zone_id", "allocation", "matched_by", "distance_m")


def zones_only(answer: dict) -> dict:
    lean = {key: answer[key] for key in LEAN_KEYS if key in answer}
    for level in LEVELS:
        lean[level] = {"status": answer[level]["status"], "zones": [
            {**{key: zone[key] for key in LEAN_ZONE_KEYS},
             "school_codes": [school["code"] for school in zone["schools"]]}
            for zone in answer[level]["zones"]]}
    return lean
