"""Scoring two names: align their words, weigh each word by how much it says, and explain it.

A name is a bag of canonical words (`tokens`). Two names are compared by *aligning* words one to
one, in any order (``SHI, Lirong`` and ``Lirong Shi``), where a word may also align with two
neighbouring words of the other name joined, canonical or as written (``Bei Jing`` and
``Beijing``, ``8Star`` and ``8 Star``, ``NucTech`` and ``Nuc Tech``), may be a romanisation
variant (``Dmitrii`` and ``Dmitry``: the same `skeleton`), or may differ by one typing error (an
insertion, deletion, substitution or swap of two letters) when the longer has at least three
letters (`token_similarity`). Words with digits must carry the same digits: ``9-Star`` is not
``8-Star``.

Each word has a weight: how much it says about *which* party a name is. Legal forms, stop words
and generic business words weigh little (``data/weights.yaml``), and over a list (`Weights` built
by the index) words the list repeats weigh less too, like an IDF. The score is a weighted Dice
coefficient::

    score = sum(sim * 2 * min(w_left, w_right) for aligned words)
            / (sum(2 * min(w_left, w_right) for aligned words) + sum(w for unaligned words))

so an unaligned distinctive word costs a lot, an unaligned ``Ltd`` almost nothing, and a match on
``International Trading Co`` alone stays low. The score is symmetric (the two names are put in a
canonical order first), deterministic and rounded to four decimals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA

from .normalize import (
    fold_text,
    misspelt_forms,
    resource,
    short_factor,
    spellings,
    weak_words,
    written_words,
)

__all__ = [
    "MAX_FUZZY",
    "MAX_WORDS",
    "Aligned",
    "Explanation",
    "Weights",
    "address_similarity",
    "explain",
    "similarity",
    "skeleton",
    "token_similarity",
]

MIN_FUZZY = 3
"""Words shorter than this must be equal: one letter changes a short word into another."""

MAX_FUZZY = 64
"""Words longer than this must be equal too: no typing error or romanisation variant is looked
for in them (the longest word of a name on the CSL has 24 letters). Why: the one-letter
deletions of a word grow with the square of its length (a 10,000-letter word has 10,000
deletions of 9,999 letters each), so the work spent on one word is bounded by this."""

MAX_WORDS = 100
"""The words of a name the matcher considers: the first this many (the longest name on the CSL
has 56). Every word left unaligned lowers a score, so dropping the words past this can only
raise the score of a longer query against a listed name: it fails towards a match."""

WEAK = 0.5
"""A word weighing at most this is weak (a legal form, a generic word, a word the list repeats):
a word never seen before that is one typing error away from a weak word weighs as little."""

NEAR_WEAK = 5
"""...when both have at least this many letters ("Limitd" is "Limited" misspelt, but "far" is not
"for"), or the weak word is a legal form listed as ``misspelt`` in legal_forms.yaml ("Tld"
is "Ltd", "Ooa" is "OOO", but "SAP" is not "SpA")."""

_PRECISION = 4


VARIANT = 0.9
"""The similarity of two spellings of one word by different romanisations ("Dmitrii",
"Dmitry"): alike, though less than the same word."""


def token_similarity(a: str, b: str) -> float:
    """How alike two canonical words are: 1 when equal; `VARIANT` when they are romanisation
    variants (the same `skeleton`, four letters or more); ``1 - 1/(length + 1)`` when they
    differ by one typing error (the longer having at least `MIN_FUZZY` characters) and carry
    the same digits; else 0. Words longer than `MAX_FUZZY` are alike only when equal."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if la > MAX_FUZZY or lb > MAX_FUZZY:
        return 0.0
    if la > MIN_FUZZY and lb > MIN_FUZZY and _variants(a, b):
        return max(VARIANT, _one_edit(a, b, la, lb))
    return _one_edit(a, b, la, lb)


def _variants(a: str, b: str) -> bool:
    """Romanisation variants: the same skeleton, of four letters or more (three-letter words
    such as "abb" and "aab" differ too much to be called variants)."""
    sa = skeleton(a)
    return len(sa) > MIN_FUZZY and sa == skeleton(b)


