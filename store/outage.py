"""Saying that the database is down once a minute, not once per request.

During an outage every request that needs the database fails the same way; a traceback for
each filled 818 KB of log in 20 s. `OutageLog` writes one line when the outage starts and
then one a minute (with how many operations failed meanwhile), and one when it is over.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("xuequ.database")


def short(error: BaseException) -> str:
    """The first line of an error's message (a driver's message spans several)."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


class OutageLog:
    def __init__(self, interval: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 logger: logging.Logger = log):
        self._interval = interval
        self._clock = clock
        self._log = logger
        self._lock = threading.Lock()
        self._since: float | None = None
        self._logged_at = float("-inf")
        self._failures = 0

    @property
    def down(self) -> bool:
        return self._since is not None

    def failed(self, error: BaseException) -> None:
        with self._lock:
            now = self._clock()
            if self._since is None:
                self._since = now
            self._failures += 1
            if now - self._logged_at < self._interval:
                return
            failures, self._failures, self._logged_at = self._failures, 0, now
            down_for = now - self._since
        self._log.error("database unavailable for %.0f s (%d failed operations since the last "
                        "report); serving lookups from memory: %s", down_for, failures,
                        short(error))

    def recovered(self) -> None:
        if self._since is None:  # the usual case, without taking the lock
            return
        with self._lock:
            if self._since is None:
                return
            down_for, failures = self._clock() - self._since, self._failures
            self._since, self._failures, self._logged_at = None, 0, float("-inf")
        self._log.warning("database available again after %.0f s (%d more failed operations)",
                          down_for, failures)
