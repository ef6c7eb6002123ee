"""The hotline's read-aloud answer: short, complete Chinese sentences composed from a v1
answer (admissions.answer.compose), for an operator to read to a caller. Pure function."""
from __future__ import annotations

import datetime as dt

from admissions.answer import Translate, _identity
from zones.errors import N_

LIST_SEPARATOR = "、"
DOCUMENTS_READ = 4  # the first few documents; the operator offers the full list


def spoken_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.month}月{day.day}日"


def spoken_range(start: str, end: str | None) -> str:
    if not end or end == start:
        return spoken_date(start)
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if first.month == last.month:
        return f"{first.month}月{first.day}日至{last.day}日"
    return f"{spoken_date(start)}至{spoken_date(end)}"


def _names(zone: dict) -> str:
    return LIST_SEPARATOR.join(s["name"] for s in zone["schools"])


def _primary_sentence(zones: list[dict], t: Translate) -> str:
    if len(zones) > 1:
        return t(N_("您家在%(a)s和%(b)s两个学区的分界线附近，系统不作判定，需要由教育局核定")) % {
            "a": _names(zones[0]), "b": _names(zones[1])}
    zone = zones[0]
    if zone["allocation"] == "lottery":
        return t(N_("您家属于多校划片学区，对应%(schools)s，由电脑随机派位决定入读哪一所")) % {
            "schools": _names(zone)}
    return t(N_("您家属于%(school)s学区，对口入学")) % {"school": _names(zone)}


def _middle_sentence(zones: list[dict], t: Translate) -> str:
    if len(zones) > 1:
        return t(N_("初中在%(a)s和%(b)s两个学区的分界线附近，需要由教育局核定")) % {
            "a": _names(zones[0]), "b": _names(zones[1])}
    zone = zones[0]
    if zone["allocation"] == "lottery":
        return t(N_("初中为多校划片，对应%(schools)s，电脑随机派位")) % {"schools": _names(zone)}
    return t(N_("初中对口%(school)s")) % {"school": _names(zone)}


def _warnings(answer: dict, t: Translate) -> list[str]:
    seen, out = set(), []
    for level in ("primary", "middle"):
        for zone in answer.get(level, {}).get("zones", []):
            for school in zone["schools"]:
                if school.get("warning") and school["code"] not in seen:
                    seen.add(school["code"])
                    out.append(t(N_("请注意，%(school)s已发布学位预警，户籍在%(date)s以后迁入的，"
                                    "由教育局统筹安排。")) % {
                        "school": school["name"],
                        "date": f"{school['warning']['cutoff'][:4]}年"
                                f"{spoken_date(school['warning']['cutoff'])}"})
    return out


def _registration(admission: dict, t: Translate) -> str | None:
    stage = next((s for s in admission.get("timeline", []) if s.get("id") ==
                  "online_registration"), None)
    documents = admission.get("documents", {}).get("two_consistent", [])
    if stage is None:
        return None
    names = LIST_SEPARATOR.join(d["name"] for d in documents[:DOCUMENTS_READ])
    return t(N_("%(dates)s网上信息登记，审核时需要带%(documents)s等材料的原件和复印件。")) % {
        "dates": spoken_range(stage["start"], stage.get("end")), "documents": names}


def _consult_phone(admission: dict) -> str | None:
    return next((c.get("phone") for c in admission.get("channels", [])
                 if c.get("id") == "consult"), None)


FALLBACK = {
    "unzoned": N_("这个位置在本区内，但没有划入任何学区，由教育局统筹安排。"),
    "outside_district": N_("这个地址不在本区，请咨询户籍或房产所在区的教育局。"),
    "address_not_found": N_("没有找到这个地址，请核对门牌号，或者告诉我小区名称。"),
    "address_ambiguous": N_("找到几个相近的地址，请告诉我更具体的门牌号或楼栋。"),
}


CANDIDATES_READ = 5


def _which_one(answer: dict, t: Translate) -> str:
    """An ambiguous query: the candidates, and a question; never a school."""
    candidates = answer.get("candidates") or []
    street = answer.get("street")
    if street and street.get("numbers"):
        return t(N_("%(street)s经过不同的学区，请问您家是%(street)s多少号？")) % {
            "street": street["name"]}
    names = LIST_SEPARATOR.join(c["address"] for c in candidates[:CANDIDATES_READ])
    return t(N_("找到%(n)s个相近的地址：%(names)s。请问您家是哪一个？")) % {
        "n": len(candidates), "names": names}


def read_aloud(answer: dict, translate: Translate = _identity) -> str:
    t = translate
    sentences: list[str] = []
    primary = answer.get("primary", {}).get("zones", [])
    middle = answer.get("middle", {}).get("zones", [])
    if answer.get("status") == "address_ambiguous" and answer.get("candidates"):
        sentences.append(_which_one(answer, t))
        primary = middle = []
    elif primary or middle:
        if answer.get("address_confirmed") is False and answer.get("note"):
            sentences.append(answer["note"])
        parts = ([_primary_sentence(primary, t)] if primary else []) + \
            ([_middle_sentence(middle, t)] if middle else [])
        sentences.append("；".join(parts) + "。")
        sentences.extend(_warnings(answer, t))
    if not (primary or middle) and not sentences and answer.get("status") in FALLBACK:
        sentences.append(t(FALLBACK[answer["status"]]))
    admission = answer.get("admission") or {}
    if primary or answer.get("status") == "unzoned":
        registration = _registration(admission, t)
        if registration:
            sentences.append(registration)
    if primary or middle:
        sentences.append(t(N_("以上仅供参考，以教育局审核结果为准。")))
    phone = _consult_phone(admission)
    if phone:
        sentences.append(t(N_("如有疑问，请拨打招生咨询电话%(phone)s。")) % {"phone": phone})
    return "".join(sentences)
