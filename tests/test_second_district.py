"""A second district, elsewhere in China, from the same generator: nothing about Erdao is in
code. It is built once per session into a temporary directory (never committed), loaded
into a fresh app through XUEQU_DATASET_DIR's setting, and asked what the sample is asked."""
from __future__ import annotations

import csv
import json

import pytest
import shapely
from shapely.geometry import shape

from data import generate_sample
from data.district_spec import DistrictSpec
from gis import crs

# Canton-like: 3-degree zone CM 114E (EPSG:4547), not the sample's CM 126E (EPSG:4551).
OFFSET = (-12.28, -20.76)
SECOND = DistrictSpec(
    code="449901", name="榕湾区", name_en="Rongwan District", domain="rongwan.nanrong",
    city="南榕市", province="岭南省",
    neighbours=("北榕区", "西关区", "东濠区", "南榕县", "穗北高新区"),
    metric_crs="EPSG:4547", reference_point=(113.1, 23.1), phone_formats=("020-81234567",),
    zone_version={"id": "rongwan-2027", "effective_from": "2027-03-01",
                  "label": "2027年榕湾区义务教育学区划分（测试数据）"},
    offset=OFFSET,
    stems={
        # streets
        "临河": "榕溪", "和顺": "木棉", "太有": "珠玑", "公平": "云桂", "远达": "鹭洲",
        "乐群": "棠下", "新荣": "芳村", "东荣": "沙河", "广德": "岭秀", "天石": "石牌",
        "东环城": "南环城", "吉林": "粤华", "福兴": "福荫", "兴隆": "龙津", "东盛": "荔景",
        "荣光": "流花", "开太": "芳华", "安宁": "永宁", "民丰": "丰乐", "岭东": "东山",
        "自由": "新港",
        # 街道, 镇, 乡
        "东站": "南站", "八里堡": "三元里", "长青": "青榕", "东惠": "南惠", "英俊": "英华",
        "劝农山": "白云山", "泉眼": "龙眼", "四家": "五洞",
        # the district itself, and the area code of its phones
        "二道": "榕湾", "0431-": "020-",
    })
SAMPLE_STREETS = ("临河街", "东盛大街", "吉林大路")
SAMPLE_SUBDISTRICTS = ("东盛街道", "八里堡街道", "英俊镇")


@pytest.fixture(scope="session")
def second_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("second-district")
    generate_sample.generate(out, spec=SECOND)
    return out


@pytest.fixture(scope="session")
def second_app(second_dir, tmp_path_factory):
    from webapp import create_app
    instance = tmp_path_factory.mktemp("second-instance")
    return create_app({"TESTING": True, "SECRET_KEY": "test", "DATASET_DIR": str(second_dir),
                       "DATABASE_URL": f"sqlite:///{instance / 'second.sqlite3'}",
                       "REFRESH_SECONDS": 0.0, "RATELIMIT_ENABLED": False})


@pytest.fixture(scope="session")
def second(second_app):
    with second_app.app_context():
        from webapp.services import snapshot
        return snapshot()


@pytest.fixture()
def client(second_app):
    return second_app.test_client()


