"""Geocoder benchmark (issue 3). Prints accuracy, ambiguity, latency and memory; the
figures are recorded in benchmarks/README.md.

    .venv/bin/python benchmarks/geocode.py [--noisy 2000] [--clean 5000] [--skip-synthetic]

For the sample gazetteer and a synthetic one of 100,000 places:
- top-1 accuracy: the best candidate (found or ambiguous) within 30 m of the place's own
  point, for clean addresses and for the noisy dev set (benchmarks/geocode_noise.py);
- ambiguity rate (answers with candidates instead of one point) and the wrong-and-confident
  rate (status found, but more than 30 m away): the one that hurts families;
- p50/p99 geocode latency, p50 suggest latency (prefixes of 2-6 characters);
- memory: the process's RSS growth while building the geocoder and suggester.
"""
from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admissions.dataset import SAMPLE_DIR  # noqa: E402
from benchmarks.geocode_noise import KINDS, NoiseModel, Query  # noqa: E402
from benchmarks.synthetic_gazetteer import synthetic_places  # noqa: E402
from gis.gazetteer import Place, read_csv  # noqa: E402
from gis.geocoding import GazetteerGeocoder  # noqa: E402
from gis.address import AddressGrammar  # noqa: E402
from gis.crs import distance_m  # noqa: E402
from gis.district import read_profile  # noqa: E402
from gis.suggest import Suggester  # noqa: E402

WITHIN_M = 30.0
GRAMMAR = AddressGrammar(read_profile(SAMPLE_DIR))  # the synthetic places are in it too


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * 4096 / 2**20


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def evaluate(geocoder: GazetteerGeocoder, queries: list[Query]) -> dict:
    right = ambiguous = confident_wrong = 0
    latencies = []
    by_kind: Counter = Counter()
    per_kind: Counter = Counter()
    for q in queries:
        t = time.perf_counter()
        try:
            result = geocoder.search(q.text)
        except ValueError:
            result = None
        latencies.append((time.perf_counter() - t) * 1000)
        per_kind[q.kind] += 1
        best = result.place if result else None
        ok = best is not None and distance_m(best.lng, best.lat, q.place.lng,
                                             q.place.lat) <= WITHIN_M
        right += ok
        by_kind[q.kind] += ok
        ambiguous += bool(result and result.status == "ambiguous")
        confident_wrong += bool(result and result.status == "found" and not ok)
    n = len(queries)
    return {"n": n, "top1": right / n, "ambiguous": ambiguous / n,
            "confident_wrong": confident_wrong / n, "latencies": latencies,
            "by_kind": {k: by_kind[k] / per_kind[k] for k in per_kind}}


def suggest_latency(suggester: Suggester, places: list[Place], rng: random.Random,
                    n: int = 2000) -> float:
    times = []
    for place in rng.sample(places, min(n, len(places))):
        prefix = place.address[:rng.randint(2, 6)]
        t = time.perf_counter()
        suggester.suggest(prefix)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run(label: str, places: list[Place], args) -> None:
    rng = random.Random(3)
    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    geocoder = GazetteerGeocoder(places, GRAMMAR)
    suggester = Suggester(geocoder)
    build_s = time.perf_counter() - t
    memory = rss_mb() - before
    gc.freeze()  # as the web layer does with each snapshot: long-lived, out of the GC's way
    clean_places = rng.sample(places, min(args.clean, len(places)))
    clean = evaluate(geocoder, [Query(p.address, "clean", p) for p in clean_places])
    noisy = evaluate(geocoder, NoiseModel(places).dev_set(places, args.noisy))
    latencies = clean["latencies"] + noisy["latencies"]
    print(f"== {label}: {len(places):,} places, built in {build_s:.1f} s, geocoder and "
          f"suggester +{memory:.0f} MB RSS (process total {rss_mb():.0f} MB)")
    for name, r in (("clean", clean), ("noisy", noisy)):
        print(f"  {name:5s} n={r['n']:5d}  top-1 {r['top1']:.2%}  ambiguous "
              f"{r['ambiguous']:.2%}  wrong-and-confident {r['confident_wrong']:.2%}  "
              f"latency p50 {statistics.median(r['latencies']):.2f} ms "
              f"p99 {percentile(r['latencies'], 0.99):.2f} ms")
    print("  noisy top-1 by kind: " + ", ".join(
        f"{k} {noisy['by_kind'][k]:.1%}" for k in KINDS if k in noisy["by_kind"]))
    print(f"  geocode latency, clean and noisy together: p50 "
          f"{statistics.median(latencies):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms")
    print(f"  suggest latency p50 {suggest_latency(suggester, places, rng):.2f} ms")
    print(f"  bad input, slowest of {len(BAD_INPUT)} (geocode + suggest): "
          f"{bad_input_worst(geocoder, suggester):.2f} ms")
    if args.held_out and label == "sample":
        held_out(places, rng)


BAD_INPUT = ["", "   ", "，。！？——", "🏠🏫😀" * 20, "<script>alert('x')</script>",
             "'; DROP TABLE addresses; --", "1' OR '1'='1", "北京市朝阳区建国路88号",
             "43.87,125.38", "东" * 200, "东盛" * 100, "dong" * 50, "1" * 200,
             "\u202e\u200b" * 50, "东盛花苑" + "3号楼2单元" * 30]


def bad_input_worst(geocoder: GazetteerGeocoder, suggester: Suggester) -> float:
    worst = 0.0
    for text in BAD_INPUT:
        t = time.perf_counter()
        try:
            geocoder.search(text)
        except ValueError:
            pass
        suggester.suggest(text)
        worst = max(worst, (time.perf_counter() - t) * 1000)
    return worst


def held_out(places: list[Place], rng: random.Random, share: float = 0.03) -> None:
    """Interpolation: drop some house numbers from the table, then ask for them."""
    houses = [p for p in places if p.kind == "house"]
    dropped = set(id(p) for p in rng.sample(houses, int(len(houses) * share)))
    geocoder = GazetteerGeocoder([p for p in places if id(p) not in dropped], GRAMMAR)
    queries = [Query(p.address, "held-out", p) for p in houses if id(p) in dropped]
    r = evaluate(geocoder, queries)
    print(f"  interpolation, {r['n']} house numbers held out of the table: within 30 m "
          f"{r['top1']:.2%}, ambiguous {r['ambiguous']:.2%}, wrong-and-confident "
          f"{r['confident_wrong']:.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noisy", type=int, default=2000)
    parser.add_argument("--clean", type=int, default=5000)
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--no-held-out", dest="held_out", action="store_false")
    args = parser.parse_args()
    run("sample", read_csv(SAMPLE_DIR / "addresses.csv"), args)
    if not args.skip_synthetic:
        run("synthetic", synthetic_places(100_000), args)


if __name__ == "__main__":
    main()
