"""Schools and zones of the sample district, built from the cells of the base partition.

The street grid is first grown into 9 middle-school areas, and each area is then grown into
2–3 primary zones around their schools, so the middle zones follow the feeding primary zones
by construction. The fringe and the townships get a few large fixed zones served by
nine-year schools (九年一贯制) and village-centre primary schools.
"""
from __future__ import annotations

from collections import deque
from itertools import permutations
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import Point

from data.sample_gazetteer import Place
from data.sample_geometry import SUBDISTRICT_NAMES, Partition, lnglat
from data.sample_names import RURAL_SCHOOLS, SAMPLE_MARK, short

N_MIDDLE_AREAS = 9  # in the street grid; one of them is shared by two middle schools
N_URBAN_PRIMARY = 21
PRIMARY_CLASS_SIZE, MIDDLE_CLASS_SIZE = 45, 50


@dataclass
class School:
    key: str  # internal id until the codes are given out
    level: str  # primary | middle | nine_year
    cell: int
    house: Place
    role: str = ""  # for the schools outside the grid: which fixed name to use
    feeds: str | None = None  # key of the middle / nine-year school
    code: str = ""
    name: str = ""
    phone: str = ""
    warning_cutoff: str | None = None
    plan: dict | None = None
    plan_middle: dict | None = None

    @property
    def point(self) -> Point:
        return self.house.point


@dataclass
class Zone:
    level: str
    cells: set[int]
    schools: list[str]  # keys
    allocation: str = "direct"
    kind: str = "core"  # core | fringe | rural
    home: int = -1  # the cell of its school, which must stay in the zone
    zone_id: str = ""
    rules: list[dict] = field(default_factory=list)
    description: str = ""


@dataclass
class Plan:
    schools: dict[str, School]
    primary: list[Zone]
    middle: list[Zone]

    def zone_of_cell(self, level: str) -> dict[int, Zone]:
        zones = self.primary if level == "primary" else self.middle
        return {c: z for z in zones for c in z.cells}


# ---- growing regions on the cell graph --------------------------------------------------

def _connected(p: Partition, cells: set[int]) -> bool:
    if not cells:
        return False
    start = min(cells)
    seen, todo = {start}, deque([start])
    while todo:
        for n in p.adjacency[todo.popleft()]:
            if n in cells and n not in seen:
                seen.add(n)
                todo.append(n)
    return seen == cells


def _seeds(p: Partition, cells: list[int], k: int, rng) -> list[int]:
    """k well-spread cells: area-weighted k-means on the cells, then the cell nearest each
    centre."""
    xy = np.array([[p.cells[c].rep.x, p.cells[c].rep.y] for c in cells])
    w = np.array([p.cells[c].area for c in cells])
    centers = xy[sorted(rng.sample(range(len(cells)), k))]
    for _ in range(30):
        label = np.argmin(((xy[:, None] - centers[None]) ** 2).sum(-1), axis=1)
        for j in range(k):
            if (label == j).any():
                centers[j] = np.average(xy[label == j], axis=0, weights=w[label == j])
    seeds: list[int] = []
    for center in centers:
        order = np.argsort(((xy - center) ** 2).sum(-1), kind="stable")
        seeds.append(next(cells[i] for i in order if cells[i] not in seeds))
    return seeds


def _grow(p: Partition, allowed: set[int], seeds: list[int]) -> list[set[int]]:
    """Grow regions from their seeds, always extending the smallest one by its nearest free
    neighbour: compact, contiguous regions that cover `allowed`."""
    regions = [{s} for s in seeds]
    area = [p.cells[s].area for s in seeds]
    owner = set(seeds)
    while len(owner) < len(allowed):
        for k in sorted(range(len(seeds)), key=lambda k: (area[k], k)):
            free = sorted({n for c in regions[k] for n in p.adjacency[c]
                           if n in allowed and n not in owner})
            if free:
                home = p.cells[seeds[k]].rep
                n = min(free, key=lambda n: (p.cells[n].rep.distance(home), n))
                regions[k].add(n)
                owner.add(n)
                area[k] += p.cells[n].area
                break
        else:
            raise RuntimeError("cells not connected")
    return regions


