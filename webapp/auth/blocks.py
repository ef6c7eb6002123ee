"""The admin's page of sign-in blocks: who is blocked from where, until when; clear one."""
from __future__ import annotations

from flask import current_app, redirect, render_template, url_for
from flask_login import current_user

from webapp.auth import accounts
from webapp.auth.permissions import permission_required
from webapp.auth.views import bp
from webapp.services import services
from zones import audit


@bp.get("/blocks")
@permission_required("manage_users")
def blocks():
    with services().sessions() as session:
        names = accounts.names_by_key(session, current_app.config["SECRET_KEY"])
        rows = [(row, names.get(row.account_key)) for row in accounts.blocks(
            session, services().clock.now_utc())]
    return render_template("auth/blocks.html", rows=rows)


@bp.post("/blocks/<int:block_id>/clear")
@permission_required("manage_users")
def clear(block_id: int):
    with services().sessions.begin() as session:
        row = accounts.clear_block(session, block_id)
        audit.record(session, current_user.username, "login_unblocked", client=row.client,
                     account_key=row.account_key[:16])
    return redirect(url_for("auth.blocks"))
