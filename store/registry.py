"""Every table module of the service, imported in one place so that the metadata Alembic
compares against (migrations, autogenerate, the schema-drift test) is always the whole
schema, whichever modules a process happened to import. Only migration tooling imports
this; the packages below stay unaware of one another."""
from __future__ import annotations

import admissions.accounts  # noqa: F401  users, login failures
import admissions.inquiries  # noqa: F401  inquiries, steps, sequences
import admissions.knowledge  # noqa: F401  FAQ, policies, revisions, search index
import admissions.results  # noqa: F401  admission results families look up
import admissions.tables  # noqa: F401  admission cycles
import zones.audit  # noqa: F401  audit log
import zones.job_tables  # noqa: F401  background validation jobs
import zones.notice_tables  # noqa: F401  公示 notices and comments
import zones.tables  # noqa: F401  dataset meta, district, schools, zone sets, zones, gazetteer
from store.db import Base
from store.spatial import is_postgresql_only

metadata = Base.metadata


# Tables that extensions own (PostGIS keeps its SRID catalogue in the public schema).
EXTENSION_TABLES = frozenset({"spatial_ref_sys"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Compare and autogenerate must leave alone the SQLite full-text index (kb_fts and its
    shadow tables), which a migration creates by hand, and the tables of extensions."""
    return not (type_ == "table" and reflected and
                (name.startswith("kb_fts") or name in EXTENSION_TABLES))


def include_object_for(dialect: str):
    """`include_object` for one database: on SQLite, the indexes only PostgreSQL has (GiST,
    pg_trgm) are not expected either."""
    def include(obj, name, type_, reflected, compare_to) -> bool:
        if type_ == "index" and dialect != "postgresql" and is_postgresql_only(obj):
            return False
        return include_object(obj, name, type_, reflected, compare_to)
    return include
