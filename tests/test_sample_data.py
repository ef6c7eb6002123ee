"""The committed sample district (data/sample/) is complete, consistent and reproducible.

Reads the files as any consumer would (json, csv, shapely); areas and distances are measured
in EPSG:4551 metres.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape

from data import generate_sample

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
NBS_CODES = {
    "220105001": "东盛街道", "220105002": "吉林街道", "220105003": "荣光街道",
    "220105004": "东站街道", "220105005": "远达街道", "220105006": "八里堡街道",
    "220105007": "长青街道", "220105010": "东惠街道", "220105100": "英俊镇",
    "220105173": "劝农山镇", "220105174": "泉眼镇", "220105270": "四家乡",
}
CSV_COLUMNS = ["address", "lng", "lat", "kind", "street", "number", "xiaoqu", "building",
               "aliases", "community", "subdistrict", "subdistrict_code"]
AREA_TOLERANCE_M2 = 1.0
BOUNDARY_BAND_M = 15.0

_TO_METRIC = Transformer.from_crs("EPSG:4326", "EPSG:4551", always_xy=True)


def metric(geom):
    return shapely.transform(
        geom, lambda c: np.column_stack(_TO_METRIC.transform(c[:, 0], c[:, 1])))


def features(name: str) -> list[tuple[dict, object]]:
    data = json.loads((SAMPLE / name).read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    return [(f["properties"], shape(f["geometry"])) for f in data["features"]]


@pytest.fixture(scope="module")
def district():
    (props, geom), = features("district.geojson")
    assert props == {"code": "220105", "name": "二道区", "sample": True}
    return geom


@pytest.fixture(scope="module")
def zones() -> dict[str, list[tuple[dict, object]]]:
    return {level: features(f"zones_{level}.geojson") for level in ("primary", "middle")}


@pytest.fixture(scope="module")
def schools() -> dict[str, dict]:
    data = json.loads((SAMPLE / "schools.json").read_text(encoding="utf-8"))
    return {s["code"]: s for s in data}


@pytest.fixture(scope="module")
def addresses() -> list[dict]:
    with open(SAMPLE / "addresses.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == CSV_COLUMNS
        return list(reader)


def points(rows: list[dict]) -> np.ndarray:
    return shapely.points(np.array([[float(r["lng"]), float(r["lat"])] for r in rows]))


# ---- geometry ----------------------------------------------------------------------------

def test_district_is_a_coarse_outline_within_erdao(district):
    assert district.geom_type == "Polygon" and district.is_valid
    x0, y0, x1, y1 = district.bounds
    assert 125.345 <= x0 and x1 <= 125.820 and 43.755 <= y0 and y1 <= 43.962
    assert 300e6 < metric(district).area < 600e6  # m²


@pytest.mark.parametrize("level", ["primary", "middle"])
def test_zones_cover_the_district_without_gaps_or_overlaps(level, zones, district):
    geoms = [metric(g) for _, g in zones[level]]
    d = metric(district)
    union = shapely.union_all(geoms)
    assert union.symmetric_difference(d).area < AREA_TOLERANCE_M2
    assert abs(sum(g.area for g in geoms) - d.area) < AREA_TOLERANCE_M2
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    overlap = sum(geoms[i].intersection(geoms[j]).area for i, j in zip(a, b, strict=True)
                  if i < j)
    assert overlap < AREA_TOLERANCE_M2


def test_every_geometry_is_valid(zones, district):
    for name in ("subdistricts.geojson", "streets.geojson", "zones_primary.geojson",
                 "zones_middle.geojson"):
        for props, geom in features(name):
            assert geom.is_valid, (name, props)
            assert not geom.is_empty
    for level in zones:
        for props, geom in zones[level]:
            assert geom.geom_type in ("Polygon", "MultiPolygon"), props["zone_id"]


def test_coordinates_have_at_most_six_decimals():
    text = (SAMPLE / "zones_primary.geojson").read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{7,}", text)


def test_subdistricts_are_the_twelve_nbs_units_partitioning_the_district(district):
    subs = features("subdistricts.geojson")
    assert {p["code"]: p["name"] for p, _ in subs} == NBS_CODES
    geoms = [metric(g) for _, g in subs]
    assert shapely.union_all(geoms).symmetric_difference(metric(district)).area < 1.0
    assert abs(sum(g.area for g in geoms) - metric(district).area) < 1.0


def test_streets_carry_numbering_and_sides(district, addresses):
    streets = features("streets.geojson")
    assert len(streets) >= 19
    for props, geom in streets:
        assert geom.geom_type == "LineString"
        assert props["kind"] in ("avenue", "street", "road")
        assert props["numbering"] in ("west_to_east", "south_to_north")
        assert props["odd_side"] in ("left", "right")
        assert district.buffer(1e-6).covers(geom)
    # Odd numbers stand on `odd_side` of the street, looking in the numbering direction.
    by_name = {p["name"]: (p, metric(g)) for p, g in streets}
    highest: dict[str, int] = {}
    for row in addresses:
        if row["kind"] != "house":
            continue
        props, line = by_name[row["street"]]
        number = int(row["number"])
        highest[row["street"]] = max(highest.get(row["street"], 0), number)
        pt = metric(Point(float(row["lng"]), float(row["lat"])))
        s = line.project(pt)
        a = line.interpolate(max(s - 1, 0))
        b = line.interpolate(min(s + 1, line.length))
        cross = (b.x - a.x) * (pt.y - a.y) - (b.y - a.y) * (pt.x - a.x)
        side = "left" if cross > 0 else "right"
        assert (side == props["odd_side"]) == (number % 2 == 1), row["address"]
    assert highest == {p["name"]: p["max_number"] for p, _ in streets}


# ---- schools and zones -------------------------------------------------------------------

def test_schools(schools):
    levels = [s["level"] for s in schools.values()]
    assert levels.count("primary") >= 20 and levels.count("middle") >= 8
    assert levels.count("nine_year") >= 3
    for code, s in schools.items():
        assert re.fullmatch(r"ED[PMJ]\d\d", code)
        assert "示例" in s["name"] and s["sample"] is True
        assert re.fullmatch(r"0431-8\d{7}", s["phone"])
        assert s["subdistrict"] in NBS_CODES.values()
        size = 50 if s["level"] == "middle" else 45
        assert s["plan"]["seats"] == s["plan"]["classes"] * size
        if s["level"] == "nine_year":
            assert s["plan_middle"]["seats"] == s["plan_middle"]["classes"] * 50
        if s["level"] == "primary":
            assert schools[s["feeds"]]["level"] in ("middle", "nine_year")
        else:
            assert s["feeds"] is None
    assert len({s["phone"] for s in schools.values()}) == len(schools)
    assert len({s["address"] for s in schools.values()}) == len(schools)
    assert any(s["warning_cutoff"] for s in schools.values())


def test_zone_school_codes_exist_with_a_compatible_level(zones, schools):
    ok = {"primary": ("primary", "nine_year"), "middle": ("middle", "nine_year")}
    for level, items in zones.items():
        for props, _ in items:
            assert props["level"] == level
            assert props["allocation"] in ("direct", "lottery")
            codes = props["school_codes"]
            if props["allocation"] == "direct":
                assert len(codes) == 1, props["zone_id"]
            else:
                assert 2 <= len(codes) <= 3, props["zone_id"]
            for code in codes:
                assert schools[code]["level"] in ok[level], (props["zone_id"], code)
            assert props["description"]
        ids = [p["zone_id"] for p, _ in items]
        assert len(set(ids)) == len(ids)
    # Every school serves exactly one direct zone per level it teaches.
    for level, items in zones.items():
        direct = [c for p, _ in items if p["allocation"] == "direct" for c in p["school_codes"]]
        expected = sorted(c for c, s in schools.items() if s["level"] in ok[level])
        served = sorted(set(c for p, _ in items for c in p["school_codes"]))
        assert served == expected
        for code in expected:
            assert direct.count(code) <= 1


def test_every_school_lies_in_a_zone_it_serves(zones, schools):
    for code, s in schools.items():
        pt = Point(s["lng"], s["lat"])
        for level, items in zones.items():
            serving = [g for p, g in items if code in p["school_codes"]]
            if serving:
                assert any(g.covers(pt) for g in serving), (code, level)


def test_middle_zones_are_unions_of_the_feeding_primary_zones(zones, schools):
    middle_of = {}
    for props, _ in zones["middle"]:
        for code in props["school_codes"]:
            middle_of[code] = props["zone_id"]
    parts: dict[str, list] = {}
    for props, geom in zones["primary"]:
        targets = set()
        for code in props["school_codes"]:
            s = schools[code]
            targets.add(middle_of[code if s["level"] == "nine_year" else s["feeds"]])
        assert len(targets) == 1, props["zone_id"]
        parts.setdefault(targets.pop(), []).append(metric(geom))
    for props, geom in zones["middle"]:
        union = shapely.union_all(parts[props["zone_id"]])
        assert union.symmetric_difference(metric(geom)).area < AREA_TOLERANCE_M2


def test_lottery_warning_and_rules(zones, schools, addresses):
    assert any(p["allocation"] == "lottery" for p, _ in zones["primary"])
    assert any(s["warning_cutoff"] for s in schools.values())
    houses = {(r["street"], int(r["number"])) for r in addresses if r["kind"] == "house"}
    xiaoqu = {r["xiaoqu"] for r in addresses if r["xiaoqu"]}
    with_rules = 0
    for level, items in zones.items():
        for props, _ in items:
            rules = props["address_rules"]
            with_rules += bool(rules) and level == "primary"
            for rule in rules:
                if "xiaoqu" in rule:
                    assert rule["mode"] in ("include", "exclude")
                    assert rule["xiaoqu"] in xiaoqu
                else:
                    assert rule["parity"] in ("odd", "even", "all")
                    want = {"odd": 1, "even": 0}.get(rule["parity"])
                    hits = [n for s, n in houses if s == rule["street"]
                            and rule["from"] <= n <= rule["to"]
                            and (want is None or n % 2 == want)]
                    assert len(hits) >= 3, rule
    assert with_rules >= 3


def test_street_rules_are_real_exceptions(zones, addresses):
    """The houses a street rule names lie, by geometry, in the zone across the street."""
    for level, items in zones.items():
        for props, geom in items:
            for rule in props["address_rules"]:
                if "street" not in rule:
                    continue
                want = {"odd": 1, "even": 0}[rule["parity"]]
                rows = [r for r in addresses if r["kind"] == "house"
                        and r["street"] == rule["street"]
                        and rule["from"] <= int(r["number"]) <= rule["to"]
                        and int(r["number"]) % 2 == want]
                inside = shapely.covers(geom, points(rows))
                assert not inside.any(), (level, props["zone_id"], rule)


# ---- gazetteer ---------------------------------------------------------------------------

def test_gazetteer_size_kinds_and_uniqueness(addresses):
    assert len(addresses) >= 5000
    names = [r["address"] for r in addresses]
    assert len(set(names)) == len(names)
    kinds = {}
    for r in addresses:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
        assert r["community"] and r["subdistrict"] == NBS_CODES[r["subdistrict_code"]]
        if r["kind"] == "house":
            assert r["address"] == f"{r['street']}{r['number']}号"
        if r["kind"] == "building":
            assert r["address"] == r["xiaoqu"] + r["building"]
    assert set(kinds) == {"house", "xiaoqu", "building", "landmark"}
    assert kinds["xiaoqu"] >= 180 and kinds["landmark"] >= 25
    with_aliases = [r for r in addresses if r["kind"] == "xiaoqu" and r["aliases"]]
    assert len(with_aliases) >= 150


def test_every_address_is_inside_the_district_and_its_subdistrict(addresses, district):
    pts = points(addresses)
    assert shapely.contains(district, pts).all()
    for props, geom in features("subdistricts.geojson"):
        inside = shapely.covers(geom, pts)
        for row, flag in zip(addresses, inside, strict=True):
            if flag:
                assert row["subdistrict_code"] == props["code"], row["address"]


@pytest.mark.parametrize("level", ["primary", "middle"])
def test_houses_keep_clear_of_zone_boundaries(level, zones, district, addresses):
    """No house sits in the 15 m boundary band, so a lookup decides it without doubt."""
    d = metric(district)
    lines = shapely.union_all([metric(g).boundary for _, g in zones[level]])
    inner = lines.difference(d.exterior.buffer(0.05))
    houses = [r for r in addresses if r["kind"] == "house"]
    pts = shapely.points(np.column_stack(_TO_METRIC.transform(
        [float(r["lng"]) for r in houses], [float(r["lat"]) for r in houses])))
    assert shapely.distance(pts, inner).min() >= BOUNDARY_BAND_M


def test_manifest_counts_match_the_files(schools, zones, addresses):
    manifest = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dataset"] == "sample" and manifest["sample"] is True
    assert manifest["zone_version"]["id"] == "sample-2027"
    assert manifest["zone_version"]["effective_from"] == "2027-03-01"
    counts = manifest["counts"]
    assert counts["schools"]["total"] == len(schools)
    assert counts["zones"] == {level: len(items) for level, items in zones.items()}
    assert counts["addresses"]["total"] == len(addresses)


# ---- reproducibility ---------------------------------------------------------------------

def test_generator_reproduces_the_committed_files(tmp_path):
    written = generate_sample.generate(tmp_path)
    assert sorted(written) == sorted(generate_sample.OUTPUTS)
    for name in generate_sample.OUTPUTS:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
