"""`flask --app webapp inquiries purge`: retention of closed cases."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from admissions import inquiries
from webapp.services import services
from zones import audit

inquiries_cli = AppGroup("inquiries", help="Inquiries and complaints.")


@inquiries_cli.command("purge")
@click.option("--days", type=int, default=None,
              help="保留天数（默认取 INQUIRY_RETENTION_DAYS 配置）")
@click.option("--commit", is_flag=True, help="真正删除；不加时只列出将被删除的工单")
def purge(days: int | None, commit: bool) -> None:
    """Delete closed cases older than the retention period (dry run unless --commit)."""
    days = services().settings.inquiry_retention_days if days is None else days
    if days < 1:
        raise click.ClickException("保留天数必须大于 0。")
    with services().sessions.begin() as session:
        cases = inquiries.purgeable(session, days, now=services().clock.now_utc())
        numbers = [c.tracking for c in cases]
        for number in numbers:
            click.echo(number)
        if not commit:
            click.echo(f"试运行：{len(numbers)} 件已办结超过 {days} 天的工单将被删除。"
                       "加 --commit 才会删除。")
            return
        inquiries.purge(session, cases)
        audit.record(session, "cli", "inquiries_purged", count=len(numbers),
                     retention_days=days)
    click.echo(f"已删除 {len(numbers)} 件已办结超过 {days} 天的工单。")
