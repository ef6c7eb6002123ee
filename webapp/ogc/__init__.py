"""Open data: OGC API – Features (/ogc/), for GIS tools and other systems. The logic is
plain functions (logic.py, openapi.py); the views are a thin Flask layer."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.ogc.views import bp
    app.register_blueprint(bp)
