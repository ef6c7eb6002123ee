"""Item 4: security headers on every response, nonces on every inline script, and the API's
errors (405 with Allow, 413, 414, 404) in JSON."""
from __future__ import annotations

import re

import pytest

from tests.conftest import need  # noqa: F401  (browser fixtures skip with a reason)
from tests.helpers import login, make_user
from webapp.serving.security_headers import MAX_URL_LENGTH

PAGES = ["/", "/wizard", "/faq/", "/gk/", "/notices/", "/complaints/new", "/staff/login",
         "/api/v1/lookup?lat=43.879&lng=125.39", "/api/openapi.json", "/static/app.js",
         "/timeline.ics", "/no-such-page", "/api/v1/no-such-thing"]
STAFF_PAGES = ["/staff/", "/staff/zones/", "/staff/zones/audit", "/hotline/", "/staff/kb/",
               "/staff/blocks"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)([^>]*)>", re.I)


def _check_headers(response):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    if response.mimetype != "text/html":  # data loads and runs nothing: no nonce needed
        assert directives["default-src"] == directives["script-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        return None
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # only with XUEQU_SECURE_COOKIES=1
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    for attributes in INLINE_SCRIPT.findall(response.get_data(as_text=True)):
        assert f'nonce="{nonce}"' in attributes, attributes
    return nonce


@pytest.mark.parametrize("path", PAGES)
def test_every_public_response_carries_the_headers(client, path):
    _check_headers(client.get(path))


def test_every_staff_page_carries_the_headers_and_nonces_change(app):
    client = app.test_client()
    login(client, make_user(app, "admin"))
    operator = app.test_client()
    login(operator, make_user(app, "operator"))
    nonces = set()
    for path in STAFF_PAGES:
        response = (operator if path.startswith("/hotline") else client).get(path)
        assert response.status_code == 200, path
        nonces.add(_check_headers(response))
    assert len(nonces) == len(STAFF_PAGES)  # a fresh nonce for every response


def test_the_map_page_gives_its_inline_scripts_the_nonce(client):
    response = client.get("/")
    nonce = _check_headers(response)
    html = response.get_data(as_text=True)
    inline = [tag for tag in re.findall(r"<script\b[^>]*>", html)
              if "src=" not in tag and "application/json" not in tag]
    assert inline  # the "js" class switch in base.html
    assert all(f'nonce="{nonce}"' in tag for tag in inline), inline


def test_hsts_only_when_cookies_are_secure(app):
    from dataclasses import replace
    services = app.extensions["xuequ"]
    original = services.settings
    object.__setattr__(services, "settings", replace(original, secure_cookies=True))
    try:
        response = app.test_client().get("/api/v1/schools")
    finally:
        object.__setattr__(services, "settings", original)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_api_errors_are_json_405_with_allow(client):
    response = client.delete("/api/v1/lookup?lat=43.879&lng=125.39")
    assert response.status_code == 405 and response.is_json
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    _check_headers(response)


def test_api_errors_are_json_414_for_overlong_urls(client):
    response = client.get("/api/v1/lookup?address=" + "临" * MAX_URL_LENGTH)
    assert response.status_code == 414 and response.is_json
    assert response.get_json()["error"]["code"] == "uri_too_long"
    page = client.get("/?address=" + "x" * (MAX_URL_LENGTH + 1))
    assert page.status_code == 414 and page.mimetype == "text/html"


def test_api_errors_are_json_413_and_404(app, client):
    app.config["MAX_CONTENT_LENGTH"], before = 1000, app.config["MAX_CONTENT_LENGTH"]
    try:
        big = client.post("/api/v1/inquiries", data="x" * 5000,
                          content_type="application/json")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before
    assert big.status_code == 413 and big.is_json
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"


def test_the_map_page_works_under_the_policy(page):
    violations, errors = [], []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto("/")
    page.wait_for_selector(".leaflet-container")
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert page.locator(".leaflet-interactive").count() > 0  # Folium's script drew the zones
    assert not violations and not errors, violations + errors
