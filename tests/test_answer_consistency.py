"""One consistent answer for a location: the feeder middle school against the middle zone,
each level's own timeline for its zone's allocation, and every rule linked to its source."""
from __future__ import annotations

import re

import pytest

from admissions.answer import feeder_rule
from admissions.content import localize
from admissions.service import answer_point
from gis.point import WGS84Point


@pytest.fixture(scope="module")
def answers(sample_snapshot):
    """The answer at every 小区 of the sample (a spread of zones of both kinds)."""
    places = [p for p in sample_snapshot.gazetteer.places if p.kind == "xiaoqu"]
    out = [answer_point(sample_snapshot, WGS84Point(p.lat, p.lng)) for p in places]
    return [a for a in out if a["status"] == "assigned"]


def rules(answers):
    return [(s["feeds_rule"], a) for a in answers for z in a["primary"]["zones"]
            for s in z["schools"] if s.get("feeds_rule")]


@pytest.mark.parametrize("kind", ["lottery", "same", "nine_year"])
def test_the_feeder_rule_says_which_rule_decides(answers, kind):
    found = [(r, a) for r, a in rules(answers) if r["rule"] == kind]
    assert found, f"no {kind} case in the sample"
    rule, answer = found[0]
    middle = answer["middle"]["zones"]
    if kind == "lottery":
        assert middle[0]["allocation"] == "lottery" and "派位" in rule["text"]
    if kind == "nine_year":
        assert "本校初中部" in rule["text"]
    assert rule["source"] == "ZC-2027-003"


def test_each_level_has_only_its_steps_for_its_allocation(answers):
    kinds = set()
    for answer in answers:
        timelines = answer["admission"]["timelines"]
        assert set(timelines) == {"primary", "middle"}
        for level, stages in timelines.items():
            ids = {s["id"] for s in stages}
            allocation = answer[level]["zones"][0]["allocation"]
            kinds.add((level, allocation))
            assert ("lottery_draw" in ids) == (allocation == "lottery"), (level, allocation)
            other = "middle" if level == "primary" else "primary"
            assert f"{other}_enrolment" not in ids and f"{level}_enrolment" in ids
    assert {("primary", "direct"), ("primary", "lottery")} <= kinds


def test_the_answer_page_is_consistent_and_cites_its_sources(client, answers):
    answer = next(a for a in answers
                  if any(r["rule"] == "lottery" for r, b in rules([a])))
    html = client.get(f"/answer?lat={answer['location']['lat']}"
                      f"&lng={answer['location']['lng']}").get_data(as_text=True)
    assert "初中（小学毕业生）" in html and 'class="feeds-rule"' in html
    assert 'class="panel timeline-primary"' in html and 'class="panel timeline-middle"' in html
    primary = html[html.index("timeline-primary"):html.index("timeline-middle")]
    lottery = answer["primary"]["zones"][0]["allocation"] == "lottery"
    assert ('data-stage="lottery_draw"' in primary) == lottery
    links = set(re.findall(r'<a class="source" href="(/gk/[^"]+)"', html))
    assert len(links) >= 3
    for link in links:
        assert client.get(link).status_code == 200, link
    assert len(re.findall(r'<a class="source"', html)) >= len(answer["admission"][
        "categories"])


def test_a_feeder_outside_the_addresss_middle_zone_gives_way_to_the_zone(sample_snapshot):
    """The sample's zones nest, so this case is built by hand: the address's middle zone
    has one school, not the one the primary school names."""
    content = localize(sample_snapshot.cycle, "zh")
    school = {"code": "P1", "name": "甲小学", "feeds": {"code": "M1", "name": "甲中学"}}
    middle = {"zones": [{"allocation": "direct", "schools": [{"code": "M2", "name": "乙中学"}]}]}
    rule = feeder_rule(content, school, middle)
    assert rule["rule"] == "differs"
    assert "以乙中学为准" in rule["text"] and "甲中学仅供参考" in rule["text"]
    assert feeder_rule(content, {**school, "feeds": None}, middle) is None
    english = feeder_rule(localize(sample_snapshot.cycle, "en"), school, middle)
    assert english["text"].startswith("This address's middle zone is 乙中学")
