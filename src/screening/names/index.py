"""A search index over the listed names of a rule set: built once, queried without a full scan.

Blocking is exact with respect to the scorer (`match.score_prepared`) above the index's cutoff:
every name an exhaustive scan would score at or above the cutoff is among the candidates. Why:

- Write ``A`` for the weight a pair of names aligns (``sum of 2 * min(weights)``) and ``U`` for
  the weight each side leaves unaligned. A score ``>= t`` needs ``U_query + U_name <= A (1-t)/t``.
- Take a name's words heaviest first (its *prefix*) until the words left weigh less than
  ``beta = t / (2 - t)`` of the name's total. If none of the prefix words is aligned, the aligned
  words weigh less than ``beta * total``, so ``A < beta * total`` while the unaligned words weigh
  more than ``(1 - beta) * total = 2 * beta * total * (1 - t) / t``: the score is below ``t``.
- So a name scoring ``>= t`` aligns one of its prefix words with a query word (equal, one
  typing error apart, two in long words, or a romanisation variant: the same `skeleton` or
  `sound_key`), or with two neighbouring query words joined, or aligns the prefix word joined
  with a neighbour with a query word (both exactly, as the scorer requires). The index posts
  each name under its prefix words and under each prefix word joined with a neighbour; a query
  looks up its words (also through a table of one-letter deletions, as in SymSpell, for typing
  errors, one of word pieces for two in a long word, and tables of skeletons and of
  `sound_key` for romanisation variants) and its neighbouring pairs.
- A name wholly inside the query (`match._containment`) aligns all its strong words; one whose
  prefix holds none of them (a person's patronymic alone, which containment may leave
  unaligned) is posted under its heaviest strong word too.

Common words ("company", "Aleksandr") are seldom in a prefix, so posting lists stay short. A
query that is a pure look-alike spoof (``ΖΤΕ`` in Greek capitals) is searched in both readings.

The deletion, piece, skeleton and sound tables cover every word of every name, not only prefix
words, so the words alike to a query word are found once, completely, for the blocking, the
prefix test and the scorer (`match.LookedUp`), which then compares no word twice; a name whose
unalignable words alone keep it below the cutoff is not aligned at all. Scores are those of `scan`.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import cast

from rapidfuzz.distance import Levenshtein

from .match import (
    _MARGIN,
    MAX_FUZZY,
    MIN_FUZZY,
    TWO_TYPOS,
    Alignment,
    Explanation,
    LookedUp,
    Prepared,
    Scored,
    Shape,
    Weights,
    _acronym_spans,
    best_score,
    deletions,
    ending_key,
    expanded_acronyms,
    explain,
    han_capped,
    may_be_contained,
    prepared_readings,
    read_as_similarity,
    score_prepared,
    shape_of,
    skeleton,
    strong_words,
    token_similarity,
)
from .normalize import (
    CONSONANTS,
    WADE_GILES,
    WADE_GILES_UNMARKED,
    Readings,
    consonant_keys,
    han_characters,
    sound_key,
    sound_table,
    syllables_read_as,
    wade_giles_keys,
    written_readings,
)

__all__ = [
    "DEFAULT_CUTOFF",
    "MAX_CANDIDATES",
    "NameCandidate",
    "NameIndex",
    "NameMatch",
    "SearchWork",
]

DEFAULT_CUTOFF = 0.5
"""The lowest score an index finds every match for, unless built with another cutoff."""

MAX_CANDIDATES = 5000
"""The most listed names (readings) one reading of a query has scored. A realistic query
blocks to a few dozen; past this, the names posted under the most query words are scored
(ties by position), so that no query, whatever it is, scores the whole list."""

_SIMILAR_CACHE = 1 << 14
"""How many query words' similar words an index keeps (each a few hundred bytes)."""

_ROUNDING = 1e-4
"""Scores are rounded to four decimals: block for slightly less than the cutoff."""

_POSTED_PER_BLOCKED = 4
"""Past this many postings per blocked name (of the query's exact forms, or of the words alike
to its prefix words), `_to_score` tests each name on its own rather than gathering the postings
into a set (a query whose prefix words are common)."""

_TEXT_CACHE = 1 << 15
"""How many (query, cutoff) results `search_cached` keeps: word windows of free text."""


@dataclass(frozen=True, slots=True)
class NameCandidate:
    """One listed name: the key of what it belongs to, the name itself, and whether it is
    a verified name of that key."""

    key: str
    name: str
    verified: bool = True


