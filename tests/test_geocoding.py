"""The gazetteer geocoder, stage by stage, on a small hand-made gazetteer whose right
answers are known by construction; and its geopy interface."""
from __future__ import annotations

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from hypothesis import given, settings
from hypothesis import strategies as st

from gis import crs
from gis.address import AddressTooLongError
from gis.fuzzy_index import FuzzyIndex
from gis.gazetteer import Place
from gis.geocoding import GazetteerGeocoder
from gis.street_numbers import StreetNumbers
from gis.suggest import Suggester
from tests.sample_district import METRIC, SAMPLE_GRAMMAR

X0, Y0 = 520000.0, 4857000.0
SIDE_M = 20.0  # odd numbers 20 m north of the centre line, even 20 m south
MISSING = {21, 22, 40}


def _place(address: str, x: float, y: float, **fields) -> Place:
    lng, lat = crs.from_metric(x, y, METRIC)
    return Place(address=address, lng=round(float(lng), 7), lat=round(float(lat), 7),
                 **fields)


def house_xy(number: int) -> tuple[float, float]:
    return X0 + number * 8.0, Y0 + (SIDE_M if number % 2 else -SIDE_M)


def _gazetteer() -> list[Place]:
    places = [_place(f"东盛大街{n}号", *house_xy(n), kind="house", street="东盛大街", number=n)
              for n in range(1, 61) if n not in MISSING]
    places += [_place(f"临河街{n}号", X0 + n * 8.0, Y0 + 3000, kind="house", street="临河街",
                      number=n) for n in range(1, 31)]
    places.append(_place("东盛花苑", X0, Y0 + 1000, kind="xiaoqu", xiaoqu="东盛花苑",
                         aliases=("东盛小区", "东盛花苑小区")))
    places += [_place(f"东盛花苑{b}栋", X0 + b * 50, Y0 + 1050, kind="building",
                      xiaoqu="东盛花苑", building=f"{b}栋", aliases=(f"东盛花苑{b}号楼",))
               for b in range(1, 7)]
    for name, dx in (("东湖佳苑", 0.0), ("东湖嘉园", 2000.0)):  # the same sound
        places.append(_place(name, X0 + dx, Y0 + 2000, kind="xiaoqu", xiaoqu=name))
        places.append(_place(f"{name}1栋", X0 + dx, Y0 + 2050, kind="building", xiaoqu=name,
                             building="1栋"))
    places.append(_place("荣光广场（示例）", X0 + 500, Y0 + 500, kind="landmark",
                         aliases=("荣光广场",)))
    return places


PLACES = _gazetteer()
BY_ADDRESS = {p.address: p for p in PLACES}


@pytest.fixture(scope="module")
def geocoder() -> GazetteerGeocoder:
    return GazetteerGeocoder(PLACES, SAMPLE_GRAMMAR)


def metres_from(place: Place, x: float, y: float) -> float:
    lng, lat = crs.from_metric(x, y, METRIC)
    return crs.distance_m(place.lng, place.lat, float(lng), float(lat))


def test_exact(geocoder):
    result = geocoder.search("东盛大街3号")
    assert (result.status, result.method, result.confidence) == ("found", "exact", 1.0)
    assert result.place == BY_ADDRESS["东盛大街3号"]


@pytest.mark.parametrize("query, expected", [
    ("吉林省长春市二道区东盛大街３号", "东盛大街3号"),
    ("长春市 东盛大街 三号", "东盛大街3号"),
    ("东盛花苑3号楼2单元301室", "东盛花苑3栋"),
    ("东盛花苑3幢", "东盛花苑3栋"),
    ("东盛花苑三栋", "东盛花苑3栋"),
    ("荣光广场", "荣光广场（示例）"),
])
def test_normalized(geocoder, query, expected):
    result = geocoder.search(query)
    assert result.status == "found", result
    assert result.method == "normalized"
    assert result.place.address == expected
    assert 0.9 <= result.confidence < 1.0


@pytest.mark.parametrize("query", ["东盛小区3号楼", "东盛小区3栋1单元502", "东盛3号楼"])
def test_compound_alias_plus_building(geocoder, query):
    result = geocoder.search(query)
    assert (result.status, result.method) == ("found", "compound"), result
    assert result.place.address == "东盛花苑3栋"


@pytest.mark.parametrize("number", sorted(MISSING - {40}) + [40])
def test_interpolation_on_the_right_side_of_the_street(geocoder, number):
    result = geocoder.search(f"东盛大街{number}号")
    assert (result.status, result.method) == ("found", "interpolated"), result
    place = result.place
    assert (place.street, place.number, place.kind) == ("东盛大街", number, "interpolated")
    # where the number would be: same side as its parity, between its neighbours
    assert metres_from(place, *house_xy(number)) < 1.0
    wrong_side = house_xy(number)[0], house_xy(number)[1] - 2 * (
        SIDE_M if number % 2 else -SIDE_M)
    assert metres_from(place, *wrong_side) > 35.0


