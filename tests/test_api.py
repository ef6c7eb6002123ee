"""API v1 through the Flask test client (docs/CONTRACT.md), over the sample district."""
from __future__ import annotations

import math

import pytest
import shapely

from gis import crs
from tests.sample_district import METRIC


def interior_point(geometry):
    """A point well inside a zone (≥ 40 m from its edge), in WGS84."""
    metric = crs.transform_geometry(geometry, crs.WGS84, METRIC)
    inner = metric.buffer(-40)
    point = shapely.point_on_surface(inner if not inner.is_empty else metric)
    lng, lat = crs.from_metric(point.x, point.y, METRIC)
    return float(lat), float(lng)


def test_lookup_of_a_point_returns_the_full_contract(client, sample_snapshot):
    zone = next(z for z in sample_snapshot.zone_set.zones if z.level == "primary")
    lat, lng = interior_point(zone.geometry)
    body = client.get(f"/api/v1/lookup?lat={lat}&lng={lng}").get_json()
    assert body["status"] in ("assigned", "boundary")
    assert body["location"]["source"] == "point"
    assert math.isclose(body["location"]["lat"], lat, abs_tol=1e-6)
    assert zone.zone_id in [z["zone_id"] for z in body["primary"]["zones"]]
    assert body["zone_version"]["id"] == sample_snapshot.zone_set.id
    assert body["dataset"] == {"sample": True}
    admission = body["admission"]
    assert admission["year"] == 2027
    assert [c["priority"] for c in admission["categories"]] == sorted(
        c["priority"] for c in admission["categories"])
    assert set(admission["documents"]) >= {c["id"] for c in admission["categories"]}
    kinds = {c["id"] for c in admission["channels"]}
    assert {"consult", "supervision", "discipline", "petition"} <= kinds
    assert "candidates" not in body


def test_every_primary_zone_interior_resolves_to_itself(client, sample_snapshot):
    for zone in sample_snapshot.zone_set.zones:
        if zone.level != "primary":
            continue
        lat, lng = interior_point(zone.geometry)
        body = client.get(f"/api/v1/lookup?lat={lat}&lng={lng}&level=primary").get_json()
        assert [z["zone_id"] for z in body["primary"]["zones"]] == [zone.zone_id]
        schools = body["primary"]["zones"][0]["schools"]
        assert [s["code"] for s in schools] == list(zone.school_codes)
        for school in schools:
            assert school["feeds"] is not None, school["code"]
        assert body["middle"]["zones"] == []


def test_school_phone_is_among_the_channels(client, sample_snapshot):
    zone = next(z for z in sample_snapshot.zone_set.zones if z.level == "primary")
    lat, lng = interior_point(zone.geometry)
    body = client.get(f"/api/v1/lookup?lat={lat}&lng={lng}").get_json()
    phones = {c.get("phone") for c in body["admission"]["channels"]}
    for code in zone.school_codes:
        assert sample_snapshot.schools[code].phone in phones


def test_gcj02_point_is_converted_before_lookup(client, sample_snapshot):
    zone = next(z for z in sample_snapshot.zone_set.zones if z.level == "primary")
    lat, lng = interior_point(zone.geometry)
    glng, glat = crs.from_wgs84(lng, lat, "gcj02")
    body = client.get(f"/api/v1/lookup?lat={glat}&lng={glng}&crs=gcj02").get_json()
    assert math.isclose(body["location"]["lat"], lat, abs_tol=1e-5)
    assert math.isclose(body["location"]["lng"], lng, abs_tol=1e-5)
    assert zone.zone_id in [z["zone_id"] for z in body["primary"]["zones"]]


def test_address_lookup_exact_and_normalised(client, sample_snapshot):
    place = next(p for p in sample_snapshot.gazetteer.places if p.kind == "house")
    body = client.get("/api/v1/lookup", query_string={"address": place.address}).get_json()
    assert body["location"]["matched_address"] == place.address
    assert body["location"]["source"] == "gazetteer"
    spaced = "吉林省长春市二道区 " + place.address
    again = client.get("/api/v1/lookup", query_string={"address": spaced}).get_json()
    assert again["location"]["matched_address"] == place.address


def test_unknown_address_is_not_found_with_next_steps(client):
    body = client.get("/api/v1/lookup", query_string={"address": "不存在的路99999号"}).get_json()
    assert body["status"] == "address_not_found"
    assert body["location"] is None
    assert body["primary"]["zones"] == [] and body["middle"]["zones"] == []
    assert body["next_steps"]


def test_outside_point_is_outside_district(client):
    body = client.get("/api/v1/lookup?lat=43.88&lng=125.20").get_json()
    assert body["status"] == "outside_district"
    assert body["next_steps"]


@pytest.mark.parametrize("query,field", [
    ("", "lat"), ("lat=43.88", "lng"), ("lng=125.4", "lat"), ("lat=abc&lng=125.4", "lat"),
    ("lat=nan&lng=125.4", "lat"), ("lat=43.8&lng=inf", "lng"), ("lat=-infinity&lng=125", "lat"),
    ("lat=91&lng=125.4", "lat"), ("lat=43.8&lng=181", "lng"), ("lat=43.8&lng=-180.01", "lng"),
    ("address=x&lat=43.8&lng=125.4", "address"), ("lat=43.88&lng=125.4&level=high", "level"),
    ("lat=43.88&lng=125.4&crs=baidu", "crs"), ("address=" + "长" * 201, "address"),
    ("address=%20%20", "address")])
