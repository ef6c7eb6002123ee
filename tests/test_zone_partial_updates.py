"""Issue 13, item 1: a file with the zones of one level replaces that level only; whole-level
replacements and large moves need a publisher's reason, which goes into the audit log.
Through the web pages and the CLI (dry run leaves everything as it was)."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pyogrio
import pytest

from tests.test_staff_zones import build_app, check, mapping_form, signed_in, upload
from tests.zone_files import gbk_shapefile_zip, redrawn_zones
from zones import audit, storage


def primary_only(frame):
    return frame[frame["level"] == "primary"].reset_index(drop=True)


def saving(page: str) -> dict:
    """The fields the check page's save button sends."""
    return {"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1),
            "action": "save"}


def state(app):
    """The published version, the versions (with their status), the uploads on disk and
    the temporary folders of checks (none once a check has ended, however it ended)."""
    services = app.extensions["xuequ"]
    with services.sessions() as session:
        versions = sorted((z.id, z.status) for z in storage.list_zone_sets(session))
        published = storage.published_zone_set_id(session)
    uploads = Path(services.settings.instance_path) / "uploads"
    scratch = sorted(p.name for p in Path(tempfile.gettempdir()).glob("xuequ-check-*"))
    return published, versions, sorted(p.name for p in uploads.glob("*")), scratch


@pytest.fixture()
def own_app(tmp_path):
    return build_app(tmp_path)


def published_zones(app):
    with app.extensions["xuequ"].sessions() as session:
        return storage.load_zone_set(session, storage.published_zone_set_id(session))


def exported_primary_moved(app, tmp_path):
    """The issue's case: the published primary zones exported by the service itself, one
    boundary moved, saved as a GBK Shapefile."""
    editor = signed_in(app, "editor")
    geojson = tmp_path / "published.geojson"
    geojson.write_bytes(editor.get("/staff/zones/sample-2027/download.geojson").data)
    exported = pyogrio.read_dataframe(geojson)
    assert set(exported["level"]) == {"primary", "middle"}
    moved = primary_only(redrawn_zones())
    return gbk_shapefile_zip(tmp_path, moved, name="primary-moved")


def test_a_primary_only_shapefile_keeps_the_middle_zones_and_the_rules(own_app, tmp_path):
    before = published_zones(own_app)
    rules_before = {(z.level, z.zone_id): z.address_rules for z in before.zones}
    assert any(rules_before.values())
    path = exported_primary_moved(own_app, tmp_path)
    editor = signed_in(own_app, "editor")
    mapping_url = upload(editor, path).headers["Location"]
    form = mapping_form(editor.get(mapping_url).get_data(as_text=True))
    check_url, page = check(editor, mapping_url, form)
    page = page.get_data(as_text=True)
    assert "0 个必须修正的问题" in page
    assert "本文件只含小学学区" in page and "沿用当前发布版本 sample-2027" in page
    saved = editor.post(check_url, data={**saving(page), "zone_set_id": "p-only"})
    assert saved.status_code == 302
    with own_app.extensions["xuequ"].sessions() as session:
        draft = storage.load_zone_set(session, "p-only")
    middle_before = sorted(z.zone_id for z in before.zones if z.level == "middle")
    assert sorted(z.zone_id for z in draft.zones if z.level == "middle") == middle_before
    assert {(z.level, z.zone_id): z.address_rules for z in draft.zones} == rules_before
    impact = editor.get("/staff/zones/p-only/impact.json").get_json()
    assert impact["zones_removed"] == 0 and impact["zones_added"] == 0
    assert 0 < impact["addresses_moved"] < 0.2 * impact["addresses_checked"]


def test_the_cli_dry_run_says_so_and_changes_nothing(own_app, tmp_path):
    path = exported_primary_moved(own_app, tmp_path)
    before = state(own_app)
    result = own_app.test_cli_runner().invoke(args=["zones", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "本文件只含小学学区" in result.output and "试运行" in result.output
    assert state(own_app) == before


def renamed_primary(tmp_path):
    frame = primary_only(redrawn_zones())
    frame["zone_id"] = ["N" + z for z in frame["zone_id"]]
    return gbk_shapefile_zip(tmp_path, frame, name="renamed")


def test_replacing_a_whole_level_needs_a_publisher_and_a_reason(own_app, tmp_path):
    path = renamed_primary(tmp_path)
    editor = signed_in(own_app, "editor")
    mapping_url = upload(editor, path).headers["Location"]
    form = mapping_form(editor.get(mapping_url).get_data(as_text=True))
    check_url, page = check(editor, mapping_url, form)
    page = page.get_data(as_text=True)
    assert "整个学段将被替换" in page and "只有发布人员可以接受" in page
    before = state(own_app)
    refused = editor.post(check_url, data={**saving(page), "zone_set_id": "x1",
                                           "accept_reason": "全区重新编号"})
    assert refused.status_code == 400 and state(own_app) == before

    publisher = signed_in(own_app, "publisher")
    mapping_url = upload(publisher, path).headers["Location"]
    form = mapping_form(publisher.get(mapping_url).get_data(as_text=True))
    check_url, page = check(publisher, mapping_url, form)
    fields = saving(page.get_data(as_text=True))
    no_reason = publisher.post(check_url, data={**fields, "zone_set_id": "x1"})
    assert no_reason.status_code == 400 and "理由" in no_reason.get_data(as_text=True)
    assert state(own_app)[1] == before[1]
    saved = publisher.post(check_url, data={**fields, "zone_set_id": "x1",
                                            "accept_reason": "全区学区重新编号"})
    assert saved.status_code == 302
    with own_app.extensions["xuequ"].sessions() as session:
        entry = next(e for e in audit.entries(session)
                     if e.action == "zone_set_change_accepted")
    assert entry.zone_set_id == "x1" and entry.detail["reason"] == "全区学区重新编号"
    assert entry.detail["findings"] == ["level_replaced"]


def test_the_cli_refuses_a_whole_level_without_a_reason(own_app, tmp_path):
    path = renamed_primary(tmp_path)
    runner = own_app.test_cli_runner()
    before = state(own_app)
    dry = runner.invoke(args=["zones", "import", str(path)])
    assert dry.exit_code == 1 and "整个学段将被替换" in dry.output
    refused = runner.invoke(args=["zones", "import", str(path), "--commit", "--id", "c1"])
    assert refused.exit_code != 0 and state(own_app) == before
    done = runner.invoke(args=["zones", "import", str(path), "--commit", "--id", "c1",
                               "--accept-reason", "全区学区重新编号"])
    assert done.exit_code == 0, done.output
    assert ("c1", "draft") in state(own_app)[1]


def test_moving_more_than_the_share_needs_acceptance(tmp_path):
    app = build_app(tmp_path, MAX_MOVED_SHARE=0.001)
    path = gbk_shapefile_zip(tmp_path, primary_only(redrawn_zones()), name="moved")
    result = app.test_cli_runner().invoke(args=["zones", "import", str(path), "--json"])
    assert result.exit_code == 1
    assert "many_moved" in result.output and "超过了 0.1% 的上限" in result.output
