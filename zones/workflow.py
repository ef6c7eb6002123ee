"""The life of a zone set: upload (draft) → notice (公示) → scheduled → published → retired,
and rollback. Web and CLI call these same functions, so they write the same audit entries.
Who may call what (only publishers put on notice, publish and roll back) is enforced by the
callers' permission checks; these functions enforce the order of the states."""
from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from gis import crs
from gis.gazetteer import Place
from store.clock import Clock
from gis.vector_io import write_frame
from zones import audit, guardrails, storage
from zones.errors import N_, Conflict, InvalidData, InvalidParameter, NotFound
from zones.impact import Impact, impact
from zones.index import ZoneIndex
from zones.model import ZONE_SET_STATUS_LABELS, School, Zone, ZoneSet
from zones.notice_tables import NoticeCommentRow, NoticeRow
from zones.tables import ZoneSetRow
from zones.validation import Report

# Which states each state may be reached from.
ALLOWED_FROM = {"notice": ("draft",), "scheduled": ("notice",),
                "published": ("notice", "scheduled")}
MAX_COMMENT_CHARS = 2000

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass
class Reference:
    """What uploads are checked against: schools, the district outline, the gazetteer."""

    schools: dict[str, School]
    district: object
    places: list[Place]
    published: ZoneSet | None = None  # what a partial file is completed from


def reference_data(session: Session) -> Reference:
    district = storage.load_district(session)
    if district is None:
        raise NotFound(N_("还没有区界数据，请先加载数据集。"))
    places = [Place.from_record({c.key: getattr(row, c.key) for c in row.__table__.columns})
              for row in storage.load_addresses(session)]
    current = storage.published_zone_set_id(session)
    return Reference(storage.load_schools(session), district[2], places,
                     storage.load_zone_set(session, current) if current else None)


def new_version_id(sha256: str, today: dt.date | None = None) -> str:
    return f"zones-{(today or Clock().today()).isoformat()}-{sha256[:8]}"


def save_draft(sessions: sessionmaker, zones: list[Zone], report: Report, *, zone_set_id: str,
               actor: str, sha256: str, label: str = "",
               effective_from: dt.date | None = None, source: dict | None = None,
               accept_reason: str | None = None) -> ZoneSet:
    """Store a checked upload as a draft. A report with blocking findings stores nothing,
    unless every one of them is acceptable and `accept_reason` says why they are accepted
    (callers let only publishers give one)."""
    zone_set = ZoneSet(id=zone_set_id, status="draft", effective_from=effective_from,
                       label=label, created_by=actor, zones=zones, source_sha256=sha256)
    with sessions.begin() as session:
        _add_draft(session, zone_set, report, actor, source, accept_reason)
    return zone_set


MIN_REASON_CHARS = 4


def _add_draft(session: Session, zone_set: ZoneSet, report: Report, actor: str,
               source: dict | None, accept_reason: str | None = None) -> None:
    reason = (accept_reason or "").strip()
    if report.needs_acceptance and len(reason) < MIN_REASON_CHARS:
        raise InvalidParameter(N_(
            "这些变化需要发布人员确认：请写明接受的理由（至少 %(n)s 个字）。"),
            field="accept_reason", n=MIN_REASON_CHARS)
    if not report.ok and not report.needs_acceptance:
        raise InvalidData(N_("校验发现 %(n)s 个必须修正的问题，不能保存。"), n=len(report.blocking))
    storage.save_zone_set(session, zone_set)
    if report.needs_acceptance:
        audit.record(session, actor, "zone_set_change_accepted", zone_set_id=zone_set.id,
                     reason=reason[:500], findings=[f.code for f in report.blocking])
    audit.record(session, actor, "zone_set_uploaded", zone_set_id=zone_set.id,
                 file_sha256=zone_set.source_sha256, zones=len(zone_set.zones),
                 warnings=len(report.warnings), **(source or {}))


def publish_dataset_version(session: Session, zone_set: ZoneSet, report: Report,
                            actor: str) -> str | None:
    """Store and publish the zone set a dataset brings (the sample district, or a bureau's
    export whose zones were announced before they reached Xuequ), in the caller's
    transaction so that the dataset loads whole or not at all. It skips 公示, but not the
    checks (`report` must be clean) nor the audit log: an upload entry and a publish entry,
    as for staff. Returns the version published before."""
    _add_draft(session, zone_set, report, actor, {"source": "dataset"})
    session.flush()
    previous = storage.publish_in(session, zone_set.id)
    audit.record(session, actor, "zone_set_published", zone_set_id=zone_set.id,
                 previous=previous, file_sha256=zone_set.source_sha256)
    return previous


