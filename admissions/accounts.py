"""Staff accounts: roles, password rules, hashing and lock-out. Framework-free: the web
layer wraps `User` for Flask-Login (webapp/auth/accounts.py)."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
import string

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.clock import utcnow
from store.db import Base
from zones.errors import N_, Conflict, InvalidParameter, NotFound

# What each role may do. Higher staff roles include the lower ones.
ROLE_PERMISSIONS = {
    "editor": {"edit"},
    "publisher": {"edit", "publish"},
    "admin": {"edit", "publish", "manage_users"},
    "operator": {"hotline"},
    "school": {"school_reply"},
}
ROLES = tuple(ROLE_PERMISSIONS)
MAX_FAILURES = 5
LOCK_WINDOW = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    role: Mapped[str] = mapped_column(String(16))
    school_code: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, set())


class LoginFailure(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# Hashes are stored as "scrypt:n:r:p$salt$hex" (the format Werkzeug writes, so accounts
# created before this module existed still sign in); pbkdf2 hashes are still verified.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_SALT_CHARS = string.ascii_letters + string.digits


def _derive(method: str, salt: str, password: str) -> str:
    name, *args = method.split(":")
    if name == "scrypt":
        n, r, p = map(int, args) if args else (SCRYPT_N, SCRYPT_R, SCRYPT_P)
        return hashlib.scrypt(password.encode(), salt=salt.encode(), n=n, r=r, p=p,
                              maxmem=132 * n * r * p).hex()
    if name == "pbkdf2":
        hash_name, iterations = args if len(args) == 2 else ("sha256", "1000000")
        return hashlib.pbkdf2_hmac(hash_name, password.encode(), salt.encode(),
                                   int(iterations)).hex()
    raise ValueError(f"unknown password hash method {name!r}")


def hash_password(password: str) -> str:
    salt = "".join(secrets.choice(_SALT_CHARS) for _ in range(16))
    method = f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}"
    return f"{method}${salt}${_derive(method, salt, password)}"


def verify_password(stored: str, password: str) -> bool:
    try:
        method, salt, digest = stored.split("$", 2)
        return hmac.compare_digest(_derive(method, salt, password), digest)
    except ValueError:
        return False


def check_password_rule(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidParameter(N_("密码至少需要 %(n)s 个字符。"), field="password",
                               n=MIN_PASSWORD_LENGTH)
    classes = [r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"]
    if sum(bool(re.search(c, password)) for c in classes) < 3:
        raise InvalidParameter(N_("密码需要包含大写字母、小写字母、数字、符号中的至少三类。"),
                               field="password")


@functools.cache
def _dummy_hash() -> str:
    return hash_password("timing-equaliser")


def create_user(session: Session, username: str, password: str, role: str,
                display_name: str = "", school_code: str | None = None) -> User:
    if role not in ROLES:
        raise InvalidParameter(N_("未知角色：%(role)s"), field="role", role=role)
    if not re.fullmatch(r"[A-Za-z0-9_.-]{3,64}", username or ""):
        raise InvalidParameter(N_("用户名只能包含字母、数字、下划线、点和短横线（3–64 个字符）。"),
                               field="username")
    if session.scalars(select(User).where(User.username == username)).first():
        raise Conflict(N_("用户名 %(name)s 已存在。"), field="username", name=username)
    check_password_rule(password)
    user = User(username=username, display_name=display_name or username, role=role,
                school_code=school_code, password_hash=hash_password(password))
    session.add(user)
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def is_locked(session: Session, user: User, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    recent = session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.user_id == user.id, LoginFailure.at > now - LOCK_WINDOW))
    return recent >= MAX_FAILURES


def authenticate(session: Session, username: str, password: str,
                 now: dt.datetime | None = None) -> User | None:
    """The user if the password is right and the account is neither locked nor disabled.
    Every wrong password counts towards the lock-out; a locked account stays locked even
    with the right password until the window has passed."""
    user = find_user(session, username)
    if user is None:
        verify_password(_dummy_hash(), password)  # take as long as a real check
        return None
    if not user.active or is_locked(session, user, now):
        return None
    if not verify_password(user.password_hash, password):
        session.add(LoginFailure(user_id=user.id, at=now or utcnow()))
        return None
    return user


def unlock(session: Session, username: str) -> None:
    user = find_user(session, username)
    if user is None:
        raise NotFound(N_("没有用户 %(name)s。"), field="username", name=username)
    for failure in session.scalars(select(LoginFailure).where(LoginFailure.user_id == user.id)):
        session.delete(failure)
