"""The invented geometry of the sample district: outline, streets and the base partition.

Every coordinate here is hand-chosen: the outline is a coarse polygon drawn
for this project, not traced from any boundary file. Points are written as WGS84 lon/lat,
which is easy to review, and projected at once to EPSG:4551 (metres), where all
construction happens.

The base partition is the key to exact zones: the street centre lines, a few rural boundary
lines and the outline are noded together and polygonised into *cells*. Every zone,
subdistrict and the district itself is a union of cells, so two neighbours always share the
very same vertices and nothing can overlap or leave a gap, even after rounding to 6 decimals.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer
from shapely import ops
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

METRIC = "EPSG:4551"  # CGCS2000 / 3-degree Gauss-Kruger CM 126E
WGS84 = "EPSG:4326"
PRECISION = 6  # decimals of a degree in every output file (~0.1 m)

_TO_METRIC = Transformer.from_crs(WGS84, METRIC, always_xy=True)
_TO_WGS84 = Transformer.from_crs(METRIC, WGS84, always_xy=True)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    def project(coords: np.ndarray) -> np.ndarray:
        return np.column_stack(_TO_METRIC.transform(coords[:, 0], coords[:, 1]))
    return shapely.transform(geom, project)


def to_wgs84(geom: BaseGeometry, offset: tuple[float, float] = (0.0, 0.0)) -> BaseGeometry:
    """Metric geometry to lon/lat, moved by `offset` degrees (another district drawn from
    the same plan), rounded to the published precision."""
    def unproject(coords: np.ndarray) -> np.ndarray:
        lng, lat = _TO_WGS84.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack((lng + offset[0], lat + offset[1])), PRECISION)
    return shapely.transform(geom, unproject)


def lnglat(point: Point, offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    lng, lat = _TO_WGS84.transform(point.x, point.y)
    return (round(float(lng) + offset[0], PRECISION),
            round(float(lat) + offset[1], PRECISION))


# ---- hand-drawn input --------------------------------------------------------------------

# The district outline, clockwise from the north-west corner (39 vertices). Coarse on purpose.
OUTLINE = (
    (125.356, 43.953), (125.383, 43.960), (125.412, 43.957), (125.430, 43.946),
    (125.448, 43.936), (125.476, 43.939), (125.503, 43.930), (125.530, 43.934),
    (125.566, 43.927), (125.604, 43.931), (125.640, 43.937), (125.672, 43.926),
    (125.712, 43.922), (125.752, 43.925), (125.789, 43.914), (125.812, 43.893),
    (125.815, 43.857), (125.806, 43.826), (125.812, 43.800), (125.796, 43.776),
    (125.768, 43.781), (125.742, 43.797), (125.703, 43.793), (125.664, 43.781),
    (125.628, 43.768), (125.596, 43.759), (125.566, 43.766), (125.556, 43.789),
    (125.530, 43.806), (125.503, 43.816), (125.486, 43.834), (125.462, 43.846),
    (125.431, 43.843), (125.404, 43.838), (125.383, 43.842), (125.364, 43.861),
    (125.350, 43.876), (125.352, 43.902), (125.355, 43.928),
)


@dataclass(frozen=True)
class LineSpec:
    """A street centre line or a boundary line, drawn in its numbering direction.

    `end_at` names a line this one stops at (a T junction). `kind` is None for boundary
    lines that are not streets (township limits in the countryside).
    """

    name: str
    axis: str  # "ns": numbered south to north; "ew": numbered west to east
    points: tuple[tuple[float, float], ...]
    kind: str | None = "street"
    odd_side: str = "left"
    end_at: str | None = None


def _ns(name: str, lon: float, bend: float = 0.0, odd_side: str = "left") -> LineSpec:
    """A north-south street through `lon` at 43.885 N, leaning slightly east to the north."""
    pts = ((lon - 0.0009, 43.80), (lon + bend, 43.885), (lon + 0.0011, 43.99))
    return LineSpec(name, "ns", pts, _kind(name), odd_side)


def _ew(name: str, lat: float, east: float = 125.50, bend: float = 0.0,
        odd_side: str = "left", end_at: str | None = "东环城路") -> LineSpec:
    """A west-east street through `lat` at 125.41 E, dropping slightly to the east."""
    pts = ((125.34, lat + 0.0006), (125.41, lat + bend), (east, lat - 0.0008 * (east - 125.41)
                                                          / 0.1))
    return LineSpec(name, "ew", pts, _kind(name), odd_side, end_at)


def _kind(name: str) -> str:
    if name.endswith(("大街", "大路")):
        return "avenue"
    return "street" if name.endswith("街") else "road"


# Real Erdao street names (names only: the geometry is invented), plus 福兴路 and 东环城路.
# Order matters: a line must come after the line it ends at.
LINES: tuple[LineSpec, ...] = (
    LineSpec("临河街", "ns", ((125.3585, 43.80), (125.3600, 43.862), (125.3614, 43.900),
                            (125.3592, 43.935), (125.3605, 43.99)), "street", "left"),
    _ns("和顺街", 125.3715),
    _ns("太有街", 125.3825, bend=0.0004, odd_side="right"),
    _ns("公平路", 125.3935),
    _ns("远达大街", 125.4050, bend=-0.0005),
    _ns("乐群街", 125.4170),
    _ns("新荣街", 125.4290, bend=0.0003),
    _ns("东荣大路", 125.4410),
    _ns("广德街", 125.4530, bend=-0.0004, odd_side="right"),
    _ns("天石街", 125.4660),
    _ns("东环城路", 125.4800, bend=0.0005),
    # The boundary between the built-up fringe and the townships.
    LineSpec("L_a", "ns", ((125.529, 43.75), (125.534, 43.84), (125.526, 43.885),
                           (125.531, 43.915), (125.527, 43.97)), None),
    # 吉林大路 runs on east across the whole district, like the real road to Jilin city.
    LineSpec("吉林大路", "ew", ((125.34, 43.8856), (125.41, 43.8850), (125.48, 43.8843),
                            (125.56, 43.8800), (125.65, 43.8725), (125.73, 43.8660),
                            (125.83, 43.8620)), "avenue", "left"),
    _ew("福兴路", 43.9420, east=125.46, end_at=None),
    _ew("兴隆路", 43.9245),
    _ew("东盛大街", 43.9140, east=125.56, bend=0.0004, end_at="L_a"),
    _ew("荣光路", 43.9040, odd_side="right"),
    _ew("开太街", 43.8945),
    _ew("安宁街", 43.8755, bend=-0.0003),
    _ew("民丰大街", 43.8665, east=125.56, end_at="L_a"),
    _ew("岭东路", 43.8580, odd_side="right"),
    _ew("自由大路", 43.8500, bend=0.0003),
    # Township limits east of L_a, ending at 吉林大路.
    LineSpec("L_b", "ns", ((125.646, 43.97), (125.652, 43.915), (125.644, 43.86)), None,
             end_at="吉林大路"),
    LineSpec("L_c", "ns", ((125.672, 43.75), (125.664, 43.81), (125.670, 43.86),
                           (125.668, 43.89)), None, end_at="吉林大路"),
)

URBAN_EDGE = "东环城路"  # east of it lies the fringe, east of L_a the townships
TOWNSHIP_EDGE = "L_a"


# ---- the partition ---------------------------------------------------------------------

@dataclass
class Line:
    spec: LineSpec
    geom: LineString  # metric, clipped to the district, in numbering direction
    work: LineString  # metric, as used for the partition (overshoots ends by a few metres)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def is_street(self) -> bool:
        return self.spec.kind is not None

    def across(self, point: Point) -> float:
        """Signed offset of `point` from the line across its main axis: for "ns" lines
        positive east of it, for "ew" lines positive north of it."""
        xs, ys = np.asarray(self.work.coords).T
        if self.spec.axis == "ns":
            order = np.argsort(ys)
            return point.x - float(np.interp(point.y, ys[order], xs[order]))
        order = np.argsort(xs)
        return point.y - float(np.interp(point.x, xs[order], ys[order]))

    def spans(self, point: Point) -> bool:
        """Whether the point lies within the line's extent along its main axis."""
        xs, ys = np.asarray(self.geom.coords).T
        v, lo, hi = (point.y, ys.min(), ys.max()) if self.spec.axis == "ns" else (
            point.x, xs.min(), xs.max())
        return lo <= v <= hi


