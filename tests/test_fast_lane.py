"""The fast lane (webapp/serving/fast_lane.py) answers encoded lookups and zone maps without
Flask's request cycle: the same status, headers and bytes as the app, and every request it
cannot serve from what is already encoded goes to the app unchanged."""
from __future__ import annotations

import gzip
import random
import re
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.test import Client

from webapp.serving.fast_lane import MAX_HOSTS_KEPT, FastLane, _plain_query
from webapp.serving.security_headers import MAX_URL_LENGTH


class Counting:
    """The app behind the fast lane, counting the requests that reach it."""

    def __init__(self, app):
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def lanes(app):
    lane = app.wsgi_app
    assert isinstance(lane, FastLane)
    inner = Counting(lane.app)
    fast = FastLane(inner, lane.services)
    return fast, inner, Client(fast, use_cookies=False), Client(lane.app, use_cookies=False)


def _urls(snapshot) -> list[str]:
    rng = random.Random(2027)
    minx, miny, maxx, maxy = snapshot.district.buffer(0.01).bounds
    points = [(round(rng.uniform(miny, maxy), 6), round(rng.uniform(minx, maxx), 6))
              for _ in range(25)]
    places = rng.sample(snapshot.gazetteer.places, 25)
    urls = [f"/api/v1/lookup?lat={lat}&lng={lng}" for lat, lng in points]
    urls += [f"/api/v1/lookup?lat={lat}&lng={lng}&lang=en&fields=zones&level=middle"
             for lat, lng in points[:5]]
    urls += ["/api/v1/lookup?" + urllib.parse.urlencode({"address": p.address})
             for p in places]
    urls += ["/api/v1/lookup?" + urllib.parse.urlencode(query) for query in (
        {"address": "丁香"}, {"address": "不存在的路99999号"}, {"address": "北京市朝阳区建国路1号"},
        {"address": places[0].address, "lang": "en", "fields": "zones"},
        {"address": places[1].address.replace("号", "號")},
        {"lat": "91", "lng": "125"}, {"lat": "abc", "lng": "1"}, {"lat": "43.88"},
        {"lat": "43.88", "lng": "125.39", "fields": "everything"},
        {"lat": "43.88", "lng": "125.39", "on": "2027-09-01"},
        {"place": places[2].address}, {"address": ""}, {"address": "a\x00b"})]
    urls += ["/ogc/collections/primary_zones/items?limit=100",
             "/ogc/collections/middle_zones/items?f=json&limit=5&offset=5",
             "/ogc/collections/primary_zones/items?datetime=2028-09-01",
             "/ogc/collections/schools/items?bbox=125.3,43.8,125.5,43.9&lang=en",
             "/ogc/collections/district/items",
             "/ogc/collections/nowhere/items", "/ogc/collections/schools/items?limit=0",
             "/ogc/collections/schools/items?colour=red"]
    urls += ["/api/v1/zones.geojson", "/api/v1/zones.geojson?level=primary",
             "/api/v1/zones.geojson?level=nursery", "/api/v1/district.geojson",
             "/api/v1/lookup?lat=43.88&lng=125.39&x=" + "9" * MAX_URL_LENGTH]
    return urls


TIME_STAMP = re.compile(rb'"timeStamp":"[^"]*"')
NONCE = re.compile(r"nonce-[\w-]+")
NONCE_ATTRIBUTE = re.compile(rb'nonce="[\w-]+"')


def _seen(response) -> tuple:
    """Status, headers and body (decompressed; an OGC page's time of making left out)."""
    headers = sorted((k, v.split("=")[0] if k == "Set-Cookie" else NONCE.sub("", v))
                     for k, v in response.headers.items()  # (made anew)
                     if k != "Date" and not (k == "Content-Length" and response.mimetype ==
                                             "text/html"))
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response.status_code, headers, NONCE_ATTRIBUTE.sub(b"", TIME_STAMP.sub(b"", body))


@pytest.mark.parametrize("encoding", ["gzip", ""])
def test_the_fast_lane_answers_exactly_as_the_app(lanes, sample_snapshot, encoding):
    fast, _, via_lane, via_app = lanes
    headers = {"Accept-Encoding": encoding}
    for url in _urls(sample_snapshot):
        expected = _seen(via_app.get(url, headers=headers))
        for _ in range(2):  # the first composes (in the app), the second may be served here
            assert _seen(via_lane.get(url, headers=headers)) == expected, url
        etag = expected[1] and dict(expected[1]).get("ETag")
        if etag:
            for tag in (etag, '"stale"', f'W/{etag}, "other"'):
                conditional = {**headers, "If-None-Match": tag}
                assert _seen(via_lane.get(url, headers=conditional)) == \
                    _seen(via_app.get(url, headers=conditional)), (url, tag)


