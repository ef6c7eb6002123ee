"""The web side of staff accounts: Flask-Login's view of a signed-in `User`. The accounts
themselves (roles, passwords, lock-out) are admissions.accounts, free of Flask."""
from __future__ import annotations

from flask_login import UserMixin

from admissions.accounts import (ROLES, LoginFailure, User, authenticate,  # noqa: F401
                                 create_user, find_user, is_locked, unlock)


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
        return str(self.user.id)
