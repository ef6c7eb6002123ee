"""Xuequ's Flask application factory (`flask --app webapp run`)."""
from __future__ import annotations

import logging
import os
import secrets
from functools import partial
from pathlib import Path

from flask import Flask
from flask_babel import Babel

from admissions.dataset import load_dataset
from admissions.service import build_snapshot
from gis.district import read_profile
from gis.providers import providers_from_settings
from webapp import auth, cli, compression, errors, privacy, request_guard
from webapp.config import from_environment
from webapp.extensions import csrf, limiter, login_manager
from webapp.i18n import select_locale
from webapp.services import Services
from zones import db
from zones.cache import PublishedCache

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    # XUEQU_INSTANCE_PATH moves instance/ (database, secret, uploads) elsewhere; tests use it.
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("XUEQU_INSTANCE_PATH") or None)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.json.ensure_ascii = False
    privacy.install()

    Babel(app, locale_selector=select_locale,
          default_translation_directories=str(Path(__file__).with_name("translations")))
    engine = db.make_engine(app.config["DATABASE_URL"])
    sessions = db.make_sessionmaker(engine)
    app.extensions["xuequ"] = Services(
        engine=engine, sessions=sessions,
        published=PublishedCache(
            sessions, partial(build_snapshot, providers=tuple(
                providers_from_settings(app.config["GEOCODER_SETTINGS"])),
                fallback_profile=read_profile(Path(app.config["DATASET_DIR"]))),
            app.config["REFRESH_SECONDS"]))
    if app.config["AUTO_MIGRATE"]:
        db.upgrade(engine)
    if app.config["AUTO_LOAD_SAMPLE"]:
        report = load_dataset(sessions, Path(app.config["DATASET_DIR"]))
        if report.loaded:
            log.info("loaded the sample district (%s)", report.zone_set_id)

    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    auth.init_app(app)

    from webapp.api.views import bp as api_bp
    from webapp.public import bp as public_bp
    from webapp.vendor import bp as vendor_bp
    app.register_blueprint(api_bp)
    app.register_blueprint(vendor_bp)
    csrf.exempt(api_bp)  # JSON API: no cookies are read, so no cross-site forgery to stop
    app.register_blueprint(public_bp)
    from webapp import hotline_features, notices, scheduling, staff_zones
    hotline_features.init_app(app)
    staff_zones.init_app(app)
    scheduling.init_app(app)
    app.register_blueprint(notices.bp)
    errors.register(app)
    request_guard.init_app(app)
    compression.init_app(app)
    cli.register(app)
    return app


def _instance_secret(instance: Path) -> str:
    """A per-installation secret kept in instance/, so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
