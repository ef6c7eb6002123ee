"""The web side of staff accounts: Flask-Login's view of a signed-in `User`. The accounts
themselves (roles, passwords, throttling, TOTP) are admissions.accounts, free of Flask."""
from __future__ import annotations

from flask_login import UserMixin

from admissions.accounts import (ROLES, LoginThrottle, User, account_key,  # noqa: F401
                                 authenticate, blocks, change_password, clear_block,
                                 clear_blocks_of, create_user, end_sessions, enrol_totp,
                                 find_user, names_by_key, totp_uri)


class SignedInUser(UserMixin):
    """Adds what Flask-Login asks of a user to a detached `User`; every other attribute
    (username, role, can(), …) is the account's own."""

    def __init__(self, user: User):
        self.user = user

    def __getattr__(self, name: str):
        return getattr(self.user, name)

    @property
    def is_active(self) -> bool:
        return self.user.active

    def get_id(self) -> str:
        # The session version goes into the session: raising it ends the session.
        return f"{self.user.id}:{self.user.session_version or 0}"
