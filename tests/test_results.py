"""Admission results: the platform's CSV (UTF-8, GBK, Excel's tab CSV) checked row by row,
dry run first, by CLI and the staff page; families look up by registration number and the
last four ID digits, with one 404 for every miss, rate-limited; purged after retention."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest

from admissions import results
from tests.helpers import csrf_token, login, make_user
from webapp.services import services
from zones.errors import InvalidData

LABELS = {"审核通过": "review_passed", "需补充材料": "documents_needed",
          "审核未通过": "review_failed", "派位录取": "drawn", "未派中": "not_drawn",
          "统筹安排": "placed"}
HEADING = "登记编号,儿童姓名,身份证号,结果,入学类别,通知书编号,学校"


def id_number(body17: str) -> str:
    total = sum(int(d) * w for d, w in zip(body17, results.ID_WEIGHTS, strict=True))
    return body17 + results.ID_CHECK[total % 11]


GOOD_ID = id_number("22010520210301002")
OTHER_ID = id_number("22010520210715004")


def csv_bytes(*rows: str, heading: str = HEADING, encoding: str = "utf-8") -> bytes:
    return "\n".join([heading, *rows]).encode(encoding)


GOOD = csv_bytes(f"R2027000001,张小明,{GOOD_ID},审核通过,两个一致,TZ-0001,",
                 f"R2027000002,欧阳娜,{OTHER_ID},派位录取,两个一致,TZ-0002,示例小学")


def test_a_good_file_in_utf8_gbk_and_excel_tab_csv():
    for data in (GOOD, GOOD.decode().encode("gbk"), b"\xef\xbb\xbf" + GOOD,
                 GOOD.decode().replace(",", "\t").encode("utf-16")):
        report = results.parse(data, LABELS)
        assert report.ok and len(report.rows) == 2, report.errors
        assert report.counts == {"review_passed": 1, "drawn": 1}
        first = report.rows[0]
        assert first["masked_name"] == "张*明" and first["notice_no"] == "TZ-0001"
        assert GOOD_ID not in str(report.rows) and "张小明" not in str(report.rows)


def xlsx_bytes(text: bytes, numbers: bool = False) -> bytes:
    """The same rows as an Excel workbook; `numbers` types digit-only cells as numbers, as a
    clerk's Excel does when the column is not set to text."""
    from openpyxl import Workbook
    book = Workbook()
    for line in text.decode().split("\n"):
        book.active.append([int(c) if numbers and c.isdigit() else (c or None)
                            for c in line.split(",")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_workbook_reads_like_its_csv():
    report = results.parse(xlsx_bytes(GOOD), LABELS)
    assert report.ok and len(report.rows) == 2, report.errors
    assert report.counts == {"review_passed": 1, "drawn": 1}
    assert report.rows[0]["masked_name"] == "张*明"
    wrong_digit = csv_bytes(f"R2027000001,张小明,{GOOD_ID[:-1]}0,审核通过")
    bad = results.parse(xlsx_bytes(wrong_digit), LABELS)
    assert not bad.ok and bad.errors[0].row == 2


def test_an_id_number_excel_stored_as_a_number_is_refused_naming_the_cell():
    # 220105202107150046 as an Excel number reads back as 220105202107150016
    with pytest.raises(InvalidData) as refused:
        results.parse(xlsx_bytes(GOOD, numbers=True), LABELS)
    assert refused.value.params == {"row": 3, "column": 3}


def test_a_broken_excel_file_is_refused_in_plain_words():
    with pytest.raises(InvalidData, match="Excel"):
        results.parse(b"PK\x03\x04not really a workbook", LABELS)


def test_a_file_with_only_the_last_four_digits():
    data = csv_bytes("R2027000003,李四,002X,未派中", heading="登记编号,姓名,身份证后四位,结果")
    report = results.parse(data, LABELS)
    assert report.ok and report.rows[0]["masked_name"] == "李*"


@pytest.mark.parametrize(("heading", "missing"), [
    ("儿童姓名,身份证号,结果", "登记编号"),
    ("登记编号,儿童姓名,结果", "身份证号（或身份证后四位）"),
    ("登记编号,身份证号,审核", "儿童姓名、结果"),
])
def test_missing_columns_are_refused_by_name(heading, missing):
    with pytest.raises(InvalidData) as caught:
        results.parse(csv_bytes("x,y,z", heading=heading), LABELS)
    assert f"文件缺少列：{missing}" in str(caught.value)


def row_errors(*rows: str) -> list[str]:
    return [e.text() for e in results.parse(csv_bytes(*rows), LABELS).errors]


def test_duplicate_registration_numbers_name_both_rows():
    assert row_errors(f"R2027000001,张三,{GOOD_ID},审核通过",
                      f"R2027000001,李四,{OTHER_ID},审核通过") == [
        "第 3 行「登记编号」：登记编号 R2027000001 与第 2 行重复。"]


@pytest.mark.parametrize("bad", [GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1"),
                                 GOOD_ID[:17], "22010520210301002Y", "身份证"])
def test_bad_id_digits_are_refused_on_their_row(bad):
    assert row_errors(f"R2027000001,张三,{bad},审核通过") == [
        "第 2 行「身份证号」：身份证号应为18位且校验位正确。"]


def test_every_bad_cell_is_listed_with_its_row():
    found = row_errors(f"R1,张三,{GOOD_ID},审核通过", f"R2027000002,,{GOOD_ID},录取了",
                       f"R2027000003,王五,{GOOD_ID},审核通过,,通知书#1")
    assert [e.split("：")[0] for e in found] == [
        "第 2 行「登记编号」", "第 3 行「儿童姓名」", "第 3 行「结果」", "第 4 行「通知书编号」"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "文件是空的"), (HEADING.encode(), "没有结果行"),
    (b"abc\xff\xff,\xfe", "编码无法识别")])
