"""Reading a dataset's school records (schools.json) into `School` objects, refusing bad
ones. Zone files are read by zones.intake, the same way as a staff upload."""
from __future__ import annotations

import datetime as dt

from zones.errors import N_, InvalidData
from zones.model import SCHOOL_LEVELS, School


def school_from_dict(data: dict) -> School:
    if data.get("level") not in SCHOOL_LEVELS:
        raise InvalidData(N_("学校 %(code)s 的学段无效：%(level)s"), field="level",
                          code=data.get("code"), level=data.get("level"))
    cutoff = data.get("warning_cutoff")
    return School(code=data["code"], name=data["name"], level=data["level"],
                  address=data.get("address", ""), lng=data.get("lng"), lat=data.get("lat"),
                  phone=data.get("phone", ""), subdistrict=data.get("subdistrict", ""),
                  feeds=data.get("feeds"),
                  warning_cutoff=dt.date.fromisoformat(cutoff) if cutoff else None,
                  plan=data.get("plan"), plan_middle=data.get("plan_middle"))
