"""The schema of a cycle document: every problem found, with the path where it is.

A bureau edits the cycle each spring, so a mistake must be named where it is
(`categories[2].tier`), in Chinese, and the whole document refused: nothing half-loaded."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zones.errors import N_, InvalidData

QUESTION_TYPES = ("choice", "date", "yes_no")
LEVELS = ("primary", "middle")
STAGE_LEVELS = (*LEVELS, "both")
ALLOCATIONS = ("direct", "lottery")
PLACEMENTS = ("zone", "district", "elsewhere")
COMBINATORS = ("all", "any")
COMPARISONS = ("is", "in", "on_or_before", "after")


@dataclass(frozen=True)
class Problem:
    path: str
    message: str   # an N_() template with %(…)s parameters
    params: dict

    def text(self) -> str:
        return f"{self.path}：{self.message % self.params}"


class CycleInvalid(InvalidData):
    """The cycle document is refused; `problems` lists every problem with its path."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        super().__init__(N_("招生规则文件有 %(count)s 处错误，第一处在 %(path)s：%(detail)s"),
                         count=len(problems), path=first.path,
                         detail=first.message % first.params)


class _Checker:
    def __init__(self, doc: dict):
        self.doc = doc
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, **params) -> None:
        self.problems.append(Problem(path, message, params))

    def mapping(self, value, path: str) -> dict:
        if not isinstance(value, dict):
            self.add(path, N_("应当是一组“名称: 值”"))
            return {}
        return value

    def listing(self, value, path: str) -> list:
        if not isinstance(value, list):
            self.add(path, N_("应当是一个列表"))
            return []
        return value

    def text(self, item: dict, key: str, path: str) -> None:
        if not isinstance(item.get(key), str) or not item[key].strip():
            self.add(f"{path}.{key}", N_("缺少文字"))

    def date(self, value, path: str) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(path, N_("日期“%(value)s”格式不对，应为 年-月-日"), value=value)
            return None

    def ids(self, items: list, path: str) -> dict[str, int]:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str) or not ident:
                self.add(f"{path}[{i}].id", N_("缺少编号（id）"))
            elif ident in seen:
                self.add(f"{path}[{i}].id", N_("编号“%(id)s”重复"), id=ident)
            else:
                seen[ident] = i
        return seen


def _questions(c: _Checker) -> dict[str, dict]:
    questions = c.listing(c.doc.get("questions"), "questions")
    c.ids(questions, "questions")
    out: dict[str, dict] = {}
    for i, q in enumerate(questions):
        path = f"questions[{i}]"
        q = c.mapping(q, path)
        c.text(q, "label", path)
        if q.get("type") not in QUESTION_TYPES:
            c.add(f"{path}.type", N_("题型“%(value)s”未知，可用：%(known)s"),
                  value=q.get("type"), known="、".join(QUESTION_TYPES))
        if q.get("type") == "choice":
            choices = c.listing(q.get("choices"), f"{path}.choices")
            if not choices:
                c.add(f"{path}.choices", N_("选择题至少要有一个选项"))
            for j, choice in enumerate(choices):
                c.text(c.mapping(choice, f"{path}.choices[{j}]"), "label",
                       f"{path}.choices[{j}]")
        if isinstance(q.get("id"), str):
            out[q["id"]] = q
    return out


def _values(question: dict) -> set:
    if question.get("type") == "choice":
        return {ch.get("value") for ch in question.get("choices") or [] if isinstance(ch, dict)}
    if question.get("type") == "yes_no":
        return {True, False}
    return set()


def check_condition(c: _Checker, cond, path: str, questions: dict[str, dict]) -> None:
    cond = c.mapping(cond, path)
    if not cond:
        return
    combinators = [k for k in COMBINATORS if k in cond]
    if combinators:
        for j, part in enumerate(c.listing(cond[combinators[0]], f"{path}.{combinators[0]}")):
            check_condition(c, part, f"{path}.{combinators[0]}[{j}]", questions)
        return
    if "not" in cond:
        check_condition(c, cond["not"], f"{path}.not", questions)
        return
    name = cond.get("answer")
    if name not in questions:
        c.add(f"{path}.answer", N_("条件引用了未定义的问题“%(name)s”"), name=name)
        return
    question = questions[name]
    ops = [op for op in COMPARISONS if op in cond]
    if len(ops) != 1:
        c.add(path, N_("条件须恰好有一个比较：%(known)s"), known="、".join(COMPARISONS))
        return
    op, value = ops[0], cond[ops[0]]
    if op in ("on_or_before", "after"):
        if question.get("type") != "date":
            c.add(f"{path}.{op}", N_("只有日期题可以比较日期"))
        c.date(value, f"{path}.{op}")
        return
    allowed = _values(question)
    for v in (value if op == "in" else [value]):
        if v not in allowed:
            c.add(f"{path}.{op}", N_("“%(value)s”不是问题“%(name)s”的选项"), value=v,
                  name=name)


