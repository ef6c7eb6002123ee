"""Flask CLI commands: `flask --app webapp data load-sample`, `zones lookup`, `db upgrade`."""
from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import select
from flask import Flask
from flask.cli import AppGroup

from admissions.dataset import SAMPLE_DIR, load_dataset
from webapp import accounts
from webapp.accounts import ROLES
from webapp.api import logic
from webapp.services import services
from store import db as store_db
from zones import audit
from zones.errors import XuequError

data_cli = AppGroup("data", help="Load datasets.")
zones_cli = AppGroup("zones", help="Zone sets and lookups.")
db_cli = AppGroup("db", help="Database schema.")


def _fail(error: XuequError) -> None:
    raise click.ClickException(str(error))


@data_cli.command("load-sample")
@click.option("--directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=SAMPLE_DIR, show_default=True)
def load_sample(directory: Path) -> None:
    """Load and publish the sample district (does nothing if it is already loaded)."""
    try:
        report = load_dataset(services().sessions, directory, actor="cli")
    except XuequError as error:
        _fail(error)
    if report.loaded:
        click.echo(f"已加载并发布 {report.zone_set_id}：{report.schools} 所学校，"
                   f"{report.zones} 个学区，{report.addresses} 条地址。")
    else:
        click.echo(f"{report.zone_set_id} 已在数据库中，无需重复加载。")


@zones_cli.command("lookup")
@click.option("--lat", type=float)
@click.option("--lng", type=float)
@click.option("--address")
@click.option("--crs", default="wgs84", type=click.Choice(["wgs84", "gcj02", "bd09"]))
@click.option("--level", type=click.Choice(["primary", "middle"]))
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]))
def lookup(lat, lng, address, crs, level, lang) -> None:
    """Print the v1 JSON answer for a point or an address."""
    args = {k: str(v) for k, v in {"lat": lat, "lng": lng, "address": address, "crs": crs,
                                   "level": level}.items() if v is not None}
    try:
        answer = logic.lookup(services().published.get(), args, lang, lambda s: s)
    except XuequError as error:
        _fail(error)
    click.echo(json.dumps(answer, ensure_ascii=False, indent=2))


@db_cli.command("upgrade")
def upgrade() -> None:
    """Apply Alembic migrations up to the latest revision."""
    store_db.upgrade(services().engine)
    click.echo("数据库结构已是最新。")


users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--name", "display_name", default="", help="显示名称")
@click.option("--school", "school_code", help="学校用户所属学校编号")
@click.password_option(help="至少 12 个字符，含三类字符；不提供则交互输入")
def create_user(username, role, display_name, school_code, password) -> None:
    """Create a staff account. There is no default account and no default password."""
    try:
        with services().sessions.begin() as session:
            accounts.create_user(session, username, password, role, display_name, school_code)
            audit.record(session, "cli", "user_created", username=username, role=role)
    except XuequError as error:
        _fail(error)
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
def unlock_user(username) -> None:
    try:
        with services().sessions.begin() as session:
            accounts.unlock(session, username)
            audit.record(session, "cli", "user_unlocked", username=username)
    except XuequError as error:
        _fail(error)
    click.echo(f"已解锁 {username}。")


def register(app: Flask) -> None:
    from webapp import zones_cli as staff_zones_commands
    staff_zones_commands.register(zones_cli)
    for group in (data_cli, zones_cli, db_cli, users_cli):
        app.cli.add_command(group)
