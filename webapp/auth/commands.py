"""`flask --app webapp users …`: create and list staff accounts, change passwords, add a
second factor, and see and clear sign-in blocks."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from store.clock import to_beijing
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
@click.password_option(help="至少 12 个字符，含三类字符，不能常见或与用户名相似；不提供则交互输入")
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
            second = "totp" if user.totp_secret else ""
            click.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'disabled'}"
                       f"\t{second}")


@users_cli.command("set-password")
@click.argument("username")
@click.password_option(help="新密码；不提供则交互输入")
@guarded_command
def set_password(username, password) -> None:
    """Change a password; every session of the account ends."""
    with services().sessions.begin() as session:
        accounts.change_password(session, username, password)
        audit.record(session, "cli", "password_changed", username=username)
    click.echo(f"已修改 {username} 的密码，已登录的会话全部失效。")


@users_cli.command("totp")
@click.argument("username")
@guarded_command
def enrol_totp(username) -> None:
    """Give a publisher or admin a TOTP second factor (scan the URI in an authenticator)."""
    with services().sessions.begin() as session:
        secret = accounts.enrol_totp(session, username)
        audit.record(session, "cli", "totp_enrolled", username=username)
    click.echo(f"密钥：{secret}\n{accounts.totp_uri(secret, username)}")


@users_cli.command("blocks")
def list_blocks() -> None:
    """Account names and addresses blocked after too many wrong passwords."""
    secret = current_app.config["SECRET_KEY"]
    with services().sessions() as session:
        names = accounts.names_by_key(session, secret)
        rows = accounts.blocks(session)
        for row in rows:
            until = to_beijing(row.blocked_until).strftime("%Y-%m-%d %H:%M")
            click.echo(f"{row.id}\t{names.get(row.account_key, '（不存在的用户名）')}\t"
                       f"{row.client}\t{until}")
    if not rows:
        click.echo("没有被暂停的登录。")


@users_cli.command("unblock")
@click.argument("username", required=False)
@click.option("--id", "block_id", type=int, help="只解除这一条（见 users blocks）")
@guarded_command
def unblock(username, block_id) -> None:
    """Clear the blocks of an account (every address), or one block by its id."""
    with services().sessions.begin() as session:
        if block_id is not None:
            accounts.clear_block(session, block_id)
            count = 1
        elif username:
            count = accounts.clear_blocks_of(session, username, current_app.config["SECRET_KEY"])
        else:
            raise click.UsageError("请给出用户名或 --id。")
        audit.record(session, "cli", "login_unblocked", username=username, block=block_id)
    click.echo(f"已解除 {count} 条登录限制。")
