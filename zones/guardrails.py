"""What must be settled before a version on notice is published: the notice has closed and
every public comment has been answered. Either may be overridden by a publisher, with a
typed reason that goes into the audit log. Also what became of a notice afterwards.

An answered comment is an audit entry ("notice_comment_answered"), not a column: the mark
is a staff action like any other, and the log already keeps who did it and when."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from store.clock import to_beijing
from zones import audit
from zones.errors import N_, InvalidParameter, NotFound
from zones.notice_tables import NoticeCommentRow, NoticeRow
from zones.tables import ZoneSetRow

MIN_REASON_CHARS = 4
ANSWERED = "notice_comment_answered"


def answered_ids(session: Session, zone_set_id: str) -> set[int]:
    rows = session.scalars(select(audit.AuditEntry.detail).where(
        audit.AuditEntry.action == ANSWERED, audit.AuditEntry.zone_set_id == zone_set_id))
    return {int(detail.get("comment_id", -1)) for detail in rows}


def mark_answered(sessions: sessionmaker, zone_set_id: str, comment_id: int,
                  actor: str) -> None:
    with sessions.begin() as session:
        row = session.get(NoticeCommentRow, comment_id)
        if row is None or row.zone_set_id != zone_set_id:
            raise NotFound(N_("没有找到这条意见。"), field="comment_id")
        if comment_id not in answered_ids(session, zone_set_id):
            audit.record(session, actor, ANSWERED, zone_set_id=zone_set_id,
                         comment_id=comment_id)


@dataclass(frozen=True)
class Blocker:
    """One reason not to publish yet, as a message and its values."""

    code: str
    message: str
    values: dict


def blockers(session: Session, zone_set_id: str, today: dt.date) -> list[Blocker]:
    found = []
    notice = session.get(NoticeRow, zone_set_id)
    if notice is not None and notice.closes_on is not None and today <= notice.closes_on:
        found.append(Blocker("notice_open", N_("公示还没有结束（截止日期 %(date)s）。"),
                             {"date": notice.closes_on.isoformat()}))
    ids = set(session.scalars(select(NoticeCommentRow.id).where(
        NoticeCommentRow.zone_set_id == zone_set_id)))
    unanswered = len(ids - answered_ids(session, zone_set_id))
    if unanswered:
        found.append(Blocker("comments_unanswered",
                             N_("还有 %(n)s 条公众意见没有标记为已处理。"), {"n": unanswered}))
    return found


def check_override(found: list[Blocker], reason: str | None) -> str | None:
    """The reason, stripped, when `found` needs one; raises when it is missing or short."""
    if not found:
        return None
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise InvalidParameter(N_(
            "现在发布需要发布人员确认：请写明提前发布的理由（至少 %(n)s 个字）。"),
            field="override_reason", n=MIN_REASON_CHARS)
    return reason[:500]


def took_effect(session: Session, zone_set_id: str) -> dt.date | None:
    """The day (北京时间) a version last went live, or None if it never did."""
    at = session.scalar(select(ZoneSetRow.published_at).where(ZoneSetRow.id == zone_set_id))
    return to_beijing(at).date() if at else None


@dataclass(frozen=True)
class Outcome:
    """What became of a notice that is no longer open."""

    status: str  # published, retired (published, since replaced), scheduled, withdrawn
    date: dt.date | None


def outcome(session: Session, zone_set_id: str) -> Outcome:
    notice = session.get(NoticeRow, zone_set_id)
    row = session.get(ZoneSetRow, zone_set_id)
    if notice is None or row is None:
        raise NotFound(N_("没有找到公示 %(id)s。"), field="id", id=zone_set_id[:64])
    if row.status == "scheduled":
        return Outcome("scheduled", row.effective_from)
    effective = took_effect(session, zone_set_id)
    if row.status in ("published", "retired") and effective:
        return Outcome(row.status, effective)
    return Outcome("withdrawn", None)
