"""Staff zone pages and the public notice, through the test client: upload → mapping →
validation → draft → impact → notice → comment → publish → rollback, with role checks,
CSRF, the honeypot and rate limit on comments, downloads and the audit log."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from store.clock import Clock
from tests.helpers import login, make_user
from tests.zone_files import gbk_shapefile_zip, redrawn_zones
from webapp import create_app


def build_app(tmp_path, **extra):
    # Its own instance folder: uploads on disk are per app, not shared by parallel tests.
    return create_app({"TESTING": True, "SECRET_KEY": "test", "REFRESH_SECONDS": 0.0,
                       "INSTANCE_PATH": str(tmp_path),
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'staff.sqlite3'}",
                       "RATELIMIT_ENABLED": False, **extra})


@pytest.fixture()
def own_app(tmp_path):
    return build_app(tmp_path)


def signed_in(app, role):
    client = app.test_client()
    assert login(client, make_user(app, role)).status_code == 302
    return client


def token_of(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def upload(client, path, name=None):
    csrf = token_of(client, "/staff/zones/")
    return client.post("/staff/zones/upload", data={
        "csrf_token": csrf, "file": (io.BytesIO(path.read_bytes()), name or path.name)},
        content_type="multipart/form-data")


def mapping_form(html: str) -> dict:
    form = {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)}
    for target, body in re.findall(r'<select id="map-(\w+)" name="\w+">(.*?)</select>', html,
                                   re.S):
        chosen = re.search(r"<option selected>([^<]+)</option>", body)
        form[target] = chosen.group(1) if chosen else ""
    return form


def wait_for_check(client, check_url: str, seconds: float = 120.0) -> dict:
    """Poll a background check's status until it has finished; its last status."""
    import time
    ends = time.monotonic() + seconds
    while True:
        status = client.get(check_url + "status.json").get_json()
        if status["finished"] or time.monotonic() > ends:
            return status
        time.sleep(0.05)


def check(client, mapping_url: str, form: dict, **extra):
    """Start a check from the mapping form, wait for it; its URL and its result page."""
    started = client.post(mapping_url, data={**form, "action": "validate", **extra})
    assert started.status_code == 303, started.get_data(as_text=True)[:2000]
    url = started.headers["Location"]
    assert wait_for_check(client, url)["finished"]
    return url, client.get(url)


def check_json(client, mapping_url: str, form: dict, **extra) -> dict:
    """The same through format=json: 202 with the status URL, then the finished status."""
    started = client.post(mapping_url, data={**form, "format": "json", **extra})
    assert started.status_code == 202, started.get_data(as_text=True)[:2000]
    return wait_for_check(client, started.get_json()["result_url"])


def save(client, mapping_url: str, form: dict, **fields):
    """Check the file, then save the draft from the check's page."""
    url, page = check(client, mapping_url, form)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    return client.post(url, data={"csrf_token": csrf.group(1), "action": "save", **fields})


def current_step(html: str) -> tuple[str, str | None]:
    """The step marked current in the step indicator, and who acts next."""
    step = re.findall(r'data-step="(\w+)" aria-current="step"', html)
    who = re.search(r'id="next-actor">下一步由(.+?)办理', html)
    assert len(step) == 1, step
    return step[0], who.group(1) if who else None


def published(app):
    return app.test_client().get("/api/v1/zones.geojson").get_json()["zone_version"]["id"]


