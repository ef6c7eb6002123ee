"""Rate limits that hold across workers, and what they do when their store is down.

Counters live in Redis when `XUEQU_REDIS_URL` is set, otherwise in a SQLite file that every
worker of the host shares (`rate_limit_store.py`). If the store cannot be reached, a
limited lookup is let through (fail open: a parent checking a case must not be turned away)
while an inquiry submission is refused with a clear 503 (fail closed: an unlimited form is
a spam gate left open). Either way the log says so once a minute, not once a request.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import current_app, request
from flask_limiter import Limiter
from limits.errors import StorageError

from zones.errors import N_, ServiceUnavailable

log = logging.getLogger(__name__)
OUTAGE_LOG_SECONDS = 60.0
# Redis that does not answer must not hold a request for long.
REDIS_OPTIONS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}


def fail_closed(view: Callable) -> Callable:
    """Mark a view whose limits refuse the request when their store is unreachable."""
    view.rate_limit_fail_closed = True
    return view


def storage_options(uri: str) -> dict:
    options: dict = {"wrap_exceptions": True}
    if uri.startswith(("redis://", "rediss://")):
        options.update(REDIS_OPTIONS)
    return options


class FailSafeLimiter(Limiter):
    """Flask-Limiter, with the store-outage policy above."""

    _outage_logged_at = float("-inf")

    def _check_request_limit(self, callable_name: str | None = None,
                             in_middleware: bool = True) -> None:
        try:
            super()._check_request_limit(callable_name=callable_name,
                                         in_middleware=in_middleware)
        except StorageError as error:
            view = current_app.view_functions.get(request.endpoint or "")
            closed = getattr(view, "rate_limit_fail_closed", False)
            self._log_outage(error)
            if closed:
                raise ServiceUnavailable(N_("暂时无法提交，请稍后再试或拨打咨询电话。")) from None

    def _log_outage(self, error: StorageError) -> None:
        now = time.monotonic()
        if now - self._outage_logged_at >= OUTAGE_LOG_SECONDS:
            self._outage_logged_at = now
            log.warning("rate-limit store unreachable (%s): lookups are not limited, "
                        "inquiry submissions are refused", type(error.storage_error).__name__)
