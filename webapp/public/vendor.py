"""Third-party browser assets served by the app itself (no CDN): Leaflet from XStatic."""
from __future__ import annotations

from flask import Blueprint, send_from_directory
from xstatic.pkg import leaflet

bp = Blueprint("vendor", __name__)

LEAFLET_FILES = ("leaflet.js", "leaflet.css")
ONE_WEEK = 7 * 24 * 3600


@bp.get("/vendor/leaflet/<path:filename>")
def leaflet_file(filename: str):
    # send_from_directory refuses paths that leave BASE_DIR, so no traversal.
    return send_from_directory(leaflet.BASE_DIR, filename, max_age=ONE_WEEK)
