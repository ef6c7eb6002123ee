"""The sample gazetteer: house numbers along the streets, 小区 with buildings, landmarks and
villages, each tagged with its cell (and so its 社区 and 街道).

Points are kept clear of every partition line (street centre lines, township limits, the
outline) so that an address never sits within the 15 m boundary band of a zone: houses stand
18–24 m off their own street and at least 25 m from any other line.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import ops
from shapely.geometry import Point

from data.sample_geometry import TOWNSHIP_EDGE, Cell, Partition, random_point_in
from data.sample_names import (
    COMMUNITY_WORDS,
    LANDMARKS,
    OLD_UNITS,
    SAMPLE_MARK,
    SUBDISTRICT_LIKE,
    VILLAGES,
    XIAOQU_PREFIXES,
    XIAOQU_SUFFIXES,
    short,
    xiaoqu_aliases,
)

NUMBER_STEP_M = 16.0  # one house number per 8 m of frontage on each side
HOUSE_OFFSET_M = (18.5, 24.0)  # from the street centre line
CLEARANCE_M = 25.0  # from every other line
N_XIAOQU = 200


@dataclass
class Place:
    address: str
    point: Point  # metric
    kind: str  # house | xiaoqu | building | landmark
    street: str = ""
    number: int | None = None
    xiaoqu: str = ""
    building: str = ""
    aliases: tuple[str, ...] = ()
    cell: int = -1
    community: str = ""
    order: tuple = ()  # sort key within its kind


@dataclass
class Xiaoqu:
    name: str
    cell: int
    center: Point
    entrance: Place
    buildings: list[Place]


# ---- houses ----------------------------------------------------------------------------

def _frontage(length: float, rural_from: float, rng) -> list[float]:
    """Distances along a street where a numbered door is. Built-up runs alternate with gaps
    (walls, green strips, building sites); in the countryside doors are far apart."""
    s = rng.uniform(8, 30)
    built, run_end = True, s + rng.uniform(200, 700)
    out = []
    while s < length:
        rural = s >= rural_from
        if s >= run_end:
            built = not built
            if rural:
                run_end = s + (rng.uniform(150, 500) if built else rng.uniform(800, 3000))
            else:
                run_end = s + (rng.uniform(200, 700) if built else rng.uniform(300, 1000))
        if built:
            out.append(s)
        s += rng.uniform(60, 160) if rural else rng.uniform(25, 42)
    return out


def make_houses(p: Partition, rng) -> list[Place]:
    houses: list[Place] = []
    for line in p.streets:
        geom = line.geom
        others = shapely.union_all([p.outline.exterior] + [
            o.work for o in p.lines.values() if o is not line])
        edge = p.lines[TOWNSHIP_EDGE].work
        rural_from = geom.project(geom.intersection(edge)) if geom.intersects(edge) else math.inf
        left_is_odd = line.spec.odd_side == "left"
        for parity in ("odd", "even"):
            s = np.array(_frontage(geom.length, rural_from, rng))
            offset = np.array([rng.uniform(*HOUSE_OFFSET_M) for _ in s])
            ahead = shapely.get_coordinates(shapely.line_interpolate_point(geom, s + 1.0))
            behind = shapely.get_coordinates(shapely.line_interpolate_point(geom, s - 1.0))
            on = shapely.get_coordinates(shapely.line_interpolate_point(geom, s))
            t = ahead - behind
            t /= np.linalg.norm(t, axis=1)[:, None]
            left = np.column_stack([-t[:, 1], t[:, 0]])
            sign = 1.0 if (parity == "odd") == left_is_odd else -1.0
            pts = shapely.points(on + sign * offset[:, None] * left)
            keep = ((shapely.distance(pts, others) >= CLEARANCE_M)
                    & (shapely.distance(pts, line.work) >= HOUSE_OFFSET_M[0] - 0.5)
                    & shapely.contains(p.outline, pts))
            first = 1 if parity == "odd" else 2
            for dist, pt, ok in zip(s, pts, keep, strict=True):
                if ok:
                    number = 2 * int(dist // NUMBER_STEP_M) + first
                    houses.append(Place(f"{line.name}{number}号", pt, "house", line.name,
                                        number, order=(line.name, number)))
    return houses


def max_numbers(houses: list[Place]) -> dict[str, int]:
    out: dict[str, int] = {}
    for h in houses:
        out[h.street] = max(out.get(h.street, 0), h.number or 0)
    return out


# ---- 小区 --------------------------------------------------------------------------------

def _quotas(cells: list[Cell], total: int) -> dict[int, int]:
    """Share `total` among cells by area, denser in the street grid (largest remainder)."""
    density = {"core": 1.0, "fringe": 0.12, "rural": 0.0}
    w = {c.idx: c.area * density[c.kind] for c in cells}
    scale = total / sum(w.values())
    raw = {i: v * scale for i, v in w.items()}
    out = {i: int(v) for i, v in raw.items()}
    rest = sorted(raw, key=lambda i: (-(raw[i] - out[i]), i))
    for i in rest[: total - sum(out.values())]:
        out[i] += 1
    return out


def _nearest_street(p: Partition, pt: Point, within: float = 120.0) -> str:
    best = min(p.streets, key=lambda ln: (ln.geom.distance(pt), ln.name))
    return best.name if best.geom.distance(pt) <= within else ""


def _layout(center: Point, n: int, rng) -> list[Point]:
    """Buildings in rows, as 小区 are built, turned a little."""
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    dx, dy, a = rng.uniform(38, 55), rng.uniform(45, 65), rng.uniform(-0.08, 0.08)
    out = []
    for k in range(n):
        j, i = divmod(k, cols)
        u, v = (i - (cols - 1) / 2) * dx, ((rows - 1) / 2 - j) * dy
        out.append(Point(center.x + u * math.cos(a) - v * math.sin(a),
                         center.y + u * math.sin(a) + v * math.cos(a)))
    return out


def make_xiaoqu(p: Partition, rng, taken_names: set[str]) -> list[Xiaoqu]:
    quotas = _quotas(p.cells, N_XIAOQU)
    out: list[Xiaoqu] = []
    units = list(OLD_UNITS)
    rng.shuffle(units)
    pending = [c.idx for c in p.cells for _ in range(quotas[c.idx])]
    core = [c.idx for c in p.cells if c.kind == "core"]
    attempts = 0
    while pending and attempts < 20000:
        attempts += 1
        cell = p.cells[pending[0]]
        x = _place_one(p, cell, out, rng)
        if x is None:
            if attempts % 25 == 0:  # this cell is full: move its quota to another one
                pending[0] = rng.choice(core)
            continue
        pending.pop(0)
        center, buildings = x
        entrance = _entrance(cell, center)
        gate = _nearest_street(p, entrance)
        name, prefix, suffix = _xiaoqu_name(gate, taken_names, rng)
        old = units.pop() if units and rng.random() < 0.12 else None
        aliases = tuple(a for a in xiaoqu_aliases(prefix, suffix, old) if a not in taken_names)
        taken_names.update((name, *aliases))
        style, other = ("栋", "号楼") if rng.random() < 0.55 else ("号楼", "栋")
        numbers = list(range(1, len(buildings) + 2))
        if len(buildings) >= 4 and rng.random() < 0.2:
            numbers.remove(4)  # some developers skip the unlucky 4
        rows = []
        for num, pt in zip(numbers, buildings, strict=False):
            rows.append(Place(f"{name}{num}{style}", pt, "building", xiaoqu=name,
                              building=f"{num}{style}", aliases=(f"{name}{num}{other}",),
                              cell=cell.idx, order=(name, num)))
        gate_row = Place(name, entrance, "xiaoqu", street=gate, xiaoqu=name, aliases=aliases,
                         cell=cell.idx, order=(name, 0))
        out.append(Xiaoqu(name, cell.idx, center, gate_row, rows))
    if pending:
        raise RuntimeError(f"could not place {len(pending)} 小区")
    return out


def _place_one(p: Partition, cell: Cell, placed: list[Xiaoqu], rng):
    inner = cell.poly.buffer(-90)
    center = random_point_in(inner, rng, tries=20)
    if center is None or any(x.center.distance(center) < 260 for x in placed):
        return None
    n = rng.randint(2, 12)
    room = cell.poly.buffer(-35)
    buildings = [b for b in _layout(center, n, rng) if room.contains(b)]
    if len(buildings) < 2:
        return None
    return center, buildings


def _entrance(cell: Cell, center: Point) -> Point:
    """The gate: on the way from the centre to the nearest street, 32 m inside the block."""
    edge, _ = ops.nearest_points(cell.poly.exterior, center)
    d = edge.distance(center)
    gate = Point(edge.x + (center.x - edge.x) * 32 / d, edge.y + (center.y - edge.y) * 32 / d)
    return gate if cell.poly.buffer(-30).contains(gate) else center


def _xiaoqu_name(gate: str, taken: set[str], rng):
    for _ in range(500):
        if gate and rng.random() < 0.3:
            prefix = short(gate)
        else:
            prefix = rng.choice(XIAOQU_PREFIXES)
        suffix = rng.choice(XIAOQU_SUFFIXES)
        name = prefix + suffix
        if name not in taken:
            return name, prefix, suffix
    raise RuntimeError("ran out of 小区 names")


# ---- landmarks and villages --------------------------------------------------------------

def make_landmarks(p: Partition, xiaoqu: list[Xiaoqu], rng, taken: set[str],
                   subdistrict_of) -> list[Place]:
    out: list[Place] = []
    avoid = [x.center for x in xiaoqu]
    for name, aliases, anchor in LANDMARKS:
        if anchor.endswith(SUBDISTRICT_LIKE):
            cands = [c for c in p.cells if subdistrict_of(c) == anchor and c.kind != "rural"]
        elif anchor:
            cands = [c for c in p.cells if anchor in c.sides.values() and c.kind != "rural"]
        else:
            cands = [c for c in p.cells if c.kind == "core"]
        for _ in range(2000):
            cell = rng.choice(cands)
            pt = random_point_in(cell.poly.buffer(-60), rng, tries=10)
            if pt is None:
                continue
            if any(a.distance(pt) < 150 for a in avoid):
                continue
            break
        else:
            raise RuntimeError(f"could not place {name}")
        avoid.append(pt)
        address = name + SAMPLE_MARK
        alias = tuple(dict.fromkeys(a for a in (name, *aliases) if a not in taken))
        taken.update((address, *alias))
        out.append(Place(address, pt, "landmark", aliases=alias, cell=cell.idx,
                         order=(address,)))
    return out


def make_villages(p: Partition, rng, subdistrict_of) -> list[Place]:
    out: list[Place] = []
    for town, names in VILLAGES.items():
        cell = next(c for c in p.cells if c.kind == "rural" and subdistrict_of(c) == town)
        inner = cell.poly.buffer(-600)
        points: list[Point] = []
        while len(points) < len(names):
            pt = random_point_in(inner, rng)
            if pt is not None and all(q.distance(pt) > 2500 for q in points):
                points.append(pt)
        for village, pt in zip(names, points, strict=True):
            address = f"{town}{village}"
            out.append(Place(address, pt, "xiaoqu", xiaoqu=address,
                             aliases=(village, village[:-1] + "村委会"), cell=cell.idx,
                             community=village, order=(address, 0)))
    return out


# ---- 社区 --------------------------------------------------------------------------------

def _kmeans(xy: np.ndarray, w: np.ndarray, k: int, rng) -> np.ndarray:
    centers = xy[sorted(rng.sample(range(len(xy)), k))]
    for _ in range(25):
        label = np.argmin(((xy[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)
        for j in range(k):
            if (label == j).any():
                centers[j] = np.average(xy[label == j], axis=0, weights=w[label == j])
    return np.argmin(((xy[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)


def communities(p: Partition, rng, subdistrict_of) -> dict[int, str]:
    """社区 of every built-up cell: cells of one 街道 clustered into groups of about three."""
    words = list(COMMUNITY_WORDS)
    rng.shuffle(words)
    out: dict[int, str] = {}
    by_sub: dict[str, list[Cell]] = {}
    for c in p.cells:
        if c.kind != "rural":
            by_sub.setdefault(c.subdistrict, []).append(c)
    for code in sorted(by_sub):
        cells = by_sub[code]
        k = max(2, round(len(cells) / 3))
        xy = np.array([[c.rep.x, c.rep.y] for c in cells])
        label = _kmeans(xy, np.array([c.area for c in cells]), k, rng)
        groups = sorted({int(g) for g in label},
                        key=lambda g: (-xy[label == g, 1].mean(), xy[label == g, 0].mean()))
        for n, g in enumerate(groups):
            name = short(subdistrict_of(cells[0])) if n == 0 else words.pop()
            for c, lab in zip(cells, label, strict=True):
                if lab == g:
                    out[c.idx] = name + "社区"
    return out
