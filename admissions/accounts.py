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
from dataclasses import dataclass

from sqlalchemy import (Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint, delete,
                        select)
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
MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 4  # zxcvbn's top score: "very unguessable" (10^10 guesses and more)
TOTP_ROLES = ("publisher", "admin")  # who may add a second factor
# Sign-in throttling, per typed account name AND client address together: from the third
# wrong password of a pair in the window, the next try must wait 2, 4, 8… seconds; the
# tenth blocks that pair for BLOCK_TIME. Another address is not affected.
THROTTLE_WINDOW = dt.timedelta(minutes=15)
DELAY_AFTER = 3
MAX_DELAY = dt.timedelta(seconds=60)
BLOCK_AFTER = 10
BLOCK_TIME = dt.timedelta(minutes=15)


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
    # Raised on sign-out and password change: every session signed with the old value ends.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code works only once

    def can(self, permission: str) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, set())


class LoginThrottle(Base):
    """Wrong passwords per (typed account name, client address). The name is kept only as
    a keyed hash, so what someone typed (sometimes a password) is never stored."""
    __tablename__ = "login_throttle"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_key: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_failed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("account_key", "client"),)


class LoginFailure(Base):
    """Wrong passwords as counted before sign-in throttling (kept for old rows, which the
    retention purge removes; nothing writes here any more)."""
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


def check_password_rule(password: str, username: str = "", display_name: str = "") -> None:
    """At least 12 characters of three kinds, not like the user name, and not guessable
    (zxcvbn: common passwords, words, keyboard walks, dates, l33t)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidParameter(N_("密码至少需要 %(n)s 个字符。"), field="password",
                               n=MIN_PASSWORD_LENGTH)
    classes = [r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"]
    if sum(bool(re.search(c, password)) for c in classes) < 3:
        raise InvalidParameter(N_("密码需要包含大写字母、小写字母、数字、符号中的至少三类。"),
                               field="password")
    folded = re.sub(r"[^a-z0-9]", "", password.lower())
    for name in (username, display_name):
        plain = re.sub(r"[^a-z0-9]", "", (name or "").lower())
        if len(plain) >= 3 and (plain in folded or folded in plain):
            raise InvalidParameter(N_("密码不能包含用户名或与用户名相似。"), field="password")
    from zxcvbn import zxcvbn  # imported here: loading its dictionaries takes a moment
    inputs = [v for v in (username, display_name) if v]
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        raise InvalidParameter(N_("这个密码太常见或太容易猜到，请换一个更长、更不规则的密码。"),
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
    check_password_rule(password, username, display_name)
    user = User(username=username, display_name=display_name or username, role=role,
                school_code=school_code, password_hash=hash_password(password))
    session.add(user)
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def account_key(username: str, secret: str) -> str:
    """What the throttle and the audit log keep of a typed name: a keyed hash (the same
    name always gives the same key; the key does not give back the name)."""
    return hmac.new(secret.encode(), (username or "").strip().lower().encode(),
                    hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt. `user` only when everything was right; `wait` is how
    long the pair must wait (a delay or a block) before the next attempt counts."""
    user: User | None
    known: bool
    blocked: bool = False
    newly_blocked: bool = False
    refused: bool = False  # not checked at all: the pair is waiting or blocked
    wait: dt.timedelta = dt.timedelta(0)
    needs_code: bool = False


def _throttle_row(session: Session, key: str, client: str) -> LoginThrottle | None:
    return session.scalars(select(LoginThrottle).where(LoginThrottle.account_key == key,
                                                       LoginThrottle.client == client)).first()


def _wait(row: LoginThrottle | None, now: dt.datetime) -> tuple[dt.timedelta, bool]:
    if row is None:
        return dt.timedelta(0), False
    if row.blocked_until and row.blocked_until > now:
        return row.blocked_until - now, True
    if row.last_failed_at < now - THROTTLE_WINDOW or row.failures < DELAY_AFTER:
        return dt.timedelta(0), False
    delay = min(MAX_DELAY, dt.timedelta(seconds=2 ** (row.failures - DELAY_AFTER + 1)))
    return max(dt.timedelta(0), row.last_failed_at + delay - now), False