def test_an_encoded_answer_is_served_without_the_app(lanes, sample_snapshot):
    _, inner, via_lane, _ = lanes
    place = next(p for p in sample_snapshot.gazetteer.places if p.number)
    for url in ("/api/v1/lookup?lat=43.8791&lng=125.3901",
                "/api/v1/lookup?" + urllib.parse.urlencode({"address": place.address}),
                "/api/v1/zones.geojson"):
        via_lane.get(url)  # composed by the app if it was not encoded yet
        before = inner.calls
        response = via_lane.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert inner.calls == before, url  # served by the fast lane
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("url", [
    "/api/v1/lookup?lat=43.88&lng=500",  # the app words the error
    "/api/v1/lookup?lat=43.88&lng=125.39&on=2027-09-01",  # another version's answer
    "/api/v1/lookup?lat=43.88&lng=125.39&x=%00",  # the NUL guard
    "/api/v1/lookup?" + urllib.parse.urlencode({"address": "丁香"}),  # candidates
    "/api/v1/schools",  # not a fast-lane path
])
def test_what_the_fast_lane_cannot_serve_goes_to_the_app(lanes, url):
    _, inner, via_lane, _ = lanes
    via_lane.get(url)
    before = inner.calls
    response = via_lane.get(url)
    assert inner.calls == before + 1
    if "lng=500" in url or "%00" in url:
        assert response.status_code == 400
        assert response.get_json()["error"]["message"]


def test_html_and_cookies_take_ogc_pages_to_the_app(lanes):
    _, inner, via_lane, _ = lanes
    url = "/ogc/collections/primary_zones/items?limit=3"
    assert via_lane.get(url).status_code == 200
    for headers in ({"Accept": "text/html"}, {"Cookie": "session=x"}, {}):
        before = inner.calls
        response = via_lane.get(url, headers=headers)
        assert response.status_code == 200
        assert inner.calls == before + (0 if not headers else 1), headers
        assert response.mimetype == ("text/html" if "Accept" in headers
                                     else "application/geo+json")


def test_posts_and_other_methods_go_to_the_app(lanes):
    _, inner, via_lane, _ = lanes
    before = inner.calls
    assert via_lane.post("/api/v1/lookup?lat=43.88&lng=125.39").status_code == 405
    assert via_lane.head("/api/v1/lookup?lat=43.88&lng=125.39").status_code == 200
    assert inner.calls == before + 2


def test_address_answers_served_from_templates_equal_composed_ones(sample_snapshot):
    """An exactly found address takes the point's template; the bytes are those of the
    freshly composed answer, in both languages and both forms."""
    from dataclasses import replace

    from admissions.answer import zones_only
    from admissions.encoding import EncodedCache, encode_json
    from admissions.service import answer_address, encoded_answer
    from gis.address import AddressQuery
    # its own caches: these answers are not translated, the app's must not see them
    sample_snapshot = replace(sample_snapshot, encoded=EncodedCache())
    rng = random.Random(7)
    places = rng.sample(sample_snapshot.gazetteer.places, 60)
    texts = [p.address for p in places] + [p.address + "2单元301" for p in places[:10]]
    for text in texts:
        for lang in ("zh", "en"):
            for lean in (False, True):
                fresh = answer_address(sample_snapshot, AddressQuery(text), lang=lang)
                encoded = encoded_answer(sample_snapshot, AddressQuery(text), lang=lang,
                                         lean=lean)
                assert encoded.plain == encode_json(zones_only(fresh) if lean else fresh), \
                    (text, lang, lean)


def test_behind_a_proxy_the_fast_lane_serves_the_host_the_client_asked_for(app):
    """The fast lane sits behind ProxyFix: an OGC page for the public host is served with
    that host's links, and another host's request is not given them."""
    from webapp import create_app
    proxied = create_app({"TESTING": True, "SECRET_KEY": "t", "PROXY_HOPS": 1,
                          "DATABASE_URL": app.extensions["xuequ"].settings.database_url,
                          "AUTO_LOAD_SAMPLE": False, "RATELIMIT_ENABLED": False})
    lane = proxied.wsgi_app.app  # ProxyFix → FastLane → Flask
    assert isinstance(lane, FastLane)
    inner = Counting(lane.app)
    lane.app = inner
    client = Client(proxied, use_cookies=False)
    url = "/ogc/collections/schools/items?limit=2"
    public = {"X-Forwarded-Host": "xuequ.example.gov.cn", "X-Forwarded-Proto": "https"}
    client.get(url, headers=public)
    before = inner.calls
    served = client.get(url, headers=public)
    assert inner.calls == before  # from the fast lane
    assert "https://xuequ.example.gov.cn/ogc/" in served.get_data(as_text=True)
    direct = client.get(url)
    assert "xuequ.example.gov.cn" not in direct.get_data(as_text=True)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab=&%+;0123456789.-_", max_size=40))
def test_the_query_is_read_as_the_standard_library_reads_it(query):
    """The shortcut for queries with nothing to decode gives parse_qsl's pairs (a NUL
    goes to the app, which words the error)."""
    try:
        expected = urllib.parse.parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        expected = None
    if "%00" in query:
        expected = None
    assert _plain_query({"QUERY_STRING": query, "PATH_INFO": "/api/v1/lookup"}) == expected


def test_base_urls_kept_per_host_stay_bounded(lanes):
    """Any client can send any Host header: the lane keeps at most MAX_HOSTS_KEPT."""
    fast, _, client, _ = lanes
    for n in range(MAX_HOSTS_KEPT * 2 + 3):
        served = client.get("/ogc/collections/schools/items?limit=2",
                            headers={"Host": f"host{n}.example"})
        assert served.status_code == 200
        assert len(fast._bases) <= MAX_HOSTS_KEPT
    assert f"http://host{MAX_HOSTS_KEPT * 2 + 2}.example/ogc/" in served.get_data(as_text=True)
