"""The public map, built with Folium and served with local Leaflet (no CDN).

Folium renders the Leaflet script for the layers; the page template places the pieces
(the map's <div>, its script, and the JS/CSS links Folium asks for) inside our own layout.
Interaction (taps, the draggable pin, 定位) lives in static/app.js."""
from __future__ import annotations

from dataclasses import dataclass

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from folium.template import Template
from markupsafe import Markup
from shapely.geometry import mapping

from admissions.service import Snapshot
from gis import crs
from gis.display import simplify_coverage, simplify_one
from webapp.public.tiles import Tiles
from zones.model import LEVELS

ZONE_STYLE = {
    "direct": {"color": "#0b5cad", "weight": 1.5, "fillColor": "#3b82c4", "fillOpacity": 0.12},
    "lottery": {"color": "#7a3e9d", "weight": 1.5, "fillColor": "#a66cc4", "fillOpacity": 0.2,
                "dashArray": "6 4"},
}
DISTRICT_STYLE = {"color": "#1f2328", "weight": 2.5, "fill": False}
SCHOOL_COLOUR = {"primary": "#0b5cad", "middle": "#b3541e", "nine_year": "#1a7f37"}


class LocalMap(folium.Map):
    """A Folium map that links Leaflet from this app instead of Folium's CDN defaults
    (which also pull jQuery, Bootstrap and Font Awesome that we do not use)."""

    default_js: list = []
    default_css: list = []

    def __init__(self, *args, asset_urls: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.default_js = [("leaflet", asset_urls["leaflet.js"])]
        self.default_css = [("leaflet_css", asset_urls["leaflet.css"])]


class EscapedPopup(MacroElement):
    """A popup whose HTML we build (every data string escaped) and pass as a JSON string,
    instead of folium.Popup, which needs jQuery and inserts text unescaped by default."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }});
        {% endmacro %}
    """)

    def __init__(self, html: Markup):
        super().__init__()
        self._name = "EscapedPopup"
        self.html = str(html)


@dataclass(frozen=True)
class MapParts:
    name: str                  # the global JS variable of the Leaflet map
    html: Markup
    script: Markup
    js: tuple[str, ...]        # script URLs Folium asked for
    css: tuple[str, ...]
    lookup_crs: str            # what map taps are sent as
    layer_names: dict          # level → JS variable of its zones layer


def school_popup(school, labels: dict[str, str]) -> Markup:
    parts = [Markup("<strong>%s</strong>") % school.name]
    if school.address:
        parts.append(Markup("<br>%s") % school.address)
    if school.phone:
        parts.append(Markup('<br>%s<a href="tel:%s">%s</a>') % (
            labels["phone"], school.phone, school.phone))
    return Markup("").join(parts)


def _zones_layer(snapshot: Snapshot, level: str, display_crs: str, name: str) -> folium.GeoJson:
    zones = [z for z in snapshot.zone_set.zones if z.level == level]
    shapes = simplify_coverage([z.geometry for z in zones], display_crs=display_crs)
    features = [{"type": "Feature", "geometry": mapping(shape),
                 "properties": {"zone_id": z.zone_id, "allocation": z.allocation}}
                for z, shape in zip(zones, shapes, strict=True)]
    return folium.GeoJson({"type": "FeatureCollection", "features": features}, name=name,
                          style_function=lambda f: ZONE_STYLE[f["properties"]["allocation"]],
                          highlight_function=None, zoom_on_click=False, control=False)


def build_map(snapshot: Snapshot, tiles: Tiles, labels: dict[str, str],
              asset_urls: dict[str, str]) -> MapParts:
    """`labels` are the translated layer names and popup words."""
    bounds = snapshot.district.bounds
    centre = [(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2]
    if tiles.display_crs != crs.WGS84:
        centre = list(reversed(crs.from_wgs84(centre[1], centre[0], tiles.display_crs)))
    fmap = LocalMap(location=centre, zoom_start=11, tiles=None, control_scale=True,
                    min_zoom=9, max_zoom=18, asset_urls=asset_urls, width="100%",
                    height="100%")
    for spec in tiles.layers:
        folium.TileLayer(spec.url, attr=spec.attribution, subdomains=spec.subdomains,
                         max_zoom=spec.max_zoom, name=labels["tiles"], control=False,
                         overlay=False).add_to(fmap)
    outline = simplify_one(snapshot.district, display_crs=tiles.display_crs)
    folium.GeoJson(mapping(outline), name=labels["district"], control=False,
                   style_function=lambda f: DISTRICT_STYLE, interactive=False).add_to(fmap)
    layer_names = {}
    for level in LEVELS:
        group = folium.FeatureGroup(name=labels[level], overlay=False, show=level == "primary")
        zones = _zones_layer(snapshot, level, tiles.display_crs, labels[level])
        zones.add_to(group)
        layer_names[level] = zones.get_name()
        for school in snapshot.schools.values():
            if not school.serves(level) or school.lng is None:
                continue
            lng, lat = crs.from_wgs84(school.lng, school.lat, tiles.display_crs)
            marker = folium.CircleMarker([lat, lng], radius=7, weight=2, color="#ffffff",
                                         fill=True, fill_opacity=1,
                                         fill_color=SCHOOL_COLOUR[school.level])
            marker.add_child(EscapedPopup(school_popup(school, labels)))
            marker.add_to(group)
        group.add_to(fmap)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    west, south, east, north = outline.bounds
    fmap.fit_bounds([[south, west], [north, east]])
    figure = fmap.get_root()
    figure.render()
    links = list(figure.header._children.values())
    return MapParts(
        name=fmap.get_name(), html=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
        js=tuple(e.url for e in links if isinstance(e, JavascriptLink)),
        css=tuple(e.url for e in links if isinstance(e, CssLink)),
        lookup_crs=tiles.lookup_crs, layer_names=layer_names)