def test_empty_or_undecodable_files(data, message):
    with pytest.raises(InvalidData) as caught:
        results.parse(data, LABELS)
    assert message in str(caught.value)


def test_a_file_with_errors_is_never_imported(app):
    report = results.parse(csv_bytes(f"R2027000001,张三,{GOOD_ID},审核通过",
                                     f"R2027000001,李四,{OTHER_ID},审核通过"), LABELS)
    with app.app_context(), pytest.raises(InvalidData), services().sessions.begin() as s:
        results.replace_year(s, 2027, report, dt.datetime(2027, 5, 23))


@pytest.fixture()
def imported(app, tmp_path):
    path = tmp_path / "results.csv"
    path.write_bytes(GOOD.decode().encode("gbk"))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["admissions", "import-results", str(path)])
    assert dry.exit_code == 0 and "试运行" in dry.output, dry.output
    done = runner.invoke(args=["admissions", "import-results", str(path), "--commit"])
    assert done.exit_code == 0 and "已导入 2 条" in done.output, done.output
    return path


def lookup(client, number, last4):
    token = csrf_token(client, "/results")
    return client.post("/results", data={"registration_no": number, "id_last4": last4,
                                         "csrf_token": token})


def test_the_family_sees_the_masked_name_the_result_and_what_next(client, imported):
    response = lookup(client, "r2027000002", OTHER_ID[-4:])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "欧*娜" in html and "欧阳娜" not in html and OTHER_ID not in html
    assert "派位录取" in html and "示例小学" in html and "报到" in html


def test_unknown_number_and_wrong_digits_get_the_same_404(client, imported):
    wrong = lookup(client, "R2027000002", GOOD_ID[-4:])
    unknown = lookup(client, "R2027999999", OTHER_ID[-4:])
    malformed = lookup(client, "<script>", "12")
    assert wrong.status_code == unknown.status_code == malformed.status_code == 404

    def message(r):
        return re.search(r'role="alert"[^>]*>([^<]+)<', r.get_data(as_text=True)).group(1)
    assert message(wrong) == message(unknown) == message(malformed)


