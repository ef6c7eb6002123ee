"""Staff sign-in and sessions, role checks, and the staff accounts' commands."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.auth import blocks  # noqa: F401  (the admin's page, on the same blueprint)
    from webapp.auth.views import add_staff_link, bp
    from zones.errors import N_
    app.register_blueprint(bp)
    add_staff_link(app, "manage_users", "auth.blocks", N_("登录限制"))
