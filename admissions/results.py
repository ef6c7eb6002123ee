"""Admission results families can look up: review results, 《义务教育入学通知书》 numbers and
draw results, imported from the registration platform's CSV (UTF-8 or GBK, Excel's comma
or tab CSV), validated row by row, dry run first; looked up by registration number and the
last four digits of the child's ID number; purged after the retention period.

Only what the family may see is kept: the masked name, never the ID number (a digest of
the registration number with its last four digits), the result, the notice number and the
school."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import hmac
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import DateTime, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from gis.spreadsheet import SpreadsheetError, is_xlsx, xlsx_rows
from store.db import Base
from zones.errors import N_, InvalidData, NotFound

MAX_ROWS = 200_000
REGISTRATION_PATTERN = re.compile(r"[A-Za-z0-9-]{4,32}")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# Column headings of the platform's export; each field accepts these headings.
COLUMNS = {
    "registration_no": ("登记编号", "报名编号", "registration_no"),
    "name": ("儿童姓名", "学生姓名", "姓名", "name"),
    "id_number": ("身份证号", "儿童身份证号", "身份证件号", "id_number"),
    "id_last4": ("身份证后四位", "id_last4"),
    "result": ("结果", "审核结果", "result"),
    "category": ("入学类别", "category"),
    "notice_no": ("通知书编号", "入学通知书编号", "notice_no"),
    "school": ("学校", "录取学校", "school"),
}
REQUIRED = ("registration_no", "name", "result")


class AdmissionResult(Base):
    __tablename__ = "admission_results"
    __table_args__ = (UniqueConstraint("year", "registration_no",
                                       name="uq_admission_results_year_registration"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    registration_no: Mapped[str] = mapped_column(String(32))
    id_digest: Mapped[str] = mapped_column(String(64))
    masked_name: Mapped[str] = mapped_column(String(32))
    result: Mapped[str] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(64))
    notice_no: Mapped[str | None] = mapped_column(String(32))
    school: Mapped[str | None] = mapped_column(String(128))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)


@dataclass(frozen=True)
class RowError:
    row: int            # the line in the file (the heading is line 1)
    column: str         # the heading as written in the file
    message: str        # an N_() template
    params: dict = field(default_factory=dict)

    def text(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message % self.params}"


@dataclass
class ImportReport:
    rows: list[dict]
    errors: list[RowError]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.errors


def digest(registration_no: str, last4: str) -> str:
    return hashlib.sha256(f"{registration_no}:{last4.upper()}".encode()).hexdigest()


def mask_name(name: str) -> str:
    """张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def id_number_ok(number: str) -> bool:
    """An 18-character 居民身份证号码 with its GB 11643 check character."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17]


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GBK."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InvalidData(N_("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV 文件。")) from None


def _reader(text: str):
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _headings(heading: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(heading):
        name = cell.strip().lstrip("\ufeff")
        for key, names in COLUMNS.items():
            if name in names and key not in found:
                found[key] = i
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in found]
    if "id_number" not in found and "id_last4" not in found:
        missing.append(f"{COLUMNS['id_number'][0]}（或{COLUMNS['id_last4'][0]}）")
    if missing:
        raise InvalidData(N_("文件缺少列：%(columns)s。第一行应为列名。"),
                          columns="、".join(missing))
    return found


def _check_row(raw: list[str], line: int, index: dict[str, int], heading: list[str],
               seen: dict[str, int], result_labels: dict[str, str]
               ) -> tuple[dict | None, list[RowError]]:
    errors: list[RowError] = []

    def cell(key: str) -> str:
        i = index.get(key)
        return raw[i].strip() if i is not None and i < len(raw) else ""

    def fail(key: str, message: str, **params) -> None:
        column = heading[index[key]].strip() if key in index else COLUMNS[key][0]
        errors.append(RowError(line, column, message, params))

    number = cell("registration_no").upper()
    if not REGISTRATION_PATTERN.fullmatch(number):
        fail("registration_no", N_("登记编号应为4到32位字母、数字或“-”。"))
    elif number in seen:
        fail("registration_no", N_("登记编号 %(number)s 与第 %(first)s 行重复。"),
             number=number, first=seen[number])
    else:
        seen[number] = line
    name = cell("name")
    if not name or len(name) > 20:
        fail("name", N_("姓名应为1到20个字。"))
    if "id_number" in index:
        id_number = cell("id_number").upper()
        if not id_number_ok(id_number):
            fail("id_number", N_("身份证号应为18位且校验位正确。"))
        last4 = id_number[-4:]
    else:
        last4 = cell("id_last4").upper()
        if not re.fullmatch(r"\d{3}[\dX]", last4):
            fail("id_last4", N_("身份证后四位应为4位数字（最后一位可以是X）。"))
    label = cell("result")
    if label not in result_labels:
        fail("result", N_("结果“%(value)s”不是规定的结果之一：%(known)s。"),
             value=label[:20], known="、".join(result_labels))
    notice = cell("notice_no")
    if notice and not REGISTRATION_PATTERN.fullmatch(notice):
        fail("notice_no", N_("通知书编号应为4到32位字母、数字或“-”。"))
    if errors:
        return None, errors
    return {"registration_no": number, "id_digest": digest(number, last4),
            "masked_name": mask_name(name), "result": result_labels[label],
            "category": cell("category")[:64] or None, "notice_no": notice or None,
            "school": cell("school")[:128] or None}, []


def parse(data: bytes, result_labels: dict[str, str]) -> ImportReport:
    """Every row checked; `result_labels` maps the 结果 text the platform writes to the
    cycle's result id. Any error refuses the whole file (nothing is imported)."""
    if is_xlsx(data):
        try:
            rows_in = xlsx_rows(data)
        except SpreadsheetError as error:
            if error.row is not None:
                raise InvalidData(N_("第 %(row)s 行第 %(column)s 列是一个被 Excel 存成数字的长号码"
                                     "（如身份证号），后几位已经丢失。请把这一列设为“文本”后重新导出。"),
                                  row=error.row, column=error.column) from None
            raise InvalidData(N_("无法读取这个 Excel 文件，请确认它是 .xlsx 格式，"
                                 "或另存为 CSV 后再导入。")) from None
    else:
        rows_in = list(_reader(decode(data)))
    if not rows_in or not any(cell.strip() for cell in rows_in[0]):
        raise InvalidData(N_("文件是空的。"))
    if len(rows_in) - 1 > MAX_ROWS:
        raise InvalidData(N_("文件超过 %(max)s 行，请分批导入。"), max=MAX_ROWS)
    index, heading = _headings(rows_in[0]), rows_in[0]
    rows: list[dict] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    counts: dict[str, int] = {}
    for line, raw in enumerate(rows_in[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        row, problems = _check_row(raw, line, index, heading, seen, result_labels)
        errors.extend(problems)
        if row is not None:
            rows.append(row)
            counts[row["result"]] = counts.get(row["result"], 0) + 1
    if not rows and not errors:
        raise InvalidData(N_("文件里没有结果行。"))
    return ImportReport(rows=rows, errors=errors, counts=counts)


def replace_year(session: Session, year: int, report: ImportReport, now: dt.datetime) -> int:
    """The year's results become the file's (one transaction: all or nothing)."""
    if not report.ok:
        raise InvalidData(N_("文件有 %(count)s 处错误，未导入。"), count=len(report.errors))
    session.execute(delete(AdmissionResult).where(AdmissionResult.year == year))
    session.add_all(AdmissionResult(year=year, imported_at=now, **row) for row in report.rows)
    return len(report.rows)


def lookup(session: Session, registration_no: str, last4: str, *, now: dt.datetime,
           retention_days: int) -> AdmissionResult:
    """The result only if the number and the last four digits both match and it is within
    the retention period; every failure is the same NotFound, so a guess learns nothing."""
    not_found = NotFound(N_("登记编号或身份证后四位不正确，或结果尚未公布。"),
                         field="registration_no")
    number = (registration_no or "").strip().upper()
    digits = (last4 or "").strip().upper()
    if not REGISTRATION_PATTERN.fullmatch(number) or not re.fullmatch(r"\d{3}[\dX]", digits):
        raise not_found
    oldest = now - dt.timedelta(days=retention_days)
    row = session.scalars(select(AdmissionResult).where(
        AdmissionResult.registration_no == number, AdmissionResult.imported_at >= oldest)
        .order_by(AdmissionResult.year.desc())).first()
    expected = row.id_digest if row is not None else "0" * 64
    if not hmac.compare_digest(expected, digest(number, digits)) or row is None:
        raise not_found
    return row


def purgeable(session: Session, *, now: dt.datetime, retention_days: int) -> int:
    oldest = now - dt.timedelta(days=retention_days)
    return len(session.scalars(select(AdmissionResult.id).where(
        AdmissionResult.imported_at < oldest)).all())


def purge(session: Session, *, now: dt.datetime, retention_days: int) -> int:
    count = purgeable(session, now=now, retention_days=retention_days)
    oldest = now - dt.timedelta(days=retention_days)
    session.execute(delete(AdmissionResult).where(AdmissionResult.imported_at < oldest))
    return count


def result_kinds(cycle: dict) -> list[dict]:
    """The cycle's result kinds: id, label (the platform's 结果 text) and next steps."""
    return list(cycle.get("results") or [])


def public_view(row: AdmissionResult, kinds: list[dict]) -> dict:
    """What the family sees: the masked name, the result and what to do next."""
    kind = next((k for k in kinds if k["id"] == row.result), {"label": row.result})
    return {"registration_no": row.registration_no, "masked_name": row.masked_name,
            "result": row.result, "result_label": kind["label"], "next": kind.get("next"),
            "category": row.category, "notice_no": row.notice_no, "school": row.school}
