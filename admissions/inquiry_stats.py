"""Statistics of inquiries: counts by kind, status, school and week, and the time to reply."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from admissions.inquiries import OPEN_STATUSES, Inquiry
from store.clock import Clock, to_beijing


def statistics(session: Session, today: dt.date | None = None, weeks: int = 12) -> dict:
    today = today or Clock().today()
    rows = session.execute(select(Inquiry.kind, Inquiry.status, Inquiry.school_code,
                                  Inquiry.created_at, Inquiry.replied_at, Inquiry.due_on)).all()
    by_week: Counter[str] = Counter()
    first_week = today - dt.timedelta(weeks=weeks - 1, days=today.weekday())
    for i in range(weeks):
        by_week[_week(first_week + dt.timedelta(weeks=i))] = 0
    reply_hours = []
    for row in rows:
        received_on = to_beijing(row.created_at).date()
        if received_on >= first_week:
            by_week[_week(received_on)] += 1
        if row.replied_at is not None:
            reply_hours.append((row.replied_at - row.created_at).total_seconds() / 3600)
    return {
        "total": len(rows),
        "by_kind": Counter(r.kind for r in rows),
        "by_status": Counter(r.status for r in rows),
        "by_school": Counter(r.school_code for r in rows if r.school_code).most_common(),
        "by_week": sorted(by_week.items()),
        "overdue": sum(1 for r in rows if r.status in OPEN_STATUSES and r.due_on < today),
        "replied": len(reply_hours),
        "average_reply_hours": round(sum(reply_hours) / len(reply_hours), 1)
        if reply_hours else None,
    }


def _week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
