"""Scoring two names: align their words, weigh each word by how much it says, and explain it.

A name is a bag of canonical words (`tokens`). Two names are compared by *aligning* words one to
one, in any order (``SHI, Lirong`` and ``Lirong Shi``), where a word may also align with two
neighbouring words of the other name joined, canonical or as written (``Bei Jing`` and
``Beijing``, ``8Star`` and ``8 Star``, ``NucTech`` and ``Nuc Tech``), may be a romanisation
variant (``Dmitrii`` and ``Dmitry``: the same `skeleton`; ``Mohamed`` and ``Muhammad``: the same
consonants, vowels a romanisation may write alike), or may differ by one typing error (an
insertion, deletion, substitution or swap of two letters) when the longer has at least three
letters (`token_similarity`). Words with digits must carry the same digits: ``9-Star`` is not
``8-Star``.

Each word has a weight: how much it says about *which* party a name is. Legal forms, stop words
and generic business words weigh little (``data/weights.yaml``), and over a list (`Weights` built
by the index) words the list repeats weigh less too, like an IDF. The score is a weighted Dice
coefficient::

    score = sum(sim * 2 * min(w_left, w_right) for aligned words)
            / (sum(2 * min(w_left, w_right) for aligned words) + sum(w for unaligned words))

(an unaligned generic word of a listed name, or one a query puts inside a name, counts its
rarity on the list instead: `Weights.cost`), so an unaligned distinctive word costs a lot, an
unaligned ``Ltd`` almost nothing, and a match on
``International Trading Co`` alone stays low. The score is symmetric (the two names are put in a
canonical order first), deterministic and rounded to four decimals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise, product
from operator import add
from typing import Any, Literal

from rapidfuzz.distance import OSA, Indel, Levenshtein

from .normalize import (
    CONSONANTS,
    MARKS,
    WADE_GILES,
    WADE_GILES_UNMARKED,
    aircraft_registration,
    consonant_keys,
    containment_rules,
    fold_text,
    generic_unaligned_factor,
    generic_words,
    han_characters,
    legal_forms,
    misspelt_forms,
    order_rules,
    patronymic_shaped,
    patronymics,
    phrase_words,
    reading_kind,
    resource,
    short_factor,
    sound_alike,
    sound_key,
    spellings,
    stopwords,
    syllables_read_as,
    wade_giles,
    wade_giles_keys,
    weak_words,
    weight_factors,
    written_readings,
    written_words,
)

__all__ = [
    "MAX_FUZZY",
    "MAX_WORDS",
    "TWO_TYPOS",
    "TWO_TYPOS_SIMILARITY",
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

TWO_TYPOS = 10
"""The fewest letters of each of two words that may be two typing errors apart ("Transservice" /
"Transservis", "Abdelouadoud" / "Abdelwadoud", "Lespromprocessing" / "Lespromprotsessing"):
long words are transliterated more than typed. Two letters swapped and another error are
three: the index finds two by pieces of the word (see `screening.names.index`), which a swap
may break."""

TWO_TYPOS_SIMILARITY = 0.828
"""The similarity of two such words, whatever their length: a review on its own, never a match
(at 1 - 2/(length + 1) two words of 24 letters would block), and below a sound (`SOUND`) and
every one typing error or variant of the words that may meet one (nine letters or more: 0.9),
so that the greedy alignment never takes a word for two typing errors that another needed for
a closer kind ("Abdoulaziz Abdulazeez" / "Abdalaziz Abdolaziz"; a review found such pairs
falling from 0.83 to 0.42 while two typos scored above a sound). Above the initials of a name
that says not what it is (0.825). Neither word may be a legal form, generic or stop word (as
for a sound): those are spelt one way, and a misspelt one stays as weak as one typing error
makes it (`Weights`)."""

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

MAX_RUN = 4
"""The most neighbouring words the character-level path joins into one ("Ab dall ah" /
"Abdallah", "SunComputerCenter" / "Sun Computer Center"); two are joined by the word path."""


_WADE_GILES = frozenset((WADE_GILES, WADE_GILES_UNMARKED))

SCRIPT = 0.9
"""The similarity of a word read from Arabic script and a Latin word with the same consonants
("hsn" / "Hassan"): as alike as a romanisation variant (short vowels are not written)."""

ARTICLES = frozenset(("al", "el", "ul"))
"""The Arabic article as Latin letters write it: Arabic script joins it to its word, so a word
read there by its consonants (الي "Ali", لا) is never it ("El Nino" is not "نو الي")."""

VARIANT = 0.9
"""The similarity of two spellings of one word by different romanisations ("Dmitrii",
"Dmitry"): alike, though less than the same word."""

SOUND = 0.83
"""The similarity of two words that sound alike (`sound_alike`: "Mohamed" / "Muhammad",
"Hussein" / "Husayn"): romanisations of one Arabic or Persian word, which differ in their
vowels. Above the review threshold, so one such word alone is a possible match; below one
typing error in words of five letters or more (0.833: `SOUND_LETTERS`, the shortest with a
`sound_key`), so that the greedy alignment never takes a word for a sound that another needed
for a typing error ("Hamad Hamid" / "Ahmad Hamed": "Hamad" is "Ahmad" with two letters
swapped). It does rank above initials of a name that says not what it is (``acronyms`` in
data/weights.yaml, 0.825), which alone never reach the review threshold with another query
word beside them."""


ENDING = 0.83
"""The similarity of a Belarusian surname and the Russian one it is written for ("NAUMAU" /
"NAUMOV", "KARAEU" / "KARAEV": `ending_key`): a review, never a match on its own, as the
ending is also German, French or Hausa ("LANDAU", "SHEKAU")."""


def token_similarity(a: str, b: str) -> float:
    """How alike two canonical words are: 1 when equal; `VARIANT` when they are romanisation
    variants (the same `skeleton`, four letters or more); ``1 - 1/(length + 1)`` when they
    differ by one typing error (the longer having at least `MIN_FUZZY` characters) and carry
    the same digits, `TWO_TYPOS_SIMILARITY` by two when both have `TWO_TYPOS` letters or more;
    at least `SOUND` when they sound alike (`sound_alike`), `ENDING` when one is a Belarusian
    surname and the other the Russian (`ending_key`); else 0. Words longer than `MAX_FUZZY`
    are alike only when equal."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if la > MAX_FUZZY or lb > MAX_FUZZY:
        return 0.0
    if a[0] in _WADE_GILES or b[0] in _WADE_GILES:  # read as Wade-Giles: by its pinyin
        marked, other = (a, b) if a[0] in _WADE_GILES else (b, a)
        if other[0] in MARKS:
            return 0.0
        table = wade_giles()
        if marked[0] == WADE_GILES:
            return table.written_similarity if marked[1:] in wade_giles_keys(other)[0] else 0.0
        return table.unmarked_similarity if marked[1:] in wade_giles_keys(other)[1] else 0.0
    if a[0] == CONSONANTS or b[0] == CONSONANTS:  # read from Arabic script: by consonants
        marked, other = (a, b) if a[0] == CONSONANTS else (b, a)
        if other[0] == CONSONANTS or other in ARTICLES or marked[1:] not in consonant_keys(other):
            return 0.0  # the article is read as "al" (`ARTICLES`): not a word's consonants
        return SCRIPT
    korean = order_rules().korean_syllables
    if a in korean and b in korean:  # two syllables, two names: "chol" is not "chul"
        return VARIANT if skeleton(a) == skeleton(b) else 0.0
    if la > MIN_FUZZY and lb > MIN_FUZZY:
        if _variants(a, b):
            return max(VARIANT, _typos(a, b, la, lb))
        if sound_alike(a, b):
            return max(SOUND, _typos(a, b, la, lb))
        if (key := ending_key(a)) and key == ending_key(b):
            return max(ENDING, _typos(a, b, la, lb))
    return _typos(a, b, la, lb)


@lru_cache(maxsize=65536)
def ending_key(word: str) -> str:
    """A word that ends as a Belarusian surname or as the Russian one it is written for
    (``endings`` in data/romanisation.yaml: "-au" / "-ov", "-eu" / "-ev"), with four letters or
    more before the ending: its stem folded (`skeleton`) and the Russian ending; else "".
    Two words of one key are alike (`ENDING`). Not for weak words ("bureau")."""
    endings = _endings()
    if not word.endswith(endings[0]) or not word.isalpha() or word in weak_words():
        return ""  # most words: one test
    for belarusian, russian in endings[1]:
        for ending in (belarusian, russian):
            if word.endswith(ending) and len(word) - len(ending) >= ENDING_STEM:
                return f"{_folded(word[: -len(ending)])}-{russian}"
    return ""


ENDING_STEM = 4
"""The fewest letters before a surname ending (`ending_key`): "Palau" is no "Palov"."""


@lru_cache(maxsize=1)
def _endings() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Every ending of ``endings`` (data/romanisation.yaml), and the pairs (Belarusian,
    Russian)."""
    pairs = tuple((str(a), str(b)) for a, b in resource("romanisation.yaml")["endings"])
    return tuple(e for pair in pairs for e in pair), pairs


def read_as_similarity(marked: str, word: str) -> float:
    """How alike a word read as Wade-Giles may be to ``word``, a canonical word that pinyin
    syllables are read as ("jsc", from "ao", "pao", "zao"): the most of its syllables'. An upper
    bound for the index; which it is, the listed name's word as written says (`as_written`)."""
    return max(
        (token_similarity(marked, x) for x in syllables_read_as().get(word, ())), default=0.0
    )


def _read_from(word: str, written: str) -> bool:
    """Whether ``word`` is read from ``written``, a word of pinyin syllables (`syllables_read_as`:
    "jsc" from "ao"; not "company limited" from "youxiangongsi", two words of one)."""
    return word != written and written in syllables_read_as().get(word, ())


def as_written(
    query: Prepared, row: Sequence[tuple[int, float]], word: str, written: str
) -> Sequence[tuple[int, float]] | None:
    """The query words alike to a listed word that pinyin syllables are read as, compared with
    the listed word as written where the query word is read as Wade-Giles (`read_as_similarity`
    gave those a bound only): "Ao Hsiao-p'ing" meets "Ao Xiaoping" (written "ao"), "Tsao
    Hsiao-p'ing" does not; nor any such query a name written "JSC". None when none is."""
    read = _read_from(word, written)
    out = []
    for i, s in row:
        if query.words[i][0] in _WADE_GILES:
            s = token_similarity(query.words[i], written) if read else 0.0
        if s:
            out.append((i, s))
    return out or None


