"""The validation report of an uploaded zone set: every finding is blocking or a warning,
carries a location (WGS84) for the map, and is JSON-able. Areas are m² in the district's
3-degree Gauss-Kruger zone.

Validation runs against a deadline, checked between steps: a hostile or absurd file (a
million vertices) stops at the time limit with a blocking `timed_out` finding. One slow
call is not stopped by it: staff checks therefore run in a child process that is killed at
the limit (zones.child, zones.jobs).
"""
from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gis import crs
from gis.geojson import feature
from zones.errors import N_
from zones.model import ALLOCATIONS, LEVELS, School, Zone

SLIVER_M2 = 50.0
AREA_TOLERANCE_M2 = 1.0
RULE_DISTANCE_M = 100.0  # a street rule settles numbers on a boundary street
# A 小区 rule moves a whole 小区 across a boundary, so it may sit a block away.
XIAOQU_RULE_DISTANCE_M = 500.0
DEFAULT_TIME_LIMIT_S = 60.0
BLOCKING, WARNING = "blocking", "warning"


class TimeLimitExceeded(Exception):
    pass


class Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self.seconds = seconds
        self.ends = clock() + seconds

    def check(self) -> None:
        if self._clock() > self.ends:
            raise TimeLimitExceeded


@dataclass
class Finding:
    code: str
    severity: str
    message: str  # a Chinese template, filled from params
    params: dict = field(default_factory=dict)
    zone_id: str | None = None
    level: str | None = None
    lng: float | None = None
    lat: float | None = None
    area_m2: float | None = None
    geometry: BaseGeometry | None = None  # WGS84: the spot or region to draw
    repairable: bool = False
    acceptable: bool = False  # blocking, but a publisher may accept it with a reason
    # Where the checks found it, in metres; `validate` turns these into lng/lat and geometry.
    metric_spot: BaseGeometry | None = field(default=None, repr=False, compare=False)
    metric_region: BaseGeometry | None = field(default=None, repr=False, compare=False)

    def to_dict(self, translate: Callable[[str], str] = lambda s: s) -> dict:
        text = translate(self.message)
        # Labels among the parameters (小学, 初中) are catalogue strings too.
        params = {k: translate(v) if isinstance(v, str) else _finite(v)
                  for k, v in self.params.items()}
        out = {"code": self.code, "severity": self.severity,
               "message": text % params if params else text,
               "zone_id": self.zone_id, "level": self.level, "lng": _finite(self.lng),
               "lat": _finite(self.lat), "area_m2": _finite(self.area_m2),
               "repairable": self.repairable,
               "acceptable": self.acceptable}
        if self.geometry is not None and not self.geometry.is_empty \
                and np.isfinite(shapely.total_bounds(self.geometry)).all():
            out["geometry"] = feature(self.geometry, {})["geometry"]
        return out


    def to_record(self) -> dict:
        """The finding as JSON to keep (a background job's result): the message stays a
        template, translated when shown."""
        data = {k: _json_value(getattr(self, k)) for k in RECORD_FIELDS}
        data["params"] = {k: _json_value(v) for k, v in self.params.items()}
        if self.geometry is not None and not self.geometry.is_empty \
                and np.isfinite(shapely.total_bounds(self.geometry)).all():
            data["geometry"] = shapely.to_geojson(self.geometry)
        return data

    @classmethod
    def from_record(cls, data: dict) -> Finding:
        geometry = shapely.from_geojson(data["geometry"]) if data.get("geometry") else None
        return cls(**{k: data.get(k) for k in RECORD_FIELDS}, params=data.get("params", {}),
                   geometry=geometry)


RECORD_FIELDS = ("code", "severity", "message", "zone_id", "level", "lng", "lat", "area_m2",
                 "repairable", "acceptable")


def _finite(value):
    """JSON has no Infinity or NaN: such a number is reported as unknown (null)."""
    if isinstance(value, float | np.floating) and not np.isfinite(value):
        return None
    return value


def _json_value(value):
    """A plain JSON value: NumPy numbers as Python numbers, no Infinity or NaN."""
    if isinstance(value, np.generic):
        value = value.item()
    return _finite(value) if isinstance(value, int | float | str | bool | None) else str(value)


