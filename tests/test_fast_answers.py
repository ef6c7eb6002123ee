"""Answers composed once per zones found and served as bytes: the same JSON as a freshly
composed answer, gzip that decompresses to it, ETags that follow the version and the
content, the lean `fields=zones` form, and no page middleware on the API."""
from __future__ import annotations

import dataclasses
import gzip
import json
import random

import pytest

from admissions.answer import zones_only
from admissions.encoding import EncodedCache, Template, encode_json, slot
from admissions.service import answer_address, answer_point, encoded_answer
from gis.address import AddressQuery
from gis.point import WGS84Point
from tests.helpers import assigned_address
from webapp.api import logic
from zones import storage
from zones.index import ZoneIndex
from zones.model import ZoneSet

LANGS = ("zh", "en")


def _translator(app, lang):
    """The web layer's translate for `lang`, as the API view uses it."""
    from webapp.i18n import translate
    ctx = app.test_request_context(f"/api/v1/lookup?lang={lang}")
    return ctx, translate


def _points_by_status(snapshot, wanted, per_status=3):
    """Seeded random points over the district's box, and points on zone edges, grouped by
    the status the index gives them."""
    rng = random.Random(20271)
    minx, miny, maxx, maxy = snapshot.district.buffer(0.01).bounds
    candidates = [WGS84Point(rng.uniform(miny, maxy), rng.uniform(minx, maxx))
                  for _ in range(600)]
    for zone in snapshot.zone_set.zones[:12]:
        coords = list(zone.geometry.exterior.coords)
        candidates += [WGS84Point(lat, lng) for lng, lat in coords[::max(1, len(coords) // 6)]]
    found: dict[str, list[WGS84Point]] = {status: [] for status in wanted}
    for point in candidates:
        status = snapshot.index.lookup(point).status
        if status in found and len(found[status]) < per_status:
            found[status].append(point)
    for status, points in found.items():
        assert len(points) >= 2, f"no sample points found for {status}"
    return found


def _without_zone_at(snapshot, point):
    """The snapshot with the primary zone under `point` removed: that point is unzoned."""
    zone_id = snapshot.index.lookup(point).levels["primary"].matches[0].zone.zone_id
    zones = [z for z in snapshot.zone_set.zones if z.zone_id != zone_id]
    zone_set = dataclasses.replace(snapshot.zone_set, zones=zones)
    return dataclasses.replace(
        snapshot, zone_set=zone_set, encoded=EncodedCache(),
        index=ZoneIndex(zone_set, snapshot.district, metric_crs=snapshot.profile.metric_crs))


@pytest.fixture(scope="module")
def points(sample_snapshot):
    found = _points_by_status(sample_snapshot, ("assigned", "boundary", "outside_district"))
    assigned = found["assigned"][0]
    unzoned_snapshot = _without_zone_at(sample_snapshot, assigned)
    assert unzoned_snapshot.index.lookup(assigned).status == "unzoned"
    return found, unzoned_snapshot, assigned


def _check_same(snapshot, point, lang, translate, levels, lean):
    fresh = answer_point(snapshot, point, levels=levels, lang=lang, translate=translate)
    if lean:
        fresh = zones_only(fresh)
    encoded = encoded_answer(snapshot, point, levels=levels, lang=lang,
                             translate=translate, lean=lean)
    assert encoded.plain == encode_json(fresh)
    assert json.loads(encoded.plain) == fresh
    assert gzip.decompress(encoded.gzipped()) == encoded.plain
    return encoded


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("lean", [False, True])
def test_cached_answers_equal_freshly_composed_ones(app, sample_snapshot, points, lang, lean):
    found, unzoned_snapshot, unzoned_point = points
    ctx, translate = _translator(app, lang)
    with ctx:
        cases = [(sample_snapshot, p, s) for s, ps in found.items() for p in ps]
        cases.append((unzoned_snapshot, unzoned_point, "unzoned"))
        for levels in (("primary", "middle"), ("primary",), ("middle",)):
            for snapshot, point, status in cases:
                # twice: the second answer comes from the cached template
                first = _check_same(snapshot, point, lang, translate, levels, lean)
                again = _check_same(snapshot, point, lang, translate, levels, lean)
                assert first.etag == again.etag
                if len(levels) == 2:
                    assert json.loads(first.plain)["status"] == status


def test_two_points_in_one_zone_share_a_template_but_not_an_answer(app, sample_snapshot,
                                                                   points):
    found, _, _ = points
    snapshot = dataclasses.replace(sample_snapshot, encoded=EncodedCache())
    a, b = found["outside_district"][:2]
    first = encoded_answer(snapshot, a)
    second = encoded_answer(snapshot, b)
    assert len(snapshot.encoded) == 1  # one composition served both points
    assert first.etag != second.etag and first.etag.split("-")[0] == second.etag.split("-")[0]
    assert json.loads(second.plain)["location"]["lat"] == round(b.lat, 6)


def test_address_answers_are_the_same_as_freshly_composed_ones(app, sample_snapshot):
    address = assigned_address(sample_snapshot)
    for text in (address, "不存在的路99999号", "北京市朝阳区建国路1号"):
        fresh = answer_address(sample_snapshot, AddressQuery(text))
        encoded = encoded_answer(sample_snapshot, AddressQuery(text))
        assert encoded.plain == encode_json(fresh), text
        assert gzip.decompress(encoded.gzipped()) == encoded.plain


def _body(response):
    data = response.get_data()
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


@pytest.mark.parametrize("lang", LANGS)
def test_the_api_sends_what_jsonify_would_send(app, client, sample_snapshot, points, lang):
    found, _, _ = points
    urls = [f"/api/v1/lookup?lat={p.lat}&lng={p.lng}&lang={lang}"
            for ps in found.values() for p in ps]
    urls.append(f"/api/v1/lookup?address={assigned_address(sample_snapshot)}&lang={lang}")
    urls.append(f"/api/v1/lookup?lat={found['boundary'][0].lat}"
                f"&lng={found['boundary'][0].lng}&lang={lang}&level=primary&fields=zones")
    for url in urls:
        with app.test_request_context(url):
            from flask import jsonify, request

            from webapp.i18n import current_lang, translate
            expected = jsonify(logic.lookup(sample_snapshot, request.args, current_lang(),
                                            translate)).get_data()
        for encoding in ("gzip", ""):
            response = client.get(url, headers={"Accept-Encoding": encoding})
            assert response.status_code == 200
            assert response.mimetype == "application/json"
            assert (response.headers.get("Content-Encoding") == "gzip") == bool(encoding)
            assert _body(response) == expected, url
            assert "Set-Cookie" not in response.headers


def test_etags_revalidate_each_representation(client, points):
    found, _, _ = points
    a, b = found["assigned"][:2]
    url = f"/api/v1/lookup?lat={a.lat}&lng={a.lng}"
    plain = client.get(url)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.headers["ETag"] != zipped.headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]
    for response, encoding in ((plain, ""), (zipped, "gzip")):
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"],
                                         "Accept-Encoding": encoding})
        assert again.status_code == 304 and again.get_data() == b""
        assert again.headers["ETag"] == response.headers["ETag"]
    other = client.get(f"/api/v1/lookup?lat={b.lat}&lng={b.lng}",
                       headers={"If-None-Match": plain.headers["ETag"]})
    assert other.status_code == 200 and other.headers["ETag"] != plain.headers["ETag"]
    english = client.get(url + "&lang=en", headers={"If-None-Match": plain.headers["ETag"]})
    assert english.status_code == 200


