"""The fast lane: lookups and zone maps served from bytes already encoded, outside Flask.

A lookup's answer is composed once per zones found (admissions/encoding.py), so what is
left per request is reading the query, the point lookup and a join of bytes: tens of
microseconds. Flask's request cycle around it (contexts, routing, hooks, the response
object) costs several times that. So this WSGI middleware, in front of the app, answers
GET requests to the lookup, the zones and district GeoJSON and the OGC pages of items
itself when the answer is already encoded in the published snapshot, and hands every
other request to the app unchanged: the first request for a combination (the app
composes it, and the next one is served here), any parameter the app must word an error
for, `on=` and `place=`, a URL with a NUL or over the length limit, any other method or
path. The bytes and headers are the app's own (tests/test_fast_lane.py compares the two
lanes on the same requests).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus

import datetime as dt
import re
from functools import partial
from urllib.parse import parse_qsl

from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import ETags, MIMEAccept
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.wsgi import get_current_url

from admissions.encoding import EncodedAnswer, Template, encode_fragment
from webapp.api import logic
from webapp.ogc import logic as ogc_logic
from webapp.i18n import api_language
from webapp.serving.compression import accepts_gzip
from webapp.serving.security_headers import MAX_URL_LENGTH, data_security_headers
from webapp.serving.caching import IMMUTABLE, REVALIDATE
from webapp.services import Services, public_versions
from webapp.staff.scheduling import publish_due_versions
from zones.errors import XuequError
from zones.versions import PublicVersion

JSON = "application/json"
GEOJSON = "application/geo+json"
OGC_VARY = "Accept-Encoding, Accept, Accept-Language, Cookie"  # (a visit's language)
OGC_ITEMS = re.compile(r"/ogc/collections/([a-z_]+)/items")
HANDED_ON = ("on", "place")  # answered by the app: another version, a chosen candidate
Served = tuple[int, list[tuple[str, str]], bytes]
MAX_HOSTS_KEPT = 64
PHRASES = {status: f"{status} {HTTPStatus(status).phrase}" for status in (200, 304)}


def encoded_parts(answer: EncodedAnswer, gzipped: bool, if_none_match: ETags | None,
                  mimetype: str, cache_control: str | None = None,
                  vary: str = "Accept-Encoding") -> Served:
    """Status, headers and body of an encoded answer: gzipped when the client takes it,
    304 when its copy is current (each representation has its own ETag)."""
    etag = f"{answer.etag}-gzip" if gzipped else answer.etag
    headers = [("ETag", f'"{etag}"'), ("Vary", vary)]
    if cache_control:
        headers.append(("Cache-Control", cache_control))
    if if_none_match is not None and etag in if_none_match:
        return 304, headers, b""  # (no body, so no Content-Type either)
    headers.append(("Content-Type", mimetype))
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    return 200, headers, answer.gzipped() if gzipped else answer.plain


def items_parts(template: Template, version: PublicVersion | None, now: dt.datetime,
                today: dt.date, gzipped: bool, if_none_match: ETags | None) -> Served:
    """An OGC page of items (webapp/ogc/views.py) filled with the `timeStamp` of `now`; a
    version past on `today` is immutable (both from the service clock, one reading)."""
    answer = template.fill({"timeStamp": encode_fragment(ogc_logic.timestamp(now))},
                           volatile=frozenset({"timeStamp"}))
    immutable = version is not None and version.immutable(today)
    return encoded_parts(answer, gzipped, if_none_match, GEOJSON,
                         IMMUTABLE if immutable else REVALIDATE, OGC_VARY)


class FastLane:
    def __init__(self, app: Callable, services: Services):
        self.app = app  # the WSGI app every other request goes to
        self.services = services
        self.routes: dict[str, Callable[..., Served | None]] = {
            "/api/v1/lookup": self._lookup,
            "/api/v1/zones.geojson": self._zones,
            "/api/v1/district.geojson": self._district,
        }
        self._static_headers = data_security_headers(services.settings.secure_cookies)
        self._bases: dict[tuple, str] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        route = self.routes.get(path)
        if route is None and (items := OGC_ITEMS.fullmatch(path)):
            route = partial(self._ogc_items, items.group(1))
        served = None
        if route is not None and environ.get("REQUEST_METHOD") == "GET":
            pairs = _plain_query(environ)
            if pairs is not None:
                try:
                    served = route(_first_values(pairs), pairs, environ)
                except (XuequError, SQLAlchemyError):  # the app words the message (and logs)
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

    def _lookup(self, args: dict[str, str], pairs, environ: dict) -> Served | None:
        if any(name in args for name in HANDED_ON):
            return None
        answer = logic.encoded_lookup(self._snapshot(), args,
                                      api_language(args, self.services.settings.languages),
                                      cached_only=True)
        return None if answer is None else _parts(environ, answer, JSON)

    def _zones(self, args: dict[str, str], pairs, environ: dict) -> Served | None:
        answer = logic.encoded_zones_geojson(self._snapshot(), args, cached_only=True)
        return None if answer is None else _parts(environ, answer, GEOJSON, REVALIDATE)

    def _district(self, args: dict[str, str], pairs, environ: dict) -> Served | None:
        answer = logic.encoded_district_geojson(self._snapshot(), cached_only=True)
        return None if answer is None else _parts(environ, answer, GEOJSON, REVALIDATE)

    def _ogc_items(self, collection_id: str, args: dict[str, str],
                   pairs: list[tuple[str, str]], environ: dict) -> Served | None:
        """A page of OGC items as GeoJSON. With a cookie or `lang` the app answers: /ogc
        also serves pages, whose visit remembers its language in the session."""
        if collection_id not in ogc_logic.COLLECTIONS or "HTTP_COOKIE" in environ \
                or "lang" in args or _wants_html(args, environ):
            return None
        snapshot, now = self._snapshot(), self.services.clock.now()
        today = self.services.clock.today(now)
        version = ogc_logic.items_version(collection_id, args, public_versions(self.services),
                                          today)
        base = self._ogc_base(environ)
        template = snapshot.encoded.peek(ogc_logic.items_key(
            collection_id, version.id if version else snapshot.zone_set.id, base,
            self.services.settings.languages[0], pairs))
        if template is None:
            return None
        conditional = environ.get("HTTP_IF_NONE_MATCH")
        return items_parts(template, version, now, today,
                           accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")),
                           None if conditional is None else parse_etags(conditional))

    def _ogc_base(self, environ: dict) -> str:
        """The OGC API's base URL as the client reached it (as the app's links spell it),
        kept per host: werkzeug's IRI decoding of the host is a good part of a request."""
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"),
               environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
               environ.get("SCRIPT_NAME"))
        base = self._bases.get(key)
        if base is None:
            if len(self._bases) >= MAX_HOSTS_KEPT:  # a client can send any Host header
                self._bases.clear()
            base = self._bases[key] = get_current_url(environ, root_only=True).rstrip("/") \
                + "/ogc"
        return base


