"""The "what do I need" wizard logic: categories, priorities, the 学位预警 cutoff and the
age rule, on their boundary dates."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from admissions.content import localize, read_cycle_file
from admissions.wizard import (AFTER_CUTOFF, BEFORE_CUTOFF, CUTOFF_UNKNOWN, NO_WARNING,
                               Household, assess, checklist, parse_household)
from zones.errors import InvalidParameter

CYCLE = read_cycle_file(Path(__file__).parents[1] / "data/sample/admissions_2027.yaml")
BORN_BY = dt.date.fromisoformat(CYCLE["age_rule"]["birth_on_or_before"])
CUTOFF = dt.date(2025, 6, 30)
TODAY = dt.date(2027, 5, 1)


def family(**overrides) -> Household:
    base = {"birth_date": dt.date(2021, 3, 1), "hukou_where": "here", "hukou_with": "parents",
            "home_owner": "parents", "moved_in": dt.date(2024, 1, 1)}
    return Household(**{**base, **overrides})


def category_of(h: Household, cutoff: dt.date | None = None) -> str | None:
    return assess(h, born_by=BORN_BY, warning_cutoff=cutoff).category


def test_the_age_rule_is_born_on_or_before_31_august():
    assert BORN_BY == dt.date(2021, 8, 31)
    assert assess(family(birth_date=dt.date(2021, 8, 31)), born_by=BORN_BY,
                  warning_cutoff=None).age_ok
    too_young = assess(family(birth_date=dt.date(2021, 9, 1)), born_by=BORN_BY,
                       warning_cutoff=None)
    assert not too_young.age_ok
    assert any("入学年龄" in r for r in too_young.reasons)


def test_two_consistent_when_hukou_and_home_are_the_parents_here():
    assert category_of(family()) == "two_consistent"


def test_three_generations_needs_the_grandparents_home_and_no_other_parental_home():
    grand = family(hukou_with="grandparents", home_owner="grandparents")
    assert category_of(grand) == "three_generations"
    assert category_of(family(hukou_with="grandparents", home_owner="grandparents",
                              parents_other_home=True)) == "arranged"
    assert category_of(family(hukou_with="grandparents", home_owner="parents")) == "arranged"


@pytest.mark.parametrize("overrides", [
    {"hukou_with": "other"},                                   # 挂靠 at a relative's home
    {"home_owner": "none"},                                    # renting at the hukou address
    {"hukou_where": "district"},                               # hukou elsewhere in Erdao
    {"hukou_where": "city", "home_owner": "parents"},          # 人户分离 from another district
])
def test_arranged_when_hukou_and_home_do_not_line_up(overrides):
    assert category_of(family(**overrides)) == "arranged"


def test_another_districts_family_without_a_home_here_is_sent_to_that_district():
    result = assess(family(hukou_where="city", home_owner="none"), born_by=BORN_BY,
                    warning_cutoff=None)
    assert result.category is None
    assert any("户籍所在区" in r for r in result.reasons)


def test_migrant_family_needs_a_residence_permit():
    assert category_of(family(hukou_where="outside", home_owner="none",
                              residence_permit=True)) == "migrant"
    without = assess(family(hukou_where="outside", home_owner="none"), born_by=BORN_BY,
                     warning_cutoff=None)
    assert without.category is None
    assert any("居住证" in r for r in without.reasons)


@pytest.mark.parametrize(("moved_in", "category", "warning"), [
    (CUTOFF - dt.timedelta(days=1), "two_consistent", BEFORE_CUTOFF),
    (CUTOFF, "two_consistent", BEFORE_CUTOFF),               # on the day: still in time
    (CUTOFF + dt.timedelta(days=1), "arranged", AFTER_CUTOFF),
    (None, "two_consistent", CUTOFF_UNKNOWN),
])
def test_the_warning_cutoff_boundary(moved_in, category, warning):
    for h in (family(moved_in=moved_in),
              family(moved_in=moved_in, hukou_with="grandparents", home_owner="grandparents")):
        result = assess(h, born_by=BORN_BY, warning_cutoff=CUTOFF)
        expected = category
        if h.hukou_with == "grandparents" and category == "two_consistent":
            expected = "three_generations"
        assert (result.category, result.warning) == (expected, warning)


def test_the_warning_does_not_touch_families_already_arranged_or_migrant():
    late = CUTOFF + dt.timedelta(days=30)
    for h in (family(hukou_where="district", moved_in=late),
              family(hukou_where="outside", home_owner="none", residence_permit=True,
                     moved_in=late)):
        assert assess(h, born_by=BORN_BY, warning_cutoff=CUTOFF).warning == NO_WARNING


def test_checklist_has_the_category_priority_and_its_documents():
    for category_id, priority in (("two_consistent", 1), ("three_generations", 2),
                                  ("arranged", 3), ("migrant", 4)):
        result = assess(family(), born_by=BORN_BY, warning_cutoff=None)
        result.category = category_id
        items = checklist(result, CYCLE, "zh")
        assert items["category"]["priority"] == priority
        assert items["documents"] == localize(CYCLE["documents"][category_id], "zh")
        assert items["deadlines"] and all(s["deadline"] and s["level"] in ("primary", "both")
                                          for s in items["deadlines"])
    english = checklist(assess(family(), born_by=BORN_BY, warning_cutoff=None), CYCLE, "en")
    assert english["category"]["name"].startswith("Two matches")


def test_checklist_without_a_category_lists_no_documents():
    result = assess(family(hukou_where="outside"), born_by=BORN_BY, warning_cutoff=None)
    items = checklist(result, CYCLE, "zh")
    assert items["category"] is None and items["documents"] == []


FORM = {"birth_date": "2021-03-01", "hukou_where": "here", "hukou_with": "parents",
        "home_owner": "parents", "moved_in": "2024-01-01"}


def test_parse_household_reads_the_form():
    h = parse_household({**FORM, "residence_permit": "yes"}, TODAY)
    assert h == family(residence_permit=True)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"birth_date": ""}, "birth_date"),
    ({"birth_date": "2021-02-30"}, "birth_date"),
    ({"birth_date": "not a date"}, "birth_date"),
    ({"birth_date": "2027-05-02"}, "birth_date"),            # in the future
    ({"moved_in": "2027-06-01"}, "moved_in"),
    ({"moved_in": "01/01/2024"}, "moved_in"),
    ({"hukou_where": "mars"}, "hukou_where"),
    ({"hukou_with": ""}, "hukou_with"),
    ({"home_owner": "<script>"}, "home_owner"),
])
def test_bad_answers_name_the_field(overrides, field):
    with pytest.raises(InvalidParameter) as caught:
        parse_household({**FORM, **overrides}, TODAY)
    assert caught.value.field == field


@given(st.dictionaries(st.sampled_from(sorted(FORM) + ["residence_permit"]), st.text(max_size=30)))
def test_any_form_either_parses_or_names_a_field(form):
    try:
        parse_household(form, TODAY)
    except InvalidParameter as exc:
        assert exc.field in FORM
