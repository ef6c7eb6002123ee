"""gunicorn settings: `gunicorn -c webapp/serving/gunicorn_conf.py 'webapp:create_app()'`."""
# The access log shows the path without the query string, where addresses would be.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
workers = 2
