"""Xuequ's Flask application factory (`flask --app webapp run`)."""
from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from werkzeug.middleware.proxy_fix import ProxyFix

from gis.district import read_profile
from gis.providers import providers_from_settings
from store.clock import Clock
from webapp import (api, auth, database, disclosure, enrolment, errors, hooks, hotline, ogc,
                    public,
                    staff, templating)
from webapp.auth.commands import users_cli
from webapp.database.commands import data_cli, db_cli
from webapp.enrolment.commands import admissions_cli
from webapp.database.retention import retention_cli
from webapp.extensions import csrf, limiter, login_manager
from webapp.hotline.commands import inquiries_cli
from webapp.i18n import select_locale
from webapp.serving import privacy
from webapp.serving.fast_lane import FastLane
from webapp.services import Services, frozen_snapshot_builder, frozen_zone_rebuilder
from webapp.settings import Settings
from webapp.staff.zones_commands import zones_cli
from store import db
from zones.cache import PublishedCache
from zones.propagation import announce_on_redis

# Registered in this order: the staff home page lists features' links in it.
FEATURES = (api, public, auth, hotline, staff, disclosure, enrolment, ogc)
COMMANDS = (data_cli, zones_cli, db_cli, users_cli, inquiries_cli, admissions_cli,
            retention_cli)


def create_app(test_config: dict | None = None) -> Flask:
    """`test_config` replaces instance/config.py (tests pass their settings here)."""
    settings, flask_only = Settings.load(test_config)
    app = Flask(__name__, instance_path=settings.instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings.flask_config())
    app.config.from_mapping(flask_only)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.json.ensure_ascii = False
    privacy.install()

    Babel(app, locale_selector=select_locale,
          default_translation_directories=str(Path(__file__).with_name("translations")))
    engine = db.make_engine(settings.database_url)
    sessions = db.make_sessionmaker(engine)
    providers = tuple(providers_from_settings(settings.geocoder_settings))
    services = Services(
        settings=settings, engine=engine, sessions=sessions,
        published=PublishedCache(
            sessions, frozen_snapshot_builder(providers, read_profile(Path(settings.dataset_dir))),
            settings.refresh_seconds, rebuild_zones=frozen_zone_rebuilder),
        clock=Clock(pinned_today=settings.today))
    app.extensions["xuequ"] = services
    if settings.redis_url:
        announce_on_redis(sessions, settings.redis_url)
    # Encoded lookups and zone maps skip Flask's request cycle altogether (behind ProxyFix,
    # so the fast lane sees the client's host and scheme as the app does).
    app.wsgi_app = FastLane(app.wsgi_app, services)
    if settings.proxy_hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,
                                x_proto=settings.proxy_hops, x_host=settings.proxy_hops)
    database.set_up(services)

    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    for feature in FEATURES:
        feature.init_app(app)
    hooks.register(app)
    templating.register(app)
    errors.register(app)
    for group in COMMANDS:
        app.cli.add_command(group)
    return app


def _instance_secret(instance: Path) -> str:
    """A per-installation secret kept in instance/, so sessions survive restarts."""
    path = instance / "secret_key"
    try:  # O_EXCL: of workers starting together, one writes it and all read the same key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
    for _ in range(50):  # another worker may be between creating and writing the file
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    return key
