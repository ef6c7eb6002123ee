"""Chinese address normalisation and parsing, for the district a `DistrictProfile` describes.

`AddressGrammar(profile)` compiles the district's prefixes, 街道/镇 and neighbours once.
Pure and fast (precompiled regexes, no heavy dependencies). `normalize` makes spelling
variants of one address equal; `parse` splits it into street/number, 小区/building and the
unit/room detail that does not change the location.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import opencc

from gis.district import DistrictProfile

MAX_LENGTH = 200

_CJK = r"\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万"
_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}

# Only numerals right before one of these are numbers; elsewhere (八里堡, 一中, 四家乡,
# 三道) they belong to a name.
_UNIT_SUFFIX = "号楼|号|栋|幢|座|单元|门|室|户|层|楼|弄|巷|期|组"
_RUN = f"[{_NUMERAL_CHARS}]+"

# Everything but ASCII letters/digits, CJK ideographs, '#' and '-' is noise. Keeping so
# small an alphabet is also what makes normalize idempotent (it is NFKC-stable).
_NOISE = rf"[^0-9a-z#\-{_CJK}]+"
_DROP = re.compile(_NOISE)
_DROP_BETWEEN_DIGITS = re.compile(rf"(?<=\d){_NOISE}(?=\d)")  # "3 2 501" keeps its parts
_RANGE_WORD = re.compile(
    rf"(?<=[\d{_NUMERAL_CHARS}])[至到~〜\u2010-\u2015\u2212\ufe58\ufe63](?=[\d{_NUMERAL_CHARS}])")
_HASH_AFTER_DIGIT = re.compile(r"(?<=\d)#+")
_DASHES = re.compile(r"-{2,}")
_LOOSE_DASH = re.compile(rf"(?<![\d{_NUMERAL_CHARS}])-|-(?![\d{_NUMERAL_CHARS}])")
_NON_DIGIT_DASH = re.compile(r"(?<!\d)-|-(?!\d)")
_NUMERAL_BEFORE_UNIT = re.compile(rf"{_RUN}(?={_UNIT_SUFFIX})")
_NUMERAL_AFTER_MARK = re.compile(rf"(?<=[附之]){_RUN}")
_NUMERAL_RANGE_START = re.compile(rf"{_RUN}(?=-\d+(?:{_UNIT_SUFFIX}))")
_NUMERAL_AT_END = re.compile(rf"(?:(?<=单元)|(?<=[门栋幢座楼街路巷])){_RUN}$")

# A prefix stays when what follows is only a generic institution: …区政府 is a name.
_GENERIC_INSTITUTION = re.compile(
    rf"(?:人民|区|市)?(?:第?[{_NUMERAL_CHARS}\d]+)?(?:实验)?"
    r"(?:政府|委员会|区?委|(?:教育|公安|民政|财政|税务|卫生健康|卫健|人社|住建|城管|文旅)?局"
    r"|公安分局|法院|检察院|(?:中心|中|妇幼保健)?医院|图书馆|文化馆|体育馆|档案馆"
    r"|小学|中学|高中|学校|幼儿园|中|政务(?:服务)?中心)")

_OTHER_PROVINCE = re.compile(rf"([{_CJK}]{{2,3}}省|[{_CJK}]{{2,8}}?自治区)")
_OTHER_CITY = re.compile(rf"([{_CJK}]{{2,4}}?)市(?![场民])")
_OTHER_DISTRICT = re.compile(rf"([{_CJK}]{{2}})区")
_OTHER_COUNTY = re.compile(rf"([{_CJK}]{{2,4}}?)县")
# The last character before 市/区 that makes it an ordinary word (超市, 小区, 东区...).
_NOT_CITY = set("超菜夜门城集股早花鱼都街闹黑坊")
_NOT_DISTRICT = set("小社园校厂景街城营矿片分楼院站组东西南北中期宅苑庭府里村新老学开业")

_STREET_SUFFIX = "大街|大路|胡同|路|街|道|巷"
_HOUSE = re.compile(
    rf"(?P<street>(?:[a-z]{{2,30}})?[{_CJK}]{{0,12}}?(?:{_STREET_SUFFIX}))"
    r"(?P<number>\d{1,6})(?:-(?P<number_to>\d{1,6}))?"
    r"(?:号(?!楼)院?(?P<suffix>附\d{1,4}号?|之\d{1,4}|[甲乙丙丁])?|$)")
_STREET_END = re.compile(f"(?:{_STREET_SUFFIX})$")
_STREET_START = re.compile(f"(?:{_STREET_SUFFIX})")  # 吉林|大路: the prefix is the name
_STREET_ONLY = re.compile(rf"[{_CJK}]{{1,12}}(?<!街道)(?:大街|大路|胡同|路|街|巷)")
# Where a 小区 name written before its street ends (东盛花园|东盛大街120号).
_XIAOQU_END = re.compile(r"花园|小区|家园|公寓|大厦|广场|新村|社区|街道|[苑园城府庭居镇乡村]")
_BUILDING = re.compile(
    r"第?(?<![\da-z-])(?P<label>\d{1,4}|[a-z])"
    r"(?:号楼|栋|幢|座|号(?=\d|$)|楼(?=\d{1,3}(?:单元|门)))")
_SHORTHAND = re.compile(r"(?<!\d)(?P<b>\d{1,3})-(?P<u>\d{1,2})-(?P<r>\d{2,5})(?:室|户)?$")
_DETAIL_START = re.compile(r"第?(?<!\d)\d{1,3}(?:单元|门|层|楼|室|户)")
_UNIT = re.compile(r"第?(?<!\d)(\d{1,3})(?:单元|门)")
_ROOM = re.compile(r"(?<![\da-z])([a-z]?\d{1,6})(?:室|户|房)|(?:^|单元|门|层|楼)(\d{2,6})$")

# Pinyin-IME slips in the generic words, where the number pins the meaning: 自由大陆37号,
# 临河阶709号, 12好, 3冬2单元. Only right before / after digits, where no name would be.
_SOUND_BEFORE_NUMBER = (
    (re.compile(r"(?<=[\u4e00-\u9fff])[陆露录鹿禄炉芦卢](?=\d)"), "路"),
    (re.compile(r"(?<=[\u4e00-\u9fff])[阶接节界届皆杰结洁](?=\d)"), "街"),
    (re.compile(r"(?<=[\u4e00-\u9fff])[向项象像](?=\d)"), "巷"),
)
_SOUND_AFTER_NUMBER = (
    (re.compile(rf"(?<=[\d{_NUMERAL_CHARS}])[好浩豪毫耗昊](?![楼])"), "号"),
    (re.compile(rf"(?<=[\d{_NUMERAL_CHARS}])[冬动洞董懂](?=[\d{_NUMERAL_CHARS}]|单|门|$)"), "栋"),
    (re.compile(rf"(?<=[\d{_NUMERAL_CHARS}])[搂喽篓](?=[\d{_NUMERAL_CHARS}]|单|门|$)"), "楼"),
    (re.compile(r"(?<=\d)单[园圆原员](?=\d)"), "单元"),
)
# Tone marks and ü in typed pinyin (yuán dá jiē, lǜyuan): the toneless letters.
_TONED = re.compile(r"[\u00c0-\u024f\u01cd-\u01dc\u1e00-\u1eff]")
# Where the family says they are relative to a place: kept as detail, never a name.
_DIRECTION = re.compile(
    r"(?<!\d)(?:[东西南北]?(?:门口|门)|正门|后门|侧门|大门|[东西南北](?:侧|边|面)|斜?对面|对过|附近|旁边|周边|"
    r"一带|里面|院内|后身)$")
NEARBY_WORDS = ("对面", "对过", "附近", "旁边", "周边", "一带", "后身")

_COORD = re.compile(
    r"^\s*[(\[]?\s*(-?\d{1,3}\.\d+)\s*°?\s*([nsewNSEW])?\s*[,;、\s]\s*"
    r"(-?\d{1,3}\.\d+)\s*°?\s*([nsewNSEW])?\s*[)\]]?\s*$")
# Coordinates within this many degrees of the district tell their order by their ranges.
REGION_MARGIN_DEG = 1.0


_HAN_CHAR = re.compile(rf"[{_CJK}]")
_LATIN_CHAR = re.compile(r"[a-zA-Z]")
_DIGIT_CHAR = re.compile(r"[0-9０-９]")


def unreadable_kind(text: str) -> str | None:
    """Why a text can be no address of ours, before any search: "symbols" (emoji and
    punctuation only), "digits" (a number without a street or 小区), "script" (letters of
    another script: Москва, 東京 in kana...), or None (worth searching)."""
    letters = [c for c in text if c.isalpha()]
    foreign = [c for c in letters if not (_HAN_CHAR.match(c) or _LATIN_CHAR.match(c)
                                          or unicodedata.normalize("NFKC", c).isascii()
                                          or "\u00c0" <= c <= "\u024f")]
    if not letters:
        return "digits" if _DIGIT_CHAR.search(text) else "symbols"
    if len(foreign) * 2 >= len(letters):
        return "script"
    return None


def latin_only(text: str) -> bool:
    """Only Latin letters (pinyin or English), digits and punctuation: no characters."""
    return _HAN_CHAR.search(text) is None and _LATIN_CHAR.search(text) is not None


class AddressTooLongError(ValueError):
    """The text is longer than MAX_LENGTH characters."""


class OtherDistrictError(ValueError):
    """The text names a place outside the district; `place` says which."""

    def __init__(self, place: str):
        super().__init__(f"address is in {place}, not in this district")
        self.place = place

    def __reduce__(self):
        return type(self), (self.place,)


@dataclass(frozen=True, slots=True)
class AddressQuery:
    """What someone typed, stripped, at most MAX_LENGTH characters, no control characters.

    Built by `zones.inputs.parse_address`; the geocoder trusts it."""

    text: str


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    raw: str
    normalized: str
    street: str | None = None
    number: int | None = None
    number_suffix: str | None = None
    xiaoqu: str | None = None
    building: int | None = None
    building_token: str | None = None
    unit: int | None = None
    room: str | None = None
    detail: str | None = None
    subdistrict: str | None = None
    side: str | None = None  # 东门, 对面, 附近: where the family is relative to the place

    @property
    def nearby(self) -> bool:
        """Only near the place (对面, 附近): it may be across a zone's edge."""
        return self.side in NEARBY_WORDS

    def location_key(self) -> str:
        """The normalised place without unit/room; 号楼/栋/幢/座 all become 栋."""
        parts = []
        if self.street:
            parts.append(self.street)
            if self.number is not None:
                parts.append(f"{self.number}号{self.number_suffix or ''}")
        parts.append(self.xiaoqu or "")
        if self.building is not None:
            parts.append(f"{self.building}栋")
        elif self.building_token:
            parts.append(self.building_token)
        return "".join(parts)


