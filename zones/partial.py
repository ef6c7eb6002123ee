"""Partial updates: a file with the zones of one level replaces that level only.

A GIS department usually sends the level it redrew. The draft takes the other level, and
the address rules (门牌规则) a file without a rules column cannot carry, from the published
version, and the report says so. Changes that are seldom meant — replacing or removing a
whole level, or moving more than a set share of the addresses — are blocking findings that
only a publisher can accept, with a reason that goes into the audit log.
"""
from __future__ import annotations

from dataclasses import replace

from zones.errors import N_
from zones.model import LEVELS, Zone, ZoneSet
from zones.validation import BLOCKING, Finding, Note

DEFAULT_MAX_MOVED_SHARE = 0.2
LEVEL_LABELS = {"primary": N_("小学"), "middle": N_("初中")}


def carry_over(zones: list[Zone], published: ZoneSet | None, rules_mapped: bool
               ) -> tuple[list[Zone], list[Note]]:
    """The file's zones plus the published zones of every level the file does not hold.
    Without a rules column, a zone keeps the address rules of the published zone with its
    level and number."""
    if published is None or not published.zones:
        return zones, []
    notes = []
    in_file = {z.level for z in zones if z.level in LEVELS}
    if not rules_mapped:
        rules = {(z.level, z.zone_id): z.address_rules for z in published.zones
                 if z.address_rules}
        kept = sum(len(rules.get((z.level, z.zone_id), ())) for z in zones)
        zones = [replace(z, address_rules=rules.get((z.level, z.zone_id), ()))
                 if not z.address_rules else z for z in zones]
        if kept:
            notes.append(Note(N_("文件没有门牌规则字段：%(n)s 条门牌规则按学区编号沿用当前发布版本 "
                                 "%(version)s。"), {"n": kept, "version": published.id}))
    for level in LEVELS:
        if level in in_file or not in_file:
            continue
        others = [z for z in published.zones if z.level == level]
        if others:
            rules = sum(len(z.address_rules) for z in others)
            zones = [*zones, *others]
            notes.append(Note(N_("本文件只含%(file_level)s学区：%(n)s 个%(level)s学区及其 "
                                 "%(rules)s 条门牌规则沿用当前发布版本 %(version)s。"),
                              {"file_level": LEVEL_LABELS[next(iter(in_file))],
                               "level": LEVEL_LABELS[level], "n": len(others), "rules": rules,
                               "version": published.id}))
    return zones, notes


def _acceptable(code: str, message: str, params: dict, level: str | None = None) -> Finding:
    return Finding(code, BLOCKING, message, params, level=level, acceptable=True)


def level_findings(zones: list[Zone], published: ZoneSet | None) -> list[Finding]:
    """A level the draft removes, or replaces with zones of which not one has a number of
    the published version's."""
    if published is None:
        return []
    findings = []
    for level in LEVELS:
        before = {z.zone_id for z in published.zones if z.level == level}
        after = {z.zone_id for z in zones if z.level == level}
        if before and not after:
            findings.append(_acceptable("level_removed", N_(
                "新版本没有任何%(level)s学区：当前发布的 %(n)s 个%(level)s学区将全部删除。"),
                {"level": LEVEL_LABELS[level], "n": len(before)}, level))
        elif before and not before & after:
            findings.append(_acceptable("level_replaced", N_(
                "新版本的%(level)s学区编号与当前发布版本没有一个相同：整个学段将被替换"
                "（删除 %(removed)s 个，新增 %(added)s 个）。"),
                {"level": LEVEL_LABELS[level], "removed": len(before), "added": len(after)},
                level))
    return findings


def moved_finding(moved: int, checked: int, max_share: float) -> Finding | None:
    """More than `max_share` of the gazetteer's addresses changing school."""
    if not checked or moved <= max_share * checked:
        return None
    return _acceptable("many_moved", N_(
        "这次调整使 %(moved)s 个地址（占 %(share)s%%）换校，超过了 %(limit)s%% 的上限。"),
        {"moved": moved, "share": round(100 * moved / checked, 1),
         "limit": round(100 * max_share, 1)})
