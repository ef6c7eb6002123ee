"""Retention by rule: every table with personal data has a period, and one purge removes
what is past it (个人信息保护法: keep no longer than the purpose needs).

- closed inquiries (caller's name, phone, text): `inquiry_days` after closing;
- 公示 comments (name, contact, text): `notice_comment_days` after they were left;
- sign-in throttle rows and the old login_failures rows (client addresses, keyed hashes of
  typed names): `login_record_days` after the last failure;
- uploaded boundary files waiting on disk: `upload_hours` after the upload.

`plan` says what would go (the CLI's dry run); `purge` removes it.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from admissions import inquiries
from admissions.accounts import LoginFailure, LoginThrottle
from store.clock import utcnow
from zones import uploads
from zones.notice_tables import NoticeCommentRow


@dataclass(frozen=True)
class RetentionPolicy:
    inquiry_days: int
    notice_comment_days: int
    login_record_days: int
    upload_hours: float


@dataclass(frozen=True)
class RetentionPlan:
    inquiries: tuple[str, ...]  # tracking numbers
    notice_comments: int
    login_records: int
    uploads: tuple[Path, ...]

    def counts(self) -> dict[str, int]:
        return {"inquiries": len(self.inquiries), "notice_comments": self.notice_comments,
                "login_records": self.login_records, "uploads": len(self.uploads)}


def _cutoffs(policy: RetentionPolicy, now: dt.datetime):
    return (now - dt.timedelta(days=policy.notice_comment_days),
            now - dt.timedelta(days=policy.login_record_days))


def plan(session: Session, policy: RetentionPolicy, uploads_dir: Path,
         now: dt.datetime | None = None, wall_clock: float | None = None) -> RetentionPlan:
    now = now or utcnow()
    comments_before, logins_before = _cutoffs(policy, now)
    count = lambda query: session.scalar(select(func.count()).select_from(query.subquery()))  # noqa: E731
    return RetentionPlan(
        inquiries=tuple(c.tracking for c in inquiries.purgeable(session, policy.inquiry_days,
                                                                now)),
        notice_comments=count(select(NoticeCommentRow.id).where(
            NoticeCommentRow.at < comments_before)),
        login_records=count(select(LoginThrottle.id).where(
            LoginThrottle.last_failed_at < logins_before,
            (LoginThrottle.blocked_until.is_(None)) | (LoginThrottle.blocked_until < now)))
        + count(select(LoginFailure.id).where(LoginFailure.at < logins_before)),
        uploads=tuple(uploads.old_uploads(uploads_dir, policy.upload_hours * 3600, wall_clock))
        if uploads_dir.exists() else ())


def purge(session: Session, policy: RetentionPolicy, uploads_dir: Path,
          now: dt.datetime | None = None, wall_clock: float | None = None) -> RetentionPlan:
    """Remove everything past its period; returns what was removed."""
    now = now or utcnow()
    done = plan(session, policy, uploads_dir, now, wall_clock)
    comments_before, logins_before = _cutoffs(policy, now)
    inquiries.purge(session, inquiries.purgeable(session, policy.inquiry_days, now))
    session.execute(delete(NoticeCommentRow).where(NoticeCommentRow.at < comments_before))
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failed_at < logins_before,
        (LoginThrottle.blocked_until.is_(None)) | (LoginThrottle.blocked_until < now)))
    session.execute(delete(LoginFailure).where(LoginFailure.at < logins_before))
    if uploads_dir.exists():
        uploads.forget_old(uploads_dir, wall_clock if wall_clock is not None else time.time(),
                           policy.upload_hours * 3600)
    return done