def test_interpolation_uses_same_parity_neighbours_only():
    numbers = StreetNumbers([PLACES[0], BY_ADDRESS["东盛大街2号"], BY_ADDRESS["东盛大街5号"]])
    match = numbers.locate("东盛大街", 3)  # between 1 and 5, not 2
    assert match is not None and not match.exact
    assert metres_from(match.place, *house_xy(3)) < 1.0


def test_numbers_far_beyond_the_street_are_not_invented(geocoder):
    result = geocoder.search("东盛大街3999号")
    assert result.status != "found"
    assert all(c.place.number != 3999 or c.place.street != "东盛大街"
               for c in result.candidates)


def test_fuzzy_typo(geocoder):
    result = geocoder.search("东盛化苑5栋")  # 化 for 花
    assert result.place.address == "东盛花苑5栋"
    assert result.method in ("fuzzy", "pinyin")
    transposed = geocoder.search("盛东花苑5栋")
    assert transposed.place.address == "东盛花苑5栋"
    assert transposed.method == "fuzzy"


def test_fuzzy_never_changes_the_number(geocoder):
    result = geocoder.search("临河街299号")  # 临河街29号 is one character away
    assert "临河街29号" not in [c.place.address for c in result.candidates]
    assert result.status != "found"


@pytest.mark.parametrize("query, expected", [
    ("dongsheng dajie 5 hao", "东盛大街5号"),
    ("Dongsheng Dajie 12hao", "东盛大街12号"),
    ("dongshenghuayuan 2 hao lou", "东盛花苑2栋"),
    ("donghu jiayuan", None),  # both 东湖佳苑 and 东湖嘉园: must not pick one
    ("东胜花苑4栋", "东盛花苑4栋"),  # homophone
    ("rongguang guangchang", "荣光广场（示例）"),
])
def test_pinyin_and_homophones(geocoder, query, expected):
    result = geocoder.search(query)
    if expected is None:
        assert result.status == "ambiguous"
        return
    assert result.status == "found", result
    assert result.method == "pinyin"
    assert result.place.address == expected


def test_close_scores_are_ambiguous_with_ranked_candidates(geocoder):
    result = geocoder.search("东湖家园1栋")  # 家 jia: 佳苑 or 嘉园?
    assert result.status == "ambiguous"
    addresses = [c.place.address for c in result.candidates]
    assert {"东湖佳苑1栋", "东湖嘉园1栋"} <= set(addresses)
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_nothing_like_it_is_not_found(geocoder):
    assert geocoder.search("完全不相干的地方").status == "not_found"
    assert geocoder.search("   ").status == "not_found"
    assert geocoder.search("！？。，").status == "not_found"


def test_errors_are_documented_ones(geocoder):
    with pytest.raises(AddressTooLongError):
        geocoder.search("东" * 201)
    other = geocoder.search("北京市朝阳区建国路1号")  # an answer, not an exception
    assert (other.status, other.other_district, other.candidates) == ("other_district",
                                                                       "北京市", ())
    assert geocoder.geocode("北京市朝阳区建国路1号") is None


def test_geopy_interface(geocoder):
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("东盛小区3号楼")
    assert isinstance(location, Location)
    place = BY_ADDRESS["东盛花苑3栋"]
    assert (location.latitude, location.longitude) == pytest.approx((place.lat, place.lng))
    assert location.address == "东盛花苑3栋"
    assert location.raw["confidence"] == 0.97
    assert location.raw["method"] == "compound"
    assert location.raw["candidates"][0]["address"] == "东盛花苑3栋"
    many = geocoder.geocode("东湖家园1栋", exactly_one=False)
    assert isinstance(many, list) and len(many) >= 2
    assert all(loc.raw["status"] == "ambiguous" for loc in many)
    assert geocoder.geocode("完全不相干的地方") is None


def test_fuzzy_index_prefilter_finds_a_typo_among_many_names():
    names = [f"{a}{b}{c}花园" for a in "东南西北中上下左右前" for b in "盛荣华新家佳城丽景香"
             for c in "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸"] * 5
    index = FuzzyIndex(names)
    (position, score), *_ = index.search("北丽丁花圆", limit=3)
    assert names[position] == "北丽丁花园" and score >= 75
    assert index.search("", limit=3) == [] and index.search("🙂", limit=3) == []


# ---- suggestions ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def suggester(geocoder) -> Suggester:
    return Suggester(geocoder)


def test_suggest_prefix_ranks_xiaoqu_before_buildings(suggester):
    found = [p.address for p in suggester.suggest("东盛花")]
    assert found[0] == "东盛花苑"
    assert found[1:7] == [f"东盛花苑{b}栋" for b in range(1, 7)]


