"""OGC API – Features, Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0) as plain functions.

In the pygeoapi manner the views only pass the request's arguments and the service's base
URL; every document is built here from the snapshot of the version asked for. Coordinates
are CRS84 (WGS84 longitude, latitude), the only CRS of Part 1.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import shapely
from shapely.geometry import box

from admissions.answer import Translate
from admissions.service import Snapshot
from gis.geojson import feature
from zones.errors import N_, InvalidParameter, NotFound
from zones.versions import PublicVersion, version_on

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
TRS = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
)
GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI_30 = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT, MAX_LIMIT = 10, 10000

# collection id → (title, description, level of the zones or None)
COLLECTIONS = {
    "schools": (N_("学校"), N_("公办小学、初中和九年一贯制学校的位置与联系方式。"), None),
    "primary_zones": (N_("小学学区"), N_("小学学区（划片范围），按生效日期的版本。"), "primary"),
    "middle_zones": (N_("初中学区"), N_("初中学区（划片范围），按生效日期的版本。"), "middle"),
    "district": (N_("区域边界"), N_("本区的行政区域边界。"), None),
}
COMMON_PARAMS = frozenset({"f", "lang"})
ITEMS_PARAMS = COMMON_PARAMS | {"bbox", "limit", "offset", "datetime"}
ITEM_PARAMS = COMMON_PARAMS | {"datetime"}
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$")


def zone_level(collection_id: str) -> str | None:
    return COLLECTIONS[collection_id][2]


def check_collection(collection_id: str) -> None:
    if collection_id not in COLLECTIONS:
        raise NotFound(N_("没有名为 %(id)s 的数据集合。"), field="collectionId",
                       id=collection_id[:64])


def check_params(args: Mapping[str, str], allowed: frozenset[str]) -> None:
    """Part 1 asks for a 400 on a parameter the API does not define: a typo must not
    silently return everything."""
    for name in args:
        if name not in allowed:
            raise InvalidParameter(N_("不支持参数 %(name)s。"), field=name, name=name[:40])
    output = args.get("f")
    if output is not None and output not in ("json", "html"):
        raise InvalidParameter(N_("f 只能是 json 或 html。"), field="f")


# --- parameters --------------------------------------------------------------------------

def parse_bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    if raw is None:
        return None
    parts = raw.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(np.isfinite(numbers)):
        raise InvalidParameter(N_("bbox 必须是 4 个（或 6 个）用逗号分隔的数字："
                                  "最小经度,最小纬度,最大经度,最大纬度。"), field="bbox")
    half = len(numbers) // 2
    west, south, east, north = numbers[0], numbers[1], numbers[half], numbers[half + 1]
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90
            and -90 <= north <= 90):
        raise InvalidParameter(N_("bbox 超出范围：经度应在 -180 到 180 之间，"
                                  "纬度应在 -90 到 90 之间。"), field="bbox")
    if west > east or south > north:
        raise InvalidParameter(N_("bbox 的最小值不能大于最大值。"), field="bbox")
    return west, south, east, north


def _bounded_int(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidParameter(N_("%(name)s 必须是 %(low)s 到 %(high)s 之间的整数。"),
                               field=name, name=name, low=low, high=high)
    return int(raw)


def parse_limit(raw: str | None) -> int:
    return _bounded_int(raw, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)


def parse_offset(raw: str | None) -> int:
    return _bounded_int(raw, "offset", 0, 0, 10 ** 9)


@dataclass(frozen=True)
class Interval:
    """A `datetime` parameter as 北京时间 days; None is an open end."""

    start: dt.date | None
    end: dt.date | None

    def day(self, today: dt.date) -> dt.date:
        """The day whose version answers: the instant, or the end of the interval (today
        when it is open), so that an interval gets the latest version within it."""
        if self.end is None:
            return today if self.start is None or self.start <= today else self.start
        return self.end


def _instant(raw: str) -> dt.date:
    if not _RFC3339.match(raw):
        raise ValueError(raw)
    if len(raw) == 10:
        return dt.date.fromisoformat(raw)
    from store.clock import to_beijing
    return to_beijing(dt.datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))).date()


def parse_datetime(raw: str | None) -> Interval | None:
    if raw is None:
        return None
    try:
        if "/" in raw:
            first, _, second = raw.partition("/")
            start = None if first in ("", "..") else _instant(first)
            end = None if second in ("", "..") else _instant(second)
            if (start is None and end is None) or (start and end and start > end):
                raise ValueError(raw)
            return Interval(start, end)
        day = _instant(raw)
        return Interval(day, day)
    except ValueError:
        raise InvalidParameter(N_(
            "datetime 必须是 RFC 3339 日期或时间（例如 2028-09-01 或 2028-09-01T08:00:00Z），"
            "或用 / 分隔的时间段（例如 2027-01-01/2028-12-31，开放一端写 ..）。"),
            field="datetime") from None


def version_for(versions: list[PublicVersion], interval: Interval | None, today: dt.date
                ) -> PublicVersion | None:
    """The version in force on the day that answers; None before the first version (the
    collection then has no features on that date)."""
    return version_on(versions, (interval or Interval(today, today)).day(today))


# --- feature tables ----------------------------------------------------------------------

@dataclass(frozen=True)
class FeatureTable:
    """One collection's features, ready to page: GeoJSON dicts with their ids, and the
    geometries for bbox filtering. Built once per snapshot (and version)."""

    features: tuple[dict, ...]
    geometries: np.ndarray
    by_id: Mapping[str, int]

    def matching(self, bbox: tuple[float, float, float, float] | None) -> np.ndarray:
        if bbox is None:
            return np.arange(len(self.features))
        hits = shapely.intersects(self.geometries, box(*bbox))
        return np.flatnonzero(hits)


def _table(items: list[tuple[str, object, dict]]) -> FeatureTable:
    features = []
    for fid, geometry, properties in items:
        one = feature(geometry, properties) if geometry is not None else {
            "type": "Feature", "properties": properties, "geometry": None}
        features.append({"type": "Feature", "id": fid, "geometry": one["geometry"],
                         "properties": properties})
    geometries = np.array([g for _, g, _ in items], dtype=object)
    return FeatureTable(tuple(features), geometries, {fid: i for i, (fid, _, _) in
                                                      enumerate(items)})


def zone_properties(zone, version: PublicVersion | None, zone_set_id: str) -> dict:
    return {"zone_id": zone.zone_id, "level": zone.level,
            "school_codes": list(zone.school_codes), "allocation": zone.allocation,
            "description": zone.description, "version": zone_set_id,
            "effective_from": version.effective_from.isoformat()
            if version and version.effective_from else None}


def build_table(snapshot: Snapshot, collection_id: str, version: PublicVersion | None
                ) -> FeatureTable:
    level = zone_level(collection_id)
    if level is not None:
        if version is None:
            return _table([])
        return _table([(z.zone_id, z.geometry, zone_properties(z, version, snapshot.zone_set.id))
                       for z in snapshot.zone_set.zones if z.level == level])
    if collection_id == "district":
        return _table([(snapshot.district_code, snapshot.district,
                        {"code": snapshot.district_code, "name": snapshot.district_name,
                         "sample": snapshot.sample})])
    return _table([(s.code, shapely.Point(s.lng, s.lat) if s.lng is not None else None,
                    {"code": s.code, "name": s.name, "level": s.level, "address": s.address,
                     "phone": s.phone, "subdistrict": s.subdistrict, "feeds": s.feeds})
                   for s in snapshot.schools.values()])


def cached_table(cache, snapshot: Snapshot, collection_id: str,
                 version: PublicVersion | None) -> FeatureTable:
    """`cache` keeps values per snapshot (webapp.services.PerSnapshotCache)."""
    key = ("ogc", collection_id, version.id if version else None)
    return cache.get(snapshot, key, lambda: build_table(snapshot, collection_id, version))


# --- documents ---------------------------------------------------------------------------

def _url(base: str, path: str, params: Mapping[str, object] | None = None) -> str:
    query = urlencode({k: v for k, v in (params or {}).items() if v is not None})
    return f"{base}{path}" + (f"?{query}" if query else "")


def _link(href: str, rel: str, media_type: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def _self_links(base: str, path: str, params: Mapping[str, str], json_type: str,
                translate: Translate) -> list[dict]:
    params = {k: v for k, v in params.items() if k != "f"}
    return [_link(_url(base, path, {**params, "f": "json"}), "self", json_type,
                  translate(N_("本文档"))),
            _link(_url(base, path, {**params, "f": "html"}), "alternate", HTML,
                  translate(N_("网页版")))]


def landing(base: str, title: str, translate: Translate) -> dict:
    return {"title": title,
            "description": translate(N_("学校、学区和区域边界的开放数据（OGC API – Features）。")),
            "links": [*_self_links(base, "/", {}, JSON, translate),
                      _link(f"{base}/api", "service-desc", OPENAPI_30,
                            translate(N_("接口定义（OpenAPI 3.0）"))),
                      _link(f"{base}/api?f=html", "service-doc", HTML,
                            translate(N_("接口说明"))),
                      _link(f"{base}/conformance", "conformance", JSON,
                            translate(N_("符合的标准类别"))),
                      _link(f"{base}/collections", "data", JSON, translate(N_("数据集合")))]}


def conformance(base: str, translate: Translate) -> dict:
    return {"links": _self_links(base, "/conformance", {}, JSON, translate),
            "conformsTo": list(CONFORMANCE)}


def collection(base: str, collection_id: str, snapshot: Snapshot,
               versions: list[PublicVersion], translate: Translate) -> dict:
    title, description, level = COLLECTIONS[collection_id]
    west, south, east, north = (round(v, 6) for v in snapshot.district.bounds)
    path = f"/collections/{collection_id}"
    extent: dict = {"spatial": {"bbox": [[west, south, east, north]], "crs": CRS84}}
    if level is not None and versions:
        first = versions[0].in_force_from
        extent["temporal"] = {"interval": [[f"{first.isoformat()}T00:00:00+08:00"
                                            if first > dt.date.min else None, None]],
                              "trs": TRS}
    return {"id": collection_id, "title": translate(title),
            "description": translate(description), "itemType": "feature",
            "crs": [CRS84], "extent": extent,
            "links": [*_self_links(base, path, {}, JSON, translate),
                      _link(f"{base}{path}/items?f=json", "items", GEOJSON,
                            translate(N_("要素（GeoJSON）"))),
                      _link(f"{base}{path}/items?f=html", "items", HTML,
                            translate(N_("要素（网页）")))]}


def collections(base: str, snapshot: Snapshot, versions: list[PublicVersion],
                translate: Translate) -> dict:
    return {"links": _self_links(base, "/collections", {}, JSON, translate),
            "collections": [collection(base, cid, snapshot, versions, translate)
                            for cid in COLLECTIONS]}


def items(base: str, collection_id: str, table: FeatureTable, args: Mapping[str, str],
          now: dt.datetime, translate: Translate) -> dict:
    check_params(args, ITEMS_PARAMS)
    bbox = parse_bbox(args.get("bbox"))
    limit, offset = parse_limit(args.get("limit")), parse_offset(args.get("offset"))
    parse_datetime(args.get("datetime"))  # checked here too: the view chose the version
    matched = table.matching(bbox)
    page = matched[offset:offset + limit]
    path = f"/collections/{collection_id}/items"
    params = {k: v for k, v in args.items()}
    links = _self_links(base, path, params, GEOJSON, translate)
    if offset + limit < len(matched):
        links.append(_link(_url(base, path, {**params, "f": "json",
                                             "offset": offset + limit, "limit": limit}),
                           "next", GEOJSON, translate(N_("下一页"))))
    if offset > 0:
        links.append(_link(_url(base, path, {**params, "f": "json",
                                             "offset": max(0, offset - limit), "limit": limit}),
                           "prev", GEOJSON, translate(N_("上一页"))))
    links.append(_link(f"{base}/collections/{collection_id}?f=json", "collection", JSON,
                       translate(COLLECTIONS[collection_id][0])))
    return {"type": "FeatureCollection",
            "features": [table.features[i] for i in page.tolist()],
            "links": links, "numberMatched": int(len(matched)),
            "numberReturned": int(len(page)),
            "timeStamp": timestamp(now)}


def items_key(collection_id: str, version_id: str, base: str, lang: str,
              params: list[tuple[str, str]]) -> tuple:
    """What an encoded page of items depends on (webapp/ogc/views.py, the fast lane)."""
    return ("ogc-items", collection_id, version_id, base, lang, tuple(sorted(params)))


def items_version(collection_id: str, args: Mapping[str, str], versions: list[PublicVersion],
                  today: dt.date) -> PublicVersion | None:
    """The public version that answers a zone collection (None: the published snapshot's
    data, or no zones on that date)."""
    if zone_level(collection_id) is None:
        return None
    return version_for(versions, parse_datetime(args.get("datetime")), today)


def timestamp(now: dt.datetime) -> str:
    """A response's `timeStamp`: UTC, to the second."""
    return now.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def item(base: str, collection_id: str, table: FeatureTable, feature_id: str,
         args: Mapping[str, str], translate: Translate) -> dict:
    check_params(args, ITEM_PARAMS)
    parse_datetime(args.get("datetime"))
    position = table.by_id.get(feature_id)
    if position is None:
        raise NotFound(N_("集合 %(collection)s 中没有编号为 %(id)s 的要素。"), field="featureId",
                       collection=collection_id, id=feature_id[:64])
    path = f"/collections/{collection_id}/items/{feature_id}"
    params = {k: v for k, v in args.items() if k == "datetime"}
    return {**table.features[position],
            "links": [*_self_links(base, path, params, GEOJSON, translate),
                      _link(f"{base}/collections/{collection_id}?f=json", "collection", JSON,
                            translate(COLLECTIONS[collection_id][0]))]}
