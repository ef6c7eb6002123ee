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


def _page_hooks(hooks: list[Callable], passes_through: bool) -> Callable:
    """Consecutive page hooks run as one, in their order, except for the lean API (so an
    API request asks once, not once per hook). Before-request: the first answer wins;
    after-request: each gets the response the previous returned."""
    def run(*args):
        if request.blueprint in LEAN_BLUEPRINTS:
            return args[0] if passes_through else None
        for hook in hooks:
            result = hook(*args)
            if passes_through:
                args = (result,)
            elif result is not None:
                return result
        return args[0] if passes_through else None
    run.__name__ = "page_hooks:" + ",".join(getattr(h, "__name__", "?") for h in hooks)
    return run


def keep_pages_middleware_off_api(app: Flask, kept: Iterable[Callable]) -> None:
    """Group every app-wide before-, after- and teardown-request hook except `kept` so
    that they do not run for the lean API blueprints. Call it after every hook is
    registered; the order of all hooks stays as it was."""
    kept = set(kept)
    app.session_interface = PagesOnlySessionInterface()
    for funcs, passes_through in ((app.before_request_funcs, False),
                                  (app.after_request_funcs, True),
                                  (app.teardown_request_funcs, False)):
        grouped: list[Callable] = []
        run: list[Callable] = []
        for hook in funcs.get(None, []):
            if hook in kept:
                if run:
                    grouped.append(_page_hooks(run, passes_through))
                    run = []
                grouped.append(hook)
            else:
                run.append(hook)
        if run:
            grouped.append(_page_hooks(run, passes_through))
        funcs[None] = grouped
