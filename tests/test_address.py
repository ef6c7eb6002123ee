
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gis.address import (
    MAX_LENGTH,
    AddressTooLongError,
    OtherDistrictError,
    ParsedAddress,
    chinese_numeral_value,
)
from tests.sample_district import SAMPLE_GRAMMAR

# The sample district's grammar (its district.json): 吉林省长春市二道区, its 街道, neighbours.
normalize = SAMPLE_GRAMMAR.normalize
other_district = SAMPLE_GRAMMAR.other_district
parse = SAMPLE_GRAMMAR.parse
parse_coordinates = SAMPLE_GRAMMAR.parse_coordinates

# ---- normalize --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("东盛大街一百二十号", "东盛大街120号"),
    ("东盛花园三栋", "东盛花园3栋"),
    ("二单元", "2单元"),
    ("十二号楼", "12号楼"),
    ("一〇二室", "102室"),
    ("两栋", "2栋"),
    ("二十幢", "20幢"),
    ("五座", "5座"),
    ("三门", "3门"),
    ("九层", "9层"),
    ("二期", "2期"),
    ("十二-十四号", "12-14号"),
    ("十二至十四号", "12-14号"),
    ("东盛大街120号附二", "东盛大街120号附2"),
    ("东盛花园3栋2单元五零一", "东盛花园3栋2单元501"),
    ("东盛大街一百二十", "东盛大街120"),
    ("一千零五号", "1005号"),
    ("第三单元", "第3单元"),
])
def test_numerals_become_digits(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("name", ["二道区政府", "八里堡", "四家乡", "一中", "三道", "九台路",
                                  "第一实验小学", "二道区一中", "万达广场"])
def test_numerals_inside_names_stay(name):
    assert normalize(name) == name


@pytest.mark.parametrize("run, value", [
    ("一", "1"), ("十", "10"), ("十二", "12"), ("二十", "20"), ("一百二十", "120"),
    ("一〇二", "102"), ("两千零一十", "2010"), ("一万零五", "10005"), ("零", "0"),
])
def test_chinese_numeral_value(run, value):
    assert chinese_numeral_value(run) == value


@pytest.mark.parametrize("text", [
    "吉林省长春市二道区东盛大街120号", "吉林长春二道区东盛大街120号", "长春市二道区东盛大街120号",
    "长春二道东盛大街120号", "二道区东盛大街120号", "中国吉林省长春市二道区东盛大街120号",
    "吉林省 长春市 二道区 东盛大街 120 号", "东盛大街120号", "东盛大街１２０号",
    "东盛大街（120号）",
])
def test_prefixes_whitespace_and_width_are_removed(text):
    assert normalize(text) == "东盛大街120号"


@pytest.mark.parametrize("text, expected", [
    ("二道区政府", "二道区政府"),
    ("长春市二道区政府", "二道区政府"),
    ("二道区教育局", "二道区教育局"),
    ("二道区人民法院", "二道区人民法院"),
    ("吉林大路100号", "吉林大路100号"),
    ("吉林街道东盛花园", "吉林街道东盛花园"),
    ("长春大学", "长春大学"),
    ("二道东盛大街", "二道东盛大街"),  # a bare 二道 is only a prefix after 长春
    ("长春二道", "二道"),
])
def test_prefixes_that_are_part_of_a_name_stay(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("<script>alert(1)</script>东盛花园", "scriptalert1script东盛花园"),
    ("东盛花园😀\u200b\x00\t3栋", "东盛花园3栋"),
    ("'; DROP TABLE x;--东盛", "droptablex东盛"),
    ("ＡＢＣ座", "abc座"),
    ("东盛花园3#楼", "东盛花园3号楼"),
    ("东盛花园 3 2 501", "东盛花园3-2-501"),
    ("东盛大街12—14号", "东盛大街12-14号"),
    ("---", ""),
    ("", ""),
])
def test_noise_is_stripped(text, expected):
    assert normalize(text) == expected