# ---- normalisation ----------------------------------------------------------------------

def chinese_numeral_value(run: str) -> str:
    """Digits for a run of Chinese numerals: 一百二十 -> "120", 一〇二 -> "102"."""
    if not any(c in _MULTIPLIERS or c == "万" for c in run):
        return "".join(str(_DIGIT_VALUES[c]) for c in run)
    total = section = 0
    digit = None
    for c in run:
        if c in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[c]
        elif c == "万":
            section += digit or 0
            total += (section or 1) * 10000
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * _MULTIPLIERS[c]
            digit = None
    return str(total + section + (digit or 0))


def _digits(match: re.Match) -> str:
    return chinese_numeral_value(match.group())


def _toneless(match: re.Match) -> str:
    c = match.group()
    if c in "üǖǘǚǜ":
        return "v"
    return "".join(d for d in unicodedata.normalize("NFD", c) if not unicodedata.combining(d))


def _clean(text: str) -> str:
    text = _TONED.sub(_toneless, unicodedata.normalize("NFKC", text).lower())
    for pattern, word in _SOUND_AFTER_NUMBER:  # 八百二十二好: before numerals become digits
        text = pattern.sub(word, text)
    text = _RANGE_WORD.sub("-", text)
    text = _DROP_BETWEEN_DIGITS.sub("-", text)
    text = _DROP.sub("", text)
    text = _HASH_AFTER_DIGIT.sub("号", text).replace("#", "")
    text = _LOOSE_DASH.sub("", _DASHES.sub("-", text))
    text = _NUMERAL_BEFORE_UNIT.sub(_digits, text)
    text = _NUMERAL_AFTER_MARK.sub(_digits, text)
    text = _NUMERAL_RANGE_START.sub(_digits, text)
    text = _NUMERAL_AT_END.sub(_digits, text)
    for pattern, word in (*_SOUND_BEFORE_NUMBER, *_SOUND_AFTER_NUMBER):
        text = pattern.sub(word, text)
    return _NON_DIGIT_DASH.sub("", text)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if w)


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


