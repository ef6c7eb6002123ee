"""SQLAlchemy tables of the zones package. Geometry is WGS84: PostGIS `geometry(…, 4326)`
with a GiST index on PostgreSQL, WKB bytes on SQLite (store.spatial); Python reads and writes
WKB on both, and the in-memory index does the lookups."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, \
    String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from store.clock import utcnow
from store.db import Base
from store.spatial import WKBGeometry, gist_index


class DatasetMeta(Base):
    __tablename__ = "dataset_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


class DistrictRow(Base):
    __tablename__ = "districts"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    geometry: Mapped[bytes] = mapped_column(WKBGeometry())
    __table_args__ = (gist_index("districts", "geometry"),)


class SchoolRow(Base):
    __tablename__ = "schools"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(256), default="")
    lng: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    phone: Mapped[str] = mapped_column(String(32), default="")
    subdistrict: Mapped[str] = mapped_column(String(64), default="")
    feeds: Mapped[str | None] = mapped_column(String(32))
    warning_cutoff: Mapped[dt.date | None] = mapped_column(Date)
    plan: Mapped[dict | None] = mapped_column(JSON)
    plan_middle: Mapped[dict | None] = mapped_column(JSON)
    # The school's point (from lng/lat), for spatial queries on the server.
    location: Mapped[bytes | None] = mapped_column(WKBGeometry("POINT"))
    __table_args__ = (gist_index("schools", "location"),)


class ZoneSetRow(Base):
    __tablename__ = "zone_sets"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(256), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    # The database itself refuses a second published version (two publishers racing).
    __table_args__ = (Index("one_published_zone_set", "status", unique=True,
                            sqlite_where=text("status = 'published'"),
                            postgresql_where=text("status = 'published'")),)


class ZoneRow(Base):
    __tablename__ = "zones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    zone_set_id: Mapped[str] = mapped_column(ForeignKey("zone_sets.id", ondelete="CASCADE"),
                                             index=True)
    zone_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    allocation: Mapped[str] = mapped_column(String(16))
    school_codes: Mapped[list] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text, default="")
    address_rules: Mapped[list] = mapped_column(JSON, default=list)
    geometry: Mapped[bytes] = mapped_column(WKBGeometry())
    __table_args__ = (UniqueConstraint("zone_set_id", "zone_id"), gist_index("zones", "geometry"))


class AddressRow(Base):
    """The gazetteer: every known address, 小区 building and landmark of the district."""

    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    address: Mapped[str] = mapped_column(String(200), unique=True)
    lng: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))
    street: Mapped[str | None] = mapped_column(String(64))
    number: Mapped[int | None] = mapped_column(Integer)
    xiaoqu: Mapped[str | None] = mapped_column(String(64))
    building: Mapped[str | None] = mapped_column(String(32))
    aliases: Mapped[str] = mapped_column(Text, default="")
    community: Mapped[str] = mapped_column(String(64), default="")
    subdistrict: Mapped[str] = mapped_column(String(64), default="")
    subdistrict_code: Mapped[str] = mapped_column(String(12), default="")