def test_zones_geojson_is_encoded_once_and_revalidates(client):
    first = client.get("/api/v1/zones.geojson?level=primary",
                       headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.mimetype == "application/geo+json"
    body = json.loads(gzip.decompress(first.get_data()))
    assert body["type"] == "FeatureCollection" and body["features"]
    again = client.get("/api/v1/zones.geojson?level=primary",
                       headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    middle = client.get("/api/v1/zones.geojson?level=middle",
                        headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert middle.status_code == 200


def test_the_lean_form_has_only_the_zones(client, points):
    found, _, _ = points
    point = found["boundary"][0]
    base = f"/api/v1/lookup?lat={point.lat}&lng={point.lng}"
    full = client.get(base).get_json()
    lean = client.get(base + "&fields=zones").get_json()
    assert lean == zones_only(full)
    assert "admission" not in lean and "next_steps" not in lean
    assert lean["primary"]["zones"][0]["school_codes"] == [
        s["code"] for s in full["primary"]["zones"][0]["schools"]]
    assert client.get(base + "&fields=all").get_json() == full
    assert len(client.get(base + "&fields=zones").get_data()) < len(client.get(base).get_data()) / 4


@pytest.mark.parametrize("value", ["zone", "ALL", "zones,schools", " "])
def test_a_bad_fields_value_is_refused_in_the_users_language(client, value):
    for lang, pattern in (("zh", "只能是"), ("en", "fields")):
        response = client.get("/api/v1/lookup", query_string={
            "lat": "43.879", "lng": "125.39", "fields": value, "lang": lang})
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["code"] == "invalid_parameter" and error["field"] == "fields"
        assert pattern in error["message"]


def test_the_api_reads_no_session(client):
    client.get("/wizard?lang=en")  # the pages remember English for the visit ...
    assert client.get_cookie("session") is not None
    assert "Documents" in client.get("/wizard").get_data(as_text=True) or \
        "documents" in client.get("/wizard").get_data(as_text=True)
    answer = client.get("/api/v1/lookup?lat=43.879&lng=125.39")
    assert answer.status_code == 200
    assert "学" in answer.get_json()["admission"]["disclaimer"]  # ... the API does not
    assert "Set-Cookie" not in answer.headers


def test_the_cache_is_bounded():
    cache = EncodedCache(size=3)
    for i in range(10):
        cache.get((i,), lambda i=i: i)
    assert len(cache) == 3
    assert cache.get((9,), lambda: "rebuilt") == 9
    assert cache.get((0,), lambda: "rebuilt") == "rebuilt"


def test_a_slot_value_may_be_long_and_the_gzip_still_decodes():
    template = Template({"a": "前" * 100, "location": slot("location"), "z": [1, 2]}, "v")
    value = json.dumps({"text": "长" * 40000}, ensure_ascii=False).encode()
    answer = template.fill({"location": value})
    assert json.loads(answer.plain)["location"]["text"] == "长" * 40000
    assert gzip.decompress(answer.gzipped()) == answer.plain


def test_a_publish_changes_the_etag(tmp_path):
    from webapp import create_app
    from webapp.services import services
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'publish.sqlite3'}",
                      "SECRET_KEY": "t", "REFRESH_SECONDS": 0, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    url = "/api/v1/lookup?lat=43.879&lng=125.39"
    before = client.get(url)
    zones_before = client.get("/api/v1/zones.geojson")
    with app.app_context():
        sessions = services().sessions
        with sessions() as session:
            current = storage.load_zone_set(session, storage.published_zone_set_id(session))
        with sessions.begin() as session:
            storage.save_zone_set(session, ZoneSet(
                id="fast-next", status="draft", effective_from=None, label="next",
                zones=current.zones))
        storage.publish(sessions, "fast-next")
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["zone_version"]["id"] == "fast-next"
    assert after.headers["ETag"] != before.headers["ETag"]
    zones_after = client.get("/api/v1/zones.geojson",
                             headers={"If-None-Match": zones_before.headers["ETag"]})
    assert zones_after.status_code == 200
    # same zones, same answer apart from the version: the ETag follows the version
    assert {k: v for k, v in after.get_json().items() if k != "zone_version"} == \
        {k: v for k, v in before.get_json().items() if k != "zone_version"}
