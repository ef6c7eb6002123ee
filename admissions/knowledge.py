"""The knowledge base: FAQ entries and policy documents (政府信息公开), with revisions.

Every save writes a full copy of the entry into `kb_revisions`, so an earlier wording can
always be shown and restored, and refreshes the entry's row in `kb_index`, the one table
that full-text search reads (see `admissions.kb_search`).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from sqlalchemy import JSON, Boolean, Date, DateTime, Index, Integer, String, Text, \
    UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.clock import Clock, utcnow
from store.db import Base
from store.spatial import postgresql_only
from zones.errors import N_, InvalidData, InvalidParameter, NotFound

POLICY_CATEGORIES = (N_("招生政策"), N_("实施细则"), N_("学区划分"), N_("招生计划"),
                     N_("通知公告"), N_("政策解读"))
FAQ_CATEGORIES = (N_("年龄与登记"), N_("学区与房产"), N_("入学类别与材料"), N_("随迁子女"),
                  N_("派位与录取"), N_("初中升学"), N_("咨询与监督"), N_("来信选登"))
PUBLIC_QA_CATEGORY = "来信选登"
VALIDITY = {"valid": N_("现行有效"), "amended": N_("已修订"), "repealed": N_("已废止")}
CODE_PATTERN = re.compile(r"[A-Za-z0-9-]{3,40}")
LABELS = {"question": "问题", "answer": "答复", "title": "标题", "body": "正文",
          "interpretation": "解读", "doc_number": "文号", "issuer": "发布机构",
          "issued_on": "发布日期", "reviewed_on": "审核日期", "valid_until": "有效期至"}
LIMITS = {"question": 200, "title": 200, "answer": 5000, "body": 50000,
          "interpretation": 20000, "doc_number": 64, "issuer": 64, "tags": 10}


class FaqEntry(Base):
    __tablename__ = "kb_faq"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    tags: Mapped[list] = mapped_column(JSON, default=list)
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))


class PolicyDocument(Base):
    __tablename__ = "kb_policies"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)  # 索引号, the permanent URL
    title: Mapped[str] = mapped_column(String(200))
    doc_number: Mapped[str] = mapped_column(String(64), default="")  # 文号
    issuer: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    interpretation: Mapped[str] = mapped_column(Text, default="")  # 解读
    validity: Mapped[str] = mapped_column(String(16), default="valid")
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))

    @property
    def year(self) -> int:
        return self.issued_on.year


class KbRevision(Base):
    __tablename__ = "kb_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("kind", "code", "version"),)


class KbIndexRow(Base):
    """What search reads: one row per published entry. SQLite mirrors it into the FTS5
    table `kb_fts` with triggers (migration 0004); PostgreSQL indexes title and body with
    pg_trgm GIN indexes (migration 0005_postgis)."""

    __tablename__ = "kb_index"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("kind", "code"),
                      *(postgresql_only(Index(f"kb_index_{column}_trgm", column,
                                              postgresql_using="gin",
                                              postgresql_ops={column: "gin_trgm_ops"}))
                        for column in ("title", "body")))


MODELS = {"faq": FaqEntry, "policy": PolicyDocument}
FAQ_FIELDS = ("question", "answer", "category", "tags", "reviewed_on", "published", "sample")
POLICY_FIELDS = ("title", "doc_number", "issuer", "issued_on", "category", "body",
                 "interpretation", "validity", "valid_until", "published", "sample")
FIELDS = {"faq": FAQ_FIELDS, "policy": POLICY_FIELDS}


def _text(data: dict, name: str, required: bool = True) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise InvalidParameter(N_("请填写%(name)s。"), field=name, name=LABELS[name])
    if len(value) > LIMITS.get(name, 64):
        raise InvalidParameter(N_("%(name)s太长了（最多 %(max)s 个字）。"), field=name,
                               name=LABELS[name], max=LIMITS.get(name, 64))
    return value


def _date(value, name: str, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        if required:
            raise InvalidParameter(N_("请填写%(name)s。"), field=name, name=LABELS[name])
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidParameter(N_("%(name)s不是有效日期（格式：2027-04-20）。"), field=name,
                               name=LABELS[name]) from None


def _tags(value) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,，、\s]+", value)
    tags = [str(t).strip()[:20] for t in (value or []) if str(t).strip()]
    if len(tags) > LIMITS["tags"]:
        raise InvalidParameter(N_("标签最多 %(max)s 个。"), field="tags", max=LIMITS["tags"])
    return tags


def _category(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidParameter(N_("请选择有效的分类。"), field="category")
    return value


def clean_faq(data: dict) -> dict:
    return {"question": _text(data, "question"), "answer": _text(data, "answer"),
            "category": _category(str(data.get("category") or ""), FAQ_CATEGORIES),
            "tags": _tags(data.get("tags")),
            "reviewed_on": _date(data.get("reviewed_on"), "reviewed_on", required=False),
            "published": bool(data.get("published", True)),
            "sample": bool(data.get("sample", False))}


def clean_policy(data: dict) -> dict:
    validity = str(data.get("validity") or "valid")
    if validity not in VALIDITY:
        raise InvalidParameter(N_("请选择有效的效力状态。"), field="validity")
    return {"title": _text(data, "title"), "doc_number": _text(data, "doc_number", False),
            "issuer": _text(data, "issuer"), "issued_on": _date(data.get("issued_on"),
                                                                "issued_on"),
            "category": _category(str(data.get("category") or ""), POLICY_CATEGORIES),
            "body": _text(data, "body"),
            "interpretation": _text(data, "interpretation", False), "validity": validity,
            "valid_until": _date(data.get("valid_until"), "valid_until", required=False),
            "published": bool(data.get("published", True)),
            "sample": bool(data.get("sample", False))}


CLEANERS = {"faq": clean_faq, "policy": clean_policy}


def _snapshot(entry) -> dict:
    out = {}
    for name in FIELDS["faq" if isinstance(entry, FaqEntry) else "policy"]:
        value = getattr(entry, name)
        out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def index_text(entry) -> tuple[str, str]:
    """The title and the body that search sees for an entry."""
    if isinstance(entry, FaqEntry):
        return entry.question, f"{entry.answer}\n{' '.join(entry.tags or [])}"
    return entry.title, f"{entry.doc_number}\n{entry.body}\n{entry.interpretation}"


def _reindex(session: Session, kind: str, entry) -> None:
    row = session.scalars(select(KbIndexRow).where(KbIndexRow.kind == kind,
                                                   KbIndexRow.code == entry.code)).first()
    if not entry.published:
        if row is not None:
            session.delete(row)
        return
    title, body = index_text(entry)
    if row is None:
        session.add(KbIndexRow(kind=kind, code=entry.code, title=title, body=body))
    else:
        row.title, row.body = title, body


def next_code(session: Session, kind: str, year: int) -> str:
    prefix = f"{'FAQ' if kind == 'faq' else 'ZC'}-{year}-"
    model = MODELS[kind]
    codes = session.scalars(select(model.code).where(model.code.like(f"{prefix}%"))).all()
    numbers = [int(c[len(prefix):]) for c in codes if c[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def save(session: Session, kind: str, data: dict, actor: str, code: str | None = None,
         expected_version: int | None = None):
    """Create (code None or new) or update an entry; returns it. Writes a revision."""
    values = CLEANERS[kind](data)
    model = MODELS[kind]
    entry = session.get(model, code) if code else None
    if entry is None:
        if code and not CODE_PATTERN.fullmatch(code):
            raise InvalidParameter(N_("编号只能包含字母、数字和短横线。"), field="code")
        year = (values.get("issued_on") or Clock().today()).year
        entry = model(code=code or next_code(session, kind, year), version=0)
        session.add(entry)
    elif expected_version is not None and entry.version != expected_version:
        raise InvalidParameter(N_("这条内容已被他人修改，请刷新后再编辑。"), field="version")
    for name, value in values.items():
        setattr(entry, name, value)
    entry.version = (entry.version or 0) + 1
    entry.updated_at, entry.updated_by = utcnow(), actor
    session.add(KbRevision(kind=kind, code=entry.code, version=entry.version,
                           content=_snapshot(entry), changed_by=actor))
    session.flush()
    _reindex(session, kind, entry)
    return entry


def get(session: Session, kind: str, code: str, public: bool = True):
    entry = session.get(MODELS[kind], code)
    if entry is None or (public and not entry.published):
        raise NotFound(N_("没有找到这条内容。"), field="code")
    return entry


def revisions(session: Session, kind: str, code: str) -> list[KbRevision]:
    return list(session.scalars(select(KbRevision).where(
        KbRevision.kind == kind, KbRevision.code == code).order_by(KbRevision.version.desc())))


def restore(session: Session, kind: str, code: str, version: int, actor: str):
    revision = session.scalars(select(KbRevision).where(
        KbRevision.kind == kind, KbRevision.code == code, KbRevision.version == version)).first()
    if revision is None:
        raise NotFound(N_("没有这个历史版本。"), field="version")
    return save(session, kind, revision.content, actor, code=code)


def list_faq(session: Session, category: str | None = None, published_only: bool = True
             ) -> list[FaqEntry]:
    query = select(FaqEntry).order_by(FaqEntry.code)
    if published_only:
        query = query.where(FaqEntry.published.is_(True))
    if category:
        query = query.where(FaqEntry.category == category)
    return list(session.scalars(query))


def list_policies(session: Session, category: str | None = None, year: int | None = None,
                  published_only: bool = True) -> list[PolicyDocument]:
    query = select(PolicyDocument).order_by(PolicyDocument.issued_on.desc(),
                                            PolicyDocument.code)
    if published_only:
        query = query.where(PolicyDocument.published.is_(True))
    if category:
        query = query.where(PolicyDocument.category == category)
    if year:
        query = query.where(PolicyDocument.issued_on >= dt.date(year, 1, 1),
                            PolicyDocument.issued_on <= dt.date(year, 12, 31))
    return list(session.scalars(query))


def policy_years(session: Session) -> list[int]:
    dates = session.scalars(select(PolicyDocument.issued_on).where(
        PolicyDocument.published.is_(True))).all()
    return sorted({d.year for d in dates}, reverse=True)


def count(session: Session, kind: str) -> int:
    return session.scalar(select(func.count()).select_from(MODELS[kind]))


# Loading the authored sample (data/sample/faq_*.yaml, policies_*.yaml) ------------------

def read_entries(path: Path, key: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        content = yaml.safe_load(f) or {}
    entries = content.get(key)
    if not isinstance(entries, list):
        raise InvalidData(N_("知识库文件 %(file)s 缺少 %(key)s 列表。"), file=path.name, key=key)
    sample = bool(content.get("sample"))
    return [{**entry, "sample": sample} for entry in entries]


def load_files(session: Session, directory: Path, actor: str = "system") -> int:
    """Add the entries of the directory's FAQ and policy files that are not in the
    database yet. Entries staff have edited are never overwritten, so loading twice, or
    after edits, changes nothing."""
    added = 0
    for kind, pattern, key in (("faq", "faq_*.yaml", "faq"),
                               ("policy", "policies_*.yaml", "policies")):
        for path in sorted(directory.glob(pattern)):
            for entry in read_entries(path, key):
                code = str(entry.get("code") or "")
                if not CODE_PATTERN.fullmatch(code):
                    raise InvalidData(N_("知识库条目缺少有效编号：%(file)s"), file=path.name)
                if session.get(MODELS[kind], code) is None:
                    save(session, kind, entry, actor, code=code)
                    added += 1
    return added

