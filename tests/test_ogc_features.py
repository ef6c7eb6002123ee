"""OGC API – Features under /ogc/: read by a real GDAL client (pyogrio's OAPIF driver over
HTTP) and compared with the database, the Core requirements the OGC test suite checks
(links and media types, CRS84, limit bounds, paging, bbox, 400/404 in the exception
format), the datetime parameter choosing the version, and the HTML pages in both languages."""
from __future__ import annotations

import shapely
import pytest

from tests.open_data import FUTURE, PAST, PAST_MARK, serve_in_process, versions_app
from webapp.ogc.logic import CONFORMANCE, CRS84
from zones import storage

COLLECTIONS = ("schools", "primary_zones", "middle_zones", "district")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    return versions_app(tmp_path_factory.mktemp("ogc"))


@pytest.fixture(scope="module")
def ogc_app(setup):
    return setup[0]


@pytest.fixture()
def client(ogc_app):
    return ogc_app.test_client()


@pytest.fixture(scope="module")
def stored(ogc_app):
    sessions = ogc_app.extensions["xuequ"].sessions
    with sessions() as session:
        published = storage.load_zone_set(session, storage.published_zone_set_id(session))
        return {"published": published, "schools": storage.load_schools(session),
                "district": storage.load_district(session),
                PAST: storage.load_zone_set(session, PAST),
                FUTURE: storage.load_zone_set(session, FUTURE)}


def _all_items(client, collection, **params):
    """Every feature, following `next` links the way a client does."""
    url = f"/ogc/collections/{collection}/items"
    features, seen = [], 0
    response = client.get(url, query_string={"limit": 7, **params})
    while True:
        body = response.get_json()
        features += body["features"]
        seen += 1
        following = [link["href"] for link in body["links"] if link["rel"] == "next"]
        if not following:
            return features, body
        response = client.get(following[0].replace("http://localhost", ""))
        assert seen < 50


def _same_shape(a, b) -> bool:
    return shapely.hausdorff_distance(a, b) < 2e-6


def test_gdal_reads_every_collection_as_stored(setup, stored):
    pyogrio = pytest.importorskip("pyogrio")
    app, url = setup
    base, process = serve_in_process(url)
    try:
        source = f"OAPIF:{base}/ogc"
        layers = {name for name, _ in pyogrio.list_layers(source)}
        assert layers == set(COLLECTIONS)
        for level in ("primary", "middle"):
            frame = pyogrio.read_dataframe(source, layer=f"{level}_zones")
            zones = {z.zone_id: z for z in stored["published"].zones if z.level == level}
            assert sorted(frame["zone_id"]) == sorted(zones)
            for row in frame.itertuples():
                zone = zones[row.zone_id]
                assert list(row.school_codes) == list(zone.school_codes)
                assert (row.allocation, row.description, row.level, row.version) == \
                    (zone.allocation, zone.description, zone.level, stored["published"].id)
                assert _same_shape(row.geometry, zone.geometry)
        schools = pyogrio.read_dataframe(source, layer="schools")
        assert sorted(schools["code"]) == sorted(stored["schools"])
        for row in schools.itertuples():
            school = stored["schools"][row.code]
            assert (row.name, row.address, row.level) == (school.name, school.address,
                                                          school.level)
            assert abs(row.geometry.x - school.lng) < 1e-6
            assert abs(row.geometry.y - school.lat) < 1e-6
        district = pyogrio.read_dataframe(source, layer="district")
        code, name, outline = stored["district"]
        assert list(district["code"]) == [code] and list(district["name"]) == [name]
        assert _same_shape(district.geometry[0], outline)
    finally:
        process.terminate()
        process.join(5)


