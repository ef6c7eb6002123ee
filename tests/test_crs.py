import json
import math
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, shape

from gis import crs
from tests.conftest import need
from tests.sample_district import METRIC

# Erdao district bbox (WGS84), slightly larger than the derived boundary.
LNG_MIN, LNG_MAX, LAT_MIN, LAT_MAX = 125.345, 125.820, 43.755, 43.962
RAW = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "raw"
GCJ_FILE = RAW / "changchun_erdao_220105_district_boundary_datav_v3_gcj02.geojson"
WGS_FILE = RAW / "changchun_erdao_220105_district_boundary_wgs84_derived.geojson"

district_lng = st.floats(LNG_MIN, LNG_MAX)
district_lat = st.floats(LAT_MIN, LAT_MAX)


def grid():
    lng, lat = np.meshgrid(np.linspace(LNG_MIN, LNG_MAX, 25), np.linspace(LAT_MIN, LAT_MAX, 15))
    return lng, lat


# ---- GCJ-02 / BD-09 ---------------------------------------------------------------------

def test_gcj02_published_vector():
    # coordtransform / eviltransform test vector (Tiananmen): they print 116.40364, 39.91010.
    lng, lat = crs.wgs84_to_gcj02(116.3974, 39.9087)
    assert lng == pytest.approx(116.40364, abs=1e-5)
    assert lat == pytest.approx(39.91010, abs=1e-5)


def test_gcj02_offset_in_changchun_is_about_500m_east_300m_north():
    lng, lat = grid()
    glng, glat = crs.wgs84_to_gcj02(lng, lat)
    east = crs.distance_m(lng, lat, glng, lat) * np.sign(glng - lng)
    north = crs.distance_m(lng, lat, lng, glat) * np.sign(glat - lat)
    assert np.all((east > 400) & (east < 700))
    assert np.all((north > 150) & (north < 400))


@pytest.mark.parametrize("lng, lat", [(2.3522, 48.8566), (-74.006, 40.7128), (139.69, 35.68),
                                      (125.5, 55.0)])
def test_outside_china_the_gcj02_offset_is_zero(lng, lat):
    assert crs.out_of_china(lng, lat)
    assert crs.wgs84_to_gcj02(lng, lat) == (lng, lat)
    assert crs.gcj02_to_wgs84(lng, lat) == (lng, lat)
    assert crs.to_wgs84(lng, lat, "gcj02") == (lng, lat)


def test_erdao_is_inside_china():
    assert not crs.out_of_china(125.5, 43.87)


def test_gcj02_round_trip_on_district_grid_is_below_half_a_metre():
    lng, lat = grid()
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lng, lat))
    assert back[0].shape == lng.shape
    assert np.max(crs.distance_m(lng, lat, *back)) < 0.5
    # The fixed-point inverse converges far beyond the requirement.
    assert np.max(np.abs(back[0] - lng)) < 1e-8 and np.max(np.abs(back[1] - lat)) < 1e-8


def test_bd09_round_trip_on_district_grid_is_below_half_a_metre():
    lng, lat = grid()
    bd = crs.wgs84_to_bd09(lng, lat)
    assert crs.distance_m(lng, lat, *bd).min() > 500  # BD-09 is yet further off
    back = crs.bd09_to_wgs84(*bd)
    assert np.max(crs.distance_m(lng, lat, *back)) < 0.5
    gcj = crs.wgs84_to_gcj02(lng, lat)
    gcj_back = crs.bd09_to_gcj02(*crs.gcj02_to_bd09(*gcj))
    assert np.max(crs.distance_m(*gcj, *gcj_back)) < 0.5


@settings(max_examples=300, deadline=None)
@given(district_lng, district_lat)
def test_round_trips_for_any_district_point(lng, lat):
    assert crs.distance_m(lng, lat, *crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lng, lat))) < 0.5
    assert crs.distance_m(lng, lat, *crs.bd09_to_wgs84(*crs.wgs84_to_bd09(lng, lat))) < 0.5
    # and in the other direction: a GCJ-02 input read back through WGS84
    assert crs.distance_m(lng, lat, *crs.wgs84_to_gcj02(*crs.gcj02_to_wgs84(lng, lat))) < 0.5


@settings(max_examples=100, deadline=None)
@given(st.floats(-180, 180), st.floats(-89, 89))
def test_inverse_never_fails_anywhere(lng, lat):
    for convert in (crs.gcj02_to_wgs84, crs.bd09_to_wgs84):
        x, y = convert(lng, lat)
        assert math.isfinite(x) and math.isfinite(y)


