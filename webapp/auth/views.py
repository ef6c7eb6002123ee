"""Staff sign-in: Flask-Login sessions, idle time-out, lock-out, and the staff home page."""
from __future__ import annotations

import time

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

bp = Blueprint("auth", __name__, url_prefix="/staff", template_folder="templates")


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(), Length(max=256)])


@login_manager.user_loader
def load_user(user_id: str):
    with services().sessions() as db_session:
        user = db_session.get(accounts.User, int(user_id))
    return accounts.SignedInUser(user) if user is not None else None


def enforce_idle_timeout() -> None:
    """Sign staff out after IDLE_TIMEOUT_SECONDS without a request."""
    if not current_user.is_authenticated:
        return
    now = time.time()
    last_seen = session.get("last_seen", now)
    if now - last_seen > settings().idle_timeout_seconds:
        logout_user()
        session.clear()
        flash(translate("长时间未操作，已自动退出，请重新登录。"))
        return
    session["last_seen"] = now


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        with services().sessions.begin() as db_session:
            user = accounts.authenticate(db_session, form.username.data, form.password.data)
            audit.record(db_session, form.username.data[:64],
                         "login" if user else "login_failed")
        if user is not None:
            language = session.get("lang")  # the visitor's language survives signing in
            session.clear()
            if language:
                session["lang"] = language
            login_user(accounts.SignedInUser(user))
            session["last_seen"] = time.time()
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        error = translate("用户名或密码错误，或账户已被锁定（连续输错 5 次将锁定 15 分钟）。")
    return render_template("auth/login.html", form=form, error=error), 401 if error else 200


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    return redirect(url_for("public.index"))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("auth.home")


@bp.get("/")
@login_required
def home():
    links = [(endpoint, label) for permission, endpoint, label
             in current_app.extensions.get("staff_links", []) if current_user.can(permission)]
    return render_template("auth/home.html", links=links)


def add_staff_link(app, permission: str, endpoint: str, label: str) -> None:
    """Features put their entry on the staff home page for the roles that may use it."""
    app.extensions.setdefault("staff_links", []).append((permission, endpoint, label))
