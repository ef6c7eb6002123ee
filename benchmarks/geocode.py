"""Address search benchmark (issues 3 and 12): the zone a family is told, not only a point.

    .venv/bin/python benchmarks/geocode.py [--noisy 3000] [--clean 3000] [--size 100000]
                                           [--skip-synthetic] [--seed N]

On the sample gazetteer and on the synthetic one (benchmarks/synthetic_gazetteer.py, laid
over the sample's zones), every query goes through `answer_address`, as the API does:
- top-1 zone accuracy: the zones answered (assigned or boundary), or the zones of the first
  candidate of an ambiguous answer, equal the place's own zones at both levels;
- ambiguity rate: answered with candidates (`address_ambiguous`);
- wrong-and-confident: a zone answered (no question asked) that is not the place's;
- `found` answers by confidence band, with the share that is wrong in each band;
- short and prefix queries: every 小区 name cut to 2 and 3 characters;
- latency of `geocoder.search` (p50/p99) and of suggestions (p50); RSS of a worker.
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admissions.service import answer_address, zone_key  # noqa: E402
from benchmarks.geocode_noise import KINDS, NOISE_SEED, NoiseModel, Query, short_queries  # noqa: E402
from benchmarks.synthetic_gazetteer import synthetic_places  # noqa: E402
from gis.gazetteer import Gazetteer, Place  # noqa: E402
from zones.errors import XuequError  # noqa: E402
from zones.inputs import parse_address  # noqa: E402

BANDS = ((0.8, 0.9), (0.9, 0.95), (0.95, 0.99), (0.99, 1.01))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * 4096 / 2**20


# A web worker with the sample: the app on a database already loaded (as every worker but
# the first one that loads the dataset), after a point lookup, an address search and a
# suggestion. A process of its own: this benchmark's imports (pypinyin for the noise
# model) are no part of a worker.
WORKER_PROBE = """
import sys, urllib.parse
sys.path.insert(0, {root!r})
from webapp import create_app
app = create_app({{"DATABASE_URL": "sqlite:///{db}", "SECRET_KEY": "bench",
                  "RATELIMIT_ENABLED": False}})
client = app.test_client()
for text in ("东盛大街120号", "dongsheng dajie 120 hao", "丁香"):
    q = urllib.parse.quote(text)
    assert client.get(f"/api/v1/lookup?address={{q}}").status_code in (200, 404)
    assert client.get(f"/api/v1/addresses/suggest?q={{q}}").status_code == 200
