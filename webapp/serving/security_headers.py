"""Security headers on every response, and the per-request nonce of inline scripts.

The Content-Security-Policy allows scripts only from this site or with the request's nonce
(`nonce="{{ csp_nonce() }}"` on the few inline scripts: the `js` class in base.html and the
map's Folium-generated script), no plugins, no framing by anyone (`frame-ancestors 'none'`
and `X-Frame-Options: DENY` for older browsers: the publish and rollback pages must not be
framed). Styles may stay inline (Leaflet positions tiles with style attributes). Map tiles
from a configured provider (天地图, OSM, 高德) are images over HTTPS.
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


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy",
                       content_security_policy(csp_nonce(), settings().tiles))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if settings().secure_cookies:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