class AddressGrammar:
    """Normalising and parsing addresses of one district (see `gis.district`).

    Raises AddressTooLongError for more than MAX_LENGTH characters; `parse` also raises
    OtherDistrictError for an address the text places in another division.
    """

    def __init__(self, profile: DistrictProfile):
        self.profile = profile
        province, city = profile.province_short, profile.city_short
        district = profile.short_name
        # The province, city and district, full or short, in any order. A short form
        # (the city or district without 市/区) may begin a name, so it only goes when
        # another prefix follows it or came before it.
        self._full_prefixes = {profile.province, profile.city, profile.name}
        words = {*self._full_prefixes, province, city, district, "中国"}
        self._prefix_word = re.compile(_alternation(words))
        self._known_other = re.compile(_alternation(profile.neighbours)) \
            if profile.neighbours else None
        self._subdistrict = re.compile(f"({_alternation(profile.subdistricts)})(?=.)") \
            if profile.subdistricts else None
        # traditional characters (臨河街48號) are the same address in simplified ones
        self._simplified = opencc.OpenCC("t2s")
        west, south, east, north = profile.bbox
        self._region_lng = (west - REGION_MARGIN_DEG, east + REGION_MARGIN_DEG)
        self._region_lat = (south - REGION_MARGIN_DEG, north + REGION_MARGIN_DEG)

    @property
    def bare_city(self) -> str:
        """The city without 市: not stripped by normalize (it may begin a street name)."""
        return self.profile.city_short

    # ---- normalisation --------------------------------------------------------------------

    def _strip_prefixes(self, text: str) -> str:
        after_short = False  # 吉林长春乐群街: a chain of short forms
        while True:
            m = self._prefix_word.match(text)
            if m is None:
                return text
            rest = text[m.end():]
            if not rest or _GENERIC_INSTITUTION.fullmatch(rest) or _STREET_START.match(rest):
                return text
            short = m.group() not in self._full_prefixes
            if short and (rest[0] in "省市区县" or not (
                    after_short or self._prefix_word.match(rest) or rest[0].isascii())):
                return text  # a 小区 named after the city, after the district: a name
            text, after_short = rest, short

    def normalize(self, text: str) -> str:
        """Canonical spelling: half-width, no noise, digits for numbers, no province, city
        or district prefix. Raises AddressTooLongError for more than MAX_LENGTH characters.
        """
        if len(text) > MAX_LENGTH:
            raise AddressTooLongError(f"address longer than {MAX_LENGTH} characters")
        if not text.isascii():
            text = self._simplified.convert(text)
        # Removing a character can make a new neighbour pair (三-栋 -> 三栋); repeat to a
        # fixed point so normalize(normalize(x)) == normalize(x). Each round only shrinks
        # the text or turns numerals into digits, so it ends; two rounds are typical.
        for _ in range(8):
            result = self._strip_prefixes(_clean(text))
            if result == text:
                break
            text = result
        return text

    def safe_normalize(self, text: str) -> str:
        """normalize, or "" for text that is no address (too long)."""
        try:
            return self.normalize(text)
        except ValueError:
            return ""

    # ---- other districts ------------------------------------------------------------------

    def other_district(self, text: str) -> str | None:
        """The other province/city/district/county the text names, or None (this district
        or unknown). Raises AddressTooLongError for more than MAX_LENGTH characters."""
        return self._other_district(self.normalize(text))

    def _other_district(self, normalized: str) -> str | None:
        text = normalized.removeprefix("中国")
        m = _OTHER_PROVINCE.match(text)
        if m and not m.group().startswith(self.profile.province):
            return m.group()
        m = _OTHER_CITY.match(text)
        if m and m.group(1) != self.profile.city_short and m.group(1)[-1] not in _NOT_CITY:
            return m.group()
        known = self._known_other.search(text) if self._known_other else None
        if known:
            return known.group()
        m = _OTHER_DISTRICT.match(text)
        if m and m.group(1) != self.profile.short_name and m.group(1)[-1] not in _NOT_DISTRICT:
            return m.group()
        m = _OTHER_COUNTY.match(text)
        if m:
            return m.group()
        return None

    # ---- parsing --------------------------------------------------------------------------

    def parse(self, text: str) -> ParsedAddress:
        """Split an address into its parts.

        Raises AddressTooLongError (more than MAX_LENGTH characters) or OtherDistrictError.
        Coordinates are not addresses: check `parse_coordinates` first.
        """
        return self.parse_normalized(text, self.normalize(text))

    def parse_normalized(self, text: str, normalized: str) -> ParsedAddress:
        """parse, for a text already normalised (normalize runs once per search)."""
        place = self._other_district(normalized)
        if place is not None:
            raise OtherDistrictError(place)
        rest, subdistrict = normalized, None
        m = self._subdistrict.match(rest) if self._subdistrict else None
        if m:
            subdistrict, rest = m.group(1), rest[m.end():]
        return _parse_rest(text, normalized, rest, subdistrict)

    # ---- coordinates ----------------------------------------------------------------------

    def parse_coordinates(self, text: str) -> tuple[float, float] | None:
        """(lat, lng) when the text (at most MAX_LENGTH characters) is just a coordinate
        pair, else None.

        Accepts "lat,lng" or "lng,lat" with comma, Chinese comma, semicolon or space,
        optional ° and N/S/E/W. The order comes from N/S/E/W, else from this region's
        ranges, else a value beyond ±90 must be the longitude, else "lat,lng" is assumed.
        """
        m = _COORD.match(unicodedata.normalize("NFKC", text))
        if m is None:
            return None
        a, a_hemi, b, b_hemi = float(m.group(1)), m.group(2), float(m.group(3)), m.group(4)
        a_hemi, b_hemi = (a_hemi or "").lower(), (b_hemi or "").lower()
        if a_hemi in ("s", "w"):
            a = -abs(a)
        if b_hemi in ("s", "w"):
            b = -abs(b)
        if a_hemi in ("e", "w") or b_hemi in ("n", "s"):
            lat, lng = b, a
        elif a_hemi or b_hemi:
            lat, lng = a, b
        elif _in(b, self._region_lat) and _in(a, self._region_lng):
            lat, lng = b, a
        elif abs(a) > 90 >= abs(b):
            lat, lng = b, a
        else:
            lat, lng = a, b
        if abs(lat) > 90 or abs(lng) > 180:
            return None
        return lat, lng


