"""Staff sign-in: Flask-Login sessions that end (idle, absolute, on sign-out and password
change), throttled sign-in per account and address, and the staff home page."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from webapp.auth import accounts
from webapp.extensions import limiter, login_manager
from webapp.i18n import translate
from webapp.services import services, settings
from zones import audit
from zones.errors import N_

bp = Blueprint("auth", __name__, url_prefix="/staff", template_folder="templates")


BLOCKED_MESSAGE = N_("这个账户从您的网络登录失败次数过多，已暂停 %(n)s 分钟。其他地点不受影响；"
                     "如需立即解除，请联系管理员。")


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=256)])
    code = StringField("动态验证码", validators=[Length(max=12)])


@login_manager.user_loader
def load_user(session_id: str):
    """The signed-in user, if the session's version is still the account's (sign-out and a
    password change raise it, ending every older session server-side)."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    with services().sessions() as db_session:
        user = db_session.get(accounts.User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return accounts.SignedInUser(user)


def enforce_session_limits() -> None:
    """Sign staff out after IDLE_TIMEOUT_SECONDS without a request, and SESSION_HOURS after
    signing in whatever they do."""
    if not current_user.is_authenticated:
        return
    now = time.time()
    idle = now - session.get("last_seen", now) > settings().idle_timeout_seconds
    expired = now - session.get("signed_in_at", 0) > settings().session_hours * 3600
    if idle or expired:
        logout_user()
        session.clear()
        flash(translate("长时间未操作，已自动退出，请重新登录。") if idle else
              translate("登录已超过规定时长，请重新登录。"))
        return
    session["last_seen"] = now


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    form = LoginForm()
    error, status, headers = None, 200, {}
    if form.validate_on_submit():
        client = request.remote_addr or "unknown"
        with services().sessions.begin() as db_session:
            outcome = accounts.authenticate(
                db_session, form.username.data, form.password.data, client,
                current_app.config["SECRET_KEY"], form.code.data or "",
                now=services().clock.now_utc())
            _audit_attempt(db_session, form.username.data, outcome, client)
        user = outcome.user
        if user is not None:
            language = session.get("lang")  # the visitor's language survives signing in
            session.clear()
            if language:
                session["lang"] = language
            login_user(accounts.SignedInUser(user))
            session["signed_in_at"] = session["last_seen"] = time.time()
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        if outcome.refused or outcome.newly_blocked:
            seconds = int(outcome.wait.total_seconds()) + 1
            error = translate("尝试次数过多，请 %(n)s 秒后再试。") % {"n": seconds} \
                if not outcome.blocked else \
                translate(BLOCKED_MESSAGE) % {"n": seconds // 60 + 1}
            status, headers = 429, {"Retry-After": str(seconds)}
        elif outcome.needs_code:
            error, status = translate("请输入认证器应用上的 6 位动态验证码。"), 401
        else:
            error, status = translate("用户名或密码错误。"), 401
    return render_template("auth/login.html", form=form, error=error), status, headers


def _audit_attempt(db_session, typed: str, outcome, client: str) -> None:
    """Every attempt, without the password and without a typed name that is no account
    (which is sometimes a password typed in the wrong box): that is kept as a hash."""
    actor = outcome.user.username if outcome.user is not None else (
        typed[:64] if outcome.known else "unknown")
    key = accounts.account_key(typed, current_app.config["SECRET_KEY"])[:16]
    if outcome.user is not None:
        audit.record(db_session, actor, "login", client=client)
        return
    if outcome.newly_blocked:
        action = "login_blocked"
    elif outcome.refused:
        action = "login_refused_blocked" if outcome.blocked else "login_throttled"
    else:
        action = "login_failed"
    audit.record(db_session, actor, action, client=client, account_key=key,
                 second_factor=outcome.needs_code or None)


@bp.post("/logout")
@login_required
def logout():
    with services().sessions.begin() as db_session:
        user = db_session.get(accounts.User, current_user.id)
        if user is not None:
            accounts.end_sessions(user)
            audit.record(db_session, user.username, "logout")
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    return redirect(url_for("public.index"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: browsers drop tabs and newlines and read a backslash as a
    slash, so `/%09/evil.example` would become `//evil.example`."""
    home = url_for("auth.home")
    if not target or any(c in target for c in "\\\t\r\n") or \
            any(ord(c) < 32 or ord(c) == 127 for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    return target


@bp.get("/")
@login_required
def home():
    links = [(endpoint, label) for permission, endpoint, label
             in current_app.extensions.get("staff_links", []) if current_user.can(permission)]
    return render_template("auth/home.html", links=links)


def add_staff_link(app, permission: str, endpoint: str, label: str) -> None:
    """Features put their entry on the staff home page for the roles that may use it."""
    app.extensions.setdefault("staff_links", []).append((permission, endpoint, label))
