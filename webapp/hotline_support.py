"""Shared pieces of the hotline, inquiry and disclosure pages: role checks, error text,
highlighting, limits and the template helpers."""
from __future__ import annotations

import functools
import os

from flask import abort, current_app
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from admissions import inquiries, knowledge
from webapp.extensions import limiter


def any_permission(*permissions: str):
    """Staff whose role grants at least one of `permissions` (others get 403)."""
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(current_user.can(p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator




def highlight(text: str, spans) -> Markup:
    """`text` escaped, with each matched span in <mark>."""
    out, last = [], 0
    for start, end in spans or ():
        out.append(escape(text[last:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def submit_limit() -> str:
    return current_app.config["INQUIRY_SUBMIT_LIMIT"]


def lookup_limit() -> str:
    return current_app.config["INQUIRY_LOOKUP_LIMIT"]


# One budget per client across the web form and the API, so neither is a way round the other.
limit_submissions = limiter.shared_limit(submit_limit, scope="inquiry_submit",
                                         methods=["POST"])
limit_lookups = limiter.shared_limit(lookup_limit, scope="inquiry_lookup")


def honeypot_filled(form) -> bool:
    """A field people never see; bots fill every field they find."""
    return bool((form.get("website") or "").strip())


def configure(app) -> None:
    app.config.setdefault("INQUIRY_SUBMIT_LIMIT",
                          os.environ.get("XUEQU_INQUIRY_SUBMIT_LIMIT", "5 per minute;30 per day"))
    app.config.setdefault("INQUIRY_LOOKUP_LIMIT",
                          os.environ.get("XUEQU_INQUIRY_LOOKUP_LIMIT",
                                         "10 per minute;60 per hour"))
    app.config.setdefault("INQUIRY_RETENTION_DAYS",
                          int(os.environ.get("XUEQU_INQUIRY_RETENTION_DAYS", "1095")))
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.globals.update(
        INQUIRY_KINDS=inquiries.KINDS, INQUIRY_STATUSES=inquiries.STATUSES,
        INQUIRY_ACTIONS=inquiries.ACTIONS, DEPARTMENTS=inquiries.DEPARTMENTS,
        INQUIRY_CHANNELS=inquiries.CHANNELS, MAX_INQUIRY=inquiries.MAX_CONTENT,
        VALIDITY=knowledge.VALIDITY, POLICY_CATEGORIES=knowledge.POLICY_CATEGORIES,
        FAQ_CATEGORIES=knowledge.FAQ_CATEGORIES)
