"""Uploads are hostile until proven otherwise: every bad input of issue 5 gets a clear,
typed refusal, and the good formats (GBK Shapefile in EPSG:4551, GeoJSON, GeoPackage, KML)
come out in WGS84."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import shapely

from gis import crs
from gis.vector_io import VectorFileError, extract_zip, read_upload
from tests.zone_files import gbk_shapefile_zip, sample_zones, write_as


def refused(path, filename=None, **kwargs) -> VectorFileError:
    with pytest.raises(VectorFileError) as info:
        read_upload(path, filename or path.name, **kwargs)
    assert info.value.message  # a Chinese explanation, not a bare code
    return info.value


def assert_matches_sample(upload, tolerance_deg=1e-5):
    sample = sample_zones()
    assert upload.source_crs
    got = dict(zip(upload.frame.iloc[:, 0], upload.frame.geometry, strict=True))
    for zone_id, geom in zip(sample["zone_id"], sample.geometry, strict=True):
        assert shapely.hausdorff_distance(got[zone_id], geom) < tolerance_deg


def test_gbk_shapefile_in_gauss_kruger_is_read_into_wgs84(tmp_path):
    upload = read_upload(gbk_shapefile_zip(tmp_path), "zones.zip")
    assert upload.source_crs == "EPSG:4551"
    assert "学区编号" in upload.columns and "划片范围" in upload.columns
    assert upload.preview(1)[0]["划片范围"].startswith("兴隆路以南")
    assert_matches_sample(upload)


def test_gbk_shapefile_without_cpg_needs_an_encoding(tmp_path):
    path = gbk_shapefile_zip(tmp_path, cpg=False)
    error = refused(path)
    assert error.code == "unknown_encoding" and error.field == "encoding"
    upload = read_upload(path, "zones.zip", encoding="GBK")
    assert upload.preview(1)[0]["划片范围"].startswith("兴隆路以南")


def test_shapefile_without_prj_needs_a_declared_crs(tmp_path):
    path = gbk_shapefile_zip(tmp_path, epsg=None)
    assert refused(path).code == "missing_crs"
    # Without a .prj the coordinates are the sample's WGS84 ones; naming the CRS reads them.
    assert_matches_sample(read_upload(path, "zones.zip", declared_crs="wgs84"))


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_shapefile_missing_a_part(tmp_path, part):
    error = refused(gbk_shapefile_zip(tmp_path, drop=(part,)))
    assert error.code == "shapefile_incomplete" and part in str(error)


@pytest.mark.parametrize("suffix,driver", [(".geojson", "GeoJSON"), (".gpkg", "GPKG"),
                                           (".kml", "KML")])
def test_other_formats(tmp_path, suffix, driver):
    frame = sample_zones()
    path = write_as(tmp_path, frame[["zone_id", "level", "school_codes", "allocation",
                                     "geometry"]], suffix, driver)
    upload = read_upload(path, path.name)
    assert upload.source_crs == crs.WGS84 and upload.kind in ("geojson", "gpkg", "kml")
    assert len(upload.frame) == len(frame)
    assert "zone_id" in upload.columns


def test_geopackage_with_several_layers_needs_a_choice(tmp_path):
    frame = sample_zones()
    path = write_as(tmp_path, frame[frame.level == "primary"], ".gpkg", "GPKG", layer="primary")
    write_as(tmp_path, frame[frame.level == "middle"].to_crs(4490), ".gpkg", "GPKG",
             layer="middle", append=False)
    error = refused(path)
    assert error.code == "choose_layer" and "primary" in str(error) and "middle" in str(error)
    upload = read_upload(path, path.name, layer="middle")
    assert upload.layer == "middle" and upload.source_crs == crs.CGCS2000
    assert set(upload.frame["level"]) == {"middle"}


def test_gcj02_when_the_user_says_so(tmp_path):
    frame = sample_zones()
    gcj = frame.copy()
    gcj.geometry = [crs.transform_geometry(g, crs.WGS84, crs.GCJ02) for g in frame.geometry]
    path = write_as(tmp_path, gcj[["zone_id", "geometry"]], ".geojson", "GeoJSON")
    as_declared = read_upload(path, path.name, declared_crs="gcj02")
    assert as_declared.source_crs == crs.GCJ02
    assert_matches_sample(as_declared)
    # Read as the file's own WGS84, the same numbers land about 500 m off.
    plain = read_upload(path, path.name)
    offset = shapely.hausdorff_distance(plain.frame.geometry[0], frame.geometry[0])
    assert offset > 0.003


def test_unsupported_declared_crs(tmp_path):
    path = write_as(tmp_path, sample_zones()[["zone_id", "geometry"]], ".geojson", "GeoJSON")
    assert refused(path, declared_crs="EPSG:2000").code == "unsupported_crs"


def test_warns_on_swapped_axes_and_projected_numbers(tmp_path):
    frame = sample_zones()[["zone_id", "geometry"]]
    swapped = frame.copy()
    swapped.geometry = [shapely.transform(g, lambda c: c[:, ::-1]) for g in frame.geometry]
    path = write_as(tmp_path, swapped, ".geojson", "GeoJSON", name="swapped")
    assert [w["code"] for w in read_upload(path, path.name).warnings] == ["swapped_axes"]
    projected = frame.to_crs(4551).set_crs(4326, allow_override=True)
    path = write_as(tmp_path, projected, ".gpkg", "GPKG", name="projected")
    assert [w["code"] for w in read_upload(path, path.name).warnings] == ["projected_numbers"]
    assert read_upload(gbk_shapefile_zip(tmp_path), "zones.zip").warnings == []


def test_corrupt_zip(tmp_path):
    path = tmp_path / "zones.zip"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 20)
    assert refused(path).code == "corrupt_zip"
    good = gbk_shapefile_zip(tmp_path)
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert refused(truncated).code == "corrupt_zip"


def test_zip_bomb_by_ratio(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zones.shp", b"\0" * (30 * 2**20))  # compresses ~1000:1
    assert refused(path).code == "zip_bomb"


def test_zip_bomb_by_size_counts_the_real_bytes(tmp_path):
    path = tmp_path / "big.zip"
    payload = np.random.default_rng(1).bytes(3 * 2**20)  # incompressible: ratio ~1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("zones.shp", payload)
    with pytest.raises(VectorFileError) as info:
        extract_zip(path, tmp_path, max_unpacked=2 * 2**20)
    assert info.value.code == "zip_bomb"
    assert not (tmp_path / "zones.shp").exists() or \
        (tmp_path / "zones.shp").stat().st_size <= 2 * 2**20


@pytest.mark.parametrize("name", ["../zones.shp", "/etc/zones.shp", "a/../../zones.shp",
                                  "C:/zones.shp", "..\\zones.shp"])
def test_zip_entries_with_unsafe_paths(tmp_path, name):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo(name), b"x")
    assert refused(path).code == "zip_path"
    assert not (tmp_path.parent / "zones.shp").exists()


KML_XXE = """<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&xxe;</name>
<Point><coordinates>125.4,43.9</coordinates></Point></Placemark></kml>"""
KML_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&lol3;</name>
<Point><coordinates>125.4,43.9</coordinates></Point></Placemark></kml>"""


