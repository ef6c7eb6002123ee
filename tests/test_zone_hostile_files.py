"""Issue 13, item 2: every malformed file a GIS department really sends ends in a located
finding or a clear message — through the web pages and `flask zones import` (dry run) —
never a 500, a hang or invalid JSON, and leaves the published version, the drafts and the
disk as they were."""
from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import gis.vector_io
import zones.jobs
from tests.test_staff_zones import build_app, check, mapping_form, save, signed_in, upload
from tests.test_zone_partial_updates import state
from tests.zone_files import sample_zones, write_as


def strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


def unclosed_ring(tmp_path):
    data = json.loads(sample_zones().to_json())
    ring = data["features"][0]["geometry"]["coordinates"][0]
    ring = ring[0] if isinstance(ring[0][0], list) else ring
    del ring[-1]
    out = tmp_path / "unclosed.geojson"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return out


def duplicated_under_new_id(tmp_path):
    frame = sample_zones()
    copy = frame.iloc[[0]].copy()
    copy["zone_id"] = "P99"
    both = gpd.GeoDataFrame(pd.concat([frame, copy], ignore_index=True), crs=4326)
    return write_as(tmp_path, both, ".geojson", "GeoJSON", name="duplicated")


def swapped(tmp_path):
    frame = sample_zones()
    frame.geometry = [shapely.ops.transform(lambda x, y: (y, x), g) for g in frame.geometry]
    return write_as(tmp_path, frame, ".geojson", "GeoJSON", name="swapped")


def absurd_magnitude(tmp_path):
    frame = sample_zones()
    frame.loc[0, "geometry"] = shapely.Polygon([(0, 0), (1e308, 0), (1e308, 1e308)])
    return write_as(tmp_path, frame, ".geojson", "GeoJSON", name="absurd")


def many_polygons(tmp_path):
    n = 150_000
    x = 125.3 + (np.arange(n) % 400) * 1e-4
    y = 43.8 + (np.arange(n) // 400) * 1e-4
    frame = gpd.GeoDataFrame({"zone_id": [f"Z{i}" for i in range(n)], "level": "primary",
                              "school_codes": "EDP01", "description": "x"},
                             geometry=shapely.box(x, y, x + 2e-4, y + 2e-4), crs=4326)
    return write_as(tmp_path, frame, ".gpkg", "GPKG", name="many")


FILES = {"unclosed": (unclosed_ring, "没有闭合"),
         "duplicated": (duplicated_under_new_id, "P01 与 P99 重叠"),
         "swapped": (swapped, "经度和纬度颠倒了"),
         "absurd": (absurd_magnitude, "1e+308"),
         "many": (many_polygons, "150000 个要素，超过了 5000 个的上限")}


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    return build_app(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("kind", FILES)
def test_through_the_web_pages(hostile_app, tmp_path, kind):
    make, expected = FILES[kind]
    path = make(tmp_path)
    editor = signed_in(hostile_app, "editor")
    mapping_url = upload(editor, path).headers["Location"]
    before = state(hostile_app)
    page = editor.get(mapping_url)
    html = page.get_data(as_text=True)
    if page.status_code == 422:  # refused before mapping: the message says why
        assert expected in html
    else:
        form = mapping_form(html)
        check_url, report = check(editor, mapping_url, form)
        text = report.get_data(as_text=True)
        assert report.status_code == 200 and expected in text
        findings = text.split('id="findings"')[1].split("</table>")[0]
        assert "make_valid" not in text and "zone_id" not in findings
        data = strict_json(editor.get(check_url + "status.json").get_data(as_text=True))
        assert not data["report"]["ok"]
        assert any(expected in f["message"] for f in data["report"]["findings"])
        saved = save(editor, mapping_url, form, zone_set_id="bad")
        assert saved.status_code in (200, 400)
    assert state(hostile_app) == before


@pytest.mark.parametrize("kind", FILES)
def test_through_the_cli_dry_run(hostile_app, tmp_path, kind):
    make, expected = FILES[kind]
    path = make(tmp_path)
    before = state(hostile_app)
    runner = hostile_app.test_cli_runner()
    result = runner.invoke(args=["zones", "import", str(path)])
    assert result.exit_code != 0 and expected in result.output
    assert "Traceback" not in result.output
    as_json = runner.invoke(args=["zones", "import", str(path), "--json"])
    if as_json.output.lstrip().startswith("{"):
        strict_json(as_json.output[as_json.output.index("{"):as_json.output.rindex("}") + 1])
    committed = runner.invoke(args=["zones", "import", str(path), "--commit", "--id", "bad"])
    assert committed.exit_code != 0
    assert state(hostile_app) == before


def test_too_many_vertices_are_refused_with_the_limit(hostile_app, tmp_path, monkeypatch):
    monkeypatch.setattr(gis.vector_io, "MAX_VERTICES", 10)
    # A patched limit does not reach a child process: this check runs in the test's own.
    monkeypatch.setattr(zones.jobs, "run_limited", lambda work, args, kwargs, limit_s,
                        on_progress: work(*args, progress=on_progress, **kwargs))
    result = hostile_app.test_cli_runner().invoke(
        args=["zones", "import", str(write_as(tmp_path, sample_zones(), ".geojson",
                                              "GeoJSON"))])
    assert result.exit_code != 0 and "超过了 10 个的上限" in result.output


def test_the_time_limit_is_below_the_request_timeout(hostile_app):
    assert hostile_app.extensions["xuequ"].settings.validation_seconds < 30
