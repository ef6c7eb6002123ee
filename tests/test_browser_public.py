"""The parent's map page in Chromium: search, suggestions, map taps, the draggable pin,
定位, the wizard, the no-JavaScript form, the English switch, and screenshots."""
from __future__ import annotations

import json
import re

import pytest

from tests.conftest import screenshot
from tests.helpers import assigned_address
from gis.point import WGS84Point

pytestmark = pytest.mark.browser

SUGGEST = "**/api/v1/addresses/suggest*"


@pytest.fixture(scope="module")
def home(sample_snapshot) -> str:
    return assigned_address(sample_snapshot)


def api_zones(page, lat: float, lng: float, crs: str = "wgs84") -> list[str]:
    """The zone ids the JSON API gives for a point: the truth the page must agree with."""
    body = page.request.get(f"/api/v1/lookup?lat={lat}&lng={lng}&crs={crs}").json()
    return [z["zone_id"] for level in ("primary", "middle") for z in body[level]["zones"]]


def page_zones(page) -> list[str]:
    return page.locator("#answer").get_attribute("data-zones").split()


def tap_at(page, lat: float, lng: float, zoom: int = 15) -> None:
    """Centre the map on a point, then tap it like a finger would."""
    x, y = page.evaluate(
        """([lat, lng, zoom]) => {
             const map = window[document.getElementById('map-frame').dataset.map];
             map.setView([lat, lng], zoom, {animate: false});
             const p = map.latLngToContainerPoint([lat, lng]);
             return [p.x, p.y];
           }""", [lat, lng, zoom])
    box = page.locator("#map-frame").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_typing_an_address_shows_the_answer_and_the_pin(page, sample_snapshot, home):
    page.goto("/")
    page.fill("#address", home)
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=assigned]")
    assert home in page.locator(".matched").inner_text()
    answer = page.locator("#answer")
    primary = sample_snapshot.index.lookup(WGS84Point(
        float(answer.get_attribute("data-lat")),
        float(answer.get_attribute("data-lng")))).levels["primary"]
    names = page.locator(".school-names").first.inner_text()
    assert sample_snapshot.schools[primary.matches[0].zone.school_codes[0]].name in names
    assert page.locator(".leaflet-marker-draggable").count() == 1
    assert page.locator(".timeline-primary .countdown").is_visible()  # one per level
    screenshot(page, "map-answer-375")
    # The search is remembered in this browser only.
    page.reload()
    assert home in page.locator("#recent").inner_text()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("#recent button.chip").first.click()
    page.wait_for_selector("#answer[data-status=assigned]")
    screenshot(page, "map-answer-1280")


def test_first_load_screenshots(page):
    page.goto("/")
    page.wait_for_selector(".leaflet-interactive")
    screenshot(page, "map-home-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    page.wait_for_selector(".leaflet-interactive")
    screenshot(page, "map-home-1280")


def test_picking_a_suggestion_looks_it_up(page, home):
    seen = []

    def fake_suggest(route):
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(
            {"suggestions": [{"address": home, "xiaoqu": "", "community": "示例社区",
                              "lat": 43.88, "lng": 125.39},
                             {"address": "<b>临河街</b>1号", "xiaoqu": "", "community": "",
                              "lat": 43.88, "lng": 125.39}]}))

    page.route(SUGGEST, fake_suggest)
    page.goto("/")
    page.locator("#address").press_sequentially("临河", delay=30)
    option = page.locator("#suggestions [role=option]").first
    option.wait_for()
    assert page.locator("#address").get_attribute("aria-expanded") == "true"
    # Suggestion text from the server is shown as text, never as markup.
    assert page.locator("#suggestions [role=option]").nth(1).inner_text().startswith("<b>")
    page.press("#address", "ArrowDown")
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=assigned]")
    assert home in page.locator(".matched").inner_text()
    assert "q=%E4%B8%B4%E6%B2%B3" in seen[-1]


def test_real_suggestions_from_the_address_search(page, sample_snapshot):
    """No stub: the page asks /api/v1/addresses/suggest and the answer follows the pick."""
    xiaoqu = next(p for p in sample_snapshot.gazetteer.places if p.kind == "xiaoqu"
                  and len(p.address) >= 4)
    page.goto("/")
    page.locator("#address").press_sequentially(xiaoqu.address[:3], delay=40)
    options = page.locator("#suggestions [role=option]")
    options.first.wait_for()
    texts = options.all_inner_texts()
    assert any(xiaoqu.address[:3] in text for text in texts)
    chosen = next(i for i, text in enumerate(texts) if xiaoqu.address[:3] in text)
    options.nth(chosen).click()
    page.wait_for_selector("#answer[data-status]")
    assert xiaoqu.address[:3] in page.locator(".matched").inner_text()


def test_search_still_works_when_suggestions_are_missing(page, home):
    calls = []

    def missing(route):
        calls.append(route.request.url)
        route.fulfill(status=404, content_type="application/json", body="{}")

    page.route(SUGGEST, missing)
    page.goto("/")
    page.locator("#address").press_sequentially(home, delay=30)
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=assigned]")
    assert page.locator("#suggestions").is_hidden()
    assert len(calls) == 1  # after a 404 the page stops asking


def test_tapping_the_map_runs_a_lookup(page, sample_snapshot):
    zone = next(z for z in sample_snapshot.zone_set.zones if z.level == "primary")
    point = zone.geometry.representative_point()
    page.goto("/")
    page.wait_for_selector(".leaflet-interactive")
    tap_at(page, point.y, point.x)
    page.wait_for_selector("#answer[data-status]")
    assert zone.zone_id in page_zones(page)
    lat = float(page.locator("#answer").get_attribute("data-lat"))
    lng = float(page.locator("#answer").get_attribute("data-lng"))
    assert sorted(page_zones(page)) == sorted(api_zones(page, lat, lng))


