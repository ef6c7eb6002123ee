"""Batch lookup for other systems: up to 10,000 points or addresses from a JSON or CSV file,
one answer row per input row, in the same order.

The file is read whole before anything is computed, so a bad file (not CSV or JSON, no
usable column, empty, too many rows, a broken row) is refused with the row and column and
nothing else happens. Bad values in a good file become that row's error. Points are
assigned vectorised (`ZoneIndex.assign_points`); only the few within 15 m of a zone line
take the exact single lookup, to list every zone concerned. Addresses are geocoded one by
one in the offline gazetteer (never the online providers: 10,000 calls would be abuse) and
then looked up with their address facts, so that published address rules decide.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

import numpy as np

from admissions.service import Snapshot
from gis.point import WGS84Point
from zones.errors import N_, InvalidParameter, XuequError
from zones.index import overall_status
from zones.inputs import parse_address, parse_number
from zones.model import LEVELS, AddressFacts, Level

MAX_ROWS = 10_000
# Column names a spreadsheet is likely to use, in lower case.
COLUMN_NAMES = {
    "lat": ("lat", "latitude", "纬度", "y"),
    "lng": ("lng", "lon", "long", "longitude", "经度", "x"),
    "address": ("address", "地址", "住址", "家庭住址"),
    "id": ("id", "编号", "序号", "ref"),
}
CSV_HEADER = ("row", "id", "status", "lat", "lng", "matched_address", "confidence", "method",
              "primary_status", "primary_zones", "primary_schools", "middle_status",
              "middle_zones", "middle_schools", "error_field", "error")


@dataclass
class InputRow:
    number: int  # 1-based data row (the header of a CSV is not counted)
    id: str | None
    lat: object = None
    lng: object = None
    address: object = None


@dataclass
class AnswerRow:
    number: int
    id: str | None
    status: str = "invalid"
    location: dict | None = None
    address_match: dict | None = None
    levels: dict = field(default_factory=dict)
    error: dict | None = None

    def to_dict(self) -> dict:
        return {"row": self.number, "id": self.id, "status": self.status,
                "location": self.location, "address_match": self.address_match,
                **{level: self.levels.get(level) for level in LEVELS}, "error": self.error}

    def to_cells(self) -> list:
        match = self.address_match or {}
        location = self.location or {}
        cells = [self.number, self.id or "", self.status, location.get("lat", ""),
                 location.get("lng", ""), match.get("matched_address", ""),
                 match.get("confidence", ""), match.get("method", "")]
        for level in LEVELS:
            answer = self.levels.get(level) or {}
            cells += [answer.get("status") or "",
                      ";".join(answer.get("zones", ())),
                      ";".join(f"{s['code']} {s['name']}" for s in answer.get("schools", ()))]
        error = self.error or {}
        return cells + [error.get("field", ""), error.get("message", "")]


# --- reading the file ---------------------------------------------------------------------

def _refuse(message: str, **params) -> InvalidParameter:
    return InvalidParameter(message, field="file", **params)


def decode(body: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GBK (Excel's "CSV" in Chinese
    Windows); anything else is not a text file."""
    if b"\x00" in body:
        raise _refuse(N_("文件不是 CSV 或 JSON（看起来是二进制文件，例如 Excel 的 .xlsx）。"
                         "请在 Excel 中“另存为 CSV”后再上传。"))
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(N_("文件不是 UTF-8 或 GBK 编码的文本，无法读取。"))


def _column_for(header: list[str], key: str) -> int | None:
    names = COLUMN_NAMES[key]
    for position, name in enumerate(header):
        if name.strip().lower() in names:
            return position
    return None