def test_bad_lookup_parameters_are_400_with_field(client, query, field):
    response = client.get(f"/api/v1/lookup?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field
    assert error["code"] == "invalid_parameter"
    assert error["message"]


def test_swapped_coordinates_get_a_hint(client, sample_snapshot):
    zone = sample_snapshot.zone_set.zones[0]
    lat, lng = interior_point(zone.geometry)
    response = client.get(f"/api/v1/lookup?lat={lng}&lng={lat}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "swapped_coordinates"
    assert "hint" in error


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_english_answer_and_messages(client, sample_snapshot):
    body = client.get("/api/v1/lookup?lat=91&lng=125&lang=en").get_json()
    assert not has_chinese(body["error"]["message"])
    assert has_chinese(client.get("/api/v1/lookup?lat=91&lng=125").get_json()["error"]["message"])
    zone = sample_snapshot.zone_set.zones[0]
    lat, lng = interior_point(zone.geometry)
    answer = client.get(f"/api/v1/lookup?lat={lat}&lng={lng}&lang=en").get_json()
    assert not has_chinese(answer["primary"]["zones"][0]["allocation_label"])
    assert not has_chinese(answer["admission"]["timeline"][0]["title"])


def test_zones_geojson(client, sample_snapshot):
    for level in ("primary", "middle"):
        body = client.get(f"/api/v1/zones.geojson?level={level}").get_json()
        expected = {z.zone_id for z in sample_snapshot.zone_set.zones if z.level == level}
        assert {f["properties"]["zone_id"] for f in body["features"]} == expected
        props = body["features"][0]["properties"]
        assert set(props) == {"zone_id", "level", "school_codes", "allocation", "description"}
        assert isinstance(props["school_codes"], list)
    assert client.get("/api/v1/zones.geojson?level=x").status_code == 400


def test_geojson_revalidates_with_an_etag(client):
    first = client.get("/api/v1/zones.geojson?level=primary")
    assert first.headers["ETag"]
    again = client.get("/api/v1/zones.geojson?level=primary",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_district_geojson(client):
    body = client.get("/api/v1/district.geojson").get_json()
    (feature,) = body["features"]
    assert feature["properties"]["code"] == "220105"
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_schools(client, sample_snapshot):
    body = client.get("/api/v1/schools").get_json()
    assert len(body["schools"]) == len(sample_snapshot.schools)
    code = body["schools"][0]["code"]
    one = client.get(f"/api/v1/schools/{code}").get_json()["school"]
    assert one["code"] == code and one["zones"]
    missing = client.get("/api/v1/schools/NOPE")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_healthz_and_openapi(client, sample_snapshot):
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok"
    assert health["published_version"]["id"] == sample_snapshot.zone_set.id
    doc = client.get("/api/openapi.json").get_json()
    assert "/api/v1/lookup" in doc["paths"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_address_rules_in_the_sample_decide_their_addresses(client, sample_snapshot):
    checked = 0
    for zone in sample_snapshot.zone_set.zones:
        for rule in zone.address_rules:
            if rule.mode != "include":
                continue
            places = [p for p in sample_snapshot.gazetteer.places
                      if rule.matches(p.street, p.number, p.xiaoqu)]
            assert places, rule
            for place in places[:3]:
                body = client.get("/api/v1/lookup", query_string={
                    "address": place.address, "level": zone.level}).get_json()
                zones = body[zone.level]["zones"]
                assert [z["zone_id"] for z in zones] == [zone.zone_id], place.address
                assert zones[0]["matched_by"] == "rule"
                checked += 1
    assert checked >= 3


def test_lottery_zone_answer_lists_every_school(client, sample_snapshot):
    zone = next(z for z in sample_snapshot.zone_set.zones if z.allocation == "lottery")
    lat, lng = interior_point(zone.geometry)
    body = client.get(f"/api/v1/lookup?lat={lat}&lng={lng}&level={zone.level}").get_json()
    (answer_zone,) = body[zone.level]["zones"]
    assert answer_zone["allocation"] == "lottery"
    assert [s["code"] for s in answer_zone["schools"]] == list(zone.school_codes)
    assert len(answer_zone["schools"]) >= 2


def test_capacity_warning_is_in_the_answer(client, sample_snapshot):
    warned = {c for c, s in sample_snapshot.schools.items() if s.warning_cutoff}
    zone = next(z for z in sample_snapshot.zone_set.zones
                if warned & set(z.school_codes) and z.allocation == "direct")
    lat, lng = interior_point(zone.geometry)
    body = client.get(f"/api/v1/lookup?lat={lat}&lng={lng}&level={zone.level}").get_json()
    school = body[zone.level]["zones"][0]["schools"][0]
    cutoff = sample_snapshot.schools[school["code"]].warning_cutoff.isoformat()
    assert school["warning"]["cutoff"] == cutoff
    assert cutoff in school["warning"]["text"]


def test_nine_year_school_feeds_itself(client, sample_snapshot):
    zone = next(z for z in sample_snapshot.zone_set.zones if z.level == "primary" and any(
        sample_snapshot.schools[c].level == "nine_year" for c in z.school_codes))
    lat, lng = interior_point(zone.geometry)
    body = client.get(f"/api/v1/lookup?lat={lat}&lng={lng}").get_json()
    school = body["primary"]["zones"][0]["schools"][0]
    assert school["feeds"]["code"] == school["code"]
    middle_codes = [s["code"] for z in body["middle"]["zones"] for s in z["schools"]]
    assert school["code"] in middle_codes


def test_no_js_form_renders_the_full_answer(client, sample_snapshot):
    place = next(p for p in sample_snapshot.gazetteer.places if p.kind == "building")
    html = client.get("/", query_string={"address": place.address}).get_data(as_text=True)
    assert place.address in html
    assert "tel:" in html
    assert "示例数据" in html  # the sample banner


def test_every_api_route_is_in_the_openapi_document(app, client):
    import re
    documented = set(client.get("/api/openapi.json").get_json()["paths"])
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/")}
    assert routes and routes <= documented, sorted(routes - documented)
