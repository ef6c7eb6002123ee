"""Inquiries and complaints (咨询、投诉、举报、建议): intake, tracking numbers, the
受理 → 转办 → 办理 → 回复 → 办结 workflow with its history, 督办 and public follow-up.

Who may do what is decided here, from the acting user's permissions (`hotline`, `publish`,
`school_reply` and the school they belong to), so every interface applies the same rules.
"""
from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from admissions import knowledge, privacy
from store.clock import Clock, to_beijing, utcnow
from store.db import Base
from zones.errors import N_, Conflict, InvalidParameter, NotFound

TRACKING_PREFIX = "EDJY"
TRACKING_PATTERN = re.compile(rf"{TRACKING_PREFIX}-(\d{{4}})-(\d{{6}})")
MAX_CONTENT = 2000
MAX_NAME = 32
DEFAULT_WORKING_DAYS = 5

KINDS = {"consult": N_("咨询"), "complaint": N_("投诉"), "report": N_("举报"),
         "suggestion": N_("建议")}
STATUSES = {"received": N_("已受理"), "assigned": N_("已转办"), "processing": N_("办理中"),
            "replied": N_("已回复"), "closed": N_("已办结")}
OPEN_STATUSES = ("received", "assigned", "processing")
ACTIONS = {"receive": N_("受理"), "assign": N_("转办"), "process": N_("办理"),
           "reply": N_("回复"), "close": N_("办结"), "remind": N_("督办"),
           "publish": N_("公开为问答")}
# Steps the caller sees when following a case up (a 督办 is internal).
PUBLIC_ACTIONS = ("receive", "assign", "process", "reply", "close")
DEPARTMENTS = (N_("区教育局招生办公室"), N_("区教育局基础教育科"), N_("区教育局信访办公室"),
               N_("驻局纪检监察组"))
CHANNELS = {"phone": N_("电话"), "web": N_("网上")}


class Actor(Protocol):
    username: str
    school_code: str | None

    def can(self, permission: str) -> bool: ...


@dataclass(frozen=True)
class SystemActor:
    """The public web form, or a CLI command, acting without a staff account."""

    username: str = "public"
    school_code: str | None = None

    def can(self, permission: str) -> bool:
        return False


class InquirySequence(Base):
    __tablename__ = "inquiry_sequences"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class Inquiry(Base):
    __tablename__ = "inquiries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tracking: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8))
    school_code: Mapped[str | None] = mapped_column(String(32), index=True)
    content: Mapped[str] = mapped_column(Text)
    caller_name: Mapped[str] = mapped_column(String(32))
    caller_phone: Mapped[str] = mapped_column(String(20))
    contact_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), index=True)
    assignee_kind: Mapped[str | None] = mapped_column(String(16))  # school | department
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    published_faq: Mapped[str | None] = mapped_column(String(40))
    steps: Mapped[list[InquiryStep]] = relationship(
        back_populates="inquiry", order_by="InquiryStep.id", cascade="all, delete-orphan")

    @property
    def phone_masked(self) -> str:
        return privacy.mask_phone(self.caller_phone)

    def overdue(self, today: dt.date) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < today


class InquiryStep(Base):
    __tablename__ = "inquiry_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiries.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    inquiry: Mapped[Inquiry] = relationship(back_populates="steps")


# Validation -----------------------------------------------------------------------------

def add_working_days(start: dt.date, days: int) -> dt.date:
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _content(raw: str | None, field: str = "content", label: str = "内容") -> str:
    value = (raw or "").strip()
    if not value:
        raise InvalidParameter(N_("请填写%(label)s。"), field=field, label=label)
    if len(value) > MAX_CONTENT:
        raise InvalidParameter(N_("%(label)s最多 %(max)s 个字，现在是 %(n)s 个字。"), field=field,
                               label=label, max=MAX_CONTENT, n=len(value))
    return value


@dataclass(frozen=True)
class NewInquiry:
    kind: str
    content: str
    caller_name: str
    caller_phone: str
    contact_consent: bool
    school_code: str | None


ANONYMOUS_KINDS = ("report",)  # a 举报 may be made without a name or a phone