def test_the_whole_flow_in_the_browser_forms(own_app, tmp_path):
    editor = signed_in(own_app, "editor")
    response = upload(editor, gbk_shapefile_zip(tmp_path, redrawn_zones()))
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    page = editor.get(mapping_url).get_data(as_text=True)
    assert "EPSG:4551" in page and "兴隆路以南" in page  # the GBK preview, decoded
    form = mapping_form(page)
    assert form["zone_id"] == "学区编号" and form["school_codes"] == "学校代码"
    assert current_step(page) == ("mapping", "编辑人员")

    started = editor.post(mapping_url, data={**form, "action": "validate"})
    assert started.status_code == 303  # the check runs in the background, on its own page
    check_url = started.headers["Location"]
    waiting = editor.get(check_url).get_data(as_text=True)
    assert 'id="report-summary"' in waiting or 'http-equiv="refresh"' in waiting
    assert wait_for_check(editor, check_url)["state"] == "done"
    report = editor.get(check_url)
    html = report.get_data(as_text=True)
    assert report.status_code == 200 and "0 个必须修正的问题" in html
    assert current_step(html) == ("validation", "编辑人员")
    as_json = check_json(editor, mapping_url, form)
    assert as_json["report"]["ok"] and as_json["source_crs"] == "EPSG:4551"

    saved = save(editor, mapping_url, form, zone_set_id="web-v2", label="2028 调整")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/web-v2/")
    version_page = editor.get("/staff/zones/web-v2/").get_data(as_text=True)
    assert "draft" in version_page and "发布公示" not in version_page  # editors cannot
    assert current_step(version_page) == ("impact", "发布人")

    impact = editor.get("/staff/zones/web-v2/impact").get_data(as_text=True)
    assert "个地址换校" in impact and "EDP01" in impact
    assert current_step(impact) == ("impact", "发布人")
    assert "不到 15 米" in impact.split('id="dash-note"')[1]  # what "—" means
    csv_text = editor.get("/staff/zones/web-v2/impact.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").startswith("level,address")

    csrf = token_of(editor, "/staff/zones/")
    for path in ("/staff/zones/web-v2/notice", "/staff/zones/web-v2/publish",
                 "/staff/zones/rollback"):
        assert editor.post(path, data={"csrf_token": csrf}).status_code == 403

    publisher = signed_in(own_app, "publisher")
    csrf = token_of(publisher, "/staff/zones/web-v2/")
    from zones.workflow import earliest_close
    first = earliest_close(Clock().today(), 5)
    assert f'value="{first}"' in publisher.get("/staff/zones/web-v2/").get_data(as_text=True)
    assert publisher.post("/staff/zones/web-v2/notice", data={"csrf_token": csrf}
                          ).status_code == 400  # a notice needs a closing date
    too_early = publisher.post("/staff/zones/web-v2/notice", data={
        "csrf_token": csrf, "closes_on": (first - __import__("datetime").timedelta(days=1))
        .isoformat()})
    assert too_early.status_code == 400 and first.isoformat() in too_early.get_data(as_text=True)
    assert publisher.post("/staff/zones/web-v2/notice", data={
        "csrf_token": csrf, "closes_on": first.isoformat()}).status_code == 302
    assert current_step(publisher.get("/staff/zones/web-v2/").get_data(as_text=True)) == \
        ("notice", "发布人")
    public = own_app.test_client()
    notice = public.get("/notices/web-v2/").get_data(as_text=True)
    assert "征求意见稿" in notice and "个地址对应学校发生变化" in notice
    assert "太有街" not in notice.split("notice-summary")[1].split("</p>")[0]  # counts only
    assert public.get("/notices/web-v2/zones.geojson").get_json()["features"]
    assert "web-v2" in public.get("/notices/").get_data(as_text=True)

    comment_csrf = token_of(public, "/notices/web-v2/")
    assert public.post("/notices/web-v2/comments", data={
        "csrf_token": comment_csrf, "body": "<script>alert(1)</script>希望保留原学校",
        "name": "李先生"}).status_code == 302
    assert public.post("/notices/web-v2/comments", data={
        "csrf_token": comment_csrf, "body": "spam", "website": "http://spam"}
    ).status_code == 400
    assert public.post("/notices/web-v2/comments", data={"body": "no csrf"}).status_code == 400
    comments = editor.get("/staff/zones/web-v2/comments").get_data(as_text=True)
    assert "希望保留原学校" in comments and "<script>alert" not in comments
    exported = editor.get("/staff/zones/web-v2/comments?format=csv").get_data(as_text=True)
    assert exported.count("希望保留原学校") == 1 and "spam" not in exported

    assert published(own_app) == "sample-2027"
    # Publishing first shows what will change and needs an explicit confirmation.
    confirm = publisher.get("/staff/zones/web-v2/publish").get_data(as_text=True)
    assert "个地址对应学校发生变化" in confirm and "sample-2027" in confirm
    assert publisher.get("/staff/zones/sample-2027/publish").status_code == 409  # live already
    unconfirmed = publisher.post("/staff/zones/web-v2/publish", data={
        "csrf_token": csrf, "expected_current": "sample-2027"})
    assert unconfirmed.status_code == 200 and published(own_app) == "sample-2027"
    # The notice is still open and a comment is unanswered: only a typed reason overrides.
    for reason in ("", "  急 "):
        early = publisher.post("/staff/zones/web-v2/publish", data={
            "csrf_token": csrf, "expected_current": "sample-2027", "confirm": "yes",
            "override_reason": reason})
        text = early.get_data(as_text=True)
        assert early.status_code == 400 and "理由" in text, text
        assert first.isoformat() in text and "1 条公众意见没有标记为已处理" in text
    assert published(own_app) == "sample-2027"
    page = editor.get("/staff/zones/web-v2/comments").get_data(as_text=True)
    comment_id = re.search(r"/comments/(\d+)/answered", page).group(1)
    editor_csrf = token_of(editor, "/staff/zones/web-v2/comments")
    assert editor.post(f"/staff/zones/web-v2/comments/{comment_id}/answered",
                       data={"csrf_token": editor_csrf}).status_code == 302
    assert editor.post("/staff/zones/web-v2/comments/999999/answered",
                       data={"csrf_token": editor_csrf}).status_code == 404
    page = editor.get("/staff/zones/web-v2/comments").get_data(as_text=True)
    assert "已处理" in page and f"/comments/{comment_id}/answered" not in page
    still_open = publisher.post("/staff/zones/web-v2/publish", data={
        "csrf_token": csrf, "expected_current": "sample-2027", "confirm": "yes"})
    text = still_open.get_data(as_text=True)
    assert still_open.status_code == 400 and "公众意见" not in text.split("form-error")[1]
    assert publisher.post("/staff/zones/web-v2/publish", data={
        "csrf_token": csrf, "expected_current": "sample-2027", "confirm": "yes",
        "override_reason": "市政府要求提前实施"}).status_code == 302
    assert published(own_app) == "web-v2"
    today = Clock().today().isoformat()
    live_page = publisher.get("/staff/zones/web-v2/").get_data(as_text=True)
    assert f"{today}（实际生效）" in live_page and current_step(live_page) == ("publish", None)
    ended = public.get("/notices/web-v2/")  # the notice has closed, and says how
    assert ended.status_code == 200
    assert f"已于 {today} 发布生效" in ended.get_data(as_text=True)
    assert "回滚" in publisher.get("/staff/zones/rollback").get_data(as_text=True)
    unconfirmed = publisher.post("/staff/zones/rollback", data={
        "csrf_token": csrf, "expected_current": "web-v2"})
    assert unconfirmed.status_code == 200 and published(own_app) == "web-v2"
    stale = publisher.post("/staff/zones/rollback", data={
        "csrf_token": csrf, "expected_current": "sample-2027", "confirm": "yes"})
    assert stale.status_code == 409  # a stale page does not roll back someone else's publish
    assert publisher.post("/staff/zones/rollback", data={
        "csrf_token": csrf, "expected_current": "web-v2", "confirm": "yes"}).status_code == 302
    assert published(own_app) == "sample-2027"
    assert "曾于" in public.get("/notices/web-v2/").get_data(as_text=True)
    assert public.get("/notices/never-was/").status_code == 404

    log = editor.get("/staff/zones/audit").get_data(as_text=True)
    for action in ("zone_file_received", "zone_set_uploaded", "zone_set_notice",
                   "zone_set_published", "zone_set_rolled_back", "zone_set_publish_override",
                   "notice_comment_answered"):
        assert f'data-action="{action}"' in log
    assert "市政府要求提前实施" in log
    # In words: labels for the codes, the details as named fields, never raw JSON.
    assert "回滚学区" in log and "提前发布（说明理由）" in log and "理由" in log
    assert '{"' not in log.split('id="audit"')[1]
    rolled = editor.get("/staff/zones/audit?action=zone_set_rolled_back").get_data(as_text=True)
    assert "回滚学区" in rolled and "发布公示" not in rolled.split('id="audit"')[1]
    assert "format=csv" in log
    exported = editor.get("/staff/zones/audit?format=csv&action=zone_set_publish_override")
    text = exported.get_data(as_text=True)
    assert exported.mimetype == "text/csv" and text.startswith("\ufeff")
    lines = text.strip().splitlines()
    assert len(lines) == 2 and "提前发布（说明理由）" in lines[1]
    assert "理由：市政府要求提前实施" in lines[1]
    beijing = __import__("store.clock", fromlist=["Clock"]).Clock().now().strftime("%Y-%m-%d")
    assert lines[1].split(",")[0].startswith(beijing)
    import datetime as dt
    tomorrow = (Clock().today() + dt.timedelta(days=1)).isoformat()
    assert 'data-action="zone_set_published"' not in editor.get(
        f"/staff/zones/audit?since={tomorrow}").get_data(as_text=True)