def _variants(a: str, b: str) -> bool:
    """Romanisation variants: the same skeleton, of four letters or more (three-letter words
    such as "abb" and "aab" differ too much to be called variants)."""
    sa = skeleton(a)
    return len(sa) > MIN_FUZZY and sa == skeleton(b)


def _typos(a: str, b: str, la: int, lb: int) -> float:
    """How alike typing errors make two words (`token_similarity`), or 0: one (a letter added,
    left out, changed or two swapped) ``1 - 1/(length + 1)``; two letters added, left out or
    changed `TWO_TYPOS_SIMILARITY`, where both words have `TWO_TYPOS` letters or more and
    neither is a weak word."""
    if max(la, lb) < MIN_FUZZY or abs(la - lb) > 2:
        return 0.0
    if not (a.isalpha() and b.isalpha()) and _digits(a) != _digits(b):
        return 0.0
    if abs(la - lb) < 2 and OSA.distance(a, b, score_cutoff=1) <= 1:
        return 1.0 - 1.0 / (max(la, lb) + 1)
    if la < TWO_TYPOS or lb < TWO_TYPOS or Levenshtein.distance(a, b, score_cutoff=2) > 2:
        return 0.0
    weak = weak_words()
    return 0.0 if a in weak or b in weak else TWO_TYPOS_SIMILARITY


@lru_cache(maxsize=1)
def _rewrites() -> tuple[tuple[str, str], ...]:
    return tuple((str(a), str(b)) for a, b in resource("romanisation.yaml")["rewrites"])


@lru_cache(maxsize=1)
def _given_names() -> dict[str, str]:
    """The skeleton of each word of a ``given_names`` group (``data/romanisation.yaml``) -> the
    skeleton of the group's first word."""
    out: dict[str, str] = {}
    for group in resource("romanisation.yaml")["given_names"]:
        first = _folded(str(group[0]))
        out.update((_folded(str(word)), first) for word in group)
    return out


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A word with romanisation variants folded (``data/romanisation.yaml``) and doubled letters
    collapsed: "dmitriy", "dmitrii" and "dmitry" all give "dmitri"; a given name's forms in
    other languages (``given_names``) give its group's first ("alexander", "oleksandr" and
    "aleksandr" give "alexandr"), and so do the patronymics made of them, with the ending of
    their sex ("uladzimiravich", "volodymyrovych": "vladimirovich"; `_patronymic`). Words with
    digits are their own skeleton, and so are words longer than `MAX_FUZZY`."""
    if len(word) > MAX_FUZZY or not word.isalpha():
        return word
    folded = _folded(word)
    given = _given_names().get(folded)
    if given is not None:
        return given
    return _patronymic(folded) or folded


def _patronymic(folded: str) -> str | None:
    """The skeleton of a patronymic made of a ``given_names`` group's name (folded): the group's
    stem with "ovich" or "ovna". The vowel of the ending goes with the stem ("Nikolaevich",
    Ukrainian "Mykolaiovych"), Belarusian writes an unstressed "o" as "a" ("Mikalayevich",
    "Uladzimiravich"), Ukrainian a female "-ovna" as "-ivna": one ending for each sex. None for
    any other word: of other stems, "-ev-" and "-ov-" may make two surnames ("Malkevich",
    "Malkovich"), which romanisations of one word's letters (the rewrites) do not join."""
    split = _PATRONYMIC.fullmatch(folded)
    if split is None:
        return None
    given = _given_stems().get(split["stem"].rstrip("aeiou"))  # "Grigory" / "Grigoryevich"
    if given is None:
        return None
    return given + ("ovna" if split["ending"].endswith("na") else "ovich")


_PATRONYMIC = re.compile(r"(?P<stem>[a-z]{3,})(?P<ending>(?:ov|ev|av|iv)ich|(?:ov|ev|iv|av|au)na)")
"""A patronymic folded (`_folded`): the given name it is made of, and its ending, male or
female. The endings of ``patronymic_endings`` (data/weights.yaml, which tells a patronymic in
a name by its raw word) as folding writes them: "-ych", "-itch" and "-yevich" are "-ich" and
"-evich", "-awna" is "-avna" (a test holds the two together)."""


@lru_cache(maxsize=1)
def _given_stems() -> dict[str, str]:
    """The stem of each word of a ``given_names`` group as its patronymics show it (folded, its
    last vowels dropped: "Nikolai" / "Nikolaevich", "Mykola" / "Mykolaiovych") -> the stem of
    the group's first: "Uladzimiravich" and "Vladimirovich" are one patronymic."""
    out: dict[str, str] = {}
    for group in resource("romanisation.yaml")["given_names"]:
        first = _folded(str(group[0])).rstrip("aeiou")
        out.update((_folded(str(word)).rstrip("aeiou"), first) for word in group)
    return out


def _folded(word: str) -> str:
    """`skeleton` but for ``given_names``: the rewrites, then doubled letters collapsed."""
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
        "_generic",
        "_generic_unaligned",
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
        self._generic = generic_words() if self._log_n else frozenset()
        self._generic_unaligned = generic_unaligned_factor()
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
        """Whether a weak word has a digit: else a word with one is near none (`_typos`)."""
        # Words not seen on the list come from queries, and queries repeat words: a bounded
        # memo of a pure function of these (immutable) weights.
        self._unseen = lru_cache(maxsize=_UNSEEN_CACHE)(self._weigh_unseen)

    def __call__(self, word: str) -> float:
        """The weight of one canonical word."""
        known = self._known.get(word)
        if known is not None:
            return known
        return self._unseen(word)

    def cost(self, word: str) -> float:
        """What a word costs when left unaligned: its weight, but for a generic word the list
        has ("Shipping", "Electronics"), whose IDF alone counts (data/weights.yaml
        ``generic_unaligned``). Aligned, "Bank" says little about which bank; missing, it
        says the other name is another kind of party. Never below the weight, so every
        bound the index computes from weights still holds."""
        weight = self(word)
        if word not in self._generic:
            return weight
        df = self._df.get(word)
        if not df:
            return weight
        idf = math.log1p(self._n / df) / self._log_n
        return max(weight, round(self._generic_unaligned * idf, 6))

    def costs(self, words: tuple[str, ...], weighed: tuple[float, ...]) -> tuple[float, ...]:
        """`cost` of each of ``words``, whose weights are ``weighed``: ``weighed`` itself when
        none is a generic word the cost differs for (most names), without weighing again."""
        if self._generic.isdisjoint(words):
            return weighed
        return tuple(map(self.cost, words))

    def _weigh_unseen(self, word: str) -> float:
        base = self._base(word)
        if base <= WEAK or len(word) < MIN_FUZZY:
            return base
        if not self._digit_weak and not word.isalpha() and any(ch.isdigit() for ch in word):
            return base  # "1203", "12/f": one typing error never changes the digits
        long = len(word) >= NEAR_WEAK
        weak = self._weak_known
        for cut in range(NEAR_WEAK, len(word) - NEAR_WEAK + 1):  # two weak words glued
            left, right = weak.get(word[:cut]), weak.get(word[cut:])
            if left is not None and right is not None:  # ("OgranichennoiOtvetstvennostyu")
                return max(left, right)
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


@lru_cache(maxsize=MAX_WORDS + 1)
def run_spans(n: int) -> tuple[tuple[int, int], ...]:
    """(start, length) of every run of three to `MAX_RUN` neighbouring words in ``n`` words."""
    return tuple((i, k) for k in range(3, MAX_RUN + 1) for i in range(n - k + 1))