@dataclass
class Cell:
    idx: int
    poly: Polygon  # metric
    poly_ll: Polygon  # WGS84, rounded: what the output files are built from
    rep: Point  # metric, a point surely inside
    kind: str = ""  # "core" (street grid), "fringe", "rural"
    subdistrict: str = ""  # NBS code
    sides: dict[str, str] = field(default_factory=dict)  # "n"/"s"/"w"/"e" -> street name

    @property
    def area(self) -> float:
        return self.poly.area


@dataclass
class Partition:
    outline: Polygon  # metric
    lines: dict[str, Line]
    cells: list[Cell]
    adjacency: dict[int, list[int]]
    linework: BaseGeometry  # every line and the outline, noded (metric)
    offset: tuple[float, float] = (0.0, 0.0)  # degrees the published lon/lat are moved by

    @property
    def streets(self) -> list[Line]:
        return [line for line in self.lines.values() if line.is_street]


def _clip(line: LineString, outline: Polygon) -> LineString:
    part = line.intersection(outline)
    if part.geom_type == "MultiLineString":
        part = max(part.geoms, key=lambda g: g.length)
    start, end = (line.project(Point(part.coords[i])) for i in (0, -1))
    return part.reverse() if start > end else part


def _build_lines(outline: Polygon) -> dict[str, Line]:
    lines: dict[str, Line] = {}
    for spec in LINES:
        full = to_metric(LineString(spec.points))
        work = full
        if spec.end_at:
            hit = full.intersection(lines[spec.end_at].work)
            hits = list(getattr(hit, "geoms", [hit]))
            stop = min(full.project(p) for p in hits)
            work = ops.substring(full, 0, stop + 3.0)  # overshoot: the junction must node
            full = ops.substring(full, 0, stop)
        lines[spec.name] = Line(spec, _clip(full, outline), work)
    return lines


