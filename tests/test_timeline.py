"""Today's place in the admission timeline, and the timeline as an .ics calendar."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Calendar

from admissions.calendar import timeline_calendar
from admissions.content import localize, read_cycle_file
from admissions.timeline import CURRENT, PAST, UPCOMING, annotate
from tests.sample_district import SAMPLE_PROFILE

CYCLE = read_cycle_file(Path(__file__).parents[1] / "data/sample/admissions_2027.yaml")
TIMELINE = CYCLE["timeline"]


def stage(state, stage_id):
    return next(s for s in state["stages"] if s["id"] == stage_id)


def test_before_the_cycle_everything_is_upcoming_and_the_countdown_is_to_registration():
    state = annotate(TIMELINE, dt.date(2026, 11, 27))
    assert {s["state"] for s in state["stages"]} == {UPCOMING}
    assert state["next_deadline"]["id"] == "online_registration"
    days = (dt.date(2027, 5, 6) - dt.date(2026, 11, 27)).days
    assert state["next_deadline"]["days_until"] == days
    assert state["next"]["id"] == "policy_announcement" and state["current"] == []


def test_on_the_last_day_of_registration_it_is_current_with_zero_days_left():
    state = annotate(TIMELINE, dt.date(2027, 5, 9))
    registration = stage(state, "online_registration")
    assert registration["state"] == CURRENT and registration["days_left"] == 0
    assert state["next_deadline"]["id"] == "online_registration"
    assert stage(state, "policy_announcement")["state"] == PAST


def test_the_day_after_a_deadline_moves_the_countdown_on():
    state = annotate(TIMELINE, dt.date(2027, 5, 10))
    assert stage(state, "online_registration")["state"] == PAST
    assert state["next_deadline"]["id"] == "onsite_registration"
    assert state["current"] == [] and state["next"]["id"] == "onsite_registration"
    late_day = annotate(TIMELINE, dt.date(2027, 5, 12))    # late registration: one day
    assert [s["id"] for s in late_day["current"]] == ["onsite_registration"]
    assert stage(late_day, "onsite_registration")["days_left"] == 0


def test_after_the_cycle_nothing_is_open():
    state = annotate(TIMELINE, dt.date(2027, 9, 1))
    assert {s["state"] for s in state["stages"]} == {PAST}
    assert state["next_deadline"] is None and state["next"] is None


def test_stages_are_in_date_order():
    starts = [s["start"] for s in annotate(TIMELINE, dt.date(2027, 1, 1))["stages"]]
    assert starts == sorted(starts)


def test_calendar_is_valid_with_one_all_day_event_per_stage_and_stable_uids():
    content = localize(CYCLE, "zh")
    first = timeline_calendar(content["timeline"], year=2027, name="招生",
                              profile=SAMPLE_PROFILE)
    again = timeline_calendar(content["timeline"], year=2027, name="招生",
                              profile=SAMPLE_PROFILE, stamp=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    cal = Calendar.from_ical(first)
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]) == "-//Erdao District Education Bureau//Xuequ//ZH"
    events = cal.walk("VEVENT")
    assert len(events) == len(TIMELINE)
    by_uid = {str(e["uid"]): e for e in events}
    assert len(by_uid) == len(events)
    assert set(by_uid) == {str(e["uid"]) for e in Calendar.from_ical(again).walk("VEVENT")}
    registration = by_uid["2027-online_registration@xuequ.erdao.changchun"]
    assert registration.decoded("dtstart") == dt.date(2027, 5, 6)
    assert registration.decoded("dtend") == dt.date(2027, 5, 10)  # exclusive end
    assert str(registration["summary"]) == "网上信息登记"
    for event in events:
        assert type(event.decoded("dtstart")) is dt.date  # all-day, not a datetime
        assert event.decoded("dtend") > event.decoded("dtstart")
        assert event.get("dtstamp") is not None
