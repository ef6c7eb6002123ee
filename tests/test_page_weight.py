"""The first load of the map page stays within the 400 KB budget (gzip on, no tiles)."""
from __future__ import annotations

from benchmarks.page_weight import BUDGET_BYTES, first_load
from webapp.serving.compression import MIN_BYTES


def test_first_load_is_within_budget_and_compressed(client):
    rows = first_load(client)
    urls = [url for url, _, _ in rows]
    assert "/" in urls and any(u.endswith("leaflet.js") for u in urls)
    assert any(u.endswith("app.js") for u in urls)
    assert sum(wire for _, wire, _ in rows) <= BUDGET_BYTES
    assert any(u.endswith("/map/data.json") for u in urls)  # streets and zones counted too
    # every text file went out gzipped (a tiny one, like the favicon, is not worth it)
    assert all(wire < raw for _, wire, raw in rows if raw >= MIN_BYTES)