@dataclass(frozen=True, slots=True)
class SearchWork:
    """What a search costs, counted rather than timed: query words considered, spelling keys
    looked up (each word and its one-letter deletions), and listed names scored, over all
    readings of the query. Each is bounded (`MAX_WORDS`, `MAX_FUZZY`, `MAX_CANDIDATES`)."""

    words: int
    keys: int
    candidates: int


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A query name scored against one listed name, with a one-line explanation."""

    key: str
    name: str
    score: float
    verified: bool
    detail: str = ""


class NameIndex:
    """The listed names of a rule set, searchable by a query name.

    Built once at load time (``cutoff`` is the lowest score `search` will be asked for); `search`
    is pure and never scores every name.
    """

    def __init__(
        self,
        candidates: Iterable[NameCandidate],
        *,
        cutoff: float = DEFAULT_CUTOFF,
        readings: Mapping[str, Readings] | None = None,
    ):
        """``readings`` are names' `written_readings` already worked out (see
        `foreign_readings`): a process that receives them needs no transliteration tables to
        build the same index."""
        if not 0 < cutoff <= 1:
            raise ValueError(f"cutoff must be in (0, 1], not {cutoff}")
        self.cutoff = cutoff
        # Building allocates a few hundred thousand small objects, none of them cyclic: the
        # cyclic garbage collector would only rescan them again and again (a third of the time).
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(candidates, cutoff, readings or {})
        finally:
            if enabled:
                gc.enable()

    def _build(
        self, candidates: Iterable[NameCandidate], cutoff: float, known: Mapping[str, Readings]
    ) -> None:
        # Each distinct name is read once (`_read`), each distinct reading prepared and posted
        # once (`_Slot`): readings that are alike share one `Prepared`.
        kept, owner, slot_of, readings, han = _read(candidates, known)
        self._candidates = tuple(kept)
        self._han = han
        """Candidates written in Han characters: their characters (see `han_capped`)."""
        self._owner = tuple(owner)
        """For each indexed reading, the position of its candidate."""
        # A word's rarity is counted over the distinct readings, each once: a party listed
        # on several lists (the CSL and the SDN list, the UN and EU lists) or under several
        # keys must not make its own distinctive words look common.
        # (A reading counts once even when two names of other shapes have it: `_Reading`.)
        df: Counter[str] = Counter()
        distinct = dict.fromkeys((ws, wr) for ws, wr, _ in readings)
        for ws, _ in distinct:  # in order of first use
            df.update(set(ws))
        self.weights = Weights(df, len(distinct))
        """Word weights over this list: what the scorer uses for every query."""
        t = cutoff - _ROUNDING
        beta = self._beta = t / (2 - t)
        prepared = [
            _Slot(Prepared.of(ws, self.weights, wr, shape=shape), beta)
            for ws, wr, shape in readings
        ]
        # Preparing every listed reading filled the scorer's cache of acronym spans (13 MB on
        # the combined lists) with the last of them: emptied before the tables below, as the
        # build's end is the process's peak; searches fill it again with the names they score.
        _acronym_spans.cache_clear()
        self._names = tuple(prepared[i].name for i in slot_of)
        # Many terms are posted to the same names (every form of a name only it has): one tuple
        # each, shared. One table at a time, each list dropped as soon as its tuple is made:
        # the four tables' lists alive together were the build's peak.
        posting = _Postings(list(range(len(slot_of))), slot_of, prepared)
        self._acronyms = posting.posted(lambda slot: slot.name.acronyms)
        """Initials of names -> names ("irgc"): a query word may be one (see `acronym_of`)."""
        self._join_posts = posting.posted(attrgetter("join_terms"))
        """Every name's words joined (canonical and as written) and runs (`_Slot.joins`) ->
        the names: which names a query's prefix words meet exactly, and which a query word may
        spell joined (see `_to_score`), found once per query."""
        self._written_posts = posting.posted(attrgetter("written_terms"))
        """The rest of every name's forms (`_forms`) but its acronyms (in `_acronyms`): its words
        as written -> the names. With those two, which names a query's prefix words meet
        exactly."""
        entries = [
            (slot.name, slot.strong, slot.forms, slot.joins, slot.spelt) for slot in prepared
        ]
        self._entries = tuple(entries[i] for i in slot_of)
        """Per reading: the name; its strong words if it is distinctive enough to count when
        found whole inside a query (`match.may_be_contained`: None for the others, which need
        not be tested for it); its forms other than its words (`_forms`), for `_Near`; and the
        forms through which it may align joined words (`_Slot.joins`, `_Slot.spelt`), for
        `_to_score`'s bound."""
        self._strong = tuple(entry[1] for entry in self._entries)
        """Each reading's strong words, as in its entry: tested first, alone (`_may_reach`)."""
        self._word_posts = posting.posted(attrgetter("words"))
        """Every word of every name -> the names: which names hold a word alike to a query's
        prefix words, found once per query (`_may_reach`)."""
        self._single = posting.posted(attrgetter("single"))
        """Prefix words -> names: matched exactly or with one typing error."""
        self._joined = posting.posted(attrgetter("joined"))
        """Prefix words joined with a neighbour -> names: matched exactly."""
        # Every word the scorer may compare with a query word: the canonical words of every
        # name (not only its prefix) and the prefix words as written. A query word's similar
        # words among these (`_similar`) serve the blocking, `_Near` and the scorer alike.
        vocabulary = dict.fromkeys(self._single)
        vocabulary.update(dict.fromkeys(w for slot in prepared for w in slot.name.words))
        self._vocabulary = tuple(vocabulary)
        self._listed_wade_giles = frozenset(
            w for w in vocabulary if w[0] in (WADE_GILES, WADE_GILES_UNMARKED)
        )
        """The words of listed names read as Wade-Giles, found by a query word's keys."""
        self._listed_consonants = frozenset(w for w in vocabulary if w[0] == CONSONANTS)
        """The words of listed names in Arabic script, found by a query word's consonants."""
        # What only the build needed goes before the spelling keys are made: the process's
        # peak is the build's end, and memory freed after it is seldom given back.
        del prepared, entries, posting, readings, slot_of, vocabulary
        variants: dict[str, str | list[str] | tuple[str, ...]] = {}
        for term in self._vocabulary:
            keys = {term, *deletions(term)} if len(term) >= MIN_FUZZY else (term,)
            for key in keys:
                have = variants.get(key)
                if have is None:
                    variants[key] = term  # most keys lead to one word: no list for them
                elif isinstance(have, str):
                    variants[key] = [have, term]
                else:
                    cast(list[str], have).append(term)
        for key, have in variants.items():  # in place: a second table would be 10 MB more
            if not isinstance(have, str):
                variants[key] = tuple(have)
        self._variants = cast(dict[str, str | tuple[str, ...]], variants)
        """Each word and each of its one-letter deletions -> the word(s)."""
        variants_of: dict[str, list[str]] = {}
        for term in self._vocabulary:
            if len(term) > MIN_FUZZY:
                variants_of.setdefault(skeleton(term), []).append(term)
        self._skeletons = {k: tuple(variants_of.pop(k)) for k in list(variants_of)}
        """Romanisation skeleton -> the words that have it ("dmitri" -> "dmitriy")."""
        self._sounds = sound_table(self._vocabulary)
        """`sound_key` -> the words that have it ("m.h.m.d" -> "mohamed", "muhammad"): the
        words a query word may sound alike to (`sound_alike`, tested on each)."""
        self._endings = _ending_table(self._vocabulary)
        """`ending_key` -> the words that have it: the Belarusian and Russian forms of a
        surname a query word may be (`match.ENDING`)."""
        self._pieces = _piece_table(self._vocabulary)
        """A long word's length and each of its three `_pieces` -> the words with it: those
        two typing errors from a query word (`TWO_TYPOS`) have one of them (`_two_typos`)."""
        # Query words repeat from one query to the next ("trading", "limited", a city): their
        # similar words are kept, a bounded number of them (a pure function of the index).
        self._similar = lru_cache(maxsize=_SIMILAR_CACHE)(self._similar_words)
        self._cached = lru_cache(maxsize=_TEXT_CACHE)(self._search_tuple)
        self._consonants: dict[str, tuple[str, ...]] | None = None  # built on first use
        self._wade_giles: dict[str, tuple[str, ...]] | None = None  # built on first use

    def _consonant_table(self) -> dict[str, tuple[str, ...]]:
        """Consonant key -> the indexed words with it (see `consonant_key`): built on the first
        query read from Arabic script, as most lists are never searched in it (a pure function
        of the index, so building it twice in two threads is harmless)."""
        table = self._consonants
        if table is None:
            found: dict[str, list[str]] = {}
            for word in sorted(self._vocabulary):
                if word.isalpha():
                    for key in consonant_keys(word):
                        found.setdefault(key, []).append(word)
                elif word[0] == CONSONANTS:  # a listed name's own, in Arabic script
                    found.setdefault(word[1:], []).append(word)
            table = {k: tuple(v) for k, v in found.items()}
            self._consonants = table
        return table

    def _wade_giles_table(self) -> dict[str, tuple[str, ...]]:
        """A word read as Wade-Giles, marked -> the indexed words it may be, and an indexed
        word read as Wade-Giles -> the same: both ways of `wade_giles_keys`, built on first use
        like `_consonant_table` (a pure function of the index)."""
        table = self._wade_giles
        if table is None:
            found: dict[str, list[str]] = {}
            for word in sorted(self._vocabulary):
                if word[0] in (WADE_GILES, WADE_GILES_UNMARKED):  # a listed name's own
                    found.setdefault(word, []).append(word)
                    continue
                for pinyin in (word, *syllables_read_as().get(word, ())):  # "jsc": "ao" too
                    marked, unmarked = wade_giles_keys(pinyin)
                    for key in marked:
                        found.setdefault(WADE_GILES + key, []).append(word)
                    for key in unmarked:
                        found.setdefault(WADE_GILES_UNMARKED + key, []).append(word)
            table = {k: tuple(dict.fromkeys(v)) for k, v in found.items()}
            self._wade_giles = table
        return table

    def __len__(self) -> int:
        return len(self._candidates)

    def foreign_readings(self) -> dict[str, Readings]:
        """The `written_readings` of the names not written in ASCII: what another process needs
        to build this index without loading transliteration tables (pypinyin's take ~45 MB)."""
        return {c.name: written_readings(c.name) for c in self._candidates if not c.name.isascii()}

    def __iter__(self) -> Iterator[NameCandidate]:
        return iter(self._candidates)

    def similarity(self, a: str, b: str) -> float:
        """The index's scorer: `similarity` with this list's word weights, best over the
        readings of each name (see `screening.names.normalize.readings`), with ``b`` taken as
        the listed name: the score `search` gives ``b`` for the query ``a``. Symmetric but for
        one thing: a listed name wholly inside the query counts, the query inside it not."""
        return best_score(a, b, self.weights, listed="second")

    def stats(self) -> dict[str, int]:
        """Sizes of the index: names, readings, prefix words, joined pairs, spelling keys."""
        return {
            "names": len(self._candidates),
            "readings": len(self._names),
            "prefix_words": len(self._single),
            "joined_pairs": len(self._joined),
            "spelling_keys": len(self._variants),
        }

    def scan(self, query: str, *, cutoff: float) -> list[tuple[float, NameCandidate]]:
        """Every name scoring at least ``cutoff``, found by scoring *every* name with the same
        scorer as `search`: the reference the blocking is tested against. Slow by design."""
        best: dict[int, float] = {}
        memo: dict[tuple[str, str], float] = {}
        han = han_characters(query)
        for q in self._readings(query):
            for nid, name in enumerate(self._names):
                score = score_prepared(q, name, memo, listed="second")
                owner = self._owner[nid]
                score = han_capped(score, han, self._han.get(owner))
                if score >= cutoff and score > best.get(owner, -1.0):
                    best[owner] = score
        found = [(score, self._candidates[i]) for i, score in best.items()]
        return sorted(found, key=lambda f: (-f[0], f[1].key, f[1].name))

    def explain(self, a: str, b: str) -> Explanation:
        """Why the index scores ``a`` against ``b`` as it does (see `screening.names.explain`):
        ``b`` taken as the listed name, as `similarity` and `search` take it."""
        return explain(a, b, self.weights, listed="second")

    def search(self, query: str, *, cutoff: float) -> list[NameMatch]:
        """Every key with a name scoring at least ``cutoff``, best first.

        A key gets its best verified name and, when an unverified alias scores higher, that
        alias too: the caller can then grade each on its own (a verified match may block, an
        unverified one only raise a review). Ties break on key then name: deterministic.
        """
        if cutoff < self.cutoff:
            raise ValueError(
                f"this index finds every match from {self.cutoff} up, not from {cutoff}"
            )
        best: dict[
            tuple[str, bool], tuple[float, int, LookedUp, Alignment | None, Scored | None]
        ] = {}
        names, owner, candidates = self._names, self._owner, self._candidates
        han = han_characters(query) if self._han else None
        for q, similar, blocked in self._plan(query):
            if not blocked:  # nothing to score: no need to look the query's words up
                continue
            looked_up = LookedUp.of_rows(q, similar)
            for nid, contained in self._to_score(q, similar, blocked, looked_up, cutoff):
                listed = names[nid]
                score = looked_up.score_reaching(listed, cutoff, inside=contained)
                if score is not None and han is not None:
                    score = han_capped(score, han, self._han.get(owner[nid]))
                if score is None or score < cutoff:
                    continue
                cand = candidates[owner[nid]]
                slot = (cand.key, cand.verified)
                prev = best.get(slot)
                if prev is None or (score, -nid) > (prev[0], -prev[1]):
                    best[slot] = (score, nid, looked_up, looked_up.aligned, looked_up.scored)
        found: list[NameMatch] = []
        for (key, verified), (score, nid, looked, aligned, scored) in best.items():
            if verified or (key, True) not in best or score > best[(key, True)][0]:
                name = self._candidates[self._owner[nid]].name
                detail = looked.summary(self._names[nid], aligned, scored)
                found.append(NameMatch(key, name, score, verified, detail))
        return sorted(found, key=lambda m: (-m.score, m.key, not m.verified, m.name))

    def _to_score(
        self,
        q: Prepared,
        similar: list[tuple[tuple[str, float], ...]],
        blocked: list[int],
        looked_up: LookedUp,
        cutoff: float,
    ) -> list[tuple[int, bool]]:
        """The blocked names worth scoring, each with whether it may be wholly inside
        the query (`LookedUp.may_be_inside`). By the argument of the blocking, a name scoring
        >= the cutoff aligns one of the *query's* prefix words too (`_Near`), unless it is
        inside the query. Most blocked names are ruled out first by set operations
        (`_may_reach`); the rest are tested per name, through sets made once per query: the
        names whose acronym is a query word, and those with a form (`_forms`) the query's prefix
        words meet exactly (from `_join_posts`, `_acronyms` and `_written_posts`, unless these
        are common).

        A name that may not be inside the query and can only align word with word is bounded
        here as `LookedUp.score_reaching` would bound it first, with no call, and most stop here
        (on the labelled sets, 42,244 of the 52,940 names it was called for). When no joined
        words or run of it meets a query word, none of its acronyms is one of the query's
        `LookedUp.initials`, no query pair or run meets one of its words and it is no listed
        acronym the query spells out (the tests that make `score_reaching` align more than word
        with word, here on supersets: `_Slot.joins`, `_Slot.spelt`), `score_reaching` with
        ``inside=False`` returns None exactly when `match._below` says so, from the query words
        its words are alike to (a bit each), the weight of its words alike to none, and the best
        similarity of any. The same bound on the same sums (in another order, far within
        `_MARGIN`): a name skipped here is one `score_reaching` returns None for, so no result
        changes."""
        near = _Near(_prefix(q, self._beta), q, similar)
        available = looked_up.available
        near_words, near_exact = near.words, near.exact
        acronyms, join_posts, entries = self._acronyms, self._join_posts, self._entries
        tables = (join_posts, acronyms, self._written_posts)  # every form (`_forms`)
        acronym_of = {nid for w in looked_up.initials if (ids := acronyms.get(w)) for nid in ids}
        expands = expanded_acronyms(q)  # a listed acronym alone the query's words spell out
        budget = _POSTED_PER_BLOCKED * len(blocked)
        exact = _gathered(  # None for common forms: each name's own are tested
            [ids for w in near_exact for t in tables if (ids := t.get(w)) is not None], budget
        )
        # For the bound (see the docstring): which query words each similar word is alike to,
        # as bits, and the query's forms that may make `score_reaching` align joined words.
        masks: dict[str, int] = {}
        for i, row in enumerate(similar):
            bit = 1 << i
            for word, _ in row:
                masks[word] = masks.get(word, 0) | bit
        qwt = q.weights
        q_total = sum(qwt)
        sums: dict[int, float] = {}  # the weight of the query words in a mask
        query_words = set(q.words)
        words_in = query_words.union(q.written)
        # The names with words joined or a run (`_Slot.joins`) that is a query word: those whose
        # words a query word spells joined may be inside the query with them aligned
        # (`LookedUp.may_be_inside`, whose `_spelt` looks at these forms only: a name that
        # meets a query word by an acronym or a word as written is no more inside for that).
        # As for `exact`, a set when the lists are short, else each name's own test.
        spelled = _gathered(
            [ids for w in words_in if (ids := join_posts.get(w)) is not None], budget
        )
        if exact is not None and spelled is not None:  # most queries: test fewer names
            blocked = self._may_reach(
                blocked,
                near_words,
                available,
                expands,
                acronym_of=acronym_of,
                exact=exact,
                spelled=spelled,
            )
        initials = looked_up.initials
        joined_in = {*q.joined, *q.written_joined, *q.runs}
        by_word = looked_up.similar
        limit = cutoff - _MARGIN
        out: list[tuple[int, bool]] = []
        for nid in blocked:
            listed, strong, forms, joins, spelt = entries[nid]
            if (
                strong is not None
                and (  # may_be_inside's first tests
                    nid in acronym_of
                    or strong <= available
                    or (nid in spelled if spelled is not None else not words_in.isdisjoint(joins))
                )
                and looked_up.may_be_inside(listed, strong)
            ):
                out.append((nid, True))
            elif (
                not near_words.isdisjoint(listed.words)
                or (nid in exact if exact is not None else not near_exact.isdisjoint(forms))
                or (expands and len(listed.words) == 1 and listed.words[0] in expands)
            ):
                if (
                    words_in.isdisjoint(joins)
                    and joined_in.isdisjoint(spelt)
                    and (not listed.acronyms or initials.isdisjoint(listed.acronyms))
                    and not (expands and len(listed.words) == 1 and listed.words[0] in expands)
                ):  # word with word only: `score_reaching`'s first bound, here, inline
                    mask = 0
                    alone = on_name = 0.0
                    for y, w in zip(listed.words, listed.weights, strict=True):
                        got = masks.get(y)
                        if got is None:
                            alone += w
                        else:
                            mask |= got
                            on_name += w
                    if not mask:
                        continue
                    on_query = sums.get(mask)
                    if on_query is None:
                        on_query = sums[mask] = sum(x for i, x in enumerate(qwt) if mask >> i & 1)
                    most = 2 * min(on_query, on_name)
                    if most <= 0:
                        continue
                    bound = most / (most + alone + q_total - on_query)
                    if bound < limit:
                        continue
                    if query_words.isdisjoint(listed.words):  # then every word alike < 1
                        alike = max(s for y in listed.words for _, s in by_word.get(y, ()))
                        if bound < cutoff / alike - _MARGIN:
                            continue
                out.append((nid, False))
        return out

    def _may_reach(
        self,
        blocked: list[int],
        near_words: set[str],
        available: frozenset[str],
        expands: Collection[str],
        *,
        acronym_of: set[int],
        exact: set[int],
        spelled: set[int],
    ) -> list[int]:
        """The blocked names `_to_score`'s tests may keep, most others ruled out by set
        operations rather than one by one: those holding a word alike to a query prefix word
        (`_Near.words`) or a word the query expands an acronym to (`_word_posts`), those found
        already (``acronym_of``, ``exact``, ``spelled``), and those whose strong words the query
        all offers. A superset of what the tests keep, so no result changes; all of them when
        the postings gathered pass `_POSTED_PER_BLOCKED` per blocked name (common words)."""
        word_posts = self._word_posts
        pool = _gathered(
            [ids for w in chain(near_words, expands) if (ids := word_posts.get(w)) is not None],
            _POSTED_PER_BLOCKED * len(blocked),
        )
        if pool is None:
            return blocked
        pool.update(acronym_of, exact, spelled)
        strong = self._strong
        return [
            nid
            for nid in blocked
            if nid in pool or ((s := strong[nid]) is not None and s <= available)
        ]

    def search_cached(self, query: str, *, cutoff: float) -> tuple[NameMatch, ...]:
        """`search`, memoised over the last few tens of thousands of (query, cutoff): for
        queries that repeat from one transaction to the next, such as the word windows of
        addresses ("hong kong", "nanshan district"). The same matches, in the same order."""
        return self._cached(query, cutoff)

    def _search_tuple(self, query: str, cutoff: float) -> tuple[NameMatch, ...]:
        return tuple(self.search(query, cutoff=cutoff))

    def candidates(self, query: str) -> frozenset[int]:
        """Positions (in iteration order) of the names the blocking hands to the scorer for a
        query: for tests and benchmarks of the blocking."""
        out: set[int] = set()
        for _, _, blocked in self._plan(query):
            out.update(self._owner[nid] for nid in blocked)
        return frozenset(out)

    def work(self, query: str) -> SearchWork:
        """What `search` does for ``query``, counted (see `SearchWork`): for tests of its bounds."""
        plan = self._plan(query)
        return SearchWork(
            words=sum(len(q.words) for q, _, _ in plan),
            keys=sum(len(_keys(word)) for q, _, _ in plan for word in q.words),
            candidates=sum(len(blocked) for _, _, blocked in plan),
        )

    def _plan(
        self, query: str
    ) -> list[tuple[Prepared, list[tuple[tuple[str, float], ...]], list[int]]]:
        """Each reading of the query, its words' similar words and the names it will score
        (at most `MAX_CANDIDATES`, see `_bounded`): the whole of a search but the scoring."""
        plan = []
        for q in self._readings(query):
            similar = [self._similar(word) for word in q.words]
            if q.written is not q.words and self._listed_wade_giles:
                self._as_written(q, similar)
            plan.append((q, similar, _bounded(self._block(q, similar))))
        return plan

    def _as_written(self, q: Prepared, similar: list[tuple[tuple[str, float], ...]]) -> None:
        """A query word that pinyin syllables are read as ("jsc", written "ao") is also alike
        to the words of listed names read as Wade-Giles that its form as written meets, as
        `match._options` compares them (`syllables_read_as`)."""
        read_as = syllables_read_as()
        for i, (word, written) in enumerate(zip(q.words, q.written, strict=True)):
            if word == written or word not in read_as:
                continue  # most words, and "limited" written "ltd": no pinyin to meet
            hits = self._listed_wade_giles_of(written)
            if hits:
                found = dict(similar[i])
                for t in sorted(hits):
                    if (s := token_similarity(written, t)) > found.get(t, 0.0):
                        found[t] = s
                similar[i] = tuple(sorted(found.items()))

    def _readings(self, query: str) -> list[Prepared]:
        return [q for q in prepared_readings(query, self.weights) if q.words]

    def _block(
        self, q: Prepared, similar: list[tuple[tuple[str, float], ...]]
    ) -> list[tuple[int, ...]]:
        """The posting lists of the query's words: a name is in as many as words posted it."""
        # The posting lists are gathered, then counted in one go if at all (`_bounded`):
        # counting list by list (a Counter update each) cost a fifth of a typical query.
        lists: list[tuple[int, ...]] = []
        single, joined, acronyms = self._single, self._joined, self._acronyms
        plain = q.written is q.words  # then each word is also looked up as written, below
        seen: set[str] = set()
        for word, row in zip(q.words, similar, strict=True):
            if word in seen:
                continue
            seen.add(word)
            for term, _ in row:
                if (ids := single.get(term)) is not None:
                    lists.append(ids)
            if (ids := joined.get(word)) is not None:
                lists.append(ids)
                if plain:  # the word as written: the same look-up, counted again
                    lists.append(ids)
            if (ids := acronyms.get(word)) is not None:
                lists.append(ids)
        if not plain:
            for word in dict.fromkeys(q.written):
                if (ids := joined.get(word)) is not None:
                    lists.append(ids)
        for acronym in expanded_acronyms(q):  # a listed acronym alone: "IRGC" for its words
            if (ids := single.get(acronym)) is not None:
                lists.append(ids)
        pairs = q.joined + q.runs if plain else q.joined + q.written_joined + q.runs
        for pair in dict.fromkeys(pairs):
            if (ids := single.get(pair)) is not None:
                lists.append(ids)
        return lists

    def _similar_words(self, word: str) -> tuple[tuple[str, float], ...]:
        """Every indexed word alike to ``word`` (`token_similarity` above 0, itself included),
        with that similarity, in alphabetical order: found through the one-letter deletions
        and the skeletons, never by comparing every word."""
        if word[0] == CONSONANTS:  # read from Arabic script: the words with these consonants
            hits_c = self._consonant_table().get(word[1:], ())
            return tuple((t, s) for t in hits_c if (s := token_similarity(word, t)) > 0)
        if word[0] in (WADE_GILES, WADE_GILES_UNMARKED):  # read as Wade-Giles: by its pinyin
            hits_w = self._wade_giles_table().get(word, ())
            return tuple(
                (t, s)
                for t in hits_w
                if (s := token_similarity(word, t) or read_as_similarity(word, t)) > 0
            )
        variants = self._variants
        hits: set[str] = set()
        for key in _keys(word):
            found = variants.get(key)
            if found is None:
                continue
            if isinstance(found, str):
                hits.add(found)
            else:
                hits.update(found)
        if len(word) > MIN_FUZZY:
            hits.update(self._skeletons.get(skeleton(word), ()))
            if key := sound_key(word):
                hits.update(self._sounds.get(key, ()))
            if key := ending_key(word):
                hits.update(self._endings.get(key, ()))
            if len(word) >= TWO_TYPOS:  # a piece shared is common: distance first, cheaply
                hits.update(
                    t
                    for t in _two_typos(self._pieces, word)
                    if Levenshtein.distance(word, t, score_cutoff=2) <= 2
                )
        if self._listed_consonants and word.isalpha():  # a listed name in Arabic script
            listed_c = self._listed_consonants
            hits.update(k for k in (CONSONANTS + x for x in consonant_keys(word)) if k in listed_c)
        hits.update(self._listed_wade_giles_of(word))
        scored = ((t, token_similarity(word, t)) for t in sorted(hits))
        return tuple((t, s) for t, s in scored if s > 0)

    def _listed_wade_giles_of(self, word: str) -> set[str]:
        """The words of listed names read as Wade-Giles that spell ``word``'s pinyin."""
        listed = self._listed_wade_giles
        if not listed:
            return set()
        marked, unmarked = wade_giles_keys(word)
        hits = {k for k in (WADE_GILES + x for x in marked) if k in listed}
        hits.update(k for k in (WADE_GILES_UNMARKED + x for x in unmarked) if k in listed)
        return hits


