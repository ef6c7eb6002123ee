"""A set of names (streets, 小区, landmarks) with their aliases, resolved from what people type.

`resolve` returns the canonical names a text may mean, each with a score in 0..1 and how it
was found: exact (1.0), alias (0.97), then, when fuzzy is allowed, pinyin (same sound, 0.95),
fuzzy (character similarity) and fuzzy pinyin (sound similarity).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from collections.abc import Callable

from rapidfuzz.distance import OSA, Levenshtein

from gis import pinyin
from gis.fuzzy_index import FuzzyIndex

EXACT, ALIAS, PINYIN = 1.0, 0.97, 0.95
SLIP_MIN_LETTERS = 7  # dongsheng: 9 letters; a slip in a shorter sound is another name
SLIP_COST = 0.06  # one slip: 0.89, still found when no other name is as close
INITIALS = 0.9  # dsdj for 东盛大街: sure only when no other name has the same initials
TRANSPOSED = 0.92  # the same characters in another order: a slip, not another name
# A known name (3 characters or more: 荣光 alone says little) followed by more words
# (北门, 对面, 附近): worth offering, never sure
CONTAINED = 0.8
# One syllable dropped, doubled or swapped with its neighbour, in characters or in pinyin
# (有街 or youjie for 太有街, qunlejie for 乐群街): a candidate to offer, never sure.
SOUND_TYPO = 0.8
# A sound one letter off typed in characters (锦达路 for 境大路: jin/jing) is a near
# homophone: similar, less sure than a slip of typed pinyin (dev-set calibration).
NEAR_HOMOPHONE_COST = 0.04
# Initials one letter off (gpk for gpl, 公平路): a neighbouring key on a phone keyboard is
# the likelier slip; either way a candidate to offer, never sure.
INITIALS_SLIP, INITIALS_NEIGHBOUR_KEY = 0.76, 0.79
SLIP_INITIALS_MIN = 3  # two letters one off are any two letters
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
NEIGHBOUR_KEYS = {c: {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
                  for row in _KEY_ROWS for i, c in enumerate(row)}
# Pinyin strings are long and repetitive (dong, sheng, yuan), so their raw similarity
# flatters near misses: it is squared, and scaled so that the same sound scores PINYIN.
# Parents add or drop 小区 at will: 东盛 / 东盛小区 / 东盛花苑小区 are the same place.
OPTIONAL_SUFFIX = "小区"


@dataclass(frozen=True, slots=True)
class NameHit:
    name: str
    score: float
    method: str  # exact | alias | pinyin | fuzzy


def core(key: str) -> str:
    stripped = key.removesuffix(OPTIONAL_SUFFIX)
    return stripped if len(stripped) >= 2 else key


class NameSpace:
    """`key` spells a text canonically ("" for no name): the district's address grammar."""

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]],
                 key: Callable[[str], str]):
        self._key = key
        self._by_key: dict[str, dict[str, float]] = {}
        self._by_pinyin: dict[str, set[str]] = {}
        self._by_initials: dict[str, set[str]] = {}
        self._by_sound_typo: dict[str, set[str]] = {}
        self._initials_deletes: dict[str, set[str]] = {}
        keys: list[str] = []
        owners: list[str] = []
        for name, aliases in entries:
            canonical = key(name)
            for text in (name, *aliases):
                spelled = key(text)
                if not spelled:
                    continue
                for variant in {spelled, core(spelled)}:
                    score = EXACT if variant == canonical else ALIAS
                    known = self._by_key.setdefault(variant, {})
                    known[name] = max(known.get(name, 0.0), score)
                    keys.append(variant)
                    owners.append(name)
                    for sound in pinyin.name_keys(variant):
                        self._by_pinyin.setdefault(sound, set()).add(name)
                    for typo in _syllable_typos(variant):
                        self._by_sound_typo.setdefault(typo, set()).add(name)
                    if len(variant) >= 2:
                        initials = pinyin.initials(variant)
                        self._by_initials.setdefault(initials, set()).add(name)
                        if len(initials) >= SLIP_INITIALS_MIN:
                            for deleted in _deletions(initials):
                                self._initials_deletes.setdefault(deleted, set()).add(initials)
        for sound in self._by_pinyin:  # the same sound as a name is that name, not a typo
            self._by_sound_typo.pop(sound, None)
        self.names = sorted(set(owners))
        self._owners = owners
        self._fuzzy = FuzzyIndex(keys)
        self._sounds = sorted(self._by_pinyin)
        self._pinyin_fuzzy = FuzzyIndex(self._sounds)
        self._typos = sorted(self._by_sound_typo)
        self._typo_fuzzy = FuzzyIndex(self._typos)

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def resolve(self, key: str, *, fuzzy: bool = True, limit: int = 8) -> list[NameHit]:
        """`key`: a name as the grammar spells it (a part of a normalised text)."""
        if not key:
            return []
        hits: dict[str, NameHit] = {}

        def add(name: str, score: float, method: str) -> None:
            if name not in hits or hits[name].score < score:
                hits[name] = NameHit(name, score, method)

        for variant in (key, core(key)):
            for name, score in self._by_key.get(variant, {}).items():
                add(name, score, "exact" if score == EXACT else "alias")
        if fuzzy:
            typed_in_characters = _has_han(key)
            sound = key if pinyin.has_latin(key) and not typed_in_characters else \
                pinyin.char_key(key)
            for variant in {sound, core_sound(sound)}:
                for name in self._by_pinyin.get(variant, ()):
                    add(name, PINYIN, "pinyin")
            for variant in {sound, core_sound(sound)}:
                for name in self._by_sound_typo.get(variant, ()):
                    add(name, SOUND_TYPO, "pinyin")
            if key.isascii() and key.isalpha() and 2 <= len(key) <= 8:
                for name in self._by_initials.get(key, ()):
                    add(name, INITIALS, "initials")
                for initials, score in self._initials_near(key):
                    for name in self._by_initials[initials]:
                        add(name, score, "initials")
            for end in range(len(key) - 1, 2, -1):  # 东盛花苑北门对面: near 东盛花苑
                for name in self._by_key.get(key[:end], {}):
                    add(name, CONTAINED, "fuzzy")
                if key[:end] in self._by_key:
                    break
            letters = sorted(key)
            for position, score in self._fuzzy.search(key, limit * 2):
                if sorted(self._fuzzy.names[position]) == letters:
                    score = max(score, TRANSPOSED * 100)  # 凤街石 for 凤石街
                add(self._owners[position], score / 100.0, "fuzzy")
            for position, score in self._pinyin_fuzzy.search(sound, limit):
                known = self._sounds[position]
                # one slip is that name's sound; mere similarity is fuzzy (decided with
                # the wider margin: fuyou... for 府都花园 was one, on the dev set)
                slip = slip_score(sound, known)
                similar = (score / 100.0) ** 2 * PINYIN
                if slip and typed_in_characters:  # 锦 for 境: a near homophone, not a slip
                    slip = similar = max(slip, similar) - NEAR_HOMOPHONE_COST
                for name in self._by_pinyin[known]:
                    add(name, *((slip, "pinyin") if slip > similar else (similar, "fuzzy")))
            for position, _ in self._typo_fuzzy.search(sound, 3):  # a typo and a slip
                slip = slip_score(sound, self._typos[position])
                for name in self._by_sound_typo[self._typos[position]] if slip else ():
                    add(name, SOUND_TYPO - (PINYIN - slip), "fuzzy")
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.name))
        return ranked[:limit]


    def _initials_near(self, typed: str) -> list[tuple[str, float]]:
        """Known initials one slip from the typed ones (a letter off, missing, extra, or
        two swapped), found through their deletions (symmetric delete)."""
        if len(typed) < SLIP_INITIALS_MIN:
            return []
        near: set[str] = set(self._initials_deletes.get(typed, ()))
        for deleted in _deletions(typed):
            near.update(self._initials_deletes.get(deleted, ()))
            if deleted in self._by_initials:
                near.add(deleted)
        out = []
        for known in near:
            if known == typed or OSA.distance(typed, known, score_cutoff=1) > 1:
                continue
            out.append((known, _initials_slip_score(typed, known)))
        return out


