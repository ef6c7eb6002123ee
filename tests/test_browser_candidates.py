"""Issue 12 in a browser: choosing a candidate answers, with the page's script."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("query", ["丁香", "临河街"])
def test_choosing_a_candidate_answers_with_javascript(page, query):
    page.goto("/")
    page.fill("#address", query)
    page.press("#address", "Enter")
    page.wait_for_selector("#answer[data-status=address_ambiguous]")
    first = page.locator("ul.candidates a[data-place]").first
    chosen = first.get_attribute("data-address")
    first.click()
    page.wait_for_selector("#answer[data-status=assigned], #answer[data-status=boundary]")
    assert chosen in page.locator("#answer .matched").inner_text()
