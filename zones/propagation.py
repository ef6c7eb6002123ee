"""Telling every worker on every host that the published data changed, within a second.

A publish (or a dataset load) calls `announce_change` inside its transaction:

- PostgreSQL: `pg_notify` on the channel below, which the database delivers to every
  listening connection when, and only if, the transaction commits.
- Redis (when configured): the web layer publishes the same message after the commit
  (`session.info[ANNOUNCE]` marks the sessions that must).

`ChangeListener` is one daemon thread per worker that waits on the channel (LISTEN, or a
Redis subscription) and calls `on_change` (the published cache's refresh). If the listener
cannot connect it retries; the cache's own polling every XUEQU_REFRESH_SECONDS remains the
fallback either way, so a lost message delays a publish but never loses it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

CHANNEL = "xuequ_published"
ANNOUNCE = "xuequ_announce"
log = logging.getLogger(__name__)


def announce_change(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    session.info[ANNOUNCE] = True


class ChangeListener(threading.Thread):
    """Waits for announcements on PostgreSQL (`database_url`) or Redis (`redis_url`)."""

    def __init__(self, on_change: Callable[[], None], database_url: str | None = None,
                 redis_url: str | None = None, retry_seconds: float = 5.0):
        super().__init__(name="xuequ-change-listener", daemon=True)
        self._on_change = on_change
        self._database_url = database_url
        self._redis_url = redis_url
        self._retry_seconds = retry_seconds
        self._stopped = threading.Event()
        self.listening = threading.Event()
        self._complained = False

    def stop(self) -> None:
        self._stopped.set()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                if self._redis_url:
                    self._listen_redis()
                else:
                    self._listen_postgresql()
            except Exception as error:  # noqa: BLE001 — any failure: wait, then reconnect
                self.listening.clear()
                if not self._complained:  # once per outage; the cache logs the outage too
                    log.warning("publish notifications unavailable, polling meanwhile: %s",
                                str(error).splitlines()[0] if str(error) else error)
                    self._complained = True
                self._stopped.wait(self._retry_seconds)

    def _connected(self) -> None:
        self.listening.set()
        self._complained = False
        self._changed()  # whatever was announced while we were not listening

    def _changed(self) -> None:
        try:
            self._on_change()
        except Exception:  # noqa: BLE001 — the cache logs its own failures
            log.debug("refresh after an announcement failed", exc_info=True)

    def _listen_postgresql(self) -> None:
        import psycopg
        with psycopg.connect(self._database_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self._connected()
            while not self._stopped.is_set():
                # A bounded wait, so that stop() and a dead server are noticed.
                if any(True for _ in conn.notifies(timeout=5.0, stop_after=1)):
                    self._drain(conn)
                    self._changed()
                else:
                    conn.execute("SELECT 1")

    @staticmethod
    def _drain(conn) -> None:
        """Several announcements in a burst cost one refresh."""
        for _ in conn.notifies(timeout=0.05):
            pass

    def _listen_redis(self) -> None:
        import redis
        client = redis.Redis.from_url(self._redis_url, socket_connect_timeout=5,
                                      socket_timeout=10, health_check_interval=5)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(CHANNEL)
            self._connected()
            while not self._stopped.is_set():
                if pubsub.get_message(timeout=5.0) is not None:
                    self._changed()
        finally:
            pubsub.close()
            client.close()


def announce_on_redis(sessions: sessionmaker, redis_url: str) -> None:
    """Sessions that announced a change tell Redis's channel once they have committed."""
    import redis
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)

    @event.listens_for(sessions, "after_commit")
    def _publish(session: Session) -> None:
        if session.info.pop(ANNOUNCE, False):
            try:
                client.publish(CHANNEL, "")
            except redis.RedisError as error:  # the others will poll
                log.warning("could not announce a publish on Redis: %s", error)

    @event.listens_for(sessions, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(ANNOUNCE, None)
