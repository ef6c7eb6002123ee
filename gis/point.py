"""A checked place on Earth in WGS84: what every lookup takes, built once at the edge."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WGS84Point:
    """Finite, |lat| <= 90, |lng| <= 180, already converted from the caller's CRS.

    Built by `zones.inputs.parse_point` (or from trusted data such as the gazetteer);
    the code below trusts it and checks nothing again."""

    lat: float
    lng: float
