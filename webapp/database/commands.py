"""`flask --app webapp db upgrade` and `flask --app webapp data load-sample`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from admissions.dataset import SAMPLE_DIR, load_dataset
from webapp.errors import guarded_command
from webapp.services import services
from store import db as store_db

data_cli = AppGroup("data", help="Load datasets.")
db_cli = AppGroup("db", help="Database schema.")


@data_cli.command("load-sample")
@click.option("--directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=SAMPLE_DIR, show_default=True)
@guarded_command
def load_sample(directory: Path) -> None:
    """Load and publish the sample district (does nothing if it is already loaded)."""
    report = load_dataset(services().sessions, directory, actor="cli")
    if report.loaded:
        click.echo(f"已加载并发布 {report.zone_set_id}：{report.schools} 所学校，"
                   f"{report.zones} 个学区，{report.addresses} 条地址。")
    else:
        click.echo(f"{report.zone_set_id} 已在数据库中，无需重复加载。")


@db_cli.command("upgrade")
def upgrade() -> None:
    """Apply Alembic migrations up to the latest revision."""
    store_db.upgrade(services().engine)
    click.echo("数据库结构已是最新。")
