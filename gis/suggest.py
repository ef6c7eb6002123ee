"""Suggestions while typing in the address box: at most 10 places, from the second character.

Prefix search first, by binary search in sorted keys: the 小区, landmarks and streets
(few, and what people start with), then every address. Latin letters are matched against
the names' pinyin ("dongs" -> 东盛...). When that yields too little, the geocoder's fuzzy
and pinyin stages fill the list, so a typo still gets suggestions.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from gis import pinyin
from gis.gazetteer import Place
from gis.geocoding import CANDIDATE_MIN, GazetteerGeocoder

LIMIT = 10
MIN_CHARS = 2
SCAN = 300  # prefix entries looked at per list: enough to rank, bounded for "东" at 100k
_KIND_ORDER = {"xiaoqu": 0, "landmark": 1, "building": 2, "house": 3}
_NUMBER = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in _NUMBER.split(text))


class _Prefixes:
    def __init__(self, entries: Iterable[tuple[str, int]]):
        pairs = sorted(set(entries))
        self.keys = [k for k, _ in pairs]
        self.ids = [i for _, i in pairs]

    def find(self, prefix: str) -> list[int]:
        i = bisect.bisect_left(self.keys, prefix)
        out = []
        while i < len(self.keys) and len(out) < SCAN and self.keys[i].startswith(prefix):
            out.append(self.ids[i])
            i += 1
        return out


class Suggester:
    def __init__(self, geocoder: GazetteerGeocoder):
        self.geocoder = geocoder
        self.places = geocoder.places
        self._key = safe_normalize = geocoder.grammar.safe_normalize
        names, everything, sounds = [], [], []
        first_house: dict[str, tuple[int, int]] = {}
        for i, place in enumerate(self.places):
            keys = {safe_normalize(t) for t in (place.address, *place.aliases)} - {""}
            everything += [(k, i) for k in keys]
            if place.kind in ("xiaoqu", "landmark"):
                names += [(k, i) for k in keys]
                sounds += [(pinyin.char_key(k), i) for k in keys]
            elif place.kind == "house" and place.street and place.number is not None:
                known = first_house.get(place.street)
                if known is None or place.number < known[0]:
                    first_house[place.street] = (place.number, i)
        for street, (_, i) in first_house.items():
            names.append((street, i))
            sounds.append((pinyin.char_key(street), i))
        self._names = _Prefixes(names)
        self._everything = _Prefixes(everything)
        self._sounds = _Prefixes(sounds)

    def _rank(self, ids: list[int]) -> list[int]:
        return sorted(ids, key=lambda i: (_KIND_ORDER.get(self.places[i].kind, 4),
                                          _natural(self.places[i].address)))

    def suggest(self, text: str, limit: int = LIMIT) -> list[Place]:
        """Ranked places for a partial address; [] for fewer than two characters.

        Never raises for any string up to the address length limit (longer: []).
        """
        key = self._key(text)
        if len(key) < MIN_CHARS:
            return []
        chosen: dict[int, None] = {}
        for ids in (self._names.find(key), self._everything.find(key)):
            chosen.update(dict.fromkeys(self._rank(ids)))
        if len(chosen) < limit and pinyin.has_latin(key):
            chosen.update(dict.fromkeys(self._rank(self._sounds.find(pinyin.char_key(key)))))
        out = [self.places[i] for i in list(chosen)[:limit]]
        if len(out) < limit:
            out += self._fuzzy(text, {p.address for p in out}, limit - len(out))
        return out

    def _fuzzy(self, text: str, seen: set[str], limit: int) -> list[Place]:
        try:
            result = self.geocoder.search(text)
        except ValueError:  # another district, or too long: nothing to suggest
            return []
        out = [c.place for c in result.candidates if c.place.address not in seen
               and c.score >= CANDIDATE_MIN]
        return out[:limit]


def suggestion(place: Place) -> dict:
    return {"address": place.address, "xiaoqu": place.xiaoqu, "community": place.community,
            "subdistrict": place.subdistrict, "lat": place.lat, "lng": place.lng}
