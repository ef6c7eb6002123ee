"""The district a dataset describes: its names, divisions, prefixes and metric CRS, as data.

Nothing about one particular district lives in code: `district.json` in the dataset
(docs/DATA.md) is read into a `DistrictProfile`, which the snapshot carries and hands to the
address grammar, the spatial index and the answer texts.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from gis import crs

PROFILE_FILE = "district.json"
_DIVISION_SUFFIXES = ("自治区", "省", "市", "区", "县", "旗")


class ProfileError(ValueError):
    """district.json is missing a field or has a wrong one."""


def short_name(name: str) -> str:
    """河北省 -> 河北, 石家庄市 -> 石家庄, 朝阳区 -> 朝阳: the name without its suffix."""
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[:-len(suffix)]
    return name


@dataclass(frozen=True)
class DistrictProfile:
    code: str                        # the 6-digit administrative code (adcode)
    name: str                        # as written in addresses, with its suffix (…区)
    name_en: str                     # for calendar and API metadata
    domain: str                      # dotted, for identifiers (calendar UIDs)
    city: str                        # the parent city (…市)
    province: str                    # the parent province (…省)
    subdistricts: tuple[str, ...]    # 街道/镇/乡, as written in addresses
    neighbours: tuple[str, ...]      # other divisions of the city: "another district" answers
    metric_crs: str                  # where metres are measured (15 m boundary rule)
    bbox: tuple[float, float, float, float]  # lng/lat of the outline, west south east north
    reference_point: tuple[float, float]     # a typical lng/lat, quoted in messages
    phone_formats: tuple[str, ...] = ()      # examples of local landline numbers

    @property
    def short_name(self) -> str:
        return short_name(self.name)

    @property
    def city_short(self) -> str:
        return short_name(self.city)

    @property
    def province_short(self) -> str:
        return short_name(self.province)

    @property
    def full_name(self) -> str:
        return f"{self.province}{self.city}{self.name}"

    def display_name(self, lang: str) -> str:
        """The district's name in a sentence of `lang` (zh, or the English name)."""
        return self.name if lang == "zh" else self.name_en

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, record: dict) -> DistrictProfile:
        """Raises ProfileError naming the field that is missing or wrong."""
        profile = cls(
            code=_field(record, "code", str), name=_field(record, "name", str),
            name_en=_field(record, "name_en", str), domain=_field(record, "domain", str),
            city=_field(record, "city", str), province=_field(record, "province", str),
            subdistricts=_field(record, "subdistricts", _names),
            neighbours=_field(record, "neighbours", _names, ()),
            metric_crs=_field(record, "metric_crs", crs.canonical_crs),
            bbox=_field(record, "bbox", _numbers),
            reference_point=_field(record, "reference_point", _numbers),
            phone_formats=_field(record, "phone_formats", _names, ()))
        if len(profile.bbox) != 4 or len(profile.reference_point) != 2:
            raise ProfileError("district profile: bbox needs 4 numbers, reference_point 2")
        if profile.metric_crs not in crs.PYPROJ_CRS or profile.metric_crs in crs.LNG_LAT_CRS:
            raise ProfileError(f"district profile: metric_crs {profile.metric_crs} is not a "
                               "metric CRS")
        return profile


_MISSING = object()


def _list(value) -> tuple:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError("a list is needed")
    return tuple(value)


def _numbers(value) -> tuple[float, ...]:
    return tuple(float(v) for v in _list(value))


def _names(value) -> tuple[str, ...]:
    return tuple(str(v) for v in _list(value))


def _field(record: dict, key: str, convert, default=_MISSING):
    if key not in record:
        if default is _MISSING:
            raise ProfileError(f"district profile: {key} is missing")
        return default
    try:
        return convert(record[key])
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"district profile: {key}: {exc}") from None


def read_profile(directory: Path) -> DistrictProfile:
    path = Path(directory) / PROFILE_FILE
    return DistrictProfile.from_dict(json.loads(path.read_text(encoding="utf-8")))
