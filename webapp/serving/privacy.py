"""Keeping what families type out of the logs.

Addresses and search text arrive in query strings, which request logs print in full. The
filter below rewrites logged request lines so that those values never reach a log file.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping

SENSITIVE_PARAMS = ("address", "q", "phone", "phone_last4", "lat", "lng", "name")
_QUERY_VALUE = re.compile(r"(?<=[?&])(" + "|".join(SENSITIVE_PARAMS) + r")=[^&\s\"]*")


def redact(text: str) -> str:
    if "=" not in text:  # most of what is logged: nothing to look for (and this is per request)
        return text
    return _QUERY_VALUE.sub(_redacted, text)


def _redacted(match: re.Match) -> str:
    return f"{match.group(1)}=[redacted]"


class RedactQueryFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            # gunicorn's access log passes one dict of atoms; it must stay a mapping (in
            # place: gunicorn's own dict answers "-" for atoms it does not have).
            for key, value in list(record.args.items()):
                if isinstance(value, str) and "=" in value:
                    record.args[key] = redact(value)
        elif record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True


def install() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQueryFilter) for f in logger.filters):
            logger.addFilter(RedactQueryFilter())
