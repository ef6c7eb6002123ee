"""The validation report: each kind of finding, blocking or warning, located on the map,
with areas in m² (EPSG:4551); and a time limit that stops absurd files."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Polygon

from admissions.dataset import SAMPLE_DIR
from gis import crs
from tests.conftest import metric_box
from zones.intake import read_zone_file
from zones.model import AddressRule
from zones.validation import SLIVER_M2, repair, validate
from tests.sample_district import METRIC


@pytest.fixture(scope="module")
def sample_zones_list():
    return [z for level in ("primary", "middle")
            for z in read_zone_file(SAMPLE_DIR / f"zones_{level}.geojson")]


def check(zones, snap, **kwargs):
    return validate(zones, snap.schools, snap.district, snap.gazetteer.places, **kwargs)


def codes(report, severity=None):
    return sorted(f.code for f in report.findings if severity in (None, f.severity))


def replace(zones, zone_id, **changes):
    return [dataclasses.replace(z, **changes) if z.zone_id == zone_id else z for z in zones]


def metric(geom):
    return crs.transform_geometry(geom, crs.WGS84, METRIC)


def test_the_sample_district_is_clean(sample_zones_list, sample_snapshot):
    report = check(sample_zones_list, sample_snapshot)
    assert report.ok and report.findings == [], codes(report)
    assert json.loads(json.dumps(report.to_dict()))["zones"] == len(sample_zones_list)


def test_self_intersection_is_located_and_repairable(sample_zones_list, sample_snapshot):
    x, y = crs.to_metric(125.40, 43.88, METRIC)
    bowtie = crs.transform_geometry(Polygon([(x, y), (x + 100, y + 100), (x + 100, y),
                                             (x, y + 100)]), METRIC, crs.WGS84)
    zones = replace(sample_zones_list, "P01", geometry=bowtie)
    report = check(zones, sample_snapshot)
    finding = next(f for f in report.findings if f.code == "invalid_geometry")
    assert finding.severity == "blocking" and finding.repairable and report.repairable
    spot_x, spot_y = crs.to_metric(finding.lng, finding.lat, METRIC)
    assert abs(spot_x - (x + 50)) < 0.5 and abs(spot_y - (y + 50)) < 0.5  # the crossing
    fixed = next(z for z in repair(zones) if z.zone_id == "P01")
    assert fixed.geometry.is_valid and fixed.geometry.geom_type in ("Polygon", "MultiPolygon")
    assert "invalid_geometry" not in codes(check(repair(zones), sample_snapshot))


def test_non_polygon(sample_zones_list, sample_snapshot):
    zones = replace(sample_zones_list, "P02", geometry=LineString([(125.4, 43.88),
                                                                    (125.41, 43.89)]))
    finding = next(f for f in check(zones, sample_snapshot).findings if f.code == "not_polygon")
    assert finding.severity == "blocking" and finding.zone_id == "P02"
    assert finding.lng == pytest.approx(125.405, abs=0.006)


def test_unknown_and_duplicate_codes(sample_zones_list, sample_snapshot):
    zones = replace(sample_zones_list, "P03", school_codes=("NOPE9",))
    zones = [dataclasses.replace(z, zone_id="P05") if z.zone_id == "P04" else z for z in zones]
    zones = replace(zones, "P06", school_codes=("EDP06", "EDP06"), allocation="lottery")
    zones = replace(zones, "M01", school_codes=("EDP01",))  # a primary school for a middle zone
    blocking = codes(check(zones, sample_snapshot), "blocking")
    for code in ("unknown_school", "duplicate_zone_id", "duplicate_school_code",
                 "school_level_mismatch"):
        assert code in blocking


def test_zone_outside_the_district(sample_zones_list, sample_snapshot):
    far = metric_box(600000, 4900000, 601000, 4901000)
    report = check(replace(sample_zones_list, "P07", geometry=far), sample_snapshot)
    finding = next(f for f in report.findings if f.code == "outside_district")
    assert finding.severity == "blocking" and finding.zone_id == "P07"


def _strip(zones, gain="P01", lose="P05", width=0.003):
    by_id = {z.zone_id: z for z in zones}
    return by_id[lose].geometry.intersection(by_id[gain].geometry.buffer(width))


def test_overlap_in_square_metres(sample_zones_list, sample_snapshot):
    strip = _strip(sample_zones_list)
    p01 = next(z for z in sample_zones_list if z.zone_id == "P01")
    zones = replace(sample_zones_list, "P01", geometry=p01.geometry.union(strip))
    finding = next(f for f in check(zones, sample_snapshot).findings if f.code == "overlap")
    assert finding.severity == "blocking" and finding.level == "primary"
    assert finding.area_m2 == pytest.approx(metric(strip).area, rel=0.01)
    assert metric(strip).covers(shapely.Point(crs.to_metric(finding.lng, finding.lat, METRIC)))


def test_gap_in_square_metres(sample_zones_list, sample_snapshot):
    strip = _strip(sample_zones_list)
    p05 = next(z for z in sample_zones_list if z.zone_id == "P05")
    zones = replace(sample_zones_list, "P05", geometry=p05.geometry.difference(strip))
    report = check(zones, sample_snapshot)
    gap = next(f for f in report.findings if f.code == "gap")
    assert gap.severity == "warning"
    assert gap.area_m2 == pytest.approx(metric(strip).area, rel=0.01)


def test_slivers_under_50_square_metres(sample_zones_list, sample_snapshot):
    p01 = next(z for z in sample_zones_list if z.zone_id == "P01")
    corner = shapely.Point(metric(p01.geometry).exterior.coords[0])
    tiny = crs.transform_geometry(corner.buffer(3), METRIC, crs.WGS84)  # ~28 m²
    zones = replace(sample_zones_list, "P01", geometry=p01.geometry.union(tiny))
    report = check(zones, sample_snapshot)
    slivers = [f for f in report.findings if f.area_m2 is not None and f.area_m2 < SLIVER_M2
               and f.code in ("overlap", "sliver", "partly_outside_district")]
    assert slivers and all(f.severity == "warning" for f in slivers)
    assert not [f for f in report.blocking if f.code == "overlap"]


def test_missing_description(sample_zones_list, sample_snapshot):
    report = check(replace(sample_zones_list, "P08", description="  "), sample_snapshot)
    finding = next(f for f in report.findings if f.code == "missing_description")
    assert finding.severity == "blocking" and finding.zone_id == "P08"


def test_address_rules_that_contradict_the_geometry(sample_zones_list, sample_snapshot):
    places = sample_snapshot.gazetteer.places
    street = next(p.street for p in places if p.street and p.number)
    top = max(p.number for p in places if p.street == street and p.number)
    far_place = max((p for p in places if p.street and p.number),
                    key=lambda p: shapely.distance(shapely.Point(p.lng, p.lat),
                                                   sample_zones_list[0].geometry))
    rules = (AddressRule(street=street, number_from=top + 1000, number_to=top + 2000),
             AddressRule(street=far_place.street, number_from=far_place.number,
                         number_to=far_place.number))
    zones = replace(sample_zones_list, sample_zones_list[0].zone_id, address_rules=rules)
    found = codes(check(zones, sample_snapshot), "warning")
    assert "rule_matches_nothing" in found and "rule_contradicts_geometry" in found


def test_a_million_vertices_stops_at_the_time_limit(sample_zones_list, sample_snapshot):
    p01 = next(z for z in sample_zones_list if z.zone_id == "P01")
    centre = metric(p01.geometry).centroid
    angles = np.linspace(0, 2 * np.pi, 1_000_001)[:-1]
    ring = np.column_stack([centre.x + 400 * np.cos(angles), centre.y + 400 * np.sin(angles)])
    huge = crs.transform_geometry(Polygon(ring), METRIC, crs.WGS84)
    assert shapely.get_num_coordinates(huge) > 1_000_000
    zones = replace(sample_zones_list, "P01", geometry=huge)
    report = check(zones, sample_snapshot, time_limit_s=0.5)
    assert report.timed_out and not report.ok
    assert report.findings[-1].code == "timed_out" and "0" in report.findings[-1].to_dict()[
        "message"]
    assert check(sample_zones_list, sample_snapshot, time_limit_s=0.5).ok  # same limit
