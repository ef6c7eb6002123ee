"""The table of background validation jobs (zones.jobs)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.clock import utcnow
from store.db import Base


class ValidationJobRow(Base):
    __tablename__ = "validation_jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    upload_token: Mapped[str] = mapped_column(String(32), index=True)
    # The limit it runs under, the reading options, the field mapping, repair.
    inputs: Mapped[dict] = mapped_column(JSON)
    # The published version it was compared with: saving later needs the same one.
    against: Mapped[str | None] = mapped_column(String(64))
    # When done: sha256, source_crs, features, warnings, preview, mapping, report.
    result: Mapped[dict | None] = mapped_column(JSON)
    # When failed or timed out: a message template and its values.
    message: Mapped[str | None] = mapped_column(Text)
    message_params: Mapped[dict | None] = mapped_column(JSON)
    # When done: the checked zones (gzipped JSON, geometry as WKB hex), for the draft.
    zones: Mapped[bytes | None] = mapped_column(LargeBinary)
