"""Issue 13, item 2: a staff check runs as a background job — a row in the database with
its state, progress and report — whose work runs in a child process killed at the time
limit, inside a single slow call too. Through zones.child, zones.jobs, the web pages (two
app instances on one database stand for two workers) and the CLI."""
from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
import shapely

from store.clock import utcnow
from tests.test_staff_zones import (build_app, check, check_json, mapping_form, signed_in,
                                    upload, wait_for_check)
from tests.test_zone_partial_updates import state
from tests.zone_files import gbk_shapefile_zip, redrawn_zones, sample_zones, write_as
from zones import intake, jobs, workflow
from zones.child import TimeLimitExceeded, run_limited


def stuck_in_one_call(seconds: float, progress) -> None:
    """One call that does not come back for a long time (as GEOS on a hostile shape)."""
    progress("geometry")
    time.sleep(seconds)


def leaves_a_temporary_file(progress) -> str:
    handle, path = tempfile.mkstemp()
    return path


def test_a_child_stuck_in_one_call_is_killed_at_the_limit():
    steps = []
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        run_limited(stuck_in_one_call, (60,), limit_s=0.5, on_progress=steps.append)
    assert time.monotonic() - started < 10 and steps == ["geometry"]


def test_the_childs_temporary_files_are_removed():
    path = run_limited(leaves_a_temporary_file, limit_s=10)
    assert "xuequ-check-" in path and not Path(path).exists()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """Two app instances on one database and instance folder: two gunicorn workers."""
    folder = tmp_path_factory.mktemp("jobs")
    return build_app(folder), build_app(folder, AUTO_LOAD_SAMPLE=False), folder


def test_a_job_finds_what_the_check_in_the_request_found(two_workers, tmp_path):
    app, _, _ = two_workers
    frame = redrawn_zones()
    frame.loc[3, "school_codes"] = "NOPE9"
    path = gbk_shapefile_zip(tmp_path, frame)
    editor = signed_in(app, "editor")
    mapping_url = upload(editor, path).headers["Location"]
    form = mapping_form(editor.get(mapping_url).get_data(as_text=True))
    status = check_json(editor, mapping_url, form)
    assert status["state"] == "done" and status["progress"] == 100
    with app.extensions["xuequ"].sessions() as session:
        reference = workflow.reference_data(session)
    upload_read = intake.read(path, path.name)
    _, direct = intake.check(upload_read, {**form, "level_value": ""}, reference)
    assert [(f["code"], f["zone_id"]) for f in status["report"]["findings"]] == \
        [(f.code, f.zone_id) for f in direct.findings]
    assert status["report"]["blocking"] == 1 and status["started_by"]


def test_progress_is_json_and_another_worker_shows_the_job(two_workers, tmp_path):
    app, other, _ = two_workers
    editor = signed_in(app, "editor")
    colleague = signed_in(other, "editor")  # before the job: SQLite has one writer at a time
    mapping_url = upload(editor, gbk_shapefile_zip(tmp_path, redrawn_zones())
                         ).headers["Location"]
    form = mapping_form(editor.get(mapping_url).get_data(as_text=True))
    started = editor.post(mapping_url, data={**form, "action": "validate"})
    check_url = started.headers["Location"]
    status = editor.get(check_url + "status.json").get_json()
    assert status["state"] in jobs.STATES and 0 <= status["progress"] <= 100
    assert status["step"] and status["result_url"] == check_url
    # The same staff member lands on another worker: it reads the job from the database.
    assert wait_for_check(colleague, check_url)["state"] == "done"
    page = colleague.get(check_url).get_data(as_text=True)
    assert "0 个必须修正的问题" in page and 'id="save-form"' in page
    assert colleague.get("/staff/zones/checks/" + "0" * 32 + "/").status_code == 404
    assert colleague.get("/staff/zones/checks/nope/status.json").status_code == 404


def queued_check(app, editor, folder: Path, name: str) -> tuple[str, str, bool]:
    """An uploaded file and a check of it queued by hand (no worker picks it up): the
    upload's token, the job's id and whether it was new."""
    token = upload(editor, gbk_shapefile_zip(folder / "..", redrawn_zones(), name=name)
                   ).headers["Location"].rstrip("/").split("/")[-1]
    job_id, new = jobs.create(app.extensions["xuequ"].sessions, token, "someone",
                              jobs.JobInputs(Path("x"), f"{name}.zip", {}, {}, False, 20.0,
                                             0.2, None))
    return token, job_id, new


def test_the_page_shows_progress_without_javascript(two_workers):
    app, _, folder = two_workers
    sessions = app.extensions["xuequ"].sessions
    editor = signed_in(app, "editor")
    token, job_id, new = queued_check(app, editor, folder, "wait")
    again, second = jobs.create(sessions, token, "someone", jobs.JobInputs(
        Path("x"), "wait.zip", {}, {}, False, 20.0, 0.2, None))
    assert new and (again, second) == (job_id, False)  # a second click: the same job
    html = editor.get(f"/staff/zones/checks/{job_id}/").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in html and "<progress" in html
    assert "排队等候" in html and f'href="/staff/zones/checks/{job_id}/"' in html


