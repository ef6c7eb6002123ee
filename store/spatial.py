"""A geometry column that is PostGIS `geometry(<kind>, 4326)` on PostgreSQL and WKB bytes
on SQLite. Python code reads and writes WKB bytes on both, so nothing above the store
knows which database holds the data."""
from __future__ import annotations

from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement
from sqlalchemy import Index, LargeBinary
from sqlalchemy.types import TypeDecorator

SRID = 4326


class WKBGeometry(TypeDecorator):
    impl = LargeBinary
    cache_ok = True
    # Indexes are declared on the tables (GiST on PostgreSQL only), not by GeoAlchemy2.
    spatial_index = False

    def __init__(self, kind: str = "GEOMETRY"):
        super().__init__()
        self.kind = kind

    def load_dialect_impl(self, dialect):
        if dialect is None:  # GeoAlchemy2's DDL events ask without one
            return Geometry(self.kind, srid=SRID, spatial_index=False)
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Geometry(self.kind, srid=SRID, spatial_index=False))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "postgresql":
            return value
        return WKBElement(bytes(value), srid=SRID)

    def process_result_value(self, value, dialect):
        if isinstance(value, WKBElement):
            return bytes(value.data)
        return value


def gist_index(table: str, column: str) -> Index:
    """A GiST index on a geometry column, created on PostgreSQL only (SQLite holds bytes)."""
    return postgresql_only(Index(f"{table}_{column}_gist", column, postgresql_using="gist"))


def postgresql_only(index: Index) -> Index:
    return index.ddl_if(dialect="postgresql")


def is_postgresql_only(obj) -> bool:
    condition = getattr(obj, "_ddl_if", None)
    return condition is not None and condition.dialect == "postgresql"
