"""A database outage is a clear 503 on every page and API call that needs the database at
request time, while lookups keep being served from the in-memory snapshot."""
from __future__ import annotations

import re

import pytest

from tests.helpers import csrf_token, login, make_user
from webapp.services import services
from store import db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    """An app that loaded the sample, signed in a staff member, and then lost its database."""
    from webapp import create_app
    instance = tmp_path_factory.mktemp("outage")
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "RATELIMIT_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{instance / 'x.sqlite3'}",
                      "REFRESH_SECONDS": 0.0})
    client, staff = app.test_client(), app.test_client()
    login(staff, make_user(app, "admin"))
    tokens = {path: csrf_token(client, path) for path in ("/complaints/new",
                                                          "/complaints/status")}
    staff_token = csrf_token(staff, "/staff/kb/faq/new")
    assert client.get("/api/v1/lookup?lat=43.88&lng=125.40").status_code == 200
    with app.app_context():
        sessions = services().sessions
        sessions.kw["bind"].dispose()
        sessions.configure(bind=db.make_engine(f"sqlite:///{instance}/missing/dir/x.sqlite3"))
    return app, client, staff, tokens, staff_token


API_CALLS = [
    ("GET", "/api/v1/faq/search?q=报名", None),
    ("GET", "/api/v1/faq/search?q=registration&lang=en", None),
    ("POST", "/api/v1/inquiries", {"kind": "consult", "content": "报名时间？",
                                   "caller_name": "王先生", "caller_phone": "13812345678"}),
    ("GET", "/api/v1/inquiries/EDJY-2027-000001?phone_last4=5678", None),
]


@pytest.mark.parametrize("method, path, body", API_CALLS)
def test_api_calls_needing_the_database_answer_503(outage, method, path, body):
    _, client, *_ = outage
    response = client.open(path, method=method, json=body)
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    error = response.get_json()["error"]
    assert error["code"] == "service_unavailable"
    if "lang=en" in path:
        assert "database" in error["message"].lower() and not CJK.search(error["message"])
    else:
        assert CJK.search(error["message"])


def test_public_pages_needing_the_database_answer_503(outage):
    _, client, _, tokens, _ = outage
    pages = [client.get("/faq/"), client.get("/faq/?q=报名"), client.get("/gk/"),
             client.get("/gk/POL-2027-001"), client.get("/notices/"),
             client.post("/complaints/new", data={
                 "kind": "consult", "content": "报名时间？", "caller_name": "王先生",
                 "caller_phone": "13812345678", "csrf_token": tokens["/complaints/new"]}),
             client.post("/complaints/status", data={
                 "tracking": "EDJY-2027-000001", "phone_last4": "5678",
                 "csrf_token": tokens["/complaints/status"]})]
    for response in pages:
        assert response.status_code == 503, response.request.path
        assert response.mimetype == "text/html"
        assert "数据库暂时无法访问" in response.get_data(as_text=True)


@pytest.mark.parametrize("method, path", [
    ("GET", "/staff/"), ("GET", "/staff/zones/"), ("GET", "/staff/zones/audit"),
    ("GET", "/staff/kb/"), ("GET", "/hotline/?q=临河街"), ("GET", "/hotline/inquiries/"),
    ("POST", "/staff/kb/faq/new")])
def test_staff_pages_answer_503(outage, method, path):
    _, _, staff, _, token = outage
    response = staff.open(path, method=method, data={"question": "问", "answer": "答",
                                                     "csrf_token": token})
    assert response.status_code == 503
    assert "数据库暂时无法访问" in response.get_data(as_text=True)


def test_signing_in_during_an_outage_answers_503(outage):
    app, *_ = outage
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/staff/login", data={"username": "someone", "password": "x" * 12,
                                                 "csrf_token": token})
    assert response.status_code == 503
    assert "数据库暂时无法访问" in response.get_data(as_text=True)


def test_lookups_are_still_served_from_memory(outage):
    _, client, *_ = outage
    assert client.get("/api/v1/lookup?lat=43.88&lng=125.40").status_code == 200
    # The parent's shared link too: the answer, without the FAQ links the database holds.
    page = client.get("/?lat=43.88&lng=125.40")
    assert page.status_code == 200 and b'id="answer"' in page.data
    health = client.get("/healthz").get_json()
    assert health["database"] == "unavailable" and health["status"] == "degraded"
