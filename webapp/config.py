"""Settings: safe defaults, overridden by environment variables, then instance/config.py."""
from __future__ import annotations

import os

from admissions.dataset import SAMPLE_DIR


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def from_environment(instance_path: str) -> dict:
    return {
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", f"sqlite:///{os.path.join(instance_path, 'xuequ.sqlite3')}"),
        # Schema migrations run at start-up for the embedded SQLite store; a PostgreSQL
        # deployment runs `flask --app webapp db upgrade` once instead.
        "AUTO_MIGRATE": _flag("XUEQU_AUTO_MIGRATE", True),
        "AUTO_LOAD_SAMPLE": _flag("XUEQU_AUTO_LOAD_SAMPLE", True),
        # The dataset directory loaded at start-up (docs/DATA.md); the sample by default.
        "DATASET_DIR": os.environ.get("XUEQU_DATASET_DIR") or str(SAMPLE_DIR),
        "REFRESH_SECONDS": float(os.environ.get("XUEQU_REFRESH_SECONDS", "2")),
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "BABEL_DEFAULT_LOCALE": "zh",
        "LANGUAGES": ("zh", "en"),
        # Per-process counters; point at redis:// to share limits across workers.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "VALIDATION_TIME_LIMIT": float(os.environ.get("XUEQU_VALIDATION_SECONDS", "60")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("XUEQU_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)),
        # Online geocoders behind the offline gazetteer (gis/providers.py); off when empty.
        "GEOCODER_SETTINGS": {k: v for k, v in os.environ.items()
                              if k.startswith(("XUEQU_GEOCODER", "XUEQU_NOMINATIM",
                                               "XUEQU_BAIDU"))},
        # The public map's base tiles: none (offline, the default), tianditu, osm or amap.
        "TILES": os.environ.get("XUEQU_TILES", "none").strip().lower(),
        "TIANDITU_KEY": os.environ.get("XUEQU_TIANDITU_KEY", ""),
        # Pin "today" (YYYY-MM-DD) for demos of a later admission stage; empty = real date.
        "TODAY": os.environ.get("XUEQU_TODAY", ""),
    }
