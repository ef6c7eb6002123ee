"""Public information: the disclosure directory (政府信息公开目录), the FAQ, and the public
inquiry form and status check."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.disclosure.views import bp
    app.register_blueprint(bp)
