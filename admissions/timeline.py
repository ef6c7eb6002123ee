"""Where today falls in the admission timeline: each stage's state and the next deadline."""
from __future__ import annotations

import datetime as dt

PAST, CURRENT, UPCOMING = "past", "current", "upcoming"


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def stage_dates(stage: dict) -> tuple[dt.date, dt.date]:
    start = _date(stage["start"])
    return start, _date(stage.get("end") or start)


def annotate(timeline: list[dict], today: dt.date) -> dict:
    """The timeline in date order, each stage with `state` (past/current/upcoming) and
    `days_left` until its end; plus the next deadline still open and the days until it."""
    stages = []
    for stage in sorted(timeline, key=lambda s: stage_dates(s)):
        start, end = stage_dates(stage)
        state = PAST if end < today else CURRENT if start <= today else UPCOMING
        stages.append({**stage, "state": state, "days_left": (end - today).days,
                       "days_until": (start - today).days})
    open_deadlines = [s for s in stages if s.get("deadline") and s["state"] != PAST]
    next_deadline = min(open_deadlines, key=lambda s: stage_dates(s)[1], default=None)
    current = [s for s in stages if s["state"] == CURRENT]
    upcoming = next((s for s in stages if s["state"] == UPCOMING), None)
    return {"stages": stages, "current": current, "next": upcoming,
            "next_deadline": next_deadline}


def stages_for(timeline: list[dict], level: str, *, allocation: str | None = None,
               tier: str | None = None) -> list[dict]:
    """The stages that apply to a family of `level` in a zone of `allocation`, in `tier`;
    a stage limited to lottery zones is left out for a direct zone, and so on. Unknown
    allocation or tier keeps the stage."""
    return [s for s in timeline
            if s.get("level") in (level, "both")
            and (allocation is None or s.get("allocation") in (None, allocation))
            and (tier is None or tier in s.get("tiers", [tier]))]
