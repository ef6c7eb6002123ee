"""The "what do I need" wizard: a family's answers → applicant category, its priority, the
学位预警 effect and the documents checklist. Pure logic over the cycle content."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from admissions.content import localize
from zones.errors import N_, InvalidParameter

HUKOU_WHERE = ("here", "district", "city", "outside")
HUKOU_WITH = ("parents", "grandparents", "other")
HOME_OWNER = ("parents", "grandparents", "none")

# Warning states: the cutoff does not apply, the hukou moved in on or before it, after it,
# or we cannot tell because the move-in date is missing.
NO_WARNING, BEFORE_CUTOFF, AFTER_CUTOFF, CUTOFF_UNKNOWN = "none", "before", "after", "unknown"


@dataclass(frozen=True)
class Household:
    birth_date: dt.date
    hukou_where: str            # the child's 户籍: at this address, elsewhere in the district…
    hukou_with: str             # whose 户口簿 the child is in
    home_owner: str             # who owns the home at this address
    moved_in: dt.date | None = None       # when the 户籍 moved in to this address
    residence_permit: bool = False        # a valid residence permit of the city (migrants)
    parents_other_home: bool = False      # parents own another home in urban Changchun


@dataclass
class Assessment:
    age_ok: bool
    category: str | None
    warning: str = NO_WARNING
    reasons: list[str] = field(default_factory=list)   # N_() messages, in order


def parse_date(value: str | None, name: str, *, required: bool) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise InvalidParameter(N_("请填写日期。"), field=name)
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidParameter(N_("日期格式不对，请按 年-月-日 填写，例如 2021-05-01。"),
                               field=name) from None


def _choice(form: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = (form.get(name) or "").strip()
    if value not in choices:
        raise InvalidParameter(N_("请选择一项。"), field=name)
    return value


def parse_household(form: Mapping[str, str], today: dt.date) -> Household:
    """Read the wizard form; every bad field raises InvalidParameter naming it."""
    birth = parse_date(form.get("birth_date"), "birth_date", required=True)
    if birth > today:
        raise InvalidParameter(N_("出生日期不能晚于今天。"), field="birth_date")
    moved_in = parse_date(form.get("moved_in"), "moved_in", required=False)
    if moved_in is not None and moved_in > today:
        raise InvalidParameter(N_("户籍迁入日期不能晚于今天。"), field="moved_in")
    return Household(
        birth_date=birth,
        hukou_where=_choice(form, "hukou_where", HUKOU_WHERE),
        hukou_with=_choice(form, "hukou_with", HUKOU_WITH),
        home_owner=_choice(form, "home_owner", HOME_OWNER),
        moved_in=moved_in,
        residence_permit=form.get("residence_permit") == "yes",
        parents_other_home=form.get("parents_other_home") == "yes")


def _zoned_category(h: Household) -> tuple[str, list[str]]:
    """The category of a family whose child's 户籍 is at this address."""
    if h.hukou_with == "parents" and h.home_owner == "parents":
        return "two_consistent", [N_("孩子和父母在同一户口簿，户籍地址就是父母名下的这套房子。")]
    if h.hukou_with == "grandparents" and h.home_owner == "grandparents":
        if h.parents_other_home:
            return "arranged", [N_("父母在本市市区另有住房，不符合“三代同堂”条件。")]
        return "three_generations", [
            N_("孩子和父母的户籍在祖辈名下的这套房子，父母在本市市区没有其他住房。")]
    return "arranged", [
        N_("户籍在这个地址，但户口簿和房屋权属不是同一家人（例如挂靠、集体户或租住）。")]


def assess(h: Household, *, born_by: dt.date, warning_cutoff: dt.date | None) -> Assessment:
    """`born_by` is the age rule (born on or before it); `warning_cutoff` is the zoned
    school's 学位预警 date, if it has one. A 户籍 that moved in *on* the cutoff date is
    still in time: the rule places families whose 户籍 moved in *after* it."""
    result = Assessment(age_ok=h.birth_date <= born_by, category=None)
    if not result.age_ok:
        result.reasons.append(N_("孩子未到入学年龄，今年不能登记。"))
    if h.hukou_where == "outside":
        if h.residence_permit:
            result.category = "migrant"
            result.reasons.append(N_("外地户籍，持有效的本市居住证，按进城务工人员随迁子女统筹安排。"))
        else:
            result.reasons.append(N_("外地户籍但没有有效的本市居住证，暂不符合随迁子女入学条件。请先办理居住证，并拨打招生咨询电话。"))
        return result
    if h.hukou_where == "city":
        if h.home_owner == "none":
            result.reasons.append(N_("户籍和住房都不在本区，请向户籍所在区的教育局咨询。"))
            return result
        result.category = "arranged"
        result.reasons.append(N_("在本区有住房，但户籍在本市其他区（人户分离）。"))
        return result
    if h.hukou_where == "district":
        result.category = "arranged"
        result.reasons.append(N_("户籍在本区，但不在这个地址。"))
        return result
    result.category, reasons = _zoned_category(h)
    result.reasons.extend(reasons)
    if result.category in ("two_consistent", "three_generations") and warning_cutoff:
        if h.moved_in is None:
            result.warning = CUTOFF_UNKNOWN
            result.reasons.append(N_("学区学校发布了学位预警，请填写户籍迁入日期才能判断。"))
        elif h.moved_in > warning_cutoff:
            result.warning = AFTER_CUTOFF
            result.category = "arranged"
            result.reasons.append(N_("户籍在学位预警日期之后迁入，由教育局统筹安排到其他学校。"))
        else:
            result.warning = BEFORE_CUTOFF
            result.reasons.append(N_("户籍在学位预警日期之前（含当天）迁入，不受预警影响。"))
    return result


def checklist(assessment: Assessment, cycle: dict, lang: str, level: str = "primary") -> dict:
    """The category's name, priority, description and documents from the cycle content,
    with the deadlines of `level` (the wizard asks about a Grade 1 child by default)."""
    content = localize(cycle, lang)
    category = next((c for c in content["categories"] if c["id"] == assessment.category),
                    None)
    deadlines = [s for s in content["timeline"]
                 if s.get("deadline") and s.get("level") in (level, "both")]
    return {"category": category,
            "documents": content["documents"].get(assessment.category, []),
            "deadlines": deadlines,
            "categories": content["categories"]}