def test_scalars_give_floats_and_arrays_keep_their_shape():
    lng, lat = crs.wgs84_to_gcj02(125.5, 43.87)
    assert type(lng) is float and type(lat) is float
    arr_lng, arr_lat = grid()
    out = crs.gcj02_to_wgs84(arr_lng, arr_lat)
    assert out[0].shape == out[1].shape == arr_lng.shape
    flat = crs.wgs84_to_bd09([125.5, 125.6], [43.87, 43.88])
    assert isinstance(flat[0], np.ndarray) and flat[0].shape == (2,)
    assert flat[0][0] == crs.wgs84_to_bd09(125.5, 43.87)[0]
    empty = crs.gcj02_to_wgs84(np.array([]), np.array([]))
    assert empty[0].shape == (0,)


def test_nan_passes_through_without_stopping_the_rest():
    lng, _ = crs.gcj02_to_wgs84(np.array([np.nan, 125.5]), np.array([43.8, 43.8]))
    assert math.isnan(lng[0]) and math.isfinite(lng[1])


# ---- names ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("wgs84", crs.WGS84), ("WGS-84", crs.WGS84), ("EPSG:4326", crs.WGS84), ("epsg:4326", crs.WGS84),
    (4326, crs.WGS84), ("GCJ02", crs.GCJ02), ("gcj-02", crs.GCJ02), ("BD09", crs.BD09),
    ("bd-09", crs.BD09), ("EPSG:4490", crs.CGCS2000), ("epsg:4551", METRIC),
    (" EPSG:3857 ", crs.WEB_MERCATOR),
])
def test_canonical_names(name, expected):
    assert crs.canonical_crs(name) == expected


@pytest.mark.parametrize("name", ["", "EPSG:9999", "mars", "utm", "EPSG:4326x", None])
def test_unknown_crs_is_a_typed_value_error(name):
    with pytest.raises(crs.UnknownCRSError):
        crs.to_wgs84(125.5, 43.87, name)
    assert issubclass(crs.UnknownCRSError, ValueError)


def test_to_and_from_wgs84_dispatch_on_name():
    lng, lat = 125.5, 43.87
    assert crs.from_wgs84(lng, lat, "GCJ02") == crs.wgs84_to_gcj02(lng, lat)
    assert crs.from_wgs84(lng, lat, "bd09") == crs.wgs84_to_bd09(lng, lat)
    assert crs.to_wgs84(lng, lat, "EPSG:4326") == (lng, lat)
    assert crs.to_wgs84(*crs.from_wgs84(lng, lat, "bd09"), "BD-09") == pytest.approx((lng, lat))


def test_to_wgs84_refuses_projected_crs():
    with pytest.raises(crs.UnknownCRSError):
        crs.to_wgs84(500000.0, 4860000.0, "EPSG:4551")


# ---- pyproj -----------------------------------------------------------------------------

def test_transformer_is_cached_and_lng_lat_ordered():
    t = crs.transformer("EPSG:4326", "EPSG:4551")
    assert t is crs.transformer("wgs84", 4551)
    x, y = t.transform(126.0, 43.87)  # on the central meridian
    assert x == pytest.approx(500000.0, abs=1e-6)
    assert 4_800_000 < y < 4_900_000


def test_metric_round_trip_below_a_millimetre():
    lng, lat = grid()
    x, y = crs.to_metric(lng, lat, METRIC)
    back = crs.from_metric(x, y, METRIC)
    assert np.max(crs.distance_m(lng, lat, *back)) < 0.001


def test_metric_distances_match_geodesic_distances():
    x, y = crs.to_metric([125.40, 125.75], [43.80, 43.93], METRIC)
    metric = math.hypot(x[1] - x[0], y[1] - y[0])
    geodesic = crs.distance_m(125.40, 43.80, 125.75, 43.93)
    assert abs(metric - geodesic) / geodesic < 1e-4  # GK scale error near CM 126E


def test_epsg_4530_is_4551_with_zone_42_prefix():
    # pyproj: "CGCS2000 / 3-degree Gauss-Kruger zone 42", CM 126E, false easting 42,500,000.
    x, y = crs.to_metric(125.5, 43.87, METRIC)
    x42, y42 = crs.transform_coords(125.5, 43.87, crs.WGS84, "EPSG:4530")
    assert x42 - x == pytest.approx(42_000_000.0, abs=1e-3)
    assert y42 == pytest.approx(y, abs=1e-3)


