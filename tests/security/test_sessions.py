"""Item 3: sessions that end. Cookie flags, 8-hour absolute and 30-minute idle lifetime,
server-side invalidation on sign-out and password change, `next` on this site only."""
from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

import pytest

from admissions import accounts
from tests.helpers import GOOD_PASSWORD, csrf_token, login, make_user
from webapp.services import services
from webapp.settings import Settings


def _session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_the_cookie_is_lax_httponly_and_lives_eight_hours(app):
    client = app.test_client()
    response = login(client, make_user(app))
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # local HTTP unless XUEQU_SECURE_COOKIES=1
    expires = parsedate_to_datetime(cookie.split("Expires=", 1)[1].split(";", 1)[0])
    lifetime = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=7, minutes=59) < lifetime <= dt.timedelta(hours=8)


def test_secure_cookies_are_switched_on_by_the_setting():
    settings, _ = Settings.load({}, environ={"XUEQU_SECURE_COOKIES": "1"})
    config = settings.flask_config()
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True
    assert config["PERMANENT_SESSION_LIFETIME"] == dt.timedelta(hours=8)
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sessions_end_after_eight_hours_however_busy(app):
    client = app.test_client()
    login(client, make_user(app))
    with client.session_transaction() as sess:
        sess["signed_in_at"] -= 8 * 3600 + 1  # last_seen stays fresh: only the age counts
    assert client.get("/staff/").status_code == 302


def test_idle_sessions_end_after_thirty_minutes(app):
    assert app.extensions["xuequ"].settings.idle_timeout_seconds == 1800
    client = app.test_client()
    login(client, make_user(app))
    with client.session_transaction() as sess:
        sess["last_seen"] -= 1801
    assert client.get("/staff/").status_code == 302


def test_a_cookie_saved_before_sign_out_does_not_open_the_staff_pages_afterwards(app):
    client = app.test_client()
    login(client, make_user(app))
    saved = client.get_cookie("session").value
    assert client.get("/staff/").status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    replay = app.test_client()
    replay.set_cookie("session", saved)
    assert replay.get("/staff/").status_code == 302


def test_a_password_change_ends_every_session(app):
    name = make_user(app)
    client = app.test_client()
    login(client, name)
    assert client.get("/staff/").status_code == 200
    result = app.test_cli_runner().invoke(args=["users", "set-password", name],
                                          input="New-Erdao-2028-secure\nNew-Erdao-2028-secure\n")
    assert result.exit_code == 0, result.output
    assert client.get("/staff/").status_code == 302
    assert login(app.test_client(), name).status_code == 401  # the old password is gone
    assert login(app.test_client(), name, "New-Erdao-2028-secure").status_code == 302
    with app.app_context(), services().sessions() as session:
        assert accounts.find_user(session, name).session_version >= 1


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\\evil.example",
                                    "https://evil.example/", "/\t/evil.example",
                                    "javascript:alert(1)", "/%0a/evil.example"])
def test_next_cannot_leave_the_site(app, target):
    client = app.test_client()
    name = make_user(app)
    response = client.post(f"/staff/login?next={target}", data={
        "username": name, "password": GOOD_PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_next_keeps_a_path_on_this_site(app):
    client = app.test_client()
    response = client.post("/staff/login?next=/hotline/inquiries/?status=open", data={
        "username": make_user(app), "password": GOOD_PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/hotline/inquiries/?status=open"
