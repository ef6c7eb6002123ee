"""Base-map tiles for the public map, chosen by XUEQU_TILES.

The overlays (zones, outline, schools) must be drawn in the tiles' own coordinate system,
or zones sit hundreds of metres off the streets: 高德 tiles are GCJ-02, so with them the
overlays are shifted to GCJ-02 and map taps are sent to the lookup as `crs=gcj02`.
天地图 is CGCS2000, which equals WGS84 at map scale, and OSM is WGS84."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from gis import crs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TileLayerSpec:
    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18


@dataclass(frozen=True)
class Tiles:
    name: str
    display_crs: str                     # the CRS overlays are drawn in
    layers: tuple[TileLayerSpec, ...] = field(default_factory=tuple)

    @property
    def lookup_crs(self) -> str:
        """The `crs` parameter that map taps are sent with."""
        return "gcj02" if self.display_crs == crs.GCJ02 else "wgs84"


_TIANDITU = ("https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
             "&VERSION=1.0.0&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
             "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%s")
CHOICES = ("none", "tianditu", "osm", "amap")


def tiles_from_config(name: str, tianditu_key: str = "") -> Tiles:
    if name == "osm":
        return Tiles("osm", crs.WGS84, (TileLayerSpec(
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors", subdomains="abc", max_zoom=19),))
    if name == "amap":
        return Tiles("amap", crs.GCJ02, (TileLayerSpec(
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
            "&style=8&x={x}&y={y}&z={z}", "&copy; 高德地图 AutoNavi", subdomains="1234"),))
    if name == "tianditu":
        if tianditu_key:
            return Tiles("tianditu", crs.WGS84, tuple(
                TileLayerSpec(_TIANDITU % (layer, layer, tianditu_key),
                              "&copy; 天地图 National Platform for Common GeoSpatial "
                              "Information Services", subdomains="01234567")
                for layer in ("vec", "cva")))
        log.warning("XUEQU_TILES=tianditu needs XUEQU_TIANDITU_KEY; showing no tiles")
    elif name != "none":
        log.warning("unknown XUEQU_TILES=%r (choose from %s); showing no tiles",
                    name, ", ".join(CHOICES))
    return Tiles("none", crs.WGS84)
