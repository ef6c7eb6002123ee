"""The hotline console's one search box: what a typed text is (an address or 小区, a
street, a 社区 or 街道, a school, or a question) and what to show for it. Framework-free."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from admissions import kb_search
from admissions.answer import Translate, _identity
from admissions.read_aloud import read_aloud
from admissions.service import Snapshot, answer_address, place_summary
from gis.gazetteer import Gazetteer, Place
from gis.point import WGS84Point
from zones.errors import N_, InvalidParameter, XuequError
from zones.inputs import parse_address
from zones.model import LEVELS, AddressFacts

MAX_QUERY = 100
MAX_RESULTS = 8
QUESTION_HINTS = re.compile(r"[？?吗呢]|怎么|什么|如何|哪些|能不能|可以|需要")


@dataclass
class ConsoleResult:
    kind: str  # address | area | school | faq | policy
    title: str
    detail: str = ""
    target: str = ""  # what the result opens: an address, an area name, a code
    spans: tuple[tuple[int, int], ...] = ()
    title_spans: tuple[tuple[int, int], ...] = ()


@dataclass
class ConsoleAnswer:
    query: str
    answer: dict | None = None
    spoken: str | None = None
    results: list[ConsoleResult] = field(default_factory=list)


def _clean(query: str) -> str:
    text = (query or "").strip()
    if not text:
        raise InvalidParameter(N_("请输入地址、小区、街道、学校、社区或问题。"), field="q")
    if len(text) > MAX_QUERY:
        raise InvalidParameter(N_("搜索内容太长了（最多 %(max)s 个字）。"), field="q",
                               max=MAX_QUERY)
    return text


@dataclass
class _GazetteerKeys:
    gazetteer: Gazetteer
    names: dict[str, str]  # 社区, 街道 and street names, with what each is
    keys: list[tuple[str, Place]]  # normalised address or alias, and its place


def _keys(snapshot: Snapshot) -> _GazetteerKeys:
    """Built once per snapshot and kept on it, so the keys live and die with their data."""
    cached = getattr(snapshot, "console_keys", None)
    if cached is not None and cached.gazetteer is snapshot.gazetteer:
        return cached
    names: dict[str, str] = {}
    keys = []
    for place in snapshot.gazetteer.places:
        if place.street:
            names.setdefault(place.street, "street")
        if place.community:
            names[place.community] = "community"
        if place.subdistrict:
            names[place.subdistrict] = "subdistrict"
        keys.extend((snapshot.grammar.normalize(n), place)
                    for n in (place.address, *place.aliases))
    snapshot.console_keys = built = _GazetteerKeys(snapshot.gazetteer, names, keys)
    return built


def area_names(snapshot: Snapshot) -> dict[str, str]:
    return _keys(snapshot).names


AREA_LABELS = {"street": N_("街路"), "community": N_("社区"), "subdistrict": N_("街道")}


def _matching_areas(snapshot: Snapshot, text: str) -> list[tuple[str, str]]:
    names = area_names(snapshot)
    if text in names:
        return [(text, names[text])]
    if len(text) < 2:
        return []
    return sorted(((n, k) for n, k in names.items() if text in n), key=lambda nk: len(nk[0])
                  )[:4]


def _matching_schools(snapshot: Snapshot, text: str) -> list:
    upper = text.upper()
    if upper in snapshot.schools:
        return [snapshot.schools[upper]]
    core = text.replace("（示例）", "").replace(snapshot.profile.name, "")
    if len(core) < 2:
        return []
    return [s for s in snapshot.schools.values() if core in s.name][:4]


def _matching_places(snapshot: Snapshot, text: str, exclude: str | None) -> list:
    if len(text) < 2:
        return []
    key = snapshot.grammar.normalize(text)
    found = list({p.address: p for k, p in _keys(snapshot).keys
                  if key in k and p.address != exclude}.values())
    found.sort(key=lambda p: (p.kind != "xiaoqu", len(p.address)))
    return found[:MAX_RESULTS]


def search(snapshot: Snapshot, session: Session, query: str, lang: str = "zh",
           translate: Translate = _identity) -> ConsoleAnswer:
    text = _clean(query)
    result = ConsoleAnswer(text)
    located: list[ConsoleResult] = []
    try:
        answer = answer_address(snapshot, parse_address(text), lang=lang,
                                translate=translate)
    except XuequError:
        answer = None
    matched = None
    if answer is not None and answer["status"] == "address_ambiguous" and \
            answer.get("candidates"):
        # the same decision as the parents' page: read the candidates, ask which one
        result.spoken = read_aloud(answer, translate)
    elif answer is not None and answer["status"] != "address_not_found":
        result.answer, result.spoken = answer, read_aloud(answer, translate)
        matched = (answer.get("location") or {}).get("matched_address")
        located.append(ConsoleResult("address", matched or text, result.spoken, matched or text))
    for candidate in (answer or {}).get("candidates", []):
        located.append(ConsoleResult("address", candidate["address"],
                                     candidate.get("community") or "", candidate["address"]))
    for name, kind in _matching_areas(snapshot, text):
        located.append(ConsoleResult("area", name, translate(AREA_LABELS[kind]), name))
    for school in _matching_schools(snapshot, text):
        found = ConsoleResult("school", school.name, f"{school.code} {school.address}",
                              school.code)
        if school.code == text.upper():  # a school's code is what was meant, not initials
            located.insert(0, found)
        else:
            located.append(found)
    if not answer or not answer.get("candidates"):
        for place in _matching_places(snapshot, text, matched):
            located.append(ConsoleResult("address", place.address,
                                         f"{place.community} {place.subdistrict}".strip(),
                                         place.address))
    questions: list[ConsoleResult] = []
    try:
        hits = kb_search.search(session, text, limit=5)
    except XuequError:
        hits = []
    for hit in hits:
        questions.append(ConsoleResult(hit.kind, hit.title, hit.snippet, hit.code, hit.spans,
                                       hit.title_spans))
    seen: set[tuple[str, str]] = set()
    ordered = questions + located if QUESTION_HINTS.search(text) and not result.answer \
        else located + questions
    for item in ordered:
        if (item.kind, item.target) not in seen:
            seen.add((item.kind, item.target))
            result.results.append(item)
    return result


def area_report(snapshot: Snapshot, name: str) -> dict:
    """Every zone and school serving part of a 社区, 街道 or street, found by assigning
    each of its gazetteer points (a 社区 can be split between zones)."""
    kind = area_names(snapshot).get(name)
    if kind is None:
        raise InvalidParameter(N_("没有找到这个社区、街道或街路：%(name)s"), field="name",
                               name=name[:40])
    places = [p for p in snapshot.gazetteer.places
              if (p.street if kind == "street" else getattr(p, kind)) == name]
    counts: dict[str, Counter] = {level: Counter() for level in LEVELS}
    numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
    boundary = 0
    for place in places:
        point = snapshot.index.lookup(WGS84Point(place.lat, place.lng), facts=AddressFacts(
            street=place.street, number=place.number, xiaoqu=place.xiaoqu))
        boundary += point.status == "boundary"
        for level, level_result in point.levels.items():
            for match in level_result.matches:
                counts[level][match.zone.zone_id] += 1
                if place.number is not None:
                    numbers[(level, match.zone.zone_id)].append(place.number)
    zones = {z.zone_id: z for z in snapshot.zone_set.zones}
    report = {"name": name, "kind": kind, "places": len(places), "boundary": boundary}
    for level in LEVELS:
        rows = []
        for zone_id, n in counts[level].most_common():
            zone = zones[zone_id]
            nums = sorted(numbers.get((level, zone_id), []))
            rows.append({"zone_id": zone_id, "allocation": zone.allocation, "places": n,
                         "schools": [snapshot.schools[c] for c in zone.school_codes
                                     if c in snapshot.schools],
                         "numbers": (nums[0], nums[-1]) if nums else None,
                         "description": zone.description})
        report[level] = rows
    return report


def school_report(snapshot: Snapshot, code: str) -> dict:
    school = snapshot.schools.get(code)
    if school is None:
        raise InvalidParameter(N_("没有编号为 %(code)s 的学校。"), field="code", code=code[:40])
    zones = [z for z in snapshot.zone_set.zones if code in z.school_codes]
    feeders = [s for s in snapshot.schools.values() if s.feeds == code]
    return {"school": school, "zones": zones, "feeders": feeders,
            "feeds": snapshot.schools.get(school.feeds or "")}


__all__ = ["ConsoleAnswer", "ConsoleResult", "area_report", "place_summary", "school_report",
           "search"]
