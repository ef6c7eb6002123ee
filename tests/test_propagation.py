"""Publish announcements over Redis pub/sub (XUEQU_REDIS_URL): a committed change reaches a
listener at once, a rolled-back one never does. Uses the machine's Redis on 127.0.0.1:6379;
skips locally without it, and in CI (CI=true) it must run."""
from __future__ import annotations

import os
import threading
import time

import pytest

from store import db
from tests.conftest import need
from zones import storage
from zones.propagation import ChangeListener, announce_on_redis

REDIS_URL = os.environ.get("XUEQU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture()
def redis_listener():
    import redis
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        need(False, f"Redis is not reachable at {REDIS_URL}")
    changes: list[float] = []
    heard = threading.Event()

    def on_change():
        changes.append(time.monotonic())
        heard.set()
    listener = ChangeListener(on_change, redis_url=REDIS_URL)
    listener.start()
    assert listener.listening.wait(10)
    time.sleep(0.2)
    changes.clear()
    heard.clear()
    yield changes, heard
    listener.stop()


def test_a_committed_change_is_announced_on_redis(redis_listener, tmp_path):
    changes, heard = redis_listener
    engine = db.make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    db.upgrade(engine)
    sessions = db.make_sessionmaker(engine)
    announce_on_redis(sessions, REDIS_URL)

    with pytest.raises(RuntimeError), sessions.begin() as session:
        storage.bump_dataset_revision(session)
        raise RuntimeError("rolled back")
    assert not heard.wait(1.0)  # a rolled-back change is not announced

    started = time.monotonic()
    with sessions.begin() as session:
        storage.bump_dataset_revision(session)
    assert heard.wait(2.0)
    assert changes[0] - started < 2.0
    engine.dispose()
