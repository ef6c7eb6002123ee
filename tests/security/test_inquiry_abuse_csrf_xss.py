"""Bad input and abuse on the public inquiry form, the status check and the API: CSRF,
honeypot, rate limits, HTML escaping, guessing tracking numbers."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from admissions import inquiries
from tests.helpers import csrf_token, login, make_user
from webapp.services import services

FORM = {"kind": "consult", "content": "请问登记时间？", "caller_name": "李先生",
        "caller_phone": "13600001111"}


def _count(app) -> int:
    with app.app_context(), services().sessions() as session:
        return session.scalar(select(func.count()).select_from(inquiries.Inquiry))


@pytest.fixture()
def limited_app(tmp_path):
    from webapp import create_app
    from webapp.extensions import limiter
    # The limiter is one object for every app: switching it on here must not leave it on
    # for the session's app (whose tests sign in more than 20 times a minute).
    enabled = limiter.enabled
    yield create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
                       "SECRET_KEY": "t", "REFRESH_SECONDS": 0, "RATELIMIT_ENABLED": True,
                       "INQUIRY_SUBMIT_LIMIT": "2 per minute",
                       "INQUIRY_LOOKUP_LIMIT": "3 per minute"})
    limiter.enabled = enabled


def test_the_public_form_needs_a_csrf_token(client, app):
    before = _count(app)
    assert client.post("/complaints/new", data=FORM).status_code == 400
    assert _count(app) == before
    token = csrf_token(client, "/complaints/new")
    response = client.post("/complaints/new", data={**FORM, "csrf_token": token})
    assert response.status_code == 201
    assert re.search(r"EDJY-\d{4}-\d{6}", response.get_data(as_text=True))


def test_the_status_form_and_staff_actions_need_a_csrf_token(client, app):
    assert client.post("/complaints/status", data={"tracking": "EDJY-2027-000001",
                                                   "phone_last4": "1111"}).status_code == 400
    staff = app.test_client()
    login(staff, make_user(app, "operator"))
    assert staff.post("/hotline/inquiries/new", data=FORM).status_code == 400


def test_a_filled_honeypot_stores_nothing(client, app):
    before = _count(app)
    token = csrf_token(client, "/complaints/new")
    assert client.post("/complaints/new", data={**FORM, "website": "http://spam.example",
                                                "csrf_token": token}).status_code == 400
    assert client.post("/api/v1/inquiries", json={**FORM, "website": "x"}).status_code == 400
    assert _count(app) == before


def test_content_over_2000_characters_is_refused(client):
    response = client.post("/api/v1/inquiries", json={**FORM, "content": "长" * 2001})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == "content" and "2000" in error["message"]
    assert client.post("/api/v1/inquiries", json={**FORM, "content": "长" * 2000}
                       ).status_code == 201


def test_api_validation_messages_are_chinese(client):
    response = client.post("/api/v1/inquiries", json={**FORM, "caller_phone": "abc"})
    assert response.status_code == 400
    assert re.search(r"[\u4e00-\u9fff]", response.get_json()["error"]["message"])
    assert client.post("/api/v1/inquiries", data="not json",
                       content_type="application/json").status_code == 400


def test_submissions_are_rate_limited_across_form_and_api(limited_app):
    client = limited_app.test_client()
    assert client.post("/api/v1/inquiries", json=FORM).status_code == 201
    token = csrf_token(client, "/complaints/new")
    assert client.post("/complaints/new", data={**FORM, "csrf_token": token}).status_code == 201
    assert client.post("/api/v1/inquiries", json=FORM).status_code == 429
    assert client.get("/complaints/new").status_code == 200  # reading the form is not limited


def test_status_lookups_are_rate_limited(limited_app):
    client = limited_app.test_client()
    codes = [client.get(f"/api/v1/inquiries/EDJY-2027-{n:06d}?phone_last4=1234").status_code
             for n in range(1, 6)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]


def test_guessing_through_the_status_page_reveals_nothing(client, app):
    created = client.post("/api/v1/inquiries", json=FORM).get_json()["tracking"]
    token = csrf_token(client, "/complaints/status")
    pages = [client.post("/complaints/status", data={"tracking": t, "phone_last4": d,
                                                     "csrf_token": token})
             for t, d in ((created, "0000"), ("EDJY-2027-999999", "1111"))]
    assert [p.status_code for p in pages] == [404, 404]
    # Identical apart from the echoed number and the (time-stamped) CSRF token.
    bodies = [re.sub(r'name="csrf_token" value="[^"]+"|nonce="[^"]+"', "",
                     p.get_data(as_text=True)) for p in pages]  # both differ per response
    assert bodies[0] == bodies[1].replace("EDJY-2027-999999", created)
    ok = client.post("/complaints/status", data={"tracking": created, "phone_last4": "1111",
                                                 "csrf_token": token})
    assert ok.status_code == 200 and "已受理" in ok.get_data(as_text=True)


def test_html_is_escaped_everywhere(client, app):
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    tracking = client.post("/api/v1/inquiries", json={**FORM, "content": evil}
                           ).get_json()["tracking"]
    staff = app.test_client()
    login(staff, make_user(app, "operator"))
    page = staff.get(f"/hotline/inquiries/{tracking}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    token = csrf_token(staff, f"/hotline/inquiries/{tracking}")
    staff.post(f"/hotline/inquiries/{tracking}/reply", data={"reply": evil, "csrf_token": token})
    public = client.post("/complaints/status", data={
        "tracking": tracking, "phone_last4": "1111",
        "csrf_token": csrf_token(client, "/complaints/status")}).get_data(as_text=True)
    assert "<img src=x" not in public and "&lt;img" in public
    for url in ("/faq/?q=<b>三代同堂</b>", "/gk/?q=<i>学区</i>",
                "/hotline/?q=<svg onload=alert(1)>"):
        html = (staff if url.startswith("/hotline") else client).get(url).get_data(as_text=True)
        assert "<b>三代" not in html and "<i>学区" not in html and "<svg onload" not in html
