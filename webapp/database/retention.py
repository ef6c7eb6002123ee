"""The retention purge, scheduled in every web process and at hand in the CLI.

Each process runs it at most every `retention_check_seconds`, on the back of a request (as
scheduled publishing does); `flask --app webapp retention purge` shows what is due (dry
run) and removes it with `--commit`. Both write one audit entry with the counts."""
from __future__ import annotations

import logging
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from admissions import retention
from webapp.services import services
from zones import audit

log = logging.getLogger(__name__)
retention_cli = AppGroup("retention", help="Retention of personal data.")


def policy() -> retention.RetentionPolicy:
    settings = services().settings
    return retention.RetentionPolicy(
        inquiry_days=settings.inquiry_retention_days,
        notice_comment_days=settings.notice_comment_retention_days,
        login_record_days=settings.login_record_retention_days,
        upload_hours=settings.upload_retention_hours)


def uploads_dir() -> Path:
    return Path(services().settings.instance_path) / "uploads"


def purge_expired_personal_data() -> None:
    """The request hook (see webapp/hooks.py)."""
    current = services()
    if not current.due("last_retention_check", current.settings.retention_check_seconds):
        return
    try:
        with current.sessions.begin() as session:
            done = retention.purge(session, policy(), uploads_dir(), current.clock.now_utc())
            if any(done.counts().values()):
                audit.record(session, "system", "retention_purged", **done.counts())
    except SQLAlchemyError:
        log.warning("could not run the retention purge", exc_info=True)


LABELS = {"inquiries": "已办结的来电来信工单", "notice_comments": "公示意见",
          "login_records": "登录失败记录", "uploads": "上传的边界文件"}


@retention_cli.command("purge")
@click.option("--commit", is_flag=True, help="真正删除；不加时只报告将被删除的内容")
def purge(commit: bool) -> None:
    """Report (dry run) or remove personal data past its retention period."""
    with services().sessions.begin() as session:
        now = services().clock.now_utc()
        due = retention.plan(session, policy(), uploads_dir(), now)
        for kind, count in due.counts().items():
            click.echo(f"{LABELS[kind]}\t{count}")
        for number in due.inquiries:
            click.echo(f"  {number}")
        if not commit:
            click.echo("试运行：以上内容已超过保留期限。加 --commit 才会删除。")
            return
        retention.purge(session, policy(), uploads_dir(), now)
        audit.record(session, "cli", "retention_purged", **due.counts())
    click.echo("已删除超过保留期限的个人信息。")
