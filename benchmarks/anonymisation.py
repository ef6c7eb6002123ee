"""Anonymisation benchmark (issue 14): recall and precision per kind of personal data on the
hand-labelled corpus tests/security/privacy_corpus.yaml.

    .venv/bin/python benchmarks/anonymisation.py

A labelled span counts as found (recall) when every one of its characters is masked, by a
finding of any kind: what matters for publication is that it is gone. A finding counts as
right (precision) when it overlaps a labelled span. Targets: recall >= 99% for ID and phone
numbers, >= 95% for names.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from admissions.privacy import KINDS, find_personal_data  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "security" / "privacy_corpus.yaml"
MARK = re.compile(r"\[(?P<kind>[a-z_]+):(?P<text>[^\]]+)\]")
TARGETS = {"id_number": 0.99, "phone": 0.99, "name": 0.95}
HELD_OUT = 30  # the corpus's last sentences, written after tuning and never tuned on


@dataclass(frozen=True)
class Sentence:
    text: str
    labels: tuple[tuple[int, int, str], ...]  # (start, end, kind)


def load_corpus(path: Path = CORPUS) -> list[Sentence]:
    sentences = []
    for marked in yaml.safe_load(path.read_text(encoding="utf-8"))["sentences"]:
        text, labels, position = [], [], 0
        length = 0
        for match in MARK.finditer(marked):
            plain = marked[position:match.start()]
            text.append(plain)
            length += len(plain)
            labels.append((length, length + len(match["text"]), match["kind"]))
            text.append(match["text"])
            length += len(match["text"])
            position = match.end()
        text.append(marked[position:])
        sentences.append(Sentence("".join(text), tuple(labels)))
    return sentences


def score(sentences: list[Sentence]) -> dict[str, dict[str, float]]:
    labelled, found, findings, right = Counter(), Counter(), Counter(), Counter()
    for sentence in sentences:
        spans = find_personal_data(sentence.text)
        masked = {i for f in spans for i in range(f.start, f.end)}
        for start, end, kind in sentence.labels:
            labelled[kind] += 1
            found[kind] += all(i in masked for i in range(start, end))
        for f in spans:
            findings[f.kind] += 1
            right[f.kind] += any(f.start < end and start < f.end
                                 for start, end, _ in sentence.labels)
    return {kind: {"labelled": labelled[kind], "recall": found[kind] / labelled[kind]
                   if labelled[kind] else 1.0,
                   "findings": findings[kind], "precision": right[kind] / findings[kind]
                   if findings[kind] else 1.0} for kind in KINDS}


def misses(sentences: list[Sentence]) -> list[str]:
    out = []
    for sentence in sentences:
        spans = find_personal_data(sentence.text)
        masked = {i for f in spans for i in range(f.start, f.end)}
        for start, end, kind in sentence.labels:
            if not all(i in masked for i in range(start, end)):
                out.append(f"missed {kind} {sentence.text[start:end]!r} in {sentence.text}")
        for f in spans:
            if not any(f.start < end and start < f.end for start, end, _ in sentence.labels):
                out.append(f"extra {f.kind} {sentence.text[f.start:f.end]!r} in {sentence.text}")
    return out


def report(title: str, sentences: list[Sentence]) -> None:
    print(f"{title}: {len(sentences)} sentences, "
          f"{sum(len(s.labels) for s in sentences)} labelled spans")
    print(f"{'kind':<10} {'labelled':>8} {'recall':>8} {'findings':>8} {'precision':>9}")
    for kind, row in score(sentences).items():
        print(f"{kind:<10} {row['labelled']:>8} {row['recall']:>8.1%} {row['findings']:>8} "
              f"{row['precision']:>9.1%}")


def main() -> None:
    sentences = load_corpus()
    report("whole corpus", sentences)
    report("held-out part", sentences[-HELD_OUT:])
    if "-v" in sys.argv:
        print("\n".join(misses(sentences)))


if __name__ == "__main__":
    main()
