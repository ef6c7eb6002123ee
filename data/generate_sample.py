"""Generate the sample district under data/sample/ (formats: docs/DATA.md).

    python -m data.generate_sample [--out DIR] [--seed N]

Everything is fictional, laid over Erdao's real extent (or, for another `DistrictSpec`, the
same plan moved elsewhere and renamed: see `data.district_spec`). The generator is
deterministic: one seeded `random.Random` drives every choice, outputs are sorted and
coordinates rounded to 6 decimals, so running it again reproduces the committed files byte for byte.

The steps: the invented geometry is cut into cells (`sample_geometry`), the gazetteer is laid
out on it (`sample_gazetteer`), schools and zones are grown from the cells (`sample_zones`),
and the published exceptions and 划片 texts are added (`sample_rules`).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
from pathlib import Path

import shapely
from shapely.geometry import Point, mapping

from data import sample_gazetteer as gz
from data.district_spec import ERDAO, DistrictSpec
from data.sample_geometry import (
    SUBDISTRICT_CODES,
    SUBDISTRICT_NAMES,
    Cell,
    Partition,
    build_partition,
    lnglat,
    to_wgs84,
    union_ll,
)
from data.sample_rules import add_rules, describe
from data.sample_zones import Plan, assign_zone_ids, build_plan, school_record, set_plans

SEED = 20270301
DEFAULT_OUT = Path(__file__).resolve().parent / "sample"
CSV_COLUMNS = ("address", "lng", "lat", "kind", "street", "number", "xiaoqu", "building",
               "aliases", "community", "subdistrict", "subdistrict_code")
KIND_ORDER = {"house": 0, "xiaoqu": 1, "building": 1, "landmark": 2}
OUTPUTS = ("manifest.json", "district.json", "district.geojson", "subdistricts.geojson",
           "streets.geojson", "schools.json", "zones_primary.geojson", "zones_middle.geojson",
           "addresses.csv")


def build(seed: int = SEED, spec: DistrictSpec = ERDAO) -> dict:
    """Everything the files are written from."""
    rng = random.Random(seed)
    p = build_partition(spec.offset)

    def sub_name(cell: Cell) -> str:
        return SUBDISTRICT_NAMES[cell.subdistrict]

    houses = gz.make_houses(p, rng)
    _locate(p, houses)
    taken = {ln.name for ln in p.streets}
    xiaoqu = gz.make_xiaoqu(p, rng, taken)
    landmarks = gz.make_landmarks(p, xiaoqu, rng, taken, sub_name)
    villages = gz.make_villages(p, rng, sub_name)
    places = houses + [r for x in xiaoqu for r in (x.entrance, *x.buildings)]
    places += landmarks + villages
    _locate(p, places)
    _communities(p, places, villages, gz.communities(p, rng, sub_name))

    plan = build_plan(p, houses, rng)
    assign_zone_ids(plan)
    set_plans(plan, places)
    rules = add_rules(p, plan, houses, xiaoqu, rng)
    describe(p, plan, xiaoqu, houses)
    return {"seed": seed, "spec": spec, "partition": p, "places": places, "plan": plan,
            "rules": rules, "max_numbers": gz.max_numbers(houses)}


def _locate(p: Partition, places: list[gz.Place]) -> None:
    """Tag each place with the cell it lies in; every place must be inside exactly one."""
    tree = shapely.STRtree([c.poly for c in p.cells])
    inside, cell = tree.query([pl.point for pl in places], predicate="within")
    if len(set(inside.tolist())) != len(places) or len(inside) != len(places):
        raise RuntimeError("a place is outside the district or on a cell edge")
    for i, c in zip(inside.tolist(), cell.tolist(), strict=True):
        if places[i].cell not in (-1, c):
            raise RuntimeError(f"{places[i].address} is not in its cell")
        places[i].cell = c


def _communities(p: Partition, places: list[gz.Place], villages: list[gz.Place],
                 urban: dict[int, str]) -> None:
    for pl in places:
        if pl.community:
            continue
        if pl.cell in urban:
            pl.community = urban[pl.cell]
        else:  # countryside: the nearest village of the same township
            home = [v for v in villages if v.cell == pl.cell]
            pl.community = min(home, key=lambda v: (v.point.distance(pl.point), v.address)
                               ).community


# ---- writing ------------------------------------------------------------------------------

def _coords(obj):
    if isinstance(obj, (list, tuple)):
        return [_coords(o) for o in obj]
    return round(float(obj), 6)


def _geometry(geom) -> dict:
    """GeoJSON geometry, in a canonical form: normalised, exterior rings counter-clockwise
    (RFC 7946), coordinates rounded."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = shapely.orient_polygons(shapely.normalize(geom), exterior_cw=False)
    m = mapping(geom)
    return {"type": m["type"], "coordinates": _coords(m["coordinates"])}


