"""A family's answers → applicant category, tier, reasons, documents, the 学位预警 effect, the
dates that apply and what the family cannot do.

A small evaluator over the cycle document (`admissions/cycle_schema.py` checks it): the
questions, categories, conditions, documents and special groups are all data; nothing
about any category is written here. The wizard page and `POST /api/v1/eligibility` both
call `evaluate`."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from admissions.content import localize
from admissions.cycle_schema import tier_order
from admissions.timeline import stages_for
from zones.errors import N_, InvalidParameter

# Warning states: no cutoff applies, the 户籍 moved in on or before it, after it, or we
# cannot tell because the move-in date is missing.
NO_WARNING, BEFORE_CUTOFF, AFTER_CUTOFF, CUTOFF_UNKNOWN = "none", "before", "after", "unknown"

YES, NO = ("yes", "true", "1", "on"), ("no", "false", "0", "")


@dataclass(frozen=True)
class Zone:
    """What the location contributes: the zone's allocation and its school's warning date."""
    allocation: str | None = None          # direct / lottery, None when unknown
    warning_cutoff: dt.date | None = None
    school: str | None = None              # the school's name, for the messages


@dataclass
class Assessment:
    level: str
    category: str | None
    tier: str | None
    eligible: bool = True
    warning: str = NO_WARNING
    reasons: list[str] = field(default_factory=list)     # plain Chinese, from the document
    cannot: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)      # special groups that apply
    sources: list[str] = field(default_factory=list)     # policy document codes


# ---- answers -------------------------------------------------------------------------------

def _question_map(cycle: dict) -> dict[str, dict]:
    return {q["id"]: q for q in cycle["questions"]}


def _parse_value(question: dict, raw, today: dt.date):
    name, kind = question["id"], question["type"]
    if kind == "yes_no":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise InvalidParameter(N_("请回答“是”或“否”。"), field=name)
    if kind == "date":
        if isinstance(raw, dt.date):
            value = raw
        else:
            try:
                value = dt.date.fromisoformat(str(raw).strip())
            except ValueError:
                raise InvalidParameter(N_("日期格式不对，请按 年-月-日 填写，例如 2021-05-01。"),
                                       field=name) from None
        if value > today:
            raise InvalidParameter(N_("日期不能晚于今天。"), field=name)
        return value
    value = str(raw).strip()
    if value not in {c["value"] for c in question["choices"]}:
        raise InvalidParameter(N_("请选择一项。"), field=name)
    return value


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_answers(cycle: dict, raw: Mapping, today: dt.date, *,
                  ignore: tuple[str, ...] = (), strict: bool = True) -> dict:
    """The family's answers, checked against the document's questions: an unknown field, a
    value that is not an option, a missing answer and an answer to a question that does
    not apply (it contradicts another answer) each raise InvalidParameter naming the field.
    Blank values count as not answered. A form (`strict=False`) may carry answers to
    questions that its script hid: those are dropped instead of refused."""
    questions = _question_map(cycle)
    for name in raw:
        if name not in questions and name not in ignore:
            raise InvalidParameter(N_("没有这个问题：%(name)s。"), field=name, name=name)
    answers: dict = {}
    for name, question in questions.items():   # document order: ask_if sees earlier answers
        value = raw.get(name)
        applies = "ask_if" not in question or matches(question["ask_if"], answers)
        if not applies:
            if strict and not _blank(value) and value is not False:
                raise InvalidParameter(
                    N_("这个回答和其他回答矛盾：按前面的回答，不需要回答这个问题。"), field=name)
            continue
        if _blank(value):
            if "default" in question:
                answers[name] = question["default"]
            elif question.get("type") == "yes_no" and question.get("optional"):
                answers[name] = False
            elif not question.get("optional"):
                raise InvalidParameter(N_("请回答这个问题。"), field=name)
            continue
        answers[name] = _parse_value(question, value, today)
    return answers


# ---- conditions ----------------------------------------------------------------------------

def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def matches(condition: dict | None, answers: Mapping) -> bool:
    """Whether `condition` holds for `answers`. A comparison on a question not answered is
    false (so `not` of it is true)."""
    if condition is None:
        return True
    if "all" in condition:
        return all(matches(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(matches(c, answers) for c in condition["any"])
    if "not" in condition:
        return not matches(condition["not"], answers)
    if condition["answer"] not in answers:
        return False
    value = answers[condition["answer"]]
    if "is" in condition:
        return value == condition["is"]
    if "in" in condition:
        return value in condition["in"]
    if "on_or_before" in condition:
        return value <= _as_date(condition["on_or_before"])
    return value > _as_date(condition["after"])


# ---- evaluation ----------------------------------------------------------------------------

def _category_for(cycle: dict, level: str, answers: Mapping) -> dict | None:
    order = {t: i for i, t in enumerate(tier_order(cycle))}
    for category in sorted(cycle["categories"], key=lambda c: order[c["tier"]]):
        if level in category["levels"] and matches(category.get("when"), answers):
            return category
    return None


def _by_id(items: list[dict], ident: str | None) -> dict | None:
    return next((i for i in items if i["id"] == ident), None)


def _warning(cycle: dict, category: dict, answers: Mapping, zone: Zone, result: Assessment,
             ) -> dict:
    effect = cycle.get("warning_effect")
    if not effect or not zone.warning_cutoff or category["id"] not in effect["applies_to"]:
        return category
    moved_in = answers.get(effect["date_answer"])
    if moved_in is None:
        result.warning = CUTOFF_UNKNOWN
        result.reasons.append(N_("学区学校发布了学位预警，请填写户籍迁入日期才能判断。"))
        return category
    if moved_in > zone.warning_cutoff:
        result.warning = AFTER_CUTOFF
        result.reasons.append(N_("户籍在学位预警日期之后迁入，由教育局统筹安排到其他学校。"))
        return _by_id(cycle["categories"], effect["after_cutoff"])
    result.warning = BEFORE_CUTOFF
    result.reasons.append(N_("户籍在学位预警日期之前（含当天）迁入，不受预警影响。"))
    return category


def assess(cycle: dict, answers: Mapping, zone: Zone = Zone(), *,
           today: dt.date | None = None) -> Assessment:
    """The category of the family; reasons and limits are the document's own (Chinese)
    texts, except the warning messages, which are N_() templates."""
    level = answers.get("level", "primary")
    category = _category_for(cycle, level, answers)
    result = Assessment(level=level, category=None, tier=None)
    if category is not None:
        result.reasons.append(category["reason"])
        result.reasons.extend(extra["text"] for extra in category.get("reasons", [])
                              if matches(extra["when"], answers))
        category = _warning(cycle, category, answers, zone, result)
        if result.warning == AFTER_CUTOFF:
            result.reasons.append(category["reason"])
        result.category, result.tier = category["id"], category["tier"]
        tier = _by_id(cycle["tiers"], category["tier"])
        result.cannot.extend([*tier.get("cannot", []), *category.get("cannot", [])])
        result.eligible = tier["placement"] != "elsewhere"
        result.sources.append(category.get("source"))
    else:
        result.eligible = False
    for group in cycle.get("special_groups", []):
        if matches(group.get("when"), answers):
            result.groups.append(group["id"])
            result.reasons.append(group["reason"])
            result.cannot.extend(group.get("cannot", []))
            result.sources.append(group.get("source"))
            if group.get("blocks"):
                result.eligible = False
    missed = cycle.get("missed_deadline")
    if missed and today is not None and result.eligible:
        stage = _by_id(cycle["timeline"], missed["after"])
        if today > _as_date(stage.get("end") or stage["start"]):
            result.reasons.append(missed["reason"])
            result.cannot.extend(missed.get("cannot", []))
            result.sources.append(missed.get("source"))
    result.sources = list(dict.fromkeys(s for s in result.sources if s))
    return result


def _documents(items: list[dict], level: str) -> list[dict]:
    return [d for d in items if level in d.get("levels", [level])]


def checklist(assessment: Assessment, cycle: dict, lang: str,
              zone: Zone = Zone()) -> dict:
    """The localised category, tier, documents (the category's and every special group's,
    for the level), the dates that apply, limits and policy sources."""
    content = localize(cycle, lang)
    category = _by_id(content["categories"], assessment.category)
    order = tier_order(cycle)
    documents = _documents(content["documents"].get(assessment.category, []),
                           assessment.level) if assessment.category else []
    for group in content.get("special_groups", []):
        if group["id"] in assessment.groups:
            documents.extend(_documents(group.get("documents", []), assessment.level))
    tier = _by_id(content["tiers"], assessment.tier)
    return {"category": category,
            "tier": tier and {**tier, "rank": order.index(tier["id"]) + 1},
            "tiers": len(order),
            "documents": documents,
            "dates": stages_for(content["timeline"], assessment.level,
                                allocation=zone.allocation, tier=assessment.tier),
            "groups": [g for g in content.get("special_groups", [])
                       if g["id"] in assessment.groups],
            "categories": content["categories"]}
