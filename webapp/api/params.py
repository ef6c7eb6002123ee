"""Parsing query parameters into typed values, raising InvalidParameter with the field."""
from __future__ import annotations

import math
from collections.abc import Mapping

from zones.errors import N_, InvalidParameter
from zones.model import LEVELS

INPUT_CRSES = ("wgs84", "gcj02", "bd09")


def optional_float(params: Mapping[str, str], name: str) -> float | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        raise InvalidParameter(N_("%(name)s 必须是数字。"), field=name, name=name) from None
    if not math.isfinite(value):
        raise InvalidParameter(N_("%(name)s 必须是有限的数字。"), field=name, name=name)
    return value


def levels(params: Mapping[str, str]) -> tuple[str, ...]:
    level = params.get("level")
    if level is None or level == "":
        return LEVELS
    if level not in LEVELS:
        raise InvalidParameter(N_("level 只能是 primary（小学）或 middle（初中）。"),
                               field="level")
    return (level,)


def input_crs(params: Mapping[str, str]) -> str:
    value = (params.get("crs") or "wgs84").strip().lower()
    if value not in INPUT_CRSES:
        raise InvalidParameter(N_("crs 只能是 wgs84、gcj02 或 bd09。"), field="crs")
    return value


def point_or_address(params: Mapping[str, str]) -> tuple[float, float] | str:
    """Exactly one of: an address, or both lat and lng."""
    address = params.get("address")
    has_point = "lat" in params or "lng" in params
    if address is not None and has_point:
        raise InvalidParameter(N_("请只提供地址，或只提供经纬度，不要同时提供。"),
                               field="address")
    if address is not None:
        return address
    lat, lng = optional_float(params, "lat"), optional_float(params, "lng")
    if lat is None:
        raise InvalidParameter(N_("缺少 lat（纬度）。请提供 lat 和 lng，或提供 address。"),
                               field="lat")
    if lng is None:
        raise InvalidParameter(N_("缺少 lng（经度）。"), field="lng")
    return lat, lng
