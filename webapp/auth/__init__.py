"""Staff sign-in and sessions, role checks, and the staff accounts' commands."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.auth.views import bp
    app.register_blueprint(bp)