@pytest.mark.parametrize("text", [KML_XXE, KML_LAUGHS, KML_XXE.replace("DOCTYPE", "doctype")])
def test_kml_with_entities_is_refused_before_parsing(tmp_path, text):
    path = tmp_path / "zones.kml"
    path.write_text(text, encoding="utf-8")
    assert refused(path).code == "xml_entities"


def test_empty_files(tmp_path):
    for name in ("zones.geojson", "zones.zip", "zones.kml"):
        (tmp_path / name).write_bytes(b"")
        assert refused(tmp_path / name).code == "empty_file"
    path = tmp_path / "none.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    assert refused(path).code == "empty_file"
    empty_zip = tmp_path / "nothing.zip"
    zipfile.ZipFile(empty_zip, "w").close()
    assert refused(empty_zip).code in ("empty_file", "corrupt_zip")


def test_wrong_extension(tmp_path):
    path = tmp_path / "zones.txt"
    path.write_text("zone_id,geometry\n")
    assert refused(path).code == "wrong_extension"
    disguised = write_as(tmp_path, sample_zones()[["zone_id", "geometry"]], ".geojson",
                         "GeoJSON")
    renamed = disguised.rename(tmp_path / "zones.gpkg")
    assert refused(renamed).code == "wrong_extension"


def test_upload_over_the_size_limit(tmp_path):
    path = gbk_shapefile_zip(tmp_path)
    error = refused(path, max_bytes=path.stat().st_size - 1)
    assert error.code == "too_large"
    assert read_upload(path, path.name, max_bytes=path.stat().st_size).frame is not None


def test_unreadable_geojson(tmp_path):
    path = tmp_path / "zones.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [ {"type": ')
    assert refused(path).code == "unreadable"
