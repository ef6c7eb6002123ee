"""Query parameters to the value objects the domain trusts, raising InvalidParameter with
the field (the page layer parses through here too)."""
from __future__ import annotations

from collections.abc import Mapping

from gis.address import AddressQuery
from gis.district import DistrictProfile
from gis.point import WGS84Point
from zones.errors import N_, InvalidParameter
from zones.inputs import parse_address, parse_crs, parse_point
from zones.model import LEVELS


def levels(params: Mapping[str, str]) -> tuple[str, ...]:
    level = params.get("level")
    if level is None or level == "":
        return LEVELS
    if level not in LEVELS:
        raise InvalidParameter(N_("level 只能是 primary（小学）或 middle（初中）。"),
                               field="level")
    return (level,)


def chosen_place(params: Mapping[str, str]) -> str | None:
    """`place`: the id of a candidate the family chose (it resolves exactly)."""
    value = params.get("place")
    if value is None:
        return None
    return parse_address(value, field="place").text


def point_or_address(params: Mapping[str, str], profile: DistrictProfile
                     ) -> WGS84Point | AddressQuery:
    """Exactly one of: an address, or both lat and lng (in `crs`, WGS84 by default)."""
    address = params.get("address")
    has_point = "lat" in params or "lng" in params
    if address is not None and has_point:
        raise InvalidParameter(N_("请只提供地址，或只提供经纬度，不要同时提供。"),
                               field="address")
    source_crs = parse_crs(params.get("crs"))
    if address is not None:
        return parse_address(address)
    lat, lng = params.get("lat"), params.get("lng")
    if lat is None:
        raise InvalidParameter(N_("缺少 lat（纬度）。请提供 lat 和 lng，或提供 address。"),
                               field="lat")
    if lng is None:
        raise InvalidParameter(N_("缺少 lng（经度）。"), field="lng")
    return parse_point(lat, lng, profile, source_crs)


def search_text(params: Mapping[str, str]) -> AddressQuery:
    return parse_address(params.get("q") or "", field="q")


def zones_only(params: Mapping[str, str]) -> bool:
    """`fields=zones`: the lean answer; `fields=all` or none: the whole answer."""
    chosen = params.get("fields")
    if chosen is None or chosen in ("", "all"):
        return False
    if chosen != "zones":
        raise InvalidParameter(N_("fields 只能是 all（完整答复）或 zones（只含学区）。"),
                               field="fields")
    return True
