"""Scheduled zone versions go live on their effective date without anyone at a terminal.

Each process checks, at most every `schedule_check_seconds` and on the back of a request,
whether a scheduled version is due, and publishes it through the same workflow (and
audit entry) as `flask zones publish-due`. If two processes race, the database lets one
win and the other sees a conflict, which is fine: the version is published either way.
"""
from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from webapp.services import Services, services
from zones import workflow
from zones.errors import Conflict

log = logging.getLogger(__name__)


def publish_due_versions(current: Services | None = None) -> None:
    """The request hook (see webapp/hooks.py); the fast lane passes its services."""
    current = current or services()
    if not current.due("last_schedule_check", current.settings.schedule_check_seconds):
        return
    try:
        if workflow.publish_due(current.sessions, today=current.clock.today()):
            current.published.invalidate()
    except Conflict:
        current.published.invalidate()  # another process published it first
    except SQLAlchemyError:
        log.warning("could not check for scheduled zone versions", exc_info=True)