def _keys(word: str) -> tuple[str, ...]:
    """The spelling keys a query word is looked up under: itself and, when it may carry a
    typing error (`MIN_FUZZY` to `MAX_FUZZY` letters), its one-letter deletions."""
    return (word, *deletions(word)) if MIN_FUZZY <= len(word) <= MAX_FUZZY else (word,)


def _pieces(length: int) -> tuple[tuple[int, int], ...]:
    """(start, end) of the three pieces a word of ``length`` letters is cut into: two typing
    errors (letters added, left out or changed) leave one of them whole (Pass-Join, Li et al.,
    VLDB 2011)."""
    third = length // 3
    return ((0, third), (third, 2 * third), (2 * third, length))


_Pieces = dict[int, tuple[dict[str, tuple[str, ...]], ...]]


def _piece_table(words: Iterable[str]) -> _Pieces:
    """A length -> for each of its `_pieces`, the piece -> the words of that length (from
    `TWO_TYPOS` letters to `MAX_FUZZY`) with it there, in their order."""
    found: dict[int, tuple[dict[str, list[str]], ...]] = {}
    for word in words:
        n = len(word)
        if TWO_TYPOS <= n <= MAX_FUZZY:
            tables = found.get(n) or found.setdefault(n, ({}, {}, {}))
            for table, (start, end) in zip(tables, _pieces(n), strict=True):
                table.setdefault(word[start:end], []).append(word)
    return {
        n: tuple({k: tuple(v) for k, v in table.items()} for table in tables)
        for n, tables in found.items()
    }


