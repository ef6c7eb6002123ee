"""The cycle document's schema check: each bad document refused with the path of the problem,
on load and by `flask admissions validate-cycle`."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from admissions import cycle_schema
from admissions.content import read_cycle_file
from zones.errors import InvalidData

SAMPLE = Path(__file__).parents[1] / "data/sample/admissions_2027.yaml"
DOC = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def problems_of(change) -> list[str]:
    doc = copy.deepcopy(DOC)
    change(doc)
    return [p.text() for p in cycle_schema.check(doc)]


def category(doc, ident):
    return next(c for c in doc["categories"] if c["id"] == ident)


def stage(doc, ident):
    return next(s for s in doc["timeline"] if s["id"] == ident)


def test_the_sample_is_sound():
    assert cycle_schema.check(DOC) == []


def test_documents_for_an_unknown_category():
    found = problems_of(lambda d: d["documents"].update(grandchild=[{"name": "户口簿"}]))
    assert found == ["documents.grandchild：未知的入学类别“grandchild”"]


def test_a_warning_effect_naming_an_unknown_category():
    found = problems_of(lambda d: d["warning_effect"].update(after_cutoff="nowhere"))
    assert found == ["warning_effect：未知的入学类别“nowhere”"]


def test_a_cycle_of_priorities():
    def loop(doc):
        doc["tiers"][0]["after"] = doc["tiers"][-1]["id"]
    found = problems_of(loop)
    assert found and found[0].startswith("tiers[0].after：顺位先后形成了循环：zone → ")


def test_two_first_tiers():
    found = problems_of(lambda d: d["tiers"][1].pop("after"))
    assert any(p.startswith("tiers：必须恰好有一个第一顺位") for p in found)


def test_an_unknown_tier():
    found = problems_of(lambda d: category(d, "county").update(tier="vip"))
    assert found == ["categories[4].tier：顺位“vip”未定义"]


def test_a_stage_ending_before_it_starts():
    found = problems_of(lambda d: stage(d, "school_review").update(end="2027-05-01"))
    index = [s["id"] for s in DOC["timeline"]].index("school_review")
    assert found == [f"timeline[{index}].end：结束日期 2027-05-01 早于开始日期 2027-05-16"]


def test_stages_out_of_order():
    found = problems_of(lambda d: stage(d, "police_verification").update(
        start="2027-05-01", end="2027-05-02"))
    index = [s["id"] for s in DOC["timeline"]].index("police_verification")
    assert found and found[0].startswith(f"timeline[{index}].start：日期顺序不对：2027-05-01")


def test_a_bad_date():
    found = problems_of(lambda d: stage(d, "vacancy_draw").update(start="6月15日"))
    assert any("格式不对" in p and ".start" in p for p in found)


def test_a_category_without_documents():
    found = problems_of(lambda d: d["documents"].pop("county"))
    assert found == ["categories[4]：入学类别“county”缺少材料清单（documents.county）"]


def test_a_condition_on_an_unknown_question_or_option():
    found = problems_of(lambda d: category(d, "migrant").update(
        when={"all": [{"answer": "hukou_where", "is": "mars"}, {"answer": "salary", "is": 1}]}))
    assert found == ["categories[5].when.all[0].is：“mars”不是问题“hukou_where”的选项",
                     "categories[5].when.all[1].answer：条件引用了未定义的问题“salary”"]


def test_a_category_without_its_reason():
    found = problems_of(lambda d: category(d, "arranged").pop("reason"))
    assert found == ["categories[3].reason：缺少文字"]


def test_loading_a_bad_file_refuses_it_with_the_path(tmp_path):
    doc = copy.deepcopy(DOC)
    doc["documents"].pop("migrant")
    path = tmp_path / "admissions_2027.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(cycle_schema.CycleInvalid) as caught:
        read_cycle_file(path)
    assert "categories[5]" in str(caught.value)
    assert len(caught.value.problems) == 1


def test_a_file_that_is_not_yaml(tmp_path):
    path = tmp_path / "admissions_2027.yaml"
    path.write_text("year: [2027\n", encoding="utf-8")
    with pytest.raises(InvalidData):
        read_cycle_file(path)


def test_the_cli_passes_the_sample(app):
    result = app.test_cli_runner().invoke(args=["admissions", "validate-cycle", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "通过检查" in result.output


def test_the_cli_lists_every_problem_with_its_path(app, tmp_path):
    doc = copy.deepcopy(DOC)
    doc["documents"].pop("county")
    doc["tiers"][0]["after"] = doc["tiers"][-1]["id"]
    path = tmp_path / "admissions_2027.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["admissions", "validate-cycle", str(path)])
    assert result.exit_code == 1
    assert "tiers[0].after：顺位先后形成了循环" in result.output
    assert "categories[4]：入学类别“county”缺少材料清单" in result.output
    assert "Traceback" not in result.output