# ---- the plan ------------------------------------------------------------------------------

class _Builder:
    def __init__(self, p: Partition, houses: list[Place], rng):
        self.p, self.rng = p, rng
        self.houses_in: dict[int, list[Place]] = {}
        for h in houses:
            self.houses_in.setdefault(h.cell, []).append(h)
        self.used: set[str] = set()
        self.schools: dict[str, School] = {}

    def school(self, level: str, cells: list[int], role: str = "") -> School:
        """A school at a house of the first of `cells` that has a free one."""
        for c in cells:
            free = [h for h in self.houses_in.get(c, []) if h.address not in self.used]
            if free:
                house = self.rng.choice(free)
                break
        else:
            raise RuntimeError("no house for a school")
        self.used.add(house.address)
        key = f"{level[0]}{len(self.schools):02d}"
        self.schools[key] = School(key, level, house.cell, house, role)
        return self.schools[key]

    def near(self, cells: set[int], point: Point) -> list[int]:
        return sorted(cells, key=lambda c: (self.p.cells[c].rep.distance(point), c))


def build_plan(p: Partition, houses: list[Place], rng) -> Plan:
    b = _Builder(p, houses, rng)
    core = [c.idx for c in p.cells if c.kind == "core"]
    areas = _grow(p, set(core), _seeds(p, core, N_MIDDLE_AREAS, rng))
    by_size = sorted(range(len(areas)), key=lambda k: (-sum(p.cells[c].area for c in areas[k]),
                                                        k))
    n_primary = [2] * len(areas)
    for k in by_size[: N_URBAN_PRIMARY - 2 * len(areas)]:
        n_primary[k] += 1
    shared_area = by_size[0]  # the biggest area: two middle schools share it by lottery

    primary: list[Zone] = []
    middle: list[Zone] = []
    for k, area in enumerate(areas):
        cells = sorted(area)
        seeds = _seeds(p, cells, n_primary[k], rng)
        zones = [Zone("primary", z, []) for z in _grow(p, set(cells), seeds)]
        centre = _centroid(p, area)
        n_mid = 2 if k == shared_area else 1
        mids = []
        for cell in b.near(area, centre)[:n_mid]:
            mids.append(b.school("middle", [cell] + b.near(area, centre)))
        for i, (zone, seed) in enumerate(zip(zones, seeds, strict=True)):
            s = b.school("primary", [seed] + b.near(zone.cells, p.cells[seed].rep))
            s.feeds = mids[i % n_mid].key
            zone.schools, zone.home = [s.key], s.cell
        primary += zones
        middle.append(Zone("middle", set(area), [m.key for m in mids],
                           "lottery" if n_mid > 1 else "direct"))
    primary.append(_lottery_zone(p, primary, areas, shared_area, n_primary, rng))

    # The fringe: a primary school north of 吉林大路 feeding a nine-year school south of it.
    fringe = {name: {c.idx for c in p.cells if c.kind == "fringe"
                     and SUBDISTRICT_NAMES[c.subdistrict] == name}
              for name in ("长青街道", "东惠街道")}
    # The townships: a nine-year school in 英俊镇 and 劝农山镇, fed by the village-centre
    # primary schools of 四家乡 and 泉眼镇.
    towns = {SUBDISTRICT_NAMES[c.subdistrict]: {c.idx} for c in p.cells if c.kind == "rural"}
    for top, fed, kind in ((("东惠", fringe["东惠街道"]), ("长青", fringe["长青街道"]), "fringe"),
                           (("英俊镇", towns["英俊镇"]), ("四家乡", towns["四家乡"]), "rural"),
                           (("劝农山镇", towns["劝农山镇"]), ("泉眼镇", towns["泉眼镇"]), "rural")):
        (role_j, cells_j), (role_p, cells_p) = top, fed
        j = b.school("nine_year", b.near(cells_j, _centroid(p, cells_j)), role_j)
        s = b.school("primary", b.near(cells_p, _centroid(p, cells_p)), role_p)
        s.feeds = j.key
        primary.append(Zone("primary", set(cells_j), [j.key], kind=kind))
        primary.append(Zone("primary", set(cells_p), [s.key], kind=kind))
        middle.append(Zone("middle", cells_j | cells_p, [j.key], kind=kind))

    plan = Plan(b.schools, primary, middle)
    _codes_and_names(p, plan)
    _phones(plan, rng)
    return plan


