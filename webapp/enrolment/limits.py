"""The abuse limit of the results lookup: one budget per client, like the status check."""
from __future__ import annotations

from webapp.extensions import limiter
from webapp.services import settings


def lookup_limit() -> str:
    return settings().result_lookup_limit


limit_result_lookups = limiter.shared_limit(lookup_limit, scope="result_lookup",
                                            methods=["POST"])