def _two_typos(table: _Pieces, word: str) -> Iterator[str]:
    """The words of a `_piece_table` that may be two typing errors or fewer from ``word``, each
    to be tested. Of a listed word within two typos, of each length within two of ``word``'s
    ``n``, some piece ``k`` (0, 1, 2) is whole with at most ``k`` errors before it and ``2 - k``
    after it (if the first piece has an error, the second is whole with one before it, or the
    third with two): so it starts in ``word`` within ``k`` letters of its place, and within
    ``2 - k`` of its place plus ``n - length``."""
    n = len(word)
    for length in range(max(TWO_TYPOS, n - 2), min(MAX_FUZZY, n + 2) + 1):
        tables = table.get(length)
        if tables is None:
            continue
        shift = n - length
        for k, (start, end) in enumerate(_pieces(length)):
            pieces = tables[k]
            low = max(-k, shift - (2 - k), -start)
            high = min(k, shift + (2 - k), n - end)
            for at in range(start + low, start + high + 1):
                yield from pieces.get(word[at : at + end - start], ())


def _gathered(lists: list[tuple[int, ...]], budget: int) -> set[int] | None:
    """The names in these posting lists, or None when they hold more than ``budget`` postings
    (common terms: each name is better tested on its own)."""
    return set(chain.from_iterable(lists)) if sum(map(len, lists)) <= budget else None


