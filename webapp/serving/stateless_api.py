"""The JSON API reads no cookies and answers from memory, so the page middleware stays off it.

Two parts: no session is opened for an API request (Flask opens one for every request,
which also puts Flask-Login's user loading and `?lang=` memory out of reach), and the
hooks that serve pages only (CSRF, rate limits, staff idle time-out, Flask-Login's
remember cookie) are skipped for the blueprints named in `LEAN_BLUEPRINTS`: the lookup,
suggestions, zones, schools, OpenAPI and health endpoints, none of which has a limit or a
form. The inquiry API keeps its hooks: it has rate limits.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

STATELESS_PATHS = ("/api/", "/healthz")
LEAN_BLUEPRINTS = frozenset({"api"})


class PagesOnlySessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session of the pages; API requests get the empty, read-only one."""

    def open_session(self, app, request):
        if request.path.startswith(STATELESS_PATHS):
            return self.make_null_session(app)
        return super().open_session(app, request)


def _skipped_for_api(hook: Callable, passes_through: bool) -> Callable:
    @wraps(hook)
    def run(*args):
        if request.blueprint in LEAN_BLUEPRINTS:
            return args[0] if passes_through else None
        return hook(*args)
    return run


def keep_pages_middleware_off_api(app: Flask, kept: Iterable[Callable]) -> None:
    """Wrap every app-wide before/after-request hook except `kept` so that it does not run
    for the lean API blueprints. Call it after every hook is registered."""
    kept = set(kept)
    app.session_interface = PagesOnlySessionInterface()
    for funcs, passes_through in ((app.before_request_funcs, False),
                                  (app.after_request_funcs, True)):
        hooks = funcs.get(None, [])
        funcs[None] = [hook if hook in kept else _skipped_for_api(hook, passes_through)
                       for hook in hooks]
