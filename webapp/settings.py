"""Every setting of Xuequ, read once into one typed, frozen object.

Order: a safe default, then the environment, then `instance/config.py` (or, in tests, the
mapping passed to `create_app`). Nothing else in the web layer reads `os.environ`; the
README's configuration table lists every field below.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from flask import Config

from admissions.dataset import SAMPLE_DIR
from webapp.serving import rate_limit_store, rate_limits

DEFAULT_INSTANCE = Path(__file__).resolve().parent.parent / "instance"
GEOCODER_PREFIXES = ("XUEQU_GEOCODER", "XUEQU_NOMINATIM", "XUEQU_BAIDU")


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text.strip()) if text.strip() else None


def _lower(text: str) -> str:
    return text.strip().lower()


def _setting(env: str | None, key: str, default: Any, parse: Callable[[str], Any] = str):
    """A field read from the environment variable `env`, overridden by `key` in the
    instance configuration (the name Flask-style config files and tests use)."""
    return field(default=default, metadata={"env": env, "key": key, "parse": parse})


@dataclass(frozen=True)
class Settings:
    instance_path: str = _setting("XUEQU_INSTANCE_PATH", "INSTANCE_PATH", str(DEFAULT_INSTANCE))
    # Empty means SQLite in instance/ (see `database_url`).
    database_url_setting: str = _setting("DATABASE_URL", "DATABASE_URL", "")
    # Empty means a per-installation secret kept in instance/secret_key.
    secret_key: str = _setting("SECRET_KEY", "SECRET_KEY", "")
    # Migrations at start-up suit the embedded SQLite store; a PostgreSQL deployment runs
    # `flask --app webapp db upgrade` once instead.
    auto_migrate: bool = _setting("XUEQU_AUTO_MIGRATE", "AUTO_MIGRATE", True, _flag)
    auto_load_sample: bool = _setting("XUEQU_AUTO_LOAD_SAMPLE", "AUTO_LOAD_SAMPLE", True, _flag)
    # The dataset loaded at start-up (docs/DATA.md): schools, zones, gazetteer, profile.
    dataset_dir: str = _setting("XUEQU_DATASET_DIR", "DATASET_DIR", str(SAMPLE_DIR))
    refresh_seconds: float = _setting("XUEQU_REFRESH_SECONDS", "REFRESH_SECONDS", 2.0, float)
    # Empty: Redis when XUEQU_REDIS_URL is set, else a SQLite file every worker shares
    # (see `rate_limit_storage`).
    ratelimit_storage_uri: str = _setting("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URI", "")
    # Redis shared by every worker and host (rate-limit counters).
    redis_url: str = _setting("XUEQU_REDIS_URL", "REDIS_URL", "")
    # Below the server's request timeout, so a validation is never a killed worker.
    validation_seconds: float = _setting("XUEQU_VALIDATION_SECONDS", "VALIDATION_TIME_LIMIT",
                                         20.0, float)
    # A new version moving more than this share of the addresses needs a publisher's reason.
    max_moved_share: float = _setting("XUEQU_MAX_MOVED_SHARE", "MAX_MOVED_SHARE", 0.2, float)
    # The legal minimum of a 公示: its closing date is at least this many working days away.
    notice_min_working_days: int = _setting("XUEQU_NOTICE_MIN_WORKING_DAYS",
                                            "NOTICE_MIN_WORKING_DAYS", 5, int)
    max_upload_bytes: int = _setting("XUEQU_MAX_UPLOAD_BYTES", "MAX_CONTENT_LENGTH",
                                     50 * 1024 * 1024, int)
    # The public map's base tiles: none (offline, the default), tianditu, osm or amap.
    tiles: str = _setting("XUEQU_TILES", "TILES", "none", _lower)
    tianditu_key: str = _setting("XUEQU_TIANDITU_KEY", "TIANDITU_KEY", "")
    # Pins the clock's calendar day for demos and tests; None is the real date in China.
    today: dt.date | None = _setting("XUEQU_TODAY", "TODAY", None, _day)
    inquiry_submit_limit: str = _setting("XUEQU_INQUIRY_SUBMIT_LIMIT", "INQUIRY_SUBMIT_LIMIT",
                                         "5 per minute;30 per day")
    inquiry_lookup_limit: str = _setting("XUEQU_INQUIRY_LOOKUP_LIMIT", "INQUIRY_LOOKUP_LIMIT",
                                         "10 per minute;60 per hour")
    inquiry_retention_days: int = _setting("XUEQU_INQUIRY_RETENTION_DAYS",
                                           "INQUIRY_RETENTION_DAYS", 1095, int)
    # Admission results: per-client lookups (page, shared budget) and how long after an
    # import they stay visible before `admissions purge-results --commit` removes them.
    result_lookup_limit: str = _setting("XUEQU_RESULT_LOOKUP_LIMIT", "RESULT_LOOKUP_LIMIT",
                                        "5 per minute;30 per hour")
    result_retention_days: int = _setting("XUEQU_RESULT_RETENTION_DAYS",
                                          "RESULT_RETENTION_DAYS", 120, int)
    idle_timeout_seconds: float = _setting("XUEQU_IDLE_TIMEOUT_SECONDS", "IDLE_TIMEOUT_SECONDS",
                                           30 * 60.0, float)
    # How often a process checks, on the back of a request, for a scheduled version now due.
    schedule_check_seconds: float = _setting("XUEQU_SCHEDULE_CHECK_SECONDS",
                                             "SCHEDULE_CHECK_SECONDS", 60.0, float)
    # Online geocoders behind the offline gazetteer (gis/providers.py): every XUEQU_GEOCODER*,
    # XUEQU_NOMINATIM* and XUEQU_BAIDU* variable; none means offline only.
    geocoder_settings: Mapping[str, str] = _setting(None, "GEOCODER_SETTINGS", None)
    # How many proxies (nginx, a load balancer) sit in front: ProxyFix trusts that many
    # X-Forwarded-For/-Proto hops for the client's address and scheme; 0 trusts none.
    proxy_hops: int = _setting("XUEQU_PROXY_HOPS", "PROXY_HOPS", 0, int)
    # Staff sessions end this many hours after signing in, however busy (issue 14).
    session_hours: float = _setting("XUEQU_SESSION_HOURS", "SESSION_HOURS", 8.0, float)
    # Cookies only over HTTPS, and HSTS; on in production (behind TLS), off for local HTTP.
    secure_cookies: bool = _setting("XUEQU_SECURE_COOKIES", "SECURE_COOKIES", False, _flag)
    # Retention of personal data (admissions/retention.py; README "Privacy").
    notice_comment_retention_days: int = _setting("XUEQU_NOTICE_COMMENT_RETENTION_DAYS",
                                                  "NOTICE_COMMENT_RETENTION_DAYS", 365, int)
    login_record_retention_days: int = _setting("XUEQU_LOGIN_RECORD_RETENTION_DAYS",
                                                "LOGIN_RECORD_RETENTION_DAYS", 30, int)
    upload_retention_hours: float = _setting("XUEQU_UPLOAD_RETENTION_HOURS",
                                             "UPLOAD_RETENTION_HOURS", 24.0, float)
    retention_check_seconds: float = _setting("XUEQU_RETENTION_CHECK_SECONDS",
                                              "RETENTION_CHECK_SECONDS", 3600.0, float)
    # The largest file POST /api/v1/lookup/batch accepts (10,000 rows fit in well under 5 MB).
    batch_max_bytes: int = _setting("XUEQU_BATCH_MAX_BYTES", "BATCH_MAX_BYTES",
                                    5 * 1024 * 1024, int)
    # The open-data licence the bureau sets (shown on /gk/open-data); empty: "set by the bureau".
    open_data_licence: str = _setting("XUEQU_OPEN_DATA_LICENCE", "OPEN_DATA_LICENCE", "")
    languages: tuple[str, ...] = ("zh", "en")

    @property
    def database_url(self) -> str:
        return self.database_url_setting or \
            f"sqlite:///{os.path.join(self.instance_path, 'xuequ.sqlite3')}"

    @property
    def rate_limit_storage(self) -> str:
        """Where rate-limit counters live: the explicit URI, Redis, or the embedded SQLite
        file (next to the SQLite database, else in the instance folder)."""
        if self.ratelimit_storage_uri or self.redis_url:
            return self.ratelimit_storage_uri or self.redis_url
        database = self.database_url
        folder = (os.path.dirname(database.split(":///", 1)[1])
                  if database.startswith("sqlite:///") and database != "sqlite:///"
                  else self.instance_path)
        return rate_limit_store.uri_for(os.path.join(folder, "ratelimits.sqlite3"))

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None,
             environ: Mapping[str, str] | None = None) -> tuple[Settings, dict[str, Any]]:
        """The settings, and the remaining configuration keys for Flask and its extensions
        (TESTING, WTF_CSRF_ENABLED, RATELIMIT_ENABLED, …). `overrides` replaces
        instance/config.py (the tests pass it to `create_app`)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            env, parse = f.metadata.get("env"), f.metadata.get("parse", str)
            if env and environ.get(env) is not None:
                values[f.name] = _parsed(env, environ[env], parse)
        values["geocoder_settings"] = {k: v for k, v in environ.items()
                                       if k.startswith(GEOCODER_PREFIXES)}
        instance_path = values.get("instance_path", str(DEFAULT_INSTANCE))
        if overrides is None:
            config = Config(instance_path)
            config.from_pyfile("config.py", silent=True)
            overrides = config
        rest = dict(overrides)
        for f in fields(cls):
            key = f.metadata.get("key")
            if key and key in rest:
                value = rest.pop(key)
                parse = f.metadata.get("parse", str)
                values[f.name] = _parsed(key, value, parse) if isinstance(value, str) else value
        return cls(**values), rest

    def flask_config(self) -> dict[str, Any]:
        """What Flask and its extensions read from `app.config`."""
        return {
            "SECRET_KEY": self.secret_key,
            "MAX_CONTENT_LENGTH": self.max_upload_bytes,
            "RATELIMIT_STORAGE_URI": self.rate_limit_storage,
            "RATELIMIT_STORAGE_OPTIONS": rate_limits.storage_options(self.rate_limit_storage),
            "BABEL_DEFAULT_LOCALE": self.languages[0],
            "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=self.session_hours),
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "REMEMBER_COOKIE_SECURE": self.secure_cookies,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
        }


def _parsed(name: str, text: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse(text)
    except ValueError as error:
        raise ValueError(f"setting {name}={text!r} is not valid: {error}") from None
