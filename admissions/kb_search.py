"""Chinese full-text search over the knowledge base, behind one small interface.

Chinese has no spaces, so a question such as "三代同堂需要什么材料" is cut at punctuation and
common question words into segments ("三代同堂", "材料"). Segments of three characters or
more are searched by their trigrams; shorter ones by substring.

- SQLite: FTS5 with the trigram tokenizer (`kb_fts`, kept in step with `kb_index` by
  triggers) finds the candidates, ranked by bm25 (title weighted over body).
- PostgreSQL: pg_trgm. The pg_trgm GIN indexes on `kb_index.title`/`body` (migration
  0005_postgis) serve the ILIKE substring conditions, and `word_similarity` ranks the
  candidates (title weighted over body).
- Other databases: the same substring (ILIKE) scan, unranked.
- Either way, candidates are re-scored in Python by how much of the question they cover,
  and each hit carries a snippet with the matching spans.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from admissions.knowledge import KbIndexRow
from zones.errors import N_, InvalidParameter

MAX_QUERY_LENGTH = 100
CANDIDATES = 60
SNIPPET_LENGTH = 90
KINDS = ("faq", "policy")
# Question words that carry no subject matter; cutting at them keeps the trigrams on topic.
STOP_WORDS = ("请问", "怎么办", "怎么样", "怎么", "怎样", "如何", "什么", "哪些", "哪个", "哪里",
              "是不是", "能不能", "可不可以", "可以", "需要", "要求", "是否", "还是", "吗", "呢",
              "吧", "的", "了", "和", "与", "及", "或", "我家", "我们", "孩子", "请")
# Control characters split too: a NUL ends SQLite's FTS5 query string and PostgreSQL refuses it.
SPLIT = re.compile(r"[\x00-\x1f\x7f"
                   r"\s\u3000,.;:!?，。；：！？、（）()\[\]【】“”\"'‘’《》<>/\\|*%_^+=~`-]+")


@dataclass(frozen=True)
class Hit:
    kind: str
    code: str
    title: str
    title_spans: tuple[tuple[int, int], ...]
    snippet: str
    spans: tuple[tuple[int, int], ...]
    score: float


@dataclass(frozen=True)
class Query:
    text: str
    segments: tuple[str, ...]

    @property
    def trigrams(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for segment in self.segments:
            for i in range(len(segment) - 2):
                seen.setdefault(segment[i:i + 3])
        return tuple(seen)

    @property
    def bigrams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s[i:i + 2] for s in self.segments
                                   for i in range(max(1, len(s) - 1))))

    @property
    def short(self) -> tuple[str, ...]:
        return tuple(s for s in self.segments if len(s) < 3)

    @property
    def units(self) -> tuple[str, ...]:
        return self.trigrams + self.short


def parse(query: str) -> Query:
    text_ = (query or "").strip()
    if not text_:
        raise InvalidParameter(N_("请输入要搜索的问题或关键词。"), field="q")
    if len(text_) > MAX_QUERY_LENGTH:
        raise InvalidParameter(N_("搜索内容太长了（最多 %(max)s 个字）。"), field="q",
                               max=MAX_QUERY_LENGTH)
    lowered = text_.lower()
    for word in STOP_WORDS:
        lowered = lowered.replace(word, " ")
    segments = tuple(dict.fromkeys(s for s in SPLIT.split(lowered) if s))
    if not segments:  # only question words: search for what was typed
        segments = tuple(s for s in SPLIT.split(text_.lower()) if s)
    return Query(text_, segments)


def match_spans(text_: str, units: tuple[str, ...]) -> list[tuple[int, int]]:
    """Merged [start, end) spans of `text_` covered by any unit (case-insensitive)."""
    lowered = text_.lower()
    covered = bytearray(len(text_))
    for unit in units:
        start = lowered.find(unit)
        while start != -1:
            covered[start:start + len(unit)] = b"\x01" * len(unit)
            start = lowered.find(unit, start + 1)
    spans, start = [], None
    for i, flag in enumerate(covered):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(text_)))
    return spans


SENTENCE_ENDS = "。！？；!?;\n"


def _sentence_start(text_: str, position: int, reach: int) -> int:
    """Where the sentence holding `position` begins, so a snippet does not open mid-sentence;
    if that is more than `reach` characters back, a little context before the match."""
    begin = max((text_.rfind(mark, 0, position) for mark in SENTENCE_ENDS), default=-1) + 1
    while begin < position and text_[begin] in " 　":
        begin += 1
    return begin if position - begin <= reach else max(0, position - 15)


def snippet(body: str, units: tuple[str, ...], length: int = SNIPPET_LENGTH
            ) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The window of `body` with the most matched characters, and the spans inside it."""
    flat = " ".join(body.split())
    spans = match_spans(flat, units)
    if not spans:
        return (flat[:length] + ("…" if len(flat) > length else "")), ()
    best_start, best = 0, -1
    for start, _ in spans:
        window_start = _sentence_start(flat, start, length // 2)
        covered = sum(min(e, window_start + length) - max(s, window_start)
                      for s, e in spans if e > window_start and s < window_start + length)
        if covered > best:
            best_start, best = window_start, covered
    end = min(len(flat), best_start + length)
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - best_start
    inside = tuple((max(s, best_start) + shift, min(e, end) + shift) for s, e in spans
                   if e > best_start and s < end)
    return prefix + flat[best_start:end] + suffix, inside


def _score(query: Query, title: str, body: str, rank: float) -> float:
    units = query.units
    if not units:
        return 0.0
    title_l, body_l = title.lower(), body.lower()
    in_title = sum(1 for u in units if u in title_l)
    in_body = sum(1 for u in units if u in body_l)
    whole = sum(3 for s in query.segments if len(s) >= 3 and s in title_l) + \
        sum(1 for s in query.segments if len(s) >= 3 and s in body_l)
    return (3 * in_title + in_body) / len(units) + whole - 0.01 * rank


def _fts_candidates(session: Session, query: Query, kinds: tuple[str, ...], operator: str
                    ) -> list[tuple]:
    match = f" {operator} ".join(f'"{t}"' for t in query.trigrams)
    placeholders = ", ".join(f":k{i}" for i in range(len(kinds)))
    rows = session.execute(text(
        "SELECT i.kind, i.code, i.title, i.body, bm25(kb_fts, 5.0, 1.0) AS rank "
        "FROM kb_fts JOIN kb_index AS i ON i.id = kb_fts.rowid "
        f"WHERE kb_fts MATCH :match AND i.kind IN ({placeholders}) "
        "ORDER BY rank LIMIT :limit"),
        {"match": match, "limit": CANDIDATES, **{f"k{i}": k for i, k in enumerate(kinds)}})
    return [tuple(r) for r in rows]


def _contains_any(query: Query, units: tuple[str, ...] | None = None):
    """Title or body contains one of the units (ILIKE; pg_trgm's GIN indexes serve it)."""
    units = units or (query.segments if len(query.units) > 30 else query.units)
    return or_(*(c for u in units for c in (KbIndexRow.title.icontains(u, autoescape=True),
                                            KbIndexRow.body.icontains(u, autoescape=True))))


def _substring_candidates(session: Session, query: Query, kinds: tuple[str, ...],
                          units: tuple[str, ...] | None = None) -> list[tuple]:
    rows = session.execute(select(KbIndexRow.kind, KbIndexRow.code, KbIndexRow.title,
                                  KbIndexRow.body)
                           .where(KbIndexRow.kind.in_(kinds), _contains_any(query, units))
                           .limit(CANDIDATES * 2))
    return [(*r, 0.0) for r in rows]


def _trigram_candidates(session: Session, query: Query, kinds: tuple[str, ...]) -> list[tuple]:
    text_ = " ".join(query.segments)
    rank = -(5.0 * func.word_similarity(text_, KbIndexRow.title)
             + func.word_similarity(text_, KbIndexRow.body))
    rows = session.execute(select(KbIndexRow.kind, KbIndexRow.code, KbIndexRow.title,
                                  KbIndexRow.body, rank.label("rank"))
                           .where(KbIndexRow.kind.in_(kinds), _contains_any(query))
                           .order_by("rank").limit(CANDIDATES * 2))
    return [tuple(r) for r in rows]


def uses_fts(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def uses_trigrams(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def search(session: Session, query: str, kinds: tuple[str, ...] = KINDS, limit: int = 10
           ) -> list[Hit]:
    parsed = parse(query)
    if not parsed.units:  # only punctuation: nothing to look for
        return []
    kinds = tuple(k for k in kinds if k in KINDS) or KINDS
    if uses_fts(session) and parsed.trigrams:
        # Entries holding every trigram first: intersecting posting lists is cheap, and
        # bm25 then runs on few rows. Only when they are too few, any trigram will do.
        candidates = _fts_candidates(session, parsed, kinds, "AND")
        if len(candidates) < limit:
            found = {(kind, code) for kind, code, *_ in candidates}
            candidates += [c for c in _fts_candidates(session, parsed, kinds, "OR")
                           if (c[0], c[1]) not in found]
        if not candidates:  # no shared trigram: try two-character words ("有异议" → "异议")
            parsed = Query(parsed.text, parsed.bigrams[:30])
            candidates = _substring_candidates(session, parsed, kinds)
    elif uses_trigrams(session):
        candidates = _trigram_candidates(session, parsed, kinds)
    else:
        candidates = _substring_candidates(session, parsed, kinds)
    scored = sorted(((_score(parsed, title, body, rank), kind, code, title, body)
                     for kind, code, title, body, rank in candidates), reverse=True)
    hits = []
    for score, kind, code, title, body in scored[:limit]:
        text_, spans = snippet(body, parsed.units)
        hits.append(Hit(kind, code, title, tuple(match_spans(title, parsed.units)), text_,
                        spans, round(score, 3)))
    return hits
