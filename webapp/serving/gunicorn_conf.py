"""gunicorn settings, used by `make run` and in production:
`gunicorn -c webapp/serving/gunicorn_conf.py --bind 127.0.0.1:5000 'webapp:create_app()'`.

One sync worker per core: a lookup is CPU work in memory, so more workers than cores only
queue. Every worker builds its own app (no preload) and so its own database connections.
"""
import multiprocessing

workers = multiprocessing.cpu_count()
# A request that takes longer than this is stuck (the slowest, a staff upload's validation,
# runs outside the request, in a child process with its own limit); the worker is replaced.
timeout = 90
graceful_timeout = 30
keepalive = 5
# The access log shows the path without the query string, where addresses would be, and
# not the client's IP address (webapp/serving/privacy.py redacts anything that slips in).
accesslog = "-"
# gunicorn's control socket is one path per user (~/.gunicorn): several servers on one host
# would fight over it, and nothing here uses it.
control_socket_disable = True
access_log_format = '%(t)s [%(p)s] "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
# Fills only the atoms that format names (gunicorn's own logger copies every header and
# environ entry per request: ~60 µs, as much as a lookup; webapp/serving/access_log.py).
logger_class = "webapp.serving.access_log.AccessLogger"
# Above the app's own URL limit (webapp/serving/request_guard.py), so an over-long URL
# gets the app's 414 (JSON under /api/) rather than gunicorn's plain 400.
limit_request_line = 8190


def post_worker_init(worker):
    """Each worker listens for publishes (PostgreSQL NOTIFY or Redis), after the fork."""
    from webapp.serving.propagation import listen_for_changes
    listen_for_changes(worker.wsgi)