def test_a_job_whose_worker_died_shows_as_failed(two_workers):
    app, other, folder = two_workers
    sessions = app.extensions["xuequ"].sessions
    editor = signed_in(other, "editor")
    _, job_id, _ = queued_check(app, editor, folder, "dead")
    long_ago = utcnow() - dt.timedelta(minutes=10)
    assert jobs._set(sessions, job_id, ("queued",), state="running", started_at=long_ago)
    status = editor.get(f"/staff/zones/checks/{job_id}/status.json").get_json()
    assert status["state"] == "failed" and "服务进程已停止" in status["message"]
    assert "重新校验" in editor.get(f"/staff/zones/checks/{job_id}/").get_data(as_text=True)


def test_jobs_finished_over_a_day_ago_are_forgotten(two_workers):
    app, _, _ = two_workers
    sessions = app.extensions["xuequ"].sessions
    inputs = jobs.JobInputs(Path("x"), "old.zip", {}, {}, False, 20.0, 0.2, None)
    old, _ = jobs.create(sessions, "a" * 32, "someone", inputs)
    jobs._set(sessions, old, ("queued",), state="failed",
              created_at=utcnow() - dt.timedelta(days=2))
    jobs.create(sessions, "b" * 32, "someone", inputs)
    assert jobs.get(sessions, old) is None


def huge_zone_file(tmp_path) -> Path:
    """The sample zones with one boundary of 400,000 vertices: each check of it is one
    long GEOS call."""
    frame = sample_zones()
    first = frame.geometry[0]
    angles = np.linspace(0, 2 * np.pi, 400_000, endpoint=False)
    centre, radius = first.centroid, 0.004
    ring = np.column_stack([centre.x + radius * np.cos(angles) * (1 + 0.3 * np.sin(97 * angles)),
                            centre.y + radius * np.sin(angles)])
    frame.loc[0, "geometry"] = shapely.Polygon(ring)
    return write_as(tmp_path, frame, ".geojson", "GeoJSON", name="huge")


@pytest.fixture(scope="module")
def hasty_app(tmp_path_factory):
    return build_app(tmp_path_factory.mktemp("hasty"), VALIDATION_TIME_LIMIT=0.2)


def test_a_pathological_file_times_out_and_nothing_changes(hasty_app, tmp_path):
    path = huge_zone_file(tmp_path)
    editor = signed_in(hasty_app, "editor")
    mapping_url = upload(editor, path).headers["Location"]
    form = mapping_form(editor.get(mapping_url).get_data(as_text=True))
    before = state(hasty_app)
    check_url, page = check(editor, mapping_url, form)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-state="timed_out"' in html
    assert "校验超过了 0.2 秒的时间限制" in html and 'name="zone_set_id"' not in html
    status = editor.get(check_url + "status.json").get_json()
    assert status["state"] == "timed_out" and "0.2 秒" in status["message"]
    saving = editor.post(check_url, data={"action": "save", "zone_set_id": "bad",
                                          "csrf_token": form["csrf_token"]})
    assert saving.status_code == 200
    assert state(hasty_app) == before  # no draft, the same published version, no files


def test_the_cli_applies_the_same_limit(hasty_app, tmp_path):
    path = huge_zone_file(tmp_path)
    before = state(hasty_app)
    result = hasty_app.test_cli_runner().invoke(args=["zones", "import", str(path), "--commit",
                                                      "--id", "bad"])
    assert result.exit_code != 0 and "校验超过了 0.2 秒的时间限制" in result.output
    assert "Traceback" not in result.output and state(hasty_app) == before


def test_two_workers_on_postgresql_share_a_job(tmp_path):
    """The same on the scale-out store: a job a worker ran, read and saved by another."""
    import sqlalchemy as sa

    from tests.test_storage import POSTGRES_URL, postgres_schema
    schema, url = postgres_schema()
    apps = [build_app(tmp_path, DATABASE_URL=url),
            build_app(tmp_path, DATABASE_URL=url, AUTO_LOAD_SAMPLE=False)]
    try:
        first, second = (signed_in(app, "editor") for app in apps)
        mapping_url = upload(first, gbk_shapefile_zip(tmp_path, redrawn_zones())
                             ).headers["Location"]
        form = mapping_form(first.get(mapping_url).get_data(as_text=True))
        check_url = first.post(mapping_url, data={**form, "action": "validate"}
                               ).headers["Location"]
        assert wait_for_check(second, check_url)["state"] == "done"
        page = second.get(check_url).get_data(as_text=True)
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        saved = second.post(check_url, data={"csrf_token": csrf, "action": "save",
                                             "zone_set_id": "pg-v2"})
        assert saved.status_code == 302
        assert first.get("/staff/zones/pg-v2/").status_code == 200
    finally:
        for app in apps:
            app.extensions["xuequ"].engine.dispose()
        with sa.create_engine(POSTGRES_URL).begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
