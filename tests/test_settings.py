"""One Settings: every variable in the README's table is read, instance/config.py overrides
the environment, tests' mapping replaces the file, bad values are refused by name."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from webapp.settings import Settings
from webapp.templating import beijing_time

ROOT = Path(__file__).resolve().parent.parent

# A valid, non-default value for every variable, and what Settings should make of it.
SAMPLES = {
    "DATABASE_URL": ("postgresql://x/y", lambda s: s.database_url == "postgresql://x/y"),
    "SECRET_KEY": ("s3cret", lambda s: s.secret_key == "s3cret"),
    "XUEQU_INSTANCE_PATH": ("/tmp/elsewhere", lambda s: s.instance_path == "/tmp/elsewhere"
                            and s.database_url.startswith("sqlite:////tmp/elsewhere/")),
    "XUEQU_AUTO_MIGRATE": ("0", lambda s: s.auto_migrate is False),
    "XUEQU_AUTO_LOAD_SAMPLE": ("no", lambda s: s.auto_load_sample is False),
    "XUEQU_DATASET_DIR": ("/tmp/other-district", lambda s: s.dataset_dir == "/tmp/other-district"),
    "XUEQU_REFRESH_SECONDS": ("7.5", lambda s: s.refresh_seconds == 7.5),
    "XUEQU_BATCH_MAX_BYTES": ("1000", lambda s: s.batch_max_bytes == 1000),
    "XUEQU_OPEN_DATA_LICENCE": ("CC BY 4.0", lambda s: s.open_data_licence == "CC BY 4.0"),
    "XUEQU_INQUIRY_RETENTION_DAYS": ("30", lambda s: s.inquiry_retention_days == 30),
    "XUEQU_INQUIRY_SUBMIT_LIMIT": ("1 per day", lambda s: s.inquiry_submit_limit == "1 per day"),
    "XUEQU_INQUIRY_LOOKUP_LIMIT": ("2 per day", lambda s: s.inquiry_lookup_limit == "2 per day"),
    "XUEQU_RESULT_LOOKUP_LIMIT": ("3 per day", lambda s: s.result_lookup_limit == "3 per day"),
    "XUEQU_RESULT_RETENTION_DAYS": ("40", lambda s: s.result_retention_days == 40),
    "XUEQU_GEOCODERS": ("nominatim", lambda s: s.geocoder_settings.get("XUEQU_GEOCODERS")
                        == "nominatim"),
    "XUEQU_NOMINATIM_URL": ("http://n", lambda s: "XUEQU_NOMINATIM_URL" in s.geocoder_settings),
    "XUEQU_NOMINATIM_CRS": ("gcj02", lambda s: "XUEQU_NOMINATIM_CRS" in s.geocoder_settings),
    "XUEQU_BAIDU_AK": ("ak", lambda s: "XUEQU_BAIDU_AK" in s.geocoder_settings),
    "XUEQU_BAIDU_SK": ("sk", lambda s: "XUEQU_BAIDU_SK" in s.geocoder_settings),
    "XUEQU_BAIDU_URL": ("http://b", lambda s: "XUEQU_BAIDU_URL" in s.geocoder_settings),
    "XUEQU_GEOCODER_TIMEOUT": ("5", lambda s: "XUEQU_GEOCODER_TIMEOUT" in s.geocoder_settings),
    "XUEQU_TILES": (" OSM ", lambda s: s.tiles == "osm"),
    "XUEQU_TIANDITU_KEY": ("tk", lambda s: s.tianditu_key == "tk"),
    "XUEQU_TODAY": ("2027-05-08", lambda s: s.today == dt.date(2027, 5, 8)),
    "XUEQU_MAX_UPLOAD_BYTES": ("1000", lambda s: s.max_upload_bytes == 1000),
    "XUEQU_VALIDATION_SECONDS": ("9", lambda s: s.validation_seconds == 9.0),
    "XUEQU_MAX_MOVED_SHARE": ("0.35", lambda s: s.max_moved_share == 0.35),
    "XUEQU_NOTICE_MIN_WORKING_DAYS": ("10", lambda s: s.notice_min_working_days == 10),
    "XUEQU_IDLE_TIMEOUT_SECONDS": ("60", lambda s: s.idle_timeout_seconds == 60.0),
    "XUEQU_SCHEDULE_CHECK_SECONDS": ("0", lambda s: s.schedule_check_seconds == 0.0),
    "RATELIMIT_STORAGE_URI": ("redis://127.0.0.1:6379",
                              lambda s: s.ratelimit_storage_uri == "redis://127.0.0.1:6379"),
    "XUEQU_REDIS_URL": ("redis://127.0.0.1:6379/3",
                        lambda s: s.redis_url == "redis://127.0.0.1:6379/3"
                        and s.rate_limit_storage == "redis://127.0.0.1:6379/3"),
    "XUEQU_PROXY_HOPS": ("1", lambda s: s.proxy_hops == 1),
    "XUEQU_SESSION_HOURS": ("2", lambda s: s.session_hours == 2.0),
    "XUEQU_NOTICE_COMMENT_RETENTION_DAYS": ("9", lambda s: s.notice_comment_retention_days == 9),
    "XUEQU_LOGIN_RECORD_RETENTION_DAYS": ("8", lambda s: s.login_record_retention_days == 8),
    "XUEQU_UPLOAD_RETENTION_HOURS": ("2", lambda s: s.upload_retention_hours == 2.0),
    "XUEQU_RETENTION_CHECK_SECONDS": ("5", lambda s: s.retention_check_seconds == 5.0),
    "XUEQU_SECURE_COOKIES": ("1", lambda s: s.secure_cookies is True
                             and s.flask_config()["SESSION_COOKIE_SECURE"] is True),
}


def documented_variables() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("### Configuration", 1)[1].split("###", 1)[0]
    return [name for line in table.splitlines() if line.startswith("| `")
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])]


def test_the_readme_documents_every_sampled_variable_and_no_other():
    assert sorted(documented_variables()) == sorted(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_documented_variable_is_read(name, tmp_path):
    value, check = SAMPLES[name]
    default, _ = Settings.load({}, environ={})
    settings, _ = Settings.load({}, environ={name: value})
    assert check(settings) and not check(default)


def test_instance_config_overrides_the_environment(tmp_path):
    (tmp_path / "config.py").write_text("TILES = 'amap'\nREFRESH_SECONDS = 3\nTESTING = True\n")
    settings, rest = Settings.load(None, environ={"XUEQU_INSTANCE_PATH": str(tmp_path),
                                                   "XUEQU_TILES": "osm"})
    assert settings.tiles == "amap" and settings.refresh_seconds == 3
    assert rest == {"TESTING": True}  # Flask's own keys pass through to app.config


def test_the_test_mapping_replaces_instance_config(tmp_path):
    (tmp_path / "config.py").write_text("TILES = 'amap'\n")
    settings, _ = Settings.load({"TODAY": "2027-01-02"},
                                environ={"XUEQU_INSTANCE_PATH": str(tmp_path)})
    assert settings.tiles == "none" and settings.today == dt.date(2027, 1, 2)


def test_a_bad_value_is_refused_naming_the_variable():
    with pytest.raises(ValueError, match="XUEQU_REFRESH_SECONDS"):
        Settings.load({}, environ={"XUEQU_REFRESH_SECONDS": "soon"})
    with pytest.raises(ValueError, match="XUEQU_TODAY"):
        Settings.load({}, environ={"XUEQU_TODAY": "tomorrow"})


def test_nothing_else_in_the_web_layer_reads_the_environment():
    readers = [str(path.relative_to(ROOT)) for path in (ROOT / "webapp").rglob("*.py")
               if re.search(r"os\.environ|getenv", path.read_text(encoding="utf-8"))]
    assert readers == ["webapp/settings.py"]


def test_stored_utc_times_are_shown_in_beijing_time(app):
    with app.test_request_context():
        assert beijing_time(dt.datetime(2026, 12, 1, 17, 18)) == "2026-12-02 01:18（北京时间）"
        assert beijing_time(None) == ""
    with app.test_request_context("/?lang=en"):
        assert beijing_time(dt.datetime(2026, 12, 1, 17, 18)) == \
            "2026-12-02 01:18 (Beijing time)"


def test_proxy_hops_trust_that_many_forwarded_addresses(tmp_path):
    from flask import request

    from webapp import create_app
    seen = {}
    for hops in (0, 1, 2):
        app = create_app({"TESTING": True, "SECRET_KEY": "t", "PROXY_HOPS": hops,
                          "DATABASE_URL": f"sqlite:///{tmp_path / 'hops.sqlite3'}",
                          "AUTO_LOAD_SAMPLE": False})

        @app.get("/_client")
        def _client():
            return f"{request.remote_addr} {request.scheme}"
        seen[hops] = app.test_client().get("/_client", headers={
            "X-Forwarded-For": "203.0.113.9, 198.51.100.7",
            "X-Forwarded-Proto": "https, https"}).get_data(as_text=True)
    assert seen[0] == "127.0.0.1 http"
    assert seen[1] == "198.51.100.7 https"
    assert seen[2] == "203.0.113.9 https"
