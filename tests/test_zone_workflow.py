"""The zone set workflow through the CLI and the domain functions: the whole flow, the
order of states, two publishers racing, a crash during publish, scheduled publication,
downloads and the audit trail. Each test module gets its own database: publishing here
must not change the session-wide app other tests read."""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from gis.vector_io import read_upload
from tests.zone_files import gbk_shapefile_zip, redrawn_zones
from store.clock import Clock
from webapp import create_app
from webapp.services import services
from zones import audit, storage, workflow
from zones.errors import Conflict


@pytest.fixture()
def own_app(tmp_path):
    return create_app({"TESTING": True, "SECRET_KEY": "test", "REFRESH_SECONDS": 0.0,
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'flow.sqlite3'}",
                       "RATELIMIT_ENABLED": False})


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["zones", *map(str, args)])


def published_version(app) -> str:
    return app.test_client().get("/api/v1/zones.geojson").get_json()["zone_version"]["id"]


def versions(app) -> dict[str, str]:
    with app.app_context(), services().sessions() as session:
        return {z.id: z.status for z in storage.list_zone_sets(session)}


def test_the_cli_does_the_whole_flow(own_app, tmp_path):
    upload = gbk_shapefile_zip(tmp_path, redrawn_zones())
    before = versions(own_app)
    dry = cli(own_app, "import", upload)
    assert dry.exit_code == 0, dry.output
    assert "EPSG:4551" in dry.output and "试运行" in dry.output
    assert versions(own_app) == before  # a dry run stores nothing

    done = cli(own_app, "import", upload, "--commit", "--id", "v2028", "--actor", "gis-dept")
    assert done.exit_code == 0, done.output
    assert versions(own_app)["v2028"] == "draft"

    csv_path = tmp_path / "moves.csv"
    diff = cli(own_app, "diff", "v2028", "--csv", csv_path)
    assert diff.exit_code == 0, diff.output
    moved = csv_path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()
    assert moved[0].startswith("level,address") and len(moved) > 10
    assert "EDP01: +" in diff.output and "EDP05: -" in diff.output

    assert cli(own_app, "publish", "v2028").exit_code != 0  # a draft goes on notice first
    assert cli(own_app, "notice", "v2028", "--closes-on", "2027-01-31").exit_code == 0
    assert versions(own_app)["v2028"] == "notice"
    assert published_version(own_app) == "sample-2027"

    early = cli(own_app, "publish", "v2028")  # the notice is open until 2027-01-31
    assert early.exit_code != 0 and "2027-01-31" in early.output and "理由" in early.output
    assert "Traceback" not in early.output and published_version(own_app) == "sample-2027"
    assert cli(own_app, "publish", "v2028", "--override-reason", "  ").exit_code != 0
    assert cli(own_app, "publish", "v2028", "--override-reason",
               "上级要求提前实施").exit_code == 0
    assert published_version(own_app) == "v2028"
    assert own_app.test_client().get("/healthz").get_json()["published_version"]["id"] == \
        "v2028"

    rolled = cli(own_app, "rollback")
    assert rolled.exit_code == 0 and "sample-2027" in rolled.output
    assert published_version(own_app) == "sample-2027"
    assert versions(own_app) == {"v2028": "retired", "sample-2027": "published"}

    listing = cli(own_app, "versions")
    assert "v2028\tretired" in listing.output and "sample-2027\tpublished" in listing.output

    sha = read_upload(upload, upload.name).sha256
    with own_app.app_context(), services().sessions() as session:
        trail = [(e.actor, e.action, e.zone_set_id, e.file_sha256)
                 for e in reversed(audit.entries(session))]
    assert ("gis-dept", "zone_set_uploaded", "v2028", sha) in trail
    actions = [a for actor, a, *_ in trail if actor == "cli"]
    assert actions == ["zone_set_notice", "zone_set_publish_override", "zone_set_published",
                       "zone_set_rolled_back"]
    assert ("cli", "zone_set_published", "v2028", sha) in trail


def test_the_cli_refuses_a_bad_file_and_stores_nothing(own_app, tmp_path):
    path = tmp_path / "zones.kml"
    path.write_text('<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml/>')
    before = versions(own_app)
    result = cli(own_app, "import", path, "--commit")
    assert result.exit_code != 0 and "DOCTYPE" in result.output
    assert "Traceback" not in result.output
    assert versions(own_app) == before


def test_the_cli_refuses_to_store_a_file_with_blocking_findings(own_app, tmp_path):
    frame = redrawn_zones()
    frame.loc[0, "school_codes"] = "NOPE9"
    result = cli(own_app, "import", gbk_shapefile_zip(tmp_path, frame), "--commit")
    assert result.exit_code != 0 and "NOPE9" in result.output
    assert list(versions(own_app)) == ["sample-2027"]


def _draft_on_notice(app, tmp_path, zone_set_id: str, width=0.003) -> None:
    upload = gbk_shapefile_zip(tmp_path, redrawn_zones(width_deg=width), name=zone_set_id)
    assert cli(app, "import", upload, "--commit", "--id", zone_set_id).exit_code == 0
    assert cli(app, "notice", zone_set_id, "--closes-on", "2027-01-31").exit_code == 0


