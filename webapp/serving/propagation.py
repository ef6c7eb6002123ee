"""Starting a worker's publish listener (zones/propagation.py): gunicorn's
`post_worker_init` calls `listen_for_changes` in every worker, after the fork."""
from __future__ import annotations

from flask import Flask

from zones.propagation import ChangeListener


def listen_for_changes(app: Flask) -> ChangeListener | None:
    """Listen on Redis when XUEQU_REDIS_URL is set, else on PostgreSQL; SQLite alone has
    no channel, and the cache's polling does the work."""
    services = app.extensions["xuequ"]
    url = services.engine.url
    database_url = url.set(drivername="postgresql").render_as_string(hide_password=False) \
        if url.get_backend_name() == "postgresql" else None
    if not (services.settings.redis_url or database_url):
        return None
    listener = ChangeListener(services.published.refresh, database_url=database_url,
                              redis_url=services.settings.redis_url or None)
    listener.start()
    app.extensions["xuequ_listener"] = listener
    return listener