def previous_published(session: Session) -> str | None:
    return session.scalars(select(ZoneSetRow.id).where(
        ZoneSetRow.status == "retired", ZoneSetRow.published_at.is_not(None))
        .order_by(ZoneSetRow.published_at.desc())).first()


def impact_of(sessions: sessionmaker, zone_set_id: str, against: str | None = None,
              published_index: ZoneIndex | None = None) -> Impact:
    """The impact of `zone_set_id` against `against` (default: the published version).
    `published_index`, the in-memory index of a process's published snapshot, saves
    rebuilding it when it is the version compared against."""
    with sessions() as session:
        new = storage.load_zone_set(session, zone_set_id)
        against = against or storage.published_zone_set_id(session)
        old = storage.load_zone_set(session, against) if against else None
        reference = reference_data(session)
    old_index = published_index if published_index is not None and old is not None \
        and published_index.zone_set.id == old.id else None
    return impact(new, old, reference.district, reference.places, old_index=old_index)


def _move(session: Session, zone_set_id: str, to: str, **values) -> ZoneSetRow:
    row = session.get(ZoneSetRow, zone_set_id)
    if row is None:
        raise NotFound(N_("没有找到版本 %(id)s。"), field="id", id=zone_set_id)
    allowed = ALLOWED_FROM[to]
    # Compare-and-set: a concurrent change of state makes this update match no row.
    done = session.execute(update(ZoneSetRow).where(
        ZoneSetRow.id == zone_set_id, ZoneSetRow.status.in_(allowed))
        .values(status=to, **values)).rowcount
    if not done:
        raise Conflict(N_("版本 %(id)s 当前状态是“%(status)s”，不能转为“%(to)s”。"),
                       field="status", id=zone_set_id,
                       status=ZONE_SET_STATUS_LABELS.get(row.status, row.status),
                       to=ZONE_SET_STATUS_LABELS.get(to, to))
    return row


def earliest_close(today: dt.date, working_days: int) -> dt.date:
    """The first closing date a notice opened `today` may have: `working_days` working
    days (Monday to Friday) later."""
    day, left = today, working_days
    while left > 0:
        day += dt.timedelta(days=1)
        left -= day.weekday() < 5
    return day


def put_on_notice(sessions: sessionmaker, zone_set_id: str, actor: str,
                  closes_on: dt.date | None = None, *,
                  not_before: dt.date | None = None) -> dict:
    """Open the public notice: the public sees the draft zones and the impact counts.
    With `not_before` (the legal minimum, `earliest_close`), a closing date is required
    and may not be earlier."""
    if not_before is not None:
        if closes_on is None:
            raise InvalidParameter(N_("请填写公示截止日期。"), field="closes_on")
        if closes_on < not_before:
            raise InvalidParameter(N_("公示期太短：截止日期最早可以是 %(date)s。"),
                                   field="closes_on", date=not_before.isoformat())
    summary = impact_of(sessions, zone_set_id).summary()
    with sessions.begin() as session:
        _move(session, zone_set_id, "notice")
        session.merge(NoticeRow(zone_set_id=zone_set_id, opened_by=actor, closes_on=closes_on,
                                summary=summary))
        audit.record(session, actor, "zone_set_notice", zone_set_id=zone_set_id,
                     closes_on=closes_on.isoformat() if closes_on else None,
                     addresses_moved=summary["addresses_moved"])
    return summary


def schedule(sessions: sessionmaker, zone_set_id: str, effective_from: dt.date,
             actor: str) -> None:
    with sessions.begin() as session:
        _move(session, zone_set_id, "scheduled", effective_from=effective_from)
        audit.record(session, actor, "zone_set_scheduled", zone_set_id=zone_set_id,
                     effective_from=effective_from.isoformat())


def publish(sessions: sessionmaker, zone_set_id: str, actor: str,
            expected_current: str | None = None, *, today: dt.date | None = None,
            override_reason: str | None = None) -> str | None:
    """Publish atomically (the old version is retired in the same transaction); returns the
    version that was published before. With `today`, a notice still open or a comment not
    yet answered needs `override_reason` (see zones.guardrails); the scheduler, publishing
    on the effective date a publisher chose, passes none."""
    with sessions() as session:
        row = session.get(ZoneSetRow, zone_set_id)
        if row is None:
            raise NotFound(N_("没有找到版本 %(id)s。"), field="id", id=zone_set_id)
        if row.status not in ALLOWED_FROM["published"]:
            raise Conflict(N_("版本 %(id)s 当前状态是“%(status)s”，需先公示才能发布。"),
                           field="status", id=zone_set_id,
                           status=ZONE_SET_STATUS_LABELS.get(row.status, row.status))
        previous = storage.published_zone_set_id(session)
        found = guardrails.blockers(session, zone_set_id, today) if today else []
        reason = guardrails.check_override(found, override_reason)

    def record(session, _):
        if reason:
            audit.record(session, actor, "zone_set_publish_override", zone_set_id=zone_set_id,
                         reason=reason, overridden=[b.code for b in found])
        audit.record(session, actor, "zone_set_published", zone_set_id=zone_set_id,
                     previous=previous, file_sha256=row.source_sha256)
    storage.publish(sessions, zone_set_id,
                    expected_current=expected_current if expected_current else previous,
                    also=record)
    return previous


