"""The grid fast path must give exactly the answers of the polygon path (zones/grid.py)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from admissions.dataset import SAMPLE_DIR
from gis.geojson import read_features
from zones.index import ZoneIndex
from zones.intake import read_zone_file
from zones.model import ZoneSet
from tests.sample_district import METRIC
from gis.point import WGS84Point


@pytest.fixture(scope="module")
def indexes():
    zones = [z for level in ("primary", "middle")
             for z in read_zone_file(SAMPLE_DIR / f"zones_{level}.geojson")]
    (_, district), = read_features(SAMPLE_DIR / "district.geojson")
    zone_set = ZoneSet("sample", "published", None, zones=zones)
    with_grid = ZoneIndex(zone_set, district)
    polygons_only = ZoneIndex(zone_set, district, cell_size_m=1e7)  # no cell is interior
    assert (polygons_only.levels["primary"].interior < 0).all()
    assert (with_grid.levels["primary"].interior >= 0).mean() > 0.3
    return with_grid, polygons_only


def summary(result):
    return result.status, {level: (r.status, [m.zone.zone_id for m in r.matches])
                           for level, r in result.levels.items()}


@settings(max_examples=400, deadline=None)
@given(lng=st.floats(125.34, 125.83), lat=st.floats(43.75, 43.97))
def test_grid_and_polygons_agree_on_any_point(indexes, lng, lat):
    with_grid, polygons_only = indexes
    point = WGS84Point(lat, lng)
    assert summary(with_grid.lookup(point)) == summary(polygons_only.lookup(point))


def test_batch_agrees_with_single_lookups_on_the_sample(indexes):
    with_grid, _ = indexes
    rng = np.random.default_rng(11)
    lng = 125.34 + rng.random(3000) * 0.49
    lat = 43.75 + rng.random(3000) * 0.22
    for level in ("primary", "middle"):
        ids, boundary = with_grid.assign_points(lng, lat, level)
        for i in range(len(lng)):
            single = with_grid.lookup(WGS84Point(float(lat[i]), float(lng[i])), levels=(level,))
            result = single.levels[level]
            expected = result.matches[0].zone.zone_id if result.status == "assigned" else None
            assert ids[i] == expected
            assert boundary[i] == (result.status == "boundary")


@settings(max_examples=300, deadline=None)
@given(lng=st.floats(125.34, 125.83), lat=st.floats(43.75, 43.97))
def test_sample_points_get_one_status_and_interior_points_their_covering_zone(indexes, lng,
                                                                             lat):
    import shapely

    from gis import crs
    index, _ = indexes
    result = index.lookup(WGS84Point(lat, lng))
    statuses = {r.status for r in result.levels.values()}
    point = shapely.Point(*crs.to_metric(lng, lat, METRIC))
    inside = index.district.covers(point)
    assert (result.status == "outside_district") == (not inside)
    if not inside:
        return
    assert statuses <= {"assigned", "boundary", "unzoned"}
    for level, level_index in index.levels.items():
        covering = [i for i, g in enumerate(level_index.geoms) if g.covers(point)]
        assert len(covering) <= 1  # the sample zones do not overlap
        if covering and level_index.geoms[covering[0]].boundary.distance(point) > 15.01:
            zone = level_index.zones[covering[0]]
            level_result = result.levels[level]
            assert level_result.status == "assigned"
            assert [m.zone.zone_id for m in level_result.matches] == [zone.zone_id]


def test_an_index_built_from_the_previous_one_equals_a_fresh_one(indexes):
    """A publish reuses the previous index's grid cells for zones whose geometry did not
    change; the zones that moved (and one removed) are classified afresh."""
    import dataclasses

    import shapely
    with_grid, _ = indexes
    zones = list(with_grid.zone_set.zones)
    moved = {zones[0].zone_id, zones[5].zone_id}
    changed = [dataclasses.replace(z, geometry=shapely.affinity.translate(z.geometry, 0.002))
               if z.zone_id in moved else z for z in zones[:-1]]
    new_set = ZoneSet("next", "published", None, zones=changed)
    (_, district), = read_features(SAMPLE_DIR / "district.geojson")
    reused = ZoneIndex(new_set, district, previous=with_grid)
    fresh = ZoneIndex(new_set, district)
    assert reused.exterior is with_grid.exterior
    for level in ("primary", "middle"):
        assert np.array_equal(reused.levels[level].interior, fresh.levels[level].interior)
        assert len(reused.levels[level].cells_by_geometry) == \
            len([z for z in changed if z.level == level])
    rng = np.random.default_rng(5)
    for lng, lat in zip(125.34 + rng.random(300) * 0.49, 43.75 + rng.random(300) * 0.22,
                        strict=True):
        point = WGS84Point(float(lat), float(lng))
        assert summary(reused.lookup(point)) == summary(fresh.lookup(point))
