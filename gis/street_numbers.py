"""House numbers along each street, and interpolation for a number the gazetteer lacks.

Chinese streets put odd numbers on one side and even on the other, so a missing number is
placed between its nearest neighbours *of the same parity*: the two houses on its side of
the street. Interpolating between an odd and an even neighbour would put it in the road.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, replace

from gis.gazetteer import Place

# Numbers follow frontage, so a gap (a park, a factory wall) still interpolates well; but
# past this one a straight line between the neighbours may cut a bend of the street.
MAX_GAP = 160
# Past either end of the known numbers, only this far is still "the same block".
MAX_BEYOND_END = 4
BEYOND_END_FACTOR = 0.8  # a number just past either end: its nearest house, unsure


@dataclass(frozen=True, slots=True)
class NumberMatch:
    place: Place
    exact: bool
    factor: float  # how much the interpolation can be trusted, 0..1


class StreetNumbers:
    def __init__(self, places: Iterable[Place]):
        sides: dict[tuple[str, int], dict[int, Place]] = {}
        for place in places:
            if place.kind == "house" and place.street and place.number is not None:
                sides.setdefault((place.street, place.number % 2), {}).setdefault(
                    place.number, place)
        self._numbers = {k: sorted(v) for k, v in sides.items()}
        self._places = sides

    def houses(self, street: str) -> list[Place]:
        """The street's known houses, by number."""
        both = [*self._places.get((street, 0), {}).values(),
                *self._places.get((street, 1), {}).values()]
        return sorted(both, key=lambda p: p.number)

    def streets(self) -> set[str]:
        return {street for street, _ in self._numbers}

    def locate(self, street: str, number: int) -> NumberMatch | None:
        side = (street, number % 2)
        places = self._places.get(side)
        if not places:
            return None
        if number in places:
            return NumberMatch(places[number], True, 1.0)
        numbers = self._numbers[side]
        i = bisect.bisect_left(numbers, number)
        lower = numbers[i - 1] if i > 0 else None
        upper = numbers[i] if i < len(numbers) else None
        if lower is not None and upper is not None:
            gap = upper - lower
            if gap > MAX_GAP:
                return None
            t = (number - lower) / gap
            a, b = places[lower], places[upper]
            near = a if t <= 0.5 else b
            point = (a.lng + t * (b.lng - a.lng), a.lat + t * (b.lat - a.lat))
            return NumberMatch(_synthetic(near, street, number, point), False,
                               0.92 - 0.0005 * gap)
        nearest = lower if upper is None else upper
        if abs(number - nearest) > MAX_BEYOND_END:
            return None
        near = places[nearest]
        return NumberMatch(_synthetic(near, street, number, (near.lng, near.lat)), False,
                           BEYOND_END_FACTOR)


def _synthetic(near: Place, street: str, number: int, point: tuple[float, float]) -> Place:
    return replace(near, address=f"{street}{number}号", lng=round(point[0], 6),
                   lat=round(point[1], 6), kind="interpolated", number=number, aliases=())
