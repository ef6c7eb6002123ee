"""Odd requests to the open-data routes (OGC API – Features, zone versions, `lookup?on=`)
never get a 500, and every refusal has its format: OGC's {"code", "description"} under
/ogc/, the v1 error object under /api/."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_fuzz_requests import check_json, values

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
ogc_values = st.one_of(values, st.sampled_from([
    "125.4,43.8,125.5,43.9", "125.4,43.8,125.5", "1,2,3,4,5,6", "..", "../2028-01-01",
    "2027-01-01/..", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00+08:00", "json", "html",
    "10000", "10001", "0", "1"]))
ogc_params = st.lists(st.tuples(st.sampled_from(
    ("bbox", "limit", "offset", "datetime", "f", "lang", "x")), ogc_values), max_size=5)
paths = st.sampled_from([
    "/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/api", "/ogc/collections/schools",
    "/ogc/collections/primary_zones/items", "/ogc/collections/middle_zones/items",
    "/ogc/collections/schools/items", "/ogc/collections/district/items",
    "/ogc/collections/primary_zones/items/P01", "/ogc/collections/x/items",
    "/ogc/collections/schools/items/%E5%AD%A6"])


@FUZZ
@given(path=paths, pairs=ogc_params)
def test_ogc_never_fails_and_refuses_in_the_ogc_format(client, path, pairs):
    response = client.get(path, query_string=pairs, headers={"Accept": "application/json"})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400 and response.mimetype == "application/json":
        body = response.get_json()
        assert set(body) == {"code", "description"} and body["description"]
    if response.status_code == 200 and path.endswith("/items"):
        body = response.get_json() if response.mimetype != "text/html" else None
        if body:
            assert body["numberReturned"] == len(body["features"]) <= body["numberMatched"]


@FUZZ
@given(on=values, version=st.one_of(values, st.just("sample-2027")),
       fmt=st.sampled_from(["geojson", "csv", "gpkg"]))
def test_versions_and_dated_lookups_never_fail(client, on, version, fmt):
    check_json(client.get("/api/v1/lookup", query_string={"lat": "43.879", "lng": "125.39",
                                                          "on": on}), sent=on)
    response = client.get("/api/v1/zone-versions/" + version.replace("/", "%2F") + f"/zones.{fmt}")
    assert response.status_code < 500
    assert client.get("/api/v1/zone-versions").status_code == 200