def authenticate(session: Session, username: str, password: str, client: str, secret: str,
                 code: str = "", now: dt.datetime | None = None) -> SignIn:
    """One sign-in attempt from `client`. The password hash is always computed (also for
    unknown names and throttled pairs), so the answer takes as long whatever the case;
    unknown names are throttled exactly like known ones."""
    now = now or utcnow()
    key = account_key(username, secret)
    client = (client or "unknown")[:64]
    user = find_user(session, username)
    stored = user.password_hash if user is not None and user.active else _dummy_hash()
    password_ok = verify_password(stored, password) and user is not None and user.active
    row = _throttle_row(session, key, client)
    wait, blocked = _wait(row, now)
    if wait > dt.timedelta(0):
        return SignIn(None, user is not None, blocked=blocked, wait=wait, refused=True)
    if password_ok and user.totp_secret:
        step = totp_step(user.totp_secret, code, now)
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            return SignIn(None, True, needs_code=True)
        user.totp_last_step = step
    if password_ok:
        if row is not None:
            session.delete(row)
        return SignIn(user, True)
    if row is None or row.last_failed_at < now - THROTTLE_WINDOW:
        if row is not None:
            session.delete(row)
            session.flush()
        row = LoginThrottle(account_key=key, client=client, failures=0, first_failed_at=now)
        session.add(row)
    row.failures += 1
    row.last_failed_at = now
    newly_blocked = row.failures >= BLOCK_AFTER
    if newly_blocked:
        row.blocked_until = now + BLOCK_TIME
        row.failures = 0
    session.flush()
    wait, blocked = _wait(row, now)
    return SignIn(None, user is not None, blocked=blocked, newly_blocked=newly_blocked,
                  wait=wait)


def blocks(session: Session, now: dt.datetime | None = None) -> list[LoginThrottle]:
    """Pairs that are blocked now, newest first."""
    now = now or utcnow()
    return list(session.scalars(select(LoginThrottle).where(
        LoginThrottle.blocked_until > now).order_by(LoginThrottle.blocked_until.desc())))


def names_by_key(session: Session, secret: str) -> dict[str, str]:
    return {account_key(u.username, secret): u.username for u in session.scalars(select(User))}


def clear_block(session: Session, block_id: int) -> LoginThrottle:
    row = session.get(LoginThrottle, block_id) if 0 < block_id < 2**63 else None
    if row is None:
        raise NotFound(N_("没有这条登录限制记录。"), field="block")
    session.delete(row)
    return row


def clear_blocks_of(session: Session, username: str, secret: str) -> int:
    """Every throttle row of the account name (all addresses)."""
    result = session.execute(delete(LoginThrottle).where(
        LoginThrottle.account_key == account_key(username, secret)))
    return result.rowcount or 0


def end_sessions(user: User) -> None:
    """Every session signed in as `user` ends with its next request."""
    user.session_version = (user.session_version or 0) + 1


def change_password(session: Session, username: str, password: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise NotFound(N_("没有用户 %(name)s。"), field="username", name=username)
    check_password_rule(password, user.username, user.display_name)
    user.password_hash = hash_password(password)
    end_sessions(user)
    return user


# Optional second factor (TOTP, RFC 6238) for publishers and admins ----------------------

def enrol_totp(session: Session, username: str) -> str:
    """A new TOTP secret for the account (its authenticator app scans the URI)."""
    import pyotp
    user = find_user(session, username)
    if user is None:
        raise NotFound(N_("没有用户 %(name)s。"), field="username", name=username)
    if user.role not in TOTP_ROLES:
        raise InvalidParameter(N_("只有发布人员和管理员可以启用动态验证码。"), field="role")
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    return user.totp_secret


def totp_uri(secret: str, username: str, issuer: str = "Xuequ") -> str:
    import pyotp
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def totp_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step the six-digit `code` belongs to (now, or one step either side), or
    None when it is wrong."""
    import pyotp
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    moment = now.replace(tzinfo=dt.UTC)
    for offset in (0, -1, 1):
        at = moment + dt.timedelta(seconds=30 * offset)
        if hmac.compare_digest(totp.at(at), code):
            return int(at.timestamp()) // 30
    return None
