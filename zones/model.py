"""Domain objects: plain dataclasses, no storage or web concerns."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from shapely.geometry.base import BaseGeometry

from zones.errors import N_

Level = Literal["primary", "middle"]
LEVELS: tuple[Level, ...] = ("primary", "middle")
SCHOOL_LEVELS = ("primary", "middle", "nine_year")
ALLOCATIONS = ("direct", "lottery")
ZONE_SET_STATUSES = ("draft", "notice", "scheduled", "published", "retired")
ZONE_SET_STATUS_LABELS = {"draft": N_("草稿"), "notice": N_("公示中"), "scheduled": N_("已排期"),
                          "published": N_("已发布"), "retired": N_("已停用")}


@dataclass(frozen=True)
class School:
    code: str
    name: str
    level: str
    address: str = ""
    lng: float | None = None
    lat: float | None = None
    phone: str = ""
    subdistrict: str = ""
    feeds: str | None = None
    warning_cutoff: dt.date | None = None
    plan: dict | None = None
    plan_middle: dict | None = None

    def serves(self, level: Level) -> bool:
        return self.level == level or self.level == "nine_year"

    def plan_for(self, level: Level) -> dict | None:
        if self.level == "nine_year" and level == "middle":
            return self.plan_middle
        return self.plan


@dataclass(frozen=True)
class AddressRule:
    """A published exception that decides an address whatever the geometry says."""

    street: str | None = None
    number_from: int | None = None
    number_to: int | None = None
    parity: Literal["odd", "even", "all"] = "all"
    xiaoqu: str | None = None
    mode: Literal["include", "exclude"] = "include"

    @classmethod
    def from_dict(cls, data: dict) -> AddressRule:
        return cls(street=data.get("street"), number_from=data.get("from"),
                   number_to=data.get("to"), parity=data.get("parity", "all"),
                   xiaoqu=data.get("xiaoqu"), mode=data.get("mode", "include"))

    def to_dict(self) -> dict:
        if self.xiaoqu is not None:
            return {"xiaoqu": self.xiaoqu, "mode": self.mode}
        return {"street": self.street, "from": self.number_from, "to": self.number_to,
                "parity": self.parity}

    def matches(self, street: str | None, number: int | None, xiaoqu: str | None) -> bool:
        if self.xiaoqu is not None:
            return xiaoqu is not None and xiaoqu == self.xiaoqu
        if street != self.street or number is None:
            return False
        if self.number_from is not None and number < self.number_from:
            return False
        if self.number_to is not None and number > self.number_to:
            return False
        return self.parity == "all" or (number % 2 == 1) == (self.parity == "odd")


@dataclass(frozen=True)
class Zone:
    zone_id: str
    level: Level
    school_codes: tuple[str, ...]
    allocation: str
    description: str
    geometry: BaseGeometry
    address_rules: tuple[AddressRule, ...] = ()


@dataclass
class ZoneSet:
    id: str
    status: str
    effective_from: dt.date | None
    label: str = ""
    created_by: str = ""
    zones: list[Zone] = field(default_factory=list)
    sample: bool = False
    source_sha256: str | None = None


@dataclass(frozen=True)
class AddressFacts:
    """What a matched address tells the lookup beyond its point (for address rules)."""

    street: str | None = None
    number: int | None = None
    xiaoqu: str | None = None
