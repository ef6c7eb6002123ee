"""`flask --app webapp zones …`: import, validate, diff, notice, schedule, publish,
rollback, versions, publish-due and export of zone sets, and lookup. Imports are a dry run unless
`--commit`; every change writes the same audit entries as the web (actor "cli" or --actor)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from gis.vector_io import sha256_of
from webapp.api import logic
from webapp.errors import guarded_command
from webapp.services import services, settings
from zones import guardrails, jobs, storage, workflow
from zones.mapping import TARGETS

zones_cli = AppGroup("zones", help="Zone sets and lookups.")


def _file_options(command):
    for option in reversed((
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--layer", help="GeoPackage/KML 图层名，或压缩包里的 Shapefile 名"),
        click.option("--encoding", help="Shapefile 属性编码（没有 .cpg 时，例如 GBK）"),
        click.option("--crs", "declared_crs",
                     help="坐标系：wgs84、cgcs2000、EPSG 代码（如 4530）、gcj02（覆盖文件声明）"),
        click.option("--map", "mappings", multiple=True, metavar="TARGET=COLUMN",
                     help=f"字段映射，TARGET 为 {', '.join(TARGETS)}；未给出的按字段名猜测"),
        click.option("--level", type=click.Choice(["primary", "middle"]),
                     help="整个文件的学段（文件没有学段字段时）"),
        click.option("--repair", is_flag=True, help="自动修复自相交等无效的边界"),
        click.option("--time-limit", type=float, help="校验时间上限（秒）"),
        click.option("--json", "as_json", is_flag=True, help="以 JSON 输出校验报告"),
    )):
        command = option(command)
    return command


def _check_file(file, layer, encoding, declared_crs, mappings, level, repair, time_limit):
    """Read → map → validate → compare in a child process killed at the time limit, as
    for the web's background checks (zones.jobs); the mapping is the one guessed from the
    column names with --map and --level applied."""
    overrides = {}
    for item in mappings:
        target, _, column = item.partition("=")
        if target not in TARGETS:
            raise click.BadParameter(f"unknown target {target!r}", param_hint="--map")
        overrides[target] = column
    if level:  # a constant for the file, unless a level column was named explicitly
        overrides["level_value"] = level
        if not any(m.startswith("level=") for m in mappings):
            overrides["level"] = None
    with services().sessions() as session:
        reference = workflow.reference_data(session)
    inputs = jobs.JobInputs(path=file, filename=file.name,
                            options={"layer": layer, "encoding": encoding,
                                     "crs": declared_crs},
                            mapping=None, fix=repair,
                            limit_s=time_limit or settings().validation_seconds,
                            max_moved_share=settings().max_moved_share,
                            max_bytes=settings().max_upload_bytes)
    with click.progressbar(length=100, label="校验", file=sys.stderr) as bar:
        def advance(step):
            bar.update(jobs.STEPS.get(step, (bar.pos, ""))[0] - bar.pos)
        return jobs.check_limited(inputs, reference, overrides=overrides, on_progress=advance)


def _print_report(checked, report, as_json: bool) -> None:
    mapping = checked.mapping
    if as_json:
        click.echo(json.dumps({"sha256": checked.sha256, "source_crs": checked.source_crs,
                               "warnings": checked.warnings, "mapping": mapping,
                               "report": report.to_dict()}, ensure_ascii=False, indent=2))
        return
    click.echo(f"文件 SHA-256：{checked.sha256}")
    click.echo(f"坐标系：{checked.source_crs}（已转换为 WGS84）；要素 {checked.features} 个")
    for warning in checked.warnings:
        click.echo(f"注意：{warning['message'] % warning['params']}")
    click.echo("字段映射：" + "，".join(f"{k}={v}" for k, v in mapping.items() if v))
    for row in checked.preview:
        click.echo("  " + " | ".join(f"{k}: {v[:30]}" for k, v in row.items()))
    for note in report.notes:
        click.echo(note.to_dict()["message"])
    click.echo(f"校验：{len(report.blocking)} 个必须修正，{len(report.warnings)} 个警告"
               f"（{report.seconds:.1f} 秒）")
    for finding in report.findings[:50]:
        data = finding.to_dict()
        mark = "✗" if finding.severity == "blocking" else "!"
        where = f" @ {data['lng']},{data['lat']}" if data["lng"] is not None else ""
        click.echo(f"  {mark} {data['message']}{where}")


@zones_cli.command("import")
@_file_options
@click.option("--id", "zone_set_id", help="版本编号（默认按日期和文件哈希生成）")
@click.option("--label", default="", help="版本说明")
@click.option("--effective-from", type=click.DateTime(["%Y-%m-%d"]), help="生效日期")
@click.option("--commit", is_flag=True, help="保存为草稿（否则只是试运行）")
@click.option("--actor", default="cli", show_default=True, help="审计日志中的操作人")
@click.option("--accept-reason", help="接受需要发布人员确认的变化（整个学段替换、大量换校）的理由")
@guarded_command
def import_file(file, layer, encoding, declared_crs, mappings, level, repair, time_limit,
                as_json, zone_set_id, label, effective_from, commit, actor, accept_reason):
    """Read, map and validate a zone file; with --commit store it as a draft."""
    checked = _check_file(file, layer, encoding, declared_crs, mappings, level, repair,
                          time_limit)
    report = checked.report
    _print_report(checked, report, as_json)
    if not commit:
        click.echo("试运行：没有保存任何内容（加 --commit 保存为草稿）。", err=True)
        if not report.ok and not (report.needs_acceptance and accept_reason):
            raise SystemExit(1)
        return
    zone_set_id = zone_set_id or workflow.new_version_id(checked.sha256)
    workflow.save_draft(services().sessions, checked.zones, report, zone_set_id=zone_set_id,
                        actor=actor, sha256=checked.sha256, label=label,
                        effective_from=effective_from.date() if effective_from else None,
                        source={"filename": file.name, "crs": checked.source_crs,
                                "via": "cli"}, accept_reason=accept_reason)
    click.echo(f"已保存草稿 {zone_set_id}。")

@zones_cli.command("validate")
@_file_options
@guarded_command
def validate_file(file, layer, encoding, declared_crs, mappings, level, repair, time_limit,
                  as_json):
    """Validate a zone file and print the report (exit status 1 if anything blocks)."""
    checked = _check_file(file, layer, encoding, declared_crs, mappings, level, repair,
                          time_limit)
    report = checked.report
    _print_report(checked, report, as_json)
    if not report.ok:
        raise SystemExit(1)

@zones_cli.command("diff")
@click.argument("zone_set_id")
@click.option("--against", help="对比的版本（默认：当前发布版本）")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="把换校地址写入 CSV")
@click.option("--json", "as_json", is_flag=True)
@guarded_command
def diff(zone_set_id, against, csv_path, as_json):
    """Which zones change and which addresses change school."""
    result = workflow.impact_of(services().sessions, zone_set_id, against)
    if csv_path:
        csv_path.write_text(result.csv(), encoding="utf-8")
    data = result.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{zone_set_id} 对比 {result.old_id}：学区变化 {data['zones_changed']}，"
               f"新增 {data['zones_added']}，删除 {data['zones_removed']}；"
               f"{data['addresses_moved']} 个地址换校（共检查 {data['addresses_checked']}）")
    for row in data["per_school"]:
        click.echo(f"  {row['school']}: {row['delta']:+d}")
    for row in data["by_xiaoqu"][:30]:
        click.echo(f"  [{row['level']}] {row['group']}: {row['from_schools'] or '—'} → "
                   f"{row['to_schools'] or '—'}（{row['count']}）")

@zones_cli.command("notice")
@click.argument("zone_set_id")
@click.option("--closes-on", type=click.DateTime(["%Y-%m-%d"]), help="公示截止日期")
@click.option("--actor", default="cli", show_default=True)
@guarded_command
def notice(zone_set_id, closes_on, actor):
    """Put a draft on public notice (公示)."""
    summary = workflow.put_on_notice(
        services().sessions, zone_set_id, actor, closes_on.date() if closes_on else None,
        not_before=workflow.earliest_close(services().clock.today(),
                                           settings().notice_min_working_days))
    click.echo(f"{zone_set_id} 已进入公示：{summary['addresses_moved']} 个地址换校。")

@zones_cli.command("schedule")
@click.argument("zone_set_id")
@click.option("--effective-from", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--actor", default="cli", show_default=True)
@guarded_command
def schedule(zone_set_id, effective_from, actor):
    """Schedule a version on notice to be published on its effective date."""
    workflow.schedule(services().sessions, zone_set_id, effective_from.date(), actor)
    click.echo(f"{zone_set_id} 将于 {effective_from.date()} 发布。")

@zones_cli.command("publish")
@click.argument("zone_set_id")
@click.option("--actor", default="cli", show_default=True)
@click.option("--override-reason", default=None,
              help="Why to publish before the notice closes or with comments unanswered.")
@guarded_command
def publish(zone_set_id, actor, override_reason):
    """Publish a version on notice or scheduled (atomic; every process follows)."""
    if not override_reason:
        with services().sessions() as session:
            for blocker in guardrails.blockers(session, zone_set_id, services().clock.today()):
                click.echo(blocker.message % blocker.values, err=True)
    previous = workflow.publish(services().sessions, zone_set_id, actor,
                                today=services().clock.today(),
                                override_reason=override_reason)
    click.echo(f"已发布 {zone_set_id}（原版本 {previous} 已停用）。")

@zones_cli.command("rollback")
@click.option("--actor", default="cli", show_default=True)
@guarded_command
def rollback(actor):
    """Re-publish the previously published version."""
    restored = workflow.rollback(services().sessions, actor)
    click.echo(f"已回滚到 {restored}。")

@zones_cli.command("publish-due")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]))
@guarded_command
def publish_due(today):
    """Publish a scheduled version whose effective date has come (run daily by cron)."""
    done = workflow.publish_due(services().sessions,
                                today.date() if today else services().clock.today())
    click.echo(f"已发布 {', '.join(done)}。" if done else "没有到期的版本。")

@zones_cli.command("versions")
def versions():
    """List the zone set versions, newest first."""
    with services().sessions() as session:
        for zs in storage.list_zone_sets(session):
            click.echo(f"{zs.id}\t{zs.status}\t{zs.effective_from or ''}\t{zs.created_by}"
                       f"\t{zs.label}")

@zones_cli.command("export")
@click.argument("zone_set_id")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@guarded_command
def export(zone_set_id, output):
    """Write a version as GeoJSON or GeoPackage (by the output's extension)."""
    fmt = output.suffix.lower().lstrip(".")
    with services().sessions() as session:
        zone_set = storage.load_zone_set(session, zone_set_id)
    output.write_bytes(workflow.export(zone_set, fmt))
    click.echo(f"已写出 {output}（SHA-256 {sha256_of(output)}）。")


@zones_cli.command("lookup")
@click.option("--lat", type=float)
@click.option("--lng", type=float)
@click.option("--address")
@click.option("--crs", default="wgs84", type=click.Choice(["wgs84", "gcj02", "bd09"]))
@click.option("--level", type=click.Choice(["primary", "middle"]))
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]))
@guarded_command
def lookup(lat, lng, address, crs, level, lang) -> None:
    """Print the v1 JSON answer for a point or an address."""
    args = {k: str(v) for k, v in {"lat": lat, "lng": lng, "address": address, "crs": crs,
                                   "level": level}.items() if v is not None}
    answer = logic.lookup(services().published.get(), args, lang, lambda s: s)
    click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
