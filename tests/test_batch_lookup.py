"""POST /api/v1/lookup/batch: one row per input in order, the same answers as the single
lookup, JSON or CSV in and out (UTF-8 or GBK), per-row errors, and every bad file refused
with a clear message before anything is computed."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from admissions import batch


@pytest.fixture(scope="module")
def points(sample_snapshot):
    rng = np.random.default_rng(7)
    west, south, east, north = sample_snapshot.district.bounds
    return [(float(rng.uniform(south, north)), float(rng.uniform(west, east)))
            for _ in range(300)]


def test_points_answer_as_the_single_lookup_does_in_order(client, points):
    body = [{"id": f"r{i}", "lat": lat, "lng": lng} for i, (lat, lng) in enumerate(points)]
    response = client.post("/api/v1/lookup/batch", json={"rows": body})
    rows = response.get_json()["rows"]
    assert response.status_code == 200 and [r["id"] for r in rows] == [b["id"] for b in body]
    for row, (lat, lng) in zip(rows, points, strict=True):
        single = client.get("/api/v1/lookup", query_string={"lat": lat, "lng": lng}).get_json()
        assert row["status"] == single["status"], (lat, lng)
        for level in ("primary", "middle"):
            assert row[level]["zones"] == [z["zone_id"] for z in single[level]["zones"]]
            assert [s["code"] for s in row[level]["schools"]] == list(dict.fromkeys(
                s["code"] for z in single[level]["zones"] for s in z["schools"]))


def test_addresses_answer_with_the_match_and_bad_rows_get_their_own_error(client,
                                                                         sample_snapshot):
    from tests.helpers import assigned_address
    address = assigned_address(sample_snapshot)
    single = client.get("/api/v1/lookup", query_string={"address": address}).get_json()
    rows = client.post("/api/v1/lookup/batch", json=[
        {"address": address}, {"lat": "north", "lng": 125.4}, {"address": ""},
        {"lat": 95, "lng": 125.4}, {"address": "完全不存在的地方九九九"}, {"lat": 43.9}]
    ).get_json()["rows"]
    assert [r["row"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0]["status"] == single["status"]
    assert rows[0]["address_match"]["matched_address"] == single["location"]["matched_address"]
    assert rows[0]["primary"]["zones"] == [z["zone_id"] for z in single["primary"]["zones"]]
    assert [r["status"] for r in rows[1:4]] == ["invalid"] * 3
    assert [r["error"]["field"] for r in rows[1:4]] == ["lat", "address", "lat"]
    assert rows[4]["status"] in ("address_not_found", "address_ambiguous")
    assert rows[5]["error"]["field"] == "lng"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_in_excel_encodings_and_csv_out(client, points, encoding):
    text = "编号,纬度,经度\n" + "".join(f"p{i},{lat},{lng}\n"
                                      for i, (lat, lng) in enumerate(points[:20]))
    response = client.post("/api/v1/lookup/batch?format=csv", data=text.encode(encoding),
                           content_type="text/csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    out = response.get_data().decode("utf-8")
    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out[1:])))
    assert [r["id"] for r in rows] == [f"p{i}" for i in range(20)]
    as_json = client.post("/api/v1/lookup/batch", data=text.encode(encoding),
                          content_type="text/csv").get_json()["rows"]
    assert [r["status"] for r in rows] == [r["status"] for r in as_json]


def test_the_accept_header_chooses_csv(client):
    response = client.post("/api/v1/lookup/batch", json=[{"lat": 43.879, "lng": 125.39}],
                           headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"


def test_a_form_upload_works(client):
    data = {"file": (io.BytesIO("address\n临河街1226号\n".encode("gbk")), "list.csv")}
    response = client.post("/api/v1/lookup/batch", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 200 and len(response.get_json()["rows"]) == 1


@pytest.mark.parametrize("body, content_type, words", [
    (b"", "text/csv", "空"),
    (b"lat,lng\n", "text/csv", "空"),
    ("名字,电话\n张三,123\n".encode(), "text/csv", "没有可用的列"),
    (b"PK\x03\x04\x00\x00binary", "application/octet-stream", "CSV 或 JSON"),
    (b"\xff\xfe\xfa\xfb\xfc" * 10, "text/csv", "UTF-8 或 GBK"),
    (b'{"rows": [{"lat": 1,}]}', "application/json", "第 1 行第 21 列"),
    (b'[]', "application/json", "空"),
    (b'{"rows": 3}', "application/json", "数组"),
    (b'[{"name": "x"}]', "application/json", "没有可用的字段"),
    (b"lat,lng\n43.8,125.4\n43.8,125.4,9,9\n", "text/csv", "第 2 行第 3 列"),
    (b"address\n" + b"x" * 200_000 + b"\n", "text/csv", "单元格太长"),
    (b'{"points": [{"lat": 1, "lng": 1}]}', "application/json", "rows 数组"),
    (b'{"rows": [{"lat": true, "lng": 1}]}', "application/json", "rows[0].lat"),
    (b'[{"address": ["x"]}]', "application/json", "rows[0].address"),
])
def test_a_bad_file_is_a_400_with_a_clear_message(client, body, content_type, words):
    response = client.post("/api/v1/lookup/batch", data=body, content_type=content_type)
    error = response.get_json()["error"]
    assert response.status_code == 400 and words in error["message"], error
    assert error["field"] == "file"


def test_more_than_10000_rows_is_refused_before_any_lookup(client, monkeypatch):
    called = []
    monkeypatch.setattr(batch, "answer_rows", lambda *a, **k: called.append(1) or [])
    text = "lat,lng\n" + "43.88,125.4\n" * (batch.MAX_ROWS + 1)
    response = client.post("/api/v1/lookup/batch", data=text.encode(), content_type="text/csv")
    assert response.status_code == 400
    assert "10,000" in response.get_json()["error"]["message"] and called == []
    ok = client.post("/api/v1/lookup/batch",
                     data=json.dumps([{"lat": 43.88, "lng": 125.4}] * batch.MAX_ROWS),
                     content_type="application/json")
    assert ok.status_code == 200 and called == [1]


def test_an_oversized_body_is_a_413_in_json(client, app):
    limit = app.extensions["xuequ"].settings.batch_max_bytes
    response = client.post("/api/v1/lookup/batch", data=b"a" * (limit + 1),
                           content_type="text/csv")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"


def test_a_bad_format_or_level_is_a_400(client):
    for query, field in (("format=xlsx", "format"), ("level=high", "level"),
                         ("on=2020-01-01", "on")):
        response = client.post(f"/api/v1/lookup/batch?{query}", json=[{"lat": 1, "lng": 1}])
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field


def test_the_readme_examples_of_open_data_work(client):
    """The curl lines of the README's open-data block, through the test client."""
    assert client.get("/ogc/collections/primary_zones/items?limit=100").status_code == 200
    assert client.get("/ogc/collections/primary_zones/items?datetime=2028-09-01"
                      ).status_code == 200
    assert client.get("/api/v1/lookup?lat=43.8790&lng=125.3900&on=2027-09-01"
                      ).get_json()["status"] == "assigned"
    assert client.get("/api/v1/zone-versions").status_code == 200
    download = client.get("/api/v1/zone-versions/sample-2027/zones.csv")
    assert "zones-sample-2027.csv" in download.headers["Content-Disposition"]
    out = client.post("/api/v1/lookup/batch?format=csv", data=b"lat,lng\n43.879,125.39\n",
                      content_type="text/csv")
    assert out.status_code == 200 and "assigned" in out.get_data(as_text=True)


def test_a_lone_carriage_return_ends_a_csv_line(client):
    # csv raised "new-line character seen in unquoted field" (a 500) on a bare \r.
    response = client.post("/api/v1/lookup/batch", data=b"\r':z", content_type="text/csv")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "file"
    ok = client.post("/api/v1/lookup/batch", data=b"lat,lng\r43.879,125.39\r",
                     content_type="text/csv")
    assert ok.status_code == 200 and len(ok.get_json()["rows"]) == 1


def test_json_rows_may_leave_out_or_null_what_they_do_not_use(client):
    """As a spreadsheet exports a mixed table: a point row and an address row, the unused
    cells null; numbers as text are read as numbers."""
    rows = client.post("/api/v1/lookup/batch", json=[
        {"id": 1, "lat": "43.879", "lng": "125.39", "address": None},
        {"id": None, "lat": None, "lng": None, "address": "临河街1226号"}]).get_json()["rows"]
    assert [r["id"] for r in rows] == ["1", None]
    assert rows[0]["status"] != "invalid" and rows[0]["location"]["lat"] == 43.879
    assert rows[1]["status"] != "invalid"  # read as an address, not as a point lacking lat
