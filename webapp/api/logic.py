"""API v1 as plain functions of (snapshot, parameters) returning the domain's JSON-ready
dicts; the views produce each response from its declared type (webapp/api/schemas.py).
The encoded answers are made from the declared type here, once per cache entry.

No Flask here, in the pygeoapi manner: the blueprint only passes the request's arguments.
"""
from __future__ import annotations

from collections.abc import Mapping

import msgspec

from admissions import batch
from admissions.answer import Translate, _identity, school_summary, zones_only
from admissions.encoding import EncodedAnswer
from admissions.service import (Snapshot, answer_address, answer_place, answer_point,
                                encoded_answer)
from gis.address import AddressQuery
from gis.geojson import feature, feature_collection
from gis.suggest import suggestion
from gis.spreadsheet import csv_text
from webapp.api import bodies, schemas
from webapp.api import params as p
from webapp.api.bodies import Refusals
from webapp.api.contract import plain
from zones.errors import N_, InvalidParameter, NotFound
from zones.model import LEVELS


def lookup(snapshot: Snapshot, args: Mapping[str, str], lang: str, translate: Translate
           ) -> dict:
    """The answer freshly composed (pages, CLI); the API serves `encoded_lookup`."""
    levels = p.levels(args)
    lean = p.zones_only(args)
    place_id = p.chosen_place(args)
    if place_id is not None:
        answer = answer_place(snapshot, place_id, levels=levels, lang=lang,
                              translate=translate)
        return zones_only(answer) if lean else answer
    target = p.point_or_address(args, snapshot.profile)
    if isinstance(target, AddressQuery):
        answer = answer_address(snapshot, target, levels=levels, lang=lang,
                                translate=translate)
    else:
        answer = answer_point(snapshot, target, levels=levels, lang=lang, translate=translate)
    return zones_only(answer) if lean else answer


def lookup_data(answer: dict) -> dict:
    """The answer as the declared `Lookup`, JSON-ready. A template's answer (composed
    once, admissions/encoding.py) has slots, strings, where the location and the distances
    go: they stand aside while the rest is converted, then go back in their place."""
    slots = {}
    if isinstance(answer.get("location"), str):
        slots["location"] = answer["location"]
        answer = {**answer, "location": None}
    for level in LEVELS:
        zones = answer[level]["zones"]
        if any(isinstance(zone["distance_m"], str) for zone in zones):
            slots[level] = [zone["distance_m"] for zone in zones]
            answer = {**answer, level: {**answer[level], "zones": [
                {**zone, "distance_m": 0.0} for zone in zones]}}
    data = plain(schemas.Lookup, answer)
    for name, held in slots.items():
        if name == "location":
            data["location"] = held
        else:
            for zone, distance in zip(data[name]["zones"], held, strict=True):
                zone["distance_m"] = distance
    return data


def encoded_lookup(snapshot: Snapshot, args: Mapping[str, str], lang: str,
                   translate: Translate = _identity, cached_only: bool = False
                   ) -> EncodedAnswer | None:
    """The same answer as `lookup`, as the declared type's bytes composed once per zones
    found. With `cached_only`, None unless it can be served without composing anything
    (the fast lane)."""
    if p.chosen_place(args) is not None:  # a chosen candidate: composed, then encoded
        if cached_only:
            return None
        return EncodedAnswer.of(lookup_data(lookup(snapshot, args, lang, translate)),
                                snapshot.zone_set.id)
    return encoded_answer(snapshot, p.point_or_address(args, snapshot.profile),
                          levels=p.levels(args), lang=lang, translate=translate,
                          lean=p.zones_only(args), cached_only=cached_only,
                          shape=lookup_data)


def encoded_zones_geojson(snapshot: Snapshot, args: Mapping[str, str],
                          cached_only: bool = False) -> EncodedAnswer | None:
    key = ("zones.geojson", p.levels(args))
    if cached_only:
        return snapshot.encoded.peek(key)
    return snapshot.encoded.get(key, lambda: EncodedAnswer.of(
        plain(schemas.ZonesGeoJSON, zones_geojson(snapshot, args)), snapshot.zone_set.id))