def _one_edit(a: str, b: str, la: int, lb: int) -> float:
    if max(la, lb) < MIN_FUZZY or abs(la - lb) > 1:
        return 0.0
    if not (a.isalpha() and b.isalpha()) and _digits(a) != _digits(b):
        return 0.0
    if OSA.distance(a, b, score_cutoff=1) > 1:
        return 0.0
    return 1.0 - 1.0 / (max(la, lb) + 1)


@lru_cache(maxsize=1)
def _rewrites() -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in resource("romanisation.yaml")["rewrites"])


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A word with romanisation variants folded (``data/romanisation.yaml``) and doubled letters
    collapsed: "dmitriy", "dmitrii" and "dmitry" all give "dmitri". Words with digits are
    their own skeleton, and so are words longer than `MAX_FUZZY`."""
    if len(word) > MAX_FUZZY or not word.isalpha():
        return word
    for old, new in _rewrites():
        if old in word:
            word = word.replace(old, new)
    if any(word[i] == word[i + 1] for i in range(len(word) - 1)):
        out = [word[0]]
        for ch in word[1:]:
            if ch != out[-1]:
                out.append(ch)
        word = "".join(out)
    return word


def _digits(word: str) -> str:
    return "".join(ch for ch in word if ch.isdigit())


_UNSEEN_CACHE = 1 << 14
"""How many weights of words not on the list a `Weights` keeps at most."""


class Weights:
    """How much each word weighs, in (0, 1].

    The weak-word factors of ``data/weights.yaml``, times, when built over a list, how rare the
    word is there (an IDF: ``log(1 + N/df) / log(1 + N)``, 1 for a word seen once or never). A
    word never seen that is one typing error from a weak word ("Limitd", "Servcie") weighs what
    that word weighs: a misspelt legal form must not count as a distinctive word. Immutable once
    built; safe to share between threads.
    """

    __slots__ = (
        "_df",
        "_digit_weak",
        "_known",
        "_legal",
        "_log_n",
        "_n",
        "_near",
        "_short",
        "_unseen",
        "_weak",
        "_weak_known",
    )

    def __init__(self, document_frequency: Mapping[str, int] | None = None, names: int = 0):
        self._df = dict(document_frequency or {})
        self._n = names
        self._log_n = math.log1p(names) if names > 1 else 0.0
        self._weak = weak_words()
        self._short = short_factor()
        self._known: dict[str, float] = {}
        self._near: dict[str, tuple[str, ...]] = {}
        self._known = {word: self._base(word) for word in self._df}
        weak = {w: x for w, x in self._known.items() if x <= WEAK}
        weak.update({w: self._base(w) for w in self._weak if w not in self._df})
        for spelling, canon in spellings().items():
            x = max(self._base(c) for c in canon)
            if x <= WEAK:
                weak.setdefault(spelling, x)
        self._legal = misspelt_forms()
        near: dict[str, list[str]] = {}
        for word in sorted(weak):
            if len(word) >= NEAR_WEAK or (word in self._legal and len(word) >= MIN_FUZZY):
                for variant in {word, *deletions(word)}:
                    near.setdefault(variant, []).append(word)
        self._near = {k: tuple(v) for k, v in near.items()}
        self._weak_known = weak
        self._digit_weak = any(ch.isdigit() for ws in self._near.values() for w in ws for ch in w)
        """Whether a weak word has a digit: else a word with one is near none (`_one_edit`)."""
        # Words not seen on the list come from queries, and queries repeat words: a bounded
        # memo of a pure function of these (immutable) weights.
        self._unseen = lru_cache(maxsize=_UNSEEN_CACHE)(self._weigh_unseen)

    def __call__(self, word: str) -> float:
        """The weight of one canonical word."""
        known = self._known.get(word)
        if known is not None:
            return known
        return self._unseen(word)

    def _weigh_unseen(self, word: str) -> float:
        base = self._base(word)
        if base <= WEAK or len(word) < MIN_FUZZY:
            return base
        if not self._digit_weak and not word.isalpha() and any(ch.isdigit() for ch in word):
            return base  # "1203", "12/f": one typing error never changes the digits
        long = len(word) >= NEAR_WEAK
        near = [
            self._weak_known[w]
            for v in (word, *deletions(word))
            for w in self._near.get(v, ())
            if (w in self._legal or (long and len(w) >= NEAR_WEAK))
            and token_similarity(word, w) > 0
        ]
        return min(base, max(near)) if near else base

    def _base(self, word: str) -> float:
        factor = self._weak.get(word, 1.0)
        if len(word) <= 2 and word.isalpha():
            factor = min(factor, self._short)
        if self._log_n:
            df = max(self._df.get(word, 1), 1)
            factor *= math.log1p(self._n / df) / self._log_n
        return round(max(factor, 0.01), 6)


def deletions(word: str) -> tuple[str, ...]:
    """The word with one character left out, at each position: two words one typing error
    apart share one of these (or one is the other), as in SymSpell. None for a word longer than
    `MAX_FUZZY`, which is only ever matched exactly."""
    if len(word) > MAX_FUZZY:
        return ()
    return tuple(word[:i] + word[i + 1 :] for i in range(len(word)))


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    """Weights without a list: weak-word factors only (what `similarity` uses). Built on first
    use, not at import: importing the package reads no data file."""
    return Weights()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A name ready to score: canonical words, their weights, and neighbouring pairs joined."""

    words: tuple[str, ...]
    weights: tuple[float, ...]
    joined: tuple[str, ...]
    key: str
    skeletons: tuple[str, ...]
    written: tuple[str, ...]
    """Each word as written, before the tables (see `written_words`); often `words` itself."""
    written_joined: tuple[str, ...]

    @classmethod
    def of(
        cls, words: tuple[str, ...], weights: Weights, written: tuple[str, ...] | None = None
    ) -> Prepared:
        """``words`` (the first `MAX_WORDS` of them) with their weights under ``weights``."""
        words = words[:MAX_WORDS]
        if written is not None:
            written = written[:MAX_WORDS]
        joined = tuple(words[i] + words[i + 1] for i in range(len(words) - 1))
        if written is None or written == words:
            written, written_joined = words, joined
        else:
            written_joined = tuple(written[i] + written[i + 1] for i in range(len(words) - 1))
        return cls(
            words,
            tuple(weights(w) for w in words),
            joined,
            " ".join(words),
            tuple(skeleton(w) for w in words),
            written,
            written_joined,
        )

    @classmethod
    def named(cls, name: str, weights: Weights) -> Prepared:
        """A name, prepared: its canonical words and the words as written."""
        words, written = written_words(name)
        return cls.of(words, weights, written)