@dataclass(frozen=True)
class Note:
    """One sentence of the report that is not a problem (zones.partial: what the draft
    took over from the published version)."""

    message: str
    params: dict

    def to_dict(self, translate=lambda s: s) -> dict:
        params = {k: translate(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return {"message": translate(self.message) % params}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    zones: int = 0
    timed_out: bool = False
    seconds: float = 0.0
    notes: list[Note] = field(default_factory=list)  # what the draft took over

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == BLOCKING]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.blocking

    @property
    def needs_acceptance(self) -> bool:
        """Blocking only by findings a publisher may accept."""
        return bool(self.blocking) and all(f.acceptable for f in self.blocking)

    @property
    def repairable(self) -> bool:
        return any(f.repairable for f in self.findings)

    def to_dict(self, translate: Callable[[str], str] = lambda s: s) -> dict:
        return {"ok": self.ok, "zones": self.zones, "blocking": len(self.blocking),
                "warnings": len(self.warnings), "timed_out": self.timed_out,
                "seconds": round(self.seconds, 2), "repairable": self.repairable,
                "needs_acceptance": self.needs_acceptance,
                "notes": [n.to_dict(translate) for n in self.notes],
                "findings": [f.to_dict(translate) for f in self.findings]}

    def to_record(self) -> dict:
        """The report as JSON to keep, its messages still templates (see Finding)."""
        return {"zones": self.zones, "timed_out": self.timed_out,
                "seconds": round(self.seconds, 2),
                "notes": [{"message": n.message, "params": {k: _json_value(v) for k, v in
                                                            n.params.items()}}
                          for n in self.notes],
                "findings": [f.to_record() for f in self.findings]}

    @classmethod
    def from_record(cls, data: dict) -> Report:
        return cls(findings=[Finding.from_record(f) for f in data["findings"]],
                   zones=data["zones"], timed_out=data["timed_out"], seconds=data["seconds"],
                   notes=[Note(n["message"], n["params"]) for n in data["notes"]])


def _at(finding: Finding, metric_geom: BaseGeometry | None) -> Finding:
    """Locate a finding at a point of `metric_geom` (and keep the region)."""
    if metric_geom is not None and not metric_geom.is_empty:
        finding.metric_spot = shapely.point_on_surface(metric_geom)
        if finding.metric_region is None:
            finding.metric_region = metric_geom
    return finding


def _locate(finding: Finding, metric_crs: str) -> Finding:
    """The finding's spot and region in WGS84, from the metres the checks worked in."""
    if finding.metric_spot is not None:
        lng, lat = crs.from_metric(finding.metric_spot.x, finding.metric_spot.y, metric_crs)
        finding.lng, finding.lat = round(float(lng), 6), round(float(lat), 6)
    if finding.metric_region is not None and finding.geometry is None:
        finding.geometry = crs.transform_geometry(finding.metric_region, metric_crs, crs.WGS84)
    finding.metric_spot = finding.metric_region = None
    return finding


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def repair(zones: list[Zone]) -> list[Zone]:
    """The zones with invalid geometry repaired by `make_valid` (polygonal parts kept)."""
    out = []
    for zone in zones:
        geom = zone.geometry
        if not shapely.is_valid(geom):
            geom = _polygonal(shapely.make_valid(geom))
        out.append(Zone(zone.zone_id, zone.level, zone.school_codes, zone.allocation,
                        zone.description, geom, zone.address_rules))
    return out


def _check_attributes(zones: list[Zone], schools: dict[str, School]) -> Iterable[Finding]:
    counts = Counter((z.level, z.zone_id) for z in zones)
    for zone in zones:
        base = {"zone_id": zone.zone_id or None, "level": zone.level}
        if not zone.zone_id:
            yield Finding("missing_zone_id", BLOCKING, N_("有学区缺少编号。"), **base)
        elif counts[(zone.level, zone.zone_id)] > 1:
            yield Finding("duplicate_zone_id", BLOCKING, N_("学区编号 %(zone)s 重复。"),
                          {"zone": zone.zone_id}, **base)
        if zone.level not in LEVELS:
            yield Finding("invalid_level", BLOCKING,
                          N_("学区 %(zone)s 的学段无效：%(value)s（应为 primary 或 middle）。"),
                          {"zone": zone.zone_id, "value": str(zone.level)[:20]}, **base)
        if zone.allocation not in ALLOCATIONS:
            yield Finding("invalid_allocation", BLOCKING,
                          N_("学区 %(zone)s 的入学方式无效：%(value)s。"),
                          {"zone": zone.zone_id, "value": zone.allocation[:20]}, **base)
        if not zone.school_codes:
            yield Finding("no_school", BLOCKING, N_("学区 %(zone)s 没有对应学校。"),
                          {"zone": zone.zone_id}, **base)
        if len(set(zone.school_codes)) < len(zone.school_codes):
            yield Finding("duplicate_school_code", BLOCKING,
                          N_("学区 %(zone)s 重复列出了同一所学校。"), {"zone": zone.zone_id},
                          **base)
        for code in zone.school_codes:
            school = schools.get(code)
            if school is None:
                yield Finding("unknown_school", BLOCKING,
                              N_("学区 %(zone)s 引用了不存在的学校代码 %(code)s。"),
                              {"zone": zone.zone_id, "code": code[:32]}, **base)
            elif zone.level in LEVELS and not school.serves(zone.level):
                yield Finding("school_level_mismatch", BLOCKING,
                              N_("学校 %(code)s 不招收学区 %(zone)s 的学段。"),
                              {"zone": zone.zone_id, "code": code}, **base)
        if not zone.description.strip():
            yield Finding("missing_description", BLOCKING,
                          N_("学区 %(zone)s 缺少划片范围文字（这是对外公布的法定描述）。"),
                          {"zone": zone.zone_id}, **base)
        elif _probably_cut(zone.description):
            yield Finding("description_cut", WARNING, N_(
                "学区 %(zone)s 的划片范围正好达到 Shapefile 文字字段的长度上限，很可能被截断了"
                "（Shapefile 的文字字段最多只能存 254 个字节）。请核对全文，必要时改用 "
                "GeoPackage 或 GeoJSON 上传。"), {"zone": zone.zone_id}, **base)


SHAPEFILE_TEXT_BYTES = 254


def _probably_cut(text: str) -> bool:
    """A text exactly as long as a Shapefile text field holds (in characters, or in bytes
    of the usual encodings) was most likely cut to fit."""
    if len(text) == SHAPEFILE_TEXT_BYTES:
        return True
    for encoding in ("gbk", "utf-8"):
        try:
            size = len(text.encode(encoding))
        except UnicodeEncodeError:
            continue
        # A cut inside a multibyte character drops its first bytes too.
        if SHAPEFILE_TEXT_BYTES - (1 if encoding == "gbk" else 2) <= size <= SHAPEFILE_TEXT_BYTES:
            return True
    return False


def _self_intersection(reason: str) -> BaseGeometry | None:
    match = re.search(r"\[\s*([-\d.eE+]+)\s+([-\d.eE+]+)", reason)
    return shapely.Point(float(match.group(1)), float(match.group(2))) if match else None


def _check_geometry(zones: list[Zone], metric: np.ndarray, district: BaseGeometry,
                    deadline: Deadline, unusable: set[int] = frozenset()) -> list[Finding]:
    near_district = shapely.buffer(district, 0.5)  # reprojection round-off is not "outside"
    shapely.prepare(near_district)
    findings = []
    for i, (zone, geom) in enumerate(zip(zones, metric, strict=True)):
        deadline.check()
        if i in unusable:
            continue
        try:
            findings.extend(_zone_geometry(zone, geom, district, near_district))
        except GEOMETRY_ERRORS:
            findings.append(Finding("unreadable_geometry", BLOCKING, N_(
                "学区 %(zone)s 的边界无法处理（点的数值或顺序有误），请检查后重新上传。"),
                {"zone": zone.zone_id}, zone_id=zone.zone_id, level=zone.level))
    return findings


# What GEOS says is wrong with a polygon, in words a clerk knows.
_INVALID_REASONS = {"Self-intersection": N_("边界自相交"),
                    "Ring Self-intersection": N_("边界线绕回自身"),
                    "Too few points": N_("边界的点太少，不成一个面"),
                    "Hole lies outside shell": N_("内部的洞在边界之外"),
                    "Nested shells": N_("一个面套在另一个面里"),
                    "Interior is disconnected": N_("面被内部的洞分成了几块"),
                    "Duplicate Rings": N_("同一条边界重复出现"),
                    "Invalid Coordinate": N_("有无效的坐标值"),
                    "Ring is not closed": N_("边界没有闭合")}


def _reason_words(reason: str) -> str:
    return next((words for key, words in _INVALID_REASONS.items() if reason.startswith(key)),
                N_("边界形状有误"))


def _zone_geometry(zone: Zone, geom, district, near_district) -> Iterable[Finding]:
    base = {"zone_id": zone.zone_id, "level": zone.level}
    if geom is None or geom.is_empty:
        yield Finding("empty_geometry", BLOCKING, N_("学区 %(zone)s 没有几何图形。"),
                      {"zone": zone.zone_id}, **base)
        return
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        yield _at(Finding("not_polygon", BLOCKING,
                          N_("学区 %(zone)s 不是面要素（是 %(kind)s）。"),
                          {"zone": zone.zone_id, "kind": geom.geom_type}, **base), geom)
        return
    if not shapely.is_valid(geom):
        reason = shapely.is_valid_reason(geom)
        spot = _self_intersection(reason)
        finding = Finding("invalid_geometry", BLOCKING, N_(
            "学区 %(zone)s 的边界无效（%(reason)s），可以勾选“自动修复”后重新校验。"),
            {"zone": zone.zone_id, "reason": _reason_words(reason)}, repairable=True,
            **base)
        if spot is not None:
            finding.metric_region = spot
        yield _at(finding, spot or geom)
        return
    if near_district.covers(geom):
        outside = shapely.Polygon()
    else:
        outside = shapely.difference(geom, district)
    if geom.area > 0 and outside.area >= geom.area - AREA_TOLERANCE_M2:
        yield _at(Finding("outside_district", BLOCKING, N_("学区 %(zone)s 完全在区界之外。"),
                          {"zone": zone.zone_id}, **base), geom)
    elif outside.area > AREA_TOLERANCE_M2:
        yield _at(Finding("partly_outside_district", WARNING, N_(
            "学区 %(zone)s 有 %(area)s 平方米超出区界。"),
            {"zone": zone.zone_id, "area": round(outside.area)},
            area_m2=round(outside.area, 1), **base), outside)
    for part in shapely.get_parts(geom):
        if part.area < SLIVER_M2:
            yield _at(Finding("sliver", WARNING, N_(
                "学区 %(zone)s 有一块面积只有 %(area)s 平方米的碎片。"),
                {"zone": zone.zone_id, "area": round(part.area, 1)},
                area_m2=round(part.area, 1), **base), part)


def _overlaps(zones: list[Zone], positions: list[int], geoms: np.ndarray, level: str,
              deadline: Deadline) -> Iterable[Finding]:
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for a, b in zip(left, right, strict=True):
        if a >= b:
            continue
        deadline.check()
        overlap = _polygonal(shapely.intersection(geoms[a], geoms[b]))
        if overlap.area <= AREA_TOLERANCE_M2:
            continue
        za, zb = zones[positions[a]], zones[positions[b]]
        severity = BLOCKING if overlap.area >= SLIVER_M2 else WARNING
        yield _at(Finding("overlap", severity, N_(
            "同学段学区 %(a)s 与 %(b)s 重叠 %(area)s 平方米。"),
            {"a": za.zone_id, "b": zb.zone_id, "area": round(overlap.area, 1)},
            zone_id=za.zone_id, level=level, area_m2=round(overlap.area, 1)), overlap)


def _check_level_cover(zones: list[Zone], metric: np.ndarray, district: BaseGeometry,
                       deadline: Deadline) -> Iterable[Finding]:
    usable = np.array([g is not None and not g.is_empty and g.geom_type in
                       ("Polygon", "MultiPolygon") for g in metric], dtype=bool)
    usable[usable] = shapely.is_valid(metric[usable])
    near_district = shapely.buffer(district, 0.5)
    shapely.prepare(near_district)
    for level in LEVELS:
        positions = [i for i, z in enumerate(zones) if z.level == level and usable[i]]
        if not positions:
            continue
        geoms = metric[positions]
        # Fast path for a clean partition (the usual case): the coverage union of zones
        # that do not overlap is valid and its area is the sum of theirs. Anything else
        # takes the pairwise overlay.
        try:
            union = shapely.coverage_union_all(geoms)
            clean = shapely.is_valid(union) and \
                abs(union.area - shapely.area(geoms).sum()) <= AREA_TOLERANCE_M2 * len(geoms)
        except shapely.errors.GEOSException:  # zones that overlap or share no nodes
            clean = False
        deadline.check()
        if not clean:
            yield from _overlaps(zones, positions, geoms, level, deadline)
            deadline.check()
            union = shapely.union_all(geoms)
        deadline.check()
        if shapely.covers(near_district, geoms).all() and \
                district.area - union.area <= AREA_TOLERANCE_M2:
            continue  # every zone is inside and together they fill the district
        gaps = shapely.difference(district, union)
        for gap in shapely.get_parts(_polygonal(gaps)):
            if gap.area <= AREA_TOLERANCE_M2:
                continue
            sliver = gap.area < SLIVER_M2
            yield _at(Finding("sliver_gap" if sliver else "gap", WARNING, N_(
                "区界内有 %(area)s 平方米未划入任何%(level)s学区。"),
                {"area": round(gap.area, 1),
                 "level": N_("小学") if level == "primary" else N_("初中")},
                level=level, area_m2=round(gap.area, 1)), gap)


def _check_rules(zones: list[Zone], metric: np.ndarray, metric_crs: str, places: list,
                 deadline: Deadline) -> Iterable[Finding]:
    by_street: dict[str, list] = {}
    by_xiaoqu: dict[str, list] = {}
    for place in places:
        if place.street and place.number is not None:
            by_street.setdefault(place.street, []).append(place)
        if place.xiaoqu:
            by_xiaoqu.setdefault(place.xiaoqu, []).append(place)
    for zone, geom in zip(zones, metric, strict=True):
        for rule in zone.address_rules:
            deadline.check()
            base = {"zone_id": zone.zone_id, "level": zone.level}
            if rule.xiaoqu is not None:
                matched = by_xiaoqu.get(rule.xiaoqu, [])
                label = rule.xiaoqu
            else:
                matched = [p for p in by_street.get(rule.street, ())
                           if rule.matches(p.street, p.number, None)]
                label = f"{rule.street} {rule.number_from or ''}–{rule.number_to or ''}" \
                        f" ({rule.parity})"
            if not matched:
                yield _at(Finding("rule_matches_nothing", WARNING, N_(
                    "学区 %(zone)s 的地址规则“%(rule)s”在地址库中找不到任何门牌或小区。"),
                    {"zone": zone.zone_id, "rule": label[:60]}, **base), geom)
                continue
            if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            x, y = crs.to_metric(np.array([p.lng for p in matched]),
                                 np.array([p.lat for p in matched]), metric_crs)
            distances = shapely.distance(geom, shapely.points(x, y))
            if not np.isfinite(distances).all():
                continue
            if rule.xiaoqu is not None and rule.mode == "exclude":
                if np.all(distances > RULE_DISTANCE_M):
                    yield _at(Finding("rule_exclude_far", WARNING, N_(
                        "学区 %(zone)s 排除了小区 %(rule)s，但该小区不在学区内，规则不起作用。"),
                        {"zone": zone.zone_id, "rule": label[:60]}, **base),
                        shapely.Point(x[0], y[0]))
                continue
            far = int(np.argmax(distances))
            limit = RULE_DISTANCE_M if rule.xiaoqu is None else XIAOQU_RULE_DISTANCE_M
            if distances[far] > limit:
                yield _at(Finding("rule_contradicts_geometry", WARNING, N_(
                    "学区 %(zone)s 的地址规则“%(rule)s”把 %(address)s 划入本学区，"
                    "但它距学区边界 %(distance)s 米。"),
                    {"zone": zone.zone_id, "rule": label[:60],
                     "address": matched[far].address, "distance": round(distances[far])},
                    **base), shapely.Point(x[far], y[far]))


GEOMETRY_ERRORS = (shapely.errors.GEOSException, ValueError, OverflowError, FloatingPointError)


def _coordinate_problem(zone: Zone, district_bounds) -> Finding | None:
    """Numbers that are no longitude/latitude at all (absurd magnitudes, infinity), or the
    district's numbers with longitude and latitude swapped."""
    geom = zone.geometry
    if geom is None or geom.is_empty:
        return None
    base = {"zone_id": zone.zone_id, "level": zone.level}
    x0, y0, x1, y1 = shapely.total_bounds(geom)
    dx0, dy0, dx1, dy1 = district_bounds
    if dx0 <= y0 and y1 <= dx1 and dy0 <= x0 and x1 <= dy1:
        return Finding("swapped_coordinates", BLOCKING, N_(
            "学区 %(zone)s 的经度和纬度颠倒了：请在 GIS 软件里交换两者，或检查导出设置。"),
            {"zone": zone.zone_id}, lng=round(float((y0 + y1) / 2), 6),
            lat=round(float((x0 + x1) / 2), 6), **base)
    if not np.isfinite([x0, y0, x1, y1]).all() or max(abs(x0), abs(x1)) > 180 \
            or max(abs(y0), abs(y1)) > 90:
        biggest = max((v for v in (x0, y0, x1, y1) if np.isfinite(v)), key=abs, default=None)
        return Finding("coordinates_out_of_range", BLOCKING, N_(
            "学区 %(zone)s 的坐标不是有效的经纬度（出现了 %(value)s 这样的数值）："
            "可能选错了坐标系，或文件里有错误的点。"),
            {"zone": zone.zone_id, "value": f"{biggest:.6g}" if biggest is not None
             else "∞"}, **base)
    return None


def validate(zones: list[Zone], schools: dict[str, School], district: BaseGeometry,
             places: list = (), time_limit_s: float = DEFAULT_TIME_LIMIT_S,
             progress: Callable[[str], None] = lambda step: None) -> Report:
    """Check a candidate zone set; `district` is WGS84, `places` the gazetteer."""
    started = time.monotonic()
    deadline = Deadline(time_limit_s)
    report = Report(zones=len(zones))
    metric_crs = crs.metric_crs_for(district)
    try:
        progress("attributes")
        report.findings.extend(_check_attributes(zones, schools))
        metric_district = crs.transform_geometry(district, crs.WGS84, metric_crs)
        metric = np.empty(len(zones), dtype=object)
        bounds = shapely.bounds(district)
        unusable = set()
        for i, zone in enumerate(zones):
            deadline.check()
            problem = _coordinate_problem(zone, bounds)
            if problem is not None:
                report.findings.append(problem)
                unusable.add(i)
                continue
            metric[i] = crs.transform_geometry(zone.geometry, crs.WGS84, metric_crs)
        steps = (("geometry", N_("边界"), lambda: _check_geometry(
                     zones, metric, metric_district, deadline, unusable)),
                 ("coverage", N_("重叠与空隙"), lambda: _check_level_cover(
                     zones, metric, metric_district, deadline)),
                 ("rules", N_("门牌规则"), lambda: _check_rules(
                     zones, metric, metric_crs, list(places), deadline)))
        for step, label, run in steps:
            progress(step)
            try:
                report.findings.extend(run())
            except GEOMETRY_ERRORS:
                # A safety net: a geometry no check foresaw stops this step, not the report.
                report.findings.append(Finding("check_failed", BLOCKING, N_(
                    "“%(step)s”这一项没能检查完：文件里有无法处理的边界。请检查边界后重新上传。"),
                    {"step": label}))
    except TimeLimitExceeded:
        report.timed_out = True
        report.findings.append(Finding("timed_out", BLOCKING, N_(
            "校验超过了 %(seconds)s 秒的时间限制，已停止：文件可能过于复杂（顶点过多）。"
            "请简化边界后重新上传。"), {"seconds": round(time_limit_s)}))
    report.findings = [_locate(f, metric_crs) for f in report.findings]
    report.seconds = time.monotonic() - started
    return report
