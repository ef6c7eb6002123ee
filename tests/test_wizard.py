"""The rules evaluator over the sample's 2027 cycle: categories, tiers, the 学位预警 cutoff on
its boundary dates, the age rule, special groups, and the answers refused with their field.
The expectations are Changchun's published rules (issue 15's table), not the code's."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admissions.content import read_cycle_file
from admissions.timeline import stages_for
from admissions.wizard import (AFTER_CUTOFF, BEFORE_CUTOFF, CUTOFF_UNKNOWN, NO_WARNING, Zone,
                               assess, checklist, matches, parse_answers)
from zones.errors import InvalidParameter

CYCLE = read_cycle_file(Path(__file__).parents[1] / "data/sample/admissions_2027.yaml")
CUTOFF = dt.date(2025, 6, 30)
TODAY = dt.date(2027, 5, 1)
PARENTS = {"level": "primary", "birth_date": "2021-03-01", "hukou_where": "here",
           "hukou_with": "both_parents", "home_owner": "parents", "moved_in": "2024-01-01"}
GRANDPARENTS = {**PARENTS, "hukou_with": "grandparents", "home_owner": "grandparents",
                "parents_urban_home": "no", "hukou_since_birth": "yes"}


NOWHERE = Zone()


def judge(raw: dict, zone: Zone = NOWHERE, today: dt.date = TODAY):
    return assess(CYCLE, parse_answers(CYCLE, raw, today), zone, today=today)


def category_of(raw: dict, zone: Zone = NOWHERE) -> str | None:
    return judge(raw, zone).category


def test_two_consistent_needs_both_parents():
    assert category_of(PARENTS) == "two_consistent"
    one = {**PARENTS, "hukou_with": "one_parent", "one_parent_reason": "other"}
    result = judge(one)
    assert result.category == "arranged"
    assert any("例外" in r for r in result.reasons)


@pytest.mark.parametrize("reason", ["military", "work_elsewhere", "rural"])
def test_one_parent_is_enough_in_the_three_exceptions(reason):
    raw = {**PARENTS, "hukou_with": "one_parent", "one_parent_reason": reason}
    assert category_of(raw) == "two_consistent"


def test_three_generations_is_the_same_tier_as_two_consistent():
    two, three = judge(PARENTS), judge(GRANDPARENTS)
    assert three.category == "three_generations"
    assert two.tier == three.tier == "zone"


@pytest.mark.parametrize("overrides", [
    {"parents_urban_home": "yes"},     # the parents own a home in the urban area
    {"hukou_since_birth": "no"},       # the 户籍 moved in later
])
def test_three_generations_needs_no_parental_home_and_the_hukou_since_birth(overrides):
    result = judge({**GRANDPARENTS, **overrides})
    assert result.category == "arranged" and result.tier == "placed"
    assert len(result.reasons) >= 2    # the rule and why this family misses it


def test_a_hukou_elsewhere_in_the_district_is_placed_by_the_bureau():
    raw = {"level": "primary", "birth_date": "2021-03-01", "hukou_where": "district",
           "home_owner": "parents"}
    assert category_of(raw) == "arranged"


def test_another_urban_district_registers_there():
    result = judge({"level": "primary", "birth_date": "2021-03-01",
                    "hukou_where": "urban_other", "home_owner": "parents"})
    assert result.category == "other_urban_district"
    assert not result.eligible and any("户籍所在区" in r for r in result.reasons)


@pytest.mark.parametrize(("home", "category"), [
    ("parents", "county"), ("rented", "county"), ("none", "no_home_here")])
def test_shuangyang_and_jiutai_have_their_own_category(home, category):
    raw = {"level": "primary", "birth_date": "2021-03-01", "hukou_where": "county",
           "home_owner": home}
    assert category_of(raw) == category


def test_migrant_children_need_a_residence_permit_before_registering_and_no_cutoff():
    raw = {"level": "primary", "birth_date": "2021-03-01", "hukou_where": "outside_city",
           "home_owner": "rented"}
    assert category_of({**raw, "residence_permit": "yes"}) == "migrant"
    without = judge({**raw, "residence_permit": "no"})
    assert without.category == "migrant_without_permit" and not without.eligible
    assert any("6个月" in r for r in without.reasons)
    # no invented cut-offs: neither an issue date nor social-insurance months
    text = str(CYCLE)
    assert "3月31日" not in text and "社会保险" not in text


def test_the_age_rule_is_born_on_or_before_31_august():
    assert judge({**PARENTS, "birth_date": "2021-08-31"}).eligible
    too_young = judge({**PARENTS, "birth_date": "2021-09-01"})
    assert not too_young.eligible and "too_young" in too_young.groups
    early = judge({**PARENTS, "birth_date": "2021-09-01", "request": "early"})
    assert "too_young" not in early.groups and "early" in early.groups


@pytest.mark.parametrize(("moved_in", "category", "warning"), [
    (CUTOFF - dt.timedelta(days=1), None, BEFORE_CUTOFF),
    (CUTOFF, None, BEFORE_CUTOFF),                    # on the day: still in time
    (CUTOFF + dt.timedelta(days=1), "arranged", AFTER_CUTOFF),
    (None, None, CUTOFF_UNKNOWN),
])
def test_the_warning_cutoff_boundary(moved_in, category, warning):
    zone = Zone(allocation="direct", warning_cutoff=CUTOFF)
    for raw in (PARENTS, GRANDPARENTS):
        raw = {**raw, "moved_in": moved_in.isoformat() if moved_in else ""}
        result = judge(raw, zone)
        expected = category or category_of(PARENTS if raw["hukou_with"] == "both_parents"
                                            else GRANDPARENTS)
        assert (result.category, result.warning) == (expected, warning)


def test_the_warning_does_not_touch_families_already_placed_or_migrant():
    zone = Zone(warning_cutoff=CUTOFF)
    for raw in ({"level": "primary", "birth_date": "2021-03-01", "hukou_where": "district",
                 "home_owner": "parents"},
                {"level": "primary", "birth_date": "2021-03-01", "hukou_where": "outside_city",
                 "home_owner": "rented", "residence_permit": "yes"}):
        assert judge(raw, zone).warning == NO_WARNING


def test_middle_school_direct_progression_only_from_a_nine_year_school():
    graduate = {"level": "middle", "hukou_where": "here", "hukou_with": "both_parents",
                "home_owner": "parents"}
    assert category_of({**graduate, "primary_school": "nine_year"}) == "nine_year_direct"
    assert category_of({**graduate, "primary_school": "primary"}) == "two_consistent"


def test_each_level_has_its_own_documents_and_timeline():
    primary = checklist(judge(PARENTS), CYCLE, "zh")
    middle = checklist(judge({"level": "middle", "hukou_where": "here", "primary_school":
                              "primary", "hukou_with": "both_parents",
                              "home_owner": "parents"}), CYCLE, "zh")
    names = lambda items: {d["name"] for d in items}  # noqa: E731
    assert "出生医学证明" in names(primary["documents"]) - names(middle["documents"])
    assert "小学学籍信息" in names(middle["documents"]) - names(primary["documents"])
    ids = lambda items: {s["id"] for s in items}  # noqa: E731
    assert "primary_enrolment" in ids(primary["dates"]) - ids(middle["dates"])
    assert "middle_registration" in ids(middle["dates"]) - ids(primary["dates"])


def test_a_direct_zone_has_no_lottery_step_and_a_zone_family_no_placement_step():
    direct = stages_for(CYCLE["timeline"], "primary", allocation="direct", tier="zone")
    lottery = stages_for(CYCLE["timeline"], "primary", allocation="lottery", tier="zone")
    placed = stages_for(CYCLE["timeline"], "primary", allocation="direct", tier="placed")
    assert "lottery_draw" not in {s["id"] for s in direct}
    assert "lottery_draw" in {s["id"] for s in lottery}
    assert "district_placement" not in {s["id"] for s in direct}
    assert "district_placement" in {s["id"] for s in placed}
    assert "admission_notice" not in {s["id"] for s in placed}


@pytest.mark.parametrize(("group", "expected"), [
    ("military", "military"), ("police", "police"), ("firefighter", "firefighter"),
    ("talent", "talent")])
def test_priority_groups_add_their_rule_and_documents(group, expected):
    result = judge({**PARENTS, "special_group": group})
    assert expected in result.groups
    items = checklist(result, CYCLE, "zh")
    assert len(items["documents"]) > len(checklist(judge(PARENTS), CYCLE, "zh")["documents"])


@pytest.mark.parametrize(("answer", "group"), [
    ("regular", "disability_regular"), ("special_school", "disability_special_school"),
    ("home", "disability_home")])
def test_children_with_disabilities_have_three_routes(answer, group):
    assert group in judge({**PARENTS, "disability": answer}).groups


def test_a_private_school_applicant_cannot_enter_the_vacancy_draw():
    result = judge({**PARENTS, "private_school": "yes"})
    assert any("空余学位" in c for c in result.cannot)


def test_missing_the_deadline_means_district_placement_and_no_private_or_vacancy_draw():
    late = judge(PARENTS, today=dt.date(2027, 5, 13))
    assert any("民办" in c for c in late.cannot) and any("空余学位" in c for c in late.cannot)
    assert not judge(PARENTS, today=dt.date(2027, 5, 12)).cannot


def test_the_checklist_is_localised():
    english = checklist(judge(PARENTS), CYCLE, "en")
    assert english["category"]["name"].startswith("Two matches")
    assert english["tier"]["rank"] == 1 and english["tiers"] == 4


@pytest.mark.parametrize(("raw", "field"), [
    ({**PARENTS, "colour": "red"}, "colour"),                        # unknown question
    ({**PARENTS, "hukou_where": "moon"}, "hukou_where"),             # not an option
    ({k: v for k, v in PARENTS.items() if k != "home_owner"}, "home_owner"),  # missing
    ({**PARENTS, "birth_date": "2021-02-30"}, "birth_date"),
    ({**PARENTS, "birth_date": "2027-05-02"}, "birth_date"),         # in the future
    ({**PARENTS, "residence_permit": "yes"}, "residence_permit"),    # contradicts hukou here
    ({**PARENTS, "primary_school": "nine_year"}, "primary_school"),  # a primary child
    ({**PARENTS, "hukou_with": "one_parent"}, "one_parent_reason"),  # the exception unsaid
    ({**PARENTS, "parents_urban_home": "maybe"}, "parents_urban_home"),
])
def test_bad_answers_are_refused_naming_the_field(raw, field):
    with pytest.raises(InvalidParameter) as caught:
        parse_answers(CYCLE, raw, TODAY)
    assert caught.value.field == field


def test_conditions():
    answers = {"a": "x", "d": dt.date(2021, 8, 31)}
    assert matches({"answer": "a", "is": "x"}, answers)
    assert matches({"answer": "a", "in": ["y", "x"]}, answers)
    assert not matches({"answer": "b", "is": "x"}, answers)            # not answered
    assert matches({"not": {"answer": "b", "is": "x"}}, answers)
    assert matches({"answer": "d", "on_or_before": "2021-08-31"}, answers)
    assert not matches({"answer": "d", "after": "2021-08-31"}, answers)
    assert matches({"all": [{"answer": "a", "is": "x"}, {"any": [{"answer": "a", "is": "z"},
                    {"answer": "d", "after": "2021-01-01"}]}]}, answers)


ANSWER_VALUES = {q["id"]: ([c["value"] for c in q["choices"]] if q["type"] == "choice"
                           else ["yes", "no"] if q["type"] == "yes_no"
                           else ["2021-03-01", "2021-09-01"])
                 for q in CYCLE["questions"]}


@given(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in ANSWER_VALUES.items()}))
def test_every_accepted_family_gets_a_category_and_documents(raw):
    while True:   # drop the answers to questions that do not apply, one at a time
        try:
            answers = parse_answers(CYCLE, raw, TODAY)
            break
        except InvalidParameter as exc:
            assert exc.field in raw
            raw = {k: v for k, v in raw.items() if k != exc.field}
    result = assess(CYCLE, answers, Zone(warning_cutoff=CUTOFF), today=TODAY)
    assert result.category is not None and result.reasons
    items = checklist(result, CYCLE, "zh")
    assert items["category"]["id"] == result.category
    assert result.eligible == (items["tier"]["placement"] != "elsewhere"
                               and not any(g.get("blocks") for g in items["groups"]))
