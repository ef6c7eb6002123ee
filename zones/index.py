"""In-memory spatial index of one zone set, and point lookup against it (docs/ZONES.md).

Geometry is held in the district's metric CRS so that the 15 m boundary rule is measured
in metres. Points arrive checked (`gis.point.WGS84Point`, parsed at the edge).
One STRtree per level; a lookup is a `dwithin` tree query, not a database round trip.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gis import crs
from gis.point import WGS84Point
from zones.grid import GridFrame, exterior_cells, interior_cells
from zones.model import LEVELS, AddressFacts, Level, Zone, ZoneSet

BOUNDARY_TOLERANCE_M = 15.0
# Reprojection round-off (well under a millimetre) must not push a point that lies exactly
# on an edge or vertex out of its zone, so "covers" is taken to within a centimetre.
EDGE_EPSILON_M = 0.01
GRID_CELL_M = 25.0

# Statuses, the most cautious first: the overall status is the first one any level has.
STATUS_ORDER = ("outside_district", "boundary", "unzoned", "assigned")


@dataclass(frozen=True)
class ZoneMatch:
    zone: Zone
    matched_by: str  # "geometry" | "rule"
    distance_m: float = 0.0


@dataclass(frozen=True)
class LevelResult:
    status: str
    matches: tuple[ZoneMatch, ...] = ()


@dataclass(frozen=True)
class PointResult:
    status: str
    lng: float
    lat: float
    levels: dict[str, LevelResult] = field(default_factory=dict)


def overall_status(statuses: list[str]) -> str:
    return min(statuses, key=STATUS_ORDER.index)


class _LevelIndex:
    def __init__(self, zones: list[Zone], frame: GridFrame, metric_crs: str,
                 known_cells: dict[bytes, np.ndarray] | None = None):
        self.zones = zones
        self.geoms = np.array([crs.transform_geometry(z.geometry, crs.WGS84, metric_crs)
                               for z in zones], dtype=object)
        shapely.prepare(self.geoms)
        # The tree holds envelopes grown by the tolerance: a plain (bounding box) query then
        # returns every zone that could be within 15 m, and prepared `dwithin` decides.
        t = BOUNDARY_TOLERANCE_M
        bounds = shapely.bounds(self.geoms).reshape(-1, 4)
        self.tree = shapely.STRtree(shapely.box(bounds[:, 0] - t, bounds[:, 1] - t,
                                                bounds[:, 2] + t, bounds[:, 3] + t))
        # (each zone's grid cells, by geometry, for the next version's index to reuse)
        self.interior, self.cells_by_geometry = interior_cells(frame, self.geoms, t,
                                                               known_cells)
        self.include_by_street: dict[str, list[tuple]] = {}
        self.include_by_xiaoqu: dict[str, list[Zone]] = {}
        self.exclude_by_xiaoqu: dict[str, set[str]] = {}
        for zone in zones:
            for rule in zone.address_rules:
                if rule.xiaoqu is None:
                    self.include_by_street.setdefault(rule.street, []).append((rule, zone))
                elif rule.mode == "include":
                    self.include_by_xiaoqu.setdefault(rule.xiaoqu, []).append(zone)
                else:
                    self.exclude_by_xiaoqu.setdefault(rule.xiaoqu, set()).add(zone.zone_id)

    def rule_zones(self, facts: AddressFacts) -> list[Zone]:
        found = [zone for rule, zone in self.include_by_street.get(facts.street, ())
                 if rule.matches(facts.street, facts.number, facts.xiaoqu)]
        if facts.xiaoqu:
            found += self.include_by_xiaoqu.get(facts.xiaoqu, [])
        return list({z.zone_id: z for z in found}.values())

    def lookup(self, x: float, y: float, cell: int, facts: AddressFacts | None
               ) -> LevelResult:
        excluded: set[str] = set()
        if facts is not None:
            by_rule = self.rule_zones(facts)
            if len(by_rule) == 1:
                return LevelResult("assigned", (ZoneMatch(by_rule[0], "rule"),))
            if len(by_rule) > 1:  # two published rules claim the address: never guess
                return LevelResult("boundary", tuple(ZoneMatch(z, "rule") for z in by_rule))
            excluded = self.exclude_by_xiaoqu.get(facts.xiaoqu, set()) if facts.xiaoqu \
                else set()
        owner = self.interior[cell] if cell >= 0 else -1
        if owner >= 0 and self.zones[owner].zone_id not in excluded:
            return LevelResult("assigned", (ZoneMatch(self.zones[owner], "geometry"),))
        point = shapely.Point(x, y)
        candidates = [i for i in self.tree.query(point)
                      if self.zones[i].zone_id not in excluded]
        near = np.asarray(candidates, dtype=np.int64)
        near = near[shapely.dwithin(self.geoms[near], point, BOUNDARY_TOLERANCE_M)]
        if len(near) == 0:
            return LevelResult("unzoned")
        distances = shapely.distance(self.geoms[near], point)
        matches = tuple(ZoneMatch(self.zones[i], "geometry", float(d))
                        for d, i in sorted(zip(distances, near.tolist(), strict=True)))
        if len(matches) > 1:
            return LevelResult("boundary", matches)
        if matches[0].distance_m > EDGE_EPSILON_M:  # near a zone, but in no zone
            return LevelResult("unzoned")
        return LevelResult("assigned", matches)

    def assign_exact(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised: for each point, the covering zone's position (-1 if none) and whether
        a second zone lies within the boundary tolerance."""
        point_idx, tree_idx = self.tree.query(points)
        near = shapely.dwithin(self.geoms[tree_idx], points[point_idx], BOUNDARY_TOLERANCE_M)
        point_idx, tree_idx = point_idx[near], tree_idx[near]
        counts = np.bincount(point_idx, minlength=len(points))
        zone_pos = np.full(len(points), -1, dtype=np.int64)
        single = counts[point_idx] == 1
        point_idx, tree_idx = point_idx[single], tree_idx[single]
        covered = shapely.dwithin(self.geoms[tree_idx], points[point_idx], EDGE_EPSILON_M)
        zone_pos[point_idx[covered]] = tree_idx[covered]
        return zone_pos, counts > 1


