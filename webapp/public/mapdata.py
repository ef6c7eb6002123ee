"""What the public map draws, as one JSON document the page's script (static/map.js)
fetches: the dataset's own streets, 小区 and 街道 (so the map is readable with no base
tiles), the district outline, both levels' zones and the schools, in the tiles'
coordinate system (GCJ-02 for 高德). Built once per snapshot, tile choice and language."""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import shapely
from flask import Blueprint, jsonify, url_for
from flask_babel import gettext as _
from shapely.geometry import mapping, shape

from admissions.service import Snapshot
from gis import crs
from gis.display import COORDINATE_DECIMALS, simplify_coverage, simplify_one
from webapp.i18n import current_lang
from webapp.public.tiles import Tiles, tiles_from_config
from webapp.services import services, settings, snapshot
from zones.model import LEVELS

bp = Blueprint("mapdata", __name__)
ONE_HOUR = 3600


def _shown(geometries, display_crs: str) -> list:
    """Geometries in the display CRS, rounded to about 0.1 m."""
    if not geometries:
        return []
    moved = crs.transform_geometry(np.asarray(geometries, dtype=object), crs.WGS84, display_crs)
    return list(shapely.set_precision(moved, 10 ** -COORDINATE_DECIMALS, mode="pointwise"))


def _collection(features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _basemap(current: Snapshot, display_crs: str) -> dict:
    layers = {}
    for layer, collection in (current.basemap or {}).items():
        names = [f["properties"].get("name", "") for f in collection["features"]]
        shapes = _shown([shape(f["geometry"]) for f in collection["features"]], display_crs)
        layers[layer] = _collection({"type": "Feature", "properties": {"name": name},
                                     "geometry": mapping(geometry)}
                                    for name, geometry in zip(names, shapes, strict=True))
    if "xiaoqu" not in layers:  # no outlines in the dataset: label each 小区 at its centre
        points = defaultdict(list)
        for place in current.gazetteer.places:
            if place.xiaoqu:
                points[place.xiaoqu].append((place.lng, place.lat))
        names = sorted(points)
        centres = [shapely.Point(np.mean(points[n], axis=0)) for n in names]
        layers["xiaoqu_labels"] = _collection(
            {"type": "Feature", "properties": {"name": n}, "geometry": mapping(p)}
            for n, p in zip(names, _shown(centres, display_crs), strict=True))
    return layers


def _zones(current: Snapshot, level: str, display_crs: str) -> dict:
    zones = [z for z in current.zone_set.zones if z.level == level]
    shapes = simplify_coverage([z.geometry for z in zones], display_crs=display_crs)
    return _collection({"type": "Feature", "geometry": mapping(geometry),
                        "properties": {"zone_id": z.zone_id, "allocation": z.allocation,
                                       "schools": list(z.school_codes)}}
                       for z, geometry in zip(zones, shapes, strict=True))


def _schools(current: Snapshot, display_crs: str) -> list[dict]:
    rows = []
    for school in sorted(current.schools.values(), key=lambda s: s.code):
        if school.lng is None:
            continue
        lng, lat = crs.from_wgs84(school.lng, school.lat, display_crs)
        rows.append({"code": school.code, "name": school.name, "level": school.level,
                     "lat": round(lat, 6), "lng": round(lng, 6), "phone": school.phone,
                     "address": school.address,
                     "url": url_for("schools.school_page", code=school.code)})
    return rows


def labels() -> dict[str, str]:
    return {"primary": _("小学学区"), "middle": _("初中学区"), "phone": _("电话："),
            "school_zone": _("查这所学校的划片范围"), "here": _("您查询的位置"),
            "my_location": _("我的位置"), "legend": _("图例"), "streets": _("街道"),
            "school_primary": _("小学"), "school_middle": _("初中"),
            "school_nine": _("九年一贯制"), "assigned": _("您的学校"),
            "zone_yours": _("您所在的学区"), "lottery": _("多校划片学区"),
            "zoom_in": _("放大"), "zoom_out": _("缩小"), "level_switch": _("学区类型"),
            "cluster": _("%(n)s 所学校，点击放大", n="{n}")}


def build(current: Snapshot, tiles: Tiles) -> dict:
    display = tiles.display_crs
    return {
        "district": mapping(simplify_one(current.district, display_crs=display)),
        "zones": {level: _zones(current, level, display) for level in LEVELS},
        "schools": _schools(current, display),
        "basemap": _basemap(current, display),
        "tiles": [{"url": t.url, "attribution": t.attribution, "subdomains": t.subdomains,
                   "max_zoom": t.max_zoom} for t in tiles.layers],
        "lookup_crs": tiles.lookup_crs,
        "labels": labels(),
    }


@bp.get("/map/data.json")
def map_data():
    current = snapshot()
    tiles = tiles_from_config(settings().tiles, settings().tianditu_key)
    data = services().maps.get(current, ("map-data", tiles, current_lang()),
                               lambda: build(current, tiles))
    response = jsonify(data)
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response