def _tier_order(c: _Checker) -> list[str]:
    """Tiers in priority order, each after the one it names; a cycle is refused."""
    tiers = c.listing(c.doc.get("tiers"), "tiers")
    index = c.ids(tiers, "tiers")
    after: dict[str, str | None] = {}
    for i, tier in enumerate(tiers):
        tier = c.mapping(tier, f"tiers[{i}]")
        c.text(tier, "name", f"tiers[{i}]")
        if tier.get("placement") not in PLACEMENTS:
            c.add(f"tiers[{i}].placement", N_("安排方式“%(value)s”未知，可用：%(known)s"),
                  value=tier.get("placement"), known="、".join(PLACEMENTS))
        parent = tier.get("after")
        if parent is not None and parent not in index:
            c.add(f"tiers[{i}].after", N_("顺位“%(name)s”未定义"), name=parent)
            parent = None
        if isinstance(tier.get("id"), str):
            after[tier["id"]] = parent
    for start in after:
        seen, node = [start], after[start]
        while node is not None:
            if node in seen:
                c.add(f"tiers[{index[start]}].after", N_("顺位先后形成了循环：%(chain)s"),
                      chain=" → ".join([*seen, node]))
                return []
            seen.append(node)
            node = after.get(node)
    firsts = [t for t, p in after.items() if p is None]
    if after and len(firsts) != 1:
        c.add("tiers", N_("必须恰好有一个第一顺位（没有 after 的顺位），现有：%(names)s"),
              names="、".join(firsts) or "—")
        return []
    order, children = [], {p: t for t, p in after.items()}
    node = firsts[0] if firsts else None
    while node is not None:
        order.append(node)
        node = children.get(node)
    if len(order) != len(after):
        c.add("tiers", N_("有两个顺位排在同一个顺位之后"))
    return order


def _categories(c: _Checker, questions: dict, tiers: list[str]) -> dict[str, int]:
    categories = c.listing(c.doc.get("categories"), "categories")
    index = c.ids(categories, "categories")
    for i, cat in enumerate(categories):
        path = f"categories[{i}]"
        cat = c.mapping(cat, path)
        for key in ("name", "who", "reason"):
            c.text(cat, key, path)
        if tiers and cat.get("tier") not in tiers:
            c.add(f"{path}.tier", N_("顺位“%(name)s”未定义"), name=cat.get("tier"))
        for level in c.listing(cat.get("levels"), f"{path}.levels"):
            if level not in LEVELS:
                c.add(f"{path}.levels", N_("学段“%(value)s”未知"), value=level)
        if "when" in cat:
            check_condition(c, cat["when"], f"{path}.when", questions)
        for j, extra in enumerate(c.listing(cat.get("reasons", []), f"{path}.reasons")):
            extra = c.mapping(extra, f"{path}.reasons[{j}]")
            c.text(extra, "text", f"{path}.reasons[{j}]")
            check_condition(c, extra.get("when"), f"{path}.reasons[{j}].when", questions)
    documents = c.mapping(c.doc.get("documents"), "documents")
    for name in documents:
        if name not in index:
            c.add(f"documents.{name}", N_("未知的入学类别“%(name)s”"), name=name)
    for name, i in index.items():
        if name not in documents:
            c.add(f"categories[{i}]", N_("入学类别“%(name)s”缺少材料清单（documents.%(name)s）"),
                  name=name)
        else:
            _documents(c, documents[name], f"documents.{name}")
    return index


def _documents(c: _Checker, items, path: str) -> None:
    for j, doc in enumerate(c.listing(items, path)):
        doc = c.mapping(doc, f"{path}[{j}]")
        c.text(doc, "name", f"{path}[{j}]")
        for level in doc.get("levels", []):
            if level not in LEVELS:
                c.add(f"{path}[{j}].levels", N_("学段“%(value)s”未知"), value=level)


