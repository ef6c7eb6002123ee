"""Personal data in inquiries: masking phone numbers and anonymising text for publication."""
from __future__ import annotations

import re

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
LONG_DIGITS = re.compile(r"\d{7,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# House numbers, buildings, units, floors and rooms: "1662号", "3栋", "2单元", "501室".
HOUSE = re.compile(r"[0-9０-９一二三四五六七八九十百零〇]+\s*(号楼|号院|号|栋|幢|单元|层|楼|室|户)")
SELF_NAMED = re.compile(r"(我叫|我是|姓名[:：]?|联系人[:：]?)\s*[\u4e00-\u9fa5]{2,4}")
PHONE_PATTERN = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")


def normalize_phone(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "")


def is_valid_phone(raw: str) -> bool:
    return bool(PHONE_PATTERN.fullmatch(normalize_phone(raw)))


def mask_phone(phone: str | None) -> str:
    """138****5678 for mobiles; keep the area code and the last 4 digits of a landline."""
    digits = normalize_phone(phone or "")
    if len(digits) < 7:
        return "****"
    if digits.startswith("0"):
        head = digits[:3] if digits[1] in "12" else digits[:4]  # 010, 02x: 3-digit codes
        return f"{head}-****{digits[-4:]}"
    return f"{digits[:3]}****{digits[-4:]}"


def anonymise(text: str, names: tuple[str, ...] = ()) -> str:
    """Text fit for publication: no names we know of, phones, ID numbers, e-mail addresses
    or house numbers. Staff still read it before publishing; this is the safety net."""
    out = text or ""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len,
                       reverse=True):
        out = out.replace(name, "某家长")
        if len(name) >= 2:  # "张女士", "张先生" from the surname
            out = re.sub(re.escape(name[0]) + r"(女士|先生|老师|同学)", r"某\1", out)
    out = SELF_NAMED.sub(lambda m: m.group(1) + "某家长", out)
    out = EMAIL.sub("＊＊＊", out)
    out = ID_NUMBER.sub("＊＊＊", out)
    out = MOBILE.sub("＊＊＊", out)
    out = LANDLINE.sub("＊＊＊", out)
    out = LONG_DIGITS.sub("＊＊＊", out)
    out = HOUSE.sub(lambda m: "×" + m.group(1), out)
    return out