@dataclass(frozen=True, slots=True)
class Aligned:
    """Words of one name aligned with words of the other, how alike they are and why."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    similarity: float
    weight: float
    """``2 * min`` of the two sides' weights: what this alignment counts for."""
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": list(self.left),
            "right": list(self.right),
            "similarity": self.similarity,
            "weight": self.weight,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why two names score what they score: the aligned words and the words left over."""

    left: str
    right: str
    score: float
    left_words: tuple[str, ...]
    right_words: tuple[str, ...]
    aligned: tuple[Aligned, ...]
    unmatched_left: tuple[tuple[str, float], ...]
    unmatched_right: tuple[tuple[str, float], ...]
    summary: str = field(default="")

    def to_dict(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "score": self.score,
            "left_words": list(self.left_words),
            "right_words": list(self.right_words),
            "aligned": [a.to_dict() for a in self.aligned],
            "unmatched_left": [[w, x] for w, x in self.unmatched_left],
            "unmatched_right": [[w, x] for w, x in self.unmatched_right],
            "summary": self.summary,
        }


# One alignment option: (similarity, weight, left indices, right indices).
_Option = tuple[float, float, tuple[int, ...], tuple[int, ...]]


def _options(a: Prepared, b: Prepared, memo: dict[tuple[str, str], float]) -> list[_Option]:
    opts: list[_Option] = []
    aw, bw, awt, bwt = a.words, b.words, a.weights, b.weights
    blen = [len(y) for y in bw]
    bsk = b.skeletons
    for i, x in enumerate(aw):
        lx = len(x)
        sx = a.skeletons[i]
        for j, y in enumerate(bw):
            if x == y:
                s = 1.0
            else:  # the cheap part of token_similarity, inline: this loop is the hot path
                d = lx - blen[j]
                if sx != bsk[j] and (d > 1 or d < -1 or (lx < MIN_FUZZY and blen[j] < MIN_FUZZY)):
                    continue
                s = memo.get((x, y), -1.0)
                if s < 0:
                    s = memo[(x, y)] = memo[(y, x)] = token_similarity(x, y)
                if not s:
                    continue
            opts.append((s, 2 * min(awt[i], bwt[j]), (i,), (j,)))
    _joined_options(a, b, opts)
    return opts


def _joined_options(a: Prepared, b: Prepared, opts: list[_Option]) -> None:
    """Add the options of two neighbouring words joined, on either side, to ``opts``."""
    aw, bw, awt, bwt = a.words, b.words, a.weights, b.weights
    # Two neighbouring words joined must equal the other word exactly ("8star", "beijing"),
    # canonical or as written ("Nuc Tech" and "NucTech", where "tech" reads "technology").
    if len(aw) > 1 and not _forms(a.joined, a.written_joined).isdisjoint(_forms(bw, b.written)):
        for i in range(len(aw) - 1):
            joins = {a.joined[i], a.written_joined[i]}
            for j in range(len(bw)):
                if bw[j] in joins or b.written[j] in joins:
                    w = awt[i] + awt[i + 1]
                    opts.append((1.0, 2 * min(w, bwt[j]), (i, i + 1), (j,)))
    if len(bw) > 1 and not _forms(b.joined, b.written_joined).isdisjoint(_forms(aw, a.written)):
        for j in range(len(bw) - 1):
            joins = {b.joined[j], b.written_joined[j]}
            for i in range(len(aw)):
                if aw[i] in joins or a.written[i] in joins:
                    w = bwt[j] + bwt[j + 1]
                    opts.append((1.0, 2 * min(awt[i], w), (i,), (j, j + 1)))


def _forms(canonical: tuple[str, ...], written: tuple[str, ...]) -> set[str]:
    return set(canonical) if canonical is written else {*canonical, *written}


def _align(
    a: Prepared, b: Prepared, memo: dict[tuple[str, str], float] | None = None
) -> tuple[list[_Option], set[int], set[int]]:
    """Greedy one-to-one alignment: most similar first, then heaviest, then leftmost."""
    return _choose(_options(a, b, {} if memo is None else memo))


def _choose(opts: list[_Option]) -> tuple[list[_Option], set[int], set[int]]:
    """The greedy choice of `_align` among options; their order in ``opts`` does not matter
    (no two options have the same positions, so the sort key orders them all)."""
    opts.sort(key=lambda o: (-o[0], -o[1], o[2], o[3]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[_Option] = []
    for opt in opts:
        if used_a.isdisjoint(opt[2]) and used_b.isdisjoint(opt[3]):
            chosen.append(opt)
            used_a.update(opt[2])
            used_b.update(opt[3])
    return chosen, used_a, used_b


def score_prepared(
    a: Prepared, b: Prepared, memo: dict[tuple[str, str], float] | None = None
) -> float:
    """The score of two prepared names (see the module docstring). Symmetric.

    ``memo`` may carry word similarities from one call to the next (one query against many
    names); it changes nothing but the speed.
    """
    if not a.words or not b.words:
        return 0.0
    if a.key == b.key:
        return 1.0
    if b.key < a.key:
        a, b = b, a
    return _score(a, b, _choose(_options(a, b, {} if memo is None else memo)))


class LookedUp:
    """A query name with every word alike to one of its words looked up (`token_similarity`
    above 0): ``similar`` maps each such word to the positions of the query words it is alike to
    and how alike. Scores the query against many names, as `score_prepared` does, without
    comparing words again."""

    __slots__ = ("_forms", "_joined_forms", "query", "similar")

    def __init__(self, query: Prepared, similar: Mapping[str, Sequence[tuple[int, float]]]):
        self.query = query
        self.similar = similar
        self._forms = _forms(query.words, query.written)
        self._joined_forms = _forms(query.joined, query.written_joined)

    def score(self, name: Prepared) -> float:
        """`score_prepared` of the query and ``name``: the same score."""
        score = self.score_reaching(name, 0.0)
        assert score is not None  # every score reaches 0
        return score

    def score_reaching(self, name: Prepared, cutoff: float) -> float | None:
        """`score_prepared` of the query and ``name``, or None when it is certainly below
        ``cutoff``: a bound from the words that align with nothing, checked before the
        alignment itself (which is most of the work)."""
        q = self.query
        if not q.words or not name.words:
            return 0.0
        if q.key == name.key:
            return 1.0
        qwt, nwt, similar = q.weights, name.weights, self.similar
        opts: list[_Option] = []
        flip = name.key < q.key  # score_prepared puts the two in this order: do the same
        alone = 0.0  # the weight of the name's words alike to no query word
        for j, y in enumerate(name.words):
            row = similar.get(y)
            if row is None:
                alone += nwt[j]
                continue
            for i, s in row:
                if flip:
                    opts.append((s, 2 * min(nwt[j], qwt[i]), (j,), (i,)))
                else:
                    opts.append((s, 2 * min(qwt[i], nwt[j]), (i,), (j,)))
        # _joined_options only adds options when these forms meet: most names skip it.
        joined = self._joined_forms
        forms = self._forms
        if (
            not joined.isdisjoint(name.words)
            or not joined.isdisjoint(name.written)
            or not forms.isdisjoint(name.joined)
            or not forms.isdisjoint(name.written_joined)
        ):
            if flip:
                _joined_options(name, q, opts)
            else:
                _joined_options(q, name, opts)
        elif cutoff > 0 and _below(opts, qwt, nwt, alone, flip, cutoff):
            return None
        if not opts:
            return 0.0
        if flip:
            return _score(name, q, _choose(opts))
        return _score(q, name, _choose(opts))


_MARGIN = 1e-3
"""How far below a cutoff a bound must be to skip a name: far more than the rounding of
scores (to four decimals) and float error."""


def _below(
    opts: list[_Option],
    qwt: tuple[float, ...],
    nwt: tuple[float, ...],
    alone: float,
    flip: bool,
    cutoff: float,
) -> bool:
    """Whether a score is certainly below ``cutoff``, from one-word options only.

    Each aligned pair counts ``2 * min`` of its two weights, at most twice the weight of
    either side; words in no option stay unaligned. So with ``A`` the weight of the query's
    words in some option, ``B`` that of the name's, and ``U`` that of the words in none, the
    score is at most ``W / (W + U)`` with ``W = 2 * min(A, B)``.
    """
    queried = {o[3][0] if flip else o[2][0] for o in opts}
    on_query = 0.0
    unaligned = alone
    for i, w in enumerate(qwt):
        if i in queried:
            on_query += w
        else:
            unaligned += w
    on_name = sum(nwt) - alone
    most = 2 * min(on_query, on_name)
    return most <= 0 or most / (most + unaligned) < cutoff - _MARGIN


def _score(a: Prepared, b: Prepared, aligned: tuple[list[_Option], set[int], set[int]]) -> float:
    chosen, used_a, used_b = aligned
    if not chosen:
        return 0.0
    got = sum(o[0] * o[1] for o in chosen)
    total = sum(o[1] for o in chosen)
    total += sum(w for i, w in enumerate(a.weights) if i not in used_a)
    total += sum(w for j, w in enumerate(b.weights) if j not in used_b)
    return round(got / total, _PRECISION) if total else 0.0


def similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 (nothing shared) to 1 (the same canonical words).

    Symmetric and deterministic; uses the built-in weak-word weights (a rule set's `search`
    also weighs words by how rare they are on its list). `explain` says why.
    """
    weights = default_weights()
    return score_prepared(Prepared.named(a, weights), Prepared.named(b, weights))


