"""Done-when of issue 5, in Chromium: a zipped GBK Shapefile in EPSG:4551 goes through
upload, mapping, validation, impact, notice, a public comment, publish and rollback, and
each step shows on the public side. Runs on its own app and database, because it
publishes."""
from __future__ import annotations

import threading

import pytest

from tests.conftest import screenshot
from tests.helpers import GOOD_PASSWORD, make_user
from tests.zone_files import gbk_shapefile_zip, redrawn_zones
from webapp import create_app

pytestmark = pytest.mark.browser


@pytest.fixture()
def flow_server(tmp_path):
    from werkzeug.serving import make_server
    app = create_app({"TESTING": True, "SECRET_KEY": "browser", "REFRESH_SECONDS": 0.0,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
                      "RATELIMIT_ENABLED": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def public_version(tab) -> str:
    return tab.request.get("/api/v1/zones.geojson").json()["zone_version"]["id"]


def test_gbk_shapefile_from_upload_to_rollback(browser, flow_server, tmp_path):
    app, base = flow_server
    username = make_user(app, "publisher")
    upload = gbk_shapefile_zip(tmp_path, redrawn_zones())
    staff_context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900},
                                        locale="zh-CN")
    public_context = browser.new_context(base_url=base, viewport={"width": 375, "height": 812},
                                         locale="zh-CN")
    staff, public = staff_context.new_page(), public_context.new_page()
    try:
        staff.goto("/staff/login")
        staff.fill("#username", username)
        staff.fill("#password", GOOD_PASSWORD)
        staff.click("button[type=submit]")
        staff.click("text=学区版本：上传、校验、公示、发布")
        staff.set_input_files("#file", str(upload))
        staff.click("button:has-text(\"上传\")")
        assert "兴隆路以南" in staff.inner_text("#preview")  # GBK attributes, decoded
        assert staff.input_value("#map-zone_id") == "学区编号"
        staff.click("button[value=validate]")
        # The check's own page: a progress bar, then (polled by script) the report.
        assert "0 个必须修正的问题" in staff.inner_text("#report-summary")
        assert "/staff/zones/checks/" in staff.url
        screenshot(staff, "issue5-validation")
        staff.fill("#zone_set_id", "browser-v2")
        staff.click("button[value=save]")
        assert staff.get_attribute("#status", "data-status") == "draft"
        assert public_version(public) == "sample-2027"

        staff.click("text=影响预览")
        assert "个地址换校" in staff.inner_text("#impact-summary")
        staff.wait_for_selector(".zone-map[data-loaded]")
        screenshot(staff, "issue5-impact")
        staff.go_back()

        staff.click("button:has-text(\"发布公示\")")
        assert staff.get_attribute("#status", "data-status") == "notice"
        public.goto("/notices/")
        public.click("text=browser-v2")
        assert "个地址对应学校发生变化" in public.inner_text("#notice-summary")
        public.wait_for_selector(".zone-map[data-loaded]")
        public.fill("#body", "我家在太有街，请说明新学区的上学路线。")
        public.click("button:has-text(\"提交意见\")")
        assert "感谢您的意见" in public.inner_text("#thanks")
        screenshot(public, "issue5-notice")

        staff.click("text=公众意见")
        assert "太有街" in staff.inner_text("#comments")
        staff.go_back()

        staff.click("#publish")  # a confirmation page first, with what will change
        assert "个地址对应学校发生变化" in staff.inner_text("#confirm-summary")
        assert "公众意见" in staff.inner_text("#blockers")  # the notice is open, a comment unread
        staff.fill("#override_reason", "上级要求提前实施")
        staff.click("#confirm")
        assert staff.get_attribute("#status", "data-status") == "published"
        assert public_version(public) == "browser-v2"
        assert public.request.get("/healthz").json()["published_version"]["id"] == "browser-v2"

        staff.click("#rollback")
        staff.click("#confirm")
        # now the restored version's page
        assert staff.get_attribute("#status", "data-status") == "published"
        assert "sample-2027" in staff.url
        assert public_version(public) == "sample-2027"
    finally:
        staff_context.close()
        public_context.close()