def test_length_limit():
    assert normalize("东" * MAX_LENGTH) == "东" * MAX_LENGTH
    with pytest.raises(AddressTooLongError):
        normalize("东" * (MAX_LENGTH + 1))
    with pytest.raises(AddressTooLongError):
        parse("东" * (MAX_LENGTH + 1))
    assert issubclass(AddressTooLongError, ValueError)


# ---- parse ------------------------------------------------------------------------------

def fields(p: ParsedAddress) -> dict:
    return {k: getattr(p, k) for k in ("street", "number", "number_suffix", "xiaoqu", "building",
                                       "unit", "room")}


EMPTY = dict.fromkeys(("street", "number", "number_suffix", "xiaoqu", "building", "unit",
                       "room"))


@pytest.mark.parametrize("text, expected, key", [
    ("吉林省长春市二道区东盛大街120号", {"street": "东盛大街", "number": 120}, "东盛大街120号"),
    ("东盛花园3号楼2单元501室", {"xiaoqu": "东盛花园", "building": 3, "unit": 2, "room": "501"},
     "东盛花园3栋"),
    ("东盛花园三栋二单元", {"xiaoqu": "东盛花园", "building": 3, "unit": 2}, "东盛花园3栋"),
    ("临河街１６６２号", {"street": "临河街", "number": 1662}, "临河街1662号"),
    ("东盛大街一百二十号", {"street": "东盛大街", "number": 120}, "东盛大街120号"),
    ("东盛大街120号东盛花园5栋", {"street": "东盛大街", "number": 120, "xiaoqu": "东盛花园",
                                  "building": 5}, "东盛大街120号东盛花园5栋"),
    ("二道区政府", {"xiaoqu": "二道区政府"}, "二道区政府"),
    ("东盛大街12-14号", {"street": "东盛大街", "number": 12}, "东盛大街12号"),
    ("东盛大街120号附2", {"street": "东盛大街", "number": 120, "number_suffix": "附2"},
     "东盛大街120号附2"),
    ("东盛大街120号甲", {"street": "东盛大街", "number": 120, "number_suffix": "甲"},
     "东盛大街120号甲"),
    ("东盛花园5号2单元", {"xiaoqu": "东盛花园", "building": 5, "unit": 2}, "东盛花园5栋"),
    ("东盛花园3-2-501", {"xiaoqu": "东盛花园", "building": 3, "unit": 2, "room": "501"},
     "东盛花园3栋"),
    ("东盛花园12栋1201", {"xiaoqu": "东盛花园", "building": 12, "room": "1201"}, "东盛花园12栋"),
    ("东盛花园二期3栋", {"xiaoqu": "东盛花园2期", "building": 3}, "东盛花园2期3栋"),
    ("东盛花园东盛大街120号3栋", {"street": "东盛大街", "number": 120, "xiaoqu": "东盛花园",
                                  "building": 3}, "东盛大街120号东盛花园3栋"),
    ("花园路3号", {"street": "花园路", "number": 3}, "花园路3号"),
    ("东盛大街", {"street": "东盛大街"}, "东盛大街"),
    ("东盛大街一百二十", {"street": "东盛大街", "number": 120}, "东盛大街120号"),
])
def test_parse_examples(text, expected, key):
    p = parse(text)
    assert fields(p) == {**EMPTY, **expected}
    assert p.raw == text
    assert p.location_key() == key


def test_building_words_are_equivalent_and_detail_does_not_change_the_key():
    spellings = ("东盛花园3号楼", "东盛花园3栋", "东盛花园3幢", "东盛花园三座",
                 "东盛花园第三栋2单元", "东盛花园3栋5门1201室")
    keys = {parse(t).location_key() for t in spellings}
    assert keys == {"东盛花园3栋"}
    p = parse("东盛花园3号楼2单元501室")
    assert p.building_token == "3号楼" and p.detail == "2单元501室"


def test_letter_buildings_keep_their_token():
    p = parse("东盛花园A座1201")
    assert (p.building, p.building_token, p.room) == (None, "a座", "1201")
    assert p.location_key() == "东盛花园a座"


