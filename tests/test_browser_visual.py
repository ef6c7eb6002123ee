"""The visual check (issue 16): Chromium screenshots of the pages a parent sees, at a phone's
375×812 and a desktop's 1280×800, saved under tests/artifacts/ (git-ignored, kept by CI as
test artefacts), with what a person must see on them asserted: the school name, the
streets drawn, no horizontal scrolling, tap targets of at least 44 px, axe-core clean."""
from __future__ import annotations

import pytest

from tests.conftest import screenshot
from tests.helpers import assigned_address
from tests.test_accessibility import axe_violations
from tests.test_public_pages import boundary_point

pytestmark = pytest.mark.browser

SIZES = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 800}}

# Controls a finger must hit: buttons, fields, the service links, the map's own controls.
TAP_TARGETS = ("button:not(.leaflet-popup-close-button),"
               " input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select,"
               " .service-nav a, .footer-nav a, a.button-link, .leaflet-control-zoom a,"
               " .map-legend summary, .school-cluster")

SMALL_TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.offsetParent !== null && !e.closest('.hp, [hidden], .suggestions'))
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width > 0 && (r.height < 44 || r.width < 44))
  .map(([e, r]) => `${e.tagName}.${e.className} "${(e.textContent || e.name || '').trim()}"`
                   + ` ${Math.round(r.width)}x${Math.round(r.height)}`)"""


@pytest.fixture(scope="module")
def home(sample_snapshot) -> str:
    return assigned_address(sample_snapshot)


@pytest.fixture(scope="module")
def a_school(sample_snapshot):
    return next(s for s in sorted(sample_snapshot.schools.values(), key=lambda s: s.code)
                if s.level == "primary" and s.feeds)


def check_what_a_person_sees(page, name: str, size: str) -> None:
    # Measured at rest: mid zoom, Leaflet scales markers (a 44 px cluster read 43.6 px).
    page.locator(".leaflet-zoom-anim").wait_for(state="detached")
    screenshot(page, f"visual-{name}-{size}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{name}: scrolls sideways ({width}px)"
    small = page.evaluate(SMALL_TARGETS, TAP_TARGETS)
    assert small == [], "\n".join(small)
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def streets_drawn(page) -> int:
    page.wait_for_selector("[data-drawn=true]")
    return page.locator("path.street-core").count()


@pytest.mark.parametrize("size", SIZES)
def test_home_page(page, size):
    page.set_viewport_size(SIZES[size])
    page.goto("/")
    assert streets_drawn(page) >= 10
    for label in ("查学区", "入学材料自查", "常见问题", "政府信息公开", "咨询与投诉", "办理进度"):
        assert page.locator(".site-footer").get_by_text(label, exact=True).is_visible()
    assert page.locator(".service-nav").is_visible()
    assert page.locator(".level-switch button[aria-pressed=true]").inner_text() == "小学学区"
    assert page.get_by_role("button", name="我的位置").is_visible()
    check_what_a_person_sees(page, "home", size)


@pytest.mark.parametrize("size", SIZES)
def test_an_answer_from_a_shared_link(page, sample_snapshot, home, size):
    page.set_viewport_size(SIZES[size])
    page.goto(f"/?address={home}")
    page.wait_for_selector("#answer[data-status=assigned]")
    assert streets_drawn(page) >= 10
    school = page.locator(".summary strong a").first.inner_text()
    assert school in sample_snapshot.schools.__repr__() or school
    assert school in [s.name for s in sample_snapshot.schools.values()]
    assert page.locator(".summary").get_by_text(school).is_visible()
    # The map marks the chosen school with its name and draws the chosen zone.
    page.wait_for_selector(".school-label-chosen")
    assert school in page.locator(".school-label-chosen").all_inner_texts()
    assert page.locator("#share").is_visible()
    assert "address=" in page.url
    check_what_a_person_sees(page, "answer", size)


@pytest.mark.parametrize("size", SIZES)
def test_a_boundary_case(page, sample_snapshot, size):
    point, ids = boundary_point(sample_snapshot)
    page.set_viewport_size(SIZES[size])
    page.goto(f"/?lat={point.y}&lng={point.x}")
    page.wait_for_selector("#answer[data-status=boundary]")
    assert page.get_by_text("位置在学区分界线附近").is_visible()
    assert page.locator("article.zone").count() >= 2
    assert streets_drawn(page) >= 10
    check_what_a_person_sees(page, "boundary", size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name, path, must_see", [
    ("wizard", "/wizard", "我家需要准备什么"),
    ("complaint", "/complaints/new?kind=report", "举报可以匿名"),
])
def test_the_wizard_and_the_complaint_form(page, name, path, must_see, size):
    page.set_viewport_size(SIZES[size])
    page.goto(path)
    assert page.locator("h1").is_visible()
    assert page.get_by_text(must_see).first.is_visible()
    check_what_a_person_sees(page, name, size)


@pytest.mark.parametrize("size", SIZES)
def test_a_school_page(page, a_school, sample_snapshot, size):
    page.set_viewport_size(SIZES[size])
    page.goto(f"/schools/{a_school.code}")
    assert page.locator("h1").inner_text() == a_school.name
    assert streets_drawn(page) >= 1
    assert page.locator(".school-label-chosen").first.inner_text() == a_school.name
    feeder = sample_snapshot.schools[a_school.feeds].name
    assert page.get_by_role("link", name=feeder).is_visible()
    check_what_a_person_sees(page, "school", size)


def test_a_tap_on_a_school_opens_its_popup_and_elsewhere_looks_up(page, sample_snapshot):
    page.set_viewport_size(SIZES["1280"])
    page.goto("/")
    page.wait_for_selector("[data-drawn=true]")
    school = next(s for s in sorted(sample_snapshot.schools.values(), key=lambda s: s.code)
                  if s.serves("primary") and s.lng)
    page.evaluate("([lat, lng]) => window.xuequMap.setView([lat, lng], 16, {animate: false})",
                  [school.lat, school.lng])
    marker = page.locator(".leaflet-overlay-pane path.school-marker").first
    page.wait_for_timeout(200)
    x, y = page.evaluate("""([lat, lng]) => {
        const p = window.xuequMap.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }""",
                         [school.lat, school.lng])
    box = page.locator("#map-frame").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert school.name in popup.inner_text()
    link = popup.get_by_role("link", name="查这所学校的划片范围")
    assert link.get_attribute("href") == f"/schools/{school.code}"
    assert page.locator("#answer").count() == 0  # a tap on the school is not a lookup
    assert marker.count() >= 1
    page.mouse.click(box["x"] + x + 120, box["y"] + y + 90)
    page.wait_for_selector("#answer")
    screenshot(page, "visual-tap-1280")


def test_share_copies_the_answers_link_where_there_is_no_share_sheet(browser, live_server,
                                                                       home):
    context = browser.new_context(base_url=live_server, viewport=SIZES["375"],
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.add_init_script("delete Navigator.prototype.share;")
    page.goto("/")
    page.fill("#address", home)
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=assigned]")
    page.wait_for_function("location.search.includes('address=')")  # the address bar
    page.click("#share")
    page.wait_for_selector("#share-message:not(:empty)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url and "address=" in copied
    assert "链接已复制" in page.locator("#share-message").inner_text()
    context.close()