def _feature(geom, properties: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": _geometry(geom)}


def _collection(features: list[dict]) -> str:
    """One feature per line: valid GeoJSON that still diffs well."""
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return '{"type": "FeatureCollection", "features": [\n' + body + "\n]}\n"


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def render(data: dict) -> dict[str, str]:
    """The text of every output file, in the spec's names."""
    spec: DistrictSpec = data["spec"]
    return {name: spec.rename(text) for name, text in _render(data, spec).items()}


def _render(data: dict, spec: DistrictSpec) -> dict[str, str]:
    p: Partition = data["partition"]
    plan: Plan = data["plan"]
    places: list[gz.Place] = data["places"]
    files: dict[str, str] = {}

    district = union_ll(p.cells)
    if district.geom_type != "Polygon" or not district.is_valid:
        raise RuntimeError("the district is not one valid polygon")
    files["district.geojson"] = _collection([_feature(
        district, {"code": spec.code, "name": spec.name, "sample": True})])
    files["district.json"] = _json(_profile(spec, district))

    subs = []
    for code in sorted(SUBDISTRICT_NAMES):
        geom = union_ll([c for c in p.cells if c.subdistrict == code])
        subs.append(_feature(geom, {"code": spec.subdistrict_code(code),
                                    "name": SUBDISTRICT_NAMES[code]}))
    files["subdistricts.geojson"] = _collection(subs)

    streets = []
    for line in p.streets:
        streets.append(_feature(to_wgs84(line.geom, p.offset), {
            "name": line.name, "kind": line.spec.kind,
            "numbering": "south_to_north" if line.spec.axis == "ns" else "west_to_east",
            "odd_side": line.spec.odd_side, "max_number": data["max_numbers"][line.name]}))
    files["streets.geojson"] = _collection(streets)

    schools = sorted(plan.schools.values(), key=lambda s: s.code)
    files["schools.json"] = _json([school_record(p, s, plan.schools) for s in schools])

    for level, zones in (("primary", plan.primary), ("middle", plan.middle)):
        feats = []
        for z in zones:
            geom = union_ll([p.cells[c] for c in sorted(z.cells)])
            if not geom.is_valid:
                raise RuntimeError(f"zone {z.zone_id} is invalid")
            feats.append(_feature(geom, {
                "zone_id": z.zone_id, "level": level,
                "school_codes": sorted(plan.schools[k].code for k in z.schools),
                "allocation": z.allocation, "description": z.description,
                "address_rules": z.rules}))
        files[f"zones_{level}.geojson"] = _collection(feats)

    files["addresses.csv"] = _addresses_csv(p, places, district, spec)
    files["manifest.json"] = _json(_manifest(data))
    return files


def _profile(spec: DistrictSpec, district) -> dict:
    """district.json: what the application knows of the district (gis.district)."""
    west, south, east, north = district.bounds
    return {"code": spec.code, "name": spec.name, "name_en": spec.name_en,
            "domain": spec.domain, "city": spec.city, "province": spec.province,
            "subdistricts": list(SUBDISTRICT_CODES), "neighbours": list(spec.neighbours),
            "metric_crs": spec.metric_crs,
            # outward to 3 decimals: every point of the district lies inside
            "bbox": [math.floor(west * 1000) / 1000, math.floor(south * 1000) / 1000,
                     math.ceil(east * 1000) / 1000, math.ceil(north * 1000) / 1000],
            "reference_point": list(spec.reference_point),
            "phone_formats": list(spec.phone_formats)}


def _addresses_csv(p: Partition, places: list[gz.Place], district, spec: DistrictSpec) -> str:
    rows = []
    for pl in sorted(places, key=lambda pl: (KIND_ORDER[pl.kind], pl.order, pl.address)):
        lng, lat = lnglat(pl.point, p.offset)
        if not district.contains(Point(lng, lat)):
            raise RuntimeError(f"{pl.address} is not strictly inside the district")
        code = p.cells[pl.cell].subdistrict
        rows.append((pl.address, f"{lng:.6f}", f"{lat:.6f}", pl.kind, pl.street,
                     "" if pl.number is None else pl.number, pl.xiaoqu, pl.building,
                     "|".join(pl.aliases), pl.community, SUBDISTRICT_NAMES[code],
                     spec.subdistrict_code(code)))
    if len({r[0] for r in rows}) != len(rows):
        raise RuntimeError("addresses are not unique")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def _manifest(data: dict) -> dict:
    plan: Plan = data["plan"]
    places: list[gz.Place] = data["places"]
    by_level: dict[str, int] = {}
    for s in plan.schools.values():
        by_level[s.level] = by_level.get(s.level, 0) + 1
    kinds: dict[str, int] = {}
    for pl in places:
        kinds[pl.kind] = kinds.get(pl.kind, 0) + 1
    return {
        "dataset": "sample", "sample": True, "seed": data["seed"],
        "zone_version": data["spec"].zone_version,
        "counts": {
            "schools": {**dict(sorted(by_level.items())), "total": len(plan.schools)},
            "zones": {"primary": len(plan.primary), "middle": len(plan.middle)},
            "addresses": {**dict(sorted(kinds.items())), "total": len(places)},
            "streets": len(data["partition"].streets),
            "subdistricts": len(SUBDISTRICT_CODES),
            "communities": len({pl.community for pl in places}),
            "xiaoqu": sum(1 for pl in places if pl.kind == "xiaoqu"),
        },
    }


def generate(out_dir: Path | str = DEFAULT_OUT, seed: int = SEED,
             spec: DistrictSpec = ERDAO) -> dict[str, Path]:
    """Write every output file into `out_dir`; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, text in render(build(seed, spec)).items():
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        paths[name] = path
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    for _, path in sorted(generate(args.out, args.seed).items()):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
