"""Per-process cache of the published data, refreshed when the database says it changed.

The database is the source of truth. Each process asks it, at most every
`refresh_seconds`, for the published version id and the dataset revision (a cheap query);
when either changed it rebuilds its snapshot, so a publish reaches every process within
seconds. If the database is down, the last good snapshot keeps serving, and the outage is
logged once a minute (store.outage).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from store.outage import OutageLog
from zones.errors import N_, ServiceUnavailable
from zones.storage import get_meta, published_zone_set_id

T = TypeVar("T")


def data_state(session: Session) -> tuple[str | None, str | None]:
    return published_zone_set_id(session), get_meta(session, "dataset_revision")


class PublishedCache(Generic[T]):
    def __init__(self, sessions: sessionmaker, build: Callable[[Session], T],
                 refresh_seconds: float = 2.0, clock: Callable[[], float] = time.monotonic,
                 outage: OutageLog | None = None,
                 rebuild_zones: Callable[[Session, T], T] | None = None):
        self._sessions = sessions
        self.outage = outage or OutageLog()
        self._build = build
        # Builds the new value from the old when only the published version changed.
        self._rebuild_zones = rebuild_zones
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._value: T | None = None
        self._state: tuple | None = None
        self._checked_at = float("-inf")

    def get(self) -> T:
        if self._clock() - self._checked_at >= self._refresh_seconds:
            self._refresh()
        if self._value is None:
            raise ServiceUnavailable(N_("学区数据暂时无法读取，请稍后再试或拨打咨询电话。"))
        return self._value

    def invalidate(self) -> None:
        self._checked_at = float("-inf")

    def refresh(self) -> None:
        """Check now (a publish was announced): called from the listener thread, so the
        snapshot is rebuilt off the request path while requests get the current one."""
        self._refresh(force=True)

    def _refresh(self, force: bool = False) -> None:
        with self._lock:
            if not force and self._clock() - self._checked_at < self._refresh_seconds:
                return  # another thread refreshed while we waited
            try:
                with self._sessions() as session:
                    state = data_state(session)
                    if state != self._state or self._value is None:
                        self._value = self._rebuilt(session, state) if state[0] else None
                        self._state = state
            except SQLAlchemyError as error:
                self.outage.failed(error)  # once a minute, not per check
            else:
                self.outage.recovered()
            self._checked_at = self._clock()

    def _rebuilt(self, session: Session, state: tuple) -> T:
        same_dataset = self._state is not None and self._state[1] == state[1]
        if same_dataset and self._value is not None and self._rebuild_zones is not None:
            return self._rebuild_zones(session, self._value)
        return self._build(session)
