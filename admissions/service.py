"""Answering a location: the published snapshot in memory, and the two entry points
(a point, an address) that every interface (API, pages, CLI, hotline) calls."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from admissions.answer import Translate, _identity, compose, zones_only
from admissions.encoding import EncodedAnswer, EncodedCache, Template, encode_fragment, slot
from admissions.content import load_current_cycle
from gis.address import AddressGrammar, AddressQuery, latin_only, unreadable_kind
from gis import pinyin
from gis.district import DistrictProfile
from gis.gazetteer import Gazetteer, Place
from gis.geocoding import GazetteerGeocoder, GeocodeResult
from gis.point import WGS84Point
from gis.providers import OnlineProvider, with_providers
from gis.suggest import Suggester
from zones import storage
from zones.errors import N_, InvalidData, InvalidParameter
from zones.index import PointResult, ZoneIndex
from zones.inputs import parse_point
from zones.model import LEVELS, AddressFacts, Level, School, ZoneSet

GEOCODED_ENTRIES = 8192  # matches are small (a place and a score); families repeat addresses
SUGGESTION_MIN = 0.45  # weaker "did you mean" candidates are noise
PROFILE_META = "district_profile"  # where the dataset's district.json is kept
BASEMAP_META = "basemap"  # the dataset's streets and area outlines, for the offline map


@dataclass
class Snapshot:
    zone_set: ZoneSet
    index: ZoneIndex
    schools: dict[str, School]
    gazetteer: Gazetteer
    cycle: dict | None
    profile: DistrictProfile
    district: BaseGeometry
    sample: bool
    providers: tuple[OnlineProvider, ...] = ()
    geocoder: GazetteerGeocoder | None = None
    suggester: Suggester | None = None
    basemap: dict | None = None  # layer → GeoJSON FeatureCollection (streets, 小区, 街道)
    # each place's zones, filled as candidates are checked (it lives with this data)
    zone_keys: dict = field(default_factory=dict, repr=False)
    # Encoded answers and templates derived from this snapshot (admissions/encoding.py).
    encoded: EncodedCache = field(default_factory=EncodedCache)
    # Address text → its match: the gazetteer's, shared by the versions of one dataset.
    geocoded: EncodedCache = field(default_factory=lambda: EncodedCache(GEOCODED_ENTRIES))

    def __post_init__(self) -> None:
        if self.geocoder is None:
            self.geocoder = GazetteerGeocoder(self.gazetteer.places, self.grammar)
        if self.suggester is None:
            self.suggester = Suggester(self.geocoder)

    @property
    def grammar(self) -> AddressGrammar:
        return self.gazetteer.grammar

    @property
    def district_code(self) -> str:
        return self.profile.code

    @property
    def district_name(self) -> str:
        return self.profile.name

    @property
    def zone_version(self) -> dict:
        effective = self.zone_set.effective_from
        return {"id": self.zone_set.id, "label": self.zone_set.label,
                "effective_from": effective.isoformat() if effective else None}


def build_snapshot(session: Session, providers: tuple[OnlineProvider, ...] = (),
                   fallback_profile: DistrictProfile | None = None) -> Snapshot:
    """`fallback_profile` serves a database loaded before profiles were kept in it.
    The web layer gc.freeze()s the snapshot."""
    return _build_snapshot(session, providers, fallback_profile)


def with_published_zones(session: Session, previous: Snapshot) -> Snapshot:
    """`previous` with the newly published zone set: when only the zone version changed,
    the schools, gazetteer, geocoder and suggester are the dataset's and are kept, so a
    publish costs one index build rather than a whole snapshot."""
    return with_zone_set(
        previous, storage.load_zone_set(session, storage.published_zone_set_id(session)))


def _build_snapshot(session: Session, providers: tuple[OnlineProvider, ...],
                    fallback_profile: DistrictProfile | None) -> Snapshot:
    zone_set = storage.load_zone_set(session, storage.published_zone_set_id(session))
    _, _, district = storage.load_district(session)
    record = storage.get_meta(session, PROFILE_META)
    if record is None and fallback_profile is None:
        raise InvalidData(N_("数据集缺少区域信息（district.json），请重新导入数据集。"))
    profile = fallback_profile if record is None else DistrictProfile.from_dict(record)
    places = [Place.from_record({c.key: getattr(row, c.key) for c in row.__table__.columns})
              for row in storage.load_addresses(session)]
    return Snapshot(zone_set=zone_set,
                    index=ZoneIndex(zone_set, district, metric_crs=profile.metric_crs),
                    schools=storage.load_schools(session),
                    gazetteer=Gazetteer(places, AddressGrammar(profile)),
                    cycle=load_current_cycle(session), profile=profile, district=district,
                    sample=bool(storage.get_meta(session, "sample", False)),
                    providers=tuple(providers),
                    basemap=storage.get_meta(session, BASEMAP_META) or {})


def with_zone_set(base: Snapshot, zone_set: ZoneSet) -> Snapshot:
    """`base` answering from another zone set (a past or scheduled version): its own index,
    the same schools, gazetteer and cycle."""
    index = ZoneIndex(zone_set, base.district, metric_crs=base.profile.metric_crs,
                      previous=base.index)
    # What was derived from the old zones (place → zones, encoded answers) starts afresh.
    return replace(base, zone_set=zone_set, index=index, zone_keys={}, encoded=EncodedCache())


def _location(lng: float, lat: float, source: str, **extra) -> dict:
    return {"lat": round(lat, 6), "lng": round(lng, 6), "source": source, **extra}


def answer_point(snapshot: Snapshot, point: WGS84Point, *,
                 levels: tuple[Level, ...] = LEVELS, lang: str = "zh",
                 translate: Translate = _identity, facts: AddressFacts | None = None,
                 location: dict | None = None) -> dict:
    result = snapshot.index.lookup(point, facts=facts, levels=levels)
    return compose_point(snapshot, result,
                         location or _location(point.lng, point.lat, "point"), lang, translate)


def compose_point(snapshot: Snapshot, result: PointResult, location: object, lang: str,
                  translate: Translate) -> dict:
    return compose(status=result.status, location=location, point=result,
                   schools=snapshot.schools, cycle=snapshot.cycle,
                   zone_version=snapshot.zone_version, sample=snapshot.sample,
                   district_name=snapshot.profile.display_name(lang), lang=lang,
                   translate=translate)


def _not_located(snapshot: Snapshot, status: str, lang: str, translate: Translate,
                 candidates: list[dict] | None = None) -> dict:
    return compose(status=status, location=None, point=None, schools=snapshot.schools,
                   cycle=snapshot.cycle, zone_version=snapshot.zone_version,
                   sample=snapshot.sample, district_name=snapshot.profile.display_name(lang),
                   lang=lang, candidates=candidates, translate=translate)


def place_summary(place: Place) -> dict:
    return {"address": place.address, "lat": place.lat, "lng": place.lng,
            "xiaoqu": place.xiaoqu, "community": place.community,
            "subdistrict": place.subdistrict}


def _candidates(result: GeocodeResult) -> list[dict]:
    return [{**place_summary(c.place), "confidence": round(c.score, 3)}
            for c in result.candidates]


# ---- never a silent guess, no dead ends ----------------------------------------------------

ZoneKey = tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]
MAX_CHOICES = 12  # candidates shown for a street's zones or a 小区's buildings
SAME_ZONE_MIN = 0.8  # a weaker best candidate may be no place the family meant at all


def _facts(place: Place) -> AddressFacts:
    return AddressFacts(street=place.street, number=place.number, xiaoqu=place.xiaoqu)


def zone_key(snapshot: Snapshot, place: Place) -> ZoneKey:
    """(status, ((level, zone ids), ...)) of a place: equal keys mean the same schools."""
    cache_key = (place.address, place.lat, place.lng)
    known = snapshot.zone_keys.get(cache_key)
    if known is None:
        result = snapshot.index.lookup(WGS84Point(place.lat, place.lng), facts=_facts(place))
        known = (result.status, tuple(
            (level, tuple(m.zone.zone_id for m in r.matches))
            for level, r in sorted(result.levels.items())))
        snapshot.zone_keys[cache_key] = known
    return known


def _schools_of(snapshot: Snapshot, key: ZoneKey, level: str) -> list[str]:
    zones = {z.zone_id: z for z in snapshot.zone_set.zones}
    ids = dict(key[1]).get(level, ())
    return [snapshot.schools[c].name for z in ids for c in zones[z].school_codes
            if c in snapshot.schools]


def _choice(snapshot: Snapshot, place: Place, score: float | None = None) -> dict:
    """A candidate that resolves exactly when chosen: `id` goes back as `place=`."""
    key = zone_key(snapshot, place)
    out = {**place_summary(place), "id": place.address,
           "primary_schools": _schools_of(snapshot, key, "primary"),
           "middle_schools": _schools_of(snapshot, key, "middle")}
    if score is not None:
        out["confidence"] = round(score, 3)
    return out


def _one_zone(snapshot: Snapshot, places: list[Place]) -> bool:
    keys = {zone_key(snapshot, p) for p in places}
    return len(keys) == 1 and next(iter(keys))[0] != "boundary"  # one answer for all


def _unconfirmed(answer: dict, translate: Translate, note: str) -> dict:
    """The zone is certain, the exact address is not: say so."""
    answer["address_confirmed"] = False
    answer["note"] = translate(note)
    return answer


NOTE_SAME_ZONE = N_("没有确认到您家的具体地址，但这些候选地址都在同一学区，结果如下。")
NOTE_STREET_ONE_ZONE = N_("没有确认到门牌号，但这条街路全部在同一学区，结果如下。")
NOTE_XIAOQU_ONE_ZONE = N_("没有确认到楼栋，但这个小区全部在同一学区，结果如下。")
ASK_NUMBER = N_("%(street)s经过不同的学区，请补充门牌号（本街路已知门牌 %(low)s–%(high)s 号）。")
ASK_BUILDING = N_("%(xiaoqu)s的楼栋分属不同学区，请选择您家所在的楼栋。")
ASK_WHICH = N_("找到几个名称相近的地方，它们属于不同学区，请选择您家的地址。")


def _answer_place(snapshot: Snapshot, place: Place, location: dict, levels, lang, translate
                  ) -> dict:
    return answer_point(snapshot, WGS84Point(place.lat, place.lng), levels=levels,
                        lang=lang, translate=translate, facts=_facts(place), location=location)


def _answer_street(snapshot: Snapshot, result: GeocodeResult, levels, lang, translate
                   ) -> dict:
    houses = snapshot.geocoder.houses_on(result.street)
    if not houses:
        return _not_located(snapshot, "address_not_found", lang, translate)
    middle = houses[len(houses) // 2]
    street = {"name": result.street, "number": result.number,
              "numbers": [houses[0].number, houses[-1].number]}
    if _one_zone(snapshot, houses):
        location = _location(middle.lng, middle.lat, "gazetteer", matched_address=result.street,
                             confidence=0.9, method="street")
        answer = _answer_place(snapshot, middle, location, levels, lang, translate)
        answer["street"] = street
        return _unconfirmed(answer, translate, NOTE_STREET_ONE_ZONE)
    groups: dict[ZoneKey, list[Place]] = {}
    for house in houses:
        groups.setdefault(zone_key(snapshot, house), []).append(house)
    choices = []
    for members in sorted(groups.values(), key=lambda m: m[0].number):
        choice = _choice(snapshot, members[len(members) // 2])
        choice["numbers"] = [members[0].number, members[-1].number]
        choices.append(choice)
    answer = _not_located(snapshot, "address_ambiguous", lang, translate,
                          choices[:MAX_CHOICES])
    answer["street"] = street
    answer["next_steps"] = translate(ASK_NUMBER) % {
        "street": result.street, "low": street["numbers"][0], "high": street["numbers"][1]}
    return answer


def _found_location(result: GeocodeResult) -> dict:
    place = result.place
    return _location(place.lng, place.lat, result.source, matched_address=place.address,
                     confidence=result.confidence, method=result.method)


def _answer_found(snapshot: Snapshot, result: GeocodeResult, levels, lang, translate) -> dict:
    place = result.place
    location = _found_location(result)
    members = snapshot.geocoder.buildings_of(place.address) if place.kind == "xiaoqu" else []
    if members and not _one_zone(snapshot, [place, *members]):
        answer = _not_located(snapshot, "address_ambiguous", lang, translate,
                              [_choice(snapshot, b) for b in members][:MAX_CHOICES])
        answer["next_steps"] = translate(ASK_BUILDING) % {"xiaoqu": place.address}
        return answer
    answer = _answer_place(snapshot, place, location, levels, lang, translate)
    if members:
        return _unconfirmed(answer, translate, NOTE_XIAOQU_ONE_ZONE)
    answer["address_confirmed"] = True
    return answer


def _answer_ambiguous(snapshot: Snapshot, result: GeocodeResult, levels, lang, translate
                      ) -> dict:
    places = [c.place for c in result.candidates]
    if len(places) > 1 and result.best.score >= SAME_ZONE_MIN and _one_zone(snapshot, places):
        best = result.best
        location = _location(best.place.lng, best.place.lat, result.source,
                             matched_address=None, confidence=round(best.score, 3),
                             method="same_zone")
        answer = _answer_place(snapshot, best.place, location, levels, lang, translate)
        answer["candidates"] = [_choice(snapshot, c.place, c.score) for c in result.candidates]
        return _unconfirmed(answer, translate, NOTE_SAME_ZONE)
    answer = _not_located(snapshot, "address_ambiguous", lang, translate,
                          [_choice(snapshot, c.place, c.score) for c in result.candidates])
    answer["next_steps"] = translate(ASK_WHICH)
    return answer


NOT_AN_ADDRESS = {
    "symbols": N_("这里只有符号或表情，没有地址。请输入街路和门牌号，或小区名称。"),
    "digits": N_("只有数字，无法确定是哪条街路。请在门牌号前加上街路或小区名称。"),
    "script": N_("无法识别这种文字。请用中文（或汉语拼音）输入地址。"),
}
NOT_FOUND_MIXED = N_("没有找到这个地址。地址中混有字母和汉字，请全部用汉字输入，或检查拼音的拼写。")
NOT_FOUND_LATIN = N_(
    "没有找到与这段拼音或字母相符的地址。请改用汉字输入，或输入完整的拼音和门牌号。")


def _not_found(snapshot: Snapshot, lang: str, translate: Translate, hint: str | None
               ) -> dict:
    answer = _not_located(snapshot, "address_not_found", lang, translate)
    answer["suggestions"] = []
    if hint is not None:
        answer["next_steps"] = translate(hint)
    return answer


def answer_place(snapshot: Snapshot, place_id: str, *, levels: tuple[Level, ...] = LEVELS,
                 lang: str = "zh", translate: Translate = _identity) -> dict:
    """A chosen candidate (`place=` its id): exactly that place, never a new search."""
    result = snapshot.geocoder.resolve_id(place_id)
    if result.status != "found":
        raise InvalidParameter(N_("这个候选地址已不在地址库中，请重新输入地址。"), field="place")
    return _answer_found(snapshot, result, levels, lang, translate)


def geocode(snapshot: Snapshot, query: AddressQuery) -> GeocodeResult:
    """The gazetteer's answer, or an online provider's when configured and the gazetteer
    is unsure; another district's address is status "other_district"."""
    if snapshot.providers:  # an online provider's answer may differ from one call to the next
        return _geocoded(snapshot, query.text)
    return snapshot.geocoded.get((query.text,), lambda: _geocoded(snapshot, query.text))