def _bounded(lists: list[tuple[int, ...]]) -> list[int]:
    """The blocked names (in these posting lists) to score: all of them, or, past
    `MAX_CANDIDATES`, those posted under the most query words (ties by position). In no
    particular order: a search keeps each key's best score, on ties its first name by position."""
    names = set(chain.from_iterable(lists))
    if len(names) <= MAX_CANDIDATES:
        return list(names)  # counted only when some must be left out
    blocked = Counter(chain.from_iterable(lists))
    ranked = sorted(blocked, key=lambda nid: (-blocked[nid], nid))
    return sorted(ranked[:MAX_CANDIDATES])


class _Near:
    """Whether a name has a word that aligns with one of the query's prefix words (or with a
    prefix word joined with its neighbour, or that joined with a neighbour equals one), as the
    scorer aligns: canonical or as-written forms for joined words."""

    __slots__ = ("exact", "words")

    def __init__(
        self, positions: list[int], q: Prepared, similar: list[tuple[tuple[str, float], ...]]
    ):
        chosen = set(positions)
        exact = {q.words[i] for i in chosen}
        if q.written is not q.words:
            exact.update(q.written[i] for i in chosen)
        for i in range(len(q.joined)):
            if i in chosen or i + 1 in chosen:
                exact.add(q.joined[i])
                exact.add(q.written_joined[i])
        if q.runs:
            for (i, k), text in q.run_items():
                if not chosen.isdisjoint(range(i, i + k)):
                    exact.add(text)
        self.exact = exact
        """What a name's other forms (`_forms`) must meet exactly."""
        # Every word alike to a prefix word (each prefix word among them): all the scorer
        # could align with one, so a name without any of these aligns none.
        self.words = exact | {word for i in positions for word, _ in similar[i]}
        """What a name's canonical words must meet."""


