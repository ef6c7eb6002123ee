"""An app whose database holds three public zone versions — a retired 2025 one, the
published sample and a 2028 one scheduled for the future — for the open-data tests, and a
real HTTP server around it in another process (GDAL's HTTP client must not share our GIL)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import socket
import time
import urllib.request

from sqlalchemy import update

from webapp import create_app
from zones import storage
from zones.model import ZoneSet
from zones.tables import ZoneSetRow

PAST, FUTURE = "v2025", "v2028"
PAST_FROM, FUTURE_FROM = dt.date(2025, 3, 1), dt.date(2028, 3, 1)
PAST_MARK = "（2025年版）"
FORMULA = "=HYPERLINK(\"http://example.invalid\")"


def config(database_url: str) -> dict:
    return {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url,
            "REFRESH_SECONDS": 0.0, "RATELIMIT_ENABLED": False}


def versions_app(tmp_path):
    url = f"sqlite:///{tmp_path / 'versions.sqlite3'}"
    app = create_app(config(url))
    sessions = app.extensions["xuequ"].sessions
    with sessions.begin() as session:
        published = storage.load_zone_set(session, storage.published_zone_set_id(session))
        past = [dataclasses.replace(z, description=z.description + PAST_MARK)
                for z in published.zones]
        # a spreadsheet would run this as a formula if the CSV did not neutralise it
        past[0] = dataclasses.replace(past[0], description=FORMULA + past[0].description)
        storage.save_zone_set(session, ZoneSet(PAST, "retired", PAST_FROM, label="2025",
                                               zones=past, sample=True))
        storage.save_zone_set(session, ZoneSet(FUTURE, "scheduled", FUTURE_FROM,
                                               label="2028", zones=future_zones(published),
                                               sample=True))
        session.flush()
        session.execute(update(ZoneSetRow).where(ZoneSetRow.id == PAST).values(
            published_at=dt.datetime(2025, 3, 1, 1, 0)))
    return app, url


def future_zones(published: ZoneSet) -> list:
    """The 2028 version: each primary zone's schools rotated to the next zone's, so that a
    lookup by date visibly changes school."""
    primary = [z for z in published.zones if z.level == "primary"]
    codes = [z.school_codes for z in primary]
    rotated = {z.zone_id: codes[(i + 1) % len(codes)] for i, z in enumerate(primary)}
    return [dataclasses.replace(z, school_codes=rotated.get(z.zone_id, z.school_codes))
            for z in published.zones]


def _serve(database_url: str, port: int) -> None:
    from werkzeug.serving import make_server
    make_server("127.0.0.1", port, create_app(config(database_url)),
                threaded=True).serve_forever()


def serve_in_process(database_url: str):
    """Start the app on a free loopback port in a child process; returns (base, process)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(database_url, port), daemon=True)
    process.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/ogc/conformance", timeout=2)
            return base, process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the app did not start")