def _geocoded(snapshot: Snapshot, text: str) -> GeocodeResult:
    result = snapshot.geocoder.search(text)
    if result.status == "other_district":
        return result
    return with_providers(result, text, snapshot.providers, snapshot.district,
                          snapshot.profile.full_name)


def answer_address(snapshot: Snapshot, query: AddressQuery, *,
                   levels: tuple[Level, ...] = LEVELS, lang: str = "zh",
                   translate: Translate = _identity) -> dict:
    coordinates = snapshot.grammar.parse_coordinates(query.text)
    if coordinates is not None:  # someone pasted "lat,lng" into the address box
        return answer_point(snapshot, parse_point(*coordinates, snapshot.profile),
                            levels=levels, lang=lang, translate=translate)
    unreadable = unreadable_kind(query.text)
    if unreadable is not None:  # 🏠🏫, 1226, Москва: say what is missing, search nothing
        return _not_found(snapshot, lang, translate, NOT_AN_ADDRESS[unreadable])
    return _answer_match(snapshot, query, geocode(snapshot, query), levels, lang, translate)


def _answer_match(snapshot: Snapshot, query: AddressQuery, result: GeocodeResult, levels,
                  lang: str, translate: Translate) -> dict:
    """The answer for what the search found for `query`."""
    if result.status == "other_district":  # 北京市朝阳区...: say where, not "not found"
        answer = _not_located(snapshot, "outside_district", lang, translate)
        answer["other_district"] = result.other_district
        return answer
    if result.status == "street":
        return _answer_street(snapshot, result, levels, lang, translate)
    if result.status == "ambiguous":
        return _answer_ambiguous(snapshot, result, levels, lang, translate)
    if result.status != "found":
        hint = NOT_FOUND_LATIN if latin_only(query.text) else (
            NOT_FOUND_MIXED if pinyin.has_latin(query.text.lower()) else None)
        answer = _not_found(snapshot, lang, translate, hint)
        # weak candidates are still worth offering ("did you mean")
        answer["suggestions"] = [c for c in _candidates(result)
                                 if c["confidence"] >= SUGGESTION_MIN][:3]
        return answer
    return _answer_found(snapshot, result, levels, lang, translate)


