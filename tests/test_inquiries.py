"""Inquiries: tracking numbers, the workflow and its permissions, 督办, public follow-up,
privacy (masking, anonymised publication, logs), retention, statistics and abuse."""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading

import pytest
from sqlalchemy import select

from admissions import inquiries, privacy
from admissions.inquiry_stats import statistics
from tests.helpers import csrf_token, login, make_user
from webapp.auth import accounts
from webapp.services import services
from zones import audit
from zones.errors import Conflict, InvalidParameter, NotFound

PHONE = "13812345678"
FORM = {"kind": "complaint", "content": "学校要求交赞助费才给报名。", "caller_name": "张女士",
        "caller_phone": PHONE, "school_code": "EDP16", "contact_consent": "1"}


def _user(app, role, school_code=None):
    name = make_user(app, role)
    with app.app_context(), services().sessions.begin() as session:
        user = accounts.find_user(session, name)
        user.school_code = school_code
    with app.app_context(), services().sessions() as session:
        return accounts.find_user(session, name)


def _create(app, **overrides):
    with app.app_context():
        new = inquiries.clean_new({**FORM, **overrides}, {"EDP16", "EDP01"})
        with services().sessions.begin() as session:
            return inquiries.create(session, new, inquiries.SystemActor(), "web").tracking


def _do(app, tracking, fn, *args, **kwargs):
    with app.app_context(), services().sessions.begin() as session:
        case = inquiries.get(session, tracking)
        fn(session, case, *args, **kwargs)


def test_a_case_on_new_years_night_in_beijing_gets_the_new_year(app):
    import datetime as dt
    with app.app_context():
        new = inquiries.clean_new(FORM, {"EDP16"})
        with services().sessions.begin() as session:
            late = inquiries.create(session, new, inquiries.SystemActor(), "web",
                                    now=dt.datetime(2030, 12, 31, 16, 30))  # 00:30 in Beijing
            assert late.tracking.startswith("EDJY-2031-")


def test_tracking_numbers_are_sequential_per_year_and_race_safe(app):
    numbers: list[str] = []

    def intake():
        numbers.append(_create(app))

    threads = [threading.Thread(target=intake) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(numbers)) == 8
    assert all(re.fullmatch(r"EDJY-\d{4}-\d{6}", n) for n in numbers)
    sequence = sorted(int(n[-6:]) for n in numbers)
    assert sequence == list(range(sequence[0], sequence[0] + 8))
    with app.app_context(), services().sessions.begin() as session:
        assert inquiries.next_sequence(session, 1999) == 1
        assert inquiries.next_sequence(session, 1999) == 2


@pytest.mark.parametrize("overrides, field", [
    ({"kind": "praise"}, "kind"),
    ({"content": "   "}, "content"),
    ({"content": "长" * 2001}, "content"),
    ({"caller_name": ""}, "caller_name"),
    ({"caller_name": "<script>"}, "caller_name"),
    ({"caller_phone": "12345"}, "caller_phone"),
    ({"school_code": "NOPE"}, "school_code"),
])
def test_bad_intake_is_refused_with_a_chinese_message(overrides, field):
    with pytest.raises(InvalidParameter) as caught:
        inquiries.clean_new({**FORM, **overrides}, {"EDP16"})
    assert caught.value.field == field
    assert re.search(r"[\u4e00-\u9fff]", caught.value.message)


def test_2000_characters_are_accepted():
    assert len(inquiries.clean_new({**FORM, "content": "长" * 2000}, {"EDP16"}).content) == 2000


