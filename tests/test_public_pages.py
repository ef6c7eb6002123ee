"""The public pages through the test client: the no-JavaScript form, the answer panel's
content and order, escaping, local assets only, gzip, the language choice, map geometry
and the GCJ-02 round trip for 高德 tiles."""
from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import re

import numpy as np
import pytest
import shapely

from admissions.answer import compose
from admissions.service import answer_point
from gis.point import WGS84Point
from gis import crs
from gis.display import DISPLAY_TOLERANCE_M, simplify_coverage
from store.clock import Clock
from tests.helpers import assigned_address, csrf_token
from webapp.public.tiles import tiles_from_config
from tests.sample_district import METRIC

OFF_SITE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


@pytest.fixture(scope="module")
def home(sample_snapshot) -> str:
    return assigned_address(sample_snapshot)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_search_is_a_get_and_gets_the_full_answer_without_javascript(client, home):
    page = text(client.get("/"))
    form = page[page.index('id="search-form"') - 80:page.index("</form>")]
    assert 'method="get"' in form and "csrf_token" not in form  # a shareable, read-only URL
    html = text(client.get("/", query_string={"address": home}))
    assert 'data-status="assigned"' in html and home in html
    # The panel's sections, in the order the issue gives.
    markers = ["对口入学", "对口初中", "2027 年招生计划", "年招生时间安排", "需要准备的材料",
               "咨询与监督", "学区版本：", "入学资格以教育局和学校的审核结果为准"]
    answer = html[html.index('id="answer"'):]
    positions = [answer.find(m) for m in markers]
    assert -1 not in positions and positions == sorted(positions)
    assert re.search(r'href="tel:0431-\d{8}"', answer)
    assert "308" in answer and "/complaints/new" in answer  # 信访 room, online form
    assert "stage-deadline" in answer and 'class="countdown"' in answer


def test_an_old_style_post_still_needs_the_csrf_token(client, home):
    assert client.post("/", data={"address": home}).status_code == 400
    token = csrf_token(client, "/wizard")
    html = text(client.post("/", data={"address": home, "csrf_token": token}))
    assert 'data-status="assigned"' in html


def test_a_bad_point_shows_the_message_beside_the_form(client):
    html = text(client.get("/?lat=abc&lng=125.39"))
    assert 'role="alert"' in html and "lat" in html
    assert client.get("/answer?lat=abc&lng=125.39").status_code == 400


def test_outside_the_district_says_whom_to_call(client, sample_snapshot):
    html = text(client.get("/answer?lat=43.80&lng=125.20"))
    assert 'data-status="outside_district"' in html
    consult = next(c for c in sample_snapshot.cycle["channels"] if c["id"] == "consult")
    assert f'href="tel:{consult["phone"]}"' in html[:html.index("咨询与监督")]
    assert "不在二道区" in html


def boundary_point(snapshot):
    zones = [z for z in snapshot.zone_set.zones if z.level == "primary"]
    for a in zones:
        for b in zones:
            if a.zone_id < b.zone_id:
                edge = shapely.intersection(a.geometry.boundary, b.geometry.boundary)
                if edge.length > 0.002:
                    return edge.interpolate(0.5, normalized=True), (a.zone_id, b.zone_id)
    raise AssertionError("no shared edge")


def test_boundary_lists_both_zones_and_the_phone(client, sample_snapshot):
    point, ids = boundary_point(sample_snapshot)
    html = text(client.get(f"/answer?lat={point.y}&lng={point.x}"))
    assert 'data-status="boundary"' in html
    assert all(i in html for i in ids) and "候选学区 2" in html
    assert html.count('href="tel:') > 3


def test_unzoned_explains_the_next_step(app, sample_snapshot):
    from flask import render_template

    from webapp.public.views import answer_context
    answer = compose(status="unzoned", location={"lat": 43.9, "lng": 125.4, "source": "point"},
                     point=None, schools=sample_snapshot.schools, cycle=sample_snapshot.cycle,
                     zone_version=sample_snapshot.zone_version, sample=True,
                     district_name=sample_snapshot.profile.name)
    with app.test_request_context("/answer"):
        html = render_template("public/_answer_panel.html", error=None, **answer_context(answer))
    assert "没有划入任何学区" in html and 'class="call" href="tel:0431-' in html


EVIL = '<script>alert("x")</script>'