def test_downloads_as_geojson_and_gpkg(own_app):
    editor = signed_in(own_app, "editor")
    geojson = editor.get("/staff/zones/sample-2027/download.geojson")
    assert geojson.status_code == 200 and len(geojson.get_json()["features"]) == 40
    gpkg = editor.get("/staff/zones/sample-2027/download.gpkg")
    assert gpkg.status_code == 200 and gpkg.data.startswith(b"SQLite format 3")
    assert editor.get("/staff/zones/sample-2027/download.exe").status_code == 400


def test_staff_pages_need_a_login(own_app):
    client = own_app.test_client()
    for path in ("/staff/zones/", "/staff/zones/audit", "/staff/zones/sample-2027/impact"):
        assert client.get(path).status_code == 302
    operator = signed_in(own_app, "operator")
    assert operator.get("/staff/zones/").status_code == 403


def test_a_hostile_upload_is_refused_with_a_message(own_app, tmp_path):
    editor = signed_in(own_app, "editor")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zones.shp", b"\0" * (20 * 2**20))
    page = editor.get(upload(editor, bomb).headers["Location"])
    assert page.status_code == 422 and "压缩炸弹" in page.get_data(as_text=True)


def test_a_file_without_encoding_asks_for_one(own_app, tmp_path):
    editor = signed_in(own_app, "editor")
    location = upload(editor, gbk_shapefile_zip(tmp_path, cpg=False)).headers["Location"]
    asked = editor.get(location)
    assert asked.status_code == 422 and "GBK" in asked.get_data(as_text=True)
    assert "兴隆路以南" in editor.get(location + "?encoding=GBK").get_data(as_text=True)


