"""Browser tests of the hotline: an operator answers an address call and records an
inquiry, a school replies, the case closes, the caller checks its status, and the
published Q&A appears in the disclosure directory."""
from __future__ import annotations

import re

import pytest

from tests.conftest import screenshot
from tests.helpers import GOOD_PASSWORD, make_user
from admissions import accounts
from webapp.services import services

pytestmark = pytest.mark.browser
PHONE = "13955550123"


def _user(app, role, school_code=None) -> str:
    name = make_user(app, role)
    if school_code:
        with app.app_context(), services().sessions.begin() as session:
            accounts.find_user(session, name).school_code = school_code
    return name


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/staff/login")
    page.fill("#username", username)
    page.fill("#password", GOOD_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/"))


def test_a_call_from_address_to_published_answer(page, app, sample_snapshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    place = next(p for p in sample_snapshot.gazetteer.places if p.kind == "xiaoqu")
    operator = _user(app, "operator")
    school_code = "EDP16"
    school = _user(app, "school", school_code)
    publisher = _user(app, "publisher")

    # The operator types the caller's 小区 without touching the mouse.
    _sign_in(page, operator)
    page.goto("/hotline/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(place.address)
    page.keyboard.press("Enter")
    page.wait_for_selector("#spoken")
    # The answer is a new page: its keyboard script runs once the page has loaded (under
    # load, an arrow pressed as soon as #spoken exists could come before it).
    page.wait_for_load_state("load")
    spoken = page.inner_text("#spoken")
    assert "学区" in spoken and "网上信息登记" in spoken
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.closest('#results') !== null")
    assert focused
    screenshot(page, "hotline-console-answer")

    page.click("text=据此新建工单")
    page.select_option("#kind", "complaint")
    page.select_option("#school_code", school_code)
    page.fill("#content", "家长反映：学校说要先交费才能登记。电话" + PHONE)
    page.fill("#caller_name", "赵女士")
    page.fill("#caller_phone", PHONE)
    page.click("button[type=submit]")
    page.wait_for_selector("#case-status")
    tracking = re.search(r"EDJY-\d{4}-\d{6}", page.inner_text("h1")).group(0)
    page.select_option("#assign-school", school_code)
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("text=已转办")
    screenshot(page, "hotline-case-assigned")

    # The school sees the case and replies.
    _sign_in(page, school)
    page.goto("/hotline/inquiries/")
    page.click(f"text={tracking}")
    assert PHONE in page.inner_text("#caller-phone")  # the handler may call back
    page.click("#process-button")
    page.fill("#reply", "经核实，学校登记不收取任何费用，已向家长说明。")
    page.click("#reply-button")
    page.wait_for_selector("#case-reply")
    screenshot(page, "hotline-school-replied")

    # The operator closes it.
    _sign_in(page, operator)
    page.goto(f"/hotline/inquiries/{tracking}")
    page.click("#close-button")
    page.wait_for_selector("text=已办结")

    # The caller checks the status with the number and the last 4 digits.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/complaints/status")
    page.fill("#tracking", tracking)
    page.fill("#phone_last4", PHONE[-4:])
    page.click("button[type=submit]")
    page.wait_for_selector("#case-status")
    status = page.inner_text("#case-status")
    assert "已办结" in status and "不收取任何费用" in status and PHONE not in status
    screenshot(page, "public-case-status-375")

    # A publisher opts in, and the anonymised Q&A appears in the directory.
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, publisher)
    page.goto(f"/hotline/inquiries/{tracking}")
    assert PHONE not in page.inner_text("#caller-phone")
    page.click("#publish-button")
    page.wait_for_selector("text=已公开为问答")
    page.context.clear_cookies()
    page.goto("/gk/")
    qa = page.inner_text("#public-qa")
    assert "学校说要先交费" in qa and PHONE not in qa and "赵女士" not in qa
    screenshot(page, "disclosure-directory-public-qa")
