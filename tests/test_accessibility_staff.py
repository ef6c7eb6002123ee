"""Accessibility of the staff, hotline and later public pages in Chromium: axe-core with the
WCAG 2.1 AA rules on every page (signed in through the browser with the role that uses it),
and a keyboard check that every control of the hotline console and of the zone upload and
mapping forms is reached with Tab and has an accessible name. Runs on its own app and
database, because it saves a draft zone set and puts it on public notice."""
from __future__ import annotations

import re
import threading

import pytest

from tests.conftest import screenshot
from tests.helpers import GOOD_PASSWORD, assigned_address, make_user
from tests.test_accessibility import axe_violations, contrast_violations
from tests.zone_files import gbk_shapefile_zip, redrawn_zones
from webapp import create_app
from webapp.auth import accounts
from webapp.services import services

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
CALLER_PHONE = "13955550177"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from werkzeug.serving import make_server
    folder = tmp_path_factory.mktemp("a11y")
    app = create_app({"TESTING": True, "SECRET_KEY": "a11y", "REFRESH_SECONDS": 0.0,
                      "DATABASE_URL": f"sqlite:///{folder / 'a11y.sqlite3'}",
                      "RATELIMIT_ENABLED": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}", folder
    server.shutdown()


@pytest.fixture()
def open_tab(browser, site):
    """open_tab(viewport, role=None, school_code=None): a tab, signed in when a role is given."""
    app, base, _ = site
    contexts = []

    def _open(viewport, role=None, school_code=None):
        context = browser.new_context(base_url=base, viewport=viewport, locale="zh-CN")
        contexts.append(context)
        tab = context.new_page()
        if role:
            username = make_user(app, role)
            if school_code:
                with app.app_context(), services().sessions.begin() as session:
                    accounts.find_user(session, username).school_code = school_code
            tab.goto("/staff/login")
            tab.fill("#username", username)
            tab.fill("#password", GOOD_PASSWORD)
            tab.click("button[type=submit]")
            tab.wait_for_url(re.compile(r"/staff/$"))
        return tab

    yield _open
    for context in contexts:
        context.close()


class Audit:
    """Runs axe on each page visited, keeps a screenshot, and reports every problem at once."""

    def __init__(self):
        self.problems: dict[str, list[str]] = {}

    def check(self, tab, name: str) -> None:
        screenshot(tab, f"a11y-{name}")
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found = axe_violations(tab) + [f"color-contrast: {c}" for c in contrast_violations(tab)]
        if found:
            self.problems[f"{name} {tab.url}"] = found

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(f"{page}: {found}"
                                             for page, found in self.problems.items())


def wait_for_maps(tab) -> None:
    if tab.locator(".zone-map").count():
        tab.wait_for_selector(".zone-map[data-loaded]")


def upload_zones(tab, folder) -> None:
    tab.goto("/staff/zones/")
    tab.set_input_files("#file", str(gbk_shapefile_zip(folder, redrawn_zones(), name="a11y")))
    tab.click("button:has-text(\"上传\")")
    tab.wait_for_selector("#mapping-form")


def test_staff_zone_pages_have_no_serious_violations(open_tab, site):
    _, _, folder = site
    audit = Audit()
    tab = open_tab(DESKTOP)
    tab.goto("/staff/login")
    audit.check(tab, "staff-login")
    tab.fill("#username", "nobody")
    tab.fill("#password", "wrong-password")
    tab.click("button[type=submit]")
    tab.wait_for_selector(".error")
    audit.check(tab, "staff-login-error")

    tab = open_tab(DESKTOP, "publisher")
    audit.check(tab, "staff-home")
    tab.goto("/staff/zones/")
    audit.check(tab, "zones-list")
    upload_zones(tab, folder)
    audit.check(tab, "zones-mapping")
    tab.click("button[value=validate]")
    tab.wait_for_selector("#report-summary")
    wait_for_maps(tab)
    audit.check(tab, "zones-validation")
    tab.fill("#zone_set_id", "a11y-v2")
    tab.click("button[value=save]")
    tab.wait_for_selector("#status[data-status=draft]")
    wait_for_maps(tab)
    audit.check(tab, "zones-version-draft")
    tab.goto("/staff/zones/a11y-v2/impact")
    wait_for_maps(tab)
    audit.check(tab, "zones-impact")
    tab.goto("/staff/zones/a11y-v2/")
    tab.click("button:has-text(\"发布公示\")")
    tab.wait_for_selector("#status[data-status=notice]")
    wait_for_maps(tab)
    audit.check(tab, "zones-version-notice")
    tab.goto("/staff/zones/a11y-v2/comments")
    audit.check(tab, "zones-comments")
    tab.goto("/staff/zones/audit")
    audit.check(tab, "zones-audit")

    public = open_tab(PHONE)
    public.goto("/notices/")
    audit.check(public, "notices-375")
    public.click("text=a11y-v2")
    wait_for_maps(public)
    audit.check(public, "notice-375")
    public.click("button:has-text(\"提交意见\")")  # empty: the browser's own required check
    audit.check(public, "notice-empty-submit-375")
    audit.assert_clean()


def test_knowledge_base_pages_have_no_serious_violations(open_tab):
    audit = Audit()
    tab = open_tab(DESKTOP, "editor")
    tab.goto("/staff/kb/")
    audit.check(tab, "kb-index")
    tab.goto("/staff/kb/faq/new")
    audit.check(tab, "kb-new-faq")
    tab.click("button[type=submit]")  # empty: a server-side error tied to its field
    tab.wait_for_selector(".error")
    audit.check(tab, "kb-new-faq-error")
    tab.goto("/staff/kb/")
    tab.locator("a:has-text(\"编辑\")").first.click()
    audit.check(tab, "kb-edit")
    tab.locator("button[type=submit]").click()
    tab.goto("/staff/kb/")
    tab.locator("a:has-text(\"历史\")").first.click()
    audit.check(tab, "kb-history")
    audit.assert_clean()


def submit_public_inquiry(tab) -> str:
    tab.goto("/complaints/new")
    tab.select_option("#kind", "complaint")
    tab.fill("#content", "学校说报名前要先交资料费，请核实。")
    tab.fill("#caller_name", "钱先生")
    tab.fill("#caller_phone", CALLER_PHONE)
    tab.click("form button[type=submit]")
    return tab.inner_text("#tracking")


def ask_status(tab, tracking: str, last4: str, wait_for: str) -> None:
    tab.goto("/complaints/status")
    tab.fill("#tracking", tracking)
    tab.fill("#phone_last4", last4)
    tab.click("form button[type=submit]")
    tab.wait_for_selector(wait_for)


def test_hotline_pages_have_no_serious_violations(open_tab, site, sample_snapshot):
    audit = Audit()
    public = open_tab(PHONE)
    tracking = submit_public_inquiry(public)
    tab = open_tab(DESKTOP, "operator")
    tab.goto("/hotline/")
    audit.check(tab, "hotline-console")
    tab.goto("/hotline/?q=" + assigned_address(sample_snapshot))
    tab.wait_for_selector("#spoken")
    audit.check(tab, "hotline-console-answer")
    tab.goto("/hotline/?q=三代同堂需要什么材料")
    audit.check(tab, "hotline-console-question")
    tab.goto("/hotline/area?name=" + sample_snapshot.gazetteer.places[0].community)
    tab.wait_for_selector("table.list")
    audit.check(tab, "hotline-area")
    tab.goto("/hotline/school/EDP16")
    audit.check(tab, "hotline-school")
    tab.goto("/hotline/inquiries/new")
    tab.click("form.stack button[type=submit]")  # empty: the error names the field
    tab.wait_for_selector("#form-error")
    audit.check(tab, "hotline-new-error")
    tab.goto(f"/hotline/inquiries/{tracking}")
    audit.check(tab, "hotline-case")
    tab.select_option("#assign-school", "EDP16")
    tab.click("#assign-form button[type=submit]")
    tab.wait_for_selector("text=已转办")
    audit.check(tab, "hotline-case-assigned")
    tab.goto("/hotline/inquiries/")
    audit.check(tab, "hotline-list")
    tab.goto("/hotline/overdue")
    audit.check(tab, "hotline-overdue")

    school = open_tab(DESKTOP, "school", "EDP16")
    school.goto(f"/hotline/inquiries/{tracking}")
    school.click("#process-button")
    school.wait_for_selector("#reply")
    audit.check(school, "hotline-case-school")
    school.fill("#reply", "经核实，学校报名不收取任何费用。")
    school.click("#reply-button")
    school.wait_for_selector("#case-reply")

    publisher = open_tab(DESKTOP, "publisher")
    publisher.goto("/hotline/stats")
    audit.check(publisher, "hotline-stats")
    publisher.goto(f"/hotline/inquiries/{tracking}")
    audit.check(publisher, "hotline-case-publish")

    ask_status(public, tracking, CALLER_PHONE[-4:], "#case-status")
    audit.check(public, "complaint-status-375")
    audit.assert_clean()


def test_public_directory_faq_and_complaint_pages_have_no_serious_violations(open_tab):
    audit = Audit()
    tab = open_tab(PHONE)
    tab.goto("/gk/")
    audit.check(tab, "gk-375")
    tab.goto("/gk/?q=随迁子女")
    audit.check(tab, "gk-search-375")
    tab.goto("/gk/")
    tab.locator("table a").first.click()
    audit.check(tab, "gk-document-375")
    tab.goto("/faq/")
    audit.check(tab, "faq-375")
    tab.goto("/faq/?q=三代同堂")
    audit.check(tab, "faq-search-375")
    tab.locator("#faq-hits a, .results a").first.click()
    audit.check(tab, "faq-entry-375")
    tab.goto("/complaints/")
    audit.check(tab, "complaints-375")
    tab.goto("/complaints/new")
    audit.check(tab, "complaint-form-375")
    tab.click("form button[type=submit]")
    tab.wait_for_selector("#form-error")
    audit.check(tab, "complaint-form-error-375")
    ask_status(tab, "EDJY-2027-999999", "0000", ".error")
    audit.check(tab, "complaint-status-not-found-375")
    tab.goto("/notices/")
    audit.check(tab, "notices-list-375")
    tab.goto("/gk/?lang=en")
    audit.check(tab, "gk-en-375")
    audit.assert_clean()


# Every control a person can operate: its accessible name (the rules of accname, reduced to
# what these pages use) and whether Tab reaches it.
CONTROLS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const visible = e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
  const text = e => (e.innerText || e.textContent || '').trim();
  function name(e) {
    if (e.getAttribute('aria-labelledby'))
      return e.getAttribute('aria-labelledby').split(' ')
        .map(id => document.getElementById(id)).filter(Boolean).map(text).join(' ');
    if (e.getAttribute('aria-label')) return e.getAttribute('aria-label');
    if (e.labels && e.labels.length) return Array.from(e.labels).map(text).join(' ');
    if (e.matches('input[type=submit], input[type=button]')) return e.value;
    if (e.matches('input, select, textarea')) return e.getAttribute('title') || '';
    return text(e) || e.getAttribute('title') || '';
  }
  return Array.from(document.querySelectorAll(sel))
    .filter(e => visible(e) && !e.disabled && e.tabIndex >= 0 && !e.closest('[aria-hidden=true]'))
    .map((e, i) => { e.dataset.a11y = i; return {key: String(i), name: name(e).trim(),
                     what: e.outerHTML.slice(0, 120)}; });
}"""


def keyboard_gaps(tab) -> tuple[list[str], list[str]]:
    """(controls Tab never reaches, controls without an accessible name)."""
    controls = tab.evaluate(CONTROLS)
    tab.evaluate("document.activeElement && document.activeElement.blur()")
    tab.focus("a.skip")
    reached = set()
    for _ in range(len(controls) + 10):
        tab.keyboard.press("Tab")
        reached.add(tab.evaluate("document.activeElement.dataset.a11y || ''"))
    unreached = [c["what"] for c in controls if c["key"] not in reached]
    nameless = [c["what"] for c in controls if not c["name"]]
    assert len(controls) > 5
    return unreached, nameless


def test_console_and_zone_forms_work_with_the_keyboard(open_tab, site, sample_snapshot):
    _, _, folder = site
    operator = open_tab(DESKTOP, "operator")
    operator.goto("/hotline/?q=" + assigned_address(sample_snapshot))
    operator.wait_for_selector("#spoken")
    assert keyboard_gaps(operator) == ([], [])
    operator.goto("/hotline/inquiries/new")
    assert keyboard_gaps(operator) == ([], [])

    editor = open_tab(DESKTOP, "editor")
    editor.goto("/staff/zones/")
    assert keyboard_gaps(editor) == ([], [])
    upload_zones(editor, folder)
    assert keyboard_gaps(editor) == ([], [])
    editor.click("button[value=validate]")
    wait_for_maps(editor)
    assert keyboard_gaps(editor) == ([], [])
