"""Security headers on every response, and the per-request nonce of inline scripts.

An HTML page's Content-Security-Policy allows scripts only from this site or with the
request's nonce
(`nonce="{{ csp_nonce() }}"` on the few inline scripts: the `js` class in base.html and the
map's Folium-generated script), no plugins, no framing by anyone (`frame-ancestors 'none'`
and `X-Frame-Options: DENY` for older browsers: the publish and rollback pages must not be
framed). Styles may stay inline (Leaflet positions tiles with style attributes). Map tiles
from a configured provider (天地图, OSM, 高德) are images over HTTPS. Everything else (JSON,
GeoJSON, scripts, files) gets one fixed policy that allows nothing (`DATA_CSP`), so the
fast lane can send it without making a nonce.
"""
from __future__ import annotations

import secrets

from flask import Response, g

from webapp.services import settings

HSTS = "max-age=31536000; includeSubDomains"
# Also a cap on the request line: longer URLs get a JSON 414 from the app (request_guard)
# rather than the server's own answer, so the server's limit sits above it.
MAX_URL_LENGTH = 4096


def csp_nonce() -> str:
    """This request's nonce, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str, tiles: str) -> str:
    images = "'self' data: blob:" + ("" if tiles == "none" else " https:")
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


# What is not an HTML page (JSON, GeoJSON, files) loads nothing and runs nothing if a
# browser opens it: the strictest policy, the same on every response, so no nonce is made.
DATA_CSP = "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; " \
           "form-action 'none'; frame-ancestors 'none'"


def data_security_headers(secure: bool) -> list[tuple[str, str]]:
    """The headers of every response that is not an HTML page."""
    return [("Content-Security-Policy", DATA_CSP), *_common_headers(secure)]


def _common_headers(secure: bool) -> list[tuple[str, str]]:
    headers = [("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
               ("Referrer-Policy", "same-origin"), ("Cross-Origin-Opener-Policy", "same-origin")]
    if secure:
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    secure = settings().secure_cookies
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy",
                           content_security_policy(csp_nonce(), settings().tiles))
        common = _common_headers(secure)
    else:
        common = data_security_headers(secure)
    for name, value in common:
        headers.setdefault(name, value)
    return response