def check_new(data: dict, school_codes: set[str]
              ) -> tuple[NewInquiry | None, list[InvalidParameter]]:
    """Check every field of a submitted form (web, API or console): the clean values, or
    every problem at once, each naming its field, so a form can show them all together."""
    errors: list[InvalidParameter] = []

    def checked(check):
        try:
            return check()
        except InvalidParameter as exc:
            errors.append(exc)
            return None

    kind = str(data.get("kind") or "").strip()
    anonymous_allowed = kind in ANONYMOUS_KINDS

    def check_kind():
        if kind not in KINDS:
            raise InvalidParameter(N_("请选择类型：咨询、投诉、举报或建议。"), field="kind")
        return kind

    def check_name():
        name = str(data.get("caller_name") or "").strip()
        if not name and not anonymous_allowed:
            raise InvalidParameter(N_("请填写姓名或称呼（可以只写姓，如“张女士”）。"),
                                   field="caller_name")
        if len(name) > MAX_NAME or re.search(r"[<>{}\\]", name):
            raise InvalidParameter(N_("姓名或称呼最多 %(max)s 个字，不能含特殊符号。"),
                                   field="caller_name", max=MAX_NAME)
        return name

    def check_phone():
        phone = privacy.normalize_phone(str(data.get("caller_phone") or ""))
        if not phone and anonymous_allowed:
            return ""
        if not privacy.is_valid_phone(phone):
            raise InvalidParameter(N_("请填写有效的手机号码（11 位）或带区号的固定电话。"),
                                   field="caller_phone")
        return phone

    def check_school():
        school = str(data.get("school_code") or "").strip() or None
        if school is not None and school not in school_codes:
            raise InvalidParameter(N_("请从列表中选择学校。"), field="school_code")
        return school

    values = [checked(check_kind), checked(lambda: _content(data.get("content"))),
              checked(check_name), checked(check_phone), checked(check_school)]
    if errors:
        return None, errors
    consent = str(data.get("contact_consent") or "").lower() in ("1", "true", "on", "yes")
    kind_, content, name, phone, school = values
    return NewInquiry(kind_, content, name, phone, consent and bool(phone), school), []


def clean_new(data: dict, school_codes: set[str]) -> NewInquiry:
    """The clean values, or the first problem raised (the API answers one field at a time)."""
    new, errors = check_new(data, school_codes)
    if errors:
        raise errors[0]
    return new


# Tracking numbers ------------------------------------------------------------------------

def next_sequence(session: Session, year: int) -> int:
    """The next number of `year`. The UPDATE takes the row lock (PostgreSQL) or the write
    lock (SQLite) first, so concurrent intakes queue instead of sharing a number."""
    number = session.execute(update(InquirySequence).where(InquirySequence.year == year)
                             .values(last=InquirySequence.last + 1)
                             .returning(InquirySequence.last)).scalar()
    if number is not None:
        return number
    try:
        with session.begin_nested():
            session.add(InquirySequence(year=year, last=1))
        return 1
    except IntegrityError:  # another intake created the year's row first
        return next_sequence(session, year)


def tracking_number(year: int, number: int) -> str:
    return f"{TRACKING_PREFIX}-{year}-{number:06d}"


# The workflow -----------------------------------------------------------------------------

def _step(inquiry: Inquiry, actor: Actor, action: str, note: str = "",
          at: dt.datetime | None = None) -> None:
    inquiry.steps.append(InquiryStep(actor=actor.username, action=action, note=note,
                                     at=at or utcnow()))


def create(session: Session, new: NewInquiry, actor: Actor, channel: str,
           now: dt.datetime | None = None) -> Inquiry:
    """Record a new case (受理). Call it first in its transaction (see next_sequence)."""
    now = now or utcnow()
    local = to_beijing(now)  # the bureau's year and day, not UTC's, on New Year's night
    number = next_sequence(session, local.year)
    inquiry = Inquiry(tracking=tracking_number(local.year, number), kind=new.kind,
                      channel=channel, school_code=new.school_code, content=new.content,
                      caller_name=new.caller_name, caller_phone=new.caller_phone,
                      contact_consent=new.contact_consent, status="received",
                      due_on=add_working_days(local.date(), DEFAULT_WORKING_DAYS),
                      created_at=now, created_by=actor.username)
    _step(inquiry, actor, "receive", at=now)
    session.add(inquiry)
    session.flush()
    return inquiry


def get(session: Session, tracking: str) -> Inquiry:
    inquiry = session.scalars(select(Inquiry).where(Inquiry.tracking == tracking)).first()
    if inquiry is None:
        raise NotFound(N_("没有找到这个受理编号。"), field="tracking")
    return inquiry


def is_bureau_staff(actor: Actor) -> bool:
    return actor.can("hotline") or actor.can("publish")


def handles(actor: Actor, inquiry: Inquiry) -> bool:
    """The assigned school, or the bureau's hotline, handles the case."""
    if actor.can("hotline"):
        return True
    return (actor.can("school_reply") and inquiry.assignee_kind == "school"
            and bool(actor.school_code) and inquiry.assignee == actor.school_code)


