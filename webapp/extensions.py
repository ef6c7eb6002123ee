"""Flask extensions, created once and bound in the app factory."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
# In-process counters by default; RATELIMIT_STORAGE_URI (e.g. redis://) shares them.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = None  # the login page explains itself
