"""Scoring two names, and finding a name among many.

`similarity` is the one scorer: symmetric, deterministic, in [0, 1]. `NameIndex` holds the
listed names of a rule set and returns the candidates a query name matches, best first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from .normalize import compact, fold_text, legal_forms, tokens

__all__ = ["NameCandidate", "NameIndex", "NameMatch", "address_similarity", "similarity"]

_DIGITS = re.compile(r"[0-9]+")


def _core(words: tuple[str, ...]) -> tuple[str, ...]:
    forms = legal_forms()
    core = tuple(w for w in words if w not in forms)
    return core or words


def similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 (nothing shared) to 1 (the same name).

    The best of: the canonical words in any order; the whole name with spacing removed (split or
    joined words); the names without legal forms (a dropped "Ltd"), slightly discounted, and
    more so when what remains is a single word.
    """
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    if ta == tb:
        return 1.0
    best = fuzz.token_sort_ratio(" ".join(ta), " ".join(tb))
    best = max(best, fuzz.ratio("".join(ta), "".join(tb)))
    ca, cb = _core(ta), _core(tb)
    if sorted(ca) == sorted(cb):
        best = max(best, 95.0)  # the same name but for legal forms: "ZTE Corp Ltd"
    elif (ca, cb) != (ta, tb):
        discount = 0.97 if min(len(ca), len(cb)) > 1 else 0.88
        best = max(best, discount * fuzz.token_sort_ratio(" ".join(ca), " ".join(cb)))
    if _numbers(ta) != _numbers(tb):
        best = min(best, 85.0)  # "9-Star" is not "8-Star": numbers are distinctive
    return round(best / 100.0, 4)


def _numbers(words: tuple[str, ...]) -> list[str]:
    return sorted(_DIGITS.findall(" ".join(words)))


def address_similarity(a: str, b: str) -> float:
    """How alike two addresses are (0..1): shared words, in any order, after folding."""
    fa, fb = fold_text(a), fold_text(b)
    if not fa.strip() or not fb.strip():
        return 0.0
    return round(fuzz.token_set_ratio(fa, fb) / 100.0, 4)


@dataclass(frozen=True, slots=True)
class NameCandidate:
    """One listed name: the key of what it belongs to, the name itself, and whether it is
    a verified name of that key."""

    key: str
    name: str
    verified: bool = True


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A query name scored against one listed name."""

    key: str
    name: str
    score: float
    verified: bool


class NameIndex:
    """The listed names of a rule set, searchable by a query name.

    Built once at load time; `search` is pure.
    """

    def __init__(self, candidates: Iterable[NameCandidate]) -> None:
        self._candidates = tuple(
            sorted(set(candidates), key=lambda c: (c.key, c.name, not c.verified))
        )
        self._compact = tuple(compact(c.name) for c in self._candidates)

    def __len__(self) -> int:
        return len(self._candidates)

    def search(self, query: str, *, cutoff: float) -> list[NameMatch]:
        """Every key with a name scoring at least ``cutoff``, best first.

        A key gets its best verified name and, when an unverified alias scores higher, that
        alias too: the caller can then grade each on its own (a verified match may block, an
        unverified one only raise a review). Ties break on key then name: deterministic.
        """
        if not compact(query):
            return []
        best: dict[tuple[str, bool], NameMatch] = {}
        for cand in self._candidates:
            score = similarity(query, cand.name)
            if score < cutoff:
                continue
            slot = (cand.key, cand.verified)
            prev = best.get(slot)
            if prev is None or score > prev.score:
                best[slot] = NameMatch(cand.key, cand.name, score, cand.verified)
        found = [
            m
            for (key, verified), m in best.items()
            if verified or (key, True) not in best or m.score > best[(key, True)].score
        ]
        return sorted(found, key=lambda m: (-m.score, m.key, not m.verified, m.name))
