"""The impact of a candidate zone set against the published one: which zones changed and
where, which gazetteer addresses change school (from → to, by 小区), and the change in
addresses per school. Assignment is vectorised (`ZoneIndex.assign_points`); address rules
are applied to the few addresses they can concern."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gis import crs
from gis.point import WGS84Point
from gis.geojson import feature, feature_collection
from gis.spreadsheet import csv_text
from zones.index import ZoneIndex
from zones.model import LEVELS, AddressFacts, Zone, ZoneSet

AREA_TOLERANCE_M2 = 1.0
CSV_COLUMNS = ("level", "address", "xiaoqu", "community", "subdistrict", "from_zone",
               "from_schools", "to_zone", "to_schools")


@dataclass
class ZoneChange:
    zone_id: str
    level: str
    kind: str  # "changed" | "added" | "removed"
    area_changed_m2: float
    region: BaseGeometry  # WGS84: the symmetric difference


@dataclass
class Impact:
    old_id: str | None
    new_id: str
    zone_changes: list[ZoneChange] = field(default_factory=list)
    moves: list[dict] = field(default_factory=list)
    addresses: int = 0

    def by_xiaoqu(self) -> list[dict]:
        """Moves grouped by 小区 (or street) and schools. A boundary case (no school: the
        address is within 15 m of a line) lists the zones on either side, for staff to
        settle by hand."""
        groups = Counter((m["level"], m["xiaoqu"] or m["street"] or "", m["from_schools"],
                          m["to_schools"], tuple(m.get("from_candidates", ())),
                          tuple(m.get("to_candidates", ()))) for m in self.moves)
        return [{"level": lv, "group": g, "from_schools": f, "to_schools": t, "count": n,
                 "from_candidates": _listed(fc), "to_candidates": _listed(tc)}
                for (lv, g, f, t, fc, tc), n in sorted(groups.items(), key=lambda kv: -kv[1])]

    def per_school(self) -> list[dict]:
        delta: dict[str, int] = defaultdict(int)
        for move in self.moves:
            for code in move["from_schools"].split("|"):
                if code:
                    delta[code] -= 1
            for code in move["to_schools"].split("|"):
                if code:
                    delta[code] += 1
        return [{"school": code, "delta": n} for code, n in sorted(delta.items()) if n]

    def summary(self) -> dict:
        """Counts only: safe for the public notice page."""
        return {"zones_changed": sum(c.kind == "changed" for c in self.zone_changes),
                "zones_added": sum(c.kind == "added" for c in self.zone_changes),
                "zones_removed": sum(c.kind == "removed" for c in self.zone_changes),
                "addresses_checked": self.addresses,
                "addresses_moved": len({m["address"] for m in self.moves}),
                "per_school": self.per_school()}

    def to_dict(self) -> dict:
        return {"old_version": self.old_id, "new_version": self.new_id, **self.summary(),
                "by_xiaoqu": self.by_xiaoqu(),
                "zone_changes": [{"zone_id": c.zone_id, "level": c.level, "kind": c.kind,
                                  "area_changed_m2": round(c.area_changed_m2, 1)}
                                 for c in self.zone_changes]}

    def regions_geojson(self) -> dict:
        return feature_collection(feature(c.region, {"zone_id": c.zone_id, "level": c.level,
                                                     "kind": c.kind,
                                                     "area_m2": round(c.area_changed_m2)})
                                  for c in self.zone_changes if not c.region.is_empty)

    def csv(self) -> str:
        # A BOM so that Excel reads the Chinese right; address texts are neutralised.
        return csv_text(CSV_COLUMNS, ([m.get(c, "") for c in CSV_COLUMNS] for m in self.moves))


def _listed(candidates) -> list[dict]:
    return [{"zone_id": zone_id, "schools": schools} for zone_id, schools in candidates]


def zone_changes(old: list[Zone], new: list[Zone]) -> list[ZoneChange]:
    before = {(z.level, z.zone_id): z for z in old}
    after = {(z.level, z.zone_id): z for z in new}
    keys = sorted(before.keys() | after.keys())
    # Unchanged zones (the most, in a yearly redraw) are recognised without any overlay.
    same = [k for k in keys if k in before and k in after
            and shapely.equals_exact(before[k].geometry, after[k].geometry)]
    keys = [k for k in keys if k not in set(same)]
    metric = {}
    metric_crs = crs.metric_crs_for([z.geometry for z in (*old, *new)]) if keys else None
    for side, zones in (("a", before), ("b", after)):
        present = [k for k in keys if k in zones]
        projected = crs.transform_geometry(
            np.array([zones[k].geometry for k in present], dtype=object), crs.WGS84,
            metric_crs) if present else []
        metric[side] = dict(zip(present, projected, strict=True))
    both = [k for k in keys if k in before and k in after]
    regions = dict(zip(both, shapely.symmetric_difference(
        np.array([metric["a"][k] for k in both], dtype=object),
        np.array([metric["b"][k] for k in both], dtype=object)), strict=True)) if both else {}
    changes = []
    for key in keys:
        if key in regions:
            region, kind = regions[key], "changed"
        else:
            region, kind = (metric["b"][key], "added") if key in after \
                else (metric["a"][key], "removed")
        if region.area > AREA_TOLERANCE_M2 or kind != "changed":
            changes.append(ZoneChange(key[1], key[0], kind, float(region.area),
                                      crs.transform_geometry(region, metric_crs, crs.WGS84)))
    return changes


def _assign(index: ZoneIndex, lng: np.ndarray, lat: np.ndarray, streets: np.ndarray,
            xiaoqu: np.ndarray, facts: list[AddressFacts], level: str
            ) -> tuple[np.ndarray, dict[int, tuple[tuple[str, str], ...]]]:
    """Each address's zone (None when none, or a boundary case), and for the boundary
    cases the zones in question: (zone id, school codes joined by "|"), nearest first."""
    zone_ids, boundary = index.assign_points(lng, lat, level)
    zone_ids = zone_ids.astype(object)
    zone_ids[boundary] = None  # boundary cases are never assigned silently
    candidates = {}
    level_index = index.levels[level]
    ruled_streets = list(level_index.include_by_street)
    ruled_xiaoqu = list(level_index.include_by_xiaoqu) + list(level_index.exclude_by_xiaoqu)
    # Address rules can only concern addresses on a ruled street or in a ruled 小区.
    ruled = np.isin(streets, ruled_streets) | np.isin(xiaoqu, ruled_xiaoqu)
    for i in np.flatnonzero(ruled):
        result = index.lookup(WGS84Point(float(lat[i]), float(lng[i])), facts=facts[i],
                              levels=(level,))
        matches = result.levels[level].matches
        zone_ids[i] = matches[0].zone.zone_id if result.status == "assigned" else None
        if result.status == "boundary":
            candidates[int(i)] = _candidates(matches)
    for i in np.flatnonzero(boundary):
        if int(i) not in candidates and zone_ids[i] is None:
            result = index.lookup(WGS84Point(float(lat[i]), float(lng[i])), levels=(level,))
            candidates[int(i)] = _candidates(result.levels[level].matches)
    return zone_ids, candidates


def _candidates(matches) -> tuple[tuple[str, str], ...]:
    return tuple((m.zone.zone_id, "|".join(m.zone.school_codes)) for m in matches)


def impact(new: ZoneSet, old: ZoneSet | None, district: BaseGeometry, places: list,
           new_index: ZoneIndex | None = None, old_index: ZoneIndex | None = None) -> Impact:
    """What publishing `new` in place of `old` changes (`places`: the gazetteer). Pass the
    published version's index as `old_index` when a process has it in memory already."""
    result = Impact(old_id=old.id if old else None, new_id=new.id, addresses=len(places))
    result.zone_changes = zone_changes(old.zones if old else [], new.zones)
    if old is None or not places:
        return result
    new_index = new_index or ZoneIndex(new, district)
    old_index = old_index or ZoneIndex(old, district)
    lng = np.array([p.lng for p in places], dtype=float)
    lat = np.array([p.lat for p in places], dtype=float)
    facts = [AddressFacts(p.street, p.number, p.xiaoqu) for p in places]
    streets = np.array([p.street or "" for p in places], dtype=object)
    xiaoqu = np.array([p.xiaoqu or "" for p in places], dtype=object)
    for level in LEVELS:
        before, before_candidates = _assign(old_index, lng, lat, streets, xiaoqu, facts,
                                            level)
        after, after_candidates = _assign(new_index, lng, lat, streets, xiaoqu, facts, level)
        schools_before = _schools(old_index, before, level)
        schools_after = _schools(new_index, after, level)
        for i in np.flatnonzero(schools_before != schools_after):
            place = places[i]
            result.moves.append({
                "level": level, "address": place.address, "xiaoqu": place.xiaoqu or "",
                "street": place.street or "", "community": place.community,
                "subdistrict": place.subdistrict, "from_zone": before[i] or "",
                "from_schools": schools_before[i], "to_zone": after[i] or "",
                "to_schools": schools_after[i],
                "from_candidates": before_candidates.get(int(i), ()),
                "to_candidates": after_candidates.get(int(i), ())})
    return result


def _schools(index: ZoneIndex, zone_ids: np.ndarray, level: str) -> np.ndarray:
    codes = {z.zone_id: "|".join(z.school_codes) for z in index.levels[level].zones}
    codes[None] = ""
    return np.array([codes.get(z, "") for z in zone_ids], dtype=object)
