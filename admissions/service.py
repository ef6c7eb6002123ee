"""Answering a location: the published snapshot in memory, and the two entry points
(a point, an address) that every interface (API, pages, CLI, hotline) calls."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from admissions.answer import Translate, _identity, compose
from admissions.content import load_current_cycle
from gis import crs
from gis.address import MAX_LENGTH as MAX_ADDRESS_LENGTH
from gis.address import OtherDistrictError, parse_coordinates
from gis.gazetteer import Gazetteer, Place
from gis.geocoding import GazetteerGeocoder, GeocodeResult
from gis.providers import OnlineProvider, with_providers
from gis.suggest import Suggester
from zones import storage
from zones.errors import N_, InvalidParameter
from zones.index import ZoneIndex, on_earth
from zones.model import LEVELS, AddressFacts, Level, School, ZoneSet

SUGGESTION_MIN = 0.45  # weaker "did you mean" candidates are noise
PASTED_WHITESPACE = "\t\n\r"  # from a spreadsheet cell or a chat message: spacing, not junk


@dataclass
class Snapshot:
    zone_set: ZoneSet
    index: ZoneIndex
    schools: dict[str, School]
    gazetteer: Gazetteer
    cycle: dict | None
    district_code: str
    district_name: str
    district: BaseGeometry
    sample: bool
    providers: tuple[OnlineProvider, ...] = ()
    geocoder: GazetteerGeocoder | None = None
    suggester: Suggester | None = None

    def __post_init__(self) -> None:
        if self.geocoder is None:
            self.geocoder = GazetteerGeocoder(self.gazetteer.places)
        if self.suggester is None:
            self.suggester = Suggester(self.geocoder)

    @property
    def zone_version(self) -> dict:
        effective = self.zone_set.effective_from
        return {"id": self.zone_set.id, "label": self.zone_set.label,
                "effective_from": effective.isoformat() if effective else None}


def build_snapshot(session: Session, providers: tuple[OnlineProvider, ...] = ()) -> Snapshot:
    return _build_snapshot(session, providers)  # the web layer gc.freeze()s it


def _build_snapshot(session: Session, providers: tuple[OnlineProvider, ...]) -> Snapshot:
    zone_set = storage.load_zone_set(session, storage.published_zone_set_id(session))
    code, name, district = storage.load_district(session)
    places = [Place.from_record({c.key: getattr(row, c.key) for c in row.__table__.columns})
              for row in storage.load_addresses(session)]
    return Snapshot(zone_set=zone_set, index=ZoneIndex(zone_set, district),
                    schools=storage.load_schools(session), gazetteer=Gazetteer(places),
                    cycle=load_current_cycle(session), district_code=code,
                    district_name=name, district=district,
                    sample=bool(storage.get_meta(session, "sample", False)),
                    providers=tuple(providers))


def _location(lng: float, lat: float, source: str, **extra) -> dict:
    return {"lat": round(lat, 6), "lng": round(lng, 6), "source": source, **extra}


def answer_point(snapshot: Snapshot, lat: float, lng: float, *, input_crs: str = "wgs84",
                 levels: tuple[Level, ...] = LEVELS, lang: str = "zh",
                 translate: Translate = _identity, facts: AddressFacts | None = None,
                 location: dict | None = None) -> dict:
    if input_crs != "wgs84" and on_earth(lat, lng):
        # Off-Earth values go to the lookup unconverted: it refuses them naming the field
        # the caller sent, where the conversion would have turned them into NaN or noise.
        lng, lat = crs.to_wgs84(lng, lat, input_crs)
    point = snapshot.index.lookup(lat, lng, facts=facts, levels=levels)
    return compose(status=point.status, location=location or _location(lng, lat, "point"),
                   point=point, schools=snapshot.schools, cycle=snapshot.cycle,
                   zone_version=snapshot.zone_version, sample=snapshot.sample, lang=lang,
                   translate=translate)


def _not_located(snapshot: Snapshot, status: str, lang: str, translate: Translate,
                 candidates: list[dict] | None = None) -> dict:
    return compose(status=status, location=None, point=None, schools=snapshot.schools,
                   cycle=snapshot.cycle, zone_version=snapshot.zone_version,
                   sample=snapshot.sample, lang=lang, candidates=candidates,
                   translate=translate)


def place_summary(place: Place) -> dict:
    return {"address": place.address, "lat": place.lat, "lng": place.lng,
            "xiaoqu": place.xiaoqu, "community": place.community,
            "subdistrict": place.subdistrict}


def _candidates(result: GeocodeResult) -> list[dict]:
    return [{**place_summary(c.place), "confidence": round(c.score, 3)}
            for c in result.candidates]


def check_address_text(address: str, field: str = "address") -> str:
    """The text stripped, or InvalidParameter: empty, too long, or with control characters
    (pasted terminal output or binary junk, never part of an address)."""
    text = address.strip()
    if not text:
        raise InvalidParameter(N_("请输入地址或小区名称。"), field=field)
    if len(text) > MAX_ADDRESS_LENGTH:
        raise InvalidParameter(N_("地址太长了（最多 %(max)s 个字）。"), field=field,
                               max=MAX_ADDRESS_LENGTH)
    if any(unicodedata.category(c) == "Cc" and c not in PASTED_WHITESPACE for c in text):
        raise InvalidParameter(N_("地址中含有无法识别的控制字符，请只输入地址或小区名称。"),
                               field=field)
    return text


def geocode(snapshot: Snapshot, text: str) -> GeocodeResult:
    """The gazetteer's answer, or an online provider's when configured and the gazetteer
    is unsure. Raises OtherDistrictError for another district's address."""
    result = snapshot.geocoder.search(text)
    return with_providers(result, text, snapshot.providers, snapshot.district)


def answer_address(snapshot: Snapshot, address: str, *, levels: tuple[Level, ...] = LEVELS,
                   lang: str = "zh", translate: Translate = _identity) -> dict:
    text = check_address_text(address)
    coordinates = parse_coordinates(text)
    if coordinates is not None:  # someone pasted "43.87,125.38" into the address box
        return answer_point(snapshot, *coordinates, levels=levels, lang=lang,
                            translate=translate)
    try:
        result = geocode(snapshot, text)
    except OtherDistrictError as exc:  # 北京市朝阳区...: say where it is, not "not found"
        answer = _not_located(snapshot, "outside_district", lang, translate)
        answer["other_district"] = exc.place
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
    return answer_point(snapshot, place.lat, place.lng, levels=levels, lang=lang,
                        translate=translate, facts=facts, location=location)