def _reason(a: Prepared, b: Prepared, opt: _Option) -> str:
    left = "".join(a.words[i] for i in opt[2])
    right = "".join(b.words[j] for j in opt[3])
    joined = len(opt[2]) > 1 or len(opt[3]) > 1
    if joined:
        return "same words, joined differently"
    if left == right:
        return "same word"
    if skeleton(left) == skeleton(right):
        return "romanisation variant"
    return "one typing error"


def explain(a: str, b: str, weights: Weights | None = None) -> Explanation:
    """The score of `similarity` (or, with ``weights``, of a list's search) and why: which
    words aligned, how alike they are, what each counts for, and what was left unmatched."""
    w = weights or default_weights()
    pa, pb = Prepared.named(a, w), Prepared.named(b, w)
    if pa.key == pb.key:
        score = score_prepared(pa, pb)
        chosen: list[_Option] = [
            (1.0, 2 * x, (i,), (i,)) for i, x in enumerate(pa.weights) if pa.words
        ]
        used_a = used_b = set(range(len(pa.words)))
    elif pb.key < pa.key:  # score_prepared aligns in canonical order: do the same
        alignment = _align(pb, pa)
        score = _score(pb, pa, alignment)  # what score_prepared computes, from this alignment
        chosen, used_b, used_a = alignment
        chosen = [(s, x, j, i) for s, x, i, j in chosen]
    else:
        alignment = _align(pa, pb)
        score = _score(pa, pb, alignment)
        chosen, used_a, used_b = alignment
    aligned = tuple(
        Aligned(
            tuple(pa.words[i] for i in o[2]),
            tuple(pb.words[j] for j in o[3]),
            round(o[0], _PRECISION),
            round(o[1], _PRECISION),
            _reason(pa, pb, o),
        )
        for o in sorted(chosen, key=lambda o: o[2])
    )
    left_out = tuple((x, pa.weights[i]) for i, x in enumerate(pa.words) if i not in used_a)
    right_out = tuple((x, pb.weights[j]) for j, x in enumerate(pb.words) if j not in used_b)
    return Explanation(
        a,
        b,
        score,
        pa.words,
        pb.words,
        aligned,
        left_out,
        right_out,
        _summary(score, aligned, left_out, right_out),
    )


