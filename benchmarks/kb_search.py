"""Knowledge-base search benchmark (issue 6). Prints p50/p90/p99 in milliseconds.

    .venv/bin/python benchmarks/kb_search.py [--documents 5000] [--queries 400]

Builds a seeded synthetic corpus of FAQ-like and policy-like documents (Chinese text drawn
from the admissions vocabulary) in a fresh SQLite database with the real schema (FTS5
trigram), then times `admissions.kb_search.search` for a mix of question-style, keyword
and two-character queries. Target: p50 <= 20 ms on 5,000 documents.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admissions import kb_search, knowledge  # noqa: E402
from store import db  # noqa: E402

WORDS = ("学区", "异议", "户口簿", "房屋权属证明", "两个一致", "三代同堂", "统筹安排", "随迁子女",
         "居住证", "网上信息登记", "现场补登", "公安核验", "学校审核", "公示", "电脑随机派位",
         "多校划片", "对口直升", "学位预警", "录取通知", "新生报到", "预防接种证", "出生医学证明",
         "不动产登记中心", "劳动合同", "社会保险", "营业执照", "招生计划", "划片范围", "监督电话",
         "信访接待", "延缓入学", "九年一贯制", "毕业生信息确认", "公证", "纪检监察", "空余学位")
GLUE = ("的", "需要", "可以", "按照", "办理", "提供", "如果", "并且", "由区教育局", "在", "时")
QUERIES = ("三代同堂需要什么材料", "随迁子女居住证", "错过了网上信息登记怎么办", "学位预警",
           "派位", "户口", "多校划片怎么派位", "不动产登记中心无房证明", "对口直升初中",
           "新生报到带什么", "营业执照", "公示期间有异议")


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    """Pseudo-words from the characters of the sample FAQ, so that, as in real text, most
    words of a document are not admissions terms."""
    text = (Path(__file__).resolve().parent.parent / "data" / "sample" / "faq_2027.yaml"
            ).read_text(encoding="utf-8")
    chars = sorted({c for c in text if "\u4e00" <= c <= "\u9fff"})
    return ["".join(rng.choice(chars) for _ in range(rng.choice((2, 2, 3, 4))))
            for _ in range(size)]


VOCABULARY: list[str] = []


def sentence(rng: random.Random, n: int) -> str:
    """One domain term in five words, the rest ordinary words."""
    return "".join((rng.choice(WORDS) if rng.random() < 0.2 else rng.choice(VOCABULARY))
                   + rng.choice(GLUE) for _ in range(n)) + "。"


def build(path: Path, documents: int) -> db.sessionmaker:
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    sessions = db.make_sessionmaker(engine)
    rng = random.Random(20270506)
    VOCABULARY[:] = vocabulary(rng)
    with sessions.begin() as session:
        for i in range(documents):
            if i % 5:
                session.add(knowledge.KbIndexRow(kind="faq", code=f"FAQ-B-{i:05d}",
                                                 title=sentence(rng, 3),
                                                 body=sentence(rng, 25)))
            else:
                session.add(knowledge.KbIndexRow(kind="policy", code=f"ZC-B-{i:05d}",
                                                 title=sentence(rng, 4),
                                                 body=" ".join(sentence(rng, 30)
                                                               for _ in range(6))))
    return sessions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sessions = build(Path(tmp) / "kb.sqlite3", args.documents)
        timings = {q: [] for q in QUERIES}
        with sessions() as session:
            for q in QUERIES:  # warm the page cache
                kb_search.search(session, q)
            for i in range(args.queries):
                query = QUERIES[i % len(QUERIES)]
                start = time.perf_counter()
                hits = kb_search.search(session, query)
                timings[query].append((time.perf_counter() - start) * 1000)
                assert hits, query
        every = sorted(t for ts in timings.values() for t in ts)
        q = statistics.quantiles(every, n=100)
        print(f"documents: {args.documents}, queries: {len(every)}")
        print(f"all queries  p50 {statistics.median(every):6.2f} ms  p90 {q[89]:6.2f} ms  "
              f"p99 {q[98]:6.2f} ms")
        for query, ts in timings.items():
            print(f"  {query:<16} p50 {statistics.median(ts):6.2f} ms")


if __name__ == "__main__":
    main()
