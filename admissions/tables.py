"""Tables of the admissions package (on the shared metadata in store.db)."""
from __future__ import annotations

from sqlalchemy import JSON, Integer
from sqlalchemy.orm import Mapped, mapped_column

from store.db import Base


class AdmissionCycleRow(Base):
    """One year's published admissions content, kept as the authored document."""

    __tablename__ = "admission_cycles"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[dict] = mapped_column(JSON)
