"""Mapping an uploaded file's attribute fields onto zones (zone id, level, school codes,
allocation, description, address rules). Rows become `Zone` objects as they are, even
when wrong: the validation report, not an exception, tells staff what to fix. Staff
uploads and dataset files (the sample district) share these rules (docs/DATA.md)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import json
import re
import unicodedata
from dataclasses import dataclass, replace

import shapely

from zones.errors import N_, InvalidParameter
from zones.model import LEVELS, AddressRule, School, Zone
from zones.validation import BLOCKING, Finding

TARGETS = ("zone_id", "level", "school_codes", "school_names", "allocation", "description",
           "address_rules")
REQUIRED = ("zone_id",)
# Names seen in files from GIS departments and consultants, compared case-insensitively.
_GUESSES = {
    "zone_id": ("zone_id", "zoneid", "学区编号", "学区代码", "学区", "编号", "xqbh", "zone",
                "zone_code", "district_id", "id", "name"),
    "level": ("level", "学段", "类型", "学校类型", "xd", "stage", "school_level", "grade_level"),
    "school_codes": ("school_codes", "school_code", "schools", "学校代码", "学校编号",
                     "学校标识码", "xxdm", "school_id", "school_ids"),
    "school_names": ("school_names", "school_name", "schoolname", "schools_name",
                     "name_of_school", "学校名称", "学校名", "校名", "对口学校", "xxmc"),
    "allocation": ("allocation", "入学方式", "招生方式", "招生类型", "rxfs", "zsfs",
                   "admission", "admission_type", "enrolment", "enrollment"),
    "description": ("description", "划片范围", "范围描述", "范围", "招生范围", "hpfw", "fwms",
                    "desc", "scope", "boundary_description", "coverage"),
    "address_rules": ("address_rules", "门牌规则", "地址规则", "rules", "address_rule",
                      "house_number_rules", "mpgz"),
}
# What staff see for each target: the UI's own words, never the internal names.
TARGET_LABELS = {"zone_id": N_("学区编号"), "level": N_("学段"),
                 "school_codes": N_("学校代码"), "school_names": N_("学校名称"),
                 "allocation": N_("入学方式"),
                 "description": N_("划片范围"), "address_rules": N_("门牌规则")}
_LEVEL_WORDS = {"小学": "primary", "初中": "middle", "中学": "middle"}
_ALLOCATION_WORDS = {"对口": "direct", "对口入学": "direct", "多校划片": "lottery",
                     "派位": "lottery"}
# School codes in one cell: commas, semicolons, 顿号, bars or spaces, half- or full-width.
SCHOOL_CODE_SEPARATORS = re.compile(r"[,，;；、|\s]+")

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class FieldMapping:
    """Which column feeds each target. `level` may instead be a constant for the file."""

    zone_id: str
    school_codes: str | None = None
    school_names: str | None = None  # resolved to codes by `resolve_school_names`
    level: str | None = None
    allocation: str | None = None
    description: str | None = None
    address_rules: str | None = None
    level_value: str | None = None

    @classmethod
    def from_dict(cls, data: dict, columns: list[str]) -> FieldMapping:
        chosen = {k: (data.get(k) or None) for k in TARGETS}
        for target in REQUIRED:
            if not chosen[target]:
                raise InvalidParameter(N_("请为“%(target)s”选择一个字段。"), field=target,
                                       target=TARGET_LABELS[target])
        if not chosen["school_codes"] and not chosen["school_names"]:
            raise InvalidParameter(N_("请为“学校代码”或“学校名称”选择一个字段。"),
                                   field="school_codes")
        for target, column in chosen.items():
            if column and column not in columns:
                raise InvalidParameter(N_("文件里没有字段 %(column)s。"), field=target,
                                       column=str(column)[:40])
        level_value = data.get("level_value") or None
        if not chosen["level"] and level_value not in LEVELS:
            raise InvalidParameter(N_("请选择学段字段，或指定整个文件的学段。"), field="level")
        return cls(**chosen, level_value=level_value)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _plain(name: str) -> str:
    """A column name compared loosely: case, spaces, underscores and hyphens do not count."""
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def guess_mapping(columns: list[str]) -> dict:
    plain = {}
    for column in columns:
        plain.setdefault(_plain(column), column)
    found = {}
    for target, names in _GUESSES.items():
        found[target] = next((plain[_plain(n)] for n in names if _plain(n) in plain), None)
    return found


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_list(value) -> bool:
    """A list cell: JSON arrays arrive from GDAL as lists or NumPy arrays."""
    return isinstance(value, (list, tuple)) or getattr(value, "ndim", 0) == 1


def _codes(value) -> tuple[str, ...]:
    cells = value if _is_list(value) else [_text(value).strip("[]")]
    return tuple(code.strip(" '\"") for cell in cells
                 for code in SCHOOL_CODE_SEPARATORS.split(str(cell)) if code.strip(" '\""))


def _rules(value) -> tuple[AddressRule, ...]:
    if _is_list(value):
        data = list(value)
    else:
        text = _text(value)
        if not text:
            return ()
        try:
            data = json.loads(text)
        except ValueError:
            return ()  # the report flags zones whose rules could not be read
    return tuple(AddressRule.from_dict(r) for r in data if isinstance(r, dict))


def default_allocation(school_codes: tuple[str, ...]) -> str:
    """A zone whose file says nothing: one school is 对口 (direct); several schools for one
    zone is 多校划片 (lottery), which is what a bureau means by listing them together."""
    return "lottery" if len(school_codes) > 1 else "direct"


def zones_from_frame(frame: pd.DataFrame, mapping: FieldMapping) -> list[Zone]:
    zones = []
    for record, geometry in zip(frame.drop(columns="geometry").to_dict("records"),
                                frame.geometry.values, strict=True):
        level = _text(record.get(mapping.level)) if mapping.level else mapping.level_value
        allocation = _text(record.get(mapping.allocation)) if mapping.allocation else ""
        codes = _codes(record.get(mapping.school_codes)) if mapping.school_codes else ()
        # Names stand in for missing codes (resolve_school_names), also for the default.
        listed = codes or (_codes(record.get(mapping.school_names))
                           if mapping.school_names else ())
        zones.append(Zone(
            zone_id=_text(record.get(mapping.zone_id)),
            level=_LEVEL_WORDS.get(level, level),
            school_codes=codes,
            allocation=_ALLOCATION_WORDS.get(allocation, allocation) or default_allocation(listed),
            description=_text(record.get(mapping.description)) if mapping.description else "",
            geometry=geometry if geometry is not None else shapely.Polygon(),
            address_rules=_rules(record.get(mapping.address_rules))
            if mapping.address_rules else ()))
    return zones


def _name_key(name: str) -> str:
    """A school name compared loosely: full- and half-width forms, spaces and case do not
    count (NFKC turns （示例） into (示例))."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def school_names_of(frame: pd.DataFrame, mapping: FieldMapping) -> list[tuple[str, ...]]:
    """The school names of each row, as listed in the mapped column (empty without one)."""
    if not mapping.school_names:
        return [()] * len(frame)
    return [_codes(value) for value in frame[mapping.school_names]]