def acronym_of(words: tuple[str, ...], written: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The initials of a name's words but its stop words and legal forms, when there are three
    to eight of them, all words of letters; those initials without the generic words too
    ("Islamic Revolutionary Guard Corps" -> "irgc"); then, read lower (see `_acronym_spans`),
    the initials of the words as written, a legal-form phrase word by word: all of them, but
    the stop words, and but the stop words and legal forms ("Suke Logistics Ltd." -> "sll",
    "Iranian Organization for Rebuilding Lebanon" -> "iofrl", "Joint Stock Company Yalta Film
    Studio" -> "jsyfs"); and an acronym the name gives itself ("... Guard Corps (IRGC)")."""
    if len(words) < 3 and (  # most query readings: no three words to take initials of
        written is None or len(written) < 2 or all(w not in phrase_words() for w in written)
    ):
        return ()
    return tuple(dict.fromkeys(x for x, _, _ in _acronym_spans(words, written)))


EXPANDED_ACRONYM = 4
"""The fewest letters of a listed acronym that a query's words may expand ("IRGC" for "Islamic
Revolutionary Guard Corps"): three initials are shared by too many names."""

ACRONYM_FORMS = 3
"""The most legal-form words of a name whose every choice an acronym may keep (2 ** 3 ways)."""

SHORT_ACRONYM = 3
"""Initials of at most this many letters stand for a name only as the whole other name: "ABB"
alone may be Abu Bakr al-Baghdadi, "ABB Ltd" is not (see `_acronym_options`)."""

AcronymKind = Literal["distinctive", "written", "listed"]
"""How an acronym is read from a name (see `_acronym_spans`); each has its similarity."""


@lru_cache(maxsize=1 << 14)
def _acronym_spans(
    words: tuple[str, ...], written: tuple[str, ...] | None
) -> tuple[tuple[str, tuple[int, ...], AcronymKind], ...]:
    """Each acronym of a name (see `acronym_of`), the positions of the words it stands for
    (the whole name, legal forms and stop words included, but the generic words an acronym
    leaves out), and how it is read: from the distinctive words, from the words as written
    (weighs less: ``acronyms.written``), or written in the name itself, its last word
    ("Islamic Revolutionary Guard Corps (IRGC)": the name's own alias)."""
    if len(words) < 3 and (
        written is None or sum(len(phrase_words().get(w, (w,))) for w in written) < 3
    ):
        return ()  # fewer than three initials however read: most people's names
    weak = weak_words()
    stop = order_rules().acronym_skip
    everything = tuple(range(len(words)))
    core = [i for i, w in enumerate(words) if weak.get(w, 1.0) > stop]
    distinct = [i for i in core if words[i] not in weak]
    out: list[tuple[str, tuple[int, ...], AcronymKind]] = []

    def add(initials: Iterable[str], span: tuple[int, ...], kind: AcronymKind) -> None:
        """``initials``: each word's `_initial`; three to eight of them make an acronym."""
        acronym = "".join(initials)
        if 3 <= len(acronym) <= 8 and _NO_INITIAL not in acronym:
            out.append((acronym, span, kind))

    initial = [_initial(w) for w in words]
    add([initial[i] for i in core], everything, "distinctive")
    generic = set(core).difference(distinct)
    add(
        [initial[i] for i in distinct],
        tuple(i for i in everything if i not in generic),
        "distinctive",
    )
    if written is not None:
        skip = order_rules().acronym_stopwords
        forms = legal_forms()
        phrases = phrase_words()
        # Each word as written, a legal-form phrase word by word, with whether it is a legal
        # form on its own ("company", or "ltd" read "limited"; not "joint" in "joint stock");
        # signs ("&") are no words of an acronym.
        parts = [
            (p, p in forms or (len(ws) == 1 and words[i] in forms), i)
            for i, w in enumerate(written)
            for ws in [phrases.get(w, (w,))]
            for p in ws
            if p.isalnum() or any(ch.isalnum() for ch in p)
        ]
        initials = [_initial(p) for p, _, _ in parts]
        # All of them but a conjunction the name starts with: a list's split of "X and Y"
        # ("and Intercyclone LLC"; ``acronyms.conjunctions``).
        conjunctions = order_rules().acronym_conjunctions
        lead = next((k for k, (p, _, _) in enumerate(parts) if p not in conjunctions), len(parts))
        add(initials[lead:], everything, "written")
        add(
            [x for x, (p, _, _) in zip(initials, parts, strict=True) if p not in skip],
            everything,
            "written",
        )
        # An organisation's acronym keeps some of its legal forms and leaves others out
        # ("KNL" and "KNCL" for "Kala Naft Company Ltd"): every choice of them, each word as
        # written one choice (the legal forms of "Limited Liability Company" go together),
        # for a name with at most `ACRONYM_FORMS` of them.
        # Stop words and signs between two legal forms make one with them ("S.A. de C.V.",
        # "GmbH & Co. KG": kept whole or left out whole, never "S.A. de" alone).
        at_form = sorted({i for _, form, i in parts if form})
        groups: list[set[int]] = [{at_form[0]}] if at_form else []
        for a, b in pairwise(at_form):
            between = range(a + 1, b)
            if between and all(
                words[k] in stopwords() or not any(ch.isalnum() for ch in words[k]) for k in between
            ):
                groups[-1].update(between, (b,))
            else:
                groups.append({b})
        inner = {i for g in groups for i in g} - set(at_form)
        if inner:
            parts = [(p, form or i in inner, i) for p, form, i in parts]
        few = len(groups) <= ACRONYM_FORMS
        for kept in product((False, True), repeat=len(groups)) if few else [(False,) * len(groups)]:
            out_of = {i for g, keep in zip(groups, kept, strict=True) if not keep for i in g}
            add(
                [
                    x
                    for x, (p, form, i) in zip(initials, parts, strict=True)
                    if p not in skip and not (form and i in out_of)
                ],
                everything,
                "written",
            )
        last = words[-1]
        if (  # `_own_acronym` makes the first of these tests too: keep the two in step
            len(words) >= 4
            and 3 <= len(last) <= 8  # an acronym's length (see `add`)
            and last.isalpha()
            and last not in weak
            and set(last) <= _initials_before(initial, initials, parts, len(written) - 1)
        ):  # every letter of it an initial of the words before (most last words fail)
            own = {x for x, _, _ in _acronym_spans(words[:-1], written[:-1])}
            if last in own:
                out.append((last, everything, "listed"))
    return tuple(out)


def _own_acronym(words: tuple[str, ...], written: tuple[str, ...]) -> tuple[str, ...]:
    """The acronym a name gives itself as its last word, if any ("listed" in `_acronym_spans`),
    read only when that word may be one (the first tests of the "listed" branch there): a
    person has no other (`_person`), and reading the others cost some 13 us a name."""
    last = words[-1] if len(words) >= 4 else ""
    if not (3 <= len(last) <= 8 and last.isalpha()):
        return ()
    return tuple(x for x, _, kind in _acronym_spans(words, written) if kind == "listed")


def _initials_before(
    initial: list[str], initials: list[str], parts: list[tuple[str, bool, int]], end: int
) -> set[str]:
    """The initials of a name's words and written parts before its word ``end``: all the
    letters an acronym of those words may have."""
    found = set(initial[:end])
    found.update(x for x, (_, _, i) in zip(initials, parts, strict=True) if i < end)
    return found


_NO_INITIAL = "!"


def _initial(word: str) -> str:
    """A word's initial in an acronym: its first letter, nothing for a number ("Light Infantry
    Division 66"), or `_NO_INITIAL` for a word mixing letters with other signs (no acronym)."""
    if word.isdigit():
        return ""
    return word[0] if word.isalpha() else _NO_INITIAL


def expanded_acronyms(query: Prepared) -> frozenset[str]:
    """The query's initials a listed acronym alone may stand for (see `_acronym_options`):
    of `EXPANDED_ACRONYM` letters or more, when the query says it is an organisation."""
    if not query.acronyms or not _says_organisation(query.words):
        return frozenset()
    return frozenset(x for x in query.acronyms if len(x) >= EXPANDED_ACRONYM)


@lru_cache(maxsize=1 << 12)
def _says_organisation(words: tuple[str, ...]) -> bool:
    """Whether a name says it is an organisation: a legal form, a generic word or a word of
    ``acronyms.organisation`` among its words ("Ltd", "Industries", "Corps"). Acronyms stand for
    organisations; a name without any (most are people's) has its initials weigh
    ``acronyms.unmarked``."""
    weak, stop, marks = weak_words(), stopwords(), order_rules().acronym_organisation
    return any((w in weak and w not in stop) or w in marks for w in words)


Shape = Literal["name", "person", "aircraft"]
"""What a name is written as (`written_shape`), for the few rules that depend on it."""


def _person(words: tuple[str, ...], shape: Shape, patronyms: tuple[int, ...]) -> bool:
    """Whether a name that does not say it is an organisation (`_says_organisation`) is a
    person's ("Abu Bakr al-Baghdadi", "SOBOLEV, Nikita Aleksandrovich", "ZLITNI, Abdulhafid
    Mahmoud"): lists never call a person by initials, only by initials the list itself gives
    as the name's alias (`Prepared.of` reads no other)."""
    return (
        shape == "person" or not order_rules().acronym_person.isdisjoint(words) or bool(patronyms)
    )


@lru_cache(maxsize=1 << 12)
def written_shape(name: str) -> Shape:
    """What a name is written as: an aircraft's registration (`aircraft_registration`), a
    person's name as lists write it (`_surname_first`), or any name."""
    return shape_of(name, written_words(name)[0])


def shape_of(name: str, words: tuple[str, ...]) -> Shape:
    """`written_shape` of ``name``, whose first reading's canonical words are ``words`` (an
    index has them already)."""
    if aircraft_registration(name):
        return "aircraft"
    return "person" if _surname_first(name, words) else "name"


_GIVEN_NAME = re.compile(r"[^\W\d_]{4}")
"""Four letters in a row: a given name, not a legal form in initials ("C.A.") nor a number."""


def _surname_first(name: str, words: tuple[str, ...]) -> bool:
    """Whether a name is written as lists write a person's, "SURNAME, Given Names" ("ZLITNI,
    Abdulhafid Mahmoud"): one comma, no word saying it is an organisation
    (`_says_organisation`), not in brackets, and four letters in a row after the comma, so
    that no legal form in initials is taken for given names ("PLM CONSORCIO, C.A."), nor a
    number. Lists never call a person by initials: such a name's are no acronym
    (`_acronym_options`)."""
    if name.count(",") != 1:
        return False
    before, after = name.split(",")
    return (
        before.count("(") <= before.count(")")  # not in brackets: "X (f.k.a., Y)"
        and any(ch.isalnum() for ch in before)
        and _GIVEN_NAME.search(after) is not None
        and not _says_organisation(words)
    )


def _acronym_options(
    a: Prepared, b: Prepared, opts: list[_Option], *, flip: bool, expanded: bool = False
) -> None:
    """A word of ``a`` that is ``b``'s initials ("IRGC" / "Islamic Revolutionary Guard
    Corps"): alike as much as ``acronyms.similarity`` in data/weights.yaml says, or
    ``acronyms.written`` for initials of the words as written ("SLL" / "Suke Logistics Ltd."),
    or fully when ``b`` gives that acronym itself ("Islamic Revolutionary Guard Corps (IRGC)").
    ``expanded``: ``a`` is a listed acronym and ``b`` a query, which must say it is an
    organisation; the acronym counts only from `EXPANDED_ACRONYM` letters up."""
    if not b.acronyms or set(a.words).isdisjoint(b.acronyms):
        return
    if expanded and not _says_organisation(b.words):
        return
    rules = order_rules()
    alike = {"distinctive": rules.acronym, "written": rules.acronym_written, "listed": 1.0}
    if not _says_organisation(b.words):
        alike["distinctive"] = alike["written"] = rules.acronym_unmarked
        if _person(b.words, b.shape, b.patronymics):
            alike["distinctive"] = alike["written"] = 0.0
    whole = len(a.words) == 1
    spans: dict[str, tuple[tuple[int, ...], float]] = {}
    for x, span, kind in _acronym_spans(b.words, b.written):
        # Short initials, and the acronym a name gives itself, stand for it only as the whole
        # other name: "ABB Ltd" is not Abu Bakr al-Baghdadi, nor "Aero-Engine Company" the
        # "Advanced Engineering Research Organization (AERO)".
        if expanded and (kind == "listed" or len(x) < EXPANDED_ACRONYM):
            continue
        if not whole and (kind == "listed" or len(x) <= SHORT_ACRONYM):
            continue
        if not alike[kind]:
            continue
        if x not in spans or alike[kind] > spans[x][1]:
            spans[x] = (span, alike[kind])
    for i, x in enumerate(a.words):
        found = spans.get(x)
        if found is not None:
            span, sim = found
            w = 2 * min(a.weights[i], sum(b.weights[j] for j in span))
            opts.append((sim, w, span, (i,)) if flip else (sim, w, (i,), span))


def _runs(words: tuple[str, ...], written: tuple[str, ...]) -> tuple[str, ...]:
    if len(words) < 3:
        return ()
    spans = run_spans(len(words))
    runs = tuple("".join(words[i : i + k]) for i, k in spans)
    if written is words:
        return runs
    return runs + tuple("".join(written[i : i + k]) for i, k in spans)


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
    acronyms: tuple[str, ...] = ()
    """The name's initials (see `acronym_of`): "irgc" for "Islamic Revolutionary Guard Corps"."""
    costs: tuple[float, ...] = ()
    """What each word costs when left unaligned (`Weights.cost`, see `_left_over`); empty or
    ``weights`` itself (the common case) when that is its weight."""
    runs: tuple[str, ...] = ()
    """Runs of three to `MAX_RUN` neighbouring words joined, canonical then (when they differ)
    as written, each in `run_spans` order (see `run_items`): the character-level path, which
    compares the letters of a name without its spaces."""
    patronymics: tuple[int, ...] = ()
    """Positions of a person's East Slavic patronymics (`patronymics`): worked out once, for
    the containment test that may leave them unaligned (`_excused`)."""
    shape: Shape = "name"
    """What the name is written as (`written_shape`): a person's initials are no acronym
    (`_acronym_options`); an aircraft's registration is an identifier: its nationality mark
    costs as much as its registration, and found whole inside another name (every word
    aligned) it is distinctive, never outweighed nor joined on, whatever numbers come with it
    (`_containment`)."""

    def run_items(self) -> Iterator[tuple[tuple[int, int], str]]:
        """Each run with its (start, length)."""
        spans = run_spans(len(self.words))
        return zip(spans * (len(self.runs) // len(spans)) if spans else (), self.runs, strict=True)

    @classmethod
    def of(
        cls,
        words: tuple[str, ...],
        weights: Weights,
        written: tuple[str, ...] | None = None,
        *,
        shape: Shape = "name",
    ) -> Prepared:
        """``words`` (the first `MAX_WORDS` of them) with their weights under ``weights``;
        ``shape``: what the name they were read from is written as (`written_shape`)."""
        words = words[:MAX_WORDS]
        if written is not None:
            written = written[:MAX_WORDS]
        joined = tuple(map(add, words, words[1:]))
        if written is None or written == words:
            written, written_joined = words, joined
        else:
            written_joined = tuple(map(add, written, written[1 : len(words)]))
        weighed = tuple(map(weights, words))
        costs = weights.costs(words, weighed)
        if shape == "aircraft" and len(words) == 2:
            # "EP-MMB": without its nationality mark, "MMB" is no more this aircraft than
            # another's registration ("UP-MMB") or any name's word; the mark, a word many
            # aircraft share, would weigh little.
            costs = (max(costs[0], weighed[1]), costs[1])
        patronyms = patronymics(words)
        if _says_organisation(words) or not _person(words, shape, patronyms):
            acronyms = acronym_of(words, written)
            own = _own_acronym(words, written) if acronyms and words[-1] in acronyms else ()
        else:  # a person's initials are no acronym (`_acronym_options`) but the list's own
            acronyms = own = _own_acronym(words, written)
        if own:  # "... (IRGC)": its own alias, said twice; not "Aya" in "Ahmed Yusuf Aya"
            weighed = (*weighed[:-1], weighed[-1] * weight_factors()["stopword"])
            costs = (*costs[:-1], weighed[-1])
        return cls(
            words,
            weighed,
            joined,
            " ".join(words),
            tuple(map(skeleton, words)),
            written,
            written_joined,
            acronyms,
            weighed if costs == weighed else costs,
            _runs(words, written),
            patronyms,
            shape,
        )

    def runs_disjoint(self, words: Iterable[str]) -> bool:
        """Whether no run of this name is one of ``words``."""
        return not self.runs or set(words).isdisjoint(self.runs)

    @classmethod
    def named(cls, name: str, weights: Weights) -> Prepared:
        """A name, prepared: its canonical words and the words as written."""
        words, written = written_words(name)
        return cls.of(words, weights, written, shape=written_shape(name))


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
    """Why two names score what they score: the aligned words and the words left over (each
    with what it cost, see `Weights.cost`)."""

    left: str
    right: str
    score: float
    left_words: tuple[str, ...]
    right_words: tuple[str, ...]
    aligned: tuple[Aligned, ...]
    unmatched_left: tuple[tuple[str, float], ...]
    unmatched_right: tuple[tuple[str, float], ...]
    summary: str = field(default="")
    notes: tuple[str, ...] = ()
    """What else moved the score: word order that matters, numbers, the reading of each name
    that scored (digits read as letters, another script), Han characters compared."""

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
            "notes": list(self.notes),
        }


# One alignment option: (similarity, weight, left indices, right indices).
_Option = tuple[float, float, tuple[int, ...], tuple[int, ...]]

Alignment = tuple[list[_Option], set[int], set[int]]
"""The options chosen and the positions they cover on either side (see `_choose`)."""

Scored = tuple[float, list[str]]
"""What `_score` gave an alignment: the score and its notes (see `LookedUp.scored`)."""


def _options(
    a: Prepared,
    b: Prepared,
    memo: dict[tuple[str, str], float],
    inside: tuple[bool, bool] = (True, True),
) -> list[_Option]:
    opts: list[_Option] = []
    aw, bw, awt, bwt = a.words, b.words, a.weights, b.weights
    blen = [len(y) for y in bw]
    bsk = b.skeletons
    for i, x in enumerate(aw):
        lx = len(x)
        sx, dx = a.skeletons[i], sound_key(x)
        for j, y in enumerate(bw):
            if x == y:
                s = 1.0
            else:  # the cheap part of token_similarity, inline: this loop is the hot path
                d = lx - blen[j]
                if (
                    sx != bsk[j]
                    and (d > 1 or d < -1 or (lx < MIN_FUZZY and blen[j] < MIN_FUZZY))
                    and (d > 2 or d < -2 or lx < TWO_TYPOS or blen[j] < TWO_TYPOS)
                    and (not dx or dx != sound_key(y))
                    and x[0] not in MARKS
                    and y[0] not in MARKS
                ):
                    continue
                s = memo.get((x, y), -1.0)
                if s < 0:
                    s = memo[(x, y)] = memo[(y, x)] = token_similarity(x, y)
                if not s and (
                    (x[0] in _WADE_GILES and _read_from(y, b.written[j]))
                    or (y[0] in _WADE_GILES and _read_from(x, a.written[i]))
                ):  # a word pinyin syllables are read as ("jsc"), as written ("ao")
                    s = token_similarity(a.written[i], b.written[j])
                if not s:
                    continue
            opts.append((s, 2 * min(awt[i], bwt[j]), (i,), (j,)))
    _joined_options(a, b, opts, inside)
    return opts


def _joined_options(
    a: Prepared, b: Prepared, opts: list[_Option], inside: tuple[bool, bool] = (True, True)
) -> None:
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
    _run_options(a, b, opts, flip=False)
    _run_options(b, a, opts, flip=True)
    # An acronym stands for a listed name ("IRGC" in a query); a listed acronym for a query's
    # words only when it is the whole listed name, of four letters or more, and the query says
    # it is an organisation: people's names and companies share initials with many acronyms.
    if inside[1]:
        _acronym_options(a, b, opts, flip=False)
    elif len(a.words) == 1:
        _acronym_options(a, b, opts, flip=False, expanded=True)
    if inside[0]:
        _acronym_options(b, a, opts, flip=True)
    elif len(b.words) == 1:
        _acronym_options(b, a, opts, flip=True, expanded=True)


def _run_options(a: Prepared, b: Prepared, opts: list[_Option], *, flip: bool) -> None:
    """The character-level path: three or more neighbouring words of ``a`` whose letters,
    spaces left out, are one word of ``b`` ("ab dall ah" / "abdallah")."""
    if not a.runs or a.runs_disjoint(b.words):
        return
    where = {w: j for j, w in enumerate(b.words)}
    for (i, k), text in a.run_items():
        j = where.get(text)
        if j is None:
            continue
        span = tuple(range(i, i + k))
        w = 2 * min(sum(a.weights[x] for x in span), b.weights[j])
        opts.append((1.0, w, (j,), span) if flip else (1.0, w, span, (j,)))


def _forms(canonical: tuple[str, ...], written: tuple[str, ...]) -> set[str]:
    return set(canonical) if canonical is written else {*canonical, *written}


def _align(
    a: Prepared,
    b: Prepared,
    memo: dict[tuple[str, str], float] | None = None,
    inside: tuple[bool, bool] = (True, True),
) -> tuple[list[_Option], set[int], set[int]]:
    """Greedy one-to-one alignment: most similar first, then heaviest, then the one covering
    most words (a run of words spelt as one rather than one of its words), then leftmost."""
    return _choose(_options(a, b, {} if memo is None else memo, inside))


def _choose(opts: list[_Option]) -> tuple[list[_Option], set[int], set[int]]:
    """The greedy choice of `_align` among options; their order in ``opts`` does not matter
    (no two options have the same positions, so the sort key orders them all)."""
    opts.sort(key=lambda o: (-o[0], -o[1], -len(o[2]) - len(o[3]), o[2], o[3]))
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
    a: Prepared,
    b: Prepared,
    memo: dict[tuple[str, str], float] | None = None,
    *,
    listed: Literal["both", "second"] = "both",
) -> float:
    """The score of two prepared names (see the module docstring). Symmetric.

    ``memo`` may carry word similarities from one call to the next (one query against many
    names); it changes nothing but the speed. ``listed`` says which name counts when wholly
    inside the other (see `_containment`): either (``both``, as `similarity` scores), or only
    the second, the listed name of a search (a query wholly inside a listed name is no sign).
    """
    if not a.words or not b.words:
        return 0.0
    if a.key == b.key:
        return 1.0
    inside = (listed == "both", True)
    if b.key < a.key:
        a, b = b, a
        inside = inside[::-1]
    opts = _options(a, b, {} if memo is None else memo, inside)
    return _score(a, b, _choose(opts), inside=inside)


class LookedUp:
    """A query name with every word alike to one of its words looked up (`token_similarity`
    above 0): ``similar`` maps each such word to the positions of the query words it is alike to
    and how alike. Scores the query against many names, as `score_prepared` does, without
    comparing words again."""

    __slots__ = (
        "_available",
        "_expands",
        "_forms",
        "_joined_forms",
        "_read_as",
        "_runs",
        "_words",
        "aligned",
        "initials",
        "query",
        "scored",
        "similar",
    )

    def __init__(self, query: Prepared, similar: Mapping[str, Sequence[tuple[int, float]]]):
        self.query = query
        self.similar = similar
        self._forms = _forms(query.words, query.written)
        self._joined_forms = _forms(query.joined, query.written_joined)
        self._words = frozenset(query.words)
        self.initials = (
            self._words
            if len(query.words) == 1
            else frozenset(w for w in query.words if len(w) > SHORT_ACRONYM)
        )
        """The query's words that may stand for a listed name's initials (`_acronym_options`:
        a short one only as the whole query): other words equal to its acronyms align nothing."""
        self._runs = frozenset(query.runs)
        marked = bool(query.words) and query.words[0][0] in _WADE_GILES
        self._read_as = _read_as() if marked else frozenset()
        """The listed words compared by their form as written (`as_written`): only for a query
        read as Wade-Giles (its every word marked), the one kind of word alike to them otherwise
        than as written."""
        self._available: frozenset[str] | None = None
        self._expands = expanded_acronyms(query)
        self.aligned: Alignment | None = None
        """The alignment of the last name `score_reaching` aligned (None after one it gave
        1.0 without): what `summary` of that name shows, not worked out again."""
        self.scored: Scored | None = None
        """The score and notes `_score` gave the last name `score_reaching` aligned (None
        when `aligned` is): what `summary` of that name says, not scored again."""

    @classmethod
    def of_rows(cls, query: Prepared, rows: Sequence[Iterable[tuple[str, float]]]) -> LookedUp:
        """From each query word's alike words and their similarity, in the query's order (what
        a name index looks up): turned round, each alike word -> the query words it is alike to."""
        by_word: dict[str, list[tuple[int, float]]] = {}
        for i, row in enumerate(rows):
            for word, s in row:
                by_word.setdefault(word, []).append((i, s))
        return cls(query, by_word)

    def score(self, name: Prepared) -> float:
        """`score_prepared` of the query and ``name``: the same score."""
        score = self.score_reaching(name, 0.0)
        assert score is not None  # every score reaches 0
        return score

    def score_reaching(
        self, name: Prepared, cutoff: float, *, inside: bool | None = None
    ) -> float | None:
        """`score_prepared` of the query and ``name``, or None when it is certainly below
        ``cutoff``: a bound from the words that align with nothing, checked before the
        alignment itself (which is most of the work). ``inside=False`` says that ``name`` cannot
        be wholly inside the query (`may_be_inside` said no): the bound then holds whatever
        its words joined align with, so the character path is not scored for nothing."""
        q = self.query
        if not q.words or not name.words:
            return 0.0
        if q.key == name.key:
            self.aligned = self.scored = None
            return 1.0
        qwt, nwt, similar = q.weights, name.weights, self.similar
        flip = name.key < q.key  # score_prepared puts the two in this order: do the same
        alone = 0.0  # the weight of the name's words alike to no query word
        # One weighs more (a strong word alone): the name is not wholly inside the query.
        # Not needed when the caller says so already (inside=False).
        strong_alone = inside is False
        unaligned = containment_rules().unaligned
        rows: list[tuple[int, Sequence[tuple[int, float]]]] = []
        read_as = self._read_as
        excused = name.patronymics  # may stay unaligned inside the query (`_excused`)
        for j, y in enumerate(name.words):
            row = similar.get(y)
            if row is not None and y in read_as:
                row = as_written(q, row, y, name.written[j])
            if row is None:
                alone += nwt[j]
                strong_alone = strong_alone or (_kept(y, unaligned) and j not in excused)
            else:
                rows.append((j, row))
        # _joined_options only adds options when these forms meet: most names skip it.
        joined = self._joined_forms
        forms = self._forms
        # The name's own words joined (may_be_inside does not see these align). Most names
        # are written as their canonical words: their written forms need no test of their own.
        plain = name.written is name.words
        name_joins = (
            not forms.isdisjoint(name.joined)
            or (not plain and not forms.isdisjoint(name.written_joined))
            or (bool(name.runs) and not self._words.isdisjoint(name.runs))
        )
        joins = (
            name_joins
            or not joined.isdisjoint(name.words)
            or (not plain and not joined.isdisjoint(name.written))
            or (bool(self._runs) and not self._runs.isdisjoint(name.words))
            or (bool(name.acronyms) and not self.initials.isdisjoint(name.acronyms))
            or (len(name.words) == 1 and name.words[0] in self._expands)
        )
        if not joins and cutoff > 0 and strong_alone:
            # The bound needs only which query words some name word is alike to: tested
            # before any option is made (`NameIndex._to_score` tests it before calling, with
            # the conditions above: keep the two in step). It holds unless the
            # name may be wholly inside the query: not when a strong word of it is alike to
            # none, nor when `may_be_inside` said no (without joins, every word aligned is
            # one it counts, so `_containment` gives nothing either).
            queried = {i for _, row in rows for i, _ in row}
            # Every option's similarity is at most ``alike`` (at least 0.75: one typing error in
            # a word of three letters), so the score is at most ``alike`` times `_below`'s
            # bound: tested against ``cutoff / alike``, the margin scaled by at most 1 / 0.75.
            alike = max((s for _, row in rows for _, s in row), default=1.0)
            if _below(queried, qwt, nwt, alone, cutoff / alike):
                return None
        opts = _word_options(qwt, nwt, rows, flip)
        if joins:
            if flip:
                _joined_options(name, q, opts, (True, False))
            else:
                _joined_options(q, name, opts, (False, True))
        if (
            cutoff > 0
            and opts
            and (joins or not strong_alone)
            and _below_options(
                q, name, opts, flip, cutoff, contained=inside is not False or name_joins
            )
        ):
            # Options of joined words, or a name that may be wholly inside the query (not
            # when `may_be_inside` said no, unless the name's own words joined align, which it
            # does not see): bounded over the options themselves, containment included.
            return None
        if not opts:
            return 0.0
        aligned = self.aligned = _choose(opts)
        notes: list[str] = []  # most stay empty: a note is written only when a rule applies
        if flip:
            score = _score(name, q, aligned, notes, (True, False))
        else:
            score = _score(q, name, aligned, notes, (False, True))
        self.scored = (score, notes)
        return score

    def summary(
        self,
        name: Prepared,
        aligned: Alignment | None = None,
        scored: Scored | None = None,
    ) -> str:
        """`summary_prepared` of the query and ``name`` taken as the listed name (what a search
        says of a hit), from the words already looked up rather than compared again: the same
        options, so the same alignment, score and notes. ``aligned``: the alignment
        `score_reaching` chose for ``name`` (`aligned` after it), not chosen again; with it,
        ``scored``: the score and notes it gave that alignment (`scored`), not scored again."""
        q = self.query
        if not q.words or not name.words or q.key == name.key:
            return summary_prepared(q.key, name.key, q, name, listed="second")
        flip = name.key < q.key  # `_explained` puts the two in this order: do the same
        if aligned is None:
            similar, read_as = self.similar, self._read_as
            rows: list[tuple[int, Sequence[tuple[int, float]]]] = []
            for j, y in enumerate(name.words):  # as `score_reaching` makes them
                row = similar.get(y)
                if row is not None and y in read_as:
                    row = as_written(q, row, y, name.written[j])
                if row:
                    rows.append((j, row))
            opts = _word_options(q.weights, name.weights, rows, flip)
            if flip:
                _joined_options(name, q, opts, (True, False))
            else:
                _joined_options(q, name, opts, (False, True))
            aligned = _choose(opts)
            scored = None  # of another alignment, if any
        if scored is not None:
            score, notes = scored[0], list(scored[1])
        else:
            notes = []
            if flip:
                score = _score(name, q, aligned, notes, (True, False))
            else:
                score = _score(q, name, aligned, notes, (False, True))
        if flip:
            chosen, used_n, used_q = aligned
            chosen = [(s, x, i, j) for s, x, j, i in chosen]
        else:
            chosen, used_q, used_n = aligned
        return _summary_of(q.key, name.key, q, name, (score, chosen, used_q, used_n), notes)

    @property
    def available(self) -> frozenset[str]:
        """The words a query offers a name wholly inside it: a name with an acronym aside,
        `may_be_inside` is False unless its strong words are all among these (an index tests
        that inline, before calling it)."""
        available = self._available
        if available is None:
            available = self._available = frozenset(
                (*self.similar, *self._joined_forms, *self._runs)
            )
        return available

    def may_be_inside(self, name: Prepared, strong: frozenset[str] | None = None) -> bool:
        """Whether ``name`` may be wholly inside the query (see `_containment`): every word of
        it but the lightest alike to a query word (or to query words joined), and those words
        distinctive enough (an aircraft's registration always is). ``strong``, the name's words
        that must align (`strong_words`), worked out once by an index, makes the common answer
        (no) one set operation."""
        if name.acronyms and not self.initials.isdisjoint(name.acronyms):
            return True  # its words may all align with the query's acronym of them
        spelt: set[int] | None = None  # worked out only when needed: most names need not
        if strong is not None and not strong <= self.available:
            spelt = self._spelt(name)
            if not (spelt and strong.difference(name.words[i] for i in spelt) <= self.available):
                return False
        rules = containment_rules()
        similar, joined, runs = self.similar, self._joined_forms, self._runs
        distinct = 0.0
        missing: list[int] = []  # its words alike to no query word
        for i, (y, w) in enumerate(zip(name.words, name.weights, strict=True)):
            if y in similar or y in joined or y in runs:
                distinct += _distinct(y, w, rules.letters)
            else:
                missing.append(i)
        enough = rules.distinctiveness if name.shape != "aircraft" else 0.0
        if not missing:
            return distinct >= enough
        excused = name.patronymics  # may stay unaligned (`_excused`)
        words = name.words
        needed = [i for i in missing if _must_align(name, i, rules.unaligned, excused)]
        if not needed and distinct >= enough:
            return True
        if spelt is None:
            spelt = self._spelt(name)
        if any(i not in spelt for i in needed):
            return False
        distinct += sum(
            _distinct(words[i], name.weights[i], rules.letters) for i in missing if i in spelt
        )
        return distinct >= enough

    def _spelt(self, name: Prepared) -> set[int]:
        """Positions of ``name``'s words that one query word spells joined ("kestrelmarble" for
        "Kestrel Marble", canonical or as written; a run of three or four): `_joined_options`
        aligns them, though each alone is alike to no query word."""
        words = self._forms
        out: set[int] = set()
        for k, pair in enumerate(name.joined):
            if pair in words or name.written_joined[k] in words:
                out.update((k, k + 1))
        if name.runs:
            for (i, n), text in name.run_items():
                if text in words:
                    out.update(range(i, i + n))
        return out


def _word_options(
    qwt: tuple[float, ...],
    nwt: tuple[float, ...],
    rows: Sequence[tuple[int, Sequence[tuple[int, float]]]],
    flip: bool,
) -> list[_Option]:
    """One option per name word ``j`` and query word ``i`` alike to it (``rows``: each ``j``
    with its ``(i, similarity)``), each counting ``2 * min`` of their weights, in the order
    `score_prepared` puts the two names (the name first when ``flip``)."""
    opts: list[_Option] = []
    for j, row in rows:
        for i, s in row:
            if flip:
                opts.append((s, 2 * min(nwt[j], qwt[i]), (j,), (i,)))
            else:
                opts.append((s, 2 * min(qwt[i], nwt[j]), (i,), (j,)))
    return opts


@lru_cache(maxsize=1)
def _read_as() -> frozenset[str]:
    return frozenset(syllables_read_as())


_MARGIN = 1e-3
"""How far below a cutoff a bound must be to skip a name: far more than the rounding of
scores (to four decimals) and float error."""


def _below(
    queried: set[int],
    qwt: tuple[float, ...],
    nwt: tuple[float, ...],
    alone: float,
    cutoff: float,
) -> bool:
    """Whether a score is certainly below ``cutoff``, from one-word options only: ``queried``
    are the positions of the query's words alike to some word of the name, ``alone`` the
    weight of the name's words alike to none.

    Each aligned pair counts ``2 * min`` of its two weights, at most twice the weight of
    either side; words in no option stay unaligned. So with ``A`` the weight of the query's
    words in some option, ``B`` that of the name's, and ``U`` that of the words in none, the
    score is at most ``W / (W + U)`` with ``W = 2 * min(A, B)``; times the highest similarity
    of any option (each option's weight counts times its similarity), which a caller may
    divide ``cutoff`` by instead.
    """
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


def _below_options(
    q: Prepared,
    name: Prepared,
    opts: list[_Option],
    flip: bool,
    cutoff: float,
    *,
    contained: bool,
) -> bool:
    """Whether a score is certainly below ``cutoff``, from its options (of any words: joined,
    runs, acronyms), when ``name`` may be wholly inside the query (``contained``: then
    `_containment` may lift the score) or not. The options chosen are some of these, covering
    disjoint words, so `_score` gives at most the larger of

    - the word alignment's score: the bound of `_below`, with ``A`` and ``B`` the weights of
      the words in some option, times the highest similarity of any (each option's weight
      counts times its similarity), and
    - containment: ``(score + spread * dice) * alike``, ``alike`` being the mean similarity of
      the chosen options, at most the highest of any; and nothing when `_outweighed`, whose
      sums are bounded over every choice: the name's words in some option say at most ``own``,
      the query's words in none say at least ``added``,

    times an order factor of at most 1 (`_order_factor` only lowers a score)."""
    on_query: set[int] = set()
    on_name: set[int] = set()
    alike = 0.0
    for o in opts:
        (on_name if flip else on_query).update(o[2])
        (on_query if flip else on_name).update(o[3])
        if o[0] > alike:
            alike = o[0]
    qwt, nwt = q.weights, name.weights
    a = sum(qwt[i] for i in on_query)
    b = sum(nwt[j] for j in on_name)
    unaligned = sum(qwt) - a + sum(nwt) - b
    most = 2 * min(a, b)
    dice = 0.0 if most <= 0 else alike * most / (most + unaligned)
    limit = cutoff - _MARGIN
    if dice >= limit:
        return False
    if not contained:
        return True
    rules = containment_rules()
    if (rules.score + rules.spread * dice) * alike < limit:
        return True
    if name.shape == "aircraft":
        return False  # never `_outweighed`
    letters = rules.letters
    own = sum(_distinct(name.words[j], nwt[j], letters) for j in on_name)
    added = sum(
        _distinct(w, x, letters, weak=False)
        for i, (w, x) in enumerate(zip(q.words, qwt, strict=True))
        if i not in on_query
    )
    return added > rules.added * own * (1 + 1e-9) + 1e-12


def _score(
    a: Prepared,
    b: Prepared,
    aligned: tuple[list[_Option], set[int], set[int]],
    notes: list[str] | None = None,
    inside: tuple[bool, bool] = (True, True),
) -> float:
    chosen, used_a, used_b = aligned
    if not chosen:
        return 0.0
    got = sum(o[0] * o[1] for o in chosen)
    total = weight = sum(o[1] for o in chosen)
    # A name with every word aligned leaves nothing over (adding 0 would change nothing).
    if len(used_a) < len(a.words):
        total += sum(_left_over(a, used_a, inside[0]))
    if len(used_b) < len(b.words):
        total += sum(_left_over(b, used_b, inside[1]))
    if not total:
        return 0.0
    score = got / total
    rules = containment_rules()
    most = rules.score + rules.spread  # the most containment gives
    for side, used, other, first, counts in (
        (a, used_a, b, True, inside[0]),
        (b, used_b, a, False, inside[1]),
    ):
        # What `_containment` gives when it gives anything: not worked out when no higher.
        if (
            counts
            and score < most
            and (rules.score + rules.spread * score) * (got / weight) > score
        ):
            other_used = used_b if first else used_a
            excused = _excused(side, used, other, other_used)
            whole = _containment(side, used, score, got / weight, excused)
            if whole and (
                _weak_aligned(side, other, chosen, first)
                or _joined_on(side, other, chosen, first)
                or _outweighed(side, used, other, other_used)
                or _interrupted(other, other_used)
            ):
                whole = 0.0
            if whole > score:
                score = whole
                if notes is not None:
                    aside = " (its patronymic aside)" if excused else ""
                    notes.append(
                        f"{' '.join(side.words)!r} is wholly inside the other name{aside}: at "
                        f"least a possible match ({whole:.4g})"
                    )
    return round(score * _order_factor(a, b, aligned, notes), _PRECISION)


def _excused(
    side: Prepared, used: set[int], other: Prepared, other_used: set[int]
) -> tuple[int, ...]:
    """The unaligned East Slavic patronymics of ``side`` (`patronymics`) that need not align for
    it to be wholly inside ``other``: all, unless ``other`` has a word left unaligned that ends
    as a patronymic does, wherever it stands and whatever else the name holds (another father:
    "Dimitri Ivanovich Popov" and "Popov Dimitri Ivanovich LLC" are not "POPOV, Dimitri
    Sergeevich"). Systems outside Russia, Ukraine and Belarus seldom hold a patronymic, and
    at its weight as a rare word a query without one missed the person ("Alexander
    Lukashenko" for "LUKASHENKO, Alexander Grigoryevich")."""
    if len(used) == len(side.words) or not side.patronymics:
        return ()
    mine = tuple(i for i in side.patronymics if i not in used)
    if not mine or any(
        j not in other_used and patronymic_shaped(w) for j, w in enumerate(other.words)
    ):
        return ()
    return mine


def _interrupted(longer: Prepared, used: set[int]) -> bool:
    """Whether a word of ``longer`` that is not a legal form or a stop word stands between the
    words aligned with the name found inside it: "Advanced Industrial Technologies" does not
    hold "Advanced Technologies" whole, "Far East Cable (Shenzhen)" holds "Far East Cable"."""
    unaligned = containment_rules().unaligned
    kept = [i for i in used if _kept(longer.words[i], unaligned)]  # a stop word may align afar
    if len(kept) < 2:
        return False
    return any(
        _kept(longer.words[i], unaligned) for i in range(min(kept) + 1, max(kept)) if i not in used
    )


def _left_over(name: Prepared, used: set[int], listed: bool) -> list[float]:
    """What each word of ``name`` left unaligned costs (its weight, or `Weights.cost`):
    a listed name's generic words the other name lacks cost their cost when only one word
    aligns and none of its generic words ("Proton Shipping Co" for "AO Proton": another kind of
    party; not "Commercial" in "Joint Stock Commercial Bank X" for "Joint Stock Bank X", nor
    "Telecommunications" for "ZTE Kangxun"), and so do a query's that stand
    between its aligned words ("Advanced Industrial Technologies" is another name than
    "Advanced Technologies"); words a query adds around a name ("X Trading") cost their
    weight."""
    costs, weights = name.costs, name.weights
    if not costs or costs is weights:
        return [w for i, w in enumerate(weights) if i not in used]
    if listed:
        # Not when the other name says the same kind of party ("Joint Stock Bank X"), nor when
        # two distinctive words or more align ("ZTE Kangxun"): only a match on one word alone
        # is so weak that the kind of party the listed name names counts against it.
        weak = weak_words()
        kind = any(costs[i] > weights[i] for i in used)
        specific = weight_factors()["generic_unaligned_words"]
        kind = kind or sum(name.words[i] not in weak for i in used) >= specific
        return [(w if kind else costs[i]) for i, w in enumerate(weights) if i not in used]
    lo, hi = (min(used), max(used)) if used else (0, -1)
    return [(costs[i] if lo < i < hi else w) for i, w in enumerate(name.weights) if i not in used]


def _outweighed(inner: Prepared, used: set[int], longer: Prepared, longer_used: set[int]) -> bool:
    """Whether the words ``longer`` adds to ``inner`` say more than ``containment.added`` times
    what ``inner``'s aligned words say (`_distinct`): "Ministry of Defense" is a small part of
    "71st Automotive and Armored Vehicle Repair Plant ... Ministry of Defense", another party;
    "Khuran" is the name that counts in "Acme on behalf of Khuran". Never an aircraft's
    registration: an identifier, whatever words come with it ("YK-AGC Syrian Arab Airlines")."""
    if inner.shape == "aircraft":
        return False
    rules = containment_rules()
    own = sum(_distinct(inner.words[i], inner.weights[i], rules.letters) for i in used)
    added = sum(  # generic words added ("Branch", "Trading", "Representative Office") say nothing
        _distinct(w, x, rules.letters, weak=False)
        for i, (w, x) in enumerate(zip(longer.words, longer.weights, strict=True))
        if i not in longer_used
    )
    return added > rules.added * own


def _weak_aligned(inner: Prepared, longer: Prepared, chosen: list[_Option], first: bool) -> bool:
    """Whether a word of ``inner`` that must align for it to be found inside ``longer`` (see
    `_kept`) aligns only by a typing error with a legal form or a stop word there ("Ali" with
    "al", "Agd" with "and", "W S.A." with "S.A."): those are words of another kind, not the
    listed word misspelt, so the listed name is not whole inside the other."""
    unaligned = containment_rules().unaligned
    for o in chosen:
        if o[0] >= 1.0 or len(o[2]) != 1 or len(o[3]) != 1:
            continue
        mine, out = (o[2][0], o[3][0]) if first else (o[3][0], o[2][0])
        if _kept(inner.words[mine], unaligned) and not _kept(longer.words[out], unaligned):
            return True
    return False


def _joined_on(inner: Prepared, longer: Prepared, chosen: list[_Option], first: bool) -> bool:
    """Whether ``inner`` (the first name of the chosen options when ``first``) is one strong
    word (legal forms and stop words aside) and the words of ``longer`` aligned with it have an
    unaligned neighbour weighing more than ``containment.neighbour``: a distinctive word that
    makes the two one longer name ("SOVTEST ATE", "YUESEM MARKIROVKA OOO"). A legal form, a
    generic or stop word, or a word the list repeats (a city: "Khuran Logistics (Shenzhen)",
    "Acme on behalf of Khuran") leaves the listed name whole."""
    if inner.shape == "aircraft":
        return False  # an identifier, whatever stands beside it ("Cham Wings YK-AND")
    rules = containment_rules()
    pairs = [(o[2], o[3]) if first else (o[3], o[2]) for o in chosen]
    strong = [
        out for mine, out in pairs if any(_kept(inner.words[j], rules.unaligned) for j in mine)
    ]
    if len(strong) != 1:  # a name of two words or more is less likely part of another's name
        return False
    used = {i for _, out in pairs for i in out}
    for i in (min(strong[0]) - 1, max(strong[0]) + 1):
        if 0 <= i < len(longer.words) and i not in used and longer.weights[i] > rules.neighbour:
            return True
    return False


def strong_words(name: Prepared) -> frozenset[str]:
    """The words of a name that must align for it to be wholly inside another (see
    `_containment`): all but legal forms, stop words and an East Slavic patronymic; all of an
    aircraft's registration, whose mark may read as a stop word ("ET-ALK", "5A-DKL")."""
    unaligned, excused = containment_rules().unaligned, name.patronymics
    return frozenset(
        w for i, w in enumerate(name.words) if _must_align(name, i, unaligned, excused)
    )


def _must_align(name: Prepared, i: int, unaligned: float, excused: Collection[int]) -> bool:
    """Whether word ``i`` of ``name`` must align for the name to be wholly inside another: not a
    legal form or stop word (`_kept`) nor ``excused`` (a patronymic, `_excused`); every word of
    an aircraft's registration, whose mark may read as either ("ET-ALK", "5A-DKL")."""
    return name.shape == "aircraft" or (_kept(name.words[i], unaligned) and i not in excused)


def may_be_contained(name: Prepared) -> bool:
    """Whether a name is distinctive enough to count when found whole inside another (see
    `_containment`), its words all aligned, or may stand for an acronym: a test an index makes
    once per name, so that a query need not. Uncached: an index's tens of thousands of names
    would fill `_distinct`'s memo (some 9 MB) with words queries seldom bring."""
    if name.acronyms or name.shape == "aircraft":
        return True
    rules = containment_rules()
    weigh = _distinct.__wrapped__
    pairs = list(zip(name.words, name.weights, strict=True))
    distinct = sum(weigh(w, x, rules.letters) for w, x in pairs)
    core = sum(weigh(w, x, rules.letters, weak=False) for w, x in pairs)
    return distinct >= rules.distinctiveness and core >= rules.core


def _kept(word: str, unaligned: float) -> bool:
    """Whether a word is part of a name found inside another: all but legal forms and stop
    words (their factor in data/weights.yaml at most ``unaligned``; the list's IDF aside)."""
    return weak_words().get(word, 1.0) > unaligned


@lru_cache(maxsize=1 << 16)
def _distinct(word: str, weight: float, letters: int, *, weak: bool = True) -> float:
    """What a word says about which name it is part of: its weight, in proportion to its
    letters below ``letters``; for a generic word or a legal form, its rarity on the list alone
    (its weight without the factor of data/weights.yaml) times ``containment.generic`` or
    ``containment.legal_form`` ("Technology" in "Wave Tech" narrows it down, if less than
    "Wave"); nothing for a stop word, nor (``weak=False``) for any weak word."""
    factor = weak_words().get(word)
    if factor is not None:
        share = _shares().get(factor, 0.0) if weak else 0.0
        if not share:
            return 0.0
        weight = min(1.0, weight / factor) * share
    return weight * min(1.0, len(word) / letters)


@lru_cache(maxsize=1)
def _shares() -> dict[float, float]:
    """Weak-word factor -> its share of the rarity in `_distinct` (generic words, legal forms)."""
    rules = containment_rules()
    factors = weight_factors()
    shares = {factors["legal_form"]: rules.legal_form, factors["generic"]: rules.generic}
    shares.pop(factors["stopword"], None)  # never counted, even if configured alike
    return shares


def _containment(
    side: Prepared, used: set[int], dice: float, alike: float, excused: tuple[int, ...] = ()
) -> float:
    """The score of a name found whole inside another ("Far East Cable" in "Far East Cable
    (Shenzhen) Trading"): every word aligned but those weighing no more than a legal form
    (``containment.unaligned``; not the legal words of ``containment.named``, which name the
    body: "Federal News Agency" is not inside "Fars News Agency"), and the name distinctive
    enough (data/weights.yaml ``containment``: each word's weight, counted fully from
    ``letters`` letters up, summed): one common or short word is not a name found inside
    another, but an aircraft's registration, an identifier, is ("EP-MMB" in "Mahan Air
    EP-MMB"). The score is ``containment.score`` plus ``containment.spread`` times the word
    alignment's own score (of two names inside, the one covering more comes first), times how
    alike the aligned words are. ``excused``: positions that may stay unaligned however heavy
    (a person's patronymic the other name does not give, see `_excused`)."""
    rules = containment_rules()
    distinct = core = 0.0
    for i, (word, w) in enumerate(zip(side.words, side.weights, strict=True)):
        if i not in used:
            if _must_align(side, i, rules.unaligned, excused) or word in rules.named:
                return 0.0
            continue
        distinct += _distinct(word, w, rules.letters)
        core += _distinct(word, w, rules.letters, weak=False)
    if (distinct < rules.distinctiveness or core < rules.core) and side.shape != "aircraft":
        return 0.0
    return (rules.score + rules.spread * dice) * alike


def _order_factor(
    a: Prepared,
    b: Prepared,
    aligned: tuple[list[_Option], set[int], set[int]],
    notes: list[str] | None,
) -> float:
    """What word order and numbers take off a score (data/weights.yaml ``order``): a factor
    below 1 when a father's name in one name is aligned with a given name in the other ("Ali
    bin Hassan" / "Hassan bin Ali"), or when a number of either name is left unaligned (so the
    two names' numbers differ: "Global Solutions II" / "Global Solutions", "Chong Rim 2" /
    "Chong Rim 3"; words with different digits never align; not an aircraft's registration
    aligned whole, which is its own number: "Airbus A320 EP-MMB"). Only ever lowers a score, so the
    index's blocking stays exact. ``notes`` collects why, for `explain`."""
    rules = order_rules()
    factor = 1.0
    chosen, used_a, used_b = aligned
    # Only unaligned words can be numbers that differ: a name wholly aligned has none.
    roman = rules.roman_numerals
    numbers_a = _numbers(a.words, used_a, roman) if len(used_a) < len(a.words) else ()
    numbers_b = _numbers(b.words, used_b, roman) if len(used_b) < len(b.words) else ()
    if (a.shape == "aircraft" and len(used_a) == len(a.words)) or (
        b.shape == "aircraft" and len(used_b) == len(b.words)
    ):
        numbers_a = numbers_b = ()  # an aircraft's registration aligned whole: its own number
    if numbers_a or numbers_b:
        factor *= rules.numbers_differ
        if notes is not None:
            shown = " ".join(numbers_a) or "none", " ".join(numbers_b) or "none"
            notes.append(f"numbers differ ({shown[0]} / {shown[1]})")
    pat = rules.patronymic
    if pat.isdisjoint(a.words) or pat.isdisjoint(b.words):
        return factor
    for _, _, left, right in chosen:
        if len(left) == 1 and len(right) == 1:
            i, j = left[0], right[0]
            father_a = i > 0 and a.words[i - 1] in pat
            father_b = j > 0 and b.words[j - 1] in pat
            if father_a != father_b:
                if notes is not None:
                    who = a.words[i] if father_a else b.words[j]
                    notes.append(
                        f"patronymic chain in another order ({who} is a father's name "
                        "in one name only)"
                    )
                return factor * rules.patronymic_swapped
    return factor


_DIGITS = re.compile(r"\d+")


def _numbers(words: tuple[str, ...], used: set[int], roman: frozenset[str]) -> tuple[str, ...]:
    """The numbers among a name's unaligned words: runs of digits ("8star" has "8") and Roman
    numerals standing alone."""
    return tuple(
        w
        for i, w in enumerate(words)
        if i not in used and (w in roman or (not w.isalpha() and _DIGITS.search(w)))
    )


def similarity(a: str, b: str) -> float:
    """How alike two names are, from 0 (nothing shared) to 1 (the same canonical words).

    Symmetric and deterministic; uses the built-in weak-word weights (a rule set's `search`
    also weighs words by how rare they are on its list). `explain` says why.
    """
    return best_score(a, b, default_weights(), listed="both")


def prepared_readings(name: str, weights: Weights) -> tuple[Prepared, ...]:
    """Each reading of a name (`written_readings`), prepared under ``weights`` with what the
    name is written as (`written_shape`), in order: what every comparison of names starts
    from."""
    shape = written_shape(name)
    return tuple(Prepared.of(ws, weights, wr, shape=shape) for ws, wr in written_readings(name))


def best_score(a: str, b: str, weights: Weights, *, listed: Literal["both", "second"]) -> float:
    """The best `score_prepared` over the readings of two names, capped by their Han
    characters (`han_capped`): `similarity`, and an index's with its own weights."""
    readings_b = prepared_readings(b, weights)
    best = max(
        (
            score_prepared(x, y, listed=listed)
            for x in prepared_readings(a, weights)
            for y in readings_b
        ),
        default=0.0,
    )
    return han_capped(best, han_characters(a), han_characters(b))


def han_capped(score: float, a: str | None, b: str | None, notes: list[str] | None = None) -> float:
    """A score capped by the characters of two names both written in Han characters (see
    `han_characters`): at most how alike the characters are (an Indel ratio), so two names
    that only read alike stay apart. Only ever lowers a score."""
    if a is None or b is None or a == b:
        return score
    alike = round(Indel.normalized_similarity(a, b), _PRECISION)
    if alike < score:
        if notes is not None:
            notes.append(f"Han characters compared: {a} / {b} ({alike}), not their readings")
        return alike
    return score


def _reason(a: Prepared, b: Prepared, opt: _Option) -> str:
    left = "".join(a.words[i] for i in opt[2])
    right = "".join(b.words[j] for j in opt[3])
    if (len(opt[2]) == 1) != (len(opt[3]) == 1) and left != right:
        if len(opt[2]) == 1:
            kind = _acronym_kind(a.words[opt[2][0]], b, opt[3])
        else:
            kind = _acronym_kind(b.words[opt[3][0]], a, opt[2])
        if kind == "listed":
            return "the acronym the other name gives itself (its last word)"
        if kind is not None:
            return "initials of the other name's words (an acronym)"
    if len(opt[2]) > 2 or len(opt[3]) > 2:
        return "same letters, spaced differently"
    if len(opt[2]) > 1 or len(opt[3]) > 1:
        return "same words, joined differently"
    if left == right:
        return "same word"
    if CONSONANTS in (left[:1], right[:1]):
        return "same consonants (Arabic script writes no short vowels)"
    if not _WADE_GILES.isdisjoint((left[:1], right[:1])):
        return "Wade-Giles spelling of the same pinyin"
    if skeleton(left) == skeleton(right):
        folded = _folded(left) if left.isalpha() else left
        if _PATRONYMIC.fullmatch(folded) and folded != _folded(right):
            return "one patronymic, in another language or romanisation"
        return "romanisation variant"
    similar = token_similarity(left, right)
    if similar == ENDING and ending_key(left) and ending_key(left) == ending_key(right):
        return "Belarusian surname ending for the Russian (-au / -ov, -eu / -ev)"
    if similar == SOUND:
        return "same sounds, vowels aside (romanised alike)"
    if similar == TWO_TYPOS_SIMILARITY:
        return "two typing errors (long words)"
    return "one typing error"


def _acronym_kind(word: str, name: Prepared, span: tuple[int, ...]) -> AcronymKind | None:
    """How ``word`` is an acronym of the words of ``name`` at ``span``, as `_acronym_options`
    reads it (the acronym the name gives itself first), or None: an option of words joined
    ("NucTech" / "Nuc Tech", written or canonical), not an acronym."""
    kinds = {k for x, at, k in _acronym_spans(name.words, name.written) if (x, at) == (word, span)}
    order: tuple[AcronymKind, ...] = ("listed", "distinctive", "written")
    return next((k for k in order if k in kinds), None)


def explain(
    a: str,
    b: str,
    weights: Weights | None = None,
    *,
    listed: Literal["both", "second"] = "both",
) -> Explanation:
    """The score of `similarity` (or, with ``weights``, of a list's search) and why: which
    words aligned, how alike they are, what each counts for, what was left unmatched, and
    (``notes``) the reading of each name that scored best when it is not the name as written
    (digits read as letters, another script), word order and numbers, Han characters.
    ``listed="second"``: ``b`` is a listed name, as in a search (see `score_prepared`)."""
    w = weights or default_weights()
    notes: list[str] = []
    pa, pb = _best_readings(a, b, w, notes, listed)
    return explain_prepared(a, b, pa, pb, notes, listed=listed)


def explain_prepared(
    a: str,
    b: str,
    pa: Prepared,
    pb: Prepared,
    notes: list[str] | None = None,
    *,
    listed: Literal["both", "second"] = "both",
) -> Explanation:
    """`explain` of two names already read and prepared (``pa`` of ``a``, ``pb`` of ``b``):
    what a search says of the reading it scored, without reading the names again."""
    notes = [] if notes is None else notes
    score, chosen, used_a, used_b = _explained(pa, pb, notes, listed)
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
    score = han_capped(score, han_characters(a), han_characters(b), notes)
    a_left = [x for i, x in enumerate(pa.words) if i not in used_a]
    b_left = [x for j, x in enumerate(pb.words) if j not in used_b]
    left_out = tuple(zip(a_left, _left_over(pa, used_a, listed == "both"), strict=True))
    right_out = tuple(zip(b_left, _left_over(pb, used_b, True), strict=True))
    pairs = [(al.left, al.right) for al in aligned]
    extra = [w for w, _ in left_out] + [w for w, _ in right_out]
    return Explanation(
        a,
        b,
        score,
        pa.words,
        pb.words,
        aligned,
        left_out,
        right_out,
        _summary(score, pairs, extra, notes),
        tuple(notes),
    )


def summary_prepared(
    a: str, b: str, pa: Prepared, pb: Prepared, *, listed: Literal["both", "second"] = "both"
) -> str:
    """`explain_prepared`'s summary alone, without the objects of a full explanation (the
    one line a search gives each hit: a tenth of a query's time when built in full)."""
    notes: list[str] = []
    score, chosen, used_a, used_b = _explained(pa, pb, notes, listed)
    return _summary_of(a, b, pa, pb, (score, chosen, used_a, used_b), notes)


def _summary_of(
    a: str,
    b: str,
    pa: Prepared,
    pb: Prepared,
    explained: tuple[float, list[_Option], set[int], set[int]],
    notes: list[str],
) -> str:
    """The summary line of `_explained`'s score and alignment (options in ``pa``-then-``pb``
    order), after the cap of Han characters."""
    score, chosen, used_a, used_b = explained
    pairs = [
        (tuple(pa.words[i] for i in o[2]), tuple(pb.words[j] for j in o[3]))
        for o in sorted(chosen, key=lambda o: o[2])
    ]
    score = han_capped(score, han_characters(a), han_characters(b), notes)
    extra = [x for i, x in enumerate(pa.words) if i not in used_a]
    extra += [x for j, x in enumerate(pb.words) if j not in used_b]
    return _summary(score, pairs, extra, notes)


def _explained(
    pa: Prepared, pb: Prepared, notes: list[str], listed: Literal["both", "second"]
) -> tuple[float, list[_Option], set[int], set[int]]:
    """The score of two prepared names (before Han characters) and the alignment that gives
    it, options in ``pa``-then-``pb`` order: what `explain_prepared` shows."""
    if pa.key == pb.key:
        score = score_prepared(pa, pb)
        chosen: list[_Option] = [
            (1.0, 2 * x, (i,), (i,)) for i, x in enumerate(pa.weights) if pa.words
        ]
        used_a = used_b = set(range(len(pa.words)))
    elif pb.key < pa.key:  # score_prepared aligns in canonical order: do the same
        inside = (True, listed == "both")  # pb is first here
        alignment = _align(pb, pa, None, inside)
        score = _score(pb, pa, alignment, notes, inside)  # what score_prepared computes
        chosen, used_b, used_a = alignment
        chosen = [(s, x, j, i) for s, x, i, j in chosen]
    else:
        alignment = _align(pa, pb, None, (listed == "both", True))
        score = _score(pa, pb, alignment, notes, (listed == "both", True))
        chosen, used_a, used_b = alignment
    return score, chosen, used_a, used_b


def _best_readings(
    a: str, b: str, weights: Weights, notes: list[str], listed: Literal["both", "second"]
) -> tuple[Prepared, Prepared]:
    """The readings of two names that score best (the first such), with a note for each that
    is not the name as written."""
    best: tuple[float, int, int, Prepared, Prepared] | None = None
    readings_b = prepared_readings(b, weights)
    for i, pa in enumerate(prepared_readings(a, weights)):
        for j, pb in enumerate(readings_b):
            s = score_prepared(pa, pb, listed=listed)
            if best is None or s > best[0]:
                best = (s, i, j, pa, pb)
    if best is None:
        return Prepared.named(a, weights), Prepared.named(b, weights)
    _, i, j, pa, pb = best
    for name, k, p in ((a, i, pa), (b, j, pb)):
        if k:
            notes.append(f"{name!r} read as {' '.join(p.words)!r} ({reading_kind(name, k)})")
    return pa, pb


def _summary(
    score: float,
    aligned: Sequence[tuple[tuple[str, ...], tuple[str, ...]]],
    extra: list[str],
    notes: list[str],
) -> str:
    """The one line of an explanation: the words aligned (left and right), those left over."""
    if not aligned:
        return "; ".join([f"score {score}: no word in common", *notes])
    parts = []
    for left, right in aligned:
        lhs, rhs = " ".join(left), " ".join(right)
        parts.append(lhs if lhs == rhs else f"{lhs}~{rhs}")
    text = f"score {score}: aligned {', '.join(parts)}"
    if extra:
        text += f"; unmatched {', '.join(extra)}"
    return "; ".join([text, *notes])


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
