"""A real PostgreSQL outage: the test's own throwaway cluster is stopped under a running app
and started again. Lookups keep answering from the snapshot, /healthz says degraded, staff
actions fail with a Chinese message and write nothing, the log says so once (not a traceback
per request), and everything recovers without a restart. Skips locally without the
PostgreSQL server binaries; in CI (CI=true) it must run."""
from __future__ import annotations

import logging
import time

import pytest
import sqlalchemy as sa

from store.outage import OutageLog
from tests.helpers import csrf_token, login, make_user
from tests.pg_cluster import ThrowawayCluster
from webapp.services import services

LOOKUP = "/api/v1/lookup?lat=43.88&lng=125.40"


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def cluster():
    cluster = ThrowawayCluster()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="module")
def app(cluster):
    from webapp import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "outage", "RATELIMIT_ENABLED": False,
                      "DATABASE_URL": cluster.url, "REFRESH_SECONDS": 0.0})
    yield app
    app.extensions["xuequ"].engine.dispose()


def _faq_count(app, question: str) -> int:
    with app.app_context(), services().sessions() as session:
        return session.scalar(sa.text("SELECT count(*) FROM kb_faq WHERE question = :q"),
                              {"q": question})


def _audit_count(app) -> int:
    with app.app_context(), services().sessions() as session:
        return session.scalar(sa.text("SELECT count(*) FROM audit_log"))


def test_an_outage_degrades_and_recovers_without_a_restart(app, cluster):
    client, staff = app.test_client(), app.test_client()
    login(staff, make_user(app, "admin"))
    token = csrf_token(staff, "/staff/kb/faq/new")
    served = client.get(LOOKUP)
    assert served.status_code == 200
    assert client.get("/healthz").get_json()["status"] == "ok"
    audits_before = _audit_count(app)
    form = {"question": "停电期间的问题？", "answer": "答复", "category": "年龄与登记",
            "csrf_token": token}

    records = Records()
    logging.getLogger().addHandler(records)
    cluster.stop()
    try:
        for _ in range(30):
            during = client.get(LOOKUP)
            assert during.status_code == 200
            assert during.get_json()["primary"] == served.get_json()["primary"]
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.get_json()["status"] == "degraded"
        assert health.get_json()["database"] == "unavailable"
        for _ in range(3):
            refused = staff.post("/staff/kb/faq/new", data=form)
            assert refused.status_code == 503
            assert "数据库暂时无法访问" in refused.get_data(as_text=True)
        inquiry = client.post("/api/v1/inquiries", json={
            "kind": "consult", "content": "报名时间？", "caller_name": "王先生",
            "caller_phone": "13812345678"})
        assert inquiry.status_code == 503 and "数据库" in inquiry.get_json()["error"]["message"]
    finally:
        cluster.start()
        logging.getLogger().removeHandler(records)

    outage_lines = [r for r in records.records if "database unavailable" in r.getMessage()]
    assert len(outage_lines) == 1, [r.getMessage() for r in outage_lines]
    assert not any(r.exc_info for r in records.records), "a traceback was logged"

    # Recovery, without a restart: the pool reconnects on the next request.
    deadline = time.monotonic() + 20
    while client.get("/healthz").get_json()["status"] != "ok":
        assert time.monotonic() < deadline, "did not recover within 20 s"
        time.sleep(0.2)
    assert _faq_count(app, form["question"]) == 0  # nothing half-written
    assert _audit_count(app) == audits_before
    saved = staff.post("/staff/kb/faq/new", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    assert _faq_count(app, form["question"]) == 1
    assert _audit_count(app) == audits_before + 1
    assert client.get(LOOKUP).status_code == 200


def test_the_outage_log_speaks_once_a_minute_and_once_on_recovery():
    now = [0.0]
    logger = logging.getLogger("test.outage")
    records = Records()
    logger.addHandler(records)
    try:
        outage = OutageLog(interval=60, clock=lambda: now[0], logger=logger)
        for second in range(0, 125):
            now[0] = float(second)
            outage.failed(ConnectionError("connection refused\nmore detail"))
        assert outage.down
        outage.recovered()
        outage.recovered()
    finally:
        logger.removeHandler(records)
    messages = [r.getMessage() for r in records.records]
    assert len(messages) == 4  # at 0 s, 60 s, 120 s, and once on recovery
    assert all("connection refused" in m and "more detail" not in m for m in messages[:3])
    assert "available again after 124 s" in messages[3] and not outage.down