def test_suggest_starts_at_the_second_character(suggester):
    assert suggester.suggest("东") == []
    assert len(suggester.suggest("东盛")) == 10


def test_suggest_pinyin_alias_and_typo(suggester):
    assert suggester.suggest("dongshengh")[0].address == "东盛花苑"
    assert suggester.suggest("东盛小区")[0].address == "东盛花苑"
    assert "东盛花苑" in [p.address for p in suggester.suggest("东盛化苑")]


# ---- arbitrary input --------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(max_size=220))
def test_arbitrary_unicode_never_raises_undocumented_errors(geocoder, suggester, text):
    try:
        result = geocoder.search(text)
    except AddressTooLongError:
        pass
    else:
        assert result.status in ("found", "ambiguous", "not_found", "other_district")
        assert 0.0 <= result.confidence <= 1.0
    suggestions = suggester.suggest(text)
    assert len(suggestions) <= 10


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("东盛大街花苑小区号楼栋单元室一二三四五六七八九十"
                                         "0123456789-# ，dongshenghuayuan"), max_size=40))
def test_address_like_noise_never_raises(geocoder, suggester, text):
    try:
        geocoder.search(text)
    except AddressTooLongError:
        pass
    suggester.suggest(text)


def test_a_known_name_with_more_words_is_offered_not_asserted(geocoder):
    result = geocoder.search("东盛花苑北门对面的超市")
    assert result.status == "ambiguous"
    assert result.place.address == "东盛花苑"


# ---- issue 12: partitioned fuzzy search, syllable typos, initials slips -------------------

def test_whole_address_fuzzy_search_stays_among_the_same_numbers():
    from gis.fuzzy_index import PartitionedIndex
    index = PartitionedIndex(["临河街1662号", "临河街66号", "临和街1662号"],
                             lambda name: tuple(c for c in name if c.isdigit()))
    found = [name for name, _ in index.search("临河接1662号", 5)]
    assert found[0] == "临河街1662号" and "临河街66号" not in found
    assert index.search("临河街7号", 5) == []  # no address with that number


def test_a_small_index_scores_every_name():
    index = FuzzyIndex(["东盛花苑", "丁香名苑", "临河佳苑"])
    assert sorted(index.prefilter("完全不同", 2)) == [0, 1, 2]
    assert index.names[index.search("丁香名园", 1)[0][0]] == "丁香名苑"


def test_syllable_typos_and_initials_slips_are_candidates_never_sure():
    from gis.names import INITIALS, NameSpace
    streets = NameSpace([("乐群街", ()), ("公平路", ()), ("临河街", ())],
                        SAMPLE_GRAMMAR.safe_normalize)
    swapped = {h.name: h for h in streets.resolve("qunlejie")}  # 群乐街, typed in pinyin
    assert swapped["乐群街"].score < 0.82
    slip = {h.name: h for h in streets.resolve("gpk")}  # l -> k on a phone keyboard
    assert slip["公平路"].method == "initials" and slip["公平路"].score < INITIALS
    assert "临河街" not in {h.name for h in streets.resolve("gpk") if h.method == "initials"}


def test_exact_initials_are_asked_when_another_name_is_one_key_away():
    from gis.geocoding import Candidate, decide
    a, b = (Place(name, 0.0, 0.0, kind="xiaoqu") for name in ("东盛花苑", "东盛公园"))
    result = decide([Candidate(a, 0.9, "initials"), Candidate(b, 0.79, "initials")])
    assert result.status == "ambiguous" and result.place == a
    assert decide([Candidate(a, 0.9, "initials")]).status == "found"


def test_a_slip_in_typed_pinyin_is_a_neighbouring_key_or_a_letter_dropped_or_doubled():
    from gis.names import slip_score
    assert slip_score("dongshemg", "dongsheng") > 0.85   # m is n's neighbour
    assert slip_score("dongshenng", "dongsheng") > 0.85  # a letter doubled
    assert slip_score("dongsheg", "dongsheng") > 0.85    # a letter dropped
    # y for d is no slip: fuyouhuayuan (由富花园 typed with a swap) is not 府都花园
    assert slip_score("fuyouhuayuan", "fudouhuayuan") == 0.0


def test_a_sound_one_letter_off_in_characters_is_a_near_homophone_not_a_slip():
    from gis.names import PINYIN, NameSpace
    streets = NameSpace([("锦达路", ()), ("景江大路", ())], SAMPLE_GRAMMAR.safe_normalize)
    typed_pinyin = {h.name: h for h in streets.resolve("jingdalu")}["锦达路"]
    in_characters = {h.name: h for h in streets.resolve("境达路")}["锦达路"]  # jing for jin
    assert typed_pinyin.method == "pinyin" and typed_pinyin.score < PINYIN
    assert in_characters.method == "fuzzy" and in_characters.score < typed_pinyin.score
