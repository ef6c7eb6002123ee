"""The append-only audit log of staff actions (web and CLI write the same entries).

There is deliberately no update or delete here; database triggers (migration 0002)
refuse both, so not even a bug in the app can rewrite history.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.clock import utcnow
from store.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64))
    zone_set_id: Mapped[str | None] = mapped_column(String(64))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


def record(session: Session, actor: str, action: str, *, zone_set_id: str | None = None,
           file_sha256: str | None = None, **detail) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, zone_set_id=zone_set_id,
                       file_sha256=file_sha256, detail=detail)
    session.add(entry)
    return entry


def entries(session: Session, actor: str | None = None, since: dt.datetime | None = None,
            until: dt.datetime | None = None, limit: int = 500,
            action: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return list(session.scalars(query))
