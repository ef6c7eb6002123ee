"""Issue 13, item 5: field mapping recognises the usual Chinese and English column names,
messages name fields in Chinese, and a 划片范围 cut by the Shapefile format is flagged —
through the web pages and `flask zones import`."""
from __future__ import annotations

import zipfile

import pyogrio
import pytest

from tests.test_staff_zones import build_app, check, check_json, mapping_form, signed_in, upload
from tests.zone_files import sample_zones, write_as
from zones.mapping import guess_mapping


@pytest.fixture()
def own_app(tmp_path):
    return build_app(tmp_path)


@pytest.mark.parametrize("columns, expected", [
    (["学校代码", "学校名称", "学段", "招生方式", "范围描述", "门牌规则", "学区编号"],
     {"school_codes": "学校代码", "level": "学段", "allocation": "招生方式",
      "description": "范围描述", "address_rules": "门牌规则", "zone_id": "学区编号"}),
    (["Zone Code", "School_Code", "Stage", "Admission-Type", "Scope", "Address Rules"],
     {"zone_id": "Zone Code", "school_codes": "School_Code", "level": "Stage",
      "allocation": "Admission-Type", "description": "Scope", "address_rules": "Address Rules"}),
    (["划片范围", "other"], {"description": "划片范围", "school_codes": None}),
])
def test_usual_column_names_are_mapped(columns, expected):
    guessed = guess_mapping(columns)
    for target, column in expected.items():
        assert guessed[target] == column, (target, guessed)


def chinese_columns_file(tmp_path, description_chars: int = 40):
    frame = sample_zones().rename(columns={
        "zone_id": "学区编号", "level": "学段", "school_codes": "学校代码",
        "allocation": "招生方式", "description": "范围描述", "address_rules": "门牌规则"})
    frame["范围描述"] = frame["范围描述"].str.slice(0, description_chars)
    return frame


def test_chinese_column_names_map_in_the_upload_form(own_app, tmp_path):
    editor = signed_in(own_app, "editor")
    path = write_as(tmp_path, chinese_columns_file(tmp_path), ".geojson", "GeoJSON")
    page = editor.get(upload(editor, path).headers["Location"]).get_data(as_text=True)
    form = mapping_form(page)
    assert form["allocation"] == "招生方式" and form["description"] == "范围描述"
    assert form["address_rules"] == "门牌规则" and form["school_codes"] == "学校代码"


def test_a_missing_required_field_is_named_in_chinese(own_app, tmp_path):
    editor = signed_in(own_app, "editor")
    path = write_as(tmp_path, chinese_columns_file(tmp_path), ".geojson", "GeoJSON")
    location = upload(editor, path).headers["Location"]
    form = {**mapping_form(editor.get(location).get_data(as_text=True)), "zone_id": ""}
    answer = editor.post(location, data=form)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "请为“学区编号”选择一个字段" in text
    assert "“zone_id”" not in text
    english = editor.post(location, data=form, headers={"Accept-Language": "en"})
    assert "zone_id" not in english.get_data(as_text=True).split('role="alert"')[1][:300]


def cut_shapefile(tmp_path):
    """A GBK Shapefile whose 划片范围 of 300 characters GDAL cut to the field's 254 bytes."""
    frame = sample_zones(("primary",)).drop(columns=["address_rules"]).rename(columns={
        "zone_id": "学区编号", "level": "学段", "school_codes": "学校代码",
        "allocation": "入学方式", "description": "划片范围"})
    frame["划片范围"] = frame["划片范围"].str.slice(0, 60)
    frame.loc[0, "划片范围"] = "自由大路以南" * 50
    work = tmp_path / "cut-parts"
    work.mkdir()
    pyogrio.write_dataframe(frame, work / "cut.shp", encoding="GBK")
    out = tmp_path / "cut.zip"
    with zipfile.ZipFile(out, "w") as archive:
        for part in sorted(work.iterdir()):
            archive.write(part, part.name)
    return out, frame.loc[0, "学区编号"]


def test_a_description_cut_by_the_shapefile_format_is_flagged(own_app, tmp_path):
    path, zone_id = cut_shapefile(tmp_path)
    editor = signed_in(own_app, "editor")
    location = upload(editor, path).headers["Location"]
    form = mapping_form(editor.get(location).get_data(as_text=True))
    report = check_json(editor, location, form)["report"]
    cut = [f for f in report["findings"] if f["code"] == "description_cut"]
    assert [f["zone_id"] for f in cut] == [zone_id] and cut[0]["severity"] == "warning"
    assert "截断" in cut[0]["message"]
    page = check(editor, location, form)[1].get_data(as_text=True)
    assert "很可能被截断" in page

    result = own_app.test_cli_runner().invoke(args=["zones", "import", str(path), "--json"])
    assert "description_cut" in result.output, result.output
