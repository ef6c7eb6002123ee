"""Abuse limits of the public inquiry form and status check, shared with the API."""
from __future__ import annotations

from webapp.extensions import limiter
from webapp.serving.rate_limits import fail_closed
from webapp.services import settings


def submit_limit() -> str:
    return settings().inquiry_submit_limit


def lookup_limit() -> str:
    return settings().inquiry_lookup_limit


# One budget per client across the web form and the API, so neither is a way round the other.
_submission_limit = limiter.shared_limit(submit_limit, scope="inquiry_submit",
                                         methods=["POST"])


def limit_submissions(view):
    """The submission limit; with its store unreachable, submissions are refused."""
    return _submission_limit(fail_closed(view))


limit_lookups = limiter.shared_limit(lookup_limit, scope="inquiry_lookup")


def honeypot_filled(form) -> bool:
    """A field people never see; bots fill every field they find."""
    return bool((form.get("website") or "").strip())
