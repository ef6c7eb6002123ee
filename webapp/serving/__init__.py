"""The HTTP edge: the NUL guard, gzip, keeping addresses out of logs, gunicorn's settings."""