def _centroid(p: Partition, cells: set[int]) -> Point:
    w = np.array([p.cells[c].area for c in sorted(cells)])
    xy = np.array([[p.cells[c].rep.x, p.cells[c].rep.y] for c in sorted(cells)])
    return Point(*np.average(xy, axis=0, weights=w))


def _lottery_zone(p: Partition, primary: list[Zone], areas: list[set[int]], shared: int,
                  n_primary: list[int], rng) -> Zone:
    """多校划片: take one cell each from two neighbouring zones (and a third school if its
    zone also touches them) into a zone of their own, filled by a draw."""
    candidates = []
    for k, area in enumerate(areas):
        if k == shared or n_primary[k] < 3:
            continue
        zones = [z for z in primary if z.cells <= area]
        for za, zb in permutations(zones, 2):
            for ca in sorted(za.cells - {za.home}):
                candidates += [(k, za, zb, ca, cb) for cb in p.adjacency[ca]
                               if cb in zb.cells and cb != zb.home]
    rng.shuffle(candidates)
    for k, za, zb, ca, cb in candidates:
        rest_a, rest_b = za.cells - {ca}, zb.cells - {cb}
        if not (_connected(p, rest_a) and _connected(p, rest_b)):
            continue
        za.cells, zb.cells = rest_a, rest_b
        zone = Zone("primary", {ca, cb}, za.schools + zb.schools, "lottery")
        for zc in primary:
            if zc not in (za, zb) and zc.cells <= areas[k] and any(
                    n in zc.cells for c in (ca, cb) for n in p.adjacency[c]):
                zone.schools += zc.schools
                break
        return zone
    raise RuntimeError("no place for a lottery zone")


# ---- codes, names, phones -----------------------------------------------------------------

def _codes_and_names(p: Partition, plan: Plan) -> None:
    prefix = {"primary": "EDP", "middle": "EDM", "nine_year": "EDJ"}
    for level in prefix:
        group = [s for s in plan.schools.values() if s.level == level]
        group.sort(key=lambda s: (p.cells[s.cell].subdistrict, -round(s.point.y, 1),
                                  round(s.point.x, 1)))
        for n, s in enumerate(group, 1):
            s.code = f"{prefix[level]}{n:02d}"
    used = {"primary": {short(r) for r in RURAL_SCHOOLS}, "middle": set()}
    for s in sorted(plan.schools.values(), key=lambda s: s.code):
        if s.role:
            s.name = RURAL_SCHOOLS[s.role] + SAMPLE_MARK
            continue
        sub = short(SUBDISTRICT_NAMES[p.cells[s.cell].subdistrict])
        streets = sorted(p.streets, key=lambda ln: (ln.geom.distance(s.point), ln.name))
        near = [short(ln.name) for ln in streets if ln.geom.distance(s.point) < 1200]
        far = [short(ln.name) for ln in streets if ln.geom.distance(s.point) >= 1200]
        if s.level == "primary":
            # After a nearby street, its 街道 or its 社区, as schools are named.
            cands = near + [sub, s.house.community.removesuffix("社区")] + far
            word = next(c for c in cands if c not in used["primary"])
            used["primary"].add(word)
            s.name = f"二道区{word}小学{SAMPLE_MARK}"
        else:
            cands = [sub] + near + far
            word = next(c for c in cands if c not in used["middle"])
            used["middle"].add(word)
            s.name = f"二道区{word}中学{SAMPLE_MARK}"


