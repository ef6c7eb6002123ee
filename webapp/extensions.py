"""Flask extensions, created once and bound in the app factory."""
from __future__ import annotations

from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from webapp.serving import rate_limit_store  # noqa: F401  (registers the embedded store)
from webapp.serving.rate_limits import FailSafeLimiter

csrf = CSRFProtect()
# Counters shared by every worker: Redis, or a SQLite file (webapp/serving/rate_limits.py).
limiter = FailSafeLimiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = None  # the login page explains itself