# ---- parsing ----------------------------------------------------------------------------

def _split_street(street: str) -> tuple[str, str]:
    """("东盛花园", "东盛大街") from "东盛花园东盛大街"; streets like 花园路 stay whole."""
    suffix = _STREET_END.search(street)
    body_end = suffix.start() if suffix else len(street)
    split = 0
    for m in _XIAOQU_END.finditer(street, 0, body_end):
        if m.end() >= 2 and m.end() < body_end:
            split = m.end()
    return street[:split], street[split:]


def _house(text: str) -> tuple[str, int, str | None, str, str] | None:
    m = _HOUSE.search(text)
    if m is None:
        return None
    before, street = _split_street(m.group("street"))
    number = int(m.group("number"))
    suffix = m.group("suffix")
    number_to = m.group("number_to")
    if number_to is not None and int(number_to) <= number and suffix is None:
        suffix = f"-{number_to}"  # 120-1号 is a sub-number, 12-14号 a range
    return street, number, suffix, text[:m.start()] + before, text[m.end():]


def _parse_rest(text: str, normalized: str, rest: str, subdistrict: str | None
                ) -> ParsedAddress:
    side = None
    d = _DIRECTION.search(rest)
    if d and d.start() >= 2:
        side, rest = d.group(), rest[:d.start()]
    street = number = suffix = None
    house = _house(rest)
    if house:
        street, number, suffix, before, after = house
        rest = before + after
    elif _STREET_ONLY.fullmatch(rest):
        street, rest = rest, ""

    building = building_token = None
    name, detail = rest, ""
    b = _BUILDING.search(rest)
    s = _SHORTHAND.search(rest)
    if b:
        name, detail = rest[:b.start()], rest[b.end():]
        building_token = b.group()
        building = int(b.group("label")) if b.group("label").isdigit() else None
    elif s:
        name, detail = rest[:s.start()], f"{s.group('u')}单元{s.group('r')}室"
        building, building_token = int(s.group("b")), f"{s.group('b')}栋"
    else:
        d = _DETAIL_START.search(rest)
        if d:
            name, detail = rest[:d.start()], rest[d.start():]

    unit_match = _UNIT.search(detail)
    room_match = _ROOM.search(detail)
    room = None
    if room_match:
        room = room_match.group(1) or room_match.group(2)
    return ParsedAddress(
        raw=text, normalized=normalized, street=street, number=number,
        number_suffix=suffix, xiaoqu=name or None, building=building,
        building_token=building_token, unit=int(unit_match.group(1)) if unit_match else None,
        room=room, detail=detail or None, subdistrict=subdistrict, side=side)