def encoded_district_geojson(snapshot: Snapshot, cached_only: bool = False
                             ) -> EncodedAnswer | None:
    key = ("district.geojson",)
    if cached_only:
        return snapshot.encoded.peek(key)
    return snapshot.encoded.get(key, lambda: EncodedAnswer.of(
        plain(schemas.DistrictGeoJSON, district_geojson(snapshot)), snapshot.zone_set.id))


def zones_geojson(snapshot: Snapshot, args: Mapping[str, str]) -> dict:
    levels = p.levels(args)
    features = [feature(z.geometry, {"zone_id": z.zone_id, "level": z.level,
                                     "school_codes": list(z.school_codes),
                                     "allocation": z.allocation,
                                     "description": z.description})
                for z in snapshot.zone_set.zones if z.level in levels]
    return feature_collection(features, zone_version=snapshot.zone_version,
                              dataset={"sample": snapshot.sample})


def district_geojson(snapshot: Snapshot) -> dict:
    return feature_collection(
        [feature(snapshot.district, {"code": snapshot.district_code,
                                     "name": snapshot.district_name,
                                     "sample": snapshot.sample})])


def _school(snapshot: Snapshot, code: str, translate: Translate) -> dict:
    school = snapshot.schools[code]
    levels = ("primary", "middle") if school.level == "nine_year" else (school.level,)
    summary = school_summary(school, snapshot.schools, levels[0], translate)
    summary["subdistrict"] = school.subdistrict
    if school.level == "nine_year":
        summary["plan_middle"] = school.plan_middle
    summary["zones"] = [z.zone_id for z in snapshot.zone_set.zones if code in z.school_codes]
    return summary


def schools(snapshot: Snapshot, args: Mapping[str, str], translate: Translate) -> dict:
    levels = p.levels(args)
    wanted = [c for c, s in snapshot.schools.items() if any(s.serves(lv) for lv in levels)]
    return {"schools": [_school(snapshot, c, translate) for c in wanted],
            "dataset": {"sample": snapshot.sample}}


def school(snapshot: Snapshot, code: str, translate: Translate) -> dict:
    if code not in snapshot.schools:
        raise NotFound(N_("没有编号为 %(code)s 的学校。"), field="code", code=code[:40])
    return {"school": _school(snapshot, code, translate), "dataset": {"sample": snapshot.sample}}


def suggest(snapshot: Snapshot, args: Mapping[str, str]) -> dict:
    """At most 10 places for what has been typed so far ([] before the second character)."""
    q = p.search_text(args)
    return {"suggestions": [suggestion(place) for place in snapshot.suggester.suggest(q.text)],
            "dataset": {"sample": snapshot.sample}}


BATCH_FORMATS = ("json", "csv")


def batch_output_format(args: Mapping[str, str], accepted: str | None) -> str:
    """?format= first, else the Accept header's choice (JSON by default)."""
    chosen = args.get("format")
    if chosen is None:
        return accepted or "json"
    if chosen not in BATCH_FORMATS:
        raise InvalidParameter(N_("format 只能是 json 或 csv。"), field="format")
    return chosen


# A JSON file that does not fit `BatchLookupRequest`: refused as a file, the path named.
BATCH_REFUSALS = Refusals(batch.NOT_ROWS, "file", messages={"rows": batch.NOT_ROWS},
                          whole_body=True)


def batch_rows(body: bytes, kind: str | None) -> list:
    """The file's rows; a JSON file read through its declared type first."""
    text, kind = batch.read_text(body, kind)
    if kind == "csv":
        return batch.read_csv(text)
    data = batch.load_json(text)
    typed = bodies.convert(schemas.BatchLookupRequest,
                           {"rows": data} if isinstance(data, list) else data, BATCH_REFUSALS)
    return batch.json_rows(msgspec.to_builtins(typed.rows))


def batch_lookup(snapshot: Snapshot, body: bytes, kind: str | None, args: Mapping[str, str],
                 translate: Translate) -> tuple[list, dict]:
    """Every row of the file answered, in order; the file is checked whole first."""
    levels = p.levels(args)
    rows = batch_rows(body, kind)
    answers = batch.answer_rows(snapshot, rows, levels, translate)
    return answers, {"summary": batch.summary(answers), "zone_version": snapshot.zone_version,
                     "dataset": {"sample": snapshot.sample}}


def batch_csv(answers: list) -> str:
    return csv_text(batch.CSV_HEADER, (a.to_cells() for a in answers))
