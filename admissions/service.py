"""Answering a location: the published snapshot in memory, and the two entry points
(a point, an address) that every interface (API, pages, CLI, hotline) calls."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from admissions.answer import Translate, _identity, compose
from admissions.content import load_current_cycle
from gis.address import AddressGrammar, AddressQuery
from gis.district import DistrictProfile
from gis.gazetteer import Gazetteer, Place
from gis.geocoding import GazetteerGeocoder, GeocodeResult
from gis.point import WGS84Point
from gis.providers import OnlineProvider, with_providers
from gis.suggest import Suggester
from zones import storage
from zones.errors import N_, InvalidData
from zones.index import ZoneIndex
from zones.inputs import parse_point
from zones.model import LEVELS, AddressFacts, Level, School, ZoneSet

SUGGESTION_MIN = 0.45  # weaker "did you mean" candidates are noise
PROFILE_META = "district_profile"  # where the dataset's district.json is kept


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
                    providers=tuple(providers))


def with_zone_set(base: Snapshot, zone_set: ZoneSet) -> Snapshot:
    """`base` answering from another zone set (a past or scheduled version): its own index,
    the same schools, gazetteer and cycle."""
    index = ZoneIndex(zone_set, base.district, metric_crs=base.profile.metric_crs)
    return dataclasses.replace(base, zone_set=zone_set, index=index)


def _location(lng: float, lat: float, source: str, **extra) -> dict:
    return {"lat": round(lat, 6), "lng": round(lng, 6), "source": source, **extra}


def answer_point(snapshot: Snapshot, point: WGS84Point, *,
                 levels: tuple[Level, ...] = LEVELS, lang: str = "zh",
                 translate: Translate = _identity, facts: AddressFacts | None = None,
                 location: dict | None = None) -> dict:
    result = snapshot.index.lookup(point, facts=facts, levels=levels)
    return compose(status=result.status,
                   location=location or _location(point.lng, point.lat, "point"),
                   point=result, schools=snapshot.schools, cycle=snapshot.cycle,
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


def geocode(snapshot: Snapshot, query: AddressQuery) -> GeocodeResult:
    """The gazetteer's answer, or an online provider's when configured and the gazetteer
    is unsure; another district's address is status "other_district"."""
    result = snapshot.geocoder.search(query.text)
    if result.status == "other_district":
        return result
    return with_providers(result, query.text, snapshot.providers, snapshot.district,
                          snapshot.profile.full_name)


def answer_address(snapshot: Snapshot, query: AddressQuery, *,
                   levels: tuple[Level, ...] = LEVELS, lang: str = "zh",
                   translate: Translate = _identity) -> dict:
    coordinates = snapshot.grammar.parse_coordinates(query.text)
    if coordinates is not None:  # someone pasted "lat,lng" into the address box
        return answer_point(snapshot, parse_point(*coordinates, snapshot.profile),
                            levels=levels, lang=lang, translate=translate)
    result = geocode(snapshot, query)
    if result.status == "other_district":  # 北京市朝阳区...: say where, not "not found"
        answer = _not_located(snapshot, "outside_district", lang, translate)
        answer["other_district"] = result.other_district
        return answer
    if result.status == "ambiguous":
        return _not_located(snapshot, "address_ambiguous", lang, translate,
                            _candidates(result))
    if result.status != "found":
        answer = _not_located(snapshot, "address_not_found", lang, translate)
        # weak candidates are still worth offering ("did you mean")
        answer["suggestions"] = [c for c in _candidates(result)
                                 if c["confidence"] >= SUGGESTION_MIN][:3]
        return answer
    place = result.place
    location = _location(place.lng, place.lat, result.source, matched_address=place.address,
                         confidence=result.confidence, method=result.method)
    facts = AddressFacts(street=place.street, number=place.number, xiaoqu=place.xiaoqu)
    return answer_point(snapshot, WGS84Point(place.lat, place.lng), levels=levels,
                        lang=lang, translate=translate, facts=facts, location=location)