def _forms(name: Prepared) -> tuple[str, ...]:
    """Every form of a name but its canonical words that `_Near` compares exactly with a
    query's: its words joined, its runs, its acronyms and, when written otherwise, its words
    and pairs as written. Worked out once at build, so that a candidate costs two set tests."""
    forms = name.joined + name.runs + name.acronyms
    if name.written is not name.words:
        forms += name.written + name.written_joined
    return forms


_Reading = tuple[tuple[str, ...], tuple[str, ...], Shape]
"""A name's reading: its words, as written, and what the name is written as (`written_shape`):
two names read alike may differ in that alone ("ZANJAN, Acid Makers" / "Zanjan Acid Makers")."""


def _read(
    candidates: Iterable[NameCandidate], known: Mapping[str, Readings]
) -> tuple[list[NameCandidate], list[int], list[int], list[_Reading], dict[int, str]]:
    """The names to index (each once, by key then name, verified first), the position of the
    name of each indexed reading, the position of each in the distinct readings, the distinct
    readings (words interned) in order of first use, and the names written in Han characters.

    Lists repeat themselves: the same name under several keys (a party on the CSL and the SDN
    list), the same reading in several names, the same word in many readings. Each distinct
    name is read once, and each distinct reading kept once."""
    unique = sorted(set(candidates), key=lambda c: (c.key, c.name, not c.verified))
    kept: list[NameCandidate] = []
    owner: list[int] = []
    slot_of: list[int] = []
    slots: dict[_Reading, int] = {}
    read_as: dict[str, tuple[int, ...]] = {}
    han: dict[int, str] = {}
    intern = _Interned()
    for cand in unique:
        ids = read_as.get(cand.name)
        if ids is None:
            read = known.get(cand.name) or written_readings.__wrapped__(cand.name)
            shape = shape_of(cand.name, read[0][0]) if read else "name"
            ids = read_as[cand.name] = tuple(
                slots.setdefault((*intern.reading(ws, wr), shape), len(slots))
                for ws, wr in read
                if ws
            )
        if ids:  # a name with no letter or digit can match nothing
            if not cand.name.isascii() and (h := han_characters.__wrapped__(cand.name)):
                han[len(kept)] = h
            kept.append(cand)
            slot_of += ids
            owner += [len(kept) - 1] * len(ids)
    return kept, owner, slot_of, list(slots), han


