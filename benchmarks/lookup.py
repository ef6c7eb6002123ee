"""Lookup benchmark (issue: core). Prints medians and percentiles; see benchmarks/README.md.

    .venv/bin/python benchmarks/lookup.py [--batch 1000000] [--single 20000]

Measures, on the sample district and on a synthetic scale-up of 2,000 zones:
single-point lookups in process (p50/p99), vectorised batch assignment (points/s),
the /api/v1/lookup endpoint through Flask's test client, and a worker's RSS.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admissions.dataset import SAMPLE_DIR  # noqa: E402
from gis import crs  # noqa: E402
from gis.geojson import read_features  # noqa: E402
from gis.point import WGS84Point  # noqa: E402
from zones.index import ZoneIndex  # noqa: E402
from zones.intake import read_zone_file  # noqa: E402
from zones.model import Zone, ZoneSet  # noqa: E402

METRIC = "EPSG:4551"  # the sample district's metres (its district.json)


def sample_index() -> ZoneIndex:
    zones = [z for level in ("primary", "middle")
             for z in read_zone_file(SAMPLE_DIR / f"zones_{level}.geojson")]
    (_, district), = read_features(SAMPLE_DIR / "district.geojson")
    return ZoneIndex(ZoneSet("sample", "published", None, zones=zones), district)


def synthetic_index(n_zones: int = 2000, vertex_spacing_m: float = 25.0) -> ZoneIndex:
    """A grid of ~n_zones zones per level over the sample district, densified so each zone
    has a realistic few hundred vertices."""
    (_, district), = read_features(SAMPLE_DIR / "district.geojson")
    metric = crs.transform_geometry(district, crs.WGS84, METRIC)
    x0, y0, x1, y1 = metric.bounds
    side = (metric.area / n_zones) ** 0.5
    cells = [box(x, y, x + side, y + side) for x in np.arange(x0, x1, side)
             for y in np.arange(y0, y1, side)]
    pieces = [c for c in shapely.intersection(cells, metric) if not c.is_empty
              and c.geom_type in ("Polygon", "MultiPolygon")]
    zones = []
    for i, piece in enumerate(pieces):
        geometry = crs.transform_geometry(shapely.segmentize(piece, vertex_spacing_m),
                                          METRIC, crs.WGS84)
        for level in ("primary", "middle"):
            zones.append(Zone(f"{level[0]}{i}", level, (f"S{i}",), "direct", "", geometry))
    return ZoneIndex(ZoneSet("synthetic", "published", None, zones=zones), district)


def random_points(index: ZoneIndex, n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lng0, lat0, lng1, lat1 = crs.transform_geometry(index.district, METRIC,
                                                   crs.WGS84).bounds
    return lng0 + rng.random(n) * (lng1 - lng0), lat0 + rng.random(n) * (lat1 - lat0)


def percentile_us(samples_ns: list[int], q: float) -> float:
    return float(np.percentile(samples_ns, q)) / 1000.0


def bench_single(index: ZoneIndex, n: int) -> dict:
    lng, lat = random_points(index, n, seed=2)
    for i in range(min(n, 500)):  # warm caches
        index.lookup(WGS84Point(float(lat[i]), float(lng[i])))
    timings = []
    for x, y in zip(lng.tolist(), lat.tolist(), strict=True):
        point = WGS84Point(y, x)  # parsed at the edge, as the API does
        start = time.perf_counter_ns()
        index.lookup(point)
        timings.append(time.perf_counter_ns() - start)
    return {"p50_us": percentile_us(timings, 50), "p99_us": percentile_us(timings, 99)}


def bench_batch(index: ZoneIndex, n: int, repeats: int = 3) -> dict:
    lng, lat = random_points(index, n, seed=3)
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        index.assign_points(lng, lat, "primary")
        rates.append(n / (time.perf_counter() - start))
    return {"points": n, "median_points_per_s": statistics.median(rates)}


def bench_endpoint(n: int) -> dict:
    from webapp import create_app
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "bench"})
        client = app.test_client()
        with app.app_context():
            from webapp.services import snapshot
            index = snapshot().index
        lng, lat = random_points(index, n, seed=4)
        timings = []
        for x, y in zip(lng.tolist(), lat.tolist(), strict=True):
            start = time.perf_counter_ns()
            response = client.get(f"/api/v1/lookup?lat={y:.6f}&lng={x:.6f}")
            timings.append(time.perf_counter_ns() - start)
            assert response.status_code == 200, response.get_json()
    return {"p50_ms": percentile_us(timings, 50) / 1000, "p99_ms": percentile_us(timings, 99)
            / 1000}


RSS_PROBE = """
import tempfile, sys
sys.path.insert(0, {root!r})
from webapp import create_app
tmp = tempfile.mkdtemp()
app = create_app({{"DATABASE_URL": f"sqlite:///{{tmp}}/rss.sqlite3", "SECRET_KEY": "x"}})
client = app.test_client()
assert client.get("/api/v1/lookup?lat=43.88&lng=125.40").status_code == 200
assert client.get("/").status_code == 200  # the map page loads Folium (and pandas with it)
print([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1])
"""


def worker_rss_mb() -> float:
    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", RSS_PROBE.format(root=root)], check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()

    results = {}
    for name, build in (("sample", sample_index), ("synthetic-2000", synthetic_index)):
        start = time.perf_counter()
        index = build()
        zones = len(index.levels["primary"].zones)
        results[name] = {"zones_per_level": zones, "build_s": time.perf_counter() - start,
                         **bench_single(index, args.single),
                         **bench_batch(index, args.batch)}
    results["sample"]["endpoint"] = bench_endpoint(args.requests)
    results["sample"]["worker_rss_mb"] = worker_rss_mb()

    for name, r in results.items():
        print(f"[{name}] zones/level={r['zones_per_level']} build={r['build_s']:.2f}s")
        print(f"  single lookup: p50={r['p50_us']:.1f} µs  p99={r['p99_us']:.1f} µs")
        print(f"  batch {r['points']:,} points: {r['median_points_per_s']:,.0f} points/s "
              "(median of 3)")
    endpoint = results["sample"]["endpoint"]
    print(f"[sample] /api/v1/lookup via test client: p50={endpoint['p50_ms']:.2f} ms "
          f"p99={endpoint['p99_ms']:.2f} ms")
    print(f"[sample] worker RSS after a lookup and the map page: "
          f"{results['sample']['worker_rss_mb']:.0f} MB")
    ratio = results["synthetic-2000"]["p50_us"] / results["sample"]["p50_us"]
    print(f"ratio single p50 synthetic-2000 / sample: {ratio:.2f}")
    print("targets: p50 ≤ 50 µs at 2,000 zones; batch ≥ 500,000 points/s; RSS ≤ 250 MB")


if __name__ == "__main__":
    main()
