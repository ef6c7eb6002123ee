"""Issue 13, item 5: a file with school names (学校名称) instead of, or besides, codes has
the names mapped to the district's school codes; an unknown name or one that fits two
schools is a finding naming the row and the name. A GBK Shapefile with Chinese columns,
through the pages and the CLI."""
from __future__ import annotations

import json

import pytest
import shapely

from admissions.dataset import SAMPLE_DIR
from tests.test_staff_zones import build_app, check_json, mapping_form, signed_in, upload
from tests.zone_files import gbk_shapefile_zip, sample_zones
from zones.mapping import guess_mapping, resolve_school_names
from zones.model import School, Zone

NAMES = {s["code"]: s["name"] for s in json.loads((SAMPLE_DIR / "schools.json").read_text())}


def named_shapefile(tmp_path, unknown_row: int | None = None, keep_codes: int = 0):
    """The sample zones with 学校名称 (full-width brackets turned half-width) and codes only
    for the first `keep_codes` rows."""
    frame = sample_zones()
    frame["学校名称"] = ["、".join(NAMES[c].replace("（", "(").replace("）", ")")
                               for c in codes.split(",")) for codes in frame["school_codes"]]
    frame["school_codes"] = [codes if i < keep_codes else ""
                             for i, codes in enumerate(frame["school_codes"])]
    if unknown_row is not None:
        frame.loc[unknown_row, "学校名称"] = "不存在的小学"
    return gbk_shapefile_zip(tmp_path, frame, name="named"), frame


def test_school_name_columns_are_recognised():
    for column in ("学校名称", "School Name", "school_name", "校名"):
        assert guess_mapping(["学区编号", column])["school_names"] == column


@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    return build_app(tmp_path_factory.mktemp("names"))


def test_names_become_codes_through_the_pages(own_app, tmp_path):
    path, frame = named_shapefile(tmp_path, keep_codes=5)
    editor = signed_in(own_app, "editor")
    mapping_url = upload(editor, path).headers["Location"]
    form = mapping_form(editor.get(mapping_url).get_data(as_text=True))
    assert form["school_names"] == "学校名称" and form["school_codes"] == "学校代码"
    status = check_json(editor, mapping_url, form)
    assert status["state"] == "done" and status["report"]["blocking"] == 0, status
    assert not [f for f in status["report"]["findings"] if "name" in f["code"]]
    # Names alone are enough, too.
    status = check_json(editor, mapping_url, {**form, "school_codes": ""})
    assert status["report"]["blocking"] == 0


def test_an_unknown_name_is_a_finding_naming_the_row(own_app, tmp_path):
    path, frame = named_shapefile(tmp_path, unknown_row=2)
    result = own_app.test_cli_runner().invoke(args=["zones", "import", str(path)])
    assert result.exit_code == 1
    zone = frame.loc[2, "zone_id"]
    assert f"第 3 行（学区 {zone}）的学校名称“不存在的小学”不在本区的学校名单里" in result.output
    line = next(line for line in result.output.splitlines() if "第 3 行" in line)
    assert " @ " in line  # located, at the zone


def test_a_name_of_two_schools_is_a_finding():
    square = shapely.box(125.3, 43.8, 125.31, 43.81)
    schools = {"A1": School("A1", "东风小学", "primary"),
               "A2": School("A2", "东风 小学", "primary"),
               "B1": School("B1", "红旗学校", "primary"),
               "B2": School("B2", "红旗学校", "middle")}
    zones = [Zone("Z1", "primary", (), "direct", "x", square),
             Zone("Z2", "primary", (), "direct", "x", square),
             Zone("Z3", "primary", ("C9",), "direct", "x", square)]
    resolved, findings = resolve_school_names(zones, [("东风小学",), ("红旗学校",), ("x",)],
                                              schools)
    assert [f.code for f in findings] == ["ambiguous_school_name"]
    assert "第 1 行" in findings[0].message % findings[0].params
    assert "A1、A2" in findings[0].params["codes"]
    assert resolved[1].school_codes == ("B1",)  # the one that serves the level
    assert resolved[2].school_codes == ("C9",)  # codes in the file win