class _Interned:
    """One string object per distinct word of a list: tens of thousands of
    readings share a few thousand common words ("company", "trading", "al")."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[str, str] = {}

    def reading(
        self, words: tuple[str, ...], written: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A reading with its words interned (``written`` stays ``words`` when equal)."""
        words = self.all(words)
        return words, words if written == words else self.all(written)

    def all(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        seen = self._seen.setdefault
        return tuple([seen(t, t) for t in terms])


class _Postings:
    """Posting lists made tuples, one tuple object per distinct list."""

    __slots__ = ("_by_slot", "_pool", "_prepared")

    def __init__(self, nids: list[int], slot_of: list[int], prepared: list[_Slot]) -> None:
        self._pool: dict[tuple[int, ...], tuple[int, ...]] = {}
        by_slot: list[list[int]] = [[] for _ in prepared]
        for nid, i in zip(nids, slot_of, strict=True):
            by_slot[i].append(nid)
        self._by_slot = by_slot
        """Each distinct reading's names (positions in order; one int object each, shared by
        the tables): a reading repeated by several lists is posted once for all of them."""
        self._prepared = prepared

    def posted(self, terms: Callable[[_Slot], Iterable[str]]) -> dict[str, tuple[int, ...]]:
        """Each term of the names' readings (``terms`` of each) -> the names posted under it,
        in order of position; a name is posted once under a term (the terms are distinct)."""
        table: defaultdict[str, list[int]] = defaultdict(list)
        for slot, nids in zip(self._prepared, self._by_slot, strict=True):  # a million postings
            for term in terms(slot):
                table[term] += nids
        return self.tuples(table)

    def tuples(self, postings: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
        """``postings`` with tuples for lists, in order of position, emptied as it goes (its
        lists freed early)."""
        pool = self._pool.setdefault
        out: dict[str, tuple[int, ...]] = {}
        for term in list(postings):
            found = postings.pop(term)
            ids = tuple(found) if len(found) == 1 else tuple(sorted(found))
            out[term] = pool(ids, ids)
        return out


class _Slot:
    """One distinct reading of the list, prepared, with what the build posts it under: worked
    out once however many names read so (see `NameIndex._build`)."""

    __slots__ = (
        "forms",
        "join_terms",
        "joined",
        "joins",
        "name",
        "single",
        "spelt",
        "strong",
        "words",
        "written_terms",
    )

    def __init__(self, name: Prepared, beta: float):
        self.name = name
        prefix = _prefix(name, beta)
        self.strong = strong_words(name) if may_be_contained(name) else None
        """The words that must align for the name to be inside a query, if it may be."""
        if self.strong and self.strong.isdisjoint(name.words[i] for i in prefix):
            # Wholly inside a query, a name aligns its strong words, but its prefix may be its
            # patronymic alone ("LUKASHENKO, Alexander Grigoryevich"): posted under one more.
            strong = self.strong
            prefix.append(
                max(
                    (i for i, w in enumerate(name.words) if w in strong),
                    key=lambda i: (name.weights[i], -i),
                )
            )
        single: list[str] = []
        joined: list[str] = []
        for pos in prefix:
            single += (name.words[pos], name.written[pos])
            for i in (pos - 1, pos):
                if 0 <= i < len(name.joined):
                    joined += (name.joined[i], name.written_joined[i])
        if name.runs:  # the character-level path: runs through a prefix word, exactly
            chosen = set(prefix)
            joined += [
                text for (i, k), text in name.run_items() if not chosen.isdisjoint(range(i, i + k))
            ]
        self.single = tuple(dict.fromkeys(single))
        """Prefix words (canonical and as written) -> names: matched exactly or with one
        typing error. Each once, as a name is posted once under a term."""
        self.joined = tuple(dict.fromkeys(joined))
        """Prefix words joined with a neighbour, and runs through a prefix word."""
        self.forms = _forms(name)
        """The name's forms other than its words (see `_forms`)."""
        plain = name.written is name.words
        written: tuple[str, ...] = ()
        if plain and not name.acronyms:
            joins = self.forms
        else:
            joins = name.joined + name.runs + (() if plain else name.written_joined)
            if not plain:
                written = name.written
        self.joins = joins
        """Its forms a query's words (canonical or as written) must meet for `score_reaching`
        to align more than word with word: its words joined and its runs (`forms` but its
        acronyms, tested against `LookedUp.initials` alone, and its words as written)."""
        self.join_terms = _once(joins)
        """Its `joins`, each once (a name is posted once under a term)."""
        self.words = _once(name.words)
        """Its canonical words, each once (a name is posted once under a word)."""
        self.written_terms = tuple(t for t in _once(written) if t not in self.join_terms)
        """Its words as written, when written otherwise, each once and none of its `joins`:
        its `forms` are these, its `joins` and its acronyms."""
        self.spelt = name.words if plain else name.words + name.written
        """Its words, canonical and as written: what a query's joined words and runs must
        meet for the same."""


def _once(terms: tuple[str, ...]) -> tuple[str, ...]:
    """``terms`` without repeats, in order: the same tuple when it has none (most)."""
    once = tuple(dict.fromkeys(terms))
    return terms if len(once) == len(terms) else once


def _ending_table(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """`ending_key` -> the words with it, in their order ("naum-ov" -> "naumau", "naumov"):
    made without filling `ending_key`'s cache with every listed word."""
    found: dict[str, list[str]] = {}
    for word in words:
        if key := ending_key.__wrapped__(word):
            found.setdefault(key, []).append(word)
    return {k: tuple(v) for k, v in found.items()}


def _prefix(name: Prepared, beta: float) -> list[int]:
    """Positions of a name's prefix words: heaviest first, until what is left weighs less than
    ``beta`` of the total (see the module docstring)."""
    total = sum(name.weights)
    order = sorted(range(len(name.words)), key=lambda i: (-name.weights[i], i))
    left = total
    out: list[int] = []
    for i in order:
        if left < beta * total * (1 - 1e-9):
            break
        left -= name.weights[i]
        out.append(i)
    return out
