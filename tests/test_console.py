"""The hotline console: one search box, the read-aloud answer, areas, schools, questions."""
from __future__ import annotations

from admissions import console
from admissions.read_aloud import read_aloud, spoken_range
from admissions.service import answer_address
from gis.address import AddressQuery
from tests.helpers import login, make_user
from webapp.services import services
from gis.point import WGS84Point


def _xiaoqu(snapshot):
    return next(p for p in snapshot.gazetteer.places if p.kind == "xiaoqu")


def test_spoken_dates():
    assert spoken_range("2027-05-06", "2027-05-09") == "5月6日至9日"
    assert spoken_range("2027-05-28", "2027-06-03") == "5月28日至6月3日"
    assert spoken_range("2027-06-15", "2027-06-15") == "6月15日"


def test_read_aloud_is_composed_from_the_answer(sample_snapshot):
    answer = answer_address(sample_snapshot, AddressQuery(_xiaoqu(sample_snapshot).address))
    text = read_aloud(answer)
    primary = answer["primary"]["zones"][0]["schools"][0]["name"]
    assert primary in text and "5月6日至9日网上信息登记" in text
    assert "户口簿" in text and text.endswith("。")
    consult = next(c["phone"] for c in answer["admission"]["channels"] if c["id"] == "consult")
    assert consult in text


def test_read_aloud_says_when_it_cannot_decide(sample_snapshot):
    answer = answer_address(sample_snapshot, AddressQuery("不存在的路99999号"))
    assert "没有找到这个地址" in read_aloud(answer)
    boundary = {"status": "boundary", "primary": {"zones": [
        {"allocation": "direct", "schools": [{"name": "甲小学", "code": "A"}]},
        {"allocation": "direct", "schools": [{"name": "乙小学", "code": "B"}]}]},
        "middle": {"zones": []}, "admission": {}}
    assert "甲小学和乙小学两个学区的分界线附近" in read_aloud(boundary)


def test_a_community_lists_every_zone_serving_part_of_it(sample_snapshot):
    counts = {}
    for place in sample_snapshot.gazetteer.places:
        counts[place.community] = counts.get(place.community, 0) + 1
    community = max(counts, key=counts.get)
    report = console.area_report(sample_snapshot, community)
    assert report["places"] == counts[community]
    expected = set()
    for place in sample_snapshot.gazetteer.places:
        if place.community == community:
            from zones.model import AddressFacts
            point = sample_snapshot.index.lookup(
                WGS84Point(place.lat, place.lng), facts=AddressFacts(
                street=place.street, number=place.number, xiaoqu=place.xiaoqu))
            expected |= {m.zone.zone_id for m in point.levels["primary"].matches}
    assert {row["zone_id"] for row in report["primary"]} == expected


def test_the_search_box_understands_each_kind_of_text(app, sample_snapshot):
    place = _xiaoqu(sample_snapshot)
    school = next(iter(sample_snapshot.schools.values()))
    with app.app_context(), services().sessions() as session:
        by_address = console.search(sample_snapshot, session, place.address)
        assert by_address.spoken and by_address.results[0].kind == "address"
        assert console.search(sample_snapshot, session, place.community).results[0].kind == "area"
        assert console.search(sample_snapshot, session, school.code).results[0].kind == "school"
        question = console.search(sample_snapshot, session, "错过了网上登记怎么办？")
        assert question.results[0].kind == "faq" and question.results[0].title_spans


def test_console_pages_are_for_operators_only(app, sample_snapshot):
    place = _xiaoqu(sample_snapshot)
    anonymous = app.test_client()
    assert anonymous.get("/hotline/").status_code == 302
    school_user = app.test_client()
    login(school_user, make_user(app, "school"))
    assert school_user.get("/hotline/").status_code == 403
    operator = app.test_client()
    login(operator, make_user(app, "operator"))
    page = operator.get("/hotline/", query_string={"q": place.address}).get_data(as_text=True)
    assert 'id="spoken"' in page and "copy-spoken" in page
    area = operator.get("/hotline/area", query_string={"name": place.community})
    assert area.status_code == 200 and place.community in area.get_data(as_text=True)
    assert operator.get("/hotline/area?name=不存在社区").status_code == 404
