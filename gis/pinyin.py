"""Toneless pinyin keys, for pinyin queries ("dongsheng dajie") and homophones (东胜 for 东盛).

pypinyin costs ~150 µs a call, too slow per query, so queries are converted one character
at a time through a cache. Names get that key too, plus the phrase-aware one (长青 is
changqing, although 长 alone reads zhang), so typed pinyin matches either reading.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]")


@lru_cache(maxsize=65536)
def _char(c: str) -> str:
    return lazy_pinyin(c)[0] if _HAN.match(c) else c


def char_key(text: str) -> str:
    """Pinyin of each character on its own; other characters are kept."""
    return "".join(_char(c) for c in text)


def phrase_key(text: str) -> str:
    """Pinyin with pypinyin's phrase readings (slow: for names, at build time)."""
    return "".join(lazy_pinyin(text))


def name_keys(text: str) -> set[str]:
    return {char_key(text), phrase_key(text)}


def initials(text: str) -> str:
    """dsdj for 东盛大街: the first letter of each syllable (phrase readings)."""
    return "".join(s[0] for s in lazy_pinyin(text) if s)


_SPOKEN_DIGITS = {"yi": "一", "yao": "一", "er": "二", "liang": "两", "san": "三", "si": "四",
                  "wu": "五", "liu": "六", "qi": "七", "ba": "八", "jiu": "九", "ling": "零",
                  "shi": "十", "bai": "百", "qian": "千"}
_SPOKEN_RUN = re.compile(
    r"((?:liang|qian|ling|yao|jiu|liu|san|bai|shi|yi|er|si|wu|qi|ba)+)"
    r"(?=(?:haolou|hao|dong|zhuang|zuo|lou|danyuan)(?:\d|danyuan|men|shi|ceng|lou|$)|$)")
_SPOKEN_SYLLABLE = re.compile(r"liang|qian|ling|yao|jiu|liu|san|bai|shi|yi|er|si|wu|qi|ba")


def spoken_numbers(sound: str, value) -> str:
    """yibaijiushiqihao -> 197hao, liudong -> 6dong: numbers said in pinyin, where a
    number is followed by 号/栋/楼 (or ends the text). `value` reads Chinese numerals."""
    def digits(m: re.Match) -> str:
        start = m.start()
        if start == 0 or sound[start - 1].isdigit():  # lingdong... is 岭东, not 0栋
            return m.group()
        chars = "".join(_SPOKEN_DIGITS[t] for t in _SPOKEN_SYLLABLE.findall(m.group()))
        return value(chars)
    return _SPOKEN_RUN.sub(digits, sound)


def has_latin(text: str) -> bool:
    return _LATIN.search(text) is not None


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None
