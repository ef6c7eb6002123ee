"""The gazetteer: the district's known addresses, 小区 and landmarks, in memory.

This is the simple exact / normalised matcher of the core; `gis.geocoding` builds the
full search (aliases, interpolation, fuzzy, pinyin) on the same `Place` records.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from gis.address import AddressGrammar

CSV_COLUMNS = ("address", "lng", "lat", "kind", "street", "number", "xiaoqu", "building",
               "aliases", "community", "subdistrict", "subdistrict_code")


@dataclass(frozen=True)
class Place:
    address: str
    lng: float
    lat: float
    kind: str = "house"
    street: str | None = None
    number: int | None = None
    xiaoqu: str | None = None
    building: str | None = None
    aliases: tuple[str, ...] = ()
    community: str = ""
    subdistrict: str = ""
    subdistrict_code: str = ""

    @classmethod
    def from_record(cls, record: dict) -> Place:
        aliases = record.get("aliases") or ""
        if isinstance(aliases, str):
            aliases = tuple(a for a in aliases.split("|") if a)
        number = record.get("number")
        return cls(address=record["address"], lng=float(record["lng"]),
                   lat=float(record["lat"]), kind=record.get("kind") or "house",
                   street=record.get("street") or None,
                   number=int(number) if number not in (None, "") else None,
                   xiaoqu=record.get("xiaoqu") or None, building=record.get("building") or None,
                   aliases=tuple(aliases), community=record.get("community") or "",
                   subdistrict=record.get("subdistrict") or "",
                   subdistrict_code=str(record.get("subdistrict_code") or ""))

    def to_record(self) -> dict:
        return {**self.__dict__, "aliases": "|".join(self.aliases)}


@dataclass(frozen=True)
class Match:
    status: str  # "found" | "ambiguous" | "not_found"
    place: Place | None = None
    candidates: tuple[Place, ...] = ()
    confidence: float = 0.0
    method: str = ""


def read_csv(path: Path) -> list[Place]:
    with open(path, encoding="utf-8", newline="") as f:
        return [Place.from_record(row) for row in csv.DictReader(f)]


class Gazetteer:
    def __init__(self, places: list[Place], grammar: AddressGrammar):
        self.places = places
        self.grammar = grammar
        normalize = grammar.normalize
        self._exact = {p.address: p for p in places}
        self._normalized: dict[str, list[Place]] = {}
        for place in places:
            for name in (place.address, *place.aliases):
                self._normalized.setdefault(normalize(name), []).append(place)

    def __len__(self) -> int:
        return len(self.places)

    def match(self, query: str) -> Match:
        place = self._exact.get(query)
        if place is not None:
            return Match("found", place, confidence=1.0, method="exact")
        key = self.grammar.normalize(query)
        found = list({p.address: p for p in self._normalized.get(key, ())}.values())
        if len(found) == 1:
            return Match("found", found[0], confidence=0.95, method="normalized")
        if found:
            return Match("ambiguous", candidates=tuple(found), confidence=0.5,
                         method="normalized")
        return Match("not_found")
