"""`flask --app webapp admissions …`: check a cycle document before it is loaded; import
admission results (dry run unless --commit) and purge them after the retention period."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from admissions import results
from admissions.content import read_cycle_file
from admissions.cycle_schema import CycleInvalid
from webapp.services import services, snapshot
from zones import audit
from zones.errors import InvalidData

admissions_cli = AppGroup("admissions", help="Admission rules and results.")


@admissions_cli.command("validate-cycle")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_cycle(path: Path) -> None:
    """Check a cycle document (admissions_YYYY.yaml); every problem with its path."""
    try:
        cycle = read_cycle_file(path)
    except CycleInvalid as exc:
        for problem in exc.problems:
            click.echo(problem.text(), err=True)
        raise click.ClickException(f"{path.name}：{len(exc.problems)} 处错误，未通过检查。"
                                   ) from None
    except InvalidData as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{path.name}：通过检查（{cycle['year']} 年，{len(cycle['categories'])} 个入学类别，"
               f"{len(cycle['timeline'])} 个阶段）。")


def _labels() -> dict[str, str]:
    return {k["label"]: k["id"] for k in results.result_kinds(snapshot().cycle or {})}


@admissions_cli.command("import-results")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commit", is_flag=True, help="真正导入；不加时只检查（试运行）")
def import_results(path: Path, commit: bool) -> None:
    """Check (and with --commit import) a results CSV from the registration platform."""
    year = (snapshot().cycle or {}).get("year")
    try:
        report = results.parse(path.read_bytes(), _labels())
    except InvalidData as exc:
        raise click.ClickException(str(exc)) from None
    for error in report.errors:
        click.echo(error.text(), err=True)
    if not report.ok:
        raise click.ClickException(f"{path.name}：{len(report.errors)} 处错误，整份文件未导入。")
    counts = "，".join(f"{k} {v}" for k, v in sorted(report.counts.items()))
    if not commit:
        click.echo(f"试运行：{len(report.rows)} 行全部通过检查（{counts}）。加 --commit 才会导入，"
                   f"并替换 {year} 年已导入的结果。")
        return
    with services().sessions.begin() as session:
        done = results.replace_year(session, year, report, services().clock.now_utc())
        audit.record(session, "cli", "results_imported", year=year, rows=done)
    click.echo(f"已导入 {done} 条 {year} 年结果（{counts}）。")


@admissions_cli.command("purge-results")
@click.option("--commit", is_flag=True, help="真正删除；不加时只统计")
def purge_results(commit: bool) -> None:
    """Remove results older than RESULT_RETENTION_DAYS (dry run unless --commit)."""
    days = services().settings.result_retention_days
    now = services().clock.now_utc()
    with services().sessions.begin() as session:
        if not commit:
            count = results.purgeable(session, now=now, retention_days=days)
            click.echo(f"试运行：{count} 条导入超过 {days} 天的结果将被删除。"
                       "加 --commit 才会删除。")
            return
        count = results.purge(session, now=now, retention_days=days)
        audit.record(session, "cli", "results_purged", count=count, retention_days=days)
    click.echo(f"已删除 {count} 条导入超过 {days} 天的结果。")
