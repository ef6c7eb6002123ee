"""Zone versions as public data: the list with effective dates, `lookup?on=` answering
from the version in force that day (past, published or scheduled), downloads of any public
version in GeoJSON, CSV (WKT, BOM, formulas neutralised) and GeoPackage, and the caching
headers of open data (ETag by version and content, 304, immutable past versions)."""
from __future__ import annotations

import csv
import io

import pytest
import shapely

from tests.open_data import FORMULA, FUTURE, FUTURE_FROM, PAST, PAST_FROM, versions_app
from zones import storage


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return versions_app(tmp_path_factory.mktemp("versions"))[0]


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def stored(app):
    with app.extensions["xuequ"].sessions() as session:
        published = storage.published_zone_set_id(session)
        return {v: storage.load_zone_set(session, v) for v in (PAST, published, FUTURE)}, \
            published


def test_the_list_has_past_published_and_scheduled_versions_with_dates(client, stored):
    _, published = stored
    body = client.get("/api/v1/zone-versions").get_json()
    listed = {v["id"]: v for v in body["versions"]}
    assert [v["id"] for v in body["versions"]] == [PAST, published, FUTURE]
    assert listed[PAST]["status"] == "retired"
    assert listed[PAST]["effective_from"] == PAST_FROM.isoformat()
    assert listed[FUTURE]["status"] == "scheduled"
    assert listed[FUTURE]["in_force_from"] == FUTURE_FROM.isoformat()
    assert listed[published]["in_force_to"] == "2028-02-29"  # the day before 2028's
    assert body["in_force_today"] == published
    for version in body["versions"]:
        assert set(version["downloads"]) == {"geojson", "csv", "gpkg"}
        assert f"/api/v1/zone-versions/{version['id']}/zones." in version["downloads"]["csv"]


def _a_point_in_a_primary_zone(zone_set):
    zone = next(z for z in zone_set.zones if z.level == "primary")
    point = zone.geometry.representative_point()
    return zone, point


def test_lookup_on_a_date_answers_from_the_version_in_force(client, stored):
    sets, published = stored
    zone, point = _a_point_in_a_primary_zone(sets[published])
    query = {"lat": point.y, "lng": point.x, "level": "primary"}

    def schools(**extra):
        body = client.get("/api/v1/lookup", query_string={**query, **extra}).get_json()
        codes = [s["code"] for z in body["primary"]["zones"] for s in z["schools"]]
        return body["zone_version"]["id"], codes
    assert schools() == (published, list(zone.school_codes))
    future_zone = next(z for z in sets[FUTURE].zones if z.zone_id == zone.zone_id)
    assert future_zone.school_codes != zone.school_codes
    assert schools(on="2028-09-01") == (FUTURE, list(future_zone.school_codes))
    assert schools(on="2025-06-01")[0] == PAST
    assert schools(on="2028-02-29")[0] == published


@pytest.mark.parametrize("on, words", [
    ("2020-01-01", "2025-03-01"), ("2027-9-1", "YYYY-MM-DD"), ("tomorrow", "YYYY-MM-DD"),
    ("2027-02-30", "YYYY-MM-DD"), ("", "YYYY-MM-DD")])
def test_a_bad_or_too_early_on_is_a_400_naming_on(client, on, words):
    response = client.get("/api/v1/lookup", query_string={"lat": 43.879, "lng": 125.39,
                                                          "on": on})
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["field"] == "on"
    assert words in error["message"] and error["message"].startswith("on ")


def test_dated_lookups_keep_a_bounded_cache(app, client):
    for year in range(2025, 2031):
        client.get("/api/v1/lookup", query_string={"lat": 43.879, "lng": 125.39,
                                                   "on": f"{year}-06-01"})
    cache = app.extensions["xuequ"].open_data
    assert 1 <= len(cache._entries) <= cache._size


def test_csv_download_has_a_bom_wkt_and_no_formulas(client, stored):
    sets, _ = stored
    response = client.get(f"/api/v1/zone-versions/{PAST}/zones.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f'filename="zones-{PAST}.csv"' in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    zones = {z.zone_id: z for z in sets[PAST].zones}
    assert sorted(r["zone_id"] for r in rows) == sorted(zones)
    for row in rows:
        zone = zones[row["zone_id"]]
        assert row["version"] == PAST and row["school_codes"] == ";".join(zone.school_codes)
        assert shapely.hausdorff_distance(shapely.from_wkt(row["wkt"]), zone.geometry) < 2e-6
    formula = next(r for r in rows if FORMULA in r["description"])
    assert formula["description"].startswith("'=")


def test_geojson_and_geopackage_downloads_carry_the_version(client, stored, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    sets, _ = stored
    geojson = client.get(f"/api/v1/zone-versions/{FUTURE}/zones.geojson")
    assert geojson.mimetype == "application/geo+json"
    assert f'filename="zones-{FUTURE}.geojson"' in geojson.headers["Content-Disposition"]
    body = geojson.get_json()
    assert body["zone_version"]["id"] == FUTURE
    assert {f["properties"]["version"] for f in body["features"]} == {FUTURE}
    gpkg = client.get(f"/api/v1/zone-versions/{FUTURE}/zones.gpkg")
    assert f'filename="zones-{FUTURE}.gpkg"' in gpkg.headers["Content-Disposition"]
    path = tmp_path / "zones.gpkg"
    path.write_bytes(gpkg.get_data())
    frame = pyogrio.read_dataframe(path)
    zones = {z.zone_id: z for z in sets[FUTURE].zones}
    assert sorted(frame["zone_id"]) == sorted(zones)
    for row in frame.itertuples():
        assert row.school_codes == ",".join(zones[row.zone_id].school_codes)
        assert row.version == FUTURE


def test_an_unknown_or_draft_version_is_not_downloadable(client):
    response = client.get("/api/v1/zone-versions/nope/zones.csv")
    assert response.status_code == 404 and response.get_json()["error"]["field"] == "version"
    assert client.get("/api/v1/zone-versions/nope").status_code == 404


@pytest.mark.parametrize("url", [
    "/api/v1/zone-versions", f"/api/v1/zone-versions/{PAST}/zones.csv",
    f"/api/v1/zone-versions/{FUTURE}/zones.gpkg", f"/api/v1/zone-versions/{FUTURE}",
    "/ogc/collections/primary_zones/items", "/ogc/collections/schools/items?f=html",
    "/ogc/collections/middle_zones/items/M01?datetime=2025-06-01", "/ogc/collections"])
def test_open_data_has_an_etag_and_answers_304(client, url):
    first = client.get(url)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag and first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_past_version_is_immutable_and_the_current_one_revalidates(client, stored):
    _, published = stored
    past = client.get(f"/api/v1/zone-versions/{PAST}/zones.geojson")
    assert "immutable" in past.headers["Cache-Control"] and PAST in past.headers["ETag"]
    current = client.get(f"/api/v1/zone-versions/{published}/zones.geojson")
    assert current.headers["Cache-Control"] == "public, max-age=60"
    dated = client.get("/ogc/collections/primary_zones/items?datetime=2025-06-01")
    assert "immutable" in dated.headers["Cache-Control"]
    assert dated.headers["ETag"] != client.get(
        "/ogc/collections/primary_zones/items").headers["ETag"]
