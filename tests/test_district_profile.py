"""district.json read into a DistrictProfile: every bad file is refused naming what is wrong."""
from __future__ import annotations

import json

import pytest

from admissions.dataset import SAMPLE_DIR
from gis.address import AddressGrammar
from gis.district import DistrictProfile, ProfileError, read_profile, short_name

RECORD = json.loads((SAMPLE_DIR / "district.json").read_text(encoding="utf-8"))


def test_the_sample_profile_round_trips():
    profile = read_profile(SAMPLE_DIR)
    assert DistrictProfile.from_dict(profile.to_dict()) == profile
    assert profile.to_dict() == RECORD
    assert (profile.short_name, profile.city_short, profile.province_short) == (
        "二道", "长春", "吉林")
    assert profile.display_name("en") == "Erdao District"


@pytest.mark.parametrize("name, short", [("二道区", "二道"), ("长春市", "长春"),
                                         ("吉林省", "吉林"), ("农安县", "农安"),
                                         ("广西壮族自治区", "广西壮族"), ("东区", "东区")])
def test_short_names(name, short):
    assert short_name(name) == short


@pytest.mark.parametrize("change, mentions", [
    ({"name": None}, "name"), ({"metric_crs": "EPSG:4326"}, "metric"),
    ({"metric_crs": "EPSG:9999"}, "9999"), ({"bbox": [1, 2, 3]}, "bbox"),
    ({"reference_point": "x"}, "reference_point"), ({"subdistricts": 5}, "subdistricts"),
    ({"neighbours": "南关区"}, "neighbours")])
def test_a_bad_profile_is_refused(change, mentions):
    record = {**RECORD, **change}
    if change.get("name", "") is None:
        del record["name"]
    with pytest.raises(ProfileError, match=mentions):
        DistrictProfile.from_dict(record)


def test_the_grammar_uses_only_the_profile():
    other = DistrictProfile.from_dict({**RECORD, "name": "朝阳区", "city": "北京市",
                                       "province": "北京市", "subdistricts": ["建外街道"],
                                       "neighbours": ["海淀区"]})
    grammar = AddressGrammar(other)
    assert grammar.normalize("北京市朝阳区建国路1号") == "建国路1号"
    assert grammar.parse("建外街道建国路1号").subdistrict == "建外街道"
    assert grammar.other_district("海淀区中关村大街1号") == "海淀区"
    assert grammar.other_district("吉林省长春市二道区临河街1号") == "吉林省"
    assert grammar.normalize("二道区临河街1号") == "二道区临河街1号"


def test_loading_a_dataset_without_a_good_profile_is_refused_clearly(tmp_path):
    from admissions.dataset import load_dataset
    from zones.errors import InvalidData
    (tmp_path / "manifest.json").write_text(json.dumps({"zone_version": {"id": "x"}}))
    with pytest.raises(InvalidData, match="district.json"):
        load_dataset(None, tmp_path)
    (tmp_path / "district.json").write_text(json.dumps({**RECORD, "bbox": "north"}))
    with pytest.raises(InvalidData, match="bbox"):
        load_dataset(None, tmp_path)
