"""Storage, versions, publishing and the per-process cache, on SQLite and PostgreSQL."""
from __future__ import annotations

import os
import threading
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from tests.conftest import need
from store import db
from zones import storage
from zones.cache import PublishedCache
from zones.errors import Conflict, NotFound, ServiceUnavailable
from zones.model import ZoneSet

POSTGRES_URL = os.environ.get("XUEQU_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")


def _sqlite_sessions(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    db.upgrade(engine)
    return db.make_sessionmaker(engine)


def postgres_schema() -> tuple[str, str]:
    """A fresh schema on the test PostgreSQL and a URL whose search_path points at it.
    Skips locally when no server answers; in CI (CI=true) that is a failure."""
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as conn:
            schema = f"xuequ_test_{uuid.uuid4().hex[:8]}"
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except OperationalError:
        need(False, f"PostgreSQL is not reachable at {POSTGRES_URL}")
    finally:
        engine.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return schema, f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}%2Cpublic"


def _postgres_sessions():
    schema, url = postgres_schema()
    engine = db.make_engine(url)
    db.upgrade(engine)
    return db.make_sessionmaker(engine), schema


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, tmp_path):
    if request.param == "sqlite":
        yield _sqlite_sessions(tmp_path)
        return
    sessions, schema = _postgres_sessions()
    yield sessions
    with sessions.kw["bind"].begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def _zone_set(tiny_index, zone_set_id):
    zones = tiny_index.zone_set.zones
    return ZoneSet(zone_set_id, "draft", None, label=zone_set_id, zones=list(zones))


def test_zone_set_round_trip(sessions, tiny_index):
    with sessions.begin() as session:
        storage.save_zone_set(session, _zone_set(tiny_index, "v1"))
    with sessions() as session:
        loaded = storage.load_zone_set(session, "v1")
    original = {z.zone_id: z for z in tiny_index.zone_set.zones}
    assert {z.zone_id for z in loaded.zones} == set(original)
    for zone in loaded.zones:
        assert zone.geometry.equals_exact(original[zone.zone_id].geometry, 1e-12)
        assert zone.address_rules == original[zone.zone_id].address_rules
        assert zone.school_codes == original[zone.zone_id].school_codes


def test_saving_a_version_twice_is_a_conflict(sessions, tiny_index):
    with sessions.begin() as session:
        storage.save_zone_set(session, _zone_set(tiny_index, "v1"))
    with pytest.raises(Conflict), sessions.begin() as session:
        storage.save_zone_set(session, _zone_set(tiny_index, "v1"))


def test_publish_retires_the_previous_version(sessions, tiny_index):
    with sessions.begin() as session:
        storage.save_zone_set(session, _zone_set(tiny_index, "v1"))
        storage.save_zone_set(session, _zone_set(tiny_index, "v2"))
    storage.publish(sessions, "v1")
    storage.publish(sessions, "v2", expected_current="v1")
    with sessions() as session:
        statuses = {z.id: z.status for z in storage.list_zone_sets(session)}
    assert statuses == {"v1": "retired", "v2": "published"}
    with pytest.raises(Conflict):
        storage.publish(sessions, "v1", expected_current="v1")  # stale view
    with pytest.raises(NotFound):
        storage.publish(sessions, "nope")


def test_the_database_refuses_two_published_versions(sessions, tiny_index):
    with sessions.begin() as session:
        storage.save_zone_set(session, _zone_set(tiny_index, "v1"))
        storage.save_zone_set(session, _zone_set(tiny_index, "v2"))
    storage.publish(sessions, "v1")
    with pytest.raises(sa.exc.IntegrityError), sessions.begin() as session:
        session.execute(sa.text("UPDATE zone_sets SET status = 'published' WHERE id = 'v2'"))


def test_racing_publishers_one_wins_the_other_gets_a_conflict(sessions, tiny_index):
    with sessions.begin() as session:
        for version in ("v0", "a", "b"):
            storage.save_zone_set(session, _zone_set(tiny_index, version))
    storage.publish(sessions, "v0")
    barrier = threading.Barrier(2)
    outcomes = {}

    def publisher(version):
        barrier.wait()
        try:
            storage.publish(sessions, version, expected_current="v0")
            outcomes[version] = "published"
        except Conflict:
            outcomes[version] = "conflict"

    threads = [threading.Thread(target=publisher, args=(v,)) for v in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()) == ["conflict", "published"]
    with sessions() as session:
        published = [z.id for z in storage.list_zone_sets(session) if z.status == "published"]
    assert published == [k for k, v in outcomes.items() if v == "published"]


def test_a_crash_during_publish_leaves_the_old_version_serving(sessions, tiny_index,
                                                               monkeypatch):
    with sessions.begin() as session:
        storage.save_zone_set(session, _zone_set(tiny_index, "old"))
        storage.save_zone_set(session, _zone_set(tiny_index, "new"))
    storage.publish(sessions, "old")
    original = storage._swap_published

    def crash_midway(session, zone_set_id):
        session.execute(sa.update(storage.ZoneSetRow).values(status="retired")
                        .where(storage.ZoneSetRow.status == "published"))
        raise RuntimeError("power cut")

    monkeypatch.setattr(storage, "_swap_published", crash_midway)
    with pytest.raises(RuntimeError):
        storage.publish(sessions, "new")
    monkeypatch.setattr(storage, "_swap_published", original)
    with sessions() as session:
        assert storage.published_zone_set_id(session) == "old"


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_cache_picks_up_a_new_publish_and_survives_a_database_outage(tmp_path, tiny_index):
    sessions = _sqlite_sessions(tmp_path)
    clock = _Clock()
    builds = []

    def build(session):
        builds.append(storage.published_zone_set_id(session))
        return builds[-1]

    cache = PublishedCache(sessions, build, refresh_seconds=2.0, clock=clock)
    with pytest.raises(ServiceUnavailable):
        cache.get()  # nothing published yet
    with sessions.begin() as session:
        storage.save_zone_set(session, _zone_set(tiny_index, "v1"))
        storage.save_zone_set(session, _zone_set(tiny_index, "v2"))
    storage.publish(sessions, "v1")
    clock.now += 2
    assert cache.get() == "v1"
    storage.publish(sessions, "v2")
    assert cache.get() == "v1"  # within the refresh interval
    clock.now += 2
    assert cache.get() == "v2"
    assert builds == ["v1", "v2"]

    sessions.kw["bind"].dispose()
    sessions.configure(bind=db.make_engine(f"sqlite:///{tmp_path}/missing/dir/x.sqlite3"))
    clock.now += 2
    assert cache.get() == "v2"  # the database is gone; the last snapshot serves


def test_api_answers_503_when_no_data_can_be_loaded(tmp_path):
    from webapp import create_app
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                      "SECRET_KEY": "t", "AUTO_LOAD_SAMPLE": False, "REFRESH_SECONDS": 0})
    client = app.test_client()
    response = client.get("/api/v1/lookup?lat=43.88&lng=125.4")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "service_unavailable"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "down"
