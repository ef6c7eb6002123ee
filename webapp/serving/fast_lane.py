"""The fast lane: lookups and zone maps served from bytes already encoded, outside Flask.

A lookup's answer is composed once per zones found (admissions/encoding.py), so what is
left per request is reading the query, the point lookup and a join of bytes: tens of
microseconds. Flask's request cycle around it (contexts, routing, hooks, the response
object) costs several times that. So this WSGI middleware, in front of the app, answers
GET requests to the endpoints in `ROUTES` itself when the answer is already encoded in
the published snapshot, and hands every other request to the app unchanged: the first
request for a combination (the app composes it, and the next one is served here), any
parameter the app must word an error for, `on=` and `place=`, a URL with a NUL or over
the length limit, any other method or path. The bytes and headers are the app's own
(tests/test_fast_lane.py compares the two lanes on the same requests).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus

from urllib.parse import parse_qsl

from werkzeug.datastructures import ETags
from werkzeug.http import parse_etags

from admissions.encoding import EncodedAnswer
from webapp.api import logic
from webapp.i18n import api_language
from webapp.serving.compression import accepts_gzip
from webapp.serving.security_headers import MAX_URL_LENGTH, data_security_headers
from webapp.services import Services
from webapp.staff.scheduling import publish_due_versions
from zones.errors import XuequError

JSON = "application/json"
GEOJSON = "application/geo+json"
GEOJSON_CACHE = "public, max-age=60"  # a new version changes it: phones revalidate
HANDED_ON = ("on", "place")  # answered by the app: another version, a chosen candidate
Served = tuple[int, list[tuple[str, str]], bytes]
PHRASES = {status: f"{status} {HTTPStatus(status).phrase}" for status in (200, 304)}


def encoded_parts(answer: EncodedAnswer, gzipped: bool, if_none_match: ETags | None,
                  mimetype: str, cache_control: str | None = None) -> Served:
    """Status, headers and body of an encoded answer: gzipped when the client takes it,
    304 when its copy is current (each representation has its own ETag)."""
    etag = f"{answer.etag}-gzip" if gzipped else answer.etag
    headers = [("ETag", f'"{etag}"'), ("Vary", "Accept-Encoding")]
    if cache_control:
        headers.append(("Cache-Control", cache_control))
    if if_none_match is not None and etag in if_none_match:
        return 304, headers, b""  # (no body, so no Content-Type either)
    headers.append(("Content-Type", mimetype))
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    return 200, headers, answer.gzipped() if gzipped else answer.plain


class FastLane:
    def __init__(self, app: Callable, services: Services):
        self.app = app  # the WSGI app every other request goes to
        self.services = services
        self.routes: dict[str, Callable[[dict[str, str], dict], Served | None]] = {
            "/api/v1/lookup": self._lookup,
            "/api/v1/zones.geojson": self._zones,
            "/api/v1/district.geojson": self._district,
        }
        self._static_headers = data_security_headers(services.settings.secure_cookies)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        route = self.routes.get(environ.get("PATH_INFO", ""))
        served = None
        if route is not None and environ.get("REQUEST_METHOD") == "GET":
            args = _plain_args(environ)
            if args is not None:
                try:
                    served = route(args, environ)
                except XuequError:  # the app words the message (and logs what it must)
                    served = None
        if served is None:
            return self.app(environ, start_response)
        status, headers, body = served
        headers += self._static_headers
        if status == 200:
            headers.append(("Content-Length", str(len(body))))
        start_response(PHRASES[status], headers)
        return [body]

    def _snapshot(self):
        publish_due_versions(self.services)  # as the app's hook does: a due version goes live
        return self.services.published.get()

    def _lookup(self, args: dict[str, str], environ: dict) -> Served | None:
        if any(name in args for name in HANDED_ON):
            return None
        answer = logic.encoded_lookup(self._snapshot(), args,
                                      api_language(args, self.services.settings.languages),
                                      cached_only=True)
        return None if answer is None else _parts(environ, answer, JSON)

    def _zones(self, args: dict[str, str], environ: dict) -> Served | None:
        answer = logic.encoded_zones_geojson(self._snapshot(), args, cached_only=True)
        return None if answer is None else _parts(environ, answer, GEOJSON, GEOJSON_CACHE)

    def _district(self, args: dict[str, str], environ: dict) -> Served | None:
        answer = logic.encoded_district_geojson(self._snapshot(), cached_only=True)
        return None if answer is None else _parts(environ, answer, GEOJSON, GEOJSON_CACHE)


def _parts(environ: dict, answer: EncodedAnswer, mimetype: str,
           cache_control: str | None = None) -> Served:
    conditional = environ.get("HTTP_IF_NONE_MATCH")
    return encoded_parts(answer, accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")),
                         None if conditional is None else parse_etags(conditional),
                         mimetype, cache_control)


def _plain_args(environ: dict) -> dict[str, str] | None:
    """The query's parameters (the first value of each, as Flask's `request.args.get`
    gives), or None for what the app must see: a NUL, an over-long URL, text that is not
    percent-encoded UTF-8."""
    query = environ.get("QUERY_STRING", "")
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or \
        environ.get("PATH_INFO", "") + "?" + query
    if len(raw) > MAX_URL_LENGTH or "%00" in query or not query.isascii():
        return None
    args: dict[str, str] = {}
    try:
        for name, value in parse_qsl(query, keep_blank_values=True, errors="strict"):
            args.setdefault(name, value)
    except UnicodeDecodeError:
        return None
    return args
