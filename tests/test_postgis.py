"""PostGIS on PostgreSQL (migration 0005_postgis): zone, district and school geometry are
`geometry(…, 4326)` columns with GiST indexes, the server's ST_Covers agrees with the
in-memory lookup, and the knowledge-base search has pg_trgm indexes. On SQLite the same
columns hold WKB. Skips locally without a server; in CI (CI=true) it must run."""
from __future__ import annotations

import random

import pytest
import shapely
import sqlalchemy as sa

from gis.point import WGS84Point
from tests.test_postgres_app import pg_app  # noqa: F401  (the fixture)
from webapp.services import services


def _query(app, sql: str, **params):
    with app.app_context(), services().sessions() as session:
        return session.execute(sa.text(sql), params).all()


def test_geometry_columns_are_postgis_in_wgs84(pg_app):  # noqa: F811
    rows = _query(pg_app, "SELECT f_table_name, f_geometry_column, type, srid "
                          "FROM geometry_columns WHERE f_table_schema = current_schema() "
                          "ORDER BY f_table_name")
    assert rows == [("districts", "geometry", "GEOMETRY", 4326),
                    ("schools", "location", "POINT", 4326),
                    ("zones", "geometry", "GEOMETRY", 4326)]


def test_geometry_columns_have_gist_indexes(pg_app):  # noqa: F811
    rows = _query(pg_app, "SELECT indexname, indexdef FROM pg_indexes "
                          "WHERE schemaname = current_schema() AND indexdef LIKE '%USING gist%'")
    assert {name for name, _ in rows} == {"zones_geometry_gist", "districts_geometry_gist",
                                          "schools_location_gist"}


def test_schools_have_their_point(pg_app):  # noqa: F811
    rows = _query(pg_app, "SELECT count(*), count(location), "
                          "max(abs(ST_X(location) - lng) + abs(ST_Y(location) - lat)) "
                          "FROM schools")
    total, located, worst = rows[0]
    assert total > 0 and located == total and worst < 1e-9


def test_st_covers_agrees_with_the_in_memory_lookup(pg_app):  # noqa: F811
    with pg_app.app_context():
        from webapp.services import snapshot
        snap = snapshot()
    minx, miny, maxx, maxy = snap.district.bounds
    rng = random.Random(20261201)
    compared = 0
    for _ in range(300):
        point = WGS84Point(lat=rng.uniform(miny, maxy), lng=rng.uniform(minx, maxx))
        level = snap.index.lookup(point).levels.get("primary")
        if level is None or level.status != "assigned":
            continue
        on_server = _query(pg_app, "SELECT zone_id FROM zones WHERE zone_set_id = :version "
                                   "AND level = 'primary' AND ST_Covers(geometry, "
                                   "ST_SetSRID(ST_MakePoint(:lng, :lat), 4326))",
                           version=snap.zone_set.id, lng=point.lng, lat=point.lat)
        assert [r[0] for r in on_server] == [level.matches[0].zone.zone_id]
        compared += 1
    assert compared >= 50


def test_geometry_round_trips_unchanged(pg_app):  # noqa: F811
    with pg_app.app_context():
        from webapp.services import snapshot
        from zones import storage
        snap = snapshot()
        with services().sessions() as session:
            stored = storage.load_zone_set(session, snap.zone_set.id)
    memory = {z.zone_id: z.geometry for z in snap.zone_set.zones}
    assert {z.zone_id for z in stored.zones} == set(memory)
    assert all(shapely.equals_exact(z.geometry, memory[z.zone_id], 0) for z in stored.zones)


@pytest.mark.parametrize("column", ["title", "body"])
def test_knowledge_search_is_served_by_pg_trgm(pg_app, column):  # noqa: F811
    with pg_app.app_context(), services().sessions() as session:
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in session.execute(sa.text(
            f"EXPLAIN SELECT id FROM kb_index WHERE {column} ILIKE '%学位预警%'")))
    assert f"kb_index_{column}_trgm" in plan


def test_knowledge_search_ranks_with_word_similarity(pg_app):  # noqa: F811
    hits = pg_app.test_client().get("/api/v1/faq/search?q=学位预警").get_json()["hits"]
    assert hits and "学位预警" in hits[0]["title"]


def test_sqlite_keeps_wkb(app):
    with app.app_context(), services().sessions() as session:
        raw = session.execute(sa.text("SELECT lng, lat, location FROM schools")).all()
        kinds = {session.execute(sa.text("SELECT typeof(geometry) FROM zones")).scalar()}
    assert raw and kinds == {"blob"}
    for lng, lat, location in raw:
        assert shapely.from_wkb(location).equals(shapely.Point(lng, lat))
