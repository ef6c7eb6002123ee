"""The whole app on PostgreSQL (the scale-out store): migrations, sample load, lookups,
the knowledge-base search fallback and inquiries. Skips locally without a server; in CI
(CI=true) it must run."""
from __future__ import annotations


import pytest
import sqlalchemy as sa

from tests.test_storage import POSTGRES_URL, postgres_schema


@pytest.fixture(scope="module")
def pg_app():
    schema, url = postgres_schema()
    from webapp import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "pg", "RATELIMIT_ENABLED": False,
                      "DATABASE_URL": url})
    yield app
    app.extensions["xuequ"].engine.dispose()
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def test_sample_loads_and_answers_on_postgresql(pg_app):
    client = pg_app.test_client()
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["published_version"]["id"]
    with pg_app.app_context():
        from webapp.services import snapshot
        place = next(p for p in snapshot().gazetteer.places if p.kind == "house")
    body = client.get("/api/v1/lookup", query_string={"address": place.address}).get_json()
    assert body["location"]["matched_address"] == place.address
    assert body["primary"]["zones"]


def test_knowledge_search_works_without_fts5(pg_app):
    hits = pg_app.test_client().get("/api/v1/faq/search?q=学位预警").get_json()["hits"]
    assert hits and all("学位预警" in h["title"] + h["snippet"] for h in hits)


def test_inquiry_round_trip_on_postgresql(pg_app):
    client = pg_app.test_client()
    created = client.post("/api/v1/inquiries", json={
        "kind": "consult", "content": "请问学位预警日期怎么看？", "caller_name": "测试",
        "caller_phone": "13800001234", "contact_consent": True})
    assert created.status_code == 201, created.get_json()
    tracking = created.get_json()["tracking"]
    status = client.get(f"/api/v1/inquiries/{tracking}?phone_last4=1234")
    assert status.status_code == 200
    wrong = client.get(f"/api/v1/inquiries/{tracking}?phone_last4=9999")
    assert wrong.status_code == 404
