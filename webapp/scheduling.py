"""Scheduled zone versions go live on their effective date without anyone at a terminal.

Each process checks, at most every SCHEDULE_CHECK_SECONDS and on the back of a request,
whether a scheduled version is due, and publishes it through the same workflow (and
audit entry) as `flask zones publish-due`. If two processes race, the database lets one
win and the other sees a conflict, which is fine: the version is published either way.
"""
from __future__ import annotations

import logging
import time

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from webapp.services import services
from zones import workflow
from zones.errors import Conflict

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.config.setdefault("SCHEDULE_CHECK_SECONDS", 60.0)
    last_check = [float("-inf")]

    @app.before_request
    def publish_due_versions() -> None:
        now = time.monotonic()
        if now - last_check[0] < app.config["SCHEDULE_CHECK_SECONDS"]:
            return
        last_check[0] = now
        try:
            if workflow.publish_due(services().sessions, today=app.config.get("SCHEDULE_TODAY")):
                services().published.invalidate()
        except Conflict:
            services().published.invalidate()  # another process published it first
        except SQLAlchemyError:
            log.warning("could not check for scheduled zone versions", exc_info=True)
