"""Point lookup semantics (docs/ZONES.md) on a hand-made zone set with known geometry."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import X0, Y0, to_lnglat
from zones.errors import InvalidParameter, SwappedCoordinates
from zones.index import STATUS_ORDER, overall_status
from zones.model import AddressFacts
from tests.sample_district import METRIC, SAMPLE_PROFILE
from zones.inputs import parse_point
from gis.point import WGS84Point


def lookup_xy(index, x, y, **kwargs):
    lng, lat = to_lnglat(x, y)
    return index.lookup(WGS84Point(lat, lng), **kwargs)


def zone_ids(result, level="primary"):
    return [m.zone.zone_id for m in result.levels[level].matches]


def test_interior_point_is_assigned_to_the_zone_that_covers_it(tiny_index):
    result = lookup_xy(tiny_index, X0 + 300, Y0 + 500)
    assert result.status == "assigned"
    assert zone_ids(result) == ["W"]
    assert zone_ids(result, "middle") == ["M"]


def test_lottery_zone_lists_all_its_schools(tiny_index):
    result = lookup_xy(tiny_index, X0 + 1700, Y0 + 500)
    (match,) = result.levels["primary"].matches
    assert match.zone.allocation == "lottery"
    assert match.zone.school_codes == ("S2", "S3")


@pytest.mark.parametrize("offset", [0.0, 5.0, 14.9])
def test_within_15_m_of_a_shared_boundary_is_boundary_with_both_zones(tiny_index, offset):
    result = lookup_xy(tiny_index, X0 + 1000 - offset, Y0 + 500)
    assert result.status == "boundary"
    assert sorted(zone_ids(result)) == ["E", "W"]
    if offset:  # the covering zone is listed first
        assert result.levels["primary"].matches[0].zone.zone_id == "W"


def test_just_over_15_m_from_the_boundary_is_assigned(tiny_index):
    result = lookup_xy(tiny_index, X0 + 1000 - 15.5, Y0 + 500)
    assert result.status == "assigned"
    assert zone_ids(result) == ["W"]


def test_exact_outer_vertices_and_edges_are_covered(tiny_index):
    west = tiny_index.levels["primary"].zones[0].geometry
    corners = list(west.exterior.coords)[:-1]
    outer = [c for c in corners if abs(to_x(c) - (X0 + 1000)) > 1]  # not on the shared line
    assert len(outer) == 2
    for lng, lat in outer:
        result = tiny_index.lookup(WGS84Point(lat, lng))
        assert result.levels["primary"].status == "assigned", (lng, lat)
        assert zone_ids(result) == ["W"]
    (lng0, lat0), (lng1, lat1) = outer
    mid = tiny_index.lookup(WGS84Point((lat0 + lat1) / 2, (lng0 + lng1) / 2))
    assert zone_ids(mid) == ["W"]


def test_shared_vertex_is_boundary_not_a_silent_choice(tiny_index):
    west = tiny_index.levels["primary"].zones[0].geometry
    shared = [c for c in list(west.exterior.coords)[:-1] if abs(to_x(c) - (X0 + 1000)) < 1]
    for lng, lat in shared:
        assert tiny_index.lookup(WGS84Point(lat, lng)).levels["primary"].status == "boundary"


def to_x(coord):
    from gis import crs
    return float(crs.to_metric(*coord, METRIC)[0])


def test_outside_the_district(tiny_index):
    result = lookup_xy(tiny_index, X0 - 500, Y0 + 500)
    assert result.status == "outside_district"
    assert all(r.status == "outside_district" for r in result.levels.values())


def test_swapped_lat_lng_is_rejected_with_a_hint():
    # Parsed once, at the edge: the sample district's bounding box tells the order.
    with pytest.raises(SwappedCoordinates) as err:
        parse_point(lat=125.5, lng=43.87, profile=SAMPLE_PROFILE)
    assert err.value.field == "lat"
    assert err.value.params == {"lat": 43.9, "lng": 125.4}  # the profile's reference point
    assert parse_point(43.87, 125.5, SAMPLE_PROFILE) == WGS84Point(43.87, 125.5)


@pytest.mark.parametrize("lat,lng,field", [
    (float("nan"), 125.4, "lat"), (43.9, float("inf"), "lng"), (91.0, 125.4, "lat"),
    (43.9, -180.5, "lng"), ("x", 125.4, "lat"), (43.9, "", "lng")])
def test_impossible_coordinates_are_rejected(lat, lng, field):
    with pytest.raises(InvalidParameter) as err:
        parse_point(lat, lng, SAMPLE_PROFILE)
    assert err.value.field == field


def test_the_parser_converts_the_source_crs_once():
    from gis import crs
    gcj = crs.from_wgs84(125.5, 43.87, "gcj02")
    point = parse_point(str(gcj[1]), str(gcj[0]), SAMPLE_PROFILE, "gcj02")
    assert (point.lng, point.lat) == pytest.approx((125.5, 43.87), abs=1e-8)


def test_street_rule_decides_against_the_geometry(tiny_index):
    # A point in the east zone, but 界街 odd numbers 1-99 belong to the west zone by rule.
    facts = AddressFacts(street="界街", number=51)
    result = lookup_xy(tiny_index, X0 + 1500, Y0 + 500, facts=facts)
    assert zone_ids(result) == ["W"]
    assert result.levels["primary"].matches[0].matched_by == "rule"
    even = lookup_xy(tiny_index, X0 + 1500, Y0 + 500, facts=AddressFacts("界街", 52))
    assert zone_ids(even) == ["E"]
    beyond = lookup_xy(tiny_index, X0 + 1500, Y0 + 500, facts=AddressFacts("界街", 101))
    assert zone_ids(beyond) == ["E"]


def test_excluded_xiaoqu_is_not_assigned_to_the_excluding_zone(tiny_index):
    result = lookup_xy(tiny_index, X0 + 1500, Y0 + 500, facts=AddressFacts(xiaoqu="东园"))
    assert result.levels["primary"].status == "unzoned"
    assert zone_ids(result, "middle") == ["M"]


def test_overall_status_is_the_most_cautious():
    assert overall_status(["assigned", "unzoned"]) == "unzoned"
    assert overall_status(["unzoned", "boundary"]) == "boundary"
    assert overall_status(["boundary", "outside_district"]) == "outside_district"
    assert STATUS_ORDER[-1] == "assigned"


metres = st.floats(min_value=0.0, max_value=2000.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(x=metres, y=st.floats(min_value=0.0, max_value=1000.0))
def test_every_point_in_the_district_gets_exactly_one_consistent_status(tiny_index, x, y):
    result = lookup_xy(tiny_index, X0 + x, Y0 + y)
    primary = result.levels["primary"]
    assert primary.status in ("assigned", "boundary")
    near_line = abs(x - 1000) < 15
    if primary.status == "assigned":
        assert not near_line or abs(abs(x - 1000) - 15) < 0.01
        expected = "W" if x < 1000 else "E"
        assert zone_ids(result) == [expected]
    else:
        assert abs(x - 1000) <= 15.01
        assert sorted(zone_ids(result)) == ["E", "W"]


def test_batch_assignment_agrees_with_single_lookups(tiny_index):
    rng = np.random.default_rng(7)
    xs = X0 - 200 + rng.random(2000) * 2400
    ys = Y0 - 100 + rng.random(2000) * 1200
    from gis import crs
    lng, lat = crs.from_metric(xs, ys, METRIC)
    ids, boundary = tiny_index.assign_points(lng, lat, "primary")
    for i in range(0, 2000, 7):
        single = tiny_index.lookup(WGS84Point(float(lat[i]), float(lng[i])), levels=("primary",))
        status = single.levels["primary"].status
        if status == "assigned":
            assert ids[i] == single.levels["primary"].matches[0].zone.zone_id
        else:
            assert ids[i] is None
            assert boundary[i] == (status == "boundary")
