"""gunicorn settings: `gunicorn -c webapp/serving/gunicorn_conf.py 'webapp:create_app()'`."""
# The access log shows the path without the query string, where addresses would be.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
workers = 2
# Above the app's own URL limit (webapp/serving/security_headers.py), so an over-long URL
# gets the app's 414 (JSON under /api/) rather than gunicorn's plain 400.
limit_request_line = 8190
