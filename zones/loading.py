"""Turning plain records (GeoJSON properties, JSON) into domain objects, with checks."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from gis.geojson import read_features
from zones.errors import N_, InvalidData
from zones.model import ALLOCATIONS, LEVELS, SCHOOL_LEVELS, AddressRule, School, Zone


def school_from_dict(data: dict) -> School:
    if data.get("level") not in SCHOOL_LEVELS:
        raise InvalidData(N_("学校 %(code)s 的学段无效：%(level)s"), field="level",
                          code=data.get("code"), level=data.get("level"))
    cutoff = data.get("warning_cutoff")
    return School(code=data["code"], name=data["name"], level=data["level"],
                  address=data.get("address", ""), lng=data.get("lng"), lat=data.get("lat"),
                  phone=data.get("phone", ""), subdistrict=data.get("subdistrict", ""),
                  feeds=data.get("feeds"),
                  warning_cutoff=dt.date.fromisoformat(cutoff) if cutoff else None,
                  plan=data.get("plan"), plan_middle=data.get("plan_middle"))


def zone_from_feature(properties: dict, geometry: BaseGeometry) -> Zone:
    zone_id = str(properties.get("zone_id") or "")
    level = properties.get("level")
    allocation = properties.get("allocation") or "direct"
    codes = properties.get("school_codes") or []
    if isinstance(codes, str):
        codes = [c.strip() for c in codes.replace("，", ",").split(",") if c.strip()]
    if not zone_id:
        raise InvalidData(N_("有学区缺少编号（zone_id）。"), field="zone_id")
    if level not in LEVELS:
        raise InvalidData(N_("学区 %(zone)s 的学段无效：%(level)s"), field="level",
                          zone=zone_id, level=level)
    if allocation not in ALLOCATIONS:
        raise InvalidData(N_("学区 %(zone)s 的入学方式无效：%(value)s"), field="allocation",
                          zone=zone_id, value=allocation)
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise InvalidData(N_("学区 %(zone)s 不是面要素。"), field="geometry", zone=zone_id)
    return Zone(zone_id=zone_id, level=level, school_codes=tuple(codes), allocation=allocation,
                description=properties.get("description") or "", geometry=geometry,
                address_rules=tuple(AddressRule.from_dict(r)
                                    for r in properties.get("address_rules") or ()))


def read_zone_file(path: Path) -> list[Zone]:
    return [zone_from_feature(props, geom) for props, geom in read_features(path)]


def check_school_references(zones: list[Zone], schools: dict[str, School]) -> None:
    for zone in zones:
        for code in zone.school_codes:
            school = schools.get(code)
            if school is None or not school.serves(zone.level):
                raise InvalidData(N_("学区 %(zone)s 引用了不存在或学段不符的学校 %(code)s。"),
                                  field="school_codes", zone=zone.zone_id, code=code)
