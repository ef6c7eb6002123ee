"""Issue 16 through the test client: every service one tap away, shareable and printable
answers (and bad shared links), a school's own page, the map's own streets, honest labels."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
import shapely

from tests.helpers import assigned_address, login, make_user
from webapp.public.navigation import PUBLIC_SERVICES

SERVICE_PATHS = ["/", "/wizard", "/faq/", "/gk/", "/notices/", "/complaints/",
                 "/complaints/status"]


def text(response) -> str:
    return response.get_data(as_text=True)


def header(html: str) -> str:
    return html[html.index('<header class="site-header"'):html.index("</header>")]


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer"'):html.index("</footer>")]


@pytest.fixture(scope="module")
def home(sample_snapshot) -> str:
    return assigned_address(sample_snapshot)


@pytest.mark.parametrize("path", SERVICE_PATHS + ["/schools/x", "/?address=临河街1226号"])
def test_every_public_page_links_every_service_in_header_and_footer(client, path):
    html = text(client.get(path))
    assert len(PUBLIC_SERVICES) == 7
    for part in (header(html), footer(html)):
        links = re.findall(r'<a href="([^"]+)"', part)
        assert all(p in links for p in SERVICE_PATHS), (path, links)
    for label in ("查学区", "入学材料自查", "常见问题", "政府信息公开", "公示", "咨询与投诉",
                  "办理进度"):
        assert f">{label}</a>" in footer(html)


def test_staff_pages_do_not_carry_the_parent_footer(app):
    client = app.test_client()
    html = text(client.get("/staff/login"))
    assert "footer-nav" not in html and "service-nav" not in html
    assert "查询结果仅供参考" not in footer(html)


def test_the_disclaimer_appears_once_on_an_answer(client, home):
    html = text(client.get("/", query_string={"address": home}))
    assert html.count("入学资格以教育局和学校的审核结果为准") == 1
    assert "查询结果仅供参考" not in footer(html)


def test_the_answer_links_fitting_faq_entries_documents_and_the_complaint_form(
        client, sample_snapshot, home):
    html = text(client.get("/", query_string={"address": home}))
    related = html[html.index("相关问答与政策"):html.index("咨询与监督")]
    faq = re.findall(r'href="/faq/([^"]+)"', related)
    docs = re.findall(r'href="/gk/([^"]+)"', related)
    assert faq and docs and "/complaints/new?kind=complaint" in related
    for code in faq:  # every linked entry exists
        assert client.get(f"/faq/{code}").status_code == 200
    for code in docs:
        assert client.get(f"/gk/{code}").status_code == 200
    # A boundary answer leads to the boundary FAQ first, and to a consultation.
    from tests.test_public_pages import boundary_point
    point, _ = boundary_point(sample_snapshot)
    boundary = text(client.get(f"/?lat={point.y}&lng={point.x}"))
    related = boundary[boundary.index("相关问答与政策"):]
    first = re.search(r'href="/faq/([^"]+)">([^<]+)<', related)
    assert "分界线" in first.group(2)
    assert "/complaints/new?kind=consult" in related


def test_an_answer_has_its_own_url_and_open_graph_tags(client, sample_snapshot, home):
    for query in ({"address": home}, {"address": "临河街1226号"},
                  {"lat": "43.8790", "lng": "125.3900"}):
        response = client.get("/", query_string=query)
        html = text(response)
        assert response.status_code == 200 and 'id="answer"' in html
        share = re.search(r'data-share-url="([^"]+)"', html).group(1)
        assert share.startswith("http://localhost/?")
        # The link brings back the same answer.
        again = text(client.get(share.replace("&amp;", "&").removeprefix("http://localhost")))
        zones = re.search(r'data-zones="([^"]*)"', html).group(1)
        assert zones and re.search(r'data-zones="([^"]*)"', again).group(1) == zones
        title = re.search(r'<meta property="og:title" content="([^"]+)"', html).group(1)
        first_zone = zones.split()[0]
        zone = next(z for z in sample_snapshot.zone_set.zones if z.zone_id == first_zone)
        assert sample_snapshot.schools[zone.school_codes[0]].name in title
        assert re.search(r'<meta property="og:url" content="http://localhost/\?', html)


def test_a_tap_on_gcj02_tiles_shares_the_point_in_wgs84(client):
    html = text(client.get("/answer?lat=43.8815&lng=125.3966&crs=gcj02"))
    share = re.search(r'data-share-url="([^"]+)"', html).group(1)
    assert "crs" not in share
    lat = float(re.search(r"lat=([\d.]+)", share).group(1))
    assert abs(lat - 43.8815) > 0.0005  # converted, not the GCJ-02 figure


@pytest.mark.parametrize("query, message", [
    ("address=" + "临" * 201, "地址太长了"),
    ("lat=abc&lng=125.39", "lat 必须是数字"),
    ("lat=43.879", "缺少 lng"),
    ("lat=95&lng=125.39", "lat"),
    ("lat=125.39&lng=43.879", "lat"),
    ("lat=43.879&lng=125.39&address=x", "不要同时提供"),
    ("address=%E4%B8%B4%01", "地址"),
])
def test_a_bad_shared_link_shows_the_same_message_as_the_form(client, query, message):
    page = client.get("/?" + query)
    fragment = client.get("/answer?" + query)
    printed = client.get("/print?" + query)
    assert page.status_code == fragment.status_code == printed.status_code == 400
    shown = re.search(r'class="error" role="alert">([^<]+)<', text(page)).group(1)
    assert message in shown
    assert shown in text(fragment) and shown in text(printed)
    assert 'id="search-form"' in text(page)  # the form is still there to try again


def test_a_shared_link_to_another_districts_address_says_so(client):
    for query in ("address=" + quote("北京市朝阳区建国路1号"), "lat=39.9&lng=116.4"):
        html = text(client.get("/?" + query))
        assert 'data-status="outside_district"' in html and "不在二道区" in html


def test_the_print_view_has_the_date_version_and_a_qr_code_of_the_link(client, sample_snapshot,
                                                                       home):
    html = text(client.get("/print", query_string={"address": home}))
    assert "打印日期：" in html and "北京时间" in html
    assert sample_snapshot.zone_version["id"] in html
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'class="qr"' in svg and "<script" not in svg and "path" in svg
    assert f"http://localhost/?address={quote(home)}" in html
    # The QR code encodes the link (segno is deterministic for the same text).
    import segno
    assert segno.make(f"http://localhost/?address={quote(home)}", error="m").version >= 1
    assert "print.js" in html and "onclick" not in html


def test_a_school_page_shows_its_zone_text_plan_feeder_and_phone(client, sample_snapshot):
    school = next(s for s in sample_snapshot.schools.values()
                  if s.level == "primary" and s.feeds and s.phone)
    html = text(client.get(f"/schools/{school.code}"))
    zone = next(z for z in sample_snapshot.zone_set.zones if school.code in z.school_codes)
    assert school.name in html and zone.description in html
    assert f'href="tel:{school.phone}"' in html
    assert f'href="/schools/{school.feeds}"' in html
    assert 'data-school="' + school.code + '"' in html
    middle = text(client.get(f"/schools/{school.feeds}"))
    assert f'href="/schools/{school.code}"' in middle  # and back, from the middle school
    # Reachable from the answer.
    point = zone.geometry.representative_point()
    answer = text(client.get(f"/?lat={point.y}&lng={point.x}"))
    assert f'href="/schools/{school.code}"' in answer


@pytest.mark.parametrize("code", ["NOPE", "x" * 300, "%3Cscript%3Ealert(1)"])
def test_an_unknown_school_is_a_404_page_in_the_users_language(app, code):
    client = app.test_client()
    response = client.get(f"/schools/{code}")
    assert response.status_code == 404 and "没有找到这所学校" in text(response)
    assert "<script>alert" not in text(response)
    english = client.get(f"/schools/{code}?lang=en")
    assert english.status_code == 404
    assert "could not find this school" in text(english).lower()
    assert "Page not found" in text(english)
    assert client.get("/schools/..%2F..%2Fetc").status_code == 404


def test_the_map_data_has_the_datasets_own_streets_with_names(client, sample_snapshot):
    data = client.get("/map/data.json").get_json()
    with open("data/sample/streets.geojson", encoding="utf-8") as f:
        streets = json.load(f)["features"]
    names = {f["properties"]["name"] for f in data["basemap"]["streets"]["features"]}
    assert names == {f["properties"]["name"] for f in streets}
    assert data["basemap"]["subdistricts"]["features"]
    assert data["basemap"]["xiaoqu_labels"]["features"]  # no 小区 outlines: labels at centres
    assert {s["code"] for s in data["schools"]} <= set(sample_snapshot.schools)
    assert all(s["url"] == f"/schools/{s['code']}" for s in data["schools"])
    assert set(data["zones"]) == {"primary", "middle"}
    assert data["labels"]["school_zone"] == "查这所学校的划片范围"
    assert data["tiles"] == []  # XUEQU_TILES=none: the streets are the base map


def test_the_streets_come_from_the_loaded_dataset(app, sample_snapshot):
    from admissions.dataset import read_basemap
    basemap = read_basemap(__import__("pathlib").Path("data/sample"))
    assert sample_snapshot.basemap == basemap
    first = shapely.geometry.shape(basemap["streets"]["features"][0]["geometry"])
    assert first.geom_type in ("LineString", "MultiLineString")


def test_english_labels_are_not_double_bracketed(client, home):
    html = text(client.get("/", query_string={"address": home, "lang": "en"}))
    assert not re.search(r"\([^()]*\([^()]*\)\)", html), re.search(r"\([^()]*\([^()]*\)\)", html)
    zh = text(client.get("/", query_string={"address": home, "lang": "zh"}))
    assert "（对口入学）" in zh


def test_the_favicon_is_served_locally(client):
    html = text(client.get("/"))
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert client.get(href).status_code == 200
    assert client.get("/favicon.ico").status_code == 301


def test_the_error_heading_does_not_repeat_its_body(client):
    html = text(client.get("/no-such-page"))
    heading = re.search(r"<h1>([^<]+)</h1>", html).group(1)
    body = re.search(r'role="alert">.*?<p>([^<]+)</p>', html, re.S).group(1)
    assert heading.strip("。") != body.strip("。") and heading not in body


def test_the_language_choice_survives_signing_in(app):
    client = app.test_client()
    name = make_user(app, "editor")
    client.get("/?lang=en")
    login(client, name)
    assert '<html lang="en"' in text(client.get("/staff/", follow_redirects=True))


# Forms that help (item 6) ---------------------------------------------------------------

def complaint_form(client) -> dict:
    from tests.helpers import csrf_token
    return {"csrf_token": csrf_token(client, "/complaints/new")}


def test_an_anonymous_report_is_accepted_and_the_form_says_so(app):
    client = app.test_client()
    page = text(client.get("/complaints/new?kind=report"))
    assert "举报可以匿名：姓名和电话都可以不填" in page
    response = client.post("/complaints/new", data={
        **complaint_form(client), "kind": "report", "content": "某校收取择校费。",
        "caller_name": "", "caller_phone": ""})
    assert response.status_code == 201 and 'id="tracking"' in text(response)


def test_other_kinds_still_need_a_name_and_a_phone(app):
    from admissions import inquiries
    _, errors = inquiries.check_new({"kind": "complaint", "content": "x"}, set())
    assert {e.field for e in errors} == {"caller_name", "caller_phone"}
    _, errors = inquiries.check_new({"kind": "report", "content": "x",
                                     "caller_phone": "123"}, set())
    assert [e.field for e in errors] == ["caller_phone"]  # a phone given must be valid
    new, errors = inquiries.check_new({"kind": "report", "content": "x",
                                       "contact_consent": "1"}, set())
    assert not errors and new.caller_name == "" and not new.contact_consent


def test_required_fields_are_marked(client):
    page = text(client.get("/complaints/new"))
    form = page[page.index("<form"):page.index("</form>")]
    for field in ("kind", "content", "caller_name", "caller_phone"):
        label = re.search(rf'<label for="{field}">(.*?)</label>', form, re.S).group(1)
        assert 'class="required-mark"' in label, field
    assert "带 * 的为必填项" in page
    school = re.search(r'<label for="school_code">(.*?)</label>', form, re.S).group(1)
    assert "required-mark" not in school


def test_every_error_is_shown_at_once_beside_its_field_and_the_input_is_kept(app):
    client = app.test_client()
    typed = "学校要求家长<b>买资料</b>"
    response = client.post("/complaints/new", data={
        **complaint_form(client), "kind": "complaint", "content": typed,
        "caller_name": "<x>", "caller_phone": "12", "school_code": "NO-SUCH"})
    html = text(response)
    assert response.status_code == 400
    summary = html[html.index('id="form-error"'):html.index("<form")]
    assert summary.count("<li>") == 3  # name, phone, school — all at once
    for field in ("caller_name", "caller_phone", "school_code"):
        assert f'id="error-{field}"' in html
        control = re.search(rf'<(?:input|select)[^>]*id="{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in control and f"error-{field}" in control
    assert "学校要求家长&lt;b&gt;买资料&lt;/b&gt;" in html  # kept, escaped
    assert 'value="12"' in html
    assert 'aria-invalid="true"' not in re.search(r'<textarea[^>]*>', html).group(0)


# 北京时间 (item 5) --------------------------------------------------------------------------

def test_the_status_page_shows_beijing_time(app):
    import datetime as dt

    from admissions import inquiries
    from webapp.services import services
    client = app.test_client()
    client.post("/complaints/new", data={
        **complaint_form(client), "kind": "consult", "content": "请问何时登记？",
        "caller_name": "李先生", "caller_phone": "13812345678"})
    with app.app_context(), services().sessions.begin() as session:
        case = session.scalars(inquiries.select(inquiries.Inquiry).order_by(
            inquiries.Inquiry.id.desc())).first()
        case.steps[0].at = dt.datetime(2026, 12, 1, 17, 18, 31)  # UTC, as stored
        tracking = case.tracking
    html = text(client.post("/complaints/status", data={
        **complaint_form(client), "tracking": tracking, "phone_last4": "5678"}))
    assert "2026-12-02 01:18（北京时间）" in html and "17:18" not in html


def test_notice_comments_export_in_beijing_time():
    import datetime as dt
    from types import SimpleNamespace

    from zones.exports import comments_csv
    row = SimpleNamespace(id=1, at=dt.datetime(2026, 12, 1, 17, 18, 31), name="王",
                          contact="", body="意见")
    assert "2026-12-02T01:18:31+08:00" in comments_csv([row])


def test_the_calendar_names_its_time_zone(client):
    assert "X-WR-TIMEZONE:Asia/Shanghai" in text(client.get("/timeline.ics"))


# Language honesty (item 7) ---------------------------------------------------------------

@pytest.mark.parametrize("path", ["/faq/", "/gk/", "/", "/schools/"])
def test_english_pages_say_once_that_some_content_is_chinese_only(app, sample_snapshot, path):
    client = app.test_client()
    if path == "/schools/":
        path += min(sample_snapshot.schools)
    english = text(client.get(path + ("&" if "?" in path else "?") + "lang=en"))
    assert english.count('class="only-chinese"') == 1
    assert "available in Chinese only" in english
    chinese = text(client.get(path + ("&" if "?" in path else "?") + "lang=zh"))
    assert 'class="only-chinese"' not in chinese


def test_faq_snippets_start_at_a_sentence():
    from admissions.kb_search import snippet
    body = "第一句话讲别的事情，很长很长。第二句说到派位的规则，后面还有很多内容。" * 3
    shown, spans = snippet(body, ("派位",), 40)
    assert shown.lstrip("…").startswith("第二句") and spans
    assert shown[spans[0][0]:spans[0][1]] == "派位"


def test_a_dataset_with_xiaoqu_outlines_draws_them_instead_of_labels(tmp_path, sample_snapshot):
    import dataclasses

    from admissions.dataset import read_basemap
    from webapp.public.mapdata import _basemap
    outline = {"type": "FeatureCollection", "features": [{"type": "Feature",
               "properties": {"name": "东盛小区", "extra": "dropped"}, "geometry": {
                   "type": "Polygon", "coordinates": [[[125.39, 43.88], [125.40, 43.88],
                                                       [125.40, 43.89], [125.39, 43.88]]]}}]}
    (tmp_path / "xiaoqu.geojson").write_text(json.dumps(outline), encoding="utf-8")
    basemap = read_basemap(tmp_path)
    assert list(basemap) == ["xiaoqu"]  # absent files are left out
    assert basemap["xiaoqu"]["features"][0]["properties"] == {"name": "东盛小区"}
    layers = _basemap(dataclasses.replace(sample_snapshot, basemap=basemap), "wgs84")
    assert "xiaoqu" in layers and "xiaoqu_labels" not in layers