def _phones(plan: Plan, rng) -> None:
    seen: set[str] = set()
    for s in sorted(plan.schools.values(), key=lambda s: s.code):
        while True:
            phone = f"0431-8{rng.randint(1000000, 9999999)}"
            if phone not in seen:
                break
        seen.add(phone)
        s.phone = phone


def school_record(p: Partition, s: School, schools: dict[str, School]) -> dict:
    lng, lat = lnglat(s.point, p.offset)
    rec = {"code": s.code, "name": s.name, "level": s.level, "address": s.house.address,
           "lng": lng, "lat": lat, "phone": s.phone,
           "subdistrict": SUBDISTRICT_NAMES[p.cells[s.cell].subdistrict],
           "feeds": schools[s.feeds].code if s.feeds else None,
           "warning_cutoff": s.warning_cutoff, "plan": s.plan}
    if s.level == "nine_year":
        rec["plan_middle"] = s.plan_middle
    rec["sample"] = True
    return rec


def assign_zone_ids(plan: Plan) -> None:
    """P01… / M01…: direct zones in school-code order (primary before nine-year schools),
    lottery zones last."""
    rank = {"primary": 0, "middle": 0, "nine_year": 1}
    for prefix, zones in (("P", plan.primary), ("M", plan.middle)):
        def key(z: Zone) -> tuple:
            first = min((plan.schools[k] for k in z.schools), key=lambda s: s.code)
            return (z.allocation == "lottery", rank[first.level], first.code)
        zones.sort(key=key)
        for n, zone in enumerate(zones, 1):
            zone.zone_id = f"{prefix}{n:02d}"


def _clamp(v: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(v)))


def set_plans(plan: Plan, places: list[Place]) -> None:
    """2027 enrolment plans from how many homes each zone has, and 学位预警 where the zone is
    fullest for its seats."""
    homes: dict[int, int] = {}
    for pl in places:
        if pl.kind in ("house", "building"):
            homes[pl.cell] = homes.get(pl.cell, 0) + 1
    demand: dict[str, float] = {}
    for zone in plan.primary:
        n = sum(homes.get(c, 0) for c in zone.cells)
        for k in zone.schools:
            demand[k] = demand.get(k, 0.0) + n / len(zone.schools)
    schools = plan.schools.values()
    for s in schools:
        if s.level in ("primary", "nine_year"):
            classes = _clamp(demand[s.key] / 55, 2, 10)
            s.plan = {"classes": classes, "seats": classes * PRIMARY_CLASS_SIZE}
    for zone in plan.middle:
        feeders = [s for s in schools if s.feeds in zone.schools
                   or (s.key in zone.schools and s.level == "nine_year")]
        total = sum(s.plan["classes"] for s in feeders) * PRIMARY_CLASS_SIZE / MIDDLE_CLASS_SIZE
        for k in zone.schools:
            s = plan.schools[k]
            classes = _clamp(total / len(zone.schools), 2 if s.level == "nine_year" else 4, 18)
            mplan = {"classes": classes, "seats": classes * MIDDLE_CLASS_SIZE}
            if s.level == "nine_year":
                s.plan_middle = mplan
            else:
                s.plan = mplan
            demand[k] = sum(homes.get(c, 0) for c in zone.cells) / len(zone.schools)
    urban = [s for s in schools if s.level == "primary" and not s.role]
    tight = max(urban, key=lambda s: (demand[s.key] / s.plan["seats"], s.code))
    tight.warning_cutoff = "2026-06-30"
    mids = [s for s in schools if s.level == "middle"]
    tight = max(mids, key=lambda s: (demand[s.key] / s.plan["seats"], s.code))
    tight.warning_cutoff = "2026-05-01"