def test_subdistrict_is_recorded_but_not_part_of_the_key():
    p = parse("东盛街道东盛大街120号")
    assert (p.subdistrict, p.street, p.number) == ("东盛街道", "东盛大街", 120)
    assert p.location_key() == "东盛大街120号"
    assert parse("吉林街道东盛花园3栋").location_key() == "东盛花园3栋"


def test_parsed_address_is_frozen():
    p = parse("东盛大街120号")
    with pytest.raises(AttributeError):
        p.number = 1


# ---- other districts --------------------------------------------------------------------

@pytest.mark.parametrize("text, place", [
    ("北京市朝阳区建国路1号", "北京市"),
    ("长春市朝阳区东盛大街1号", "朝阳区"),
    ("吉林省长春市南关区人民大街1号", "南关区"),
    ("宽城区", "宽城区"), ("绿园区", "绿园区"), ("双阳区", "双阳区"), ("九台区", "九台区"),
    ("农安县", "农安县"), ("德惠市", "德惠市"), ("净月潭", "净月"), ("长春市高新区", "高新区"),
    ("经开区东方广场", "经开区"), ("上海市南京路1号", "上海市"), ("吉林省吉林市船营区", "吉林市"),
    ("吉林省四平市", "四平市"), ("黑龙江省哈尔滨市", "黑龙江省"), ("海淀区中关村", "海淀区"),
    ("中国北京市", "北京市"), ("梨树县", "梨树县"),
])
def test_other_districts_are_rejected(text, place):
    with pytest.raises(OtherDistrictError) as err:
        parse(text)
    assert err.value.place == place
    assert other_district(text) == place


@pytest.mark.parametrize("text", [
    "东盛小区3栋", "欧亚超市", "东方都市花园", "东盛市场", "东盛东区", "北京路5号", "吉林大路100号",
    "长春大学", "长春市二道区政府", "二道区实验小学", "吉林街道", "八里堡街道", "四家乡二组",
    "劝农山镇", "泉眼镇",
])
def test_erdao_places_are_not_rejected(text):
    assert other_district(text) is None
    parse(text)


# ---- coordinates ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["43.87,125.38", "125.38,43.87", "43.87，125.38", "43.87 125.38",
                                  "(43.87, 125.38)", "４３．８７，１２５．３８", "125.38;43.87",
                                  "43.87N, 125.38E", "125.38°E 43.87°N", " 43.87 , 125.38 "])
def test_coordinates_in_either_order(text):
    assert parse_coordinates(text) == (43.87, 125.38)


@pytest.mark.parametrize("text, expected", [
    ("30.5,120.5", (30.5, 120.5)), ("120.5,30.5", (30.5, 120.5)), ("12.5,34.5", (12.5, 34.5)),
    ("33.9S, 18.4E", (-33.9, 18.4)), ("-33.9,-70.6", (-33.9, -70.6)),
])
def test_coordinates_outside_the_region(text, expected):
    assert parse_coordinates(text) == expected


@pytest.mark.parametrize("text", ["1,2", "43.87", "200.1,300.2", "东盛大街120号", "3-2-501",
                                  "43.87,125.38,7.1", "x" * 300, ""])
def test_not_coordinates(text):
    assert parse_coordinates(text) is None


# ---- robustness -------------------------------------------------------------------------

ADDRESSY = st.text(alphabet=st.sampled_from(list(
    "零〇一二两三四五六七八九十百千万号楼栋幢座单元门室户层期组附之甲至到-—~#－ ,.，。0123456789"
    "东盛花园大街路道区二长春市吉林省中国政府a")), max_size=40)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=MAX_LENGTH), ADDRESSY))
def test_normalize_is_idempotent_and_total(text):
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), ADDRESSY))
def test_parse_raises_only_documented_errors(text):
    try:
        p = parse(text)
    except (AddressTooLongError, OtherDistrictError):
        return
    assert p.normalized == normalize(text)
    p.location_key()
    assert parse_coordinates(text) is None or len(parse_coordinates(text)) == 2
