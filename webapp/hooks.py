"""Every request hook of the app, registered here and nowhere else, in the order they run.

Flask runs `before_request` hooks in the order they were registered; the extensions bound
in the factory (CSRF protection, then rate limits) register theirs first, in `init_app`.
"""
from __future__ import annotations

from flask import Flask

from webapp.auth.views import enforce_session_limits
from webapp.database.retention import purge_expired_personal_data
from webapp.public.views import remember_language
from webapp.serving.compression import compress
from webapp.serving.request_guard import refuse_nul_in_request, refuse_overlong_url
from webapp.serving.security_headers import add_security_headers, csp_nonce
from webapp.serving.stateless_api import keep_pages_middleware_off_api
from webapp.staff.scheduling import publish_due_versions


def register(app: Flask) -> None:
    before = app.before_request_funcs.setdefault(None, [])
    # 1. Text with a NUL in it is refused before anything reads it: not the CSRF check,
    #    not the session, not the database (PostgreSQL cannot even compare such a string).
    before.insert(0, refuse_nul_in_request)
    before.insert(0, refuse_overlong_url)  # (and an over-long URL before even that)
    # 2. (CSRF, then rate limits: the extensions' own hooks.)
    # 3. ?lang= on a page is remembered for the visit, before anything renders text.
    app.before_request(remember_language)
    # 4. An idle staff session ends before a view sees its user (after the CSRF check,
    #    which needs the session's token).
    app.before_request(enforce_session_limits)
    # 5. A scheduled zone version that has come due is published before the request
    #    reads the published snapshot.
    app.before_request(publish_due_versions)
    # 6. Personal data past its retention period is removed (at most hourly per process).
    app.before_request(purge_expired_personal_data)
    # After the view: compress the finished body (last, so it sees the final bytes).
    app.after_request(compress)
    # Security headers on every response (registered after compress, so they run before
    # it: Flask runs after_request hooks in reverse), with the nonce the templates used.
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    # The lean API (lookups, zones, schools) skips the page hooks above, the extensions'
    # included, and opens no session; it keeps the NUL guard, scheduled publishing (an
    # API-only day must still publish on time; a clock comparison) and gzip.
    keep_pages_middleware_off_api(app, kept=(refuse_overlong_url, refuse_nul_in_request,
                                             publish_due_versions, compress,
                                             add_security_headers))