def resolve_school_names(zones: list[Zone], names: list[tuple[str, ...]],
                         schools: dict[str, School]) -> tuple[list[Zone], list[Finding]]:
    """Zones without school codes get them from their school names: exactly one school of
    the district has that name (after `_name_key`), or one of those that do serves the
    zone's level. Codes in the file win over names. An unknown name, or one that fits
    several schools, is a blocking finding naming the row (features counted from 1)."""
    by_name: dict[str, list[School]] = {}
    for school in schools.values():
        by_name.setdefault(_name_key(school.name), []).append(school)
    out, findings = [], []
    for row, (zone, row_names) in enumerate(zip(zones, names, strict=True), start=1):
        if zone.school_codes or not row_names:
            out.append(zone)
            continue
        codes = []
        for name in row_names:
            found = by_name.get(_name_key(name), [])
            if len(found) > 1:
                found = [s for s in found if s.serves(zone.level)] or found
            if len(found) == 1:
                codes.append(found[0].code)
                continue
            values = {"row": row, "zone": zone.zone_id, "name": name[:40]}
            if found:
                findings.append(_located(zone, Finding("ambiguous_school_name", BLOCKING, N_(
                    "第 %(row)s 行（学区 %(zone)s）的学校名称“%(name)s”对应多所学校"
                    "（%(codes)s），请改填学校代码。"),
                    {**values, "codes": "、".join(s.code for s in found)})))
            else:
                findings.append(_located(zone, Finding("unknown_school_name", BLOCKING, N_(
                    "第 %(row)s 行（学区 %(zone)s）的学校名称“%(name)s”不在本区的学校名单里："
                    "请核对名称，或改填学校代码。"), values)))
        out.append(replace(zone, school_codes=tuple(codes)))
    return out, findings


def _located(zone: Zone, finding: Finding) -> Finding:
    finding.zone_id, finding.level = zone.zone_id, zone.level
    geometry = zone.geometry
    if geometry is not None and not geometry.is_empty:
        try:
            spot = geometry.representative_point()
            if abs(spot.x) <= 180 and abs(spot.y) <= 90:
                finding.lng, finding.lat = round(spot.x, 6), round(spot.y, 6)
        except shapely.errors.GEOSException:
            pass
    return finding
