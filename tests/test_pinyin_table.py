"""The pinyin readings the geocoder uses (gis/data/pinyin.tsv): what pypinyin reads, without
pypinyin's 55 MB phrase dictionary in every worker."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from pypinyin import lazy_pinyin

from gis import pinyin
from gis.gazetteer import read_csv

ROOT = Path(__file__).resolve().parent.parent


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_pinyin_table", ROOT / "scripts" / "build_pinyin_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_is_what_the_script_writes():
    builder = _builder()
    assert (ROOT / "gis" / "data" / "pinyin.tsv").read_text(encoding="utf-8") == \
        builder.table(), "run scripts/build_pinyin_table.py"


@pytest.mark.parametrize("reading, expected", [("lǘ", "lv"), ("zhōng", "zhong"), ("nǚ", "nv")])
def test_toneless_readings_are_pypinyins(reading, expected):
    assert _builder().toneless(reading) == expected


@pytest.mark.parametrize("name, sound", [
    ("长青", "changqing"),        # 长 alone is zhang
    ("长青路", "changqinglu"),
    ("重庆路", "chongqinglu"),    # 重 alone is zhong
    ("银行", "yinhang"),          # 行 alone is xing
    ("东盛大街", "dongshengdajie"),
    ("绿园", "lvyuan"),
])
def test_phrase_readings(name, sound):
    assert pinyin.phrase_key(name) == sound
    assert "".join(lazy_pinyin(name)) == sound


def test_characters_read_alone_as_pypinyin_reads_them():
    text = "长重行乐都率绿女二道东盛临河宁丁香"
    assert pinyin.char_key(text) == "".join(lazy_pinyin(c)[0] for c in text)


def test_every_sample_name_has_pypinyins_reading_among_its_keys():
    places = read_csv(ROOT / "data" / "sample" / "addresses.csv")
    names = {t for p in places for t in (p.address, p.street, p.xiaoqu, *p.aliases) if t}
    missed = [n for n in names if "".join(lazy_pinyin(n)) not in pinyin.name_keys(n)]
    assert not missed


def test_initials_follow_phrase_readings():
    assert pinyin.initials("长青路") == "cql"
    assert pinyin.initials("东盛大街") == "dsdj"


def test_a_worker_never_imports_pypinyin():
    code = ("import sys; import gis.geocoding, gis.suggest, admissions.service, webapp; "
            "print('pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    assert out == "False"
