"""Validation of an uploaded zone file as a background job.

Staff start a check; a row in `validation_jobs` holds its state (queued → running → done,
failed or timed_out), its progress (0–100 and the step, in Chinese) and, when done, the
report (JSON, messages as templates) and the checked zones. The work — read, map, validate,
compare with the published version — runs in a child process killed at the time limit
(zones.child), driven by a thread of the web process that started it. The state lives in
the database, so any worker can show it; a job whose process died is found stale and shown
as failed. A job that fails or times out writes nothing but its own row: drafts, the
published version and the upload stay as they were.
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import shapely
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from store.clock import utcnow
from zones import intake, workflow
from zones.child import ChildFailed, TimeLimitExceeded, run_limited
from zones.errors import N_, InvalidData, XuequError
from zones.job_tables import ValidationJobRow
from zones.uploads import KEEP_SECONDS
from zones.model import AddressRule, Zone
from zones.validation import Report

log = logging.getLogger(__name__)
STATES = ("queued", "running", "done", "failed", "timed_out")
FINISHED = ("done", "failed", "timed_out")
# How long past its limit a job may stay unfinished before it counts as dead (its process
# was stopped): the child's own alarm ends it well before.
STALE_MARGIN_SECONDS = 30.0
# Progress (percent) and the words staff see, per step of intake.check_file.
STEPS = {"queued": (0, N_("排队等候")), "started": (5, N_("开始校验")),
         "read": (10, N_("读取文件")), "mapping": (20, N_("字段对应")),
         "attributes": (30, N_("检查属性")), "geometry": (45, N_("检查边界")),
         "coverage": (60, N_("检查重叠与空隙")), "rules": (75, N_("检查门牌规则")),
         "impact": (85, N_("计算影响")), "finished": (100, N_("完成"))}
TIMED_OUT = N_("校验超过了 %(seconds)s 秒的时间限制，已停止：文件可能过于复杂（顶点过多）。"
               "请简化边界后重新上传。")
FAILED = N_("校验没有完成：文件里有无法处理的内容。请检查文件后重新上传。")
DIED = N_("校验没有完成：处理它的服务进程已停止。请重新校验。")


@dataclass(frozen=True)
class JobInputs:
    path: Path
    filename: str
    options: dict
    mapping: dict
    fix: bool
    limit_s: float
    max_moved_share: float
    max_bytes: int | None


def zones_to_bytes(zones: list[Zone]) -> bytes:
    return gzip.compress(json.dumps([{
        "zone_id": z.zone_id, "level": z.level, "school_codes": list(z.school_codes),
        "allocation": z.allocation, "description": z.description,
        "geometry": shapely.to_wkb(z.geometry, hex=True),
        "address_rules": [r.to_dict() for r in z.address_rules]} for z in zones],
        ensure_ascii=False).encode(), compresslevel=5)


def zones_from_bytes(data: bytes) -> list[Zone]:
    return [Zone(z["zone_id"], z["level"], tuple(z["school_codes"]), z["allocation"],
                 z["description"], shapely.from_wkb(z["geometry"]),
                 tuple(AddressRule.from_dict(r) for r in z["address_rules"]))
            for z in json.loads(gzip.decompress(data))]


def create(sessions: sessionmaker, token: str, actor: str, inputs: JobInputs
           ) -> tuple[str, bool]:
    """A new queued job, or the unfinished one that checks the same upload the same way
    (a second click on 校验 does not start a second child): its id, and whether it is new.
    Jobs finished more than a day ago go, as their uploads do (zones.uploads)."""
    recorded = {"limit_s": inputs.limit_s, "options": inputs.options,
                "filename": inputs.filename, "mapping": inputs.mapping, "fix": inputs.fix}
    with sessions.begin() as session:
        session.execute(delete(ValidationJobRow).where(
            ValidationJobRow.state.in_(FINISHED),
            ValidationJobRow.created_at < utcnow() - dt.timedelta(seconds=KEEP_SECONDS)))
        same = next((row.id for row in session.scalars(select(ValidationJobRow).where(
            ValidationJobRow.upload_token == token,
            ValidationJobRow.state.in_(("queued", "running"))))
            if row.inputs == recorded and not _is_stale(row, utcnow())), None)
        if same is not None:
            return same, False
        job_id = uuid.uuid4().hex
        percent, label = STEPS["queued"]
        session.add(ValidationJobRow(id=job_id, state="queued", progress=percent, step=label,
                                     created_by=actor, upload_token=token, inputs=recorded))
    return job_id, True


def start(sessions: sessionmaker, token: str, actor: str, inputs: JobInputs) -> str:
    """Create the job and run it on a thread of this process; returns its id at once."""
    job_id, new = create(sessions, token, actor, inputs)
    if new:
        threading.Thread(target=run, args=(sessions, job_id, inputs), daemon=True,
                         name=f"validation-{job_id[:8]}").start()
    return job_id


def _set(sessions: sessionmaker, job_id: str, states: tuple[str, ...], **values) -> bool:
    """Update the job if it is still in one of `states` (a stale job marked failed by
    another worker is not brought back)."""
    with sessions.begin() as session:
        return bool(session.execute(update(ValidationJobRow).where(
            ValidationJobRow.id == job_id, ValidationJobRow.state.in_(states))
            .values(**values)).rowcount)


def _progress(sessions: sessionmaker, job_id: str, step: str) -> None:
    if step in STEPS:
        percent, label = STEPS[step]
        _set(sessions, job_id, ("running",), progress=percent, step=label)


def run(sessions: sessionmaker, job_id: str, inputs: JobInputs) -> None:
    """Do the job (in the calling thread; the work itself in a time-limited child)."""
    percent, label = STEPS["started"]
    with sessions() as session:
        try:
            reference = workflow.reference_data(session)
        except XuequError as error:
            _finish_failed(sessions, job_id, error.message, error.params, ("queued",))
            return
    against = reference.published.id if reference.published else None
    if not _set(sessions, job_id, ("queued",), state="running", started_at=utcnow(),
                progress=percent, step=label, against=against):
        return
    try:
        checked = check_limited(inputs, reference,
                                on_progress=lambda step: _progress(sessions, job_id, step))
    except CheckTimedOut:
        _finish_timed_out(sessions, job_id, inputs.limit_s)
    except XuequError as error:
        _finish_failed(sessions, job_id, error.message, error.params)
    except Exception:  # noqa: BLE001 - a thread has no caller to tell: the job says it
        log.exception("validation job %s failed", job_id)
        _finish_failed(sessions, job_id, FAILED, {})
    else:
        percent, label = STEPS["finished"]
        _set(sessions, job_id, ("running",), state="done", finished_at=utcnow(),
             progress=percent, step=label, zones=zones_to_bytes(checked.zones),
             result={"sha256": checked.sha256, "source_crs": checked.source_crs,
                     "features": checked.features, "warnings": checked.warnings,
                     "preview": checked.preview, "mapping": checked.mapping,
                     "report": checked.report.to_record()})


class CheckTimedOut(InvalidData):
    """The check ran past its time limit (killed, or stopped by its own deadline)."""


def check_limited(inputs: JobInputs, reference: workflow.Reference, *,
                  overrides: dict | None = None,
                  on_progress: Callable[[str], None] = lambda step: None) -> intake.Checked:
    """intake.check_file in a child process killed at the time limit (web jobs and the
    CLI alike). Raises CheckTimedOut with the limit in its message, or InvalidData."""
    try:
        checked = run_limited(intake.check_file, (inputs.path, inputs.filename,
                                                  inputs.mapping, reference),
                              {"options": inputs.options, "overrides": overrides,
                               "fix": inputs.fix, "time_limit_s": inputs.limit_s,
                               "max_moved_share": inputs.max_moved_share,
                               "max_bytes": inputs.max_bytes},
                              limit_s=inputs.limit_s, on_progress=on_progress)
    except TimeLimitExceeded:
        raise CheckTimedOut(TIMED_OUT, seconds=_seconds(inputs.limit_s)) from None
    except ChildFailed:
        raise InvalidData(FAILED) from None
    if checked.report.timed_out:  # the cooperative deadline came first
        raise CheckTimedOut(TIMED_OUT, seconds=_seconds(inputs.limit_s))
    return checked


def _finish_timed_out(sessions, job_id: str, limit_s: float) -> None:
    _set(sessions, job_id, ("running",), state="timed_out", finished_at=utcnow(),
         message=TIMED_OUT, message_params={"seconds": _seconds(limit_s)})


def _seconds(limit_s: float):
    return int(limit_s) if float(limit_s).is_integer() else round(limit_s, 2)


def _finish_failed(sessions, job_id: str, message: str, params: dict,
                   states: tuple[str, ...] = ("running",)) -> None:
    _set(sessions, job_id, states, state="failed", finished_at=utcnow(), message=message,
         message_params={k: v if isinstance(v, int | float | str) else str(v)
                         for k, v in params.items()})


def _is_stale(row: ValidationJobRow, now: dt.datetime) -> bool:
    limit = dt.timedelta(seconds=float(row.inputs.get("limit_s", 0)) + STALE_MARGIN_SECONDS)
    if row.state == "running":
        return row.started_at is not None and now - row.started_at > limit
    return row.state == "queued" and now - row.created_at > limit


def get(sessions: sessionmaker, job_id: str) -> ValidationJobRow | None:
    """The job, or None; one whose process died is marked failed first."""
    with sessions() as session:
        row = session.get(ValidationJobRow, job_id) if len(job_id) <= 32 else None
        if row is None:
            return None
        stale = _is_stale(row, utcnow())
    if stale:
        _finish_failed(sessions, job_id, DIED, {}, ("queued", "running"))
        with sessions() as session:
            row = session.get(ValidationJobRow, job_id)
    return row


def report_of(row: ValidationJobRow) -> Report | None:
    return Report.from_record(row.result["report"]) if row.result else None


def checked_zones(session: Session, job_id: str) -> list[Zone]:
    data = session.get(ValidationJobRow, job_id).zones
    return zones_from_bytes(data) if data else []
