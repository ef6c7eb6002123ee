"""The admission timeline as an iCalendar file: one all-day event per stage."""
from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from admissions.timeline import stage_dates
from gis.district import DistrictProfile
from store.clock import BEIJING, Clock

def timeline_calendar(timeline: list[dict], *, year: int, name: str, profile: DistrictProfile,
                      stamp: dt.datetime | None = None) -> bytes:
    """`timeline` is the localised stage list; the district's bureau publishes it. UIDs
    depend only on the district, year and stage id, so re-importing an updated file
    updates the events instead of duplicating them."""
    stamp = stamp or Clock().now_utc().replace(tzinfo=dt.UTC, microsecond=0)  # DTSTAMP is UTC
    cal = Calendar()
    cal.add("prodid", f"-//{profile.name_en} Education Bureau//Xuequ//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", BEIJING.key)  # the dates are days in 北京时间
    for stage in timeline:
        start, end = stage_dates(stage)
        event = Event()
        event.add("uid", f"{year}-{stage['id']}@xuequ.{profile.domain}")
        event.add("dtstamp", stamp)
        event.add("summary", stage["title"])
        event.add("dtstart", start)
        event.add("dtend", end + dt.timedelta(days=1))  # all-day DTEND is exclusive
        if stage.get("text"):
            event.add("description", stage["text"])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