def may_view(actor: Actor, inquiry: Inquiry) -> bool:
    return is_bureau_staff(actor) or handles(actor, inquiry)


def may_see_phone(actor: Actor, inquiry: Inquiry) -> bool:
    return handles(actor, inquiry)


def allowed_actions(actor: Actor, inquiry: Inquiry) -> list[str]:
    actions = []
    staff = is_bureau_staff(actor)
    if staff and inquiry.status in OPEN_STATUSES:
        actions.append("assign")
    if handles(actor, inquiry) and inquiry.status == "assigned":
        actions.append("process")
    if (staff or handles(actor, inquiry)) and inquiry.status in OPEN_STATUSES:
        actions.append("reply")
    if staff and inquiry.status == "replied":
        actions.append("close")
    if actor.can("publish") and inquiry.status in OPEN_STATUSES:
        actions.append("remind")
    if actor.can("publish") and inquiry.status in ("replied", "closed") \
            and not inquiry.published_faq:
        actions.append("publish")
    return actions


def _require(actor: Actor, inquiry: Inquiry, action: str) -> None:
    if not may_view(actor, inquiry) or action not in allowed_actions(actor, inquiry):
        raise Conflict(N_("当前状态（%(status)s）下不能进行“%(action)s”，或您没有权限。"),
                       field="action", status=STATUSES[inquiry.status], action=ACTIONS[action])


def assign(session: Session, inquiry: Inquiry, actor: Actor, assignee_kind: str,
           assignee: str, due_on: dt.date | str | None, school_codes: set[str],
           note: str = "", today: dt.date | None = None) -> None:
    _require(actor, inquiry, "assign")
    today = today or Clock().today()
    if assignee_kind == "school":
        if assignee not in school_codes:
            raise InvalidParameter(N_("请选择承办学校。"), field="assignee")
    elif assignee_kind == "department":
        if assignee not in DEPARTMENTS:
            raise InvalidParameter(N_("请选择承办科室。"), field="assignee")
    else:
        raise InvalidParameter(N_("请选择转办给学校还是科室。"), field="assignee_kind")
    due = _due_date(due_on)
    if due < today:
        raise InvalidParameter(N_("办理期限不能早于今天。"), field="due_on")
    inquiry.assignee_kind, inquiry.assignee, inquiry.due_on = assignee_kind, assignee, due
    inquiry.status = "assigned"
    _step(inquiry, actor, "assign", _optional_note(note))


def _due_date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidParameter(N_("请填写办理期限（格式：2027-05-20）。"), field="due_on") from None


def _optional_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > MAX_CONTENT:
        raise InvalidParameter(N_("%(label)s最多 %(max)s 个字，现在是 %(n)s 个字。"), field="note",
                               label="备注", max=MAX_CONTENT, n=len(note))
    return note


def process(session: Session, inquiry: Inquiry, actor: Actor, note: str = "") -> None:
    _require(actor, inquiry, "process")
    inquiry.status = "processing"
    _step(inquiry, actor, "process", _optional_note(note))


def reply(session: Session, inquiry: Inquiry, actor: Actor, text: str,
          now: dt.datetime | None = None) -> None:
    _require(actor, inquiry, "reply")
    inquiry.reply = _content(text, "reply", "答复内容")
    inquiry.status = "replied"
    inquiry.replied_at = now or utcnow()
    _step(inquiry, actor, "reply", at=inquiry.replied_at)


def close(session: Session, inquiry: Inquiry, actor: Actor, note: str = "",
          now: dt.datetime | None = None) -> None:
    _require(actor, inquiry, "close")
    inquiry.status = "closed"
    inquiry.closed_at = now or utcnow()
    _step(inquiry, actor, "close", _optional_note(note), at=inquiry.closed_at)


def remind(session: Session, inquiry: Inquiry, actor: Actor, note: str = "") -> None:
    _require(actor, inquiry, "remind")
    _step(inquiry, actor, "remind", _optional_note(note))


def mark_published(inquiry: Inquiry, actor: Actor, faq_code: str) -> None:
    _require(actor, inquiry, "publish")
    inquiry.published_faq = faq_code
    _step(inquiry, actor, "publish", faq_code)


# Lists ------------------------------------------------------------------------------------

def visible_query(actor: Actor):
    query = select(Inquiry).order_by(Inquiry.created_at.desc(), Inquiry.id.desc())
    if is_bureau_staff(actor):
        return query
    return query.where(Inquiry.assignee_kind == "school",
                       Inquiry.assignee == (actor.school_code or "\x00"))


