"""The database and the dataset at start-up: migrations, the sample district, and their
commands (`db upgrade`, `data load-sample`)."""
from __future__ import annotations

import logging
from pathlib import Path

from admissions.dataset import load_dataset
from webapp.services import Services
from store import db

log = logging.getLogger(__name__)


def set_up(services: Services) -> None:
    """Migrate and load the sample district at start-up, when the settings ask for it."""
    if services.settings.auto_migrate:
        db.upgrade(services.engine)
    if services.settings.auto_load_sample:
        report = load_dataset(services.sessions, Path(services.settings.dataset_dir))
        if report.loaded:
            log.info("loaded the sample district (%s)", report.zone_set_id)