def _summary(
    score: float,
    aligned: tuple[Aligned, ...],
    left_out: tuple[tuple[str, float], ...],
    right_out: tuple[tuple[str, float], ...],
) -> str:
    if not aligned:
        return f"score {score}: no word in common"
    parts = []
    for al in aligned:
        lhs, rhs = " ".join(al.left), " ".join(al.right)
        parts.append(lhs if lhs == rhs else f"{lhs}~{rhs}")
    text = f"score {score}: aligned {', '.join(parts)}"
    extra = [w for w, _ in left_out] + [w for w, _ in right_out]
    if extra:
        text += f"; unmatched {', '.join(extra)}"
    return text


_ADDRESS_NOISE = frozenset(
    """road rd street str st avenue ave lane boulevard blvd floor fl room rm unit suite building
    bldg tower block no number district dist city province county region state zone park area
    the of and de la le china prc iran russia hong kong united states usa""".split()  # noqa: SIM905
)
_ADDRESS_WORD = re.compile(r"[^\W_]+")


def _address_words(text: str) -> frozenset[str]:
    words = _ADDRESS_WORD.findall(fold_text(text))
    return frozenset(w for w in words if (len(w) >= 3 or w.isdigit()) and w not in _ADDRESS_NOISE)


def address_similarity(a: str, b: str) -> float:
    """How alike two addresses are (0..1), by the distinctive words they share.

    Generic words (road, floor, district, a country) do not count, and fewer than three shared
    distinctive words never score above 0.5: "China" or a city alone corroborates nothing.
    """
    wa, wb = _address_words(a), _address_words(b)
    if not wa or not wb:
        return 0.0
    shared = len(wa & wb)
    if shared < 3:
        return round(0.5 * shared / max(len(wa), len(wb)), 4)
    return round(shared / min(len(wa), len(wb)), 4)