def test_the_landing_page_links_every_part_with_rel_and_type(client):
    response = client.get("/ogc/")
    assert response.status_code == 200 and response.mimetype == "application/json"
    links = response.get_json()["links"]
    assert all(link.get("rel") and link.get("type") and link.get("href") for link in links)
    rels = {link["rel"]: link for link in links}
    assert {"self", "alternate", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    api = client.get(rels["service-desc"]["href"])
    assert api.status_code == 200 and api.get_json()["openapi"].startswith("3.0")
    limit = api.get_json()["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 10000, 10)


def test_conformance_declares_core_geojson_and_openapi_30(client):
    conforms = client.get("/ogc/conformance").get_json()["conformsTo"]
    assert set(CONFORMANCE) <= set(conforms)
    assert any(c.endswith("/conf/core") for c in conforms)
    assert any(c.endswith("/conf/oas30") for c in conforms)


def test_collections_describe_extent_crs_and_items_links(client):
    body = client.get("/ogc/collections").get_json()
    assert [c["id"] for c in body["collections"]] == list(COLLECTIONS)
    for described in body["collections"]:
        one = client.get(f"/ogc/collections/{described['id']}").get_json()
        assert one["id"] == described["id"] and one["crs"] == [CRS84]
        assert one["extent"]["spatial"]["crs"] == CRS84
        west, south, east, north = one["extent"]["spatial"]["bbox"][0]
        assert west < east and south < north
        items = [link for link in one["links"] if link["rel"] == "items"]
        assert {link["type"] for link in items} == {"application/geo+json", "text/html"}


def test_items_page_through_every_zone_once(client, stored):
    features, last = _all_items(client, "primary_zones")
    ids = [f["id"] for f in features]
    expected = sorted(z.zone_id for z in stored["published"].zones if z.level == "primary")
    assert sorted(ids) == expected and len(ids) == len(set(ids))
    assert last["numberMatched"] == len(expected)
    response = client.get("/ogc/collections/primary_zones/items?limit=5&offset=5")
    body = response.get_json()
    assert response.mimetype == "application/geo+json"
    assert body["numberReturned"] == 5 and body["timeStamp"].endswith("Z")
    rels = {link["rel"] for link in body["links"]}
    assert {"self", "alternate", "next", "prev"} <= rels
    first = client.get("/ogc/collections/primary_zones/items").get_json()
    assert first["numberReturned"] == 10  # the default limit
    assert "prev" not in {link["rel"] for link in first["links"]}
    assert client.get("/ogc/collections/schools/items?limit=10000").status_code == 200


def test_bbox_selects_the_features_that_intersect_it(client, stored):
    box = (125.40, 43.85, 125.48, 43.90)
    features, last = _all_items(client, "primary_zones", bbox=",".join(map(str, box)))
    expected = sorted(z.zone_id for z in stored["published"].zones if z.level == "primary"
                      and z.geometry.intersects(shapely.box(*box)))
    assert 0 < len(expected) < 28
    assert sorted(f["id"] for f in features) == expected
    assert last["numberMatched"] == len(expected)


def test_one_feature_by_id(client, stored):
    zone = next(z for z in stored["published"].zones if z.level == "middle")
    response = client.get(f"/ogc/collections/middle_zones/items/{zone.zone_id}")
    body = response.get_json()
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert body["id"] == zone.zone_id and body["properties"]["description"] == zone.description
    assert {"self", "alternate", "collection"} <= {link["rel"] for link in body["links"]}


@pytest.mark.parametrize("url, field", [
    ("/ogc/collections/nope", "nope"),
    ("/ogc/collections/nope/items", "nope"),
    ("/ogc/collections/schools/items/NOPE1", "NOPE1"),
    ("/ogc/collections/primary_zones/items/M01", "M01"),
    ("/ogc/no-such-page", None),
])
def test_unknown_collection_or_id_is_a_404_in_the_ogc_format(client, url, field):
    response = client.get(url)
    body = response.get_json()
    assert response.status_code == 404 and set(body) == {"code", "description"}
    assert body["code"] == "NotFound"
    if field:
        assert field in body["description"]


@pytest.mark.parametrize("query, field", [
    ("bbox=125.4,43.8,125.5", "bbox"),
    ("bbox=125.5,43.8,125.4,43.9", "bbox"),
    ("bbox=125.4,43.9,125.5,43.8", "bbox"),
    ("bbox=125.4,43.8,190,43.9", "bbox"),
    ("bbox=125.4,-91,125.5,43.9", "bbox"),
    ("bbox=a,b,c,d", "bbox"),
    ("limit=0", "limit"),
    ("limit=100001", "limit"),
    ("limit=10001", "limit"),
    ("limit=-1", "limit"),
    ("limit=ten", "limit"),
    ("offset=-3", "offset"),
    ("colour=red", "colour"),
    ("f=xml", "f"),
    ("datetime=2027-13-01", "datetime"),
    ("datetime=yesterday", "datetime"),
    ("datetime=2028-01-01/2027-01-01", "datetime"),
    ("datetime=../..", "datetime"),
])
def test_bad_parameters_are_a_400_naming_the_parameter(client, query, field):
    response = client.get(f"/ogc/collections/primary_zones/items?{query}")
    body = response.get_json()
    assert response.status_code == 400, query
    assert body["code"] == "InvalidParameterValue" and field in body["description"]


def test_unknown_parameters_are_refused_on_every_resource(client):
    for url in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/schools",
                "/ogc/collections/schools/items/EDP01"):
        assert client.get(f"{url}?foo=1").status_code == 400, url


def test_datetime_chooses_the_version_in_force(client, stored):
    def descriptions(when):
        features, _ = _all_items(client, "primary_zones", datetime=when)
        return {f["properties"]["version"] for f in features}, features
    assert descriptions("2025-06-01")[0] == {PAST}
    past = descriptions("2025-06-01T12:00:00Z")[1]
    assert all(f["properties"]["description"].endswith(PAST_MARK) for f in past)
    assert descriptions("2028-09-01")[0] == {FUTURE}
    future = {f["id"]: f["properties"]["school_codes"]
              for f in descriptions("2028-09-01")[1]}
    assert future == {z.zone_id: list(z.school_codes) for z in stored[FUTURE].zones
                      if z.level == "primary"}
    assert descriptions("2027-01-01/2028-12-31")[0] == {FUTURE}  # the latest in the interval
    assert descriptions(None)[0] == {stored["published"].id}
    before, _ = _all_items(client, "primary_zones", datetime="2020-01-01")
    assert before == []  # no zones were in force then


def test_html_lists_and_maps_the_features_in_both_languages(client, stored):
    zh = client.get("/ogc/collections/primary_zones/items?f=html&limit=100")
    page = zh.get_data(as_text=True)
    assert zh.status_code == 200 and zh.mimetype == "text/html"
    assert "/vendor/leaflet/leaflet.js" in page and 'class="zone-map"' in page
    for zone in stored["published"].zones:
        if zone.level == "primary":
            assert zone.zone_id in page
    assert "划片范围" in page and "小学学区" in page
    en = client.get("/ogc/collections/primary_zones/items?f=html&lang=en").get_data(as_text=True)
    assert "Primary school zones" in en and "Zone boundary description" in en
    browser = client.get("/ogc/collections", headers={"Accept": "text/html"})
    assert browser.mimetype == "text/html"
    one = client.get("/ogc/collections/schools/items/EDP01?f=html")
    assert one.status_code == 200 and "EDP01" in one.get_data(as_text=True)


def test_the_open_data_page_lists_datasets_licence_versions_and_examples(client, ogc_app):
    page = client.get("/gk/open-data").get_data(as_text=True)
    assert "示例数据" in page and "/ogc/collections/primary_zones/items" in page
    for version in (PAST, FUTURE):
        assert f"/api/v1/zone-versions/{version}/zones.gpkg" in page
    assert "pyogrio.read_dataframe" in page and "OAPIF:" in page and "QGIS" in page
    assert "curl " in page
    en = client.get("/gk/open-data?lang=en").get_data(as_text=True)
    assert "Open data" in en and "Licence" in en
    import dataclasses
    held = ogc_app.extensions["xuequ"]
    original = held.settings
    held.settings = dataclasses.replace(original, open_data_licence="CC BY 4.0（测试）")
    try:
        assert "CC BY 4.0（测试）" in client.get("/gk/open-data").get_data(as_text=True)
    finally:
        held.settings = original
