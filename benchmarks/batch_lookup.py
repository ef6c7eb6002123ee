"""Batch lookup and open-data benchmark (issue 11). Prints medians; see benchmarks/README.md.

    .venv/bin/python benchmarks/batch_lookup.py [--rows 10000] [--runs 3] [--requests 200]

Measures, on the sample district, through Flask's test client (the whole request: reading
the body, parsing, answering, writing JSON):
- POST /api/v1/lookup/batch with 10,000 random points (target < 1 s) and with 10,000
  gazetteer addresses (target < 15 s), median of `--runs`;
- req/s of GET /ogc/collections/primary_zones/items?limit=100 (every primary zone) against
  GET /api/v1/zones.geojson?level=primary, interleaved side by side in one run, and their
  ratio (target ≥ 0.8).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp import create_app  # noqa: E402


def timed(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="xuequ-bench-"))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{instance / 'bench.sqlite3'}"})
    client = app.test_client()
    snapshot = app.extensions["xuequ"].published.get()
    rng = np.random.default_rng(11)
    west, south, east, north = snapshot.district.bounds
    points = json.dumps([{"lat": float(rng.uniform(south, north)),
                          "lng": float(rng.uniform(west, east))} for _ in range(args.rows)])
    places = snapshot.gazetteer.places
    addresses = json.dumps([{"address": places[i].address}
                            for i in rng.integers(0, len(places), args.rows)],
                           ensure_ascii=False).encode()

    def post(body):
        response = client.post("/api/v1/lookup/batch", data=body,
                               content_type="application/json")
        assert response.status_code == 200, response.get_data()[:300]
        return response
    post(points)  # warm up
    print(f"batch of {args.rows:,} points:    {timed(lambda: post(points), args.runs):.3f} s "
          "(median; target < 1 s)")
    summary = post(addresses).get_json()["summary"]
    print(f"batch of {args.rows:,} addresses: {timed(lambda: post(addresses), args.runs):.3f} s "
          f"(median; target < 15 s); statuses {summary['by_status']}")

    urls = {"ogc": "/ogc/collections/primary_zones/items?limit=100",
            "zones": "/api/v1/zones.geojson?level=primary"}
    for url in urls.values():
        assert client.get(url).status_code == 200
    spent = {name: 0.0 for name in urls}
    for _ in range(args.requests):  # interleaved: both see the same machine load
        for name, url in urls.items():
            start = time.perf_counter()
            client.get(url)
            spent[name] += time.perf_counter() - start
    rates = {name: args.requests / seconds for name, seconds in spent.items()}
    print(f"OGC items (all primary zones): {rates['ogc']:.0f} req/s; zones GeoJSON: "
          f"{rates['zones']:.0f} req/s; ratio {rates['ogc'] / rates['zones']:.2f} "
          "(target ≥ 0.80)")


if __name__ == "__main__":
    main()
