"""HTTP load benchmark (issue 10): Xuequ under gunicorn against a bare Flask floor and a
PostGIS-per-request design, side by side in one run, then a soak with publishes.

    benchmarks/http_load.sh [--seconds 10] [--rounds 3] [--soak-seconds 300]

Each server runs under gunicorn with 2 sync workers, writing the same access log line per
request (Xuequ with its own gunicorn settings, webapp/serving/gunicorn_conf.py, whose
logger fills only the atoms its format names; the floor is also run with that logger, for
the record, but the targets are judged against the floor with gunicorn's own); wrk
drives each target in turn (16 connections), for `--rounds` rounds, and the medians are
printed with the ratios to the floor and to PostGIS. The soak then sends mixed traffic
from several threads while a new zone version is published every `--publish-every`
seconds, and counts errors, answers whose zones belong to another version than the one
they name, the workers' RSS growth, and how long each publish took to reach every worker.
Results: benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgresql://postgres@127.0.0.1:5432/xuequ_bench"
TARGETS = {  # the target names and what they need to pass
    "floor": "bare Flask JSON (the floor)",
    "floor_lean_log": "the floor with Xuequ's access logger",
    "postgis": "PostGIS ST_Covers per request",
    "lookup": "Xuequ lookup?lat=&lng= (full answer)",
    "lookup_lean": "Xuequ lookup?lat=&lng=&fields=zones",
    "address": "Xuequ lookup?address=",
    "geojson": "Xuequ zones.geojson",
    "geojson_304": "Xuequ zones.geojson, If-None-Match",
    "ogc_items": "Xuequ OGC items, all primary zones",
    "geojson_primary": "Xuequ zones.geojson?level=primary",
}


def prepare(workdir: Path, points: int, seed: int):
    """The sample in a SQLite file, sample points and addresses, and the zones in PostGIS."""
    os.environ["XUEQU_INSTANCE_PATH"] = str(workdir / "instance")
    from webapp import create_app
    from webapp.services import snapshot
    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'xuequ.sqlite3'}",
                      "SECRET_KEY": "bench"})
    with app.app_context():
        current = snapshot()
    rng = random.Random(seed)
    minx, miny, maxx, maxy = current.district.bounds
    import shapely
    lnglat = []
    while len(lnglat) < points:
        lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if current.district.covers(shapely.Point(lng, lat)):
            lnglat.append((round(lat, 6), round(lng, 6)))
    addresses = [p.address for p in current.gazetteer.places if p.number]
    rng.shuffle(addresses)
    load_postgis(current.zone_set.zones)
    return lnglat, addresses[:points]


def load_postgis(zones) -> None:
    import psycopg
    import shapely
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS xuequ_bench")
        admin.execute("CREATE DATABASE xuequ_bench")
    with psycopg.connect(PG_BENCH, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        db.execute("CREATE TABLE bench_zones (zone_id text, level text, allocation text, "
                   "school_codes text[], geom geometry(Geometry, 4326))")
        with db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_zones VALUES (%s, %s, %s, %s, "
                "ST_GeomFromWKB(%s, 4326))",
                [(z.zone_id, z.level, z.allocation, list(z.school_codes),
                  shapely.to_wkb(z.geometry)) for z in zones])
        db.execute("CREATE INDEX ON bench_zones USING gist (geom)")
        db.execute("ANALYZE bench_zones")


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: str, env: dict, options: tuple[str, ...] = ()) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *options, "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", app], cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    return server, f"http://127.0.0.1:{port}"


def wait_for(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def workers_rss_mb(server: subprocess.Popen) -> dict[int, float]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    rss = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss[int(pid)] = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    return rss


def lua_script(path: Path, paths: list[str]) -> Path:
    quoted = ",\n".join(json.dumps(p) for p in paths)
    path.write_text(f"local paths = {{\n{quoted}\n}}\nlocal i = 0\n"
                    "request = function()\n  i = i % #paths + 1\n"
                    "  return wrk.format('GET', paths[i])\nend\n")
    return path


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(base: str, script: Path, seconds: int, connections: int, headers: list[str]) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
               str(script)]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [base], capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
            "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
            "bad": int(bad.group(1)) if bad else 0}


def etag_of(url: str) -> str:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        return response.headers["ETag"]


def load_test(servers: dict, scripts: dict, etag: str, args) -> dict[str, dict]:
    gzip = "Accept-Encoding: gzip"
    runs = {name: [] for name in TARGETS}
    headers = {name: [gzip] for name in TARGETS}
    headers["geojson_304"] = [gzip, f"If-None-Match: {etag}"]
    for name in TARGETS:  # warm-up: every worker composes its templates once
        wrk(servers[name], scripts[name], 2, args.connections, headers[name])
    for _ in range(args.rounds):
        for name in TARGETS:
            runs[name].append(wrk(servers[name], scripts[name], args.seconds,
                                  args.connections, headers[name]))
    return {name: {key: statistics.median(r[key] for r in results)
                   for key in ("rps", "p50", "p99", "bad")}
            for name, results in runs.items()}


def report(results: dict[str, dict], rss: dict[int, float]) -> None:
    floor, postgis = results["floor"]["rps"], results["postgis"]["rps"]
    print(f"\n{'target':44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'/floor':>7} "
          f"{'/PostGIS':>8} {'non-2xx/3xx':>11}")
    for name, label in TARGETS.items():
        r = results[name]
        print(f"{label:44} {r['rps']:8.0f} {r['p50']:8.2f} {r['p99']:8.2f} "
              f"{r['rps'] / floor:7.2f} {r['rps'] / postgis:8.2f} {r['bad']:11.0f}")
    print(f"Xuequ worker RSS after the load: "
          f"{', '.join(f'{mb:.0f} MB' for mb in rss.values())}")
    lookup = results["lookup"]
    checks = [
        ("full lookup >= 75% of the floor", lookup["rps"] >= 0.75 * floor),
        ("full lookup >= 1.5x PostGIS", lookup["rps"] >= 1.5 * postgis),
        ("full lookup p99 <= 25 ms", lookup["p99"] <= 25),
        ("address lookup >= 60% of the floor", results["address"]["rps"] >= 0.6 * floor),
        ("revalidated GeoJSON >= 80% of the floor",
         results["geojson_304"]["rps"] >= 0.8 * floor),
        ("worker RSS <= 250 MB", max(rss.values()) <= 250),
        ("OGC items of all primary zones >= 80% of zones.geojson (issue 11)",
         results["ogc_items"]["rps"] >= 0.8 * results["geojson_primary"]["rps"]),
    ]
    for label, ok in checks:
        print(f"  {'met' if ok else 'MISSED':6} {label}")


class Soak:
    """Mixed traffic from threads while a new zone version is published every minute."""

    def __init__(self, base: str, workdir: Path, points, addresses, threads: int,
                 redis_url: str):
        from store import db
        from zones.propagation import announce_on_redis
        self.base, self.points, self.addresses, self.threads = base, points, addresses, threads
        self.sessions = db.make_sessionmaker(
            db.make_engine(f"sqlite:///{workdir / 'xuequ.sqlite3'}"))
        announce_on_redis(self.sessions, redis_url)  # as a staff host configured alike does
        self.counts = {"requests": 0, "errors": 0, "mixed": 0, "304": 0}
        self.versions_seen: set[str] = set()
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.etag = ""
        self.propagation: list[float] = []  # seconds from a publish to every worker serving it

    def publish(self, n: int) -> str:
        """A copy of the published zones whose descriptions name the new version."""
        from zones import storage
        from zones.model import ZoneSet
        version = f"soak-{n}-{int(time.time())}"
        with self.sessions() as session:
            current = storage.load_zone_set(session, storage.published_zone_set_id(session))
        zones = [z.__class__(**{**z.__dict__,
                                "description": re.sub(r" \[soak-[^\]]*\]$", "",
                                                      z.description) + f" [{version}]"})
                 for z in current.zones]
        with self.sessions.begin() as session:
            storage.save_zone_set(session, ZoneSet(id=version, status="draft",
                                                   effective_from=None, label=version,
                                                   zones=zones))
        storage.publish(self.sessions, version)
        return version

    def propagated(self, version: str, published_at: float, timeout: float = 30.0) -> None:
        """Seconds until 10 health checks in a row (both workers, by the load) name it."""
        while time.monotonic() - published_at < timeout:
            served = set()
            for _ in range(10):
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=10) as response:
                    served.add(json.loads(response.read())["published_version"]["id"])
            if served == {version}:
                self.propagation.append(time.monotonic() - published_at)
                return
            time.sleep(0.02)
        self.propagation.append(float("inf"))

    def _check(self, body: dict, geojson: bool) -> bool:
        """True when every zone in the answer belongs to the version the answer names."""
        version = body["zone_version"]["id"] if not geojson else body["zone_version"]["id"]
        if geojson:
            descriptions = [f["properties"]["description"] for f in body["features"]]
        else:
            descriptions = [z.get("description", f" [{version}]")
                            for level in ("primary", "middle") for z in body[level]["zones"]]
        with self.lock:
            self.versions_seen.add(version)
        return all(d.endswith(f" [{version}]") for d in descriptions)

    def _one(self, rng: random.Random) -> None:
        kind = rng.random()
        lat, lng = rng.choice(self.points)
        headers = {}
        geojson = False
        if kind < 0.55:
            path = f"/api/v1/lookup?lat={lat}&lng={lng}"
        elif kind < 0.7:
            path = f"/api/v1/lookup?lat={lat}&lng={lng}&fields=zones"
        elif kind < 0.9:
            path = "/api/v1/lookup?" + urllib.parse.urlencode(
                {"address": rng.choice(self.addresses)})
        else:
            path, geojson = "/api/v1/zones.geojson", True
            if rng.random() < 0.5 and self.etag:
                headers["If-None-Match"] = self.etag
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, data = response.status, response.read()
                etag = response.headers.get("ETag")
        except urllib.error.HTTPError as error:
            status, data, etag = error.code, b"", None
        except OSError as error:
            status, data, etag = 0, str(error).encode(), None
        with self.lock:
            self.counts["requests"] += 1
        if status == 304:
            with self.lock:
                self.counts["304"] += 1
            return
        if status != 200:
            with self.lock:
                self.counts["errors"] += 1
                self.errors.append(f"{status} {path[:60]} {data[:120]!r}")
            return
        body = json.loads(data)
        if geojson and etag:
            self.etag = etag
        if "fields=zones" not in path and not self._check(body, geojson):
            with self.lock:
                self.counts["mixed"] += 1

    def _traffic(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            self._one(rng)

    def run(self, seconds: float, publish_every: float, server: subprocess.Popen) -> dict:
        self.publish(0)
        time.sleep(3)  # every worker has the first soak version
        threads = [threading.Thread(target=self._traffic, args=(i,), daemon=True)
                   for i in range(self.threads)]
        for t in threads:
            t.start()
        time.sleep(min(10.0, seconds / 10))
        rss_start = workers_rss_mb(server)
        started = time.monotonic()
        publishes = 0
        while time.monotonic() - started < seconds:
            time.sleep(min(publish_every, seconds - (time.monotonic() - started)))
            if time.monotonic() - started < seconds:
                publishes += 1
                published_at = time.monotonic()
                self.propagated(self.publish(publishes), published_at)
        rss_end = workers_rss_mb(server)
        self.stop.set()
        for t in threads:
            t.join(timeout=60)
        growth = max((rss_end.get(pid, float("inf")) - mb) / mb * 100
                     for pid, mb in rss_start.items())
        return {"seconds": seconds, "publishes": publishes, **self.counts,
                "versions_seen": len(self.versions_seen),
                "propagation_s": [round(d, 2) for d in self.propagation], "rss_start": rss_start,
                "rss_end": rss_end, "rss_growth_pct": growth, "errors_sample": self.errors[:5],
                "same_workers": set(rss_start) == set(rss_end)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per target")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--soak-seconds", type=float, default=300.0, help="0: no soak")
    parser.add_argument("--publish-every", type=float, default=60.0)
    parser.add_argument("--soak-threads", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0",
                        help="publish announcements (and rate-limit counters) for Xuequ")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="xuequ-http-load-"))
    print("preparing the sample, the points and the PostGIS table ...", flush=True)
    points, addresses = prepare(workdir, args.points, args.seed)
    env = {"DATABASE_URL": f"sqlite:///{workdir / 'xuequ.sqlite3'}", "SECRET_KEY": "bench",
           "XUEQU_INSTANCE_PATH": str(workdir / "instance"), "XUEQU_BENCH_PG": PG_BENCH,
           "XUEQU_AUTO_MIGRATE": "0", "XUEQU_AUTO_LOAD_SAMPLE": "0"}
    processes = {}
    try:
        # Every server writes the same access log line per request, as Xuequ's settings do.
        from webapp.serving import gunicorn_conf
        logged = ("--access-logfile", "-", "--access-logformat", gunicorn_conf.access_log_format)
        processes["floor"], floor = serve("benchmarks.bare_app:app", env, logged)
        # For the record: the floor with the lighter access logger Xuequ deploys with.
        processes["floor_lean_log"], floor_lean_log = serve(
            "benchmarks.bare_app:app", env,
            (*logged, "--logger-class", gunicorn_conf.logger_class))
        processes["postgis"], postgis = serve("benchmarks.postgis_app:app", env, logged)
        # Xuequ as deployed: its gunicorn settings (access log included) and a publish
        # announced to every worker over Redis pub/sub.
        processes["xuequ"], xuequ = serve(
            "webapp:create_app()", {**env, "XUEQU_REDIS_URL": args.redis_url},
            ("-c", "webapp/serving/gunicorn_conf.py"))
        for url in (f"{floor}/json", f"{floor_lean_log}/json",
                    f"{postgis}/lookup?lat=43.88&lng=125.39",
                    f"{xuequ}/healthz"):
            wait_for(url)
        time.sleep(5)  # the second Xuequ worker loads its snapshot too
        lat, lng = points[0]
        with urllib.request.urlopen(f"{postgis}/lookup?lat={lat}&lng={lng}") as response:
            print(f"PostGIS answers e.g. {response.read()[:120]!r}")
        servers = {"floor": floor, "floor_lean_log": floor_lean_log, "postgis": postgis,
                   "lookup": xuequ, "lookup_lean": xuequ,
                   "address": xuequ, "geojson": xuequ, "geojson_304": xuequ,
                   "ogc_items": xuequ, "geojson_primary": xuequ}
        scripts = {
            "floor": ["/json"], "floor_lean_log": ["/json"],
            "postgis": [f"/lookup?lat={a}&lng={b}" for a, b in points],
            "lookup": [f"/api/v1/lookup?lat={a}&lng={b}" for a, b in points],
            "lookup_lean": [f"/api/v1/lookup?lat={a}&lng={b}&fields=zones" for a, b in points],
            "address": ["/api/v1/lookup?" + urllib.parse.urlencode({"address": a})
                        for a in addresses],
            "geojson": ["/api/v1/zones.geojson"], "geojson_304": ["/api/v1/zones.geojson"],
            "ogc_items": ["/ogc/collections/primary_zones/items?limit=100"],
            "geojson_primary": ["/api/v1/zones.geojson?level=primary"]}
        scripts = {name: lua_script(workdir / f"{name}.lua", paths)
                   for name, paths in scripts.items()}
        etag = etag_of(f"{xuequ}/api/v1/zones.geojson")
        print(f"wrk: {args.connections} connections, {args.seconds} s per target, "
              f"{args.rounds} rounds (medians), Accept-Encoding: gzip", flush=True)
        results = load_test(servers, scripts, etag, args)
        report(results, workers_rss_mb(processes["xuequ"]))
        if args.soak_seconds > 0:
            print(f"\nsoak: {args.soak_seconds:.0f} s of mixed traffic "
                  f"({args.soak_threads} threads), a publish every {args.publish_every:.0f} s",
                  flush=True)
            soak = Soak(xuequ, workdir, points, addresses, args.soak_threads, args.redis_url)
            result = soak.run(args.soak_seconds, args.publish_every, processes["xuequ"])
            print(json.dumps(result, indent=1, default=str))
            ok = (result["errors"] == 0 and result["mixed"] == 0
                  and result["rss_growth_pct"] < 10 and result["same_workers"])
            print(f"  {'met' if ok else 'MISSED':6} soak: 0 errors, 0 mixed answers, "
                  f"RSS growth < 10%, no worker restarted")
            slowest = max(result["propagation_s"], default=float("inf"))
            print(f"  {'met' if slowest <= 2 else 'MISSED':6} every publish reached every "
                  f"worker within 2 s under the load (slowest {slowest:.2f} s)")
    finally:
        for process in processes.values():
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