def test_the_workflow_records_who_and_when_and_enforces_roles(app):
    operator = _user(app, "operator")
    school = _user(app, "school", "EDP16")
    other_school = _user(app, "school", "EDP01")
    publisher = _user(app, "publisher")
    tracking = _create(app)
    with pytest.raises(Conflict):  # nothing to close yet
        _do(app, tracking, inquiries.close, operator)
    with pytest.raises(InvalidParameter):  # a due date in the past
        _do(app, tracking, inquiries.assign, operator, "school", "EDP16", "2000-01-01",
            {"EDP16"})
    due = dt.date.today() + dt.timedelta(days=3)
    _do(app, tracking, inquiries.assign, operator, "school", "EDP16", due, {"EDP16"})
    with pytest.raises(Conflict):  # another school cannot act on it
        _do(app, tracking, inquiries.reply, other_school, "答复")
    _do(app, tracking, inquiries.process, school)
    _do(app, tracking, inquiries.reply, school, "经核实，学校未收取任何费用。")
    with pytest.raises(Conflict):  # the school replies, the bureau closes
        _do(app, tracking, inquiries.close, school)
    _do(app, tracking, inquiries.close, publisher)
    with app.app_context(), services().sessions() as session:
        case = inquiries.get(session, tracking)
        assert case.status == "closed"
        assert [(s.action, s.actor) for s in case.steps] == [
            ("receive", "public"), ("assign", operator.username), ("process", school.username),
            ("reply", school.username), ("close", publisher.username)]
        assert all(s.at is not None for s in case.steps)
        assert case.replied_at >= case.created_at
        assert not inquiries.may_view(other_school, case)


def test_overdue_cases_are_flagged_and_listed_for_publishers(app):
    publisher = _user(app, "publisher")
    tracking = _create(app)
    later = dt.date.today() + dt.timedelta(days=30)
    with app.app_context(), services().sessions() as session:
        assert tracking in [c.tracking for c in inquiries.overdue(session, publisher, later)]
        assert tracking not in [c.tracking for c in inquiries.overdue(session, publisher)]
        assert inquiries.get(session, tracking).overdue(later)


def test_public_lookup_needs_the_right_digits_and_reveals_nothing_otherwise(app):
    tracking = _create(app)
    with app.app_context(), services().sessions() as session:
        assert inquiries.public_lookup(session, tracking, PHONE[-4:]).tracking == tracking
        messages = set()
        for number, digits in ((tracking, "0000"), ("EDJY-2027-999999", PHONE[-4:]),
                               ("garbage", "12"), (tracking.lower(), "abcd")):
            with pytest.raises(NotFound) as caught:
                inquiries.public_lookup(session, number, digits)
            messages.add(caught.value.message)
        assert len(messages) == 1


def test_public_status_api_gives_identical_404s(client, app):
    tracking = _create(app)
    ok = client.get(f"/api/v1/inquiries/{tracking}?phone_last4={PHONE[-4:]}")
    assert ok.status_code == 200 and ok.get_json()["status"] == "received"
    assert PHONE not in ok.get_data(as_text=True) and "张女士" not in ok.get_data(as_text=True)
    wrong = client.get(f"/api/v1/inquiries/{tracking}?phone_last4=0000")
    unknown = client.get(f"/api/v1/inquiries/EDJY-2027-999999?phone_last4={PHONE[-4:]}")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_data() == unknown.get_data()


def test_phones_are_masked_except_for_whoever_handles_the_case(app):
    tracking = _create(app)
    operator = _user(app, "operator")
    _do(app, tracking, inquiries.assign, operator, "school", "EDP16",
        dt.date.today() + dt.timedelta(days=2), {"EDP16"})
    pages = {}
    for role, school in (("operator", None), ("school", "EDP16"), ("publisher", None)):
        client = app.test_client()
        login(client, _user(app, role, school).username)
        pages[role] = client.get(f"/hotline/inquiries/{tracking}").get_data(as_text=True)
    assert PHONE in pages["operator"] and PHONE in pages["school"]
    assert PHONE not in pages["publisher"] and "138****5678" in pages["publisher"]
    assert privacy.mask_phone("0431-84617293") == "0431-****7293"


