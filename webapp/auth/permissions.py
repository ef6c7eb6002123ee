"""The one role check of the staff pages."""
from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user, login_required


def permission_required(*permissions: str):
    """Only signed-in staff whose role grants at least one of `permissions` may use the
    view; others get 403, and visitors who are not signed in go to the sign-in page."""
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(current_user.can(p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
