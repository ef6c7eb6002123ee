"""Issue 13, item 5: the impact preview's "—" (an address within 15 m of a new line) lists
the zones and schools on both sides, for staff to settle by hand."""
from __future__ import annotations

import pytest

from tests.test_staff_zones import build_app, signed_in
from tests.zone_files import gbk_shapefile_zip, redrawn_zones


@pytest.fixture(scope="module")
def impact(tmp_path_factory):
    folder = tmp_path_factory.mktemp("boundary")
    app = build_app(folder)
    path = gbk_shapefile_zip(folder, redrawn_zones())
    result = app.test_cli_runner().invoke(args=["zones", "import", str(path), "--commit",
                                                "--id", "edge"])
    assert result.exit_code == 0, result.output
    editor = signed_in(app, "editor")
    return editor.get("/staff/zones/edge/impact.json").get_json(), \
        editor.get("/staff/zones/edge/impact").get_data(as_text=True), app


def test_a_boundary_case_names_the_zones_on_both_sides(impact):
    data, page, app = impact
    cases = [row for row in data["by_xiaoqu"] if not row["to_schools"]
             and len(row["to_candidates"]) >= 2]
    assert cases, data["by_xiaoqu"][:5]
    zone_ids = {c["zone_id"] for c in cases[0]["to_candidates"]}
    assert {"P01", "P05"} & zone_ids
    with app.app_context():
        from webapp.services import school_names
        names = school_names()
    first, second = cases[0]["to_candidates"][:2]
    shown = f"{first['zone_id']} {names[first['schools'].split('|')[0]]}"
    assert "边界 15 米内：" in page and shown in page and "需人工确认" in page
    assert f" / {second['zone_id']} " in page
