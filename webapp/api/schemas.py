"""The JSON shapes of API v1, declared once as typed msgspec Structs.

Every JSON response of /api/v1 (and /healthz, and the error body) is produced by converting
the domain's result to one of these types (webapp/api/contract.py), and the components of
/api/openapi.json are these types' JSON Schema, with the docstrings as descriptions and
the examples below. A field absent from a type never reaches a client; a field that is
`UNSET` by default appears only when the domain gives it. Enums come from the domain's own
constants so a new status cannot appear without the contract saying so."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from admissions.cycle_schema import STAGE_LEVELS
from admissions.batch import MAX_ROWS
from admissions.inquiries import KINDS, MAX_CONTENT, MAX_NAME, PUBLIC_ACTIONS
from admissions.inquiries import STATUSES as INQUIRY_STATUSES
from admissions.kb_search import KINDS as HIT_KINDS
from webapp.api.contract import example
from zones.index import STATUS_ORDER
from zones.inputs import INPUT_CRSES
from zones.model import ALLOCATIONS, LEVELS, SCHOOL_LEVELS
from zones.versions import PUBLIC_STATUSES

Date = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$",
                           extra_json_schema={"format": "date"})]
DateTime = Annotated[str, Meta(extra_json_schema={"format": "date-time"})]
Lat = Annotated[float, Meta(ge=-90, le=90, description="WGS84 latitude")]
Lng = Annotated[float, Meta(ge=-180, le=180, description="WGS84 longitude")]
Share = Annotated[float, Meta(ge=0, le=1)]
Level = Literal[LEVELS]
Allocation = Literal[ALLOCATIONS]
ZoneStatus = Literal[STATUS_ORDER]
LookupStatus = Literal[(*reversed(STATUS_ORDER), "address_not_found", "address_ambiguous")]
BatchStatus = Literal[(*reversed(STATUS_ORDER), "address_not_found", "address_ambiguous",
                       "invalid")]
GeometryType = Literal["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                       "MultiPolygon"]
Coordinates = Annotated[Any, Meta(extra_json_schema={"type": "array"},
                                  description="GeoJSON positions (longitude, latitude)")]


class Shape(Struct, kw_only=True):
    """The base of every declared shape: keyword-only, so optional fields may come before
    required ones (a subclass's docstring, not this one, describes it)."""


# --- shared parts ------------------------------------------------------------------------

class Dataset(Shape):
    """About the data: `sample` is true while the district runs sample data."""
    sample: bool


class ZoneVersionRef(Shape):
    """The zone version that answered."""
    id: str
    label: str
    effective_from: Date | None
    version: str | UnsetType = UNSET  # the downloads repeat the id as `version`


class ErrorDetail(Shape):
    """`message` in the request's language; `field` names the parameter at fault."""
    code: str
    message: str
    field: str | UnsetType = UNSET
    hint: str | UnsetType = UNSET


class Error(Shape):
    """Any error on any /api endpoint."""
    error: ErrorDetail


class Geometry(Shape):
    """A GeoJSON geometry in WGS84."""
    type: GeometryType
    coordinates: Coordinates


class SchoolName(Shape):
    """A school by code and name."""
    code: str
    name: str


class Source(Shape):
    """A policy document: its code and its page."""
    code: str
    url: str


# --- schools ---------------------------------------------------------------------------

class Plan(Shape):
    """The enrolment plan: classes and seats."""
    classes: int
    seats: int


class SchoolWarning(Shape):
    """The school's 学位预警: families whose 户籍 moved in after `cutoff` are placed
    elsewhere."""
    cutoff: Date
    text: str


class FeedsRule(Shape):
    """Which rule decides the middle school of this school's pupils at this address."""
    rule: Literal["nine_year", "lottery", "differs", "same"]
    text: str
    source: str | None


class School(Shape):
    """A school. At primary level `feeds` names the middle school it feeds; in a lookup
    `feeds_rule` says which rule decides it; /api/v1/schools adds `subdistrict`, `zones`
    and, for a nine-year school, `plan_middle`."""
    code: str
    name: str
    level: Literal[SCHOOL_LEVELS]
    address: str
    phone: str | None
    lat: Lat | None
    lng: Lng | None
    plan: Plan | None
    feeds: SchoolName | None | UnsetType = UNSET
    feeds_rule: FeedsRule | None | UnsetType = UNSET
    warning: SchoolWarning | UnsetType = UNSET
    subdistrict: str | UnsetType = UNSET
    plan_middle: Plan | None | UnsetType = UNSET
    zones: list[str] | UnsetType = UNSET


class Schools(Shape):
    """All schools (of a level when `level` is given)."""
    schools: list[School]
    dataset: Dataset


class OneSchool(Shape):
    """One school."""
    school: School
    dataset: Dataset


# --- the lookup --------------------------------------------------------------------------

class Location(Shape):
    """WGS84, rounded to 6 decimals; `source` is point, gazetteer or an online provider;
    for an address also matched_address, confidence (0-1) and method."""
    lat: Lat
    lng: Lng
    source: str
    matched_address: str | None | UnsetType = UNSET
    confidence: Share | UnsetType = UNSET
    method: str | UnsetType = UNSET


class ZoneMatch(Shape):
    """A zone found at the location. The full answer has the labels, the description
    and `schools`; the lean one (`fields=zones`) has `school_codes` instead."""
    zone_id: str
    allocation: Allocation
    matched_by: Literal["geometry", "rule"]
    distance_m: Annotated[float, Meta(ge=0, description="to the zone; 0 inside")]
    allocation_label: str | UnsetType = UNSET
    allocation_explained: str | UnsetType = UNSET
    description: str | None | UnsetType = UNSET
    schools: list[School] | UnsetType = UNSET
    school_codes: list[str] | UnsetType = UNSET


class LevelResult(Shape):
    """One level: `status` is null for a level not asked for or not located."""
    status: ZoneStatus | None
    zones: list[ZoneMatch]


class Place(Shape):
    """A place the gazetteer knows. A candidate to choose has `id` (send it back as
    `place=`) and the schools of its zones; a street's group of numbers has `numbers`."""
    address: str
    lat: Lat
    lng: Lng
    xiaoqu: str | None
    community: str | None
    subdistrict: str | None
    id: str | UnsetType = UNSET
    confidence: Share | UnsetType = UNSET
    primary_schools: list[str] | UnsetType = UNSET
    middle_schools: list[str] | UnsetType = UNSET
    numbers: list[int] | UnsetType = UNSET


class Street(Shape):
    """A street that was named without a (known) number, and its known numbers."""
    name: str
    number: int | None
    numbers: Annotated[list[int], Meta(min_length=2, max_length=2)]


class Condition(Shape):
    """A condition on the family's answers, as the cycle document writes it: one
    comparison of an `answer`, or `all`/`any` of conditions, or `not` one."""
    answer: str | UnsetType = UNSET
    is_: str | bool | UnsetType = field(default=UNSET, name="is")
    in_: list[str | bool] | UnsetType = field(default=UNSET, name="in")
    on_or_before: Date | UnsetType = UNSET
    after: Date | UnsetType = UNSET
    all: list[Condition] | UnsetType = UNSET
    any: list[Condition] | UnsetType = UNSET
    not_: Condition | UnsetType = field(default=UNSET, name="not")


class Reason(Shape):
    """An extra reason shown when its condition holds."""
    text: str
    when: Condition | UnsetType = UNSET


class Category(Shape):
    """An admission category (入学类别) of the cycle, with the policy document it comes
    from (`source`, at /gk/<source>)."""
    id: str
    name: str
    levels: list[Level] | UnsetType = UNSET
    priority: int | UnsetType = UNSET
    tier: str | UnsetType = UNSET
    who: str | UnsetType = UNSET
    reason: str | UnsetType = UNSET
    source: str | None | UnsetType = UNSET
    when: Condition | UnsetType = UNSET
    reasons: list[Reason] | UnsetType = UNSET
    cannot: list[str] | UnsetType = UNSET


class Channel(Shape):
    """Where to ask: a phone, a website, an office, or the listed school's phone."""
    id: str
    kind: str
    name: str
    phone: str | None | UnsetType = UNSET
    url: str | UnsetType = UNSET
    address: str | UnsetType = UNSET
    hours: str | UnsetType = UNSET
    text: str | UnsetType = UNSET
    note: str | UnsetType = UNSET


class DocumentItem(Shape):
    """A document to bring (原件/复印件 in `note`)."""
    name: str
    note: str | None | UnsetType = UNSET
    levels: list[Level] | UnsetType = UNSET


class Stage(Shape):
    """A stage of the admission timeline; `source` is its policy document's code."""
    id: str
    title: str
    start: Date | None | UnsetType = UNSET
    end: Date | None | UnsetType = UNSET
    deadline: bool | UnsetType = UNSET
    level: Literal[STAGE_LEVELS] | None | UnsetType = UNSET
    allocation: Allocation | None | UnsetType = UNSET
    tiers: list[str] | UnsetType = UNSET
    source: str | None | UnsetType = UNSET
    text: str | UnsetType = UNSET


class AgeRule(Shape):
    """Who is of school age this cycle."""
    text: str
    birth_on_or_before: Date | UnsetType = UNSET


class LevelInfo(Shape):
    """A level's title and how it admits."""
    title: str
    admission_method: str | UnsetType = UNSET


class Rule(Shape):
    """A rule's text."""
    text: str


class Admission(Shape):
    """The cycle's rules: age rule, categories, documents (per category), timeline and
    `timelines` (per level located, only the stages for its zone's allocation), channels;
    an empty object when no cycle is loaded."""
    year: int | UnsetType = UNSET
    notice: str | None | UnsetType = UNSET
    age_rule: AgeRule | None | UnsetType = UNSET
    levels: dict[str, LevelInfo] | None | UnsetType = UNSET
    timeline: list[Stage] | UnsetType = UNSET
    timelines: dict[str, list[Stage]] | UnsetType = UNSET
    categories: list[Category] | UnsetType = UNSET
    documents: dict[str, list[DocumentItem]] | UnsetType = UNSET
    warning_rule: Rule | None | UnsetType = UNSET
    channels: list[Channel] | UnsetType = UNSET
    disclaimer: str | UnsetType = UNSET


class Lookup(Shape):
    """Where a point or an address is zoned, with the admissions answer. With
    `fields=zones` there is no `admission` nor `next_steps` and the zones are lean."""
    status: LookupStatus
    location: Location | None
    zone_version: ZoneVersionRef
    primary: LevelResult
    middle: LevelResult
    dataset: Dataset
    admission: Admission | UnsetType = UNSET
    next_steps: str | None | UnsetType = UNSET
    address_confirmed: bool | UnsetType = UNSET
    note: str | UnsetType = UNSET
    street: Street | UnsetType = UNSET
    candidates: Annotated[list[Place], Meta(description="address_ambiguous: ranked places")
                          ] | UnsetType = UNSET
    suggestions: Annotated[list[Place], Meta(
        description="address_not_found: weaker 'did you mean' places")] | UnsetType = UNSET
    other_district: Annotated[str, Meta(
        description="outside_district from an address naming another district")
    ] | UnsetType = UNSET


class Suggestion(Shape):
    """A place offered while typing an address."""
    address: str
    xiaoqu: str | None
    community: str | None
    subdistrict: str | None
    lat: Lat
    lng: Lng


class Suggestions(Shape):
    """Up to 10 places for what has been typed so far."""
    suggestions: Annotated[list[Suggestion], Meta(max_length=10)]
    dataset: Dataset


# --- GeoJSON ------------------------------------------------------------------------------

class ZoneFields(Shape):
    """What every zone feature carries, here and in the OGC collections
    (webapp/ogc/shapes.py), which add the version it belongs to."""
    zone_id: str
    level: Level
    school_codes: list[str]
    allocation: Allocation
    description: str | None


class ZoneProperties(ZoneFields):
    """A zone: its schools, allocation and legal 划片范围 text (`description`)."""
    version: str | UnsetType = UNSET  # a version's download: in every feature
    effective_from: Date | None | UnsetType = UNSET


class ZoneFeature(Shape):
    """A zone as a GeoJSON feature."""
    type: Literal["Feature"]
    geometry: Geometry | None
    properties: ZoneProperties


class ZonesGeoJSON(Shape):
    """Zones as a GeoJSON FeatureCollection (WGS84 polygons)."""
    type: Literal["FeatureCollection"]
    features: list[ZoneFeature]
    zone_version: ZoneVersionRef
    dataset: Dataset | UnsetType = UNSET


class DistrictProperties(Shape):
    """The district's code and name."""
    code: str
    name: str
    sample: bool


class DistrictFeature(Shape):
    """The district outline as a GeoJSON feature."""
    type: Literal["Feature"]
    geometry: Geometry | None
    properties: DistrictProperties


class DistrictGeoJSON(Shape):
    """The district outline, one feature."""
    type: Literal["FeatureCollection"]
    features: list[DistrictFeature]


# --- FAQ, inquiries, health ----------------------------------------------------------------

class FaqHit(Shape):
    """An FAQ entry or policy document that matches, with the matching spans."""
    id: str
    kind: Literal[HIT_KINDS]
    title: str
    snippet: str
    url: str
    score: float
    highlights: Annotated[list[Annotated[list[int], Meta(min_length=2, max_length=2)]],
                          Meta(description="[start, end) spans of the snippet")]


class FaqHits(Shape):
    """Ranked FAQ entries and policy documents."""
    query: str | None
    hits: list[FaqHit]


class InquiryStep(Shape):
    """A public step of the case's history."""
    action: Literal[PUBLIC_ACTIONS]
    label: str
    at: DateTime


class Inquiry(Shape):
    """An inquiry's public view: no names, phones or internal notes."""
    tracking: str
    kind: Literal[tuple(KINDS)]
    kind_label: str
    status: Literal[tuple(INQUIRY_STATUSES)]
    status_label: str
    received_on: Date
    due_on: Date | None
    reply: str | None
    history: list[InquiryStep]


class Health(Shape):
    """Whether the service can answer, and from which zone version."""
    status: Literal["ok", "degraded", "down"]
    database: Literal["ok", "unavailable"]
    published_version: ZoneVersionRef | None


# --- zone versions -------------------------------------------------------------------------

class Downloads(Shape):
    """Stable URLs of a version's zones as GeoJSON, CSV (WKT) and GeoPackage."""
    geojson: str
    csv: str
    gpkg: str


class ZoneVersion(Shape):
    """A public zone version with the days it is in force and its downloads."""
    id: str
    label: str
    status: Literal[PUBLIC_STATUSES]
    effective_from: Date | None
    in_force_from: Date | None
    in_force_to: Date | None
    published_at: DateTime | None
    downloads: Downloads


class ZoneVersions(Shape):
    """The public zone versions, oldest first, and which is in force today."""
    versions: list[ZoneVersion]
    today: Date
    in_force_today: str | None
    dataset: Dataset


class OneZoneVersion(Shape):
    """One public zone version."""
    version: ZoneVersion


# --- batch -------------------------------------------------------------------------------

class Point(Shape):
    """A WGS84 point."""
    lat: Lat
    lng: Lng


class AddressMatch(Shape):
    """How an address row was matched in the gazetteer."""
    matched_address: str | None
    confidence: Share
    method: str


class BatchLevel(Shape):
    """One level of a batch row: its zones and their schools."""
    status: ZoneStatus
    zones: list[str]
    schools: list[SchoolName]


class BatchRow(Shape):
    """One input row's answer; a bad row has status invalid and `error`."""
    row: Annotated[int, Meta(ge=1)]
    id: str | None
    status: BatchStatus
    location: Point | None
    address_match: AddressMatch | None
    primary: BatchLevel | None
    middle: BatchLevel | None
    error: ErrorDetail | None


class BatchSummary(Shape):
    """How many rows, and how many of each status."""
    rows: int
    by_status: dict[str, int]


class BatchLookup(Shape):
    """One row per input row, in order, with a summary by status."""
    rows: list[BatchRow]
    summary: BatchSummary
    zone_version: ZoneVersionRef
    dataset: Dataset


# --- eligibility ---------------------------------------------------------------------------

class EligibilityCategory(Shape):
    """The admission category the answers place the family in."""
    id: str
    name: str
    who: str | None
    source: Source | None


class Tier(Shape):
    """The family's 顺位 (admission tier) and how it is placed."""
    id: str
    name: str
    rank: int | None
    placement: str | None


class EligibilityWarning(Shape):
    """The 学位预警's effect on this family."""
    state: Literal["none", "before", "after", "unknown"]
    cutoff: Date | None
    text: str | None
    school: str | None | UnsetType = UNSET


class EligibilityDate(Shape):
    """A stage that applies to this family, with its policy document."""
    id: str
    title: str
    start: Date | None
    end: Date | None
    deadline: bool | None
    source: Source | None


class EligibilityZone(Shape):
    """The zone the answer used; only `status` when the location is not inside exactly
    one zone of the level."""
    zone_id: str | UnsetType = UNSET
    level: Level | UnsetType = UNSET
    allocation: Allocation | UnsetType = UNSET
    schools: list[SchoolName] | UnsetType = UNSET
    status: ZoneStatus | UnsetType = UNSET


class Group(Shape):
    """A special group (特殊群体) that applies."""
    id: str
    name: str


class Eligibility(Shape):
    """A family's category, tier, reasons, documents, 学位预警 effect, dates and what it
    cannot do."""
    level: Level
    eligible: bool
    category: EligibilityCategory | None
    tier: Tier | None
    tiers: int
    reasons: list[str]
    documents: list[DocumentItem]
    warning: EligibilityWarning
    dates: list[EligibilityDate]
    cannot: list[str]
    groups: list[Group]
    sources: list[Source]
    zone: EligibilityZone | None


# --- examples: instances of the types, checked as they are declared -------------------------

# --- request bodies ------------------------------------------------------------------------
# The types check a body's shape before the domain checks its meaning (webapp/api/bodies.py):
# lengths, counted by the domain after trimming and refused with the count, are stated in
# the schema (`maxLength`, `maxItems`) for clients and enforced there.

class InquiryRequest(Shape):
    """A consultation, complaint, report or suggestion (`POST /api/v1/inquiries`). A name
    and a phone are needed except for a report; other fields are ignored."""
    kind: Literal[tuple(KINDS)]
    content: Annotated[str, Meta(description="what it is about, at most 2000 characters",
                                 extra_json_schema={"maxLength": MAX_CONTENT})]
    caller_name: Annotated[str, Meta(description="a name or how to address the caller",
                                     extra_json_schema={"maxLength": MAX_NAME})
                           ] | UnsetType = UNSET
    caller_phone: Annotated[str, Meta(description="a mobile number (11 digits) or a fixed "
                                      "line with its area code")] | UnsetType = UNSET
    school_code: Annotated[str, Meta(description="the school it concerns (its code)")
                           ] | None | UnsetType = UNSET
    contact_consent: Annotated[bool, Meta(description="the caller may be called back")
                               ] | UnsetType = UNSET
    website: Annotated[str, Meta(description="a honeypot: leave it out or empty")
                       ] | UnsetType = UNSET


class PlaceOrPoint(Shape, forbid_unknown_fields=True):
    """Where the family lives: `address` (an address or 小区 name), or `lat` and `lng`
    (WGS84 unless `crs` says otherwise)."""
    address: Annotated[str, Meta(extra_json_schema={"maxLength": 200})] | UnsetType = UNSET
    lat: Annotated[float, Meta(description="latitude")] | UnsetType = UNSET
    lng: Annotated[float, Meta(description="longitude")] | UnsetType = UNSET
    crs: Literal[INPUT_CRSES] | UnsetType = UNSET


class EligibilityRequest(Shape, forbid_unknown_fields=True):
    """A family's answers and where it lives (`location`) or its zone (`zone_id`), not
    both (`POST /api/v1/eligibility`)."""
    answers: Annotated[dict[str, str | bool], Meta(description=(
        "question id → answer, for the questions of the current cycle document (a choice's "
        "value, a YYYY-MM-DD date, or true/false). An unknown question, a value that is not "
        "an option, a missing answer or an answer to a question that does not apply is a "
        "400 naming it."))]
    location: PlaceOrPoint | UnsetType = UNSET
    zone_id: Annotated[str, Meta(description="a zone of the answers' level, instead of "
                                 "location")] | UnsetType = UNSET


class BatchInputRow(Shape):
    """One input row: a point (`lat` and `lng`) or an `address`, found in the offline
    gazetteer. Numbers may come as text, as spreadsheets export them; a bad value is that
    row's error, not the file's. Other fields are ignored."""
    id: Annotated[str | int, Meta(description="yours, repeated in the answer's row")
                  ] | None | UnsetType = UNSET
    lat: float | str | None | UnsetType = UNSET
    lng: float | str | None | UnsetType = UNSET
    address: str | None | UnsetType = UNSET


class BatchLookupRequest(Shape):
    """Up to 10,000 points or addresses (`POST /api/v1/lookup/batch` as JSON); a bare
    array of rows is read as `rows`."""
    rows: Annotated[list[BatchInputRow], Meta(extra_json_schema={"maxItems": MAX_ROWS})]


VERSION_REF = {"id": "sample-2027", "label": "2027", "effective_from": "2027-03-01"}
SCHOOL_EXAMPLE = {"code": "S01", "name": "示例小学", "level": "primary",
                  "address": "示例路1号", "subdistrict": "示例街道", "phone": "0431-0000000",
                  "lat": 30.88, "lng": 114.4, "plan": {"classes": 4, "seats": 180},
                  "zones": ["P01"]}
VERSION_EXAMPLE = {"id": "sample-2027", "label": "2027", "status": "published",
                   "effective_from": "2027-03-01", "in_force_from": "2026-12-01",
                   "in_force_to": None, "published_at": "2026-12-01T08:00:00Z",
                   "downloads": {
                       "geojson": "/api/v1/zone-versions/sample-2027/zones.geojson",
                       "csv": "/api/v1/zone-versions/sample-2027/zones.csv",
                       "gpkg": "/api/v1/zone-versions/sample-2027/zones.gpkg"}}
# The questions are the cycle document's: answers of the sample cycle.
ANSWERS_EXAMPLE = {"level": "primary", "birth_date": "2021-03-01", "hukou_where": "here",
                   "hukou_with": "both_parents", "home_owner": "parents",
                   "moved_in": "2024-01-01"}
EXAMPLES = {shape: example(shape, value) for shape, value in {
    InquiryRequest: {"kind": "consult", "content": "请问报名需要准备哪些材料？",
                     "caller_name": "张女士", "caller_phone": "13800138000",
                     "contact_consent": True},
    EligibilityRequest: {"answers": ANSWERS_EXAMPLE, "location": {"lat": 30.95,
                                                                   "lng": 114.36}},
    BatchLookupRequest: {"rows": [{"id": "1", "lat": 30.95, "lng": 114.36},
                                  {"id": "2", "address": "示例街1号"}]},
    Lookup: {
        "status": "assigned", "address_confirmed": True,
        "location": {"lat": 30.95, "lng": 114.36, "source": "gazetteer",
                     "matched_address": "示例街1号", "confidence": 1.0, "method": "exact"},
        "zone_version": VERSION_REF,
        "primary": {"status": "assigned", "zones": [
            {"zone_id": "P11", "allocation": "direct", "matched_by": "geometry",
             "distance_m": 0.0, "school_codes": ["S11"]}]},
        "middle": {"status": "assigned", "zones": [
            {"zone_id": "M07", "allocation": "direct", "matched_by": "geometry",
             "distance_m": 0.0, "school_codes": ["S07"]}]},
        "next_steps": None, "admission": {"year": 2027}, "dataset": {"sample": True}},
    Suggestions: {"suggestions": [{"address": "临河佳苑", "xiaoqu": "临河佳苑",
                                   "community": "东盛社区", "subdistrict": "东盛街道",
                                   "lat": 30.906, "lng": 114.36}],
                  "dataset": {"sample": True}},
    ZonesGeoJSON: {"type": "FeatureCollection", "dataset": {"sample": True},
                   "zone_version": VERSION_REF,
                   "features": [{"type": "Feature", "geometry": {
                       "type": "Polygon", "coordinates": [[[114.35, 30.90], [114.36, 30.90],
                                                           [114.36, 30.91], [114.35, 30.90]]]},
                       "properties": {"zone_id": "P01", "level": "primary",
                                      "school_codes": ["S01"], "allocation": "direct",
                                      "description": "示例路以南"}}]},
    DistrictGeoJSON: {"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Polygon", "coordinates": [
            [[114.3, 30.8], [114.5, 30.8], [114.5, 31.0], [114.3, 30.8]]]},
        "properties": {"code": "000000", "name": "示例区", "sample": True}}]},
    School: SCHOOL_EXAMPLE,
    Schools: {"schools": [SCHOOL_EXAMPLE], "dataset": {"sample": True}},
    OneSchool: {"school": SCHOOL_EXAMPLE, "dataset": {"sample": True}},
    FaqHits: {"query": "外地户口", "hits": [{
        "id": "FAQ-2027-021", "kind": "faq", "score": 4.0, "title": "外地户口怎么上学？",
        "snippet": "…外地户口 居住证", "highlights": [[1, 3]], "url": "/faq/FAQ-2027-021"}]},
    Inquiry: {"tracking": "EDJY-2026-000001", "kind": "consult", "kind_label": "咨询",
              "status": "received", "status_label": "已受理", "received_on": "2026-12-02",
              "due_on": "2026-12-09", "reply": None,
              "history": [{"action": "receive", "at": "2026-12-02T04:46:57+08:00",
                           "label": "受理"}]},
    Health: {"status": "ok", "database": "ok", "published_version": VERSION_REF},
    Error: {"error": {"code": "invalid_parameter", "field": "lat",
                      "message": "纬度应当是 -90 到 90 之间的数字。"}},
    ZoneVersion: VERSION_EXAMPLE,
    ZoneVersions: {"versions": [VERSION_EXAMPLE], "today": "2026-12-02",
                   "in_force_today": "sample-2027", "dataset": {"sample": True}},
    OneZoneVersion: {"version": VERSION_EXAMPLE},
    BatchLookup: {"rows": [
        {"row": 1, "id": "1", "status": "assigned", "error": None,
         "location": {"lat": 30.95, "lng": 114.36}, "address_match": None,
         "primary": {"status": "assigned", "zones": ["P11"],
                     "schools": [{"code": "S11", "name": "示例小学"}]},
         "middle": {"status": "assigned", "zones": ["M07"],
                    "schools": [{"code": "S07", "name": "示例中学"}]}},
        {"row": 2, "id": "2", "status": "invalid", "location": None,
         "address_match": None, "primary": None, "middle": None,
         "error": {"code": "invalid_parameter", "field": "lng",
                   "message": "缺少 lng（经度）。"}}],
        "summary": {"rows": 2, "by_status": {"assigned": 1, "invalid": 1}},
        "zone_version": VERSION_REF, "dataset": {"sample": True}},
    Eligibility: {
        "level": "primary", "eligible": True,
        "category": {"id": "two_consistent", "name": "两个一致", "who": "户口与房产一致",
                     "source": {"code": "ZC-1", "url": "/gk/ZC-1"}},
        "tier": {"id": "zone", "name": "第一顺位：学区对口", "placement": "zone", "rank": 1},
        "tiers": 4, "reasons": ["孩子与父母在同一户口簿。"],
        "documents": [{"name": "户口簿", "note": "原件及复印件"}],
        "warning": {"state": "none", "cutoff": None, "school": "示例小学",
                    "text": "示例小学 没有发布学位预警。"},
        "dates": [{"id": "online_registration", "title": "网上信息登记",
                   "start": "2027-05-06", "end": "2027-05-09", "deadline": True,
                   "source": {"code": "ZC-1", "url": "/gk/ZC-1"}}],
        "cannot": [], "groups": [], "sources": [{"code": "ZC-1", "url": "/gk/ZC-1"}],
        "zone": {"zone_id": "P01", "level": "primary", "allocation": "direct",
                 "schools": [{"code": "S01", "name": "示例小学"}]}},
}.items()}

# The response types of /api/openapi.json; the types they use become components too.
RESPONSE_TYPES = (Error, Lookup, Suggestions, ZonesGeoJSON, DistrictGeoJSON, Schools,
                  OneSchool, FaqHits, Inquiry, Health, ZoneVersions, OneZoneVersion,
                  BatchLookup, Eligibility)
# The JSON request bodies, read through these types by the views (webapp/api/bodies.py).
REQUEST_TYPES = (InquiryRequest, EligibilityRequest, BatchLookupRequest)
