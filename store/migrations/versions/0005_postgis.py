"""PostGIS geometry and pg_trgm search indexes on PostgreSQL

Revision ID: 0005_postgis
Revises: 0004
Create Date: 2026-12-01

On PostgreSQL zone and district geometry become `geometry(Geometry, 4326)` (from the WKB
they held) and schools get a `location` point, each with a GiST index; the knowledge-base
index gets pg_trgm GIN indexes on title and body. On SQLite geometry stays WKB bytes and
schools get `location` as WKB. Self-contained: only `down_revision` names a neighbour.
"""
from alembic import op
import sqlalchemy as sa


revision = "0005_postgis"
down_revision = "0004"
branch_labels = None
depends_on = None

GEOMETRY_COLUMNS = (("zones", "geometry"), ("districts", "geometry"))
TRGM_COLUMNS = ("title", "body")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_wkb()


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in GEOMETRY_COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE geometry(GEOMETRY, 4326) "
                   f"USING ST_SetSRID(ST_GeomFromWKB({column}), 4326)")
        op.execute(f"CREATE INDEX {table}_{column}_gist ON {table} USING gist ({column})")
    op.execute("ALTER TABLE schools ADD COLUMN location geometry(POINT, 4326)")
    op.execute("UPDATE schools SET location = ST_SetSRID(ST_MakePoint(lng, lat), 4326) "
               "WHERE lng IS NOT NULL AND lat IS NOT NULL")
    op.execute("CREATE INDEX schools_location_gist ON schools USING gist (location)")
    for column in TRGM_COLUMNS:
        op.execute(f"CREATE INDEX kb_index_{column}_trgm ON kb_index "
                   f"USING gin ({column} gin_trgm_ops)")


def _upgrade_wkb() -> None:
    import shapely
    with op.batch_alter_table("schools") as batch_op:
        batch_op.add_column(sa.Column("location", sa.LargeBinary(), nullable=True))
    schools = sa.table("schools", sa.column("code"), sa.column("lng"), sa.column("lat"),
                       sa.column("location"))
    bind = op.get_bind()
    rows = bind.execute(sa.select(schools.c.code, schools.c.lng, schools.c.lat).where(
        schools.c.lng.is_not(None), schools.c.lat.is_not(None))).all()
    for code, lng, lat in rows:
        bind.execute(schools.update().where(schools.c.code == code).values(
            location=shapely.to_wkb(shapely.Point(lng, lat))))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        with op.batch_alter_table("schools") as batch_op:
            batch_op.drop_column("location")
        return
    for column in TRGM_COLUMNS:
        op.execute(f"DROP INDEX kb_index_{column}_trgm")
    op.execute("ALTER TABLE schools DROP COLUMN location")
    for table, column in GEOMETRY_COLUMNS:
        op.execute(f"DROP INDEX {table}_{column}_gist")
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE bytea "
                   f"USING ST_AsBinary({column})")
