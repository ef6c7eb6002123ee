"""The gazetteer geocoder: what people type -> a point of the district, with a confidence.

Stages, first sure answer wins (`method` in the result says which one answered):
 1. exact       the text is an address of the table as written;
 2. normalized  the same once spelling is normalised (full-width, numerals, prefixes,
                号楼/栋/幢, unit and room dropped);
 3. compound    a 小区 alias or nickname plus a building (东盛小区3号楼 -> 东盛花苑3栋);
 4. interpolated  a street and a number the table lacks, placed between the neighbours on
                the same side of the street;
 5. fuzzy       typos, through rapidfuzz on a pre-filtered candidate list;
 6. pinyin      pinyin queries (dongsheng dajie 120 hao) and homophones (东胜 for 东盛).

When the best two candidates score too close, the answer is `ambiguous` with the ranked
candidates: never a silent guess. Implements geopy's `Geocoder.geocode` interface.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from gis import pinyin
from gis.address import (
    AddressGrammar,
    chinese_numeral_value,
    AddressTooLongError,
    OtherDistrictError,
    ParsedAddress,
)
from gis.fuzzy_index import PartitionedIndex
from gis.gazetteer import Place
from gis.names import NameHit, NameSpace
from gis.street_numbers import BEYOND_END_FACTOR, StreetNumbers

__all__ = ["AddressTooLongError", "Candidate", "GazetteerGeocoder", "GeocodeResult",
           "OtherDistrictError"]

FOUND_MIN = 0.82       # below this the best candidate is only a suggestion
MARGIN = 0.05          # the best must beat the runner-up by this much to be sure
FUZZY_MARGIN = 0.1     # ...and by more when only character similarity found it
# ...and by more still when only initials found it: dev-set calibration (benchmarks/README.md)
# found exact initials (gcxq) wrong when another name's initials were one slip away.
INITIALS_MARGIN = 0.15
CANDIDATE_MIN = 0.6    # weaker candidates are not worth showing
MAX_CANDIDATES = 5
NORMALIZED_SCORE = 0.98
MISSING_BUILDING_FACTOR = 0.75  # 小区 known, building not: its entrance, as a candidate
# A short name typed (丁香, dongsheng) is part of several 小区/landmarks: all are candidates.
MAX_CONTAINING = 8
PART_SCORE = 0.9  # the one name a short text is part of: sure, but not exact
STREET_SURE = 0.9  # a street name resolved at least this well is the street meant
NEARBY_FACTOR = 0.9  # 对面, 附近: near the place, not at it
# 远达街 for 远达大街, 自由路 for 自由大路: the short form people say, unless another street has it
_SHORT_STREET = (("大街", "街"), ("大路", "路"))

_BUILDING_NUMBER = re.compile(r"(\d+)")
_STREET_WORD = re.compile(r"[路街巷]")
_NUMBERS = re.compile(r"\d+")
_PINYIN_SUFFIX = "haolou|hao|dong|zhuang|zuo"
_PINYIN_ADDRESS = re.compile(
    rf"^(?P<name>[a-z]+?)(?:(?P<number>\d{{1,5}})(?:{_PINYIN_SUFFIX})?(?P<rest>.*))?$")
_PINYIN_DETAIL = re.compile(r"(?:danyuan|men|shi|hu|ceng|lou)")


@dataclass(frozen=True, slots=True)
class Candidate:
    place: Place
    score: float
    method: str

    def to_dict(self) -> dict:
        return {"address": self.place.address, "lat": self.place.lat, "lng": self.place.lng,
                "score": round(self.score, 3), "method": self.method}


@dataclass(frozen=True)
class GeocodeResult:
    status: str  # found | ambiguous | street | not_found | other_district
    candidates: tuple[Candidate, ...] = ()
    source: str = "gazetteer"  # or the online provider's name
    other_district: str | None = None  # the division the text names (北京市, 南关区...)
    street: str | None = None  # status "street": the street meant, its number unknown
    number: int | None = None  # the number typed past the street's end, if any

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def place(self) -> Place | None:
        return self.best.place if self.best else None

    @property
    def confidence(self) -> float:
        return round(self.best.score, 3) if self.best else 0.0

    @property
    def method(self) -> str:
        return self.best.method if self.best else ""


NOT_FOUND = GeocodeResult("not_found")


def decide(candidates: Iterable[Candidate]) -> GeocodeResult:
    """Rank, drop duplicates of a place, and call it found, ambiguous or not found."""
    best: dict[str, Candidate] = {}
    for c in candidates:
        if c.place.address not in best or best[c.place.address].score < c.score:
            best[c.place.address] = c
    ranked = sorted(best.values(), key=lambda c: (-c.score, _rank_kind(c.place), c.place.address))
    if not ranked:
        return NOT_FOUND
    top = ranked[0].score
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    margin = {"fuzzy": FUZZY_MARGIN, "initials": INITIALS_MARGIN}.get(ranked[0].method, MARGIN)
    if top >= FOUND_MIN and top - runner_up >= margin:
        return GeocodeResult("found", tuple(ranked[:MAX_CANDIDATES]))
    shown = tuple(c for c in ranked[:MAX_CANDIDATES] if c.score >= CANDIDATE_MIN)
    if shown:
        return GeocodeResult("ambiguous", shown)
    return GeocodeResult("not_found", tuple(ranked[:MAX_CANDIDATES]))


def decide_all(candidates: Iterable[Candidate]) -> GeocodeResult:
    """Like decide, but every candidate is shown (parts of a name: one is as likely)."""
    result = decide(candidates)
    if result.status == "found":
        return result
    best: dict[str, Candidate] = {}
    for c in candidates if isinstance(candidates, list) else ():
        if c.place.address not in best or best[c.place.address].score < c.score:
            best[c.place.address] = c
    ranked = sorted(best.values(), key=lambda c: -c.score)[:MAX_CONTAINING]
    return GeocodeResult("ambiguous", tuple(ranked)) if ranked else result


def _prefer_written(result: GeocodeResult, key: str) -> GeocodeResult:
    """Among candidates scored alike (鹏祥华庭 and 鹏香华庭 both sound like 鹏香化庭), the
    one sharing more of the characters typed comes first. Only the order changes."""
    if result.status == "found" or len(result.candidates) < 2:
        return result
    typed = set(key)
    ranked = sorted(result.candidates, key=lambda c: (
        -round(c.score, 6), -len(typed & set(c.place.address))))
    return replace(result, candidates=tuple(ranked))


def _rank_kind(place: Place) -> int:
    return {"xiaoqu": 0, "landmark": 1, "building": 2, "house": 3}.get(place.kind, 4)


def _building_label(token: str | None) -> str | None:
    if not token:
        return None
    m = _BUILDING_NUMBER.search(token)
    return str(int(m.group(1))) if m else token


class GazetteerGeocoder(Geocoder):
    """Offline geocoder over the gazetteer's places (see the module docstring)."""

    source = "gazetteer"

    def __init__(self, places: Iterable[Place], grammar: AddressGrammar):
        super().__init__()
        self.grammar = grammar
        _key = grammar.safe_normalize
        self.places = list(places)
        self._exact: dict[str, Place] = {}
        self._by_key: dict[str, list[Place]] = {}
        self._buildings: dict[tuple[str, str], Place] = {}
        xiaoqu: dict[str, set[str]] = {}
        landmarks: dict[str, set[str]] = {}
        self._named: dict[str, Place] = {}
        for place in self.places:
            self._exact.setdefault(place.address, place)
            for name in (place.address, *place.aliases):
                self._add_key(_key(name), place)
            if place.kind == "building" and place.xiaoqu:
                label = _building_label(place.building) or ""
                self._buildings.setdefault((place.xiaoqu, label), place)
                self._add_key(f"{_key(place.xiaoqu)}{label}栋", place)
                xiaoqu.setdefault(place.xiaoqu, set())
            elif place.kind == "xiaoqu":
                xiaoqu.setdefault(place.address, set()).update(place.aliases)
                self._named[place.address] = place
            elif place.kind not in ("house", "building"):
                landmarks.setdefault(place.address, set()).update(place.aliases)
                self._named[place.address] = place
        self.numbers = StreetNumbers(self.places)
        self.streets = NameSpace(_street_entries(self.numbers.streets()), _key)
        self.xiaoqu = NameSpace(sorted(xiaoqu.items()), _key)
        self.landmarks = NameSpace(sorted(landmarks.items()), _key)
        self._all = PartitionedIndex(self._by_key, _numbers_of)
        self._members: dict[str, list[Place]] = {}
        for place in self.places:
            if place.kind == "building" and place.xiaoqu:
                self._members.setdefault(place.xiaoqu, []).append(place)
        # Names as the data spells them (not 丁香 for 丁香小区): typing one is no guess.
        owners: dict[str, set[str]] = {}
        for name, aliases in (*xiaoqu.items(), *landmarks.items()):
            for text in (name, *aliases):
                if _key(text):
                    owners.setdefault(_key(text), set()).add(name)
        self._full_names = set(owners)
        self._name_keys = [(k, tuple(v)) for k, v in owners.items()]
        sounds: dict[str, set[str]] = {}
        for k, names in self._name_keys:
            for sound in pinyin.name_keys(k):
                sounds.setdefault(sound, set()).update(names)
        self._name_sounds = [(k, tuple(v)) for k, v in sounds.items()]

    def _add_key(self, key: str, place: Place) -> None:
        if key:
            found = self._by_key.setdefault(key, [])
            if place not in found:
                found.append(place)

    def __len__(self) -> int:
        return len(self.places)

    # ---- geopy interface ------------------------------------------------------------------

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=None):
        """geopy-style: a Location (or a list), None when nothing matches.

        `Location.raw` carries status, confidence, method, candidates and the place record.
        None too for another district's address. Raises AddressTooLongError (a ValueError)
        for more than MAX_LENGTH characters.
        """
        result = self.search(query)
        if result.status in ("not_found", "other_district"):
            return None
        locations = [self._location(c, result) for c in result.candidates]
        return locations[0] if exactly_one else locations

    @staticmethod
    def _location(candidate: Candidate, result: GeocodeResult) -> Location:
        place = candidate.place
        raw = {"status": result.status, "confidence": round(candidate.score, 3),
               "method": candidate.method, "place": place.to_record(),
               "candidates": [c.to_dict() for c in result.candidates]}
        return Location(place.address, (place.lat, place.lng), raw)

    # ---- search ---------------------------------------------------------------------------

    def search(self, query: str) -> GeocodeResult:
        """Raises AddressTooLongError (more than MAX_LENGTH characters); otherwise never
        raises: another district's address (北京市朝阳区...) is status "other_district"."""
        text = query.strip()
        if not text:
            return NOT_FOUND
        place = self._exact.get(text)
        if place is not None:
            return GeocodeResult("found", (Candidate(place, 1.0, "exact"),))
        return self._search(text, self.grammar.normalize(text))

    def _search(self, text: str, normalized: str) -> GeocodeResult:
        try:
            parsed = self.grammar.parse_normalized(text, normalized)
        except OtherDistrictError as exc:
            return GeocodeResult("other_district", other_district=exc.place)
        key = parsed.normalized
        if not key:
            return NOT_FOUND
        for k in dict.fromkeys((key, parsed.location_key())):
            found = self._by_key.get(k)
            if found:
                score = NORMALIZED_SCORE * (NEARBY_FACTOR if parsed.nearby else 1.0)
                return decide(Candidate(p, score, "normalized") for p in found)
        name_only = parsed.number is None and parsed.building_token is None
        if name_only:
            street = self._street_only(parsed)
            if street is not None:
                return street
        result = decide(self._structured(parsed, fuzzy=False))
        if result.status == "found":
            return self._with_containing(result, parsed, key) if name_only else result
        candidates = list(result.candidates)
        candidates += self._structured(parsed, fuzzy=True)
        candidates += self._whole_name(parsed.location_key() or key)
        if pinyin.has_latin(key):
            candidates += self._pinyin(key)
        city = self.grammar.bare_city
        if key.startswith(city) and len(key) > len(city) + 2:
            # the city without 市 is not stripped by normalize (it may begin a street
            # name), but the city followed by a whole address means the city
            rest = self._search(key[len(city):], key[len(city):])
            if rest.status in ("found", "street"):
                return rest
            candidates += rest.candidates
        result = _prefer_written(decide(candidates), key)
        if name_only:
            return self._with_containing(result, parsed, key)
        if result.status != "found" and parsed.street and parsed.number is not None:
            past_end = self._past_end(parsed.street, parsed.number)
            if past_end is not None:
                return past_end
        return result

    # ---- never a silent guess, no dead ends -----------------------------------------------

    def _street_only(self, parsed: ParsedAddress) -> GeocodeResult | None:
        """"临河街", "linhejie", "lhj": a street without a number."""
        text = parsed.xiaoqu or parsed.street or ""
        if not text or (parsed.xiaoqu and parsed.street):
            return None
        hits = self.streets.resolve(text, limit=2)
        if not hits or hits[0].score < STREET_SURE:
            return None
        if len(hits) > 1 and hits[1].score >= hits[0].score - MARGIN:
            return None
        if self.xiaoqu.resolve(text, fuzzy=False) or self.landmarks.resolve(text, fuzzy=False):
            return None
        return GeocodeResult("street", street=hits[0].name)

    def _past_end(self, street: str, number: int) -> GeocodeResult | None:
        hits = self.streets.resolve(street, limit=2)
        if not hits or hits[0].score < STREET_SURE or \
                (len(hits) > 1 and hits[1].score >= hits[0].score - MARGIN):
            return None
        match = self.numbers.locate(hits[0].name, number)
        if match is not None and match.factor > BEYOND_END_FACTOR:
            return None
        return GeocodeResult("street", street=hits[0].name, number=number)

    def _with_containing(self, result: GeocodeResult, parsed: ParsedAddress,
                         key: str) -> GeocodeResult:
        """A text that is only part of a name (丁香, 东盛, dongsheng) means every 小区 or
        landmark it is part of: never only the first one found."""
        text = parsed.xiaoqu or key
        if len(text) < 2 or text in self._full_names:
            return result
        sound = text if pinyin.has_latin(text) and not pinyin.has_han(text) else None
        if sound is not None and len(sound) < 4:
            return result
        containing = self._containing(text, sound)
        known = {result.best.place.address} if result.best else set()
        others = [p for p in containing if p.address not in known]
        if result.status == "found":
            if not others:
                return result
            top = result.best
            return GeocodeResult("ambiguous", (top, *(
                Candidate(p, min(top.score, PART_SCORE) - 0.01, "part") for p in others))[
                    :MAX_CONTAINING])
        if len(containing) == 1 and not any(c.score >= FOUND_MIN for c in result.candidates):
            return GeocodeResult("found", (Candidate(containing[0], PART_SCORE, "part"),))
        if containing:
            parts = [Candidate(p, PART_SCORE - 0.01 * i, "part")
                     for i, p in enumerate(containing)]
            return decide_all([*parts, *result.candidates])
        return result

    def _containing(self, text: str, sound: str | None) -> list[Place]:
        if sound is not None:
            names = {n for s, owners in self._name_sounds for n in owners if sound in s}
        else:
            names = {n for k, owners in self._name_keys for n in owners if text in k}
        places = [self._named[n] for n in names if n in self._named]
        return sorted(places, key=lambda p: (len(p.address), p.address))

    def resolve_id(self, place_id: str) -> GeocodeResult:
        """A candidate's id (its address) back to exactly that place: the gazetteer's own
        record, or the interpolated house it stood for. Never fuzzy."""
        place = self._exact.get(place_id)
        if place is not None:
            return GeocodeResult("found", (Candidate(place, 1.0, "chosen"),))
        try:
            parsed = self.grammar.parse(place_id)
        except ValueError:
            return NOT_FOUND
        if parsed.street in self.streets and parsed.number is not None:
            match = self.numbers.locate(parsed.street, parsed.number)
            if match is not None:
                return GeocodeResult("found", (Candidate(match.place, match.factor,
                                                         "chosen"),))
        return NOT_FOUND

    def buildings_of(self, xiaoqu: str) -> list[Place]:
        return self._members.get(xiaoqu, [])

    def houses_on(self, street: str) -> list[Place]:
        return self.numbers.houses(street)

    def _structured(self, parsed: ParsedAddress, *, fuzzy: bool) -> list[Candidate]:
        out = self._structured_places(parsed, fuzzy=fuzzy)
        if parsed.nearby:
            out = [Candidate(c.place, c.score * NEARBY_FACTOR, c.method) for c in out]
        return out

    def _structured_places(self, parsed: ParsedAddress, *, fuzzy: bool) -> list[Candidate]:
        out: list[Candidate] = []
        label = _building_label(parsed.building_token)
        if parsed.xiaoqu:
            inside = self._in_xiaoqu(parsed.xiaoqu, label, fuzzy=fuzzy)
            if label is None and parsed.number is not None:  # a number it does not use
                inside = [Candidate(c.place, c.score * MISSING_BUILDING_FACTOR, c.method)
                          for c in inside]
            out += inside
            if label is None and not parsed.street:
                out += [self._named_candidate(h) for h in
                        self.landmarks.resolve(parsed.xiaoqu, fuzzy=fuzzy)]
        if parsed.street and parsed.number is not None:
            out += self._on_street(parsed.street, parsed.number, fuzzy=fuzzy)
            if parsed.xiaoqu and label is None and parsed.street not in self.streets:
                # a typo can make a street look like 小区 + street (东城|环路 for 东环城路)
                out += self._on_street(parsed.xiaoqu + parsed.street, parsed.number,
                                       fuzzy=fuzzy)
        elif fuzzy and parsed.xiaoqu and not parsed.street and parsed.building is not None \
                and _STREET_WORD.search(parsed.xiaoqu):
            # a street whose 路/街 a typo moved inward (站路康4号 for 站康路4号) reads as a
            # 小区 and a building: try it as the street and the house number too
            out += self._on_street(parsed.xiaoqu, parsed.building, fuzzy=True)
        return out

    def _in_xiaoqu(self, name: str, label: str | None, *, fuzzy: bool) -> list[Candidate]:
        out = []
        for hit in self.xiaoqu.resolve(name, fuzzy=fuzzy):
            method = _method(hit, "compound")
            building = self._buildings.get((hit.name, label)) if label else None
            if building is not None:
                out.append(Candidate(building, hit.score, method))
            elif hit.name in self._named:
                factor = 1.0 if label is None else MISSING_BUILDING_FACTOR
                out.append(Candidate(self._named[hit.name], hit.score * factor, method))
        return out

    def _on_street(self, street: str, number: int, *, fuzzy: bool) -> list[Candidate]:
        out = []
        for hit in self.streets.resolve(street, fuzzy=fuzzy, limit=4):
            match = self.numbers.locate(hit.name, number)
            if match is None:
                continue
            method = _method(hit, "normalized") if match.exact else "interpolated"
            out.append(Candidate(match.place, hit.score * match.factor, method))
        return out

    def _named_candidate(self, hit: NameHit) -> Candidate:
        return Candidate(self._named[hit.name], hit.score, _method(hit, "compound"))

    def _whole_name(self, key: str) -> list[Candidate]:
        """Fuzzy on the whole text, for what parsing could not split. The numbers must be
        the same: 临河街1662号 is not 临河街66号, however similar the strings."""
        out = []
        for name, score in self._all.search(key, 8, prefilter=80):
            for place in self._by_key[name]:
                out.append(Candidate(place, score / 100.0 * 0.97, "fuzzy"))
        return out

    def _pinyin(self, key: str) -> list[Candidate]:
        """"dongshengdajie120hao", "dongshenghuayuan3haolou2danyuan": the name in pinyin,
        then the house or building number."""
        sound = pinyin.spoken_numbers(pinyin.char_key(key), chinese_numeral_value)
        m = _PINYIN_ADDRESS.match(sound)
        if m is None:
            return []
        name, number = m.group("name"), m.group("number")
        name = _PINYIN_DETAIL.sub("", name) if number is None else name
        out: list[Candidate] = []
        if number is not None:
            for hit in self.streets.resolve(name, limit=8):
                match = self.numbers.locate(hit.name, int(number))
                if match is not None:
                    out.append(Candidate(match.place, hit.score * match.factor, _sound(hit)))
        for hit in self.xiaoqu.resolve(name, limit=4):
            building = self._buildings.get((hit.name, str(int(number)))) if number else None
            if building is not None:
                out.append(Candidate(building, hit.score, _sound(hit)))
            elif number is None and hit.name in self._named:
                out.append(Candidate(self._named[hit.name], hit.score, _sound(hit)))
        if number is None:
            out += [Candidate(self._named[h.name], h.score, _sound(h))
                    for h in self.landmarks.resolve(name, limit=3)]
        return out


def _numbers_of(key: str) -> tuple[str, ...]:
    return tuple(_NUMBERS.findall(key))


def _street_entries(streets: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    entries = {s: [] for s in streets}
    for street in sorted(streets):
        for long, short in _SHORT_STREET:
            if street.endswith(long) and len(street) > len(long) + 1:
                alias = street[:-len(long)] + short
                if alias not in streets and not any(alias in v for v in entries.values()):
                    entries[street].append(alias)
    return [(s, tuple(a)) for s, a in sorted(entries.items())]


def _sound(hit: NameHit) -> str:
    """How a pinyin text found the name: by its initials or a similar sound (both decided
    with a wider margin), or by its sound."""
    return hit.method if hit.method in ("initials", "fuzzy") else "pinyin"


def _method(hit: NameHit, default: str) -> str:
    return default if hit.method in ("exact", "alias") else hit.method


