"""First-load weight of the parent's map page, without tiles, with gzip (issue 4).

    .venv/bin/python benchmarks/page_weight.py

Loads the home page through Flask's test client with `Accept-Encoding: gzip`, then every
script, stylesheet and image the HTML and its stylesheets reference on this site, and prints
the bytes on the wire per file and in total (budget: 400 KB). Also prints the same page with
an answer shown (a no-JavaScript form post) for comparison.
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BUDGET_BYTES = 400 * 1024
ASSET = re.compile(r'<(?:script|img)[^>]*\bsrc="([^"]+)"|<link[^>]*\bhref="([^"]+)"'
                   r'|\bdata-map-data="([^"]+)"', re.I)  # the map's data (streets, zones)
CSS_URL = re.compile(r'url\(["\']?([^"\')]+)["\']?\)')


def first_load(client, path: str = "/") -> list[tuple[str, int, int]]:
    """(url, bytes on the wire, uncompressed bytes) for the page and what it pulls in."""
    headers = {"Accept-Encoding": "gzip"}
    rows, queue, seen = [], [path], set()
    while queue:
        url = queue.pop(0)
        if url in seen or url.startswith(("data:", "http:", "https:", "//")):
            continue
        seen.add(url)
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        wire = len(response.data)
        raw = client.get(url).data
        rows.append((url, wire, len(raw)))
        text = raw.decode("utf-8", "replace")
        if url == path:
            queue += [next(u for u in found if u) for found in ASSET.findall(text)]
        elif url.endswith(".css"):
            # Only images a first load shows; Leaflet's marker and layer icons appear later.
            queue += [urljoin(url, u) for u in CSS_URL.findall(text)
                      if not u.startswith("#") and "marker" not in u and "layers" not in u]
    return rows


def report(title: str, rows: list[tuple[str, int, int]]) -> int:
    print(f"\n{title}")
    for url, wire, raw in rows:
        print(f"  {wire / 1024:8.1f} KB  ({raw / 1024:7.1f} KB raw)  {url[:70]}")
    total = sum(w for _, w, _ in rows)
    print(f"  {total / 1024:8.1f} KB total on the wire "
          f"({sum(r for _, _, r in rows) / 1024:.1f} KB raw); budget 400 KB: "
          f"{'ok' if total <= BUDGET_BYTES else 'OVER'}")
    return total


def make_client():
    from webapp import create_app
    instance = tempfile.mkdtemp(prefix="xuequ-weight-")
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{instance}/bench.sqlite3", "TILES": "none"})
    return app, app.test_client()


def answer_times(client, places, runs: int = 1) -> dict[str, list[float]]:
    """Server time (ms) of an answer's own link, of the answer fragment and of the print
    view, over many sample addresses (every 97th place: not shaped to be easy)."""
    import time
    times: dict[str, list[float]] = {"/?address=": [], "/answer?address=": [],
                                     "/print?address=": []}
    for _ in range(runs):
        for place in places:
            for prefix, row in times.items():
                start = time.perf_counter()
                response = client.get(prefix + place.address)
                row.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (prefix, place.address)
    return times


def main() -> int:
    import statistics
    app, client = make_client()
    total = report("First load of / (tiles: none, gzip on)", first_load(client))
    with app.app_context():
        from webapp.services import snapshot
        places = snapshot().gazetteer.places[::97]
        place = next(p for p in places if p.number)
    report(f"/ with an answer shown (?address={place.address})",
           first_load(client, f"/?address={place.address}"))
    client.get("/map/data.json")  # built once per snapshot; not part of an answer
    print(f"\nServer time of an answer, {len(places)} sample addresses (target p95 ≤ 300 ms)")
    for prefix, row in answer_times(client, places).items():
        row.sort()
        print(f"  {prefix:18} median {statistics.median(row):6.1f} ms   "
              f"p95 {row[int(len(row) * 0.95) - 1]:6.1f} ms")
    return 0 if total <= BUDGET_BYTES else 1


if __name__ == "__main__":
    raise SystemExit(main())
