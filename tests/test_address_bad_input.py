"""Issue 12, bad input: each kind gets its own clear message or answer, through the API
and the parent's page, in Chinese and in English; never a 500."""
from __future__ import annotations

import pytest

LOOKUP = "/api/v1/lookup"

# (case, text, API status code, answer status or None for an error, words the message has)
CASES = [
    ("empty", "", 400, None, "请输入地址"),
    ("whitespace", "  \u3000 ", 400, None, "请输入地址"),
    ("too long", "临河街" * 70, 400, None, "太长"),
    ("control characters", "临河街\x07\x1b1226号", 400, None, "控制字符"),
    ("emoji", "🏠🏫😀", 200, "address_not_found", "符号或表情"),
    ("only digits", "1226", 200, "address_not_found", "只有数字"),
    ("only pinyin letters", "qwertyzx", 200, "address_not_found", "拼音或字母"),
    ("mixed scripts", "Lin河Street 1226", 200, "address_not_found", "混有字母和汉字"),
    ("another script", "Москва, Тверская 1", 200, "address_not_found", "无法识别这种文字"),
    ("another city", "北京市朝阳区建国路88号", 200, "outside_district", "不在"),
]
ENGLISH = {"符号或表情": "emoji", "只有数字": "number alone", "拼音或字母": "letters",
           "混有字母和汉字": "mixes letters", "无法识别这种文字": "script",
           "请输入地址": "address", "太长": "too long", "控制字符": "control", "不在": "not in"}


def _message(response) -> str:
    body = response.get_json()
    return body["error"]["message"] if "error" in body else body["next_steps"]


@pytest.mark.parametrize(("case", "text", "code", "status", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_through_the_api(client, case, text, code, status, words):
    response = client.get(LOOKUP, query_string={"address": text})
    assert response.status_code == code
    if status is not None:
        assert response.get_json()["status"] == status
    assert words in _message(response)


@pytest.mark.parametrize(("case", "text", "code", "status", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_in_english(client, case, text, code, status, words):
    response = client.get(LOOKUP, query_string={"address": text, "lang": "en"})
    assert response.status_code == code
    assert ENGLISH[words].lower() in _message(response).lower()


@pytest.mark.parametrize(("case", "text", "code", "status", "words"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_on_the_page(client, case, text, code, status, words):
    response = client.get("/", query_string={"address": text})
    assert response.status_code < 500
    page = response.get_data(as_text=True)
    if case in ("empty", "whitespace"):
        assert 'id="answer"' not in page  # nothing asked: the empty page, no error
        return
    assert words in page


def test_a_bad_candidate_id_on_the_page_is_a_message(client):
    response = client.get("/", query_string={"place": "\x01"})
    assert response.status_code < 500
    assert "控制字符" in response.get_data(as_text=True)


def test_emoji_around_a_real_address_still_finds_it(client):
    body = client.get(LOOKUP, query_string={"address": "🏠临河街1226号"}).get_json()
    assert body["status"] in ("assigned", "boundary")
    assert body["location"]["matched_address"] == "临河街1226号"