def _unshaped(answer: dict) -> dict:
    return answer


def encoded_answer(snapshot: Snapshot, target: WGS84Point | AddressQuery, *,
                   levels: tuple[Level, ...] = LEVELS, lang: str = "zh",
                   translate: Translate = _identity, lean: bool = False,
                   cached_only: bool = False, shape: Callable[[dict], object] = _unshaped
                   ) -> EncodedAnswer | None:
    """The answer of `answer_point`/`answer_address` (or its `zones_only` form), encoded.
    The answer for the zones found is composed once per snapshot, status, language and
    form; a request only looks the point up and fills in `location` and the distances.
    An address found exactly takes the same path from its place's point; any other
    address answer (candidates, notes, not found) depends on the match, so it is composed
    each time. With `cached_only`, nothing is composed: None when it would have to be
    (the server's fast lane then hands the request to the app, which composes it).
    `shape` turns a composed answer into what is encoded (the web layer gives its declared
    contract type; a template's answer carries the slots)."""
    if isinstance(target, AddressQuery):
        if cached_only and snapshot.providers:
            return None  # an online provider's match is never kept: ask it once, in the app
        text = target.text
        searchable = snapshot.grammar.parse_coordinates(text) is None and \
            unreadable_kind(text) is None
        match = geocode(snapshot, target) if searchable else None
        if match is not None and _plainly_found(snapshot, match):
            place = match.place
            result = snapshot.index.lookup(WGS84Point(place.lat, place.lng),
                                           facts=_facts(place), levels=levels)
            return _filled(snapshot, result, _found_location(match), lang, translate, lean,
                           levels, cached_only, confirmed=True, shape=shape)
        if cached_only:
            return None
        answer = answer_address(snapshot, target, levels=levels, lang=lang,
                                translate=translate) if match is None else \
            _answer_match(snapshot, target, match, levels, lang, translate)
        return EncodedAnswer.of(shape(zones_only(answer) if lean else answer),
                                snapshot.zone_set.id)
    result = snapshot.index.lookup(target, levels=levels)
    return _filled(snapshot, result, _location(target.lng, target.lat, "point"), lang,
                   translate, lean, levels, cached_only, confirmed=None, shape=shape)


