"""Which FAQ entries and policy documents fit an answer: chosen by the answer's situation
(a boundary, a multi-school zone, a 学位预警 school, no zone) against the entries' own tags
and categories, so a bureau's knowledge base needs no code change."""
from __future__ import annotations

from sqlalchemy.orm import Session

from admissions import knowledge

# situation → FAQ tags that speak to it; every answer gets the general ones
GENERAL_TAGS = ("划片范围", "查询学区")
SITUATION_TAGS = {
    "boundary": ("分界线", "边界", "两个学区"),
    "unzoned": ("统筹安排", "学区调整"),
    "outside_district": ("统筹安排", "租房"),
    "lottery": ("多校划片", "派位", "随机派位"),
    "warning": ("学位预警", "预警日期"),
}
LOCATED_TAGS = ("两个一致", "材料")  # after the general ones, once a zone is known
POLICY_CATEGORIES = ("学区划分", "招生政策", "招生计划")
POLICY_WORDS = {"lottery": "派位", "warning": "学位预警"}
MAX_FAQ = 4
MAX_POLICIES = 3


def situations(answer: dict) -> list[str]:
    found = [answer.get("status", "")]
    for level in ("primary", "middle"):
        for zone in (answer.get(level) or {}).get("zones", []):
            if zone.get("allocation") == "lottery":
                found.append("lottery")
            if any(s.get("warning") for s in zone.get("schools", [])):
                found.append("warning")
    return list(dict.fromkeys(found))


def related_reading(session: Session, answer: dict) -> dict:
    """{"faq": [(code, question)], "policies": [(code, title)]}, most specific first."""
    found = situations(answer)
    wanted = [tag for s in found for tag in SITUATION_TAGS.get(s, ())] + list(GENERAL_TAGS)
    if answer.get("status") in ("assigned", "boundary"):
        wanted += LOCATED_TAGS
    rank = {tag: i for i, tag in reversed(list(enumerate(wanted)))}
    faq = []
    for entry in knowledge.list_faq(session):
        hits = [rank[t] for t in entry.tags or () if t in rank]
        if hits:
            faq.append((min(hits), entry.code, entry.question))
    words = [POLICY_WORDS[s] for s in found if s in POLICY_WORDS]
    policies = []
    for doc in knowledge.list_policies(session):
        if doc.validity != "valid":
            continue
        if any(w in doc.title for w in words):
            policies.append((0, doc.code, doc.title))
        elif doc.category in POLICY_CATEGORIES:
            policies.append((1 + POLICY_CATEGORIES.index(doc.category), doc.code, doc.title))
    return {"faq": [(c, q) for _, c, q in sorted(faq)[:MAX_FAQ]],
            "policies": [(c, t) for _, c, t in sorted(policies, key=lambda p: p[0])[:MAX_POLICIES]]}
