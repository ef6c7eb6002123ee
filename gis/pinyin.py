"""Toneless pinyin keys, for pinyin queries ("dongsheng dajie") and homophones (东胜 for 东盛).

The readings come from gis/data/pinyin.tsv, written from pypinyin by
scripts/build_pinyin_table.py: each character's default reading, and the phrases read
otherwise (长青 is changqing, although 长 alone reads zhang). pypinyin itself is not
imported: its phrase dictionary would cost every worker ~55 MB. Phrases are found by
forward longest match, as pypinyin does; tests/test_pinyin_table.py checks that every
place name reads as pypinyin reads it.

Queries get the character-by-character key; names get that key and the phrase-aware one,
so typed pinyin matches either reading.
"""
from __future__ import annotations

import re
from pathlib import Path

_TABLE = Path(__file__).resolve().parent / "data" / "pinyin.tsv"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]")


def _load() -> tuple[dict[str, str], dict[str, tuple[str, ...]], int]:
    chars: dict[str, str] = {}
    phrases: dict[str, tuple[str, ...]] = {}
    sounds: dict[str, str] = {}  # one string object per reading, not one per character
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        text, _, reading = line.partition("\t")
        if len(text) == 1:
            chars[text] = sounds.setdefault(reading, reading)
        else:
            phrases[text] = tuple(sounds.setdefault(r, r) for r in reading.split(" "))
    return chars, phrases, max(map(len, phrases), default=1)


_CHARS, _PHRASES, _LONGEST = _load()


def _char(c: str) -> str:
    return _CHARS.get(c, c)


def char_syllables(text: str) -> list[str]:
    """Each character's own reading; other characters are kept as they are."""
    return [_CHARS.get(c, c) for c in text]


def syllables(text: str) -> list[str]:
    """Readings with phrases read as phrases (长青 -> chang qing), longest match first."""
    out: list[str] = []
    i = 0
    while i < len(text):
        for end in range(min(len(text), i + _LONGEST), i + 1, -1):
            phrase = _PHRASES.get(text[i:end])
            if phrase is not None:
                out += phrase
                i = end
                break
        else:
            out.append(_CHARS.get(text[i], text[i]))
            i += 1
    return out


def char_key(text: str) -> str:
    """Pinyin of each character on its own; other characters are kept."""
    return "".join(char_syllables(text))


def phrase_key(text: str) -> str:
    """Pinyin with the phrase readings (for names)."""
    return "".join(syllables(text))


def name_keys(text: str) -> set[str]:
    return {char_key(text), phrase_key(text)}


def initials(text: str) -> str:
    """dsdj for 东盛大街: the first letter of each syllable (phrase readings)."""
    return "".join(s[0] for s in syllables(text) if s)


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
