"""Item 6: retention by rule. Every table with personal data has a period in Settings, the
web processes purge on a schedule, and the CLI reports (dry run) before it deletes."""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from sqlalchemy import func, select

from admissions import accounts, inquiries, retention
from admissions.accounts import LoginThrottle
from tests.helpers import make_user
from webapp.database.retention import policy, purge_expired_personal_data, uploads_dir
from webapp.services import services
from zones.notice_tables import NoticeCommentRow


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _old_personal_data(app, long_ago: dt.datetime) -> str:
    """A closed case, a 公示 comment, a throttle row and an upload, all long past."""
    with app.app_context():
        new = inquiries.clean_new({"kind": "consult", "content": "孩子报名的问题",
                                   "caller_name": "王女士", "caller_phone": "13812345678"}, set())
        with services().sessions.begin() as session:
            case = inquiries.create(session, new, inquiries.SystemActor(), "web")
            case.status, case.closed_at = "closed", long_ago
            zone_set = session.execute(select(NoticeCommentRow.zone_set_id)).first()
            from zones.tables import ZoneSetRow
            zone_set_id = zone_set[0] if zone_set else session.scalars(
                select(ZoneSetRow.id)).first()
            session.add(NoticeCommentRow(zone_set_id=zone_set_id, at=long_ago, name="李先生",
                                         contact="13900001111", body="身份证220105…"))
            session.add(LoginThrottle(account_key="k" * 64, client="192.0.2.200", failures=2,
                                      first_failed_at=long_ago, last_failed_at=long_ago))
            tracking = case.tracking
        upload = uploads_dir() / ("a" * 32)
        upload.mkdir(parents=True, exist_ok=True)
        (upload / "meta.json").write_text("{}")
        stamp = time.time() - 3 * 86400
        os.utime(upload, (stamp, stamp))
    return tracking


def test_every_kind_has_a_period_in_settings(app):
    settings = app.extensions["xuequ"].settings
    assert settings.inquiry_retention_days == 1095
    assert settings.notice_comment_retention_days == 365
    assert settings.login_record_retention_days == 30
    assert settings.upload_retention_hours == 24


def test_the_cli_reports_first_and_deletes_only_with_commit(app):
    long_ago = dt.datetime(2000, 1, 1)
    tracking = _old_personal_data(app, long_ago)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "purge"])
    assert dry.exit_code == 0 and "试运行" in dry.output and tracking in dry.output
    with app.app_context(), services().sessions() as session:
        assert session.scalar(select(func.count()).select_from(NoticeCommentRow).where(
            NoticeCommentRow.at == long_ago)) >= 1
    done = runner.invoke(args=["retention", "purge", "--commit"])
    assert done.exit_code == 0, done.output
    with app.app_context(), services().sessions() as session:
        assert inquiries.purgeable(session, 1095) == []
        assert not session.scalar(select(func.count()).select_from(NoticeCommentRow).where(
            NoticeCommentRow.at == long_ago))
        assert not session.scalars(select(LoginThrottle).where(
            LoginThrottle.client == "192.0.2.200")).first()
    with app.app_context():
        assert not (uploads_dir() / ("a" * 32)).exists()


def test_the_web_processes_purge_on_schedule_but_keep_what_is_recent(app):
    tracking = _old_personal_data(app, dt.datetime(2000, 1, 1))
    name = make_user(app)
    with app.app_context(), services().sessions.begin() as session:
        accounts.authenticate(session, name, "Wrong-1", "192.0.2.201", "test")  # recent
    with app.test_request_context("/"):
        services().last_retention_check = float("-inf")
        purge_expired_personal_data()
        with services().sessions() as session:
            assert tracking not in [c.tracking for c in inquiries.purgeable(session, 1)]
            assert session.scalars(select(LoginThrottle).where(
                LoginThrottle.client == "192.0.2.201")).first() is not None
        # And not again within the hour.
        _old_personal_data(app, dt.datetime(2000, 1, 1))
        purge_expired_personal_data()
        with services().sessions() as session:
            assert retention.plan(session, policy(), Path(uploads_dir())).counts()["uploads"] == 1