def test_cgcs2000_equals_wgs84_at_this_accuracy():
    lng, lat = crs.transform_coords(125.5, 43.87, "EPSG:4490", crs.WGS84)
    assert crs.distance_m(125.5, 43.87, lng, lat) < 0.01
    assert crs.to_wgs84(125.5, 43.87, "EPSG:4490") == (125.5, 43.87)


def test_web_mercator_round_trip():
    x, y = crs.transform_coords(125.5, 43.87, "wgs84", "EPSG:3857")
    assert x == pytest.approx(125.5 * 20037508.342789244 / 180)
    assert crs.transform_coords(x, y, 3857, 4326) == pytest.approx((125.5, 43.87))


def test_transform_coords_chains_gcj02_into_projected():
    gcj = crs.wgs84_to_gcj02(125.5, 43.87)
    assert crs.transform_coords(*gcj, "gcj02", METRIC) == pytest.approx(
        crs.to_metric(125.5, 43.87, METRIC), abs=1e-3)
    x, y = crs.to_metric(125.5, 43.87, METRIC)
    assert crs.transform_coords(x, y, METRIC, "gcj02") == pytest.approx(gcj, abs=1e-9)


def test_distance_m():
    assert crs.distance_m(125.5, 43.87, 125.5, 43.87) == 0.0
    one_km_north = crs.distance_m(125.5, 43.87, 125.5, 43.87 + 0.009)
    assert 995 < one_km_north < 1005
    d = crs.distance_m([125.5, 125.6], [43.87, 43.88], 125.7, 43.9)
    assert d.shape == (2,) and d[0] > d[1]


# ---- geometries -------------------------------------------------------------------------

def test_transform_geometry_gcj02_polygon_and_back():
    wgs = Polygon([(125.5, 43.87), (125.51, 43.87), (125.51, 43.88), (125.5, 43.87)])
    gcj = crs.transform_geometry(wgs, crs.WGS84, "GCJ02")
    assert shapely.hausdorff_distance(gcj, wgs) > 0.005
    back = crs.transform_geometry(gcj, "gcj02", "wgs84")
    assert shapely.hausdorff_distance(back, wgs) < 1e-8
    assert crs.transform_geometry(wgs, "wgs84", "EPSG:4326") is wgs


def test_transform_geometry_keeps_z_and_accepts_arrays():
    p = crs.transform_geometry(Point(125.5, 43.87, 200.0), "wgs84", METRIC)
    assert p.has_z and p.z == 200.0
    arr = crs.transform_geometry(np.array([Point(125.5, 43.87), None]), "wgs84", "bd09")
    assert arr[1] is None and arr[0].x == pytest.approx(crs.wgs84_to_bd09(125.5, 43.87)[0])


def _reference(path: Path):
    need(path.exists(), f"reference data not available at {path} (expects ../shared beside "
         "the repo)")
    return json.loads(path.read_text(encoding="utf-8"))["features"][0]


def test_datav_gcj02_boundary_matches_the_derived_wgs84_file():
    gcj, wgs = _reference(GCJ_FILE), _reference(WGS_FILE)
    converted = crs.transform_geometry(shape(gcj["geometry"]), "GCJ02", crs.WGS84)
    expected = shape(wgs["geometry"])
    a = shapely.get_coordinates(converted)
    b = shapely.get_coordinates(expected)
    assert a.shape == b.shape
    # SOURCES.md: derived by the same iterative inverse (round-trip < 1e-7 deg) and rounded
    # to 7 decimals, so each vertex should agree to a few centimetres, far inside 1 m.
    assert np.max(crs.distance_m(a[:, 0], a[:, 1], b[:, 0], b[:, 1])) < 0.05
    for key in ("center", "centroid"):
        lng, lat = crs.to_wgs84(*gcj["properties"][key], "gcj02")
        assert crs.distance_m(lng, lat, *wgs["properties"][key]) < 0.05


@pytest.mark.parametrize("lng, code", [(125.4, "EPSG:4551"), (113.3, "EPSG:4547"),
                                       (87.6, "EPSG:4538"), (70.0, "EPSG:4534"),
                                       (140.0, "EPSG:4554")])
def test_the_3_degree_zone_of_a_longitude(lng, code):
    assert crs.gauss_kruger_3deg(lng) == code
    assert crs.canonical_crs(code[5:]) == code  # "4547" is accepted like "4551"
    meridian = next(p.value for p in pyproj.CRS(code).coordinate_operation.params
                    if p.name == "Longitude of natural origin")
    assert abs(meridian - min(max(lng, 75), 135)) <= 1.5