def _timeline(c: _Checker, tiers: list[str]) -> dict[str, int]:
    stages = c.listing(c.doc.get("timeline"), "timeline")
    index = c.ids(stages, "timeline")
    last: dict[str, tuple[dt.date, str]] = {}
    for i, stage in enumerate(stages):
        path = f"timeline[{i}]"
        stage = c.mapping(stage, path)
        c.text(stage, "title", path)
        if stage.get("level") not in STAGE_LEVELS:
            c.add(f"{path}.level", N_("学段“%(value)s”未知"), value=stage.get("level"))
        if stage.get("allocation") not in (None, *ALLOCATIONS):
            c.add(f"{path}.allocation", N_("入学方式“%(value)s”未知"),
                  value=stage.get("allocation"))
        for tier in stage.get("tiers", []):
            if tiers and tier not in tiers:
                c.add(f"{path}.tiers", N_("顺位“%(name)s”未定义"), name=tier)
        start = c.date(stage.get("start"), f"{path}.start")
        end = c.date(stage.get("end") or stage.get("start"), f"{path}.end")
        if start and end and end < start:
            c.add(f"{path}.end", N_("结束日期 %(end)s 早于开始日期 %(start)s"),
                  end=end.isoformat(), start=start.isoformat())
        if not start:
            continue
        for level in (LEVELS if stage.get("level") == "both" else [stage.get("level")]):
            before = last.get(level)
            if before and start < before[0]:
                c.add(f"{path}.start",
                      N_("日期顺序不对：%(start)s 早于前一阶段“%(prev)s”的 %(prev_start)s"),
                      start=start.isoformat(), prev=before[1], prev_start=before[0].isoformat())
            last[level] = (start, stage.get("id"))
    return index


def _groups(c: _Checker, questions: dict) -> None:
    groups = c.listing(c.doc.get("special_groups", []), "special_groups")
    c.ids(groups, "special_groups")
    for i, group in enumerate(groups):
        path = f"special_groups[{i}]"
        group = c.mapping(group, path)
        c.text(group, "name", path)
        c.text(group, "reason", path)
        check_condition(c, group.get("when"), f"{path}.when", questions)
        _documents(c, group.get("documents", []), f"{path}.documents")


def _results(c: _Checker) -> None:
    kinds = c.listing(c.doc.get("results", []), "results")
    c.ids(kinds, "results")
    labels: set[str] = set()
    for i, kind in enumerate(kinds):
        kind = c.mapping(kind, f"results[{i}]")
        c.text(kind, "label", f"results[{i}]")
        c.text(kind, "next", f"results[{i}]")
        if kind.get("label") in labels:
            c.add(f"results[{i}].label", N_("结果名称“%(value)s”重复"), value=kind["label"])
        labels.add(kind.get("label"))


def check(doc) -> list[Problem]:
    """Every problem of the cycle document `doc` (parsed YAML), in document order."""
    c = _Checker({})
    if not isinstance(doc, dict):
        c.add("/", N_("文件内容应当是一组“名称: 值”"))
        return c.problems
    c.doc = doc
    for key in ("year", "questions", "tiers", "categories", "documents", "timeline", "channels"):
        if key not in doc:
            c.add(key, N_("缺少这一项"))
    questions = _questions(c)
    for i, q in questions.items():
        if "ask_if" in q:
            check_condition(c, q["ask_if"], f"questions.{i}.ask_if", questions)
    tiers = _tier_order(c)
    categories = _categories(c, questions, tiers)
    stages = _timeline(c, tiers)
    _groups(c, questions)
    _results(c)
    effect = doc.get("warning_effect")
    if effect is not None:
        effect = c.mapping(effect, "warning_effect")
        for name in [*effect.get("applies_to", []), effect.get("after_cutoff")]:
            if name not in categories:
                c.add("warning_effect", N_("未知的入学类别“%(name)s”"), name=name)
        if questions.get(effect.get("date_answer"), {}).get("type") != "date":
            c.add("warning_effect.date_answer", N_("应当是一个日期题的编号"))
    missed = doc.get("missed_deadline")
    if missed is not None and c.mapping(missed, "missed_deadline").get("after") not in stages:
        c.add("missed_deadline.after", N_("时间安排中没有阶段“%(name)s”"),
              name=missed.get("after"))
    return c.problems


def validate(doc) -> dict:
    """`doc` unchanged when it is sound, else CycleInvalid with every problem."""
    problems = check(doc)
    if problems:
        raise CycleInvalid(problems)
    return doc


def tier_order(doc: dict) -> list[str]:
    """The tier ids in priority order (the document has been validated)."""
    c = _Checker(doc)
    return _tier_order(c)
