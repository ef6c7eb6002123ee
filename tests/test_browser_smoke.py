"""The smallest browser check: the home page loads in Chromium, with the sample banner."""
from __future__ import annotations

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.browser


def test_home_page_renders_in_chromium(page):
    page.goto("/")
    assert "示例数据" in page.locator(".sample-banner").inner_text()
    page.fill("#address", "不存在的路1号")
    page.click("button[type=submit]")
    page.wait_for_selector(".answer")
    screenshot(page, "smoke-home-375")