def test_a_school_name_with_script_renders_as_text_in_html_and_popups(app, sample_snapshot):
    from flask import render_template

    from webapp.public.mapdata import build
    from webapp.public.views import answer_context
    zone = next(z for z in sample_snapshot.zone_set.zones if z.level == "primary")
    code = zone.school_codes[0]
    schools = {**sample_snapshot.schools,
               code: dataclasses.replace(sample_snapshot.schools[code], name=EVIL,
                                         address=EVIL, phone='"><img src=x onerror=alert(1)>')}
    evil = dataclasses.replace(sample_snapshot, schools=schools)
    point = zone.geometry.representative_point()
    with app.test_request_context("/"):
        answer = answer_point(evil, WGS84Point(point.y, point.x))
        html = render_template("public/_answer_panel.html", error=None, **answer_context(answer))
        data = build(evil, tiles_from_config("none"))
    assert EVIL not in html and "&lt;script&gt;alert(" in html
    assert "<img src=x" not in html
    # The map's data is JSON; static/map.js puts names into popups as text nodes only.
    assert any(s["name"] == EVIL for s in data["schools"])
    script = open("webapp/static/map.js", encoding="utf-8").read()
    assert "innerHTML" not in script and "bindPopup(popup(s))" in script


@pytest.mark.parametrize("path", ["/", "/wizard", "/answer?lat=43.879&lng=125.39",
                                  "/?lat=43.879&lng=125.39", "/?lang=en"])
def test_no_page_links_an_off_site_script_or_stylesheet(client, path):
    html = text(client.get(path))
    assert not OFF_SITE.search(html), OFF_SITE.search(html)
    assert "cdn" not in html.lower()


@pytest.mark.parametrize("tiles", ["none", "osm", "amap", "tianditu"])
def test_every_tile_choice_keeps_scripts_and_styles_local(client, app, monkeypatch, tiles):
    xuequ = app.extensions["xuequ"]
    monkeypatch.setattr(xuequ, "settings", dataclasses.replace(xuequ.settings, tiles=tiles,
                                                               tianditu_key="k123"))
    html = text(client.get("/"))
    data = text(client.get("/map/data.json"))
    assert (tiles == "none") == ("tile.openstreetmap" not in data and "autonavi" not in data
                                 and "tianditu" not in data)
    assert not OFF_SITE.search(html)
    for src in re.findall(r'<script[^>]*src="([^"]+)"', html):
        assert src.startswith("/") and client.get(src).status_code == 200


def test_leaflet_is_served_locally_and_traversal_is_refused(client):
    assert client.get("/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/vendor/leaflet/images/marker-icon.png").status_code == 200
    assert client.get("/vendor/leaflet/../__init__.py").status_code == 404
    assert client.get("/vendor/leaflet/%2e%2e/__init__.py").status_code == 404


