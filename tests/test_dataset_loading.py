"""Loading a dataset goes through the staff upload path (read → map → validate → save) and
publishes its version by a workflow action with audit entries."""
from __future__ import annotations

import json
import shutil

import pytest
import sqlalchemy as sa

from admissions.dataset import SAMPLE_DIR, load_dataset
from store import db
from webapp import create_app
from zones import audit, storage
from zones.errors import InvalidData
from zones.model import AddressRule
from zones.tables import SchoolRow, ZoneSetRow


def _sessions(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'load.sqlite3'}")
    db.upgrade(engine)
    return db.make_sessionmaker(engine)


def _actions(sessions, zone_set_id):
    with sessions() as session:
        return sorted((e.actor, e.action) for e in audit.entries(session)
                      if e.zone_set_id == zone_set_id)


def test_the_factory_publishes_the_sample_as_the_sample_loader(app):
    sessions = app.extensions["xuequ"].sessions
    assert _actions(sessions, "sample-2027") == [("sample-loader", "zone_set_published"),
                                                  ("sample-loader", "zone_set_uploaded")]


def test_the_cli_user_is_the_actor_and_a_second_load_changes_nothing(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "AUTO_LOAD_SAMPLE": False,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["data", "load-sample"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["data", "load-sample"])
    assert "无需重复加载" in again.output
    sessions = app.extensions["xuequ"].sessions
    assert _actions(sessions, "sample-2027") == [("cli", "zone_set_published"),
                                                  ("cli", "zone_set_uploaded")]


def test_the_loaded_zones_are_the_files_zones_rules_included(tmp_path):
    sessions = _sessions(tmp_path)
    load_dataset(sessions)
    with sessions() as session:
        loaded = {z.zone_id: z for z in storage.load_zone_set(session, "sample-2027").zones}
        assert storage.published_zone_set_id(session) == "sample-2027"
    for level in ("primary", "middle"):
        data = json.loads((SAMPLE_DIR / f"zones_{level}.geojson").read_text(encoding="utf-8"))
        for feature in data["features"]:
            props = feature["properties"]
            zone = loaded[props["zone_id"]]
            assert list(zone.school_codes) == props["school_codes"]
            assert zone.allocation == props["allocation"]
            assert [r.to_dict() for r in zone.address_rules] == [
                AddressRule.from_dict(raw).to_dict() for raw in props["address_rules"]]
    assert sum(len(z.address_rules) for z in loaded.values()) >= 5


def _broken_copy(tmp_path, change):
    directory = tmp_path / "dataset"
    shutil.copytree(SAMPLE_DIR, directory)
    path = directory / "zones_primary.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["features"][0]["properties"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return directory


@pytest.mark.parametrize("change, words", [
    (lambda p: p.update(school_codes=["NOPE1"]), ["P01", "NOPE1"]),
    (lambda p: p.update(level="high"), ["P01", "high"]),
    (lambda p: p.update(description=""), ["P01", "划片范围"]),
    (lambda p: p.update(allocation="raffle"), ["P01", "raffle"]),
])
def test_bad_zone_records_are_a_clear_error_and_load_nothing(tmp_path, change, words):
    sessions = _sessions(tmp_path)
    with pytest.raises(InvalidData) as caught:
        load_dataset(sessions, _broken_copy(tmp_path, change))
    assert all(word in str(caught.value) for word in words), str(caught.value)
    with sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ZoneSetRow)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(SchoolRow)) == 0
        assert audit.entries(session) == []


def test_school_codes_in_one_text_cell_follow_the_upload_rules(tmp_path):
    """Separators and the allocation default are the ones staff uploads get."""
    sessions = _sessions(tmp_path)
    directory = _broken_copy(tmp_path, lambda p: p.update(
        school_codes=" EDP01； ", allocation=None))
    load_dataset(sessions, directory)
    with sessions() as session:
        zone = next(z for z in storage.load_zone_set(session, "sample-2027").zones
                    if z.zone_id == "P01")
    assert zone.school_codes == ("EDP01",) and zone.allocation == "direct"
