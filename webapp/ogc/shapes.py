"""The JSON shapes of /ogc/ (OGC API – Features, Part 1), declared once as msgspec Structs:
every JSON document and exception of /ogc/ is produced by converting to one of these
(webapp/api/contract.py), and /ogc/api's components are their JSON Schema in the
OpenAPI 3.0 dialect. Each collection has its own feature type, so the properties of a
school, a zone and the district are typed."""
from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from msgspec import UNSET, Meta, UnsetType

from webapp.api.contract import example
from webapp.api.schemas import (Date, DateTime, DistrictProperties, Geometry, Shape,
                                ZoneFields)
from webapp.ogc.logic import COLLECTIONS

P = TypeVar("P")
F = TypeVar("F")
Count = Annotated[int, Meta(ge=0)]


class Link(Shape):
    """A link: where (`href`), what it is to this document (`rel`), its media type and title."""
    href: str
    rel: str
    type: str
    title: str


class Landing(Shape):
    """The landing page: what this service is and where its parts are."""
    title: str
    description: str
    links: list[Link]


class Conformance(Shape):
    """The conformance classes this service implements."""
    links: list[Link]
    conformsTo: list[str]


class Spatial(Shape):
    """The bounding box (west, south, east, north) in CRS84."""
    bbox: list[Annotated[list[float], Meta(min_length=4, max_length=6)]]
    crs: str


class Temporal(Shape):
    """The zone collections' time: from the first version on, open-ended."""
    interval: list[Annotated[list[str | None], Meta(min_length=2, max_length=2)]]
    trs: str


class Extent(Shape):
    """Where (CRS84 bounding box) and, for zones, when the collection's data is."""
    spatial: Spatial
    temporal: Temporal | UnsetType = UNSET


class Collection(Shape):
    """One collection: its extent (CRS84) and links to its items."""
    id: Literal[tuple(COLLECTIONS)]
    title: str
    description: str
    itemType: Literal["feature"]
    crs: list[str]
    extent: Extent
    links: list[Link]


class Collections(Shape):
    """Every collection this service offers."""
    links: list[Link]
    collections: list[Collection]


class SchoolProperties(Shape):
    """A school's code, name, level, address and contacts."""
    code: str
    name: str
    level: str
    address: str
    phone: str | None
    subdistrict: str
    feeds: Annotated[str | None, Meta(description="code of the middle school it feeds")]


class ZoneProperties(ZoneFields):
    """A zone and the version it belongs to; `description` is the legal 划片范围 text."""
    version: str
    effective_from: Date | None


class Feature(Shape, Generic[P]):
    """A GeoJSON feature; one asked for by its id also has `links`."""
    type: Literal["Feature"]
    id: str
    geometry: Geometry | None
    properties: P
    links: list[Link] | UnsetType = UNSET


class SchoolFeature(Feature[SchoolProperties]):
    """A school: its location (a point) and contacts."""


class ZoneFeature(Feature[ZoneProperties]):
    """A school zone (划片范围) of the version in force on the day asked for."""


class DistrictFeature(Feature[DistrictProperties]):
    """The district's outline."""


class Items(Shape, Generic[F]):
    """A page of features with `next`/`prev` links."""
    type: Literal["FeatureCollection"]
    features: list[F]
    links: list[Link]
    numberMatched: Count
    numberReturned: Count
    timeStamp: DateTime


class SchoolItems(Items[SchoolFeature]):
    """A page of the schools."""


class ZoneItems(Items[ZoneFeature]):
    """A page of the primary or middle school zones."""


class DistrictItems(Items[DistrictFeature]):
    """The district outline as a collection."""


class OgcException(Shape):
    """An error, in the format of OGC API – Common (exception.yaml)."""
    code: str
    description: str


ITEMS = {"schools": SchoolItems, "primary_zones": ZoneItems, "middle_zones": ZoneItems,
         "district": DistrictItems}
FEATURE = {"schools": SchoolFeature, "primary_zones": ZoneFeature,
           "middle_zones": ZoneFeature, "district": DistrictFeature}
assert set(ITEMS) == set(FEATURE) == set(COLLECTIONS), "every collection has its types"

_LINK = {"href": "https://example.org/ogc/collections/primary_zones/items/P01?f=json",
         "rel": "self", "type": "application/geo+json", "title": "本文档"}
_ZONE = {"type": "Feature", "id": "P01",
         "geometry": {"type": "Polygon", "coordinates": [
             [[114.35, 30.90], [114.36, 30.90], [114.36, 30.91], [114.35, 30.90]]]},
         "properties": {"zone_id": "P01", "level": "primary", "school_codes": ["S01"],
                        "allocation": "direct", "description": "示例路以南",
                        "version": "sample-2027", "effective_from": "2027-03-01"}}
EXAMPLES = {shape: example(shape, value) for shape, value in {
    Landing: {"title": "示例区 学校与学区开放数据",
              "description": "学校、学区和区域边界的开放数据（OGC API – Features）。",
              "links": [{**_LINK, "href": "https://example.org/ogc/?f=json",
                         "type": "application/json"}]},
    ZoneFeature: {**_ZONE, "links": [_LINK]},
    ZoneItems: {"type": "FeatureCollection", "features": [_ZONE], "links": [_LINK],
                "numberMatched": 1, "numberReturned": 1, "timeStamp": "2026-12-02T08:00:00Z"},
    OgcException: {"code": "InvalidParameterValue", "description": "不支持参数 x。"},
}.items()}

RESPONSE_TYPES = (Landing, Conformance, Collections, Collection, SchoolItems, ZoneItems,
                  DistrictItems, SchoolFeature, ZoneFeature, DistrictFeature, OgcException)