def test_text_responses_are_gzipped_when_asked(client):
    plain = client.get("/")
    zipped = client.get("/", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data).decode() .count("sample-banner") == 1
    assert len(zipped.data) < len(plain.data) / 2
    data = client.get("/map/data.json", headers={"Accept-Encoding": "gzip"})
    assert len(data.data) < len(client.get("/map/data.json").data) / 3
    js = client.get("/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert js.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(js.data) == client.get("/vendor/leaflet/leaflet.js").data
    png = client.get("/vendor/leaflet/images/marker-icon.png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in png.headers


def test_the_language_choice_is_kept_for_the_visit(app):
    client = app.test_client()
    assert '<html lang="zh-CN"' in text(client.get("/"))
    assert '<html lang="en"' in text(client.get("/?lang=en"))
    assert '<html lang="en"' in text(client.get("/wizard"))
    assert '<html lang="zh-CN"' in text(client.get("/?lang=zh"))
    assert '<html lang="zh-CN"' in text(client.get("/"))
    assert '<html lang="zh-CN"' in text(client.get("/?lang=fr"))


def test_the_sample_banner_is_on_every_page(client):
    for path in ("/", "/wizard", "/?lang=en", "/staff/login"):
        assert "sample-banner" in text(client.get(path)), path


def test_timeline_download(client):
    response = client.get("/timeline.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    middle = client.get("/timeline.ics?level=middle").get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") > middle.count("BEGIN:VEVENT") > 0
    assert "网上信息登记" in body and "网上信息登记" not in middle


def test_the_wizard_page_posts_and_names_the_bad_field(client, sample_snapshot):
    warned = next(s for s in sample_snapshot.schools.values()
                  if s.warning_cutoff and s.serves("primary"))
    page = text(client.get(f"/wizard?school={warned.code}"))
    assert f'value="{warned.code}" selected' in page
    token = csrf_token(client, "/wizard")
    form = {"csrf_token": token, "school": warned.code, "birth_date": "2021-05-01",
            "hukou_where": "here", "hukou_with": "both_parents", "home_owner": "parents",
            "moved_in": "2026-01-01" if warned.warning_cutoff.isoformat() < "2026-01-01"
            else "2000-01-01"}
    html = text(client.post("/wizard", data=form))
    assert 'id="result"' in html and "print-checklist" in html and "两个一致" in html
    # hidden by the script, posted anyway: a question that does not apply is ignored
    assert "两个一致" in text(client.post("/wizard", data={**form, "residence_permit": "no"}))
    html = text(client.post("/wizard", data={**form, "birth_date": "2021-13-01"}))
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert client.post("/wizard", data={**form, "csrf_token": ""}).status_code == 400


@pytest.mark.parametrize("display_crs", [crs.WGS84, crs.GCJ02])
@pytest.mark.parametrize("level", ["primary", "middle"])
def test_display_simplification_keeps_the_zones_a_valid_coverage(sample_snapshot, level,
                                                                  display_crs):
    zones = [z for z in sample_snapshot.zone_set.zones if z.level == level]
    shown = simplify_coverage([z.geometry for z in zones], display_crs=display_crs)
    assert bool(shapely.coverage_is_valid(np.asarray(shown, dtype=object)))
    assert all(g.is_valid and not g.is_empty for g in shown)
    back = [crs.transform_geometry(g, display_crs, METRIC) for g in shown]
    for zone, simplified in zip(zones, back, strict=True):
        original = crs.transform_geometry(zone.geometry, crs.WGS84, METRIC)
        assert shapely.hausdorff_distance(original, simplified) <= DISPLAY_TOLERANCE_M + 0.5


def test_amap_overlays_and_taps_round_trip_through_gcj02(client, sample_snapshot):
    """With 高德 tiles a zone is drawn in GCJ-02, and a tap inside the drawn zone, sent
    as crs=gcj02, is answered with that same zone."""
    amap = tiles_from_config("amap")
    assert amap.display_crs == crs.GCJ02 and amap.lookup_crs == "gcj02"
    zones = [z for z in sample_snapshot.zone_set.zones if z.level == "primary"]
    drawn = simplify_coverage([z.geometry for z in zones], display_crs=amap.display_crs)
    for zone, shape in zip(zones, drawn, strict=True):
        tap = shapely.maximum_inscribed_circle(shape).centroid  # well inside the drawn zone
        body = client.get(f"/api/v1/lookup?lat={tap.y}&lng={tap.x}&crs=gcj02&level=primary"
                          ).get_json()
        assert [z["zone_id"] for z in body["primary"]["zones"]] == [zone.zone_id]
        wgs = crs.to_wgs84(tap.x, tap.y, "gcj02")
        back = crs.from_wgs84(*wgs, "gcj02")
        assert crs.distance_m(tap.x, tap.y, *back) < 0.05
        # The shift is real: the same numbers read as WGS84 land ~600 m away.
        assert crs.distance_m(tap.x, tap.y, *wgs) > 300


def test_tile_configuration(caplog):
    assert tiles_from_config("none").layers == ()
    assert tiles_from_config("tianditu").name == "none"  # no key: offline, with a warning
    assert "XUEQU_TIANDITU_KEY" in caplog.text
    tianditu = tiles_from_config("tianditu", "abc")
    assert tianditu.display_crs == crs.WGS84 and len(tianditu.layers) == 2
    assert all("tk=abc" in layer.url for layer in tianditu.layers)
    assert tiles_from_config("osm").display_crs == crs.WGS84
    assert tiles_from_config("bogus").name == "none"


def test_the_api_language_parameter_is_not_remembered(app):
    client = app.test_client()
    client.get("/api/v1/lookup?lat=91&lng=125&lang=en")
    assert '<html lang="zh-CN"' in text(client.get("/"))


def test_todays_stage_is_highlighted_with_a_countdown(client, app, monkeypatch):
    monkeypatch.setattr(app.extensions["xuequ"], "clock", Clock(dt.date(2027, 5, 8)))
    html = text(client.get("/answer?lat=43.879&lng=125.39"))
    primary = html[html.index('class="panel timeline-primary"'):
                   html.index('class="panel timeline-middle"')]
    current = re.findall(r'<li class="stage stage-current[^"]*" aria-current="step"', primary)
    assert len(current) == 1    # each level's timeline has its own current step
    assert "网上信息登记」正在进行，还有 1 天截止" in html
    monkeypatch.setattr(app.extensions["xuequ"], "clock", Clock(dt.date(2027, 5, 9)))
    assert "网上信息登记」今天截止" in text(client.get("/answer?lat=43.879&lng=125.39"))
    monkeypatch.setattr(app.extensions["xuequ"], "clock", Clock(dt.date(2027, 1, 1)))
    html = text(client.get("/answer?lat=43.879&lng=125.39"))
    assert "aria-current" not in html and "距「网上信息登记」开始还有 125 天" in html