print([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1])
"""


def worker_rss_mb() -> tuple[float, float]:
    """(the first worker, which also loads the dataset into a new database; a worker on
    the loaded database), in MB."""
    root = str(Path(__file__).resolve().parent.parent)
    db = Path(tempfile.mkdtemp(prefix="xuequ-bench-rss-")) / "rss.sqlite3"
    figures = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", WORKER_PROBE.format(root=root, db=db)],
                             check=True, capture_output=True, text=True).stdout
        figures.append(int(out.strip().splitlines()[-1]) / 1024)
    return figures[0], figures[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def sample_snapshot():
    from webapp import create_app
    from webapp.services import snapshot
    instance = tempfile.mkdtemp(prefix="xuequ-bench-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                      "DATABASE_URL": f"sqlite:///{instance}/bench.sqlite3",
                      "REFRESH_SECONDS": 0.0, "RATELIMIT_ENABLED": False})
    with app.app_context():
        return snapshot()


def answered_zones(answer: dict) -> tuple:
    return tuple((level, tuple(z["zone_id"] for z in answer[level]["zones"]))
                 for level in ("middle", "primary"))


def split_xiaoqu(snapshot, place: Place) -> bool:
    """A 小区 whose buildings lie in different zones: its name alone has no one answer."""
    members = snapshot.geocoder.buildings_of(place.address) if place.kind == "xiaoqu" else []
    return bool(members) and len({zone_key(snapshot, p) for p in [place, *members]}) > 1


def judge(snapshot, text: str, place: Place) -> dict:
    """One query: its outcome, against the place's own zones. For a 小区 whose buildings
    lie in different zones, the right answer is to ask which building (its buildings as
    the candidates): no zone is the place's own."""
    truth = zone_key(snapshot, place)[1]
    try:
        answer = answer_address(snapshot, parse_address(text))
    except XuequError:
        return {"status": "refused", "right": False, "confident_wrong": False}
    status = answer["status"]
    if answer.get("location"):  # a point was answered (in a zone, between, or outside)
        right = answered_zones(answer) == truth
        confidence = (answer.get("location") or {}).get("confidence", 0.0)
        return {"status": "answered", "right": right, "confident_wrong": not right,
                "confidence": confidence, "method": answer["location"].get("method", "")}
    if status == "address_ambiguous" and answer.get("candidates") and \
            split_xiaoqu(snapshot, place):
        first = snapshot.geocoder.resolve_id(answer["candidates"][0]["id"]).place
        right = first is not None and first.xiaoqu == place.address
        return {"status": "ambiguous", "right": right, "confident_wrong": False}
    if status == "address_ambiguous" and answer.get("candidates"):
        first = snapshot.geocoder.resolve_id(answer["candidates"][0]["id"]).place
        right = first is not None and zone_key(snapshot, first)[1] == truth
        return {"status": "ambiguous", "right": right, "confident_wrong": False}
    return {"status": status, "right": False, "confident_wrong": False}