class ZoneIndex:
    """The published (or any) zone set, ready for lookups.

    `metric_crs` is the district profile's; by default the 3-degree zone of the district."""

    def __init__(self, zone_set: ZoneSet, district: BaseGeometry,
                 cell_size_m: float = GRID_CELL_M, metric_crs: str | None = None,
                 previous: ZoneIndex | None = None):
        """`previous`, an index of another version over the same district: what does not
        depend on the zones that changed is taken from it (a publish rebuilds in every
        worker, so this is the time a publish takes to reach them)."""
        self.zone_set = zone_set
        self.metric_crs = metric_crs or crs.metric_crs_for(district)
        self.district = crs.transform_geometry(district, crs.WGS84, self.metric_crs)
        shapely.prepare(self.district)
        self.frame = GridFrame.covering(self.district.bounds, cell_size_m)
        if previous is not None and not (previous.frame == self.frame
                                         and previous.metric_crs == self.metric_crs
                                         and previous.district.equals_exact(self.district, 0)):
            previous = None
        self.exterior = previous.exterior if previous else exterior_cells(self.frame,
                                                                          self.district)
        self.levels = {level: _LevelIndex(
            [z for z in zone_set.zones if z.level == level], self.frame, self.metric_crs,
            previous.levels[level].cells_by_geometry if previous else None)
            for level in LEVELS}
        self.zones_by_id = {z.zone_id: z for z in zone_set.zones}
        self._project = crs.transformer(crs.WGS84, self.metric_crs).transform

    def lookup(self, point: WGS84Point, facts: AddressFacts | None = None,
               levels: tuple[Level, ...] = LEVELS) -> PointResult:
        lat, lng = point.lat, point.lng
        x, y = self._project(lng, lat)
        # Half a world away, the district's Gauss-Kruger projection gives infinity.
        projected = math.isfinite(x) and math.isfinite(y)
        cell = self.frame.cell(x, y) if projected else -1
        in_a_zone_core = cell >= 0 and any(self.levels[lv].interior[cell] >= 0 for lv in levels)
        if not in_a_zone_core and not (projected and self.district.dwithin(
                shapely.Point(x, y), EDGE_EPSILON_M)):
            results = {level: LevelResult("outside_district") for level in levels}
            return PointResult("outside_district", lng, lat, results)
        results = {level: self.levels[level].lookup(x, y, cell, facts) for level in levels}
        return PointResult(overall_status([r.status for r in results.values()]),
                           lng, lat, results)

    def assign_points(self, lng: np.ndarray, lat: np.ndarray, level: Level
                      ) -> tuple[np.ndarray, np.ndarray]:
        """Batch assignment: the zone id of each point (None when not assigned) and a
        boolean array marking boundary cases. Vectorised end to end: the grid settles most
        points, and only the rest become geometries for the exact test."""
        x, y = crs.to_metric(np.asarray(lng, dtype=float), np.asarray(lat, dtype=float),
                             self.metric_crs)
        level_index = self.levels[level]
        cells = self.frame.cells(x, y)
        safe_cells = np.maximum(cells, 0)
        zone_pos = np.where(cells >= 0, level_index.interior[safe_cells], -1)
        outside = (cells < 0) | self.exterior[safe_cells]
        boundary = np.zeros(len(zone_pos), dtype=bool)
        rest = np.flatnonzero((zone_pos < 0) & ~outside)
        points = shapely.points(x[rest], y[rest])
        inside = shapely.dwithin(self.district, points, EDGE_EPSILON_M)
        rest_pos, rest_boundary = level_index.assign_exact(points)
        zone_pos[rest] = np.where(inside, rest_pos, -1)
        boundary[rest] = rest_boundary & inside
        zone_ids = np.array([z.zone_id for z in level_index.zones] + [None], dtype=object)
        return zone_ids[zone_pos], boundary

    def outside_points(self, lng: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Vectorised: which points lie outside the district outline (beyond 1 cm). The
        grid settles most; only points in edge cells are tested against the outline."""
        x, y = crs.to_metric(np.asarray(lng, dtype=float), np.asarray(lat, dtype=float),
                             self.metric_crs)
        finite = np.isfinite(x) & np.isfinite(y)
        x, y = np.where(finite, x, 0.0), np.where(finite, y, 0.0)
        cells = np.where(finite, self.frame.cells(x, y), -1)
        safe = np.maximum(cells, 0)
        inside_core = (cells >= 0) & np.any(
            [self.levels[lv].interior[safe] >= 0 for lv in LEVELS], axis=0)
        outside = (cells < 0) | self.exterior[safe]
        rest = np.flatnonzero(~inside_core & ~outside)
        outside[rest] = ~shapely.dwithin(self.district, shapely.points(x[rest], y[rest]),
                                         EDGE_EPSILON_M)
        return outside & ~inside_core