def _plainly_found(snapshot: Snapshot, match: GeocodeResult) -> bool:
    """True when the address answer is a plain "found" (what `_answer_found` answers
    without candidates or a note)."""
    if match.status != "found":
        return False
    place = match.place
    # a 小区 of several buildings: candidates or a note
    return not (place.kind == "xiaoqu" and snapshot.geocoder.buildings_of(place.address))


def _filled(snapshot: Snapshot, result: PointResult, location: dict, lang: str,
            translate: Translate, lean: bool, levels: tuple[Level, ...], cached_only: bool,
            confirmed: bool | None, shape: Callable[[dict], object]) -> EncodedAnswer | None:
    found = tuple((level, r.status, tuple((m.zone.zone_id, m.matched_by) for m in r.matches))
                  for level, r in result.levels.items())
    key = ("lookup", shape, lang, lean, levels, result.status, found, confirmed)
    template = snapshot.encoded.peek(key) if cached_only else snapshot.encoded.get(
        key, lambda: _answer_template(snapshot, result, lang, translate, lean, confirmed,
                                      shape))
    if template is None:
        return None
    values = {f"{level}_{i}": repr(round(m.distance_m, 1)).encode()
              for level, r in result.levels.items() for i, m in enumerate(r.matches)}
    values["location"] = encode_fragment(location)
    return template.fill(values)


def _answer_template(snapshot: Snapshot, result: PointResult, lang: str,
                     translate: Translate, lean: bool, confirmed: bool | None,
                     shape: Callable[[dict], object]) -> Template:
    answer = compose_point(snapshot, result, slot("location"), lang, translate)
    if confirmed is not None:
        answer["address_confirmed"] = confirmed
    if lean:
        answer = zones_only(answer)
    for level in LEVELS:
        for i, zone in enumerate(answer[level]["zones"]):
            zone["distance_m"] = slot(f"{level}_{i}")
    return Template(shape(answer), snapshot.zone_set.id)