def listing(session: Session, actor: Actor, status: str | None = None, limit: int = 200
            ) -> list[Inquiry]:
    query = visible_query(actor).limit(limit)
    if status in STATUSES:
        query = query.where(Inquiry.status == status)
    return list(session.scalars(query))


def overdue(session: Session, actor: Actor, today: dt.date | None = None) -> list[Inquiry]:
    today = today or Clock().today()
    query = visible_query(actor).where(Inquiry.status.in_(OPEN_STATUSES),
                                       Inquiry.due_on < today)
    return list(session.scalars(query))


def due_soon(session: Session, actor: Actor, today: dt.date | None = None, days: int = 2
             ) -> list[Inquiry]:
    today = today or Clock().today()
    query = visible_query(actor).where(Inquiry.status.in_(OPEN_STATUSES),
                                       Inquiry.due_on >= today,
                                       Inquiry.due_on <= today + dt.timedelta(days=days))
    return list(session.scalars(query))


# Public follow-up ---------------------------------------------------------------------------

def public_lookup(session: Session, tracking: str, phone_last4: str) -> Inquiry:
    """The case only if the number and the phone's last 4 digits both match. Every
    failure raises the same NotFound, so a guess learns nothing."""
    not_found = NotFound(N_("受理编号或手机号后四位不正确。"), field="tracking")
    tracking = (tracking or "").strip().upper()
    digits = (phone_last4 or "").strip()
    if not TRACKING_PATTERN.fullmatch(tracking) or not re.fullmatch(r"\d{4}", digits):
        raise not_found
    inquiry = session.scalars(select(Inquiry).where(Inquiry.tracking == tracking)).first()
    expected = inquiry.caller_phone[-4:] if inquiry is not None else "\x00\x00\x00\x00"
    if not hmac.compare_digest(expected.encode(), digits.encode()) or inquiry is None:
        raise not_found
    return inquiry


def public_view(inquiry: Inquiry, translate=lambda s: s) -> dict:
    """What the caller sees: no names, phones, assignee details or internal notes."""
    return {"tracking": inquiry.tracking, "kind": inquiry.kind,
            "kind_label": translate(KINDS[inquiry.kind]), "status": inquiry.status,
            "status_label": translate(STATUSES[inquiry.status]),
            "received_on": to_beijing(inquiry.created_at).date().isoformat(),
            "due_on": inquiry.due_on.isoformat() if inquiry.status in OPEN_STATUSES else None,
            "reply": inquiry.reply if inquiry.status in ("replied", "closed") else None,
            "history": [{"action": s.action, "label": translate(ACTIONS[s.action]),
                         "at": to_beijing(s.at).replace(microsecond=0).isoformat()}
                        for s in inquiry.steps if s.action in PUBLIC_ACTIONS]}


# Retention ----------------------------------------------------------------------------------

def purgeable(session: Session, retention_days: int, now: dt.datetime | None = None
              ) -> list[Inquiry]:
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    return list(session.scalars(select(Inquiry).where(Inquiry.status == "closed",
                                                      Inquiry.closed_at < cutoff)))


def purge(session: Session, cases: list[Inquiry]) -> int:
    for inquiry in cases:
        session.delete(inquiry)  # steps go with it (cascade)
    session.flush()
    return len(cases)


# Publishing a reply as a public Q&A (only when staff choose to) -----------------------------

def publication_draft(inquiry: Inquiry) -> tuple[str, str]:
    names = (inquiry.caller_name,)
    return (privacy.anonymise(inquiry.content, names)[:knowledge.LIMITS["question"]],
            privacy.anonymise(inquiry.reply, names))


def publish_as_qa(session: Session, inquiry: Inquiry, actor: Actor, question: str,
                  answer: str, today: dt.date | None = None) -> knowledge.FaqEntry:
    """Publish the case as a 来信选登 FAQ entry. Whatever staff typed, names, phones and
    house numbers are removed again before it is stored."""
    _require(actor, inquiry, "publish")
    names = (inquiry.caller_name,)
    entry = knowledge.save(session, "faq", {
        "question": privacy.anonymise(question, names),
        "answer": privacy.anonymise(answer, names),
        "category": knowledge.PUBLIC_QA_CATEGORY, "tags": [KINDS[inquiry.kind]],
        "reviewed_on": today or Clock().today()}, actor.username)
    mark_published(inquiry, actor, entry.code)
    return entry
