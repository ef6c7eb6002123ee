"""API v1 (JSON): lookups, addresses, zones, schools, the FAQ and inquiries. The logic is
plain functions (logic.py, params.py); the views are a thin Flask layer."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.api.eligibility import bp as eligibility_bp
    from webapp.api.inquiries import bp as inquiries_bp
    from webapp.api.open_data import bp as open_data_bp
    from webapp.api.views import bp
    from webapp.extensions import csrf
    for blueprint in (bp, inquiries_bp, eligibility_bp, open_data_bp):
        app.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # JSON API: no cookies are read, so no cross-site forgery
