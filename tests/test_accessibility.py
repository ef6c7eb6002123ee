"""Accessibility of the public pages in Chromium: axe-core (bundled by the PyPI package
axe-playwright-python, so nothing is downloaded), WCAG 2.1 AA contrast, and that every
control can be reached with the keyboard. GB/T 37668 tracks WCAG."""
from __future__ import annotations

import pytest

from tests.helpers import assigned_address

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                 "best-practice"]},
           "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def home(sample_snapshot) -> str:
    return assigned_address(sample_snapshot)


def axe_violations(page, serious_only: bool = True) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    result = Axe().run(page, options=WCAG_AA)
    found = result.response["violations"]
    if serious_only:
        found = [v for v in found if v["impact"] in ("serious", "critical")]
    return [f'{v["id"]} ({v["impact"]}): {[n["target"] for n in v["nodes"]][:5]}'
            for v in found]


def contrast_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    result = Axe().run(page, options={"runOnly": ["color-contrast"]})
    return [str([n["target"] for n in v["nodes"]]) for v in result.response["violations"]]


def show_answer(page, home):
    page.goto("/")
    page.fill("#address", home)
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=assigned]")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


@pytest.mark.parametrize("width", [375, 1280])
def test_map_page_with_an_answer_has_no_serious_violations(page, home, width):
    page.set_viewport_size({"width": width, "height": 800})
    show_answer(page, home)
    assert axe_violations(page) == []
    assert contrast_violations(page) == []


def test_first_load_and_english_have_no_serious_violations(page):
    page.goto("/")
    assert axe_violations(page) == []
    page.goto("/?lang=en")
    assert axe_violations(page) == []


def test_wizard_and_its_result_have_no_serious_violations(page, sample_snapshot):
    page.goto("/wizard")
    assert axe_violations(page) == []
    page.fill("#birth_date", "2021-01-01")
    page.check("input[name=hukou_where][value=here]")
    page.check("input[name=hukou_with][value=grandparents]")
    page.check("input[name=home_owner][value=grandparents]")
    page.check("input[name=parents_urban_home][value=no]")
    page.check("input[name=hukou_since_birth][value=yes]")
    page.click("#wizard-form button[type=submit]")
    page.wait_for_selector("#result")
    assert axe_violations(page) == []
    assert contrast_violations(page) == []


def test_no_javascript_answer_has_no_serious_violations(browser, live_server, home):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.fill("#address", home)
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("#answer")
    # axe runs as a script, so inject it through a JavaScript-enabled twin of the page.
    html = page.content()
    context.close()
    twin = browser.new_context(base_url=live_server, java_script_enabled=True)
    tab = twin.new_page()
    tab.route("**/*.js", lambda route: route.abort())  # keep the no-JS rendering
    tab.goto("/")
    tab.set_content(html)
    assert axe_violations(tab) == []
    twin.close()


def focus_trail(page, presses: int) -> list[str]:
    trail = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        trail.append(page.evaluate("""() => {
            const e = document.activeElement;
            return e.getAttribute('aria-label') || e.id || e.getAttribute('href')
                   || e.getAttribute('value') || e.className || e.tagName; }"""))
    return trail


def test_every_control_is_reachable_by_keyboard(page, home):
    page.set_viewport_size({"width": 1280, "height": 800})
    show_answer(page, home)
    page.focus("a.skip")
    trail = focus_trail(page, 160)
    for wanted in ("/wizard", "?lang=en", "address", "locate", "level-middle",
                   "放大", "缩小", "/timeline.ics", "/wizard?school="):
        assert any(wanted in step for step in trail), (wanted, trail[:40])
    assert any(step.startswith("tel:") for step in trail)
    # The primary/middle switch is a pair of toggle buttons: Enter switches to middle.
    page.locator(".level-switch .level-middle").focus()
    page.keyboard.press("Enter")
    assert page.locator(".level-middle").get_attribute("aria-pressed") == "true"
    assert page.locator(".level-primary").get_attribute("aria-pressed") == "false"


def test_the_skip_link_is_the_first_stop(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_suggestions_are_keyboard_operable(page):
    page.route("**/api/v1/addresses/suggest*", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"suggestions": [{"address": "甲街1号"}, {"address": "乙街2号"}]}'))
    page.goto("/")
    page.focus("#address")
    page.keyboard.type("街道")
    page.wait_for_selector("#suggestions [role=option]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    active = page.locator("#address").get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").inner_text() == "乙街2号"
    page.keyboard.press("Escape")
    assert page.locator("#suggestions").is_hidden()