def test_dragging_the_pin_reruns_the_lookup(page, home):
    page.goto("/")
    page.fill("#address", home)
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=assigned]")
    before = page.locator("#answer").get_attribute("data-lat")
    marker = page.locator(".leaflet-marker-draggable")
    page.wait_for_timeout(600)  # let the phone layout's smooth scroll to the answer finish
    marker.scroll_into_view_if_needed()
    pin = marker.bounding_box()
    x, y = pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 90, steps=12)
    page.mouse.up()
    page.wait_for_function(
        "before => document.getElementById('answer').dataset.lat !== before", arg=before)
    assert page.locator(".matched").inner_text().startswith("地图位置")
    lat = float(page.locator("#answer").get_attribute("data-lat"))
    lng = float(page.locator("#answer").get_attribute("data-lng"))
    assert lat < float(before)  # dragged down the screen: south
    assert sorted(page_zones(page)) == sorted(api_zones(page, lat, lng))


def test_locate_button_explains_a_refusal(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 812},
                                  locale="zh-CN")
    page = context.new_page()
    page.add_init_script("""navigator.geolocation.getCurrentPosition =
        (ok, fail) => fail({code: 1, message: 'User denied Geolocation'});""")
    page.goto("/")
    page.click("#locate")
    assert "没有允许定位" in page.locator("#locate-message").inner_text()
    context.close()


def test_locate_button_looks_up_the_position(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 812},
                                  locale="zh-CN", permissions=["geolocation"],
                                  geolocation={"latitude": 43.879, "longitude": 125.39})
    page = context.new_page()
    page.goto("/")
    page.click("#locate")
    page.wait_for_selector("#answer[data-status]")
    assert sorted(page_zones(page)) == sorted(api_zones(page, 43.879, 125.39))
    context.close()


def ambiguous_fragment(app, snapshot, places) -> str:
    """The server's own answer panel for an ambiguous address (the core gazetteer of the
    sample has no ambiguous names, so the test makes one from real places)."""
    from flask import render_template

    from admissions.service import _not_located, place_summary
    from webapp.public.views import answer_context
    with app.test_request_context("/answer"):
        answer = _not_located(snapshot, "address_ambiguous", "zh", lambda t: t,
                              [place_summary(p) for p in places])
        return render_template("public/_answer_panel.html", error=None, **answer_context(answer))


def test_candidate_list_for_an_ambiguous_address(page, app, sample_snapshot, home):
    places = [p for p in sample_snapshot.gazetteer.places if p.number][:3]
    fragment = ambiguous_fragment(app, sample_snapshot, places)
    page.route("**/answer?address=%E4%B8%9C%E7%9B%9B*", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=fragment))
    page.goto("/")
    page.fill("#address", "东盛")
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=address_ambiguous]")
    assert page.locator(".candidates a").count() == 3
    first = page.locator(".candidates a").first
    chosen = first.inner_text()
    assert chosen == places[0].address
    first.click()
    page.wait_for_selector("#answer[data-status=assigned], #answer[data-status=boundary]")
    assert chosen in page.locator(".matched").inner_text()
    assert page.locator("#address").input_value() == chosen


def test_the_wizard_gives_a_category_and_prints_on_one_a4_page(page, sample_snapshot):
    warned = next(s for s in sample_snapshot.schools.values()
                  if s.warning_cutoff and s.serves("primary"))
    page.goto(f"/wizard?school={warned.code}")
    page.fill("#birth_date", "2021-08-31")
    page.check("input[name=hukou_where][value=here]")
    assert page.locator("[data-question=residence_permit]").is_hidden()  # not for this family
    page.check("input[name=hukou_with][value=both_parents]")
    page.check("input[name=home_owner][value=parents]")
    page.fill("#moved_in", warned.warning_cutoff.isoformat())
    page.click("#wizard-form button[type=submit]")
    page.wait_for_selector("#result")
    assert "两个一致" in page.locator(".category-result").inner_text()
    assert "不受影响" in page.locator(".warning-effect").inner_text()
    screenshot(page, "wizard-result-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "wizard-result-1280")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=False)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_the_form_works_without_javascript(browser, live_server, home):
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.goto("/")
    assert page.locator(".column-map").is_hidden()
    page.fill("#address", home)
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#answer[data-status=assigned]")
    assert page.url.rstrip("/").endswith(live_server.split("//")[1]) or "/" in page.url
    assert page.locator(".timeline li").count() > 5
    assert page.locator(".channels a[href^='tel:']").count() >= 3
    screenshot(page, "nojs-answer-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "nojs-answer-1280")
    page.goto("/wizard")
    page.fill("#birth_date", "2021-01-01")
    page.check("input[name=hukou_where][value=outside_city]")
    page.check("input[name=hukou_with][value=both_parents]")   # shown without the script
    page.check("input[name=home_owner][value=rented]")
    page.check("input[name=residence_permit][value=yes]")
    page.click("#wizard-form button[type=submit]")
    assert "进城务工人员随迁子女" in page.locator(".category-result").inner_text()
    context.close()


def test_english_switch_persists_across_pages(page, home):
    page.goto("/")
    page.click("a.lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Which school zone is my home in?" in page.locator("h1").inner_text()
    page.goto("/wizard")
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("#address", "x") if page.locator("#address").count() else None
    page.goto("/")
    page.fill("#address", home)
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=assigned]")
    assert "Two matches" in page.locator("#answer").inner_text()
    page.click("a.lang-switch")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