def test_an_upload_over_the_limit_is_413(tmp_path):
    app = build_app(tmp_path, MAX_CONTENT_LENGTH=1000)
    editor = signed_in(app, "editor")
    assert upload(editor, gbk_shapefile_zip(tmp_path)).status_code == 413


def test_blocking_findings_cannot_be_saved(own_app, tmp_path):
    frame = redrawn_zones()
    frame.loc[3, "school_codes"] = "NOPE9"
    editor = signed_in(own_app, "editor")
    location = upload(editor, gbk_shapefile_zip(tmp_path, frame)).headers["Location"]
    form = mapping_form(editor.get(location).get_data(as_text=True))
    saved = save(editor, location, form, zone_set_id="bad")
    html = saved.get_data(as_text=True)
    assert "NOPE9" in html and "1 个必须修正的问题" in html and 'id="save-form"' in html
    assert 'name="zone_set_id"' not in html  # no save form for a report that blocks
    assert editor.get("/staff/zones/bad/").status_code == 404


def test_comments_are_rate_limited(tmp_path):
    app = build_app(tmp_path, RATELIMIT_ENABLED=True)
    sessions = app.extensions["xuequ"].sessions
    from zones import workflow
    with app.app_context():
        cli = app.test_cli_runner()
        path = gbk_shapefile_zip(tmp_path, redrawn_zones())
        assert cli.invoke(args=["zones", "import", str(path), "--commit", "--id", "rl"]
                          ).exit_code == 0
    workflow.put_on_notice(sessions, "rl", "test")
    client = app.test_client()
    csrf = token_of(client, "/notices/rl/")
    codes = [client.post("/notices/rl/comments", data={"csrf_token": csrf, "body": f"意见{i}"}
                         ).status_code for i in range(7)]
    assert codes[:5] == [302] * 5 and 429 in codes[5:]


def test_uploaded_files_are_not_kept_past_a_day(own_app, tmp_path):
    import os
    import time
    from pathlib import Path
    editor = signed_in(own_app, "editor")
    file = gbk_shapefile_zip(tmp_path, redrawn_zones())
    first = upload(editor, file).headers["Location"]
    uploads = Path(own_app.instance_path) / "uploads"
    old = uploads / re.search(r"[0-9a-f]{32}", first).group()
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    second = upload(editor, file).headers["Location"]
    assert not old.exists()
    assert (uploads / re.search(r"[0-9a-f]{32}", second).group()).exists()
