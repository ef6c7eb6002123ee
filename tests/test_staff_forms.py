"""Staff forms through the test client: a mistake comes back on the same form with the
field marked and tied to the message, never as a bare error page; the validation report
carries the uploaded zones for its map; every knowledge-base form opens."""
from __future__ import annotations

import json
import re

import pytest

from tests.test_staff_zones import build_app, check, mapping_form, save, signed_in, upload
from tests.zone_files import gbk_shapefile_zip, redrawn_zones


@pytest.fixture()
def mapping(tmp_path):
    app = build_app(tmp_path)
    editor = signed_in(app, "editor")
    url = upload(editor, gbk_shapefile_zip(tmp_path, redrawn_zones())).headers["Location"]
    return editor, url, mapping_form(editor.get(url).get_data(as_text=True))


def marked(html: str, control_id: str) -> bool:
    tag = re.search(rf'<(?:select|input|textarea)[^>]*id="{control_id}"[^>]*>', html).group(0)
    return 'aria-invalid="true"' in tag and 'aria-describedby="upload-error"' in tag


def test_a_missing_required_column_marks_that_select(mapping):
    editor, url, form = mapping
    response = editor.post(url, data={**form, "school_codes": "", "action": "validate"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="upload-error"' in html and 'id="mapping-form"' in html
    assert marked(html, "map-school_codes") and not marked(html, "map-zone_id")
    assert '<option selected>学区编号</option>' in html  # the other choices are kept


def test_a_bad_version_id_keeps_the_report_and_marks_the_field(mapping):
    editor, url, form = mapping
    response = save(editor, url, form, zone_set_id="../v2", label="2028 调整")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="report-summary"' in html
    assert marked(html, "zone_set_id") and 'value="2028 调整"' in html


def test_a_taken_version_id_is_refused_on_the_form(mapping):
    editor, url, form = mapping
    first = save(editor, url, form, zone_set_id="dup-v2")
    assert first.status_code == 302
    again = save(editor, url, form, zone_set_id="dup-v2")
    assert again.status_code == 400 and marked(again.get_data(as_text=True), "zone_set_id")


def test_a_malformed_effective_date_is_a_field_error_not_a_500(mapping):
    editor, url, form = mapping
    response = save(editor, url, form, zone_set_id="date-v2", effective_from="2028-02-30")
    assert response.status_code == 400
    assert marked(response.get_data(as_text=True), "effective_from")


def test_the_validation_map_gets_every_uploaded_zone(mapping):
    editor, url, form = mapping
    html = check(editor, url, form)[1].get_data(as_text=True)
    zones = json.loads(re.search(r'<script type="application/json" id="uploaded-zones">(.*?)'
                                 r'</script>', html, re.S).group(1))
    levels = {f["properties"]["level"] for f in zones["features"]}
    assert len(zones["features"]) == len(redrawn_zones()) and levels == {"primary", "middle"}
    assert 'data-inline="uploaded-zones findings-data"' in html


@pytest.mark.parametrize("path", ["/staff/kb/", "/staff/kb/faq/new", "/staff/kb/policy/new"])
def test_knowledge_base_forms_open(app, path):
    editor = signed_in(app, "editor")
    response = editor.get(path)
    assert response.status_code == 200 and "<h1>" in response.get_data(as_text=True)