def _deletions(text: str) -> set[str]:
    return {text[:i] + text[i + 1:] for i in range(len(text))}


def _initials_slip_score(typed: str, known: str) -> float:
    if len(typed) == len(known):
        diff = [i for i, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
        if len(diff) == 1 and typed[diff[0]] in NEIGHBOUR_KEYS.get(known[diff[0]], ()):
            return INITIALS_NEIGHBOUR_KEY
    return INITIALS_SLIP


def _syllable_typos(name: str) -> set[str]:
    """The name's sound with one syllable dropped, doubled or swapped with the next: what a
    character typo (太有街 -> 有街, 乐群街 -> 群乐街) sounds like."""
    out: set[str] = set()
    for syllables in {tuple(pinyin.syllables(name)), tuple(pinyin.char_syllables(name))}:
        n = len(syllables)
        if n < 2 or not all(s.isalpha() and s.isascii() for s in syllables):
            continue
        for i in range(n):
            if n >= 3:
                out.add("".join(syllables[:i] + syllables[i + 1:]))
            out.add("".join(syllables[:i + 1] + syllables[i:]))
            if i + 1 < n:
                out.add("".join(syllables[:i] + (syllables[i + 1], syllables[i])
                                + syllables[i + 2:]))
    return out


def slip_score(typed: str, known: str) -> float:
    """One slip (a neighbouring key, a letter dropped or doubled) in a long pinyin string is
    still that name; two only in a very long one."""
    edits = Levenshtein.distance(typed, known, score_cutoff=2)
    allowed = 1 if len(known) >= SLIP_MIN_LETTERS else 0
    if len(known) >= 2 * SLIP_MIN_LETTERS:
        allowed = 2
    if edits == 1 and allowed == 1 and len(typed) == len(known):
        # one letter for another is a slip only to a neighbouring key (fuyou is not fudou)
        i = next(j for j, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b)
        if typed[i] not in NEIGHBOUR_KEYS.get(known[i], ()):
            return 0.0
    return PINYIN - SLIP_COST * edits if 0 < edits <= allowed else 0.0


def core_sound(sound: str) -> str:
    stripped = sound.removesuffix("xiaoqu")
    return stripped if len(stripped) >= 4 else sound


def _has_han(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)