def _rows(second_dir) -> list[dict]:
    with open(second_dir / "addresses.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def lookup(client, **params) -> dict:
    response = client.get("/api/v1/lookup", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# ---- the dataset ------------------------------------------------------------------------

def test_the_dataset_is_another_district_in_another_zone(second_dir):
    profile = json.loads((second_dir / "district.json").read_text(encoding="utf-8"))
    assert (profile["code"], profile["name"], profile["metric_crs"]) == (
        "449901", "榕湾区", "EPSG:4547")
    west, south, east, north = profile["bbox"]
    assert 112 < west < east < 114 and 22 < south < north < 24
    assert crs.gauss_kruger_3deg((west + east) / 2) == "EPSG:4547"
    text = "".join(p.read_text(encoding="utf-8") for p in second_dir.iterdir())
    for erdao in ("二道", "220105", "0431-", *SAMPLE_STREETS, *SAMPLE_SUBDISTRICTS):
        assert erdao not in text
    rows = _rows(second_dir)
    assert len({r["address"] for r in rows}) == len(rows)
    assert {r["subdistrict_code"][:6] for r in rows} == {"449901"}
    assert {r["subdistrict"] for r in rows} == set(profile["subdistricts"])


def test_the_sample_is_untouched_by_the_second_build(second_dir, tmp_path):
    # The same generator with the sample's spec still writes the committed files.
    written = generate_sample.generate(tmp_path)
    assert (written["district.json"].read_bytes()
            == (generate_sample.DEFAULT_OUT / "district.json").read_bytes())


# ---- lookup and boundary ----------------------------------------------------------------

def test_a_point_inside_a_zone_is_assigned(client, second):
    zone = next(z for z in second.zone_set.zones if z.level == "primary")
    inside = shapely.point_on_surface(zone.geometry)
    body = lookup(client, lat=inside.y, lng=inside.x, level="primary")
    assert body["status"] in ("assigned", "boundary")
    assert zone.zone_id in [z["zone_id"] for z in body["primary"]["zones"]]


def test_a_point_near_a_shared_edge_is_a_boundary_case(client, second):
    # Two primary zones that share an edge: its midpoint, moved 5 m (measured in the
    # district's own metric CRS), is within 15 m of both.
    metric = second.profile.metric_crs
    zones = [z for z in second.zone_set.zones if z.level == "primary"]
    for a in zones:
        for b in zones:
            if a.zone_id < b.zone_id:
                edge = shapely.intersection(
                    crs.transform_geometry(a.geometry.boundary, crs.WGS84, metric),
                    crs.transform_geometry(b.geometry.boundary, crs.WGS84, metric))
                if edge.length > 200:
                    break
        else:
            continue
        break
    mid = shapely.line_interpolate_point(shapely.line_merge(edge), 0.5, normalized=True) \
        if edge.geom_type != "Point" else edge
    lng, lat = crs.from_metric(mid.x + 5.0, mid.y, metric)
    body = lookup(client, lat=lat, lng=lng, level="primary")
    assert body["status"] == "boundary"
    assert {a.zone_id, b.zone_id} <= {z["zone_id"] for z in body["primary"]["zones"]}


def test_outside_the_district_is_an_answer(client, second):
    west, south, _, _ = second.profile.bbox
    body = lookup(client, lat=south - 0.5, lng=west - 0.5)
    assert body["status"] == "outside_district" and body["location"] is not None
    assert "榕湾区" in body["next_steps"]


def test_swapped_coordinates_are_told_with_this_districts_numbers(client, second):
    zone = second.zone_set.zones[0]
    inside = shapely.point_on_surface(zone.geometry)
    response = client.get("/api/v1/lookup", query_string={"lat": inside.x, "lng": inside.y})
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "swapped_coordinates"
    assert "23.1" in error["message"] and "113.1" in error["message"]


def test_the_boundary_api_serves_this_district(client):
    body = client.get("/api/v1/district.geojson").get_json()
    feature, = body["features"]
    assert feature["properties"]["code"] == "449901"
    assert feature["properties"]["name"] == "榕湾区"
    assert 112 < shape(feature["geometry"]).centroid.x < 114


# ---- address search and answers ---------------------------------------------------------

def test_an_address_with_this_districts_prefixes_is_found(client, second_dir):
    house = next(r for r in _rows(second_dir) if r["kind"] == "house")
    for text in (house["address"], f"岭南省南榕市榕湾区{house['address']}",
                 f"南榕榕湾{house['address']}", f"榕湾区{house['address']}"):
        body = lookup(client, address=text)
        assert body["location"]["matched_address"] == house["address"], text
        assert body["status"] in ("assigned", "boundary", "unzoned")


def test_a_subdistrict_prefix_is_understood(client, second_dir):
    house = next(r for r in _rows(second_dir) if r["kind"] == "house")
    body = lookup(client, address=f"{house['subdistrict']}{house['address']}")
    assert body["location"]["matched_address"] == house["address"]


def test_a_neighbouring_district_is_named(client):
    body = lookup(client, address="西关区和平路5号")
    assert body["status"] == "outside_district" and body["other_district"] == "西关区"
    body = lookup(client, address="吉林省长春市二道区临河街1号")  # the sample's own, elsewhere
    assert body["status"] == "outside_district" and body["other_district"] == "吉林省"


def test_suggestions_come_from_this_gazetteer(client, second_dir):
    xiaoqu = next(r for r in _rows(second_dir) if r["kind"] == "xiaoqu")
    body = client.get("/api/v1/addresses/suggest",
                      query_string={"q": xiaoqu["address"][:3]}).get_json()
    assert xiaoqu["address"] in [s["address"] for s in body["suggestions"]]


def test_the_answer_names_this_districts_schools(client, second, second_dir):
    house = next(r for r in _rows(second_dir) if r["kind"] == "house")
    body = lookup(client, address=house["address"])
    codes = {s["code"] for level in ("primary", "middle") for z in body[level]["zones"]
             for s in z["schools"]}
    assert codes and codes <= set(second.schools)
    names = [second.schools[c].name for c in codes]
    assert all("二道" not in n for n in names)
    assert any("榕湾区" in school.name for school in second.schools.values())


def test_the_dataset_directory_setting_comes_from_the_environment(second_dir):
    from webapp.settings import Settings
    assert Settings.load({}, environ={})[0].dataset_dir == str(generate_sample.DEFAULT_OUT)
    settings, _ = Settings.load({}, environ={"XUEQU_DATASET_DIR": str(second_dir)})
    assert settings.dataset_dir == str(second_dir)


def test_a_database_loaded_before_profiles_falls_back_to_the_dataset_file(app):
    from admissions.service import PROFILE_META, build_snapshot
    from gis.district import read_profile
    from webapp.services import services
    from zones.errors import InvalidData
    from zones.tables import DatasetMeta
    with app.app_context(), services().sessions() as session:
        session.delete(session.get(DatasetMeta, PROFILE_META))
        session.flush()
        with pytest.raises(InvalidData):
            build_snapshot(session)
        fallback = read_profile(generate_sample.DEFAULT_OUT)
        assert build_snapshot(session, fallback_profile=fallback).profile == fallback
        session.rollback()
