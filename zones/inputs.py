"""Raw input to the value objects the domain trusts: a lookup point and an address text.

Every interface (API, pages, hotline console, CLI) parses here, once; each refusal is an
InvalidParameter naming the field, in the user's language through `N_`.
"""
from __future__ import annotations

import math
import re
import unicodedata

from gis import crs
from gis.address import MAX_LENGTH, AddressQuery
from gis.district import DistrictProfile
from gis.point import WGS84Point
from zones.errors import N_, InvalidParameter, SwappedCoordinates

INPUT_CRSES = ("wgs84", "gcj02", "bd09")
PASTED_WHITESPACE = "\t\n\r"  # from a spreadsheet cell or a chat message: spacing, not junk


# Full-width digits, point and signs (a Chinese input method's) read as ASCII; nothing else
# is converted: float() alone would also take 4_3.879 and other scripts' digits (٤٣).
FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)},
                            "．": ".", "－": "-", "＋": "+", "ｅ": "e", "Ｅ": "E"})
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def parse_number(raw: str | float, name: str) -> float:
    """A finite number from a parameter's text (or a number already): ASCII digits, or
    full-width ones; underscores and other scripts' digits are refused, naming the field."""
    if isinstance(raw, str):
        text = raw.strip().translate(FULL_WIDTH)
        if not PLAIN_NUMBER.fullmatch(text):
            raise InvalidParameter(N_("%(name)s 必须是数字（只能用 0–9、小数点和正负号）。"),
                                   field=name, name=name)
        raw = text
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InvalidParameter(N_("%(name)s 必须是数字。"), field=name, name=name) from None
    if not math.isfinite(value):
        raise InvalidParameter(N_("%(name)s 必须是有限的数字。"), field=name, name=name)
    return value


def _inside(bbox: tuple[float, float, float, float], lng: float, lat: float) -> bool:
    west, south, east, north = bbox
    return west <= lng <= east and south <= lat <= north


def parse_point(lat: str | float, lng: str | float, profile: DistrictProfile,
                source_crs: str = "wgs84") -> WGS84Point:
    """The checked WGS84 point, converted from `source_crs` (wgs84, gcj02 or bd09).

    Coordinates given the wrong way round (the district's bounding box holds the swapped
    pair, not the given one) are refused as SwappedCoordinates: a client error worth naming."""
    lat, lng = parse_number(lat, "lat"), parse_number(lng, "lng")
    if not _inside(profile.bbox, lng, lat) and _inside(profile.bbox, lat, lng):
        ref_lng, ref_lat = profile.reference_point
        raise SwappedCoordinates(
            N_("这个点不在本区，但把经纬度对调后在本区内：lat 是纬度（约 %(lat)s），"
               "lng 是经度（约 %(lng)s）。"), field="lat", hint="swap lat and lng",
            lat=ref_lat, lng=ref_lng)
    for name, value, limit in (("lat", lat, 90.0), ("lng", lng, 180.0)):
        if abs(value) > limit:
            raise InvalidParameter(N_("%(name)s 超出范围（应在 ±%(limit)s 之间）。"),
                                   field=name, name=name, limit=int(limit))
    if source_crs != "wgs84":
        lng, lat = crs.to_wgs84(lng, lat, source_crs)
    return WGS84Point(lat=float(lat), lng=float(lng))


def parse_crs(raw: str | None) -> str:
    value = (raw or "wgs84").strip().lower()
    if value not in INPUT_CRSES:
        raise InvalidParameter(N_("crs 只能是 wgs84、gcj02 或 bd09。"), field="crs")
    return value


def parse_address(raw: str, field: str = "address") -> AddressQuery:
    """The text stripped, or InvalidParameter: empty, too long, or with control characters
    (pasted terminal output or binary junk, never part of an address)."""
    text = raw.strip()
    if not text:
        raise InvalidParameter(N_("请输入地址或小区名称。"), field=field)
    if len(text) > MAX_LENGTH:
        raise InvalidParameter(N_("地址太长了（最多 %(max)s 个字）。"), field=field,
                               max=MAX_LENGTH)
    if any(unicodedata.category(c) == "Cc" and c not in PASTED_WHITESPACE for c in text):
        raise InvalidParameter(N_("地址中含有无法识别的控制字符，请只输入地址或小区名称。"),
                               field=field)
    return AddressQuery(text)
