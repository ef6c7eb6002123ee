"""Zone versions as public data: which versions the public may see, and which one is in
force on a given day (a scheduled version answers for the days from its effective date)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.clock import to_beijing
from zones.errors import N_, InvalidParameter, NotFound
from zones.model import ZoneSet
from zones.storage import load_zone_set
from zones.tables import ZoneSetRow

# Drafts and versions on notice are not the law yet; everything else is public record.
PUBLIC_STATUSES = ("published", "scheduled", "retired")


@dataclass(frozen=True)
class PublicVersion:
    id: str
    label: str
    status: str
    effective_from: dt.date | None  # the date the bureau set
    in_force_from: dt.date  # the effective date, or the day it was published if earlier
    in_force_to: dt.date | None  # the day before the next version takes over
    published_at: dt.datetime | None

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "status": self.status,
                "effective_from": _iso(self.effective_from),
                "in_force_from": None if self.in_force_from == dt.date.min
                else self.in_force_from.isoformat(),
                "in_force_to": _iso(self.in_force_to),
                "published_at": self.published_at.isoformat(timespec="seconds") + "Z"
                if self.published_at else None}

    def covers(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None
                                              or day <= self.in_force_to)

    def immutable(self, today: dt.date) -> bool:
        """A version whose time is over never changes again: cache it for good."""
        return self.in_force_to is not None and self.in_force_to < today


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _start(row: ZoneSetRow) -> dt.date:
    """A version published before its effective date (the sample is) answers from the day
    it was published; a scheduled one from its effective date."""
    days = [row.effective_from] if row.effective_from else []
    if row.status != "scheduled" and row.published_at is not None:
        days.append(to_beijing(row.published_at).date())
    return min(days, default=dt.date.min)


def public_versions(session: Session) -> list[PublicVersion]:
    """Public versions in the order they took (or take) over, oldest first, each with the
    day it ended (or will end). On the same start day the published version wins."""
    rows = list(session.scalars(select(ZoneSetRow).where(
        ZoneSetRow.status.in_(PUBLIC_STATUSES))))
    rank = {"retired": 0, "scheduled": 1, "published": 2}
    rows.sort(key=lambda r: (_start(r), rank[r.status], r.published_at or dt.datetime.min))
    versions: list[PublicVersion] = []
    for i, row in enumerate(rows):
        start = _start(row)
        later = [_start(r) for r in rows[i + 1:]]
        # the next version's start ends this one; one starting the same day shadows it
        end = (later[0] - dt.timedelta(days=1)) if later and later[0] > dt.date.min else None
        if later and end is not None and end < start:
            continue  # never in force: another version took the same day
        versions.append(PublicVersion(row.id, row.label or "", row.status, row.effective_from,
                                      start, end, row.published_at))
    return versions


def version_on(versions: list[PublicVersion], day: dt.date) -> PublicVersion | None:
    """The version in force on `day`, or None before the first one."""
    return next((v for v in versions if v.covers(day)), None)


def in_force_on(versions: list[PublicVersion], day: dt.date, field: str = "on"
                ) -> PublicVersion:
    """The version in force on `day`; a day before the first version is refused, naming
    the parameter it came from."""
    chosen = version_on(versions, day)
    if chosen is None:
        first = min((v.in_force_from for v in versions), default=None)
        raise InvalidParameter(
            N_("%(name)s 早于第一个学区版本的生效日期（%(first)s），那时还没有学区划分。"),
            field=field, name=field, first=_iso(first) or "—")
    return chosen


def find(versions: list[PublicVersion], version_id: str) -> PublicVersion:
    for version in versions:
        if version.id == version_id:
            return version
    raise NotFound(N_("没有找到公开的学区版本 %(id)s。"), field="version", id=version_id[:64])


def load_public(session: Session, version: PublicVersion) -> ZoneSet:
    return load_zone_set(session, version.id)


def parse_day(raw: str | None, field: str) -> dt.date | None:
    """A YYYY-MM-DD parameter; None when absent."""
    if raw is None:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(N_("%(name)s 必须是 YYYY-MM-DD 格式的日期，例如 2028-09-01。"),
                               field=field, name=field) from None
