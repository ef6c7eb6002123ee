"""What a Flask app holds of the domain: its settings, the engine, sessions, the published
cache, the clock, and the caches derived from a snapshot (so every cache can be seen here)."""
from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from admissions.service import Snapshot, build_snapshot, with_published_zones, with_zone_set
from gis.district import DistrictProfile
from gis.providers import OnlineProvider
from store.clock import Clock
from webapp.settings import Settings
from zones.cache import PublishedCache
from zones import versions
from zones.errors import XuequError
from zones.versions import PublicVersion


class PerSnapshotCache:
    """A few values derived from a snapshot, by key; an entry is only valid for the
    snapshot it was built from."""

    def __init__(self, size: int = 8):
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[Snapshot, object]] = {}
        self._size = size

    def get(self, snapshot: Snapshot, key: tuple, build):
        full_key = (id(snapshot), *key)
        with self._lock:
            hit = self._entries.get(full_key)
            if hit is not None and hit[0] is snapshot:
                return hit[1]
        value = build()
        with self._lock:
            if len(self._entries) >= self._size:
                self._entries.clear()
            self._entries[full_key] = (snapshot, value)
        return value


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    published: PublishedCache[Snapshot]
    clock: Clock
    # One rendered public map per (snapshot, tiles, language): building one takes ~100 ms.
    maps: PerSnapshotCache = field(default_factory=PerSnapshotCache)
    # Open data (webapp/ogc, the versions API): snapshots of other public versions than the
    # published one, with their indexes, and feature tables; bounded, dropped on a publish.
    open_data: PerSnapshotCache = field(default_factory=lambda: PerSnapshotCache(16))
    # The public versions list, re-read at most every refresh_seconds: (read at, versions).
    public_versions_read: tuple[float, list] = (float("-inf"), [])
    # When this process last looked for a scheduled version that has come due.
    last_schedule_check: float = float("-inf")
    # When this process last ran the retention purge (webapp/database/retention.py).
    last_retention_check: float = float("-inf")

    def due(self, last_check: str, interval_seconds: float) -> bool:
        """True at most once per `interval_seconds` for the periodic job whose last run is
        kept in the attribute `last_check` (the job then runs on the back of a request)."""
        now = time.monotonic()
        if now - getattr(self, last_check) < interval_seconds:
            return False
        setattr(self, last_check, now)
        return True


def frozen_snapshot_builder(providers: tuple[OnlineProvider, ...],
                            fallback_profile: DistrictProfile | None = None):
    """Builds the published snapshot, then freezes what it holds out of the cyclic GC."""
    def build(session: Session) -> Snapshot:
        snapshot = build_snapshot(session, providers=providers,
                                  fallback_profile=fallback_profile)
        # The snapshot lives until the next publish. Its indexes hold ~10^6 objects at
        # 100,000 addresses; frozen, the cyclic GC stops rescanning them, which took tens
        # of ms off the p99 of an address search. They are acyclic, so reference counting
        # frees them.
        gc.freeze()
        return snapshot
    return build


def frozen_zone_rebuilder(session: Session, previous: Snapshot) -> Snapshot:
    """A publish of another zone version: a new index on the same dataset, frozen too."""
    snapshot = with_published_zones(session, previous)
    gc.freeze()
    return snapshot


def services() -> Services:
    return current_app.extensions["xuequ"]


def settings() -> Settings:
    return services().settings


def snapshot() -> Snapshot:
    return services().published.get()


def public_versions(held: Services | None = None) -> list[PublicVersion]:
    """The public versions, like the published snapshot re-read from the database at most
    every XUEQU_REFRESH_SECONDS (`held`: the fast lane's services, outside Flask)."""
    held = held or services()
    read_at, listed = held.public_versions_read
    now = time.monotonic()
    if now - read_at >= held.settings.refresh_seconds or not listed:
        with held.sessions() as session:
            listed = versions.public_versions(session)
        held.public_versions_read = (now, listed)
    return listed


def snapshot_for(version: PublicVersion) -> Snapshot:
    """The published snapshot with `version`'s zones and index in place of the published
    ones (schools, gazetteer and cycle are shared); the published version is the snapshot."""
    base = snapshot()
    if version.id == base.zone_set.id:
        return base

    def build() -> Snapshot:
        with services().sessions() as session:
            return with_zone_set(base, versions.load_public(session, version))
    return services().open_data.get(base, ("version", version.id), build)


def snapshot_on(day: dt.date | None) -> Snapshot:
    """The snapshot answering for `day` (the published one without a day); a day before
    the first version is refused as a bad `on`."""
    if day is None:
        return snapshot()
    return snapshot_for(versions.in_force_on(public_versions(), day, field="on"))


def school_names() -> dict[str, str]:
    """School names for tables; without published data, a school keeps its code."""
    try:
        return {code: school.name for code, school in snapshot().schools.items()}
    except XuequError:
        return {}
