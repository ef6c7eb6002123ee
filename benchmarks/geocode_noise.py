"""The noise model: how parents and operators actually type a gazetteer address.

Each noisy query is one gazetteer place written with one kind of noise (so the benchmark can
report accuracy per kind), chosen round-robin, from a seeded random generator:

- prefix       吉林省长春市二道区 / 长春市二道区 / 二道区 / 长春市 / 长春二道 in front;
- numerals     the house or building number in Chinese numerals (一百二十, or 一二零 digit
               by digit) or in full-width digits (１２０);
- suffix       号楼 / 栋 / 幢 swapped for a building, and unit and room detail added
               (2单元301室, 3-2-501, 2门302);
- typo         one character of the *name* (never of the number: a wrong number is another
               house) deleted, doubled, swapped with its neighbour, or replaced by a
               similar-looking character (a fixed table of common look-alikes). A deletion
               is only made when the name's distinctive part (before 大街, 花园...) keeps
               two characters: 祥大路 is as much 乐祥大路 as 柏祥大路, and no geocoder can
               know which, so it would measure a coin toss (it is doubled instead);
- homophone    one character of the name replaced by another with the same toneless pinyin,
               the classic pinyin-IME slip (东盛 -> 东胜);
- pinyin       the whole address in toneless pinyin, syllables or words spaced
               ("dong sheng da jie 120 hao", "dongshenghuayuan 3 hao lou");
- spacing      spaces, commas, brackets and full-width forms sprinkled in, but never inside
               a number ("12 40" is two numbers: building 12, room 40);
- alias        a 小区 written by one of its aliases or nicknames, or with 小区 added or
               dropped.

Each kind is drawn from the places it applies to: numerals and suffix from houses and
buildings, alias from 小区 and their buildings, typo and homophone from places whose name
has three characters or more (in a two-character name one changed character is a
different name, not a typo), the others from every place.
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from gis.gazetteer import Place

KINDS = ("prefix", "numerals", "suffix", "typo", "homophone", "pinyin", "spacing", "alias")
PREFIXES = ("吉林省长春市二道区", "长春市二道区", "二道区", "长春市", "长春二道", "吉林长春")
DIGITS = "零一二三四五六七八九"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# Look-alike characters that appear in the gazetteer's names (形近字).
LOOK_ALIKE = {"东": "车", "盛": "感", "园": "圆", "苑": "宛", "荣": "莹", "华": "化",
              "新": "亲", "家": "冢", "佳": "住", "城": "诚", "丽": "厕", "景": "京",
              "香": "杳", "湖": "糊", "书": "节", "乐": "东", "群": "郡", "临": "监",
              "河": "何", "达": "込", "远": "运", "大": "太", "路": "跆", "街": "衔",
              "民": "氏", "丰": "风", "明": "朋", "光": "先", "安": "按", "宁": "守",
              "广": "厂", "德": "徳", "和": "禾", "顺": "须", "兴": "光", "隆": "降",
              "岭": "玲", "平": "苹", "开": "井", "太": "大", "有": "友", "石": "右",
              "天": "夭", "公": "松", "吉": "古", "林": "材", "自": "白", "由": "田",
              "惠": "慧", "站": "战", "英": "荚", "俊": "浚", "泉": "汞", "眼": "很",
              "府": "俯", "庭": "廷", "居": "局", "都": "部", "雅": "鸦", "名": "各",
              "嘉": "喜", "花": "化", "云": "去", "栖": "洒", "兰": "兴", "亭": "享"}
# Common characters, grouped by sound to find homophones for the gazetteer's characters.
HOMOPHONE_POOL = ("东冬董懂动栋洞盛胜圣生升声省剩园元原圆缘远院愿苑源援荣容蓉融溶绒华化"
                  "花画话滑新心欣辛信星家佳嘉加甲价驾城成程诚承乘丽力立利历理里礼李景京"
                  "经精井静境敬香乡相湘祥想湖胡虎户护互书树叔舒术数乐勒群裙临林琳淋霖河"
                  "和合何荷禾贺达大答打远运员元民敏明名鸣铭丰风峰锋封冯光广安岸按宁凝德"
                  "得顺舜兴星行幸隆龙岭领玲平评萍坪开凯太泰有友又石时实十天田添公工功宫"
                  "吉及级集林自字资由油邮惠慧会汇站战占英营迎俊军君泉全权眼严言府富付庭"
                  "亭停廷居聚局都督雅亚名兰蓝篮云运雲栖西希溪")

_NUMBER = re.compile(r"\d+")
GENERIC_ENDINGS = ("大街", "大路", "路", "街", "小区", "花园", "家园", "新城", "名苑", "佳苑",
                   "花苑", "雅苑", "嘉园", "公馆", "丽都", "华庭", "悦府", "新居", "苑", "园",
                   "城")


def _distinctive(name: str) -> str:
    for ending in GENERIC_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            return name[:-len(ending)]
    return name
_BUILDING_SUFFIX = re.compile(r"(\d+)(栋|号楼|幢)$")


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    place: Place


def chinese_numeral(n: int, rng: random.Random) -> str:
    if rng.random() < 0.3:
        return "".join(DIGITS[int(d)] for d in str(n))
    if n == 0:
        return "零"
    units = ((1000, "千"), (100, "百"), (10, "十"))
    out, zero = [], False
    for value, unit in units:
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


class NoiseModel:
    def __init__(self, places: Iterable[Place], seed: int = 20270301):
        self.rng = random.Random(seed)
        self._homophones = _homophones()
        self._aliases: dict[str, list[str]] = {}
        for p in places:
            if p.kind == "xiaoqu":
                self._aliases[p.address] = [a for a in p.aliases if a != p.address]

    def query(self, place: Place, kind: str) -> str:
        return getattr(self, f"_{kind}")(place)

    def dev_set(self, places: list[Place], n: int) -> list[Query]:
        out = []
        for kind in KINDS:
            eligible = [p for p in places if self.applies(kind, p)]
            share = n // len(KINDS)
            for place in self.rng.sample(eligible, min(share, len(eligible))):
                out.append(Query(self.query(place, kind), kind, place))
        return out

    def applies(self, kind: str, place: Place) -> bool:
        if kind in ("numerals", "suffix"):
            return place.kind in ("house", "building")
        if kind == "alias":
            return place.kind in ("xiaoqu", "building") and bool(place.xiaoqu or place.aliases)
        if kind in ("typo", "homophone"):
            return len(self._name_and_tail(place)[0]) >= 3
        return True

    # ---- the kinds of noise ---------------------------------------------------------------

    def _name_and_tail(self, place: Place) -> tuple[str, str]:
        """The address split into its name (street, 小区, landmark) and its numbered tail."""
        if place.kind == "house" and place.street:
            return place.street, place.address[len(place.street):]
        if place.kind == "building" and place.xiaoqu:
            return place.xiaoqu, place.address[len(place.xiaoqu):]
        name = place.aliases[0] if place.kind == "landmark" and place.aliases else place.address
        return name, ""

    def _prefix(self, place: Place) -> str:
        return self.rng.choice(PREFIXES) + place.address

    def _numerals(self, place: Place) -> str:
        name, tail = self._name_and_tail(place)
        if not _NUMBER.search(tail):
            return self._spacing(place)
        if self.rng.random() < 0.25:
            return name + tail.translate(FULL_WIDTH)
        return name + _NUMBER.sub(lambda m: chinese_numeral(int(m.group()), self.rng), tail)

    def _suffix(self, place: Place) -> str:
        name, tail = self._name_and_tail(place)
        unit, room = self.rng.randint(1, 6), self.rng.randint(1, 18) * 100 + self.rng.randint(1, 4)
        m = _BUILDING_SUFFIX.search(tail)
        if m:
            if self.rng.random() < 0.3:
                return f"{name}{m.group(1)}-{unit}-{room}"
            suffix = self.rng.choice([s for s in ("栋", "号楼", "幢") if s != m.group(2)])
            return f"{name}{m.group(1)}{suffix}{unit}{self.rng.choice(('单元', '门'))}{room}室"
        if place.kind == "house":
            return place.address + self.rng.choice(("院", f"{unit}单元{room}室", f"{room}室"))
        return place.address

    def _edit_name(self, place: Place, edit) -> str:
        name, tail = self._name_and_tail(place)
        if len(name) < 3:
            return self._prefix(place)
        # the last character of a street name (街/路) or the generic ending is kept
        i = self.rng.randrange(len(name) - 1)
        return edit(name, i) + tail

    def _typo(self, place: Place) -> str:
        def edit(name: str, i: int) -> str:
            how = self.rng.choice(("delete", "double", "swap", "look_alike"))
            c = name[i]
            if how == "delete" and len(_distinctive(name)) >= 3:
                return name[:i] + name[i + 1:]
            if how in ("double", "delete"):
                return name[:i] + c + name[i:]
            if how == "swap" and i + 1 < len(name):
                return name[:i] + name[i + 1] + c + name[i + 2:]
            return name[:i] + LOOK_ALIKE.get(c, c) + name[i + 1:]
        return self._edit_name(place, edit)

    def _homophone(self, place: Place) -> str:
        def edit(name: str, i: int) -> str:
            options = [j for j in range(len(name) - 1) if self._homophones.get(name[j])]
            if not options:
                return name
            j = self.rng.choice(options)
            return name[:j] + self.rng.choice(self._homophones[name[j]]) + name[j + 1:]
        return self._edit_name(place, edit)

    def _pinyin(self, place: Place) -> str:
        name, tail = self._name_and_tail(place)
        syllables = lazy_pinyin(name)
        spoken = " ".join(syllables) if self.rng.random() < 0.5 else "".join(syllables)
        tail_sound = " ".join(lazy_pinyin(_NUMBER.sub(lambda m: f" {m.group()} ", tail)))
        return re.sub(r"\s+", " ", f"{spoken} {tail_sound}").strip()

    def _spacing(self, place: Place) -> str:
        text = place.address
        out = []
        for c, after in zip(text, text[1:] + " ", strict=True):
            out.append(c)
            if not (c.isdigit() and after.isdigit()) and self.rng.random() < 0.2:
                out.append(self.rng.choice((" ", "  ", "，", ",", "、", "　")))
        result = "".join(out)
        if self.rng.random() < 0.5:
            result = f"（{result}）" if self.rng.random() < 0.5 else f" {result}。"
        return result

    def _alias(self, place: Place) -> str:
        name, tail = self._name_and_tail(place)
        xiaoqu = place.xiaoqu if place.kind == "building" else (
            place.address if place.kind == "xiaoqu" else None)
        if not xiaoqu:
            return self._spacing(place)
        aliases = self._aliases.get(xiaoqu) or []
        if aliases and self.rng.random() < 0.7:
            return self.rng.choice(aliases) + tail
        if xiaoqu.endswith("小区"):
            return xiaoqu.removesuffix("小区") + tail
        return xiaoqu + "小区" + tail
