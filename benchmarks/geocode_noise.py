"""The noise model: how parents and operators actually type a gazetteer address (issue 12).

Each noisy query is one gazetteer place written with **1 to 3 kinds of noise at once**,
drawn from a seeded random generator. Every query generated is kept: none is filtered out
because it might fail (a deletion can leave a name that is as close to another one; that
is what people type, and the geocoder must then ask, not guess). The kinds:

- prefix       the district's own province / city / district (from its district profile),
               each short or full, any subset, in any order (长春二道, 二道区长春市...);
- numerals     house or building number in Chinese numerals (一二二六 or 一千二百二十六) or
               full-width digits;
- detail       unit and room detail (2单元301室, 3-2-501, 院);
- typo         one character of the name deleted, doubled, swapped with its neighbour, or a
               look-alike (形近字);
- homophone    one character of the name replaced by another with the same toneless pinyin;
- generic      a homophone slip in the generic words next to the number: 路/街/巷
               (陆, 阶, 向) and 号/栋/楼 (好, 冬, 搂);
- alias        a 小区 by one of its aliases, or with 小区 added or dropped;
- direction    a 小区 or landmark with where one stands: 东门, 北门, 对面, 附近, 旁边;
- traditional  the whole text in traditional characters (OpenCC s2t);
- pinyin       name and tail in pinyin, syllables spaced or not, sometimes with tone marks;
- mixed        the first part of the name in pinyin, the rest in characters;
- initials     the name as its pinyin initials (dsdj120号);
- slip         one letter of the typed pinyin replaced by its neighbour on a phone keyboard
               (only with pinyin, mixed or initials);
- spacing      spaces, commas and full-width punctuation, never inside a number.
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

import opencc
from pypinyin import Style, lazy_pinyin

from gis.district import DistrictProfile
from gis.gazetteer import Place

# kinds that write characters, then the ones that change the script, then the frame
CHARACTER_KINDS = ("typo", "homophone", "generic", "alias", "numerals", "detail", "direction")
SCRIPT_KINDS = ("traditional", "pinyin", "mixed", "initials")
FRAME_KINDS = ("prefix", "spacing")
KINDS = (*CHARACTER_KINDS, *SCRIPT_KINDS, "slip", *FRAME_KINDS)
DIGITS = "零一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
LOOK_ALIKE = {"东": "车", "盛": "感", "园": "圆", "苑": "宛", "荣": "莹", "华": "化",
              "新": "亲", "家": "冢", "佳": "住", "城": "诚", "丽": "厕", "景": "京",
              "香": "杳", "湖": "糊", "书": "节", "乐": "东", "群": "郡", "临": "监",
              "河": "何", "达": "込", "远": "运", "民": "氏", "丰": "风", "明": "朋",
              "光": "先", "安": "按", "宁": "守", "广": "厂", "德": "徳", "和": "禾",
              "顺": "须", "兴": "光", "隆": "降", "岭": "玲", "平": "苹", "开": "井",
              "太": "大", "有": "友", "石": "右", "天": "夭", "公": "松", "吉": "古",
              "林": "材", "自": "白", "由": "田", "惠": "慧", "站": "战", "英": "荚",
              "俊": "浚", "泉": "汞", "府": "俯", "庭": "廷", "居": "局", "都": "部",
              "雅": "鸦", "名": "各", "嘉": "喜", "花": "化", "云": "去", "兰": "兴"}
HOMOPHONE_POOL = ("东冬董懂动栋洞盛胜圣生升声省剩园元原圆缘远院愿苑源援荣容蓉融溶绒华化"
                  "花画话滑新心欣辛信星家佳嘉加甲价驾城成程诚承乘丽力立利历理里礼李景京"
                  "经精井静境敬香乡相湘祥想湖胡虎户护互书树叔舒术数乐勒群裙临林琳淋霖河"
                  "和合何荷禾贺达大答打远运员元民敏明名鸣铭丰风峰锋封冯光广安岸按宁凝德"
                  "得顺舜兴星行幸隆龙岭领玲平评萍坪开凯太泰有友又石时实十天田添公工功宫"
                  "吉及级集林自字资由油邮惠慧会汇站战占英营迎俊军君泉全权眼严言府富付庭"
                  "亭停廷居聚局都督雅亚名兰蓝篮云运雲栖西希溪")
GENERIC_SLIPS = {"路": "陆露", "街": "阶接节", "巷": "向项", "号": "好浩", "栋": "冬动",
                 "楼": "搂"}
DIRECTIONS = ("东门", "西门", "南门", "北门", "正门", "对面", "附近", "旁边")
# Neighbours on a phone's QWERTY keyboard (the pinyin IME layout).
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KEY_NEIGHBOURS = {c: "".join(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
                  for row in _ROWS for i, c in enumerate(row)}
_NUMBER = re.compile(r"\d+")
_GENERIC_END = re.compile(r"(大街|大路|路|街|巷)$")


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # "+"-joined kinds, e.g. "typo+prefix"
    place: Place

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.kind.split("+"))


@dataclass
class _Draft:
    """A query being written: the name, its numbered tail, and what goes around them."""
    name: str
    tail: str
    detail: str = ""
    direction: str = ""
    prefix: str = ""
    latin: bool = False  # the name is typed in pinyin letters

    def text(self) -> str:
        return f"{self.prefix}{self.name}{self.tail}{self.detail}{self.direction}"


def chinese_numeral(n: int, rng: random.Random) -> str:
    if rng.random() < 0.4:
        return "".join(DIGITS[int(d)] for d in str(n))
    if n == 0:
        return "零"
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            if zero:
                out.append("零")
            out.append(("" if (unit == "十" and not out and q == 1) else DIGITS[q]) + unit)
            zero = False
        elif out:
            zero = True
    if n:
        if zero:
            out.append("零")
        out.append(DIGITS[n])
    return "".join(out)


def _homophones() -> dict[str, list[str]]:
    by_sound: dict[str, list[str]] = {}
    for c in dict.fromkeys(HOMOPHONE_POOL):
        by_sound.setdefault(lazy_pinyin(c)[0], []).append(c)
    return {c: [o for o in group if o != c] for group in by_sound.values() for c in group}


def _prefix_words(profile: DistrictProfile) -> list[tuple[str, str]]:
    """(full, short) of the province, city and district: from the profile, never literals."""
    return [(profile.province, profile.province_short), (profile.city, profile.city_short),
            (profile.name, profile.short_name)]


NOISE_SEED = 20270301  # the figures' set; the calibration used others (benchmarks/README.md)


class NoiseModel:
    def __init__(self, places: Iterable[Place], profile: DistrictProfile,
                 seed: int = NOISE_SEED):
        self.rng = random.Random(seed)
        self._homophones = _homophones()
        self._prefixes = _prefix_words(profile)
        self._t2s = opencc.OpenCC("s2t")
        self._aliases: dict[str, list[str]] = {}
        for p in places:
            if p.kind == "xiaoqu":
                self._aliases[p.address] = [a for a in p.aliases if a != p.address]

    # ---- the dev set ------------------------------------------------------------------------

    def dev_set(self, places: list[Place], n: int) -> list[Query]:
        return [self.noisy(self.rng.choice(places)) for _ in range(n)]

    def noisy(self, place: Place) -> Query:
        """The place with 1-3 kinds of noise that apply to it, applied in a natural order."""
        eligible = [k for k in KINDS if self.applies(k, place)]
        count = self.rng.choice((1, 1, 2, 2, 3))
        chosen = set(self.rng.sample(eligible, min(count, len(eligible))))
        if "slip" in chosen:
            chosen.discard("traditional")
            if not chosen & {"pinyin", "mixed", "initials"}:
                chosen.add(self.rng.choice(("pinyin", "mixed")))
            while len(chosen) > 3:  # still 1-3 kinds in all
                chosen.discard(self.rng.choice(sorted(chosen - {"slip", "pinyin", "mixed",
                                                                "initials"})))
        script = [k for k in SCRIPT_KINDS if k in chosen]
        for extra in script[1:]:  # one script at a time
            chosen.discard(extra)
        draft = self._draft(place)
        ordered = [k for k in KINDS if k in chosen]
        for kind in ordered:
            getattr(self, f"_{kind}")(draft, place)
        return Query(draft.text(), "+".join(ordered), place)

    def applies(self, kind: str, place: Place) -> bool:
        numbered = place.kind in ("house", "building")
        if kind in ("numerals", "detail"):
            return numbered
        if kind == "generic":
            return numbered
        if kind == "alias":
            return place.kind in ("xiaoqu", "building") and bool(place.xiaoqu)
        if kind == "direction":
            return place.kind in ("xiaoqu", "landmark")
        if kind in ("typo", "homophone"):
            return len(self._draft(place).name) >= 2
        return True

    # ---- the kinds of noise -----------------------------------------------------------------

    def _draft(self, place: Place) -> _Draft:
        if place.kind == "house" and place.street:
            return _Draft(place.street, place.address[len(place.street):])
        if place.kind == "building" and place.xiaoqu:
            return _Draft(place.xiaoqu, place.address[len(place.xiaoqu):])
        name = place.aliases[0] if place.kind == "landmark" and place.aliases else place.address
        return _Draft(name, "")

    def _position(self, name: str) -> int:
        """A character of the name's own part (not the 街/路 at its end)."""
        m = _GENERIC_END.search(name)
        end = m.start() if m and m.start() >= 1 else len(name)
        return self.rng.randrange(max(end, 1))

    def _typo(self, d: _Draft, place: Place) -> None:
        name, i = d.name, self._position(d.name)
        how = self.rng.choice(("delete", "double", "swap", "look_alike"))
        if how == "delete" and len(name) > 2:
            d.name = name[:i] + name[i + 1:]
        elif how == "swap" and i + 1 < len(name):
            d.name = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        elif how == "look_alike" and name[i] in LOOK_ALIKE:
            d.name = name[:i] + LOOK_ALIKE[name[i]] + name[i + 1:]
        else:
            d.name = name[:i] + name[i] + name[i:]

    def _homophone(self, d: _Draft, place: Place) -> None:
        options = [j for j, c in enumerate(d.name) if self._homophones.get(c)]
        if options:
            j = self.rng.choice(options)
            d.name = d.name[:j] + self.rng.choice(self._homophones[d.name[j]]) + d.name[j + 1:]

    def _generic(self, d: _Draft, place: Place) -> None:
        m = _GENERIC_END.search(d.name)
        if place.kind == "house" and m and self.rng.random() < 0.6:
            last = d.name[-1]
            d.name = d.name[:-1] + self.rng.choice(GENERIC_SLIPS[last])
            return
        for word, slips in GENERIC_SLIPS.items():
            if word in d.tail:
                d.tail = d.tail.replace(word, self.rng.choice(slips), 1)
                return

    def _alias(self, d: _Draft, place: Place) -> None:
        xiaoqu = place.xiaoqu or place.address
        aliases = self._aliases.get(xiaoqu) or []
        if aliases and self.rng.random() < 0.7:
            d.name = self.rng.choice(aliases)
        elif d.name.endswith("小区"):
            d.name = d.name.removesuffix("小区")
        else:
            d.name = d.name + "小区"

    def _numerals(self, d: _Draft, place: Place) -> None:
        if self.rng.random() < 0.25:
            d.tail = d.tail.translate(FULL_WIDTH)
        else:
            d.tail = _NUMBER.sub(lambda m: chinese_numeral(int(m.group()), self.rng), d.tail)

    def _detail(self, d: _Draft, place: Place) -> None:
        unit = self.rng.randint(1, 6)
        room = self.rng.randint(1, 18) * 100 + self.rng.randint(1, 4)
        if place.kind == "building":
            if self.rng.random() < 0.3 and d.tail and d.tail[0].isdigit():
                d.tail = _NUMBER.match(d.tail).group()
                d.detail = f"-{unit}-{room}"
            else:
                d.detail = f"{unit}{self.rng.choice(('单元', '门'))}{room}室"
        else:
            d.detail = self.rng.choice(("院", f"{unit}单元{room}室", f"{room}室"))

    def _direction(self, d: _Draft, place: Place) -> None:
        d.direction = self.rng.choice(DIRECTIONS)

    def _traditional(self, d: _Draft, place: Place) -> None:
        for field in ("name", "tail", "detail", "direction"):
            setattr(d, field, self._t2s.convert(getattr(d, field)))

    def _spoken(self, text: str, tones: bool) -> list[str]:
        return lazy_pinyin(text, style=Style.TONE) if tones else lazy_pinyin(text)

    def _pinyin(self, d: _Draft, place: Place) -> None:
        tones = self.rng.random() < 0.2
        spaced = self.rng.random() < 0.5
        glue = " " if spaced else ""
        d.name = glue.join(self._spoken(d.name, tones))
        tail = _NUMBER.sub(lambda m: f" {m.group()} ", d.tail)
        if self.rng.random() < 0.5:  # 号/栋 left in characters, as IMEs often do
            d.tail = re.sub(r"\s+", "", tail)
        else:
            d.tail = " " + " ".join(self._spoken(tail, tones)).strip()
        d.latin = True

    def _mixed(self, d: _Draft, place: Place) -> None:
        m = _GENERIC_END.search(d.name)
        cut = m.start() if m and m.start() >= 1 else max(1, len(d.name) // 2)
        d.name = "".join(lazy_pinyin(d.name[:cut])) + d.name[cut:]
        d.latin = True

    def _initials(self, d: _Draft, place: Place) -> None:
        d.name = "".join(s[0] for s in lazy_pinyin(d.name) if s)
        d.latin = True

    def _slip(self, d: _Draft, place: Place) -> None:
        letters = [i for i, c in enumerate(d.name) if c in KEY_NEIGHBOURS]
        if letters:
            i = self.rng.choice(letters)
            d.name = d.name[:i] + self.rng.choice(KEY_NEIGHBOURS[d.name[i]]) + d.name[i + 1:]

    def _prefix(self, d: _Draft, place: Place) -> None:
        words = self.rng.sample(self._prefixes, self.rng.randint(1, 3))
        if self.rng.random() < 0.7:  # most people write them from the largest down
            words.sort(key=self._prefixes.index)
        d.prefix = "".join(self.rng.choice(pair) for pair in words)

    def _spacing(self, d: _Draft, place: Place) -> None:
        text = d.name
        out = []
        for c, after in zip(text, text[1:] + " ", strict=True):
            out.append(c)
            if not (c.isdigit() and after.isdigit()) and self.rng.random() < 0.2:
                out.append(self.rng.choice((" ", "  ", "，", ",", "、", "　")))
        d.name = "".join(out)
        if self.rng.random() < 0.5:
            d.prefix = "（" + d.prefix
            d.direction += "）"


def short_queries(places: Iterable[Place]) -> list[tuple[str, Place]]:
    """Every 小区 name cut to 2 and 3 characters (when shorter than the name)."""
    out = []
    for place in places:
        if place.kind == "xiaoqu":
            for n in (2, 3):
                if len(place.address) > n:
                    out.append((place.address[:n], place))
    return out