def rollback(sessions: sessionmaker, actor: str, expected_current: str | None = None) -> str:
    """Re-publish the version that was published before the current one."""
    with sessions() as session:
        current = storage.published_zone_set_id(session)
        previous = previous_published(session)
    if previous is None:
        raise Conflict(N_("没有可以回滚到的上一个版本。"))
    if expected_current and expected_current != current:
        raise Conflict(N_("发布失败：已有其他人发布了新版本，请刷新后重试。"))
    storage.publish(sessions, previous, expected_current=current,
                    also=lambda session, _: audit.record(
                        session, actor, "zone_set_rolled_back", zone_set_id=previous,
                        rolled_back=current))
    return previous


def publish_due(sessions: sessionmaker, today: dt.date | None = None,
                actor: str = "scheduler") -> list[str]:
    """Publish the scheduled version whose effective date has arrived (the latest one)."""
    today = today or Clock().today()
    with sessions() as session:
        due = session.scalars(select(ZoneSetRow.id).where(
            ZoneSetRow.status == "scheduled", ZoneSetRow.effective_from <= today)
            .order_by(ZoneSetRow.effective_from.desc())).first()
    if due is None:
        return []
    publish(sessions, due, actor)
    return [due]


def notice(session: Session, zone_set_id: str) -> NoticeRow:
    row = session.get(NoticeRow, zone_set_id)
    zone_set = session.get(ZoneSetRow, zone_set_id)
    if row is None or zone_set is None or zone_set.status != "notice":
        raise NotFound(N_("没有找到正在公示的版本 %(id)s。"), field="id", id=zone_set_id[:64])
    return row


def open_notices(session: Session) -> list[NoticeRow]:
    return list(session.scalars(select(NoticeRow).join(
        ZoneSetRow, ZoneSetRow.id == NoticeRow.zone_set_id)
        .where(ZoneSetRow.status == "notice").order_by(NoticeRow.opened_at.desc())))


def add_comment(sessions: sessionmaker, zone_set_id: str, body: str, name: str = "",
                contact: str = "") -> None:
    body = (body or "").strip()
    if not body:
        raise InvalidParameter(N_("请填写意见内容。"), field="body")
    if len(body) > MAX_COMMENT_CHARS:
        raise InvalidParameter(N_("意见太长了（最多 %(max)s 字）。"), field="body",
                               max=MAX_COMMENT_CHARS)
    with sessions.begin() as session:
        notice(session, zone_set_id)
        session.add(NoticeCommentRow(zone_set_id=zone_set_id, body=body,
                                     name=(name or "").strip()[:64],
                                     contact=(contact or "").strip()[:64]))


def comments(session: Session, zone_set_id: str) -> list[NoticeCommentRow]:
    return list(session.scalars(select(NoticeCommentRow).where(
        NoticeCommentRow.zone_set_id == zone_set_id).order_by(NoticeCommentRow.id)))


def zones_frame(zone_set: ZoneSet) -> gpd.GeoDataFrame:
    import geopandas as gpd  # only for exports: keeps GeoPandas out of every web worker
    return gpd.GeoDataFrame({
        "zone_id": [z.zone_id for z in zone_set.zones],
        "level": [z.level for z in zone_set.zones],
        "school_codes": [",".join(z.school_codes) for z in zone_set.zones],
        "allocation": [z.allocation for z in zone_set.zones],
        "description": [z.description for z in zone_set.zones],
        "address_rules": [json.dumps([r.to_dict() for r in z.address_rules], ensure_ascii=False)
                          for z in zone_set.zones],
    }, geometry=[z.geometry for z in zone_set.zones], crs=crs.WGS84)


def export(zone_set: ZoneSet, fmt: str) -> bytes:
    drivers = {"geojson": "GeoJSON", "gpkg": "GPKG"}
    if fmt not in drivers:
        raise InvalidParameter(N_("不支持的下载格式：%(fmt)s"), field="format", fmt=fmt[:10])
    return write_frame(zones_frame(zone_set), drivers[fmt])