def _wants_html(args: dict[str, str], environ: dict) -> bool:
    """As webapp/ogc/views.py decides: `f`, else the Accept header."""
    if "f" in args:
        return args["f"] == "html"
    accept = parse_accept_header(environ.get("HTTP_ACCEPT"), MIMEAccept)
    return accept.best_match([ogc_logic.GEOJSON, ogc_logic.JSON, ogc_logic.HTML]) == \
        ogc_logic.HTML


def _parts(environ: dict, answer: EncodedAnswer, mimetype: str,
           cache_control: str | None = None) -> Served:
    conditional = environ.get("HTTP_IF_NONE_MATCH")
    return encoded_parts(answer, accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")),
                         None if conditional is None else parse_etags(conditional),
                         mimetype, cache_control)


def _plain_query(environ: dict) -> list[tuple[str, str]] | None:
    """The query's parameters in order, or None for what the app must see: a NUL, an
    over-long URL, text that is not percent-encoded UTF-8."""
    query = environ.get("QUERY_STRING", "")
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or \
        environ.get("PATH_INFO", "") + "?" + query
    if len(raw) > MAX_URL_LENGTH or "%00" in query or not query.isascii():
        return None
    if "%" not in query and "+" not in query:  # nothing to decode (a point, most queries)
        return [(name, value) for name, _, value in
                (part.partition("=") for part in query.split("&") if part)]
    try:
        return parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return None


def _first_values(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Each parameter's first value, as Flask's `request.args.get` gives it."""
    args: dict[str, str] = {}
    for name, value in pairs:
        args.setdefault(name, value)
    return args