def read_csv(text: str) -> list[InputRow]:
    try:  # newline="": a lone \r ends a line too, as csv expects of its files
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:  # a cell over csv's field limit (128 KiB)
        raise _refuse(N_("CSV 文件无法读取：有的单元格太长，或引号没有成对。")) from None
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise _refuse(N_("文件是空的：没有表头，也没有数据行。"))
    header = lines[0]
    columns = {key: _column_for(header, key) for key in COLUMN_NAMES}
    has_point = columns["lat"] is not None and columns["lng"] is not None
    if not has_point and columns["address"] is None:
        raise _refuse(N_("没有可用的列：表头需要有 lat 和 lng（纬度、经度）两列，或 address"
                         "（地址）一列。现在的表头是：%(header)s"),
                      header="、".join(h.strip() for h in header)[:200])
    data = lines[1:]
    _check_count(len(data))
    rows = []
    for number, line in enumerate(data, start=1):
        if len(line) > len(header):
            raise _refuse(N_("第 %(row)s 行第 %(column)s 列：这一行比表头多出了列（表头 "
                             "%(expected)s 列，这一行 %(found)s 列），"
                             "可能是地址里有未加引号的逗号。"),
                          row=number, column=len(header) + 1, expected=len(header),
                          found=len(line))

        cells = {key: line[position] if position is not None and position < len(line)
                 else None for key, position in columns.items()}
        address = cells["address"]
        use_point = has_point and not (address and address.strip()
                                       and not (cells["lat"] or "").strip())
        rows.append(InputRow(number, cells["id"], lat=cells["lat"] if use_point else None,
                             lng=cells["lng"] if use_point else None,
                             address=None if use_point else address))
    return rows


NOT_ROWS = N_("JSON 需要是一个数组，或带有 rows 数组的对象，例如 "
              "{\"rows\": [{\"lat\": …, \"lng\": …}, {\"address\": \"…\"}]}。")


