"""One clock for the whole service: "now" and "today" as people in China read them.

Timestamps are stored as naive UTC; everything a person reads, and every "today" that
decides a stage of the admission cycle, is 北京时间 (Asia/Shanghai). A clock can be pinned
to a day (``XUEQU_TODAY``) for demos and tests.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    """The current instant as naive UTC, the form every table stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_beijing(stored: dt.datetime) -> dt.datetime:
    """A stored (naive UTC, or aware) timestamp as an aware 北京时间 datetime."""
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=dt.UTC)
    return stored.astimezone(BEIJING)


@dataclass(frozen=True)
class Clock:
    """``pinned_today`` fixes the calendar day (not the time of day) for demos and tests."""

    pinned_today: dt.date | None = None

    def now_utc(self) -> dt.datetime:
        return utcnow()

    def now(self) -> dt.datetime:
        return to_beijing(self.now_utc())

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """Today, or the day of `now` (a reading of this clock) unless the day is pinned."""
        return self.pinned_today or (now or self.now()).date()
