"""Reading and writing zones, schools, the district and the gazetteer through SQLAlchemy."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

import shapely
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from zones.errors import N_, Conflict, NotFound
from zones.propagation import announce_change
from zones.model import AddressRule, School, Zone, ZoneSet
from store.clock import utcnow
from zones.tables import AddressRow, DatasetMeta, DistrictRow, SchoolRow, ZoneRow, ZoneSetRow


def get_meta(session: Session, key: str, default=None):
    row = session.get(DatasetMeta, key)
    return default if row is None else row.value


def set_meta(session: Session, key: str, value) -> None:
    session.merge(DatasetMeta(key=key, value=value))


def bump_dataset_revision(session: Session) -> None:
    """Tell every process's cache that reference data (schools, gazetteer) changed."""
    set_meta(session, "dataset_revision", uuid.uuid4().hex)
    announce_change(session)


def save_district(session: Session, code: str, name: str, geometry) -> None:
    session.merge(DistrictRow(code=code, name=name, geometry=shapely.to_wkb(geometry)))


def load_district(session: Session) -> tuple[str, str, shapely.Geometry] | None:
    row = session.scalars(select(DistrictRow).order_by(DistrictRow.code)).first()
    return None if row is None else (row.code, row.name, shapely.from_wkb(row.geometry))


def save_schools(session: Session, schools: Iterable[School]) -> None:
    for school in schools:
        located = school.lng is not None and school.lat is not None
        session.merge(SchoolRow(**school.__dict__, location=shapely.to_wkb(
            shapely.Point(school.lng, school.lat)) if located else None))


def load_schools(session: Session) -> dict[str, School]:
    rows = session.scalars(select(SchoolRow).order_by(SchoolRow.code))
    return {r.code: School(code=r.code, name=r.name, level=r.level, address=r.address,
                           lng=r.lng, lat=r.lat, phone=r.phone, subdistrict=r.subdistrict,
                           feeds=r.feeds, warning_cutoff=r.warning_cutoff, plan=r.plan,
                           plan_middle=r.plan_middle) for r in rows}


def save_zone_set(session: Session, zone_set: ZoneSet) -> None:
    if session.get(ZoneSetRow, zone_set.id) is not None:
        raise Conflict(N_("版本 %(id)s 已存在。"), field="id", id=zone_set.id)
    session.add(ZoneSetRow(id=zone_set.id, label=zone_set.label, status=zone_set.status,
                           effective_from=zone_set.effective_from,
                           created_by=zone_set.created_by, sample=zone_set.sample,
                           source_sha256=zone_set.source_sha256))
    session.flush()
    session.add_all(ZoneRow(zone_set_id=zone_set.id, zone_id=z.zone_id, level=z.level,
                            allocation=z.allocation, school_codes=list(z.school_codes),
                            description=z.description,
                            address_rules=[r.to_dict() for r in z.address_rules],
                            geometry=shapely.to_wkb(z.geometry))
                    for z in zone_set.zones)


def _zone_from_row(row: ZoneRow) -> Zone:
    return Zone(zone_id=row.zone_id, level=row.level, school_codes=tuple(row.school_codes),
                allocation=row.allocation, description=row.description,
                geometry=shapely.from_wkb(row.geometry),
                address_rules=tuple(AddressRule.from_dict(r) for r in row.address_rules or ()))


def load_zone_set(session: Session, zone_set_id: str, with_zones: bool = True) -> ZoneSet:
    row = session.get(ZoneSetRow, zone_set_id)
    if row is None:
        raise NotFound(N_("没有找到版本 %(id)s。"), field="id", id=zone_set_id)
    zones = []
    if with_zones:
        zones = [_zone_from_row(z) for z in session.scalars(
            select(ZoneRow).where(ZoneRow.zone_set_id == zone_set_id).order_by(ZoneRow.zone_id))]
    return ZoneSet(id=row.id, status=row.status, effective_from=row.effective_from,
                   label=row.label, created_by=row.created_by, zones=zones, sample=row.sample,
                   source_sha256=row.source_sha256)


def published_zone_set_id(session: Session) -> str | None:
    return session.scalars(select(ZoneSetRow.id).where(ZoneSetRow.status == "published")).first()


def list_zone_sets(session: Session) -> list[ZoneSet]:
    rows = session.scalars(select(ZoneSetRow.id).order_by(ZoneSetRow.created_at.desc()))
    return [load_zone_set(session, zone_set_id, with_zones=False) for zone_set_id in rows]


def _swap_published(session: Session, zone_set_id: str) -> None:
    if session.get(ZoneSetRow, zone_set_id) is None:
        raise NotFound(N_("没有找到版本 %(id)s。"), field="id", id=zone_set_id)
    session.execute(update(ZoneSetRow).where(ZoneSetRow.status == "published")
                    .values(status="retired"))
    session.execute(update(ZoneSetRow).where(ZoneSetRow.id == zone_set_id)
                    .values(status="published", published_at=utcnow()))


def publish_in(session: Session, zone_set_id: str, expected_current: str | None = None
               ) -> str | None:
    """Retire the published version and publish `zone_set_id` inside the caller's
    transaction; returns the version published before. Only zones.workflow calls this:
    every publication goes through a workflow action and its audit entry."""
    # FOR UPDATE: a second publisher waits here, then sees the first one's result.
    current = session.scalars(select(ZoneSetRow.id).where(
        ZoneSetRow.status == "published").with_for_update()).first()
    if expected_current is not None and current != expected_current:
        raise Conflict(N_("发布失败：已有其他人发布了新版本，请刷新后重试。"))
    _swap_published(session, zone_set_id)
    announce_change(session)
    return current


def publish(sessions: sessionmaker, zone_set_id: str, expected_current: str | None = None,
            also: Callable[[Session, str | None], None] | None = None) -> None:
    """Make `zone_set_id` the published version in one transaction.

    The old version is retired in the same transaction, so a crash leaves the old one
    serving. `expected_current` guards against a publisher acting on a stale view; the
    unique index on published status stops two racing publishers from both winning.
    `also(session, previous)` runs in the same transaction (the audit entry), so a worker
    killed half-way leaves neither the publish nor its entry.
    """
    try:
        with sessions.begin() as session:
            previous = publish_in(session, zone_set_id, expected_current)
            if also is not None:
                also(session, previous)
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and "locked" not in str(exc):
            raise
        raise Conflict(N_("发布失败：另一位工作人员正在发布，请刷新后重试。")) from exc


def replace_addresses(session: Session, rows: Iterable[dict]) -> int:
    session.execute(delete(AddressRow))
    objects = [AddressRow(**row) for row in rows]
    session.add_all(objects)
    return len(objects)


def load_addresses(session: Session) -> list[AddressRow]:
    return list(session.scalars(select(AddressRow).order_by(AddressRow.id)))