def test_phones_never_reach_logs_or_the_audit_log(app, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    operator = make_user(app, "operator")
    login(client, operator)
    token = csrf_token(client, "/hotline/inquiries/new")
    response = client.post("/hotline/inquiries/new", data={
        **FORM, "caller_phone": "13987654321", "csrf_token": token})
    assert response.status_code == 302
    assert "13987654321" not in caplog.text
    with app.app_context(), services().sessions() as session:
        entries = audit.entries(session, actor=operator)
        assert entries and all("13987654321" not in str(e.detail) for e in entries)


def test_published_qa_never_shows_names_phones_or_house_numbers(app, client):
    personal = ("王小明", "13712349876", "1662号", "3栋", "501室", "220105198001011234")
    tracking = _create(app, caller_name="王小明", content=(
        "我叫王小明，住临河街1662号3栋2单元501室，电话13712349876，身份证220105198001011234，"
        "孩子户口在爷爷家，能按三代同堂报名吗？"))
    operator, publisher = _user(app, "operator"), _user(app, "publisher")
    _do(app, tracking, inquiries.reply, operator,
        "王小明您好：符合三代同堂条件的可以登记。如有疑问请回电13712349876。")
    with app.app_context(), services().sessions() as session:
        question, answer = inquiries.publication_draft(inquiries.get(session, tracking))
    assert not any(p in question + answer for p in personal)
    # Even if staff paste the raw text back, it is anonymised again before it is stored.
    with app.app_context(), services().sessions() as session:
        case = inquiries.get(session, tracking)
        raw_question, raw_answer = case.content, case.reply
    _do(app, tracking, inquiries.publish_as_qa, publisher, raw_question, raw_answer)
    with app.app_context(), services().sessions() as session:
        code = inquiries.get(session, tracking).published_faq
    for url in (f"/faq/{code}", "/gk/", "/faq/", "/api/v1/faq/search?q=三代同堂报名"):
        text = client.get(url).get_data(as_text=True)
        assert not any(p in text for p in personal), url
    assert code in client.get("/gk/").get_data(as_text=True)


def test_publishing_needs_staff_opt_in(app):
    tracking = _create(app)
    operator = _user(app, "operator")
    _do(app, tracking, inquiries.reply, operator, "已答复。")
    with pytest.raises(Conflict):  # an operator may not publish; a publisher decides
        _do(app, tracking, inquiries.publish_as_qa, operator, "问", "答")
    with app.app_context(), services().sessions() as session:
        assert inquiries.get(session, tracking).published_faq is None


def test_retention_purge_is_a_dry_run_unless_committed(app):
    tracking = _create(app)
    operator = _user(app, "operator")
    old = dt.datetime(2020, 1, 1)
    _do(app, tracking, inquiries.reply, operator, "答复", now=old)
    _do(app, tracking, inquiries.close, operator, now=old)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["inquiries", "purge", "--days", "365"])
    assert dry.exit_code == 0 and tracking in dry.output
    with app.app_context(), services().sessions() as session:
        inquiries.get(session, tracking)
    done = runner.invoke(args=["inquiries", "purge", "--days", "365", "--commit"])
    assert done.exit_code == 0
    with app.app_context(), services().sessions() as session, pytest.raises(NotFound):
        inquiries.get(session, tracking)
    with app.app_context(), services().sessions() as session:
        assert session.scalars(select(inquiries.InquiryStep).where(
            inquiries.InquiryStep.inquiry_id.not_in(select(inquiries.Inquiry.id)))).all() == []


def test_statistics_count_and_time_replies(app):
    operator = _user(app, "operator")
    tracking = _create(app, kind="suggestion")
    _do(app, tracking, inquiries.reply, operator, "感谢建议。")
    with app.app_context(), services().sessions() as session:
        figures = statistics(session)
    assert figures["by_kind"]["suggestion"] >= 1
    assert figures["total"] == sum(figures["by_status"].values())
    assert figures["average_reply_hours"] is not None
    assert sum(n for _, n in figures["by_week"]) >= 1
    client = app.test_client()
    login(client, make_user(app, "publisher"))
    page = client.get("/hotline/stats").get_data(as_text=True)
    assert 'class="bar"' in page and "建议" in page
