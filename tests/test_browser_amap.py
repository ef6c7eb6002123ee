"""高德 tiles in the browser: zones are drawn in GCJ-02 and a tap on a drawn zone is looked
up as that zone (the page sends crs=gcj02). Tile requests are answered locally."""
from __future__ import annotations

import base64
import threading

import pytest
import shapely

from gis import crs
from gis.display import simplify_coverage

pytestmark = pytest.mark.browser

# A 1×1 transparent PNG stands in for every 高德 tile: tests never touch the internet.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


@pytest.fixture(scope="module")
def amap_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from webapp import create_app
    instance = tmp_path_factory.mktemp("amap")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "TILES": "amap",
                      "DATABASE_URL": f"sqlite:///{instance / 'amap.sqlite3'}",
                      "REFRESH_SECONDS": 0.0, "RATELIMIT_ENABLED": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_tap_on_a_gcj02_drawn_zone_finds_that_zone(browser, amap_server, sample_snapshot):
    context = browser.new_context(base_url=amap_server, viewport={"width": 1280, "height": 800},
                                  locale="zh-CN")
    tiles = []
    context.route("**/*autonavi.com/**", lambda route: (tiles.append(1), route.fulfill(
        status=200, content_type="image/png", body=BLANK_PNG)))
    page = context.new_page()
    page.goto("/")
    page.wait_for_selector(".leaflet-interactive")
    zones = [z for z in sample_snapshot.zone_set.zones if z.level == "primary"]
    drawn = simplify_coverage([z.geometry for z in zones], display_crs=crs.GCJ02)
    for zone, shape in list(zip(zones, drawn, strict=True))[:3]:
        # The page draws the zone where GCJ-02 puts it, not at its WGS84 numbers.
        west, south, east, north = page.evaluate(
            """id => {
                 const name = JSON.parse(document.getElementById('map-frame').dataset.layers);
                 let found = null;
                 window[name.primary].eachLayer(l => {
                   if (l.feature.properties.zone_id === id) found = l.getBounds(); });
                 return [found.getWest(), found.getSouth(), found.getEast(), found.getNorth()];
               }""", zone.zone_id)
        assert [west, south, east, north] == pytest.approx(list(shape.bounds), abs=1e-6)
        tap = shapely.maximum_inscribed_circle(shape).centroid
        x, y = page.evaluate(
            """([lat, lng]) => {
                 const map = window[document.getElementById('map-frame').dataset.map];
                 map.setView([lat, lng], 15, {animate: false});
                 const p = map.latLngToContainerPoint([lat, lng]);
                 return [p.x, p.y]; }""", [tap.y, tap.x])
        box = page.locator("#map-frame").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_function(
            "id => (document.getElementById('answer')?.dataset.zones || '').split(' ')"
            ".includes(id)", arg=zone.zone_id)
        answer = page.locator("#answer")
        # The pin is drawn back in GCJ-02, where the finger was (within a pixel or so).
        pin_lng = float(answer.get_attribute("data-lng"))
        pin_lat = float(answer.get_attribute("data-lat"))
        assert crs.distance_m(pin_lng, pin_lat, tap.x, tap.y) < 10
        # And the answer's location is the WGS84 point, about 600 m from the GCJ-02 numbers.
        wgs_lng, wgs_lat = crs.to_wgs84(tap.x, tap.y, "gcj02")
        assert crs.distance_m(wgs_lng, wgs_lat, tap.x, tap.y) > 300
    assert tiles, "the 高德 tile layer was requested"
    context.close()