def build_partition(offset: tuple[float, float] = (0.0, 0.0)) -> Partition:
    outline = to_metric(Polygon(OUTLINE))
    lines = _build_lines(outline)
    linework = shapely.union_all([outline.exterior, *(ln.work for ln in lines.values())])
    faces = [f for f in ops.polygonize(linework)
             if outline.contains(f.representative_point())]
    # A stable order that does not depend on GEOS internals.
    faces.sort(key=lambda f: (-round(f.representative_point().y), round(
        f.representative_point().x)))
    cells = []
    for i, face in enumerate(faces):
        poly_ll = shapely.remove_repeated_points(to_wgs84(face, offset))
        if not poly_ll.is_valid:
            raise ValueError(f"cell {i} is invalid after rounding")
        cells.append(Cell(i, face, poly_ll, face.representative_point()))
    partition = Partition(outline, lines, cells, _adjacency(cells), linework, offset)
    for cell in cells:
        _classify(partition, cell)
    return partition


def _adjacency(cells: list[Cell]) -> dict[int, list[int]]:
    tree = shapely.STRtree([c.poly for c in cells])
    adj: dict[int, list[int]] = {c.idx: [] for c in cells}
    for cell in cells:
        for j in sorted(int(j) for j in tree.query(cell.poly, predicate="intersects")):
            if j != cell.idx and cell.poly.boundary.intersection(cells[j].poly.boundary).length > 1:
                adj[cell.idx].append(j)
    return adj


# ---- what each cell is -------------------------------------------------------------------

SUBDISTRICT_CODES = {
    "东盛街道": "220105001", "吉林街道": "220105002", "荣光街道": "220105003",
    "东站街道": "220105004", "远达街道": "220105005", "八里堡街道": "220105006",
    "长青街道": "220105007", "东惠街道": "220105010", "英俊镇": "220105100",
    "劝农山镇": "220105173", "泉眼镇": "220105174", "四家乡": "220105270",
}
SUBDISTRICT_NAMES = {code: name for name, code in SUBDISTRICT_CODES.items()}

_NS_CORE = ("临河街", "和顺街", "太有街", "公平路", "远达大街", "乐群街", "新荣街", "东荣大路",
            "广德街", "天石街")


def _classify(p: Partition, cell: Cell) -> None:
    pt, ln = cell.rep, p.lines
    north_of_jilin = ln["吉林大路"].across(pt) > 0
    if ln[TOWNSHIP_EDGE].across(pt) > 0:
        cell.kind = "rural"
        if north_of_jilin:
            name = "英俊镇" if ln["L_b"].across(pt) < 0 else "四家乡"
        else:
            name = "泉眼镇" if ln["L_c"].across(pt) < 0 else "劝农山镇"
    elif ln[URBAN_EDGE].across(pt) > 0:
        cell.kind = "fringe"
        name = "长青街道" if north_of_jilin else "东惠街道"
    else:
        cell.kind = "core"
        col = sum(ln[n].across(pt) > 0 for n in _NS_CORE)  # streets to the west

        def north(street: str) -> bool:
            return ln[street].across(pt) > 0
        if north("东盛大街"):
            name = "八里堡街道" if col <= 6 else "长青街道"
        elif north("荣光路"):
            name = "东盛街道" if col <= 3 else ("荣光街道" if col <= 6 else "长青街道")
        elif north_of_jilin:
            name = "东盛街道" if col <= 3 else "荣光街道"
        elif north("民丰大街"):
            name = "吉林街道" if col <= 3 else "东站街道"
        elif north("岭东路"):
            name = "吉林街道" if col <= 3 else ("东站街道" if col <= 5 else "东惠街道")
        else:
            name = "远达街道" if col <= 5 else "东惠街道"
    cell.subdistrict = SUBDISTRICT_CODES[name]
    cell.sides = _sides(p, cell)


def _sides(p: Partition, cell: Cell) -> dict[str, str]:
    """The streets bounding a cell, by side: "n" means the street runs along its north."""
    edge = cell.poly.boundary.buffer(0.5)
    sides: dict[str, tuple[float, str]] = {}
    for line in p.streets:
        shared = line.geom.intersection(edge).length
        if shared < 30:
            continue
        offset = line.across(cell.rep)
        if line.spec.axis == "ns":
            side = "w" if offset > 0 else "e"
        else:
            side = "s" if offset > 0 else "n"
        if shared > sides.get(side, (0.0, ""))[0]:
            sides[side] = (shared, line.name)
    return {side: name for side, (_, name) in sorted(sides.items())}


def union_ll(cells: list[Cell]) -> BaseGeometry:
    """Union of cells in published (rounded WGS84) coordinates; shared edges are identical,
    so the union is exact."""
    return shapely.union_all([c.poly_ll for c in cells])


def random_point_in(poly: Polygon, rng, tries: int = 200) -> Point | None:
    """A uniformly random point inside `poly` (rejection sampling), or None."""
    if poly.is_empty:
        return None
    x0, y0, x1, y1 = poly.bounds
    for _ in range(tries):
        pt = Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if poly.contains(pt):
            return pt
    return None
