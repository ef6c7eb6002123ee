"""Wires the hotline, inquiries, knowledge base and disclosure directory into the app."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from admissions import inquiries
from webapp import hotline_support
from webapp.auth import add_staff_link
from webapp.extensions import csrf
from webapp.services import services
from zones import audit
from zones.errors import N_

inquiries_cli = AppGroup("inquiries", help="Inquiries and complaints.")


@inquiries_cli.command("purge")
@click.option("--days", type=int, default=None,
              help="保留天数（默认取 INQUIRY_RETENTION_DAYS 配置）")
@click.option("--commit", is_flag=True, help="真正删除；不加时只列出将被删除的工单")
def purge(days: int | None, commit: bool) -> None:
    """Delete closed cases older than the retention period (dry run unless --commit)."""
    from flask import current_app
    days = current_app.config["INQUIRY_RETENTION_DAYS"] if days is None else days
    if days < 1:
        raise click.ClickException("保留天数必须大于 0。")
    with services().sessions.begin() as session:
        cases = inquiries.purgeable(session, days)
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


def init_app(app) -> None:
    from webapp.api.hotline import bp as api_bp
    from webapp.disclosure import bp as disclosure_bp
    from webapp.hotline import bp as hotline_bp
    from webapp.kb_admin import bp as kb_bp
    hotline_support.configure(app)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # JSON API: no cookies are read
    for blueprint in (disclosure_bp, hotline_bp, kb_bp):
        app.register_blueprint(blueprint)
    add_staff_link(app, "hotline", "hotline.console_page", N_("热线工作台"))
    add_staff_link(app, "hotline", "hotline.inquiry_list", N_("来电来信工单"))
    add_staff_link(app, "school_reply", "hotline.inquiry_list", N_("本校待办工单"))
    add_staff_link(app, "publish", "hotline.overdue", N_("督办提醒"))
    add_staff_link(app, "publish", "hotline.stats", N_("来电来信统计"))
    add_staff_link(app, "edit", "kb_admin.index", N_("知识库（常见问题、政策文件）"))
    app.cli.add_command(inquiries_cli)
