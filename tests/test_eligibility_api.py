"""`POST /api/v1/eligibility`: the answers and a location or zone → category, tier, reasons,
documents, the 学位预警 effect, dates and limits; bad bodies get a 400 naming the field. The
wizard page gives the same answer (one function)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.helpers import csrf_token

PARENTS = {"level": "primary", "birth_date": "2021-03-01", "hukou_where": "here",
           "hukou_with": "both_parents", "home_owner": "parents", "moved_in": "2024-01-01"}


def zone_where(snapshot, level, allocation, warned=None):
    for zone in snapshot.zone_set.zones:
        schools = [snapshot.schools[c] for c in zone.school_codes]
        if zone.level == level and zone.allocation == allocation and (
                warned is None or any(bool(s.warning_cutoff) == warned for s in schools)):
            return zone, schools
    pytest.fail(f"the sample has no {allocation} {level} zone")


def post(client, body):
    return client.post("/api/v1/eligibility", json=body)


def test_a_direct_zone_family_gets_the_full_answer(client, sample_snapshot):
    zone, _ = zone_where(sample_snapshot, "primary", "direct", warned=False)
    response = post(client, {"answers": PARENTS, "zone_id": zone.zone_id})
    assert response.status_code == 200
    body = response.get_json()
    assert body["category"]["id"] == "two_consistent" and body["tier"]["rank"] == 1
    assert body["eligible"] and body["reasons"] and body["documents"]
    assert body["warning"]["state"] == "none"
    ids = {d["id"] for d in body["dates"]}
    assert "online_registration" in ids and "lottery_draw" not in ids
    assert "middle_enrolment" not in ids
    assert body["sources"] and all(s["url"] == f"/gk/{s['code']}" for s in body["sources"])
    assert client.get(body["sources"][0]["url"]).status_code == 200
    assert body["zone"]["zone_id"] == zone.zone_id and body["zone"]["allocation"] == "direct"


def test_a_lottery_zone_has_the_draw_date(client, sample_snapshot):
    zone, _ = zone_where(sample_snapshot, "primary", "lottery")
    body = post(client, {"answers": PARENTS, "zone_id": zone.zone_id}).get_json()
    assert "lottery_draw" in {d["id"] for d in body["dates"]}


def test_the_warning_effect_at_a_warned_school(client, sample_snapshot):
    zone, schools = zone_where(sample_snapshot, "primary", "direct", warned=True)
    cutoff = next(s.warning_cutoff for s in schools if s.warning_cutoff)
    late = {**PARENTS, "moved_in": (cutoff + dt.timedelta(days=1)).isoformat()}
    body = post(client, {"answers": late, "zone_id": zone.zone_id}).get_json()
    assert body["warning"]["state"] == "after" and body["category"]["id"] == "arranged"
    assert body["warning"]["cutoff"] == cutoff.isoformat()
    in_time = {**PARENTS, "moved_in": cutoff.isoformat()}
    body = post(client, {"answers": in_time, "zone_id": zone.zone_id}).get_json()
    assert body["warning"]["state"] == "before" and body["category"]["id"] == "two_consistent"


def test_a_location_finds_the_zone(client, sample_snapshot):
    body = post(client, {"answers": PARENTS,
                         "location": {"lat": 43.879, "lng": 125.39}}).get_json()
    assert body["category"]["id"] == "two_consistent"
    assert body["zone"]["zone_id"].startswith("P") or "status" in body["zone"]


def test_the_middle_route_for_a_primary_graduate(client, sample_snapshot):
    zone, _ = zone_where(sample_snapshot, "middle", "direct")
    graduate = {"level": "middle", "hukou_where": "here", "hukou_with": "both_parents",
                "home_owner": "parents", "primary_school": "primary"}
    body = post(client, {"answers": graduate, "zone_id": zone.zone_id}).get_json()
    ids = {d["id"] for d in body["dates"]}
    assert "middle_registration" in ids and "online_registration" not in ids
    assert "小学学籍信息" in {d["name"] for d in body["documents"]}


def test_what_the_family_cannot_do(client, sample_snapshot):
    zone, _ = zone_where(sample_snapshot, "primary", "direct")
    body = post(client, {"answers": {**PARENTS, "private_school": True},
                         "zone_id": zone.zone_id}).get_json()
    assert any("空余学位" in c for c in body["cannot"])


def test_english(client, sample_snapshot):
    zone, _ = zone_where(sample_snapshot, "primary", "direct")
    body = client.post("/api/v1/eligibility?lang=en",
                       json={"answers": PARENTS, "zone_id": zone.zone_id}).get_json()
    assert body["category"]["name"].startswith("Two matches")
    assert not re.search(r"[\u4e00-\u9fff]", body["reasons"][0])


@pytest.mark.parametrize(("body", "field"), [
    ({"answers": {**PARENTS, "pets": "cat"}, "zone_id": "P01"}, "pets"),
    ({"answers": {**PARENTS, "hukou_where": "moon"}, "zone_id": "P01"}, "hukou_where"),
    ({"answers": {**PARENTS, "residence_permit": True}, "zone_id": "P01"}, "residence_permit"),
    ({"answers": {**PARENTS, "level": "college"}, "zone_id": "P01"}, "level"),
    ({"answers": {**PARENTS, "birth_date": "2021-02-30"}, "zone_id": "P01"}, "birth_date"),
    ({"answers": PARENTS}, "location"),
    ({"answers": PARENTS, "zone_id": "nowhere"}, "zone_id"),
    ({"answers": PARENTS, "zone_id": "P01", "location": {"lat": 43.9, "lng": 125.4}},
     "zone_id"),
    ({"answers": PARENTS, "location": {"lat": 43.9}}, "lng"),
    ({"answers": PARENTS, "location": "home"}, "location"),
    ({"answers": "yes", "zone_id": "P01"}, "answers"),
    ({"answers": PARENTS, "zone_id": "P01", "debug": 1}, "debug"),
    ([1, 2], "answers"),
])
def test_bad_bodies_are_refused_naming_the_field(client, sample_snapshot, body, field):
    if isinstance(body, dict) and body.get("zone_id") == "P01":
        body["zone_id"] = zone_where(sample_snapshot, "primary", "direct")[0].zone_id
    response = post(client, body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["field"] == field


def test_a_middle_zone_for_a_primary_child_is_refused(client, sample_snapshot):
    zone, _ = zone_where(sample_snapshot, "middle", "direct")
    response = post(client, {"answers": PARENTS, "zone_id": zone.zone_id})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "zone_id"


def test_not_json_is_refused(client):
    response = client.post("/api/v1/eligibility", data="answers=1",
                           content_type="text/plain")
    assert response.status_code == 400


def test_the_wizard_page_gives_the_same_answer(client, sample_snapshot):
    zone, schools = zone_where(sample_snapshot, "primary", "direct", warned=True)
    school = next(s for s in schools if s.warning_cutoff)
    late = {**PARENTS, "moved_in": (school.warning_cutoff + dt.timedelta(days=1)).isoformat()}
    api = post(client, {"answers": late, "zone_id": zone.zone_id}).get_json()
    form = {**late, "school": school.code, "csrf_token": csrf_token(client, "/wizard")}
    html = client.post("/wizard", data=form).get_data(as_text=True)
    assert api["category"]["name"] in html and api["warning"]["text"] in html
    for source in api["sources"]:
        assert f'href="{source["url"]}"' in html
    for reason in api["reasons"]:
        assert reason.replace("“", "&#34;") in html or reason in html