def test_results_expire_and_are_purged(app, client, imported, monkeypatch):
    xuequ = app.extensions["xuequ"]
    monkeypatch.setattr(xuequ, "settings", dataclasses.replace(xuequ.settings,
                                                               result_retention_days=0))
    assert lookup(client, "R2027000002", OTHER_ID[-4:]).status_code == 404
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["admissions", "purge-results"])
    assert "试运行：2 条" in dry.output
    done = runner.invoke(args=["admissions", "purge-results", "--commit"])
    assert "已删除 2 条" in done.output
    assert "试运行：0 条" in runner.invoke(args=["admissions", "purge-results"]).output


def test_the_cli_refuses_a_bad_file_with_its_rows(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(f"R2027000001,张三,{GOOD_ID[:-1]}0,审核通过"))
    result = app.test_cli_runner().invoke(args=["admissions", "import-results", str(path),
                                                "--commit"])
    assert result.exit_code == 1 and "第 2 行「身份证号」" in result.output
    assert "未导入" in result.output


def test_brute_force_is_refused(tmp_path):
    from webapp import create_app
    limited = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}",
                          "SECRET_KEY": "t", "REFRESH_SECONDS": 0, "RATELIMIT_ENABLED": True,
                          "WTF_CSRF_ENABLED": False, "RESULT_LOOKUP_LIMIT": "3 per minute"})
    client = limited.test_client()
    codes = [client.post("/results", data={"registration_no": "R2027000001",
                                           "id_last4": f"{n:04d}"}).status_code
             for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]
    assert client.get("/results").status_code == 200   # the form itself stays readable


def test_the_staff_page_dry_runs_then_imports(app, client):
    login(client, make_user(app, role="publisher"))
    token = csrf_token(client, "/staff/results")
    bad = client.post("/staff/results", data={
        "csrf_token": token, "file": (io.BytesIO(csv_bytes(
            f"R2027000001,张三,{GOOD_ID},审核通过", f"R2027000001,李四,{OTHER_ID},审核通过")),
            "r.csv")}, content_type="multipart/form-data").get_data(as_text=True)
    assert "整份文件未导入" in bad and "与第 2 行重复" in bad and 'id="commit"' not in bad
    good = client.post("/staff/results", data={
        "csrf_token": token, "file": (io.BytesIO(GOOD), "r.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "全部通过检查" in good and 'id="commit"' in good
    upload = re.search(r'name="token" value="([0-9a-f]{32})"', good).group(1)
    with app.app_context(), services().sessions() as s:
        before = len(s.query(results.AdmissionResult).all())
    done = client.post("/staff/results/commit", data={"csrf_token": token, "token": upload})
    assert "已导入 2 条结果" in done.get_data(as_text=True)
    with app.app_context(), services().sessions() as s:
        assert len(s.query(results.AdmissionResult).all()) == 2 and before in (0, 2)
    assert client.post("/staff/results/commit", data={
        "csrf_token": token, "token": "0" * 32}).status_code == 404


def test_an_editor_cannot_import_results(app, client):
    login(client, make_user(app, role="editor"))
    assert client.get("/staff/results").status_code == 403


def test_the_staff_cycle_check_lists_problems_with_their_paths(app, client):
    login(client, make_user(app, role="editor"))
    token = csrf_token(client, "/staff/cycle-check")
    from tests.test_cycle_schema import SAMPLE
    good = client.post("/staff/cycle-check", data={
        "csrf_token": token, "file": (io.BytesIO(SAMPLE.read_bytes()), "admissions_2027.yaml")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "通过检查" in good
    broken = SAMPLE.read_text(encoding="utf-8").replace("  county:\n", "  countie:\n", 1)
    bad = client.post("/staff/cycle-check", data={
        "csrf_token": token, "file": (io.BytesIO(broken.encode()), "admissions_2027.yaml")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "<code>documents.countie</code>" in bad and "未知的入学类别" in bad
    garbage = client.post("/staff/cycle-check", data={
        "csrf_token": token, "file": (io.BytesIO(b"\xff\xfe: ["), "x.yaml")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "无法读取" in garbage
