"""Tables of the public notice (公示) of a draft zone set: the notice itself, with the
impact counts shown to the public, and the comments the public leaves on it."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.clock import utcnow
from store.db import Base


class NoticeRow(Base):
    __tablename__ = "zone_set_notices"
    zone_set_id: Mapped[str] = mapped_column(ForeignKey("zone_sets.id", ondelete="CASCADE"),
                                             primary_key=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(64))
    closes_on: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)


class NoticeCommentRow(Base):
    __tablename__ = "zone_set_notice_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone_set_id: Mapped[str] = mapped_column(ForeignKey("zone_sets.id", ondelete="CASCADE"),
                                             index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    name: Mapped[str] = mapped_column(String(64), default="")
    contact: Mapped[str] = mapped_column(String(64), default="")
    body: Mapped[str] = mapped_column(Text)
