"""`flask --app webapp users …`: create, list and unlock staff accounts."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.auth import accounts
from webapp.auth.accounts import ROLES
from webapp.errors import guarded_command
from webapp.services import services
from zones import audit

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", "display_name", default="", help="显示名称")
@click.option("--school", "school_code", help="学校用户所属学校编号")
@click.password_option(help="至少 12 个字符，含三类字符；不提供则交互输入")
@guarded_command
def create_user(username, role, display_name, school_code, password) -> None:
    """Create a staff account. There is no default account and no default password."""
    with services().sessions.begin() as session:
        accounts.create_user(session, username, password, role, display_name, school_code)
        audit.record(session, "cli", "user_created", username=username, role=role)
    click.echo(f"已创建用户 {username}（{role}）。")


@users_cli.command("list")
def list_users() -> None:
    with services().sessions() as session:
        for user in session.scalars(select(accounts.User).order_by(accounts.User.username)):
            locked = "locked" if accounts.is_locked(session, user) else ""
            click.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'disabled'}"
                       f"\t{locked}")


@users_cli.command("unlock")
@click.argument("username")
@guarded_command
def unlock_user(username) -> None:
    with services().sessions.begin() as session:
        accounts.unlock(session, username)
        audit.record(session, "cli", "user_unlocked", username=username)
    click.echo(f"已解锁 {username}。")
