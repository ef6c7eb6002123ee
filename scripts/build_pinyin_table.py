"""Rebuild gis/data/pinyin.tsv, the pinyin readings the geocoder uses, from pypinyin.

    .venv/bin/python scripts/build_pinyin_table.py

pypinyin's phrase dictionary costs ~55 MB in every process that imports it. The geocoder
only needs, for each character, its default toneless reading, and the few phrases (3,400
of 47,000) whose reading is not the characters' default ones (长青 changqing, 重庆
chongqing); this script writes those two tables. tests/test_pinyin_table.py checks that
the file is what this script writes.
"""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

OUT = Path(__file__).resolve().parent.parent / "gis" / "data" / "pinyin.tsv"


def toneless(reading: str) -> str:
    """lǘ -> lv, zhōng -> zhong: pypinyin's NORMAL style."""
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def table() -> str:
    import pypinyin
    # a character's first reading is its default one (what lazy_pinyin gives it alone)
    chars = {chr(code): toneless(PINYIN_DICT[code].split(",")[0]) for code in sorted(PINYIN_DICT)}
    lines = [f"# pinyin readings from pypinyin {pypinyin.__version__}: written by "
             "scripts/build_pinyin_table.py, do not edit",
             "# char<TAB>reading, then phrase<TAB>readings for the phrases read otherwise"]
    lines += [f"{c}\t{r}" for c, r in chars.items() if r != c]
    for phrase in sorted(PHRASES_DICT):
        readings = [toneless(r[0]) for r in PHRASES_DICT[phrase]]
        if len(phrase) > 1 and readings != [chars.get(c, c) for c in phrase]:
            lines.append(f"{phrase}\t{' '.join(readings)}")
    return "\n".join(lines) + "\n"


def main() -> None:
    OUT.write_text(table(), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
