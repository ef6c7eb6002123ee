"""Optional online geocoders (through geopy), behind the offline gazetteer. Off by default.

The gazetteer answers first: it is the bureau's own list, and it works with no network.
Only when it is not sure (ambiguous or not found) are the configured providers asked, in
order. A provider that times out, fails, finds nothing, or answers with a point outside
the district is skipped; when none helps, the gazetteer's own answer stands. Provider
points are converted to WGS84 (Baidu answers in BD-09; a provider can be declared GCJ-02).

Configuration (environment variables, read by the web app's config):
  XUEQU_GEOCODERS          comma-separated: nominatim, baidu (empty: offline only)
  XUEQU_NOMINATIM_URL      base URL of a self-hosted Nominatim, e.g. http://10.0.0.5:8080
  XUEQU_NOMINATIM_CRS      wgs84 (OSM data) unless the instance holds gcj02 data
  XUEQU_BAIDU_AK / _SK     Baidu Maps API key and optional security key
  XUEQU_BAIDU_URL          default https://api.map.baidu.com (an internal gateway, or tests)
  XUEQU_GEOCODER_TIMEOUT   seconds per provider call, default 2
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import BaiduV3, Nominatim
from geopy.geocoders.base import Geocoder
from shapely import Point
from shapely.geometry.base import BaseGeometry

from gis import crs
from gis.gazetteer import Place
from gis.geocoding import Candidate, GeocodeResult

log = logging.getLogger(__name__)

USER_AGENT = "xuequ/1.0 (school zone lookup)"
DEFAULT_TIMEOUT = 2.0
DEFAULT_BAIDU_URL = "https://api.map.baidu.com"


class ConfigurationError(ValueError):
    """A provider is named but its settings are missing or wrong."""


@dataclass
class OnlineProvider:
    name: str
    geocoder: Geocoder
    crs: str = "wgs84"
    # Neither API gives a comparable score; a point inside the district from a map
    # provider is trusted as much as an interpolated house number.
    confidence: float = 0.85

    def locate(self, query: str, context: str = "") -> Place | None:
        """The provider's best point for the query, in WGS84; None when it has none.
        `context` (省市区) goes before the query: providers geocode the whole country.

        Raises geopy's errors (GeocoderTimedOut, GeocoderServiceError...) on failure.
        """
        location = self.geocoder.geocode(f"{context}{query}", exactly_one=True)
        if location is None:
            return None
        lng, lat = location.longitude, location.latitude
        if self.crs != "wgs84":
            lng, lat = crs.to_wgs84(lng, lat, self.crs)
        return Place(address=str(location.address or query), lng=round(float(lng), 6),
                     lat=round(float(lat), 6), kind="provider")


class _Baidu(BaiduV3):
    """BaiduV3 with a configurable base URL (geopy fixes api.map.baidu.com)."""

    def __init__(self, api_key: str, base_url: str, **kwargs):
        parts = urlsplit(base_url)
        super().__init__(api_key, scheme=parts.scheme or "https", **kwargs)
        base = base_url.rstrip("/")
        self.api = f"{base}{self.api_path}"
        self.reverse_api = f"{base}{self.reverse_path}"


def _nominatim(settings: Mapping[str, str], timeout: float) -> OnlineProvider:
    url = (settings.get("XUEQU_NOMINATIM_URL") or "").strip()
    if not url:
        raise ConfigurationError("XUEQU_NOMINATIM_URL is required for the nominatim provider "
                                 "(a self-hosted instance: the public one forbids this use)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"XUEQU_NOMINATIM_URL is not an http(s) URL: {url!r}")
    geocoder = Nominatim(domain=parts.netloc + parts.path.rstrip("/"), scheme=parts.scheme,
                         timeout=timeout, user_agent=USER_AGENT)
    return OnlineProvider("nominatim", geocoder,
                          crs.canonical_crs(settings.get("XUEQU_NOMINATIM_CRS") or "wgs84"))


def _baidu(settings: Mapping[str, str], timeout: float) -> OnlineProvider:
    key = (settings.get("XUEQU_BAIDU_AK") or "").strip()
    if not key:
        raise ConfigurationError("XUEQU_BAIDU_AK is required for the baidu provider")
    geocoder = _Baidu(key, settings.get("XUEQU_BAIDU_URL") or DEFAULT_BAIDU_URL,
                      timeout=timeout, user_agent=USER_AGENT,
                      security_key=settings.get("XUEQU_BAIDU_SK") or None)
    return OnlineProvider("baidu", geocoder, "bd09")


FACTORIES = {"nominatim": _nominatim, "baidu": _baidu}


def providers_from_settings(settings: Mapping[str, str]) -> list[OnlineProvider]:
    """The providers named in XUEQU_GEOCODERS, in order; [] when it is empty."""
    names = [n.strip().lower() for n in (settings.get("XUEQU_GEOCODERS") or "").split(",")
             if n.strip()]
    unknown = [n for n in names if n not in FACTORIES]
    if unknown:
        raise ConfigurationError(f"unknown geocoder(s) in XUEQU_GEOCODERS: {unknown}; "
                                 f"known: {sorted(FACTORIES)}")
    timeout = float(settings.get("XUEQU_GEOCODER_TIMEOUT") or DEFAULT_TIMEOUT)
    return [FACTORIES[n](settings, timeout) for n in names]


def with_providers(result: GeocodeResult, query: str, providers: Sequence[OnlineProvider],
                   district: BaseGeometry | None, context: str = "") -> GeocodeResult:
    """The gazetteer's result, unless it is unsure and a provider finds the place in the
    district (`context`, its 省市区 name, goes before the query)."""
    if result.status == "found" or not providers:
        return result
    for provider in providers:
        try:
            place = provider.locate(query, context)
        except GeopyError as exc:  # timeouts included; the address itself is not logged
            log.warning("geocoder %s failed (%s); falling back", provider.name,
                        type(exc).__name__)
            continue
        if place is None:
            continue
        if district is not None and not district.covers(Point(place.lng, place.lat)):
            log.info("geocoder %s answered outside the district; rejected", provider.name)
            continue
        candidate = Candidate(place, provider.confidence, provider.name)
        return GeocodeResult("found", (candidate,), source=provider.name)
    return result