def test_two_publishes_at_the_same_moment_one_wins(own_app, tmp_path):
    _draft_on_notice(own_app, tmp_path, "a", 0.003)
    _draft_on_notice(own_app, tmp_path, "b", 0.004)
    sessions = own_app.extensions["xuequ"].sessions
    barrier = threading.Barrier(2)
    outcomes = {}

    def publisher(zone_set_id):
        barrier.wait()
        try:
            workflow.publish(sessions, zone_set_id, "racer", expected_current="sample-2027")
            outcomes[zone_set_id] = "won"
        except Conflict as error:
            outcomes[zone_set_id] = error.message

    threads = [threading.Thread(target=publisher, args=(z,)) for z in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()).count("won") == 1, outcomes
    loser = next(v for v in outcomes.values() if v != "won")
    assert "发布失败" in loser
    statuses = versions(own_app)
    assert list(statuses.values()).count("published") == 1
    assert published_version(own_app) in ("a", "b")


def test_a_crash_during_publish_leaves_the_old_version_serving(own_app, tmp_path,
                                                               monkeypatch):
    _draft_on_notice(own_app, tmp_path, "crash")
    assert published_version(own_app) == "sample-2027"
    real = storage._swap_published

    def crash_half_way(session, zone_set_id):
        real(session, zone_set_id)  # the old version is retired, the new one published …
        raise RuntimeError("power cut")  # … and the transaction never commits

    monkeypatch.setattr(storage, "_swap_published", crash_half_way)
    with pytest.raises(RuntimeError):
        workflow.publish(own_app.extensions["xuequ"].sessions, "crash", "someone")
    assert versions(own_app)["sample-2027"] == "published"
    assert versions(own_app)["crash"] == "notice"
    assert published_version(own_app) == "sample-2027"


def test_states_move_only_forward(own_app, tmp_path):
    sessions = own_app.extensions["xuequ"].sessions
    with pytest.raises(Conflict):
        workflow.put_on_notice(sessions, "sample-2027", "x")  # already published
    with pytest.raises(Conflict):
        workflow.rollback(sessions, "x")  # nothing was published before
    _draft_on_notice(own_app, tmp_path, "later")
    with pytest.raises(Conflict):
        workflow.put_on_notice(sessions, "later", "x")  # already on notice


def test_a_scheduled_version_is_published_on_its_effective_date(own_app, tmp_path):
    _draft_on_notice(own_app, tmp_path, "sched")
    assert cli(own_app, "schedule", "sched", "--effective-from", "2027-03-01").exit_code == 0
    assert versions(own_app)["sched"] == "scheduled"
    early = cli(own_app, "publish-due", "--today", "2027-02-28")
    assert "没有到期" in early.output and published_version(own_app) == "sample-2027"
    due = cli(own_app, "publish-due", "--today", "2027-03-01")
    assert due.exit_code == 0 and published_version(own_app) == "sched"
    with own_app.app_context(), services().sessions() as session:
        assert storage.load_zone_set(session, "sched", False).effective_from == \
            dt.date(2027, 3, 1)


def test_the_web_process_publishes_a_due_version_by_itself(own_app, tmp_path):
    _draft_on_notice(own_app, tmp_path, "auto")
    assert cli(own_app, "schedule", "auto", "--effective-from", "2027-03-01").exit_code == 0
    xuequ = own_app.extensions["xuequ"]
    xuequ.settings = dataclasses.replace(xuequ.settings, schedule_check_seconds=0)
    xuequ.clock = Clock(pinned_today=dt.date(2027, 2, 28))
    assert published_version(own_app) == "sample-2027"
    xuequ.clock = Clock(pinned_today=dt.date(2027, 3, 1))
    assert published_version(own_app) == "auto"  # the request itself triggered the check
    with own_app.app_context(), services().sessions() as session:
        actors = {e.actor for e in audit.entries(session) if e.zone_set_id == "auto"}
    assert "scheduler" in actors


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_any_version_downloads_as_geojson_or_gpkg(own_app, tmp_path, suffix):
    out = tmp_path / f"sample{suffix}"
    result = cli(own_app, "export", "sample-2027", out)
    assert result.exit_code == 0, result.output
    upload = read_upload(out, out.name)
    assert len(upload.frame) == 40 and {"zone_id", "school_codes", "description"} <= set(
        upload.columns)


def test_public_comments_are_kept_for_staff(own_app, tmp_path):
    _draft_on_notice(own_app, tmp_path, "talk")
    sessions = own_app.extensions["xuequ"].sessions
    workflow.add_comment(sessions, "talk", "我家在太有街，希望保留原学校。", name="王女士")
    with pytest.raises(Exception) as info:
        workflow.add_comment(sessions, "sample-2027", "不在公示期")
    assert "公示" in str(info.value)
    with sessions() as session:
        rows = workflow.comments(session, "talk")
        notice = workflow.notice(session, "talk")
    assert [r.name for r in rows] == ["王女士"]
    assert notice.summary["addresses_moved"] > 0
