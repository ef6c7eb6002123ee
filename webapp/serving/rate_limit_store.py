"""Rate-limit counters in a SQLite file: the embedded store, shared by every worker process
of a host (Redis, `XUEQU_REDIS_URL`, shares them across hosts).

A `limits` storage backend (the library behind Flask-Limiter finds it by its URI scheme,
`xuequ-sqlite:///path/to/file`), for the fixed-window strategy: one row per key with its
count and the end of its window, bumped by one atomic UPSERT, so concurrent workers
never lose a hit. Each process opens its own connection (after gunicorn forks).
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEME = "xuequ-sqlite"
_SCHEMA = """CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL)"""
_HIT = """INSERT INTO counters (key, value, expires_at) VALUES (:key, :amount, :expires)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN expires_at <= :now THEN :amount ELSE value + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :expires ELSE expires_at END
RETURNING value"""
_PURGE_EVERY = 500  # hits between removals of expired windows


def uri_for(path: str) -> str:
    return f"{SCHEME}://{os.path.abspath(path)}"


class SQLiteStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        self.path = uri.split("://", 1)[1]
        self._local = threading.local()
        self._hits = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(_SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        (value,) = connection.execute(_HIT, {"key": key, "amount": amount, "now": now,
                                             "expires": now + expiry}).fetchone()
        self._hits += 1
        if self._hits % _PURGE_EVERY == 0:
            connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return int(value)

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT value FROM counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute(
            "SELECT expires_at FROM counters WHERE key = ? AND expires_at > ?",
            (key, time.time())).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
