"""Online providers (Nominatim, BaiduV3 through geopy) against a fake HTTP server on
loopback: coordinate conversion, timeouts, failures and answers outside the district all
fall back to the gazetteer. Never the internet."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from shapely.geometry import box

from gis import crs
from gis.geocoding import GazetteerGeocoder, GeocodeResult
from gis.providers import ConfigurationError, providers_from_settings, with_providers
from tests.sample_district import SAMPLE_GRAMMAR
from tests.test_geocoding import PLACES

DISTRICT = box(125.30, 43.70, 125.90, 44.00)
INSIDE = (125.40, 43.88)  # WGS84 lng, lat
BEIJING = (116.40, 39.90)


class FakeMaps:
    """What the fake server answers next: a WGS84 point (sent in the provider's CRS),
    nothing, an error status, or a delay."""

    def __init__(self):
        self.point: tuple[float, float] | None = INSIDE
        self.delay = 0.0
        self.status = 200
        self.requests: list[tuple[str, dict]] = []


def _handler(maps: FakeMaps):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            maps.requests.append((url.path, query))
            if maps.delay:
                time.sleep(maps.delay)
            if url.path.startswith("/geocoding/v3"):
                body = self._baidu()
            elif url.path.endswith("/search"):
                body = self._nominatim()
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(maps.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _baidu(self):
            if maps.point is None:
                return {"status": 0, "result": []}
            lng, lat = crs.wgs84_to_bd09(*maps.point)
            return {"status": 0, "result": {"location": {"lng": float(lng), "lat": float(lat)},
                                            "precise": 1, "confidence": 80,
                                            "comprehension": 100, "level": "门址"}}

        def _nominatim(self):
            if maps.point is None:
                return []
            lng, lat = maps.point
            return [{"lat": str(lat), "lon": str(lng), "display_name": "某路1号, 二道区",
                     "importance": 0.5}]

    return Handler


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client hung up (the timeout tests do that on purpose)


@pytest.fixture()
def fake_maps():
    maps = FakeMaps()
    server = QuietServer(("127.0.0.1", 0), _handler(maps))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    maps.url = f"http://127.0.0.1:{server.server_port}"
    yield maps
    server.shutdown()
    server.server_close()


def _settings(maps, names: str, timeout: float = 2.0) -> dict:
    return {"XUEQU_GEOCODERS": names, "XUEQU_NOMINATIM_URL": maps.url,
            "XUEQU_BAIDU_AK": "test-ak", "XUEQU_BAIDU_URL": maps.url,
            "XUEQU_GEOCODER_TIMEOUT": str(timeout)}


@pytest.fixture(scope="module")
def geocoder():
    return GazetteerGeocoder(PLACES, SAMPLE_GRAMMAR)


UNKNOWN = "幸福路88号"  # not in the gazetteer


def test_providers_are_off_by_default():
    assert providers_from_settings({}) == []
    assert providers_from_settings({"XUEQU_GEOCODERS": " "}) == []


@pytest.mark.parametrize("settings, mentions", [
    ({"XUEQU_GEOCODERS": "google"}, "unknown"),
    ({"XUEQU_GEOCODERS": "nominatim"}, "XUEQU_NOMINATIM_URL"),
    ({"XUEQU_GEOCODERS": "nominatim", "XUEQU_NOMINATIM_URL": "ftp://x"}, "http"),
    ({"XUEQU_GEOCODERS": "baidu"}, "XUEQU_BAIDU_AK"),
])
def test_bad_configuration_is_refused_clearly(settings, mentions):
    with pytest.raises(ConfigurationError, match=mentions):
        providers_from_settings(settings)


def test_baidu_bd09_is_converted_to_wgs84(fake_maps, geocoder):
    providers = providers_from_settings(_settings(fake_maps, "baidu"))
    result = with_providers(geocoder.search(UNKNOWN), UNKNOWN, providers, DISTRICT,
                            SAMPLE_GRAMMAR.profile.full_name)
    assert (result.status, result.source, result.method) == ("found", "baidu", "baidu")
    place = result.place
    assert crs.distance_m(place.lng, place.lat, *INSIDE) < 1.0
    path, query = fake_maps.requests[-1]
    assert path == "/geocoding/v3/" and query["ak"] == "test-ak"
    # the profile's 省市区 goes first: providers geocode the whole country
    assert query["address"] == f"吉林省长春市二道区{UNKNOWN}"


def test_nominatim_wgs84_passes_through(fake_maps, geocoder):
    providers = providers_from_settings(_settings(fake_maps, "nominatim"))
    result = with_providers(geocoder.search(UNKNOWN), UNKNOWN, providers, DISTRICT)
    assert (result.status, result.source) == ("found", "nominatim")
    assert crs.distance_m(result.place.lng, result.place.lat, *INSIDE) < 0.5
    assert 0 < result.confidence < 1


def test_nominatim_declared_gcj02_is_converted(fake_maps, geocoder):
    fake_maps.point = tuple(float(v) for v in crs.wgs84_to_gcj02(*INSIDE))
    settings = {**_settings(fake_maps, "nominatim"), "XUEQU_NOMINATIM_CRS": "gcj02"}
    result = with_providers(geocoder.search(UNKNOWN), UNKNOWN,
                            providers_from_settings(settings), DISTRICT)
    assert crs.distance_m(result.place.lng, result.place.lat, *INSIDE) < 0.5


def test_a_sure_gazetteer_answer_does_not_ask_providers(fake_maps, geocoder):
    providers = providers_from_settings(_settings(fake_maps, "baidu,nominatim"))
    result = with_providers(geocoder.search("东盛大街3号"), "东盛大街3号", providers, DISTRICT)
    assert (result.source, result.place.address) == ("gazetteer", "东盛大街3号")
    assert fake_maps.requests == []


def test_timeout_falls_back_to_the_gazetteer(fake_maps, geocoder):
    fake_maps.delay = 1.5
    providers = providers_from_settings(_settings(fake_maps, "baidu", timeout=0.2))
    own = geocoder.search("东湖家园1栋")
    started = time.perf_counter()
    result = with_providers(own, "东湖家园1栋", providers, DISTRICT)
    assert time.perf_counter() - started < 1.4  # gave up at the timeout, did not wait
    assert result == own and result.status == "ambiguous" and result.source == "gazetteer"


def test_server_error_then_next_provider(fake_maps, geocoder):
    fake_maps.status = 500
    providers = providers_from_settings(_settings(fake_maps, "baidu,nominatim"))
    own = geocoder.search(UNKNOWN)
    assert with_providers(own, UNKNOWN, providers, DISTRICT) == own
    assert [path for path, _ in fake_maps.requests] == ["/geocoding/v3/", "/search"]


def test_nothing_found_by_providers_keeps_the_gazetteer_answer(fake_maps, geocoder):
    fake_maps.point = None
    providers = providers_from_settings(_settings(fake_maps, "baidu,nominatim"))
    own = geocoder.search(UNKNOWN)
    assert with_providers(own, UNKNOWN, providers, DISTRICT) == own


def test_answers_outside_the_district_are_rejected(fake_maps, geocoder):
    fake_maps.point = BEIJING
    providers = providers_from_settings(_settings(fake_maps, "nominatim,baidu"))
    own = geocoder.search(UNKNOWN)
    result = with_providers(own, UNKNOWN, providers, DISTRICT)
    assert result == own and result.source == "gazetteer"
    assert len(fake_maps.requests) == 2  # both asked, both rejected


def baidu_client(fake_maps, app):
    """A test client of an app over the sample's database that geocodes through the fake
    Baidu service."""
    from webapp import create_app
    return create_app({
        "TESTING": True, "SECRET_KEY": "t",
        "DATABASE_URL": app.extensions["xuequ"].settings.database_url,
        "AUTO_LOAD_SAMPLE": False, "REFRESH_SECONDS": 0.0, "RATELIMIT_ENABLED": False,
        "GEOCODER_SETTINGS": _settings(fake_maps, "baidu")}).test_client()


def test_lookup_api_uses_a_provider_and_says_so(fake_maps, app):
    client = baidu_client(fake_maps, app)
    body = client.get("/api/v1/lookup", query_string={"address": "某某新村88号"}).get_json()
    assert body["location"]["source"] == "baidu"
    assert crs.distance_m(body["location"]["lng"], body["location"]["lat"], *INSIDE) < 1.0
    assert body["status"] in ("assigned", "boundary", "unzoned")
    fake_maps.point = BEIJING
    body = client.get("/api/v1/lookup", query_string={"address": "某某新村88号"}).get_json()
    assert body["status"] == "address_not_found"


def test_an_address_lookup_asks_the_provider_once(fake_maps, app):
    """Whether the answer is a plain match (encoded from its point's template) or not, the
    provider is asked once per lookup: its answer is not cached, so not asked twice."""
    client = baidu_client(fake_maps, app)
    for point, status in ((INSIDE, 200), (BEIJING, 200)):
        fake_maps.point = point
        before = len(fake_maps.requests)
        response = client.get("/api/v1/lookup", query_string={"address": "某某新村88号"})
        assert response.status_code == status
        assert len(fake_maps.requests) == before + 1, point


def test_result_type_defaults_to_the_gazetteer():
    assert GeocodeResult("not_found").source == "gazetteer"