def evaluate(snapshot, queries: list[Query]) -> dict:
    per_kind: dict[str, Counter] = defaultdict(Counter)
    bands: dict[tuple, Counter] = defaultdict(Counter)
    methods: dict[str, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    latencies = []
    for q in queries:
        t = time.perf_counter()
        try:
            snapshot.geocoder.search(q.text)
        except ValueError:
            pass
        latencies.append((time.perf_counter() - t) * 1000)
        outcome = judge(snapshot, q.text, q.place)
        for counter in (total, *(per_kind[k] for k in q.kinds)):
            counter["n"] += 1
            counter["right"] += outcome["right"]
            counter["ambiguous"] += outcome["status"] == "ambiguous"
            counter["confident_wrong"] += outcome["confident_wrong"]
        if outcome["status"] == "answered":
            methods[outcome["method"]]["n"] += 1
            methods[outcome["method"]]["wrong"] += not outcome["right"]
            for band in BANDS:
                if band[0] <= outcome["confidence"] < band[1]:
                    bands[band]["n"] += 1
                    bands[band]["wrong"] += not outcome["right"]
    return {"total": total, "per_kind": per_kind, "bands": bands, "methods": methods,
            "latencies": latencies}


def _rates(c: Counter) -> str:
    n = max(c["n"], 1)
    return (f"n={c['n']:5d}  top-1 zone {c['right'] / n:7.2%}  ambiguous "
            f"{c['ambiguous'] / n:6.2%}  wrong-and-confident {c['confident_wrong'] / n:6.2%}")


def short_prefix(snapshot, places: list[Place]) -> tuple[int, int, int]:
    queries = short_queries(places)
    found_wrong = answered = 0
    for text, place in queries:
        outcome = judge(snapshot, text, place)
        answered += outcome["status"] == "answered"
        found_wrong += outcome["confident_wrong"]
    return len(queries), answered, found_wrong


def suggest_latency(snapshot, places: list[Place], rng: random.Random, n: int = 2000) -> float:
    times = []
    for place in rng.sample(places, min(n, len(places))):
        prefix = place.address[:rng.randint(2, 6)]
        t = time.perf_counter()
        snapshot.suggester.suggest(prefix)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run(label: str, snapshot, args) -> None:
    rng = random.Random(3)
    # Queries are about homes in the district: the synthetic rectangle spills over its
    # outline, and a place outside it is answered "outside" whatever is typed. Those places
    # stay in the gazetteer (as candidates to confuse), but are not asked for.
    everything = snapshot.gazetteer.places
    places = [p for p in everything if zone_key(snapshot, p)[0] != "outside_district"]
    # What a worker keeps is frozen, as the web layer gc.freeze()s its snapshot: here that
    # includes every place's zones, just computed. Left to the collector, each full
    # collection walked those 100,000 entries: the 20–400 ms pauses of the latency tail.
    split = sum(split_xiaoqu(snapshot, p) for p in places if p.kind == "xiaoqu")
    gc.collect()
    gc.freeze()
    print(f"== {label}: {len(everything):,} places, {len(places):,} of them in the district; "
          f"{split} 小区 with buildings in different zones (right answer: ask the building)")
    clean = evaluate(snapshot, [Query(p.address, "clean", p)
                                for p in rng.sample(places, min(args.clean, len(places)))])
    noisy = evaluate(snapshot, NoiseModel(everything, snapshot.profile, seed=args.seed).dev_set(
        places, args.noisy))
    print(f"  clean  {_rates(clean['total'])}")
    print(f"  noisy  {_rates(noisy['total'])}")
    for kind in KINDS:
        if kind in noisy["per_kind"]:
            print(f"    {kind:11s} {_rates(noisy['per_kind'][kind])}")
    for band in BANDS:
        c = noisy["bands"][band] + clean["bands"][band]
        if c["n"]:
            print(f"  confidence [{band[0]:.2f}, {min(band[1], 1.0):.2f}): {c['n']:5d} zone "
                  f"answers, wrong {c['wrong'] / c['n']:.2%}")
    methods = {m: noisy["methods"][m] + clean["methods"][m]
               for m in sorted({*noisy["methods"], *clean["methods"]})}
    print("  zone answers by how the place was found: " + ", ".join(
        f"{m or '-'} {c['n']} (wrong {c['wrong']})" for m, c in methods.items()))
    n, answered, wrong = short_prefix(snapshot, places)
    print(f"  short/prefix queries (小区 names cut to 2 and 3 characters): {n}, answered with a "
          f"zone {answered / max(n, 1):.1%}, answered with the wrong zone {wrong} "
          f"({wrong / max(n, 1):.2%})")
    latencies = clean["latencies"] + noisy["latencies"]
    print(f"  geocode latency clean+noisy p50 {statistics.median(latencies):.2f} ms, p99 "
          f"{percentile(latencies, 0.99):.2f} ms; noisy only p50 "
          f"{statistics.median(noisy['latencies']):.2f} ms, p99 "
          f"{percentile(noisy['latencies'], 0.99):.2f} ms")
    print(f"  suggest latency p50 {suggest_latency(snapshot, places, rng):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noisy", type=int, default=3000)
    parser.add_argument("--clean", type=int, default=3000)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--seed", type=int, default=NOISE_SEED,
                        help="the noise model's seed (another one: a fresh set of queries)")
    args = parser.parse_args()
    first, loaded = worker_rss_mb()
    print(f"worker with the sample: {loaded:.0f} MB RSS on a loaded database ({first:.0f} MB "
          f"for the first worker, which also loads the dataset)")
    snapshot = sample_snapshot()
    run("sample", snapshot, args)
    if not args.skip_synthetic:
        t = time.perf_counter()
        places = synthetic_places(args.size)
        synthetic = dataclasses.replace(
            snapshot, gazetteer=Gazetteer(places, snapshot.grammar), geocoder=None,
            suggester=None, zone_keys={})
        print(f"(synthetic gazetteer built in {time.perf_counter() - t:.1f} s, process "
              f"{rss_mb():.0f} MB RSS)")
        run(f"synthetic {args.size:,}", synthetic, args)


if __name__ == "__main__":
    main()
