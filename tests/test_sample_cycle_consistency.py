"""The sample's 2027 cycle, FAQ, policy documents and plans say the same thing, and every
source a rule cites is a policy document of the directory."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from admissions.content import read_cycle_file

SAMPLE = Path(__file__).parents[1] / "data/sample"
CYCLE = read_cycle_file(SAMPLE / "admissions_2027.yaml")
FAQ = yaml.safe_load((SAMPLE / "faq_2027.yaml").read_text(encoding="utf-8"))["faq"]
POLICIES = yaml.safe_load((SAMPLE / "policies_2027.yaml").read_text(encoding="utf-8"))[
    "policies"]
POLICY = {p["code"]: p for p in POLICIES}
TEXTS = [*(f["answer"] for f in FAQ), *(p["body"] + p["interpretation"] for p in POLICIES
                                         if p["validity"] == "valid")]


def _sources(value):
    if isinstance(value, dict):
        if isinstance(value.get("source"), str):
            yield value["source"]
        for item in value.values():
            yield from _sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from _sources(item)


def test_every_cited_source_is_a_valid_policy_document():
    cited = set(_sources(CYCLE))
    assert cited and cited <= {c for c, p in POLICY.items() if p["validity"] == "valid"}
    every_rule = [*CYCLE["categories"], *CYCLE["special_groups"], *CYCLE["timeline"]]
    assert all(rule.get("source") for rule in every_rule)


def test_no_invented_migrant_cut_offs_anywhere():
    for text in TEXTS:
        assert "3月31日" not in text and "社会保险" not in text, text[:60]
    assert any("居住登记满6个月" in t for t in TEXTS)


def test_one_class_size_limit_in_the_text_and_the_plans():
    schools = json.loads((SAMPLE / "schools.json").read_text(encoding="utf-8"))
    middle = [s.get("plan_middle") or s["plan"] for s in schools if s["level"] != "primary"]
    primary = [s["plan"] for s in schools if s["level"] != "middle"]
    assert {p["seats"] // p["classes"] for p in middle} == {50}
    assert {p["seats"] // p["classes"] for p in primary} == {45}
    plan_text = POLICY["ZC-2027-004"]["body"]
    assert "小学每班不超过45人" in plan_text and "初中每班不超过50人" in plan_text


def test_the_policy_dates_are_the_cycles_dates():
    text = POLICY["ZC-2027-001"]["body"]
    for stage in CYCLE["timeline"]:
        start = stage["start"]
        month, day = int(start[5:7]), int(start[8:10])
        if stage["id"] != "policy_announcement":
            assert f"{month}月{day}日" in text, stage["id"]


def test_late_registration_is_one_day_and_the_faq_agrees():
    stage = next(s for s in CYCLE["timeline"] if s["id"] == "onsite_registration")
    assert stage["start"] == stage["end"]
    missed = next(f for f in FAQ if f["code"] == "FAQ-2027-003")["answer"]
    assert "仅一天" in missed and "民办" in missed and "空余学位" in missed


def test_the_notice_of_admission_comes_at_the_end_of_may():
    stage = next(s for s in CYCLE["timeline"] if s["id"] == "admission_notice")
    assert stage["start"].startswith("2027-05") and stage["end"] == "2027-05-31"
    assert "入学通知书" in stage["title"]
