"""Knowledge base: sample loading, revisions, Chinese full-text search and its API."""
from __future__ import annotations

import pytest

from admissions import kb_search, knowledge
from admissions.dataset import SAMPLE_DIR, load_dataset
from webapp.services import services
from zones.errors import InvalidParameter


@pytest.fixture()
def db(app):
    with app.app_context():
        yield services().sessions


def test_sample_is_loaded_once_and_marked_sample(db):
    with db() as session:
        assert knowledge.count(session, "faq") >= 40
        assert knowledge.count(session, "policy") >= 10
        assert all(e.sample for e in knowledge.list_faq(session) if e.code.startswith("FAQ-2027"))
    again = load_dataset(db, SAMPLE_DIR)
    assert again.loaded is False and again.knowledge == 0


def test_sample_agrees_with_the_admissions_content(db, sample_snapshot):
    cycle = sample_snapshot.cycle
    consult = next(c["phone"] for c in cycle["channels"] if c["id"] == "consult")
    registration = next(s for s in cycle["timeline"] if s["id"] == "online_registration")
    with db() as session:
        text = " ".join(e.answer for e in knowledge.list_faq(session))
    assert consult in text
    month, day = int(registration["start"][5:7]), int(registration["start"][8:])
    assert f"{month}月{day}日" in text


def test_search_ranks_the_matching_faq_first_with_highlights(db):
    with db() as session:
        hits = kb_search.search(session, "三代同堂需要什么材料")
    assert hits[0].title.startswith("三代同堂")
    start, end = hits[0].title_spans[0]
    assert hits[0].title[start:end] == "三代同堂"
    assert all(0 <= s < e <= len(h.snippet) for h in hits for s, e in h.spans)


def test_short_queries_fall_back_to_substring_search(db):
    with db() as session:
        hits = kb_search.search(session, "派位")
    assert hits and all("派位" in h.title + h.snippet for h in hits)


def test_empty_and_too_long_queries_are_rejected(db):
    with db() as session:
        with pytest.raises(InvalidParameter):
            kb_search.search(session, "  ")
        with pytest.raises(InvalidParameter):
            kb_search.search(session, "学" * 101)


def test_fts_special_characters_do_not_break_search(db):
    with db() as session:
        for query in ['"', 'NEAR(学区', "学区 OR AND *", "学区'); DROP TABLE kb_faq;--"]:
            kb_search.search(session, query)
        assert knowledge.count(session, "faq") >= 40


def test_edits_keep_revisions_and_update_the_index(db):
    with db.begin() as session:
        entry = knowledge.save(session, "faq", {"question": "校车什么时候开通？",
                                                "answer": "示例：九月开学后开通。",
                                                "category": "咨询与监督"}, "editor1")
        code = entry.code
    with db.begin() as session:
        knowledge.save(session, "faq", {"question": "校车什么时候开通运营？",
                                        "answer": "示例：十月开通。", "category": "咨询与监督"},
                       "editor2", code=code, expected_version=1)
    with db() as session:
        assert [r.version for r in knowledge.revisions(session, "faq", code)] == [2, 1]
        assert kb_search.search(session, "校车开通运营")[0].code == code
        with pytest.raises(InvalidParameter):  # a stale form cannot overwrite newer text
            knowledge.save(session, "faq", {"question": "x", "answer": "y",
                                            "category": "咨询与监督"}, "e", code=code,
                           expected_version=1)
    with db.begin() as session:
        restored = knowledge.restore(session, "faq", code, 1, "editor1")
        assert restored.answer == "示例：九月开学后开通。" and restored.version == 3


def test_unpublished_entries_leave_the_index(db):
    with db.begin() as session:
        entry = knowledge.save(session, "faq", {"question": "内部草稿问题甲乙丙",
                                                "answer": "草稿", "category": "咨询与监督",
                                                "published": False}, "editor1")
        code = entry.code
    with db() as session:
        assert all(h.code != code for h in kb_search.search(session, "内部草稿问题甲乙丙"))


@pytest.mark.parametrize("data, field", [
    ({"question": "", "answer": "a", "category": "咨询与监督"}, "question"),
    ({"question": "q", "answer": "a", "category": "不存在"}, "category"),
    ({"question": "q" * 201, "answer": "a", "category": "咨询与监督"}, "question"),
    ({"question": "q", "answer": "a", "category": "咨询与监督", "reviewed_on": "昨天"},
     "reviewed_on"),
])
def test_bad_faq_input_is_refused_in_chinese(db, data, field):
    with db() as session, pytest.raises(InvalidParameter) as caught:
        knowledge.save(session, "faq", data, "editor")
    assert caught.value.field == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message)


def test_faq_search_api(client):
    response = client.get("/api/v1/faq/search", query_string={"q": "随迁子女居住证"})
    assert response.status_code == 200
    hits = response.get_json()["hits"]
    assert hits and {"id", "title", "snippet", "url"} <= set(hits[0])
    assert client.get(hits[0]["url"]).status_code == 200
    assert client.get("/api/v1/faq/search?q=").status_code == 400
    assert client.get("/api/v1/faq/search?q=学区&limit=0").status_code == 400


def test_directory_pages_filter_and_link_permanently(client):
    page = client.get("/gk/?category=实施细则&year=2027").get_data(as_text=True)
    assert "ZC-2027-006" in page and "ZC-2026-004" not in page
    document = client.get("/gk/ZC-2027-005").get_data(as_text=True)
    assert "政策解读" in document and "预警日期" in document
    assert client.get("/gk/NOPE-1").status_code == 404
    assert "三代同堂" in client.get("/faq/?q=三代同堂").get_data(as_text=True)
