"""The Flask CLI covers the same ground as the API."""
from __future__ import annotations

import json

from tests.test_api import interior_point


def test_load_sample_is_idempotent(app):
    result = app.test_cli_runner().invoke(args=["data", "load-sample"])
    assert result.exit_code == 0, result.output
    assert "无需重复加载" in result.output


def test_lookup_by_point_prints_the_v1_answer(app, sample_snapshot):
    zone = next(z for z in sample_snapshot.zone_set.zones if z.level == "middle")
    lat, lng = interior_point(zone.geometry)
    result = app.test_cli_runner().invoke(
        args=["zones", "lookup", "--lat", str(lat), "--lng", str(lng), "--level", "middle"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert [z["zone_id"] for z in answer["middle"]["zones"]] == [zone.zone_id]


def test_lookup_by_address(app, sample_snapshot):
    place = sample_snapshot.gazetteer.places[0]
    result = app.test_cli_runner().invoke(args=["zones", "lookup", "--address", place.address])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["location"]["matched_address"] == place.address


def test_bad_cli_input_is_a_clear_error_not_a_traceback(app):
    result = app.test_cli_runner().invoke(args=["zones", "lookup", "--lat", "95", "--lng", "125"])
    assert result.exit_code != 0
    assert "lat" in result.output and "Traceback" not in result.output


def test_db_upgrade(app):
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