def load_json(text: str) -> object:
    """The JSON of the file, or the line and column where it is broken."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _refuse(N_("JSON 格式有误：第 %(row)s 行第 %(column)s 列（%(reason)s）。"),
                      row=error.lineno, column=error.colno, reason=error.msg) from None
    except RecursionError:  # nested deeper than any file of rows
        raise _refuse(NOT_ROWS) from None


def json_rows(items: list[dict]) -> list[InputRow]:
    """The rows of a JSON file whose shape the caller has checked (the web edge reads it
    through its declared type): `id`, and `lat` and `lng` or `address`, each may be absent
    or null; their values are checked row by row."""
    if not items:
        raise _refuse(N_("文件是空的：没有数据行。"))
    _check_count(len(items))
    rows = [InputRow(number, None if item.get("id") is None else str(item["id"])[:64],
                     lat=item.get("lat"), lng=item.get("lng"), address=item.get("address"))
            for number, item in enumerate(items, start=1)]
    if not any(r.address is not None or r.lat is not None or r.lng is not None for r in rows):
        raise _refuse(N_("没有可用的字段：每一行需要有 lat 和 lng，或 address。"))
    return rows


def _check_count(count: int) -> None:
    if count == 0:
        raise _refuse(N_("文件是空的：只有表头，没有数据行。"))
    if count > MAX_ROWS:
        raise _refuse(N_("一次最多 %(max)s 行，这个文件有 %(count)s 行。请分成几个文件提交。"),
                      max=f"{MAX_ROWS:,}", count=f"{count:,}")


def read_text(body: bytes, kind: str | None) -> tuple[str, str]:
    """The file's text and its kind: "json" or "csv" as given, or when None as the text
    says (JSON starts with { or [)."""
    text = decode(body)
    if not text.strip():
        raise _refuse(N_("文件是空的：没有数据行。"))
    if kind is None:
        kind = "json" if text.lstrip()[:1] in ("{", "[") else "csv"
    return text, kind


# --- answering ----------------------------------------------------------------------------

def _error(error: XuequError, translate) -> dict:
    params = {k: translate(v) if isinstance(v, str) else v for k, v in error.params.items()}
    message = translate(error.message)
    return {"code": error.code, "field": error.field,
            "message": message % params if params else message}


def _point_values(row: InputRow) -> tuple[float, float]:
    if row.lat is None or row.lat == "":
        raise InvalidParameter(N_("缺少 lat（纬度）。请提供 lat 和 lng，或提供 address。"),
                               field="lat")
    if row.lng is None or row.lng == "":
        raise InvalidParameter(N_("缺少 lng（经度）。"), field="lng")
    if isinstance(row.lat, bool) or isinstance(row.lng, bool):
        raise InvalidParameter(N_("%(name)s 必须是数字。"), field="lat", name="lat")
    lat, lng = parse_number(row.lat, "lat"), parse_number(row.lng, "lng")
    for name, value, limit in (("lat", lat, 90.0), ("lng", lng, 180.0)):
        if abs(value) > limit:
            raise InvalidParameter(N_("%(name)s 超出范围（应在 ±%(limit)s 之间）。"),
                                   field=name, name=name, limit=int(limit))
    return lat, lng


def _level_answer(snapshot: Snapshot, status: str, zones, level: Level) -> dict:
    codes = [c for z in zones for c in z.school_codes if c in snapshot.schools]
    return {"status": status, "zones": [z.zone_id for z in zones],
            "schools": [{"code": c, "name": snapshot.schools[c].name}
                        for c in dict.fromkeys(codes)]}


def _from_result(snapshot: Snapshot, answer: AnswerRow, result, levels) -> None:
    answer.status = result.status
    answer.levels = {level: _level_answer(snapshot, r.status, [m.zone for m in r.matches],
                                          level) for level, r in result.levels.items()
                     if level in levels}


def answer_points(snapshot: Snapshot, answers: list[AnswerRow], lat: np.ndarray,
                  lng: np.ndarray, levels: tuple[Level, ...]) -> None:
    """Vectorised assignment of many points; boundary cases get the exact lookup."""
    index = snapshot.index
    outside = index.outside_points(lng, lat)
    per_level = {level: index.assign_points(lng, lat, level) for level in levels}
    zones_by_id = index.zones_by_id
    shared: dict = {}  # one answer object per (level, zone): rows share it, read-only

    def level_answer(status: str, zone_id, level: Level) -> dict:
        key = (status, zone_id, level)
        if key not in shared:
            zones = [zones_by_id[zone_id]] if zone_id is not None else []
            shared[key] = _level_answer(snapshot, status, zones, level)
        return shared[key]
    for i, answer in enumerate(answers):
        answer.location = {"lat": round(float(lat[i]), 6), "lng": round(float(lng[i]), 6)}
        if outside[i]:
            answer.status = "outside_district"
            answer.levels = {lv: level_answer("outside_district", None, lv)
                             for lv in levels}
            continue
        if any(per_level[lv][1][i] for lv in levels):  # near a line: list every zone
            _from_result(snapshot, answer, index.lookup(
                WGS84Point(float(lat[i]), float(lng[i])), levels=levels), levels)
            continue
        statuses = []
        for level in levels:
            zone_id = per_level[level][0][i]
            status = "assigned" if zone_id is not None else "unzoned"
            statuses.append(status)
            answer.levels[level] = level_answer(status, zone_id, level)
        answer.status = overall_status(statuses)


def answer_address_row(snapshot: Snapshot, answer: AnswerRow, raw, levels) -> None:
    query = parse_address(raw if isinstance(raw, str) else "", field="address")
    result = snapshot.geocoder.search(query.text)
    if result.status == "other_district":
        answer.status = "outside_district"
        return
    if result.status != "found":
        answer.status = "address_ambiguous" if result.status == "ambiguous" \
            else "address_not_found"
        return
    place = result.place
    answer.address_match = {"matched_address": place.address,
                            "confidence": round(result.confidence, 3),
                            "method": result.method}
    answer.location = {"lat": round(place.lat, 6), "lng": round(place.lng, 6)}
    facts = AddressFacts(street=place.street, number=place.number, xiaoqu=place.xiaoqu)
    _from_result(snapshot, answer, snapshot.index.lookup(
        WGS84Point(place.lat, place.lng), facts=facts, levels=levels), levels)


def answer_rows(snapshot: Snapshot, rows: list[InputRow], levels: tuple[Level, ...],
                translate=lambda s: s) -> list[AnswerRow]:
    answers = [AnswerRow(r.number, r.id) for r in rows]
    point_positions, lats, lngs = [], [], []
    for position, row in enumerate(rows):
        answer = answers[position]
        try:
            if row.address is not None and row.lat is None and row.lng is None:
                answer_address_row(snapshot, answer, row.address, levels)
            else:
                lat, lng = _point_values(row)
                point_positions.append(position)
                lats.append(lat)
                lngs.append(lng)
        except XuequError as error:
            answer.status, answer.error = "invalid", _error(error, translate)
    if point_positions:
        answer_points(snapshot, [answers[p] for p in point_positions],
                      np.array(lats), np.array(lngs), levels)
    return answers


def summary(answers: list[AnswerRow]) -> dict:
    counts: dict[str, int] = {}
    for answer in answers:
        counts[answer.status] = counts.get(answer.status, 0) + 1
    return {"rows": len(answers), "by_status": counts}

