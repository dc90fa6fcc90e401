"""The search's shortcuts change no result: the bound that skips a name before aligning it, the
tests that pick which blocked names to score, and the one-line detail of a hit.

Each is checked against the plain scorer on names made of the words that exercise the paths of
issue 15: joined and split words, initials, a listed name inside a longer one, digits for
letters, patronymic chains, numbers and legal forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from hypothesis import given
from hypothesis import strategies as st

import screening.names.index as index_module
from helpers.strategies import SETTINGS, name_texts
from screening.names import NameCandidate, NameIndex, Weights, explain
from screening.names.match import (
    LookedUp,
    Prepared,
    explain_prepared,
    may_be_contained,
    prepared_readings,
    score_prepared,
    strong_words,
    summary_prepared,
    token_similarity,
)
from screening.names.normalize import written_readings

_WORDS = [
    "far", "east", "cable", "fareast", "shenzhen", "trading", "ltd", "co", "dubai", "branch",
    "islamic", "revolutionary", "guard", "corps", "irgc", "acme", "on", "behalf", "of",
    "z7e", "zte", "kang", "xun", "kangxun", "ab", "dall", "ah", "abdallah", "beijing", "8star",
    "8", "star", "ali", "bin", "hassan", "hasan", "global", "solutions", "ii", "2", "gmbh",
    "ag", "ministry", "defense", "defence", "repair", "plant", "c0rp0rat10n", "corporation",
    "dkl", "alk", "mmb",  # aircraft registrations without their marks (`_REGISTRATIONS`)
]  # fmt: skip
_names = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=7).map(" ".join)
_REGISTRATIONS = ["ep-mmb", "ep-and", "yk-agc", "5a-dkl", "et-alk", "p-632", "ra-02791"]
_shaped = st.one_of(
    _names,
    st.sampled_from(_REGISTRATIONS),  # an aircraft's registration (its marks: stop words too)
    st.builds("{}, {}".format, st.sampled_from(_WORDS), _names),  # maybe a person's, as written
)
"""Names of every shape (`screening.names.match.written_shape`)."""
_CUTOFFS = st.sampled_from([0.5, 0.7, 0.82, 0.92])


_WEIGHTS = {"trading": 40, "ltd": 90, "co": 90, "global": 30}
"""Word counts of a list of 200 names: common words weigh less, as on a real list."""


def _reading_pairs(
    query: str, listed: str, weights: Weights
) -> Iterator[tuple[Prepared, Prepared]]:
    """Each reading of ``query`` with each reading of ``listed``, both with words."""
    names = prepared_readings(listed, weights)
    for q in prepared_readings(query, weights):
        for name in names:
            if q.words and name.words:
                yield q, name


def _assert_bound_holds(query: str, listed: str, weights: Weights, cutoff: float) -> None:
    """`score_reaching`, with the containment flag an index passes, is either None, and then
    the plain score is below the cutoff, or exactly the plain score."""
    for q, name in _reading_pairs(query, listed, weights):
        looked_up = _looked_up(q, name)
        inside = may_be_contained(name) and looked_up.may_be_inside(name, strong_words(name))
        full = score_prepared(q, name, listed="second")
        got = looked_up.score_reaching(name, cutoff, inside=inside)
        if got is None:
            assert full < cutoff, (query, listed)
        else:
            assert got == full, (query, listed)


def _looked_up(query: Prepared, name: Prepared) -> LookedUp:
    """The query with every word of ``name`` alike to one of its words, as an index finds them
    (here by comparing every pair: the same words, found the slow way)."""
    similar: dict[str, list[tuple[int, float]]] = {}
    for y in dict.fromkeys(name.words):
        row = [(i, s) for i, x in enumerate(query.words) if (s := token_similarity(x, y)) > 0]
        if row:
            similar[y] = row
    return LookedUp(query, similar)


@SETTINGS
@given(_shaped, _shaped, _CUTOFFS)
def test_the_bound_never_skips_a_name_the_scorer_would_report(
    query: str, listed: str, cutoff: float
) -> None:
    _assert_bound_holds(query, listed, Weights(_WEIGHTS, 200), cutoff)


@SETTINGS
@given(_names, _names)
def test_a_hits_summary_from_the_kept_score_and_notes_is_the_summary_scored_again(
    query: str, listed: str
) -> None:
    """`LookedUp.summary` given what `score_reaching` kept (`aligned`, `scored`: the score and
    notes) says what it says when it aligns and scores the pair again, and what
    `summary_prepared` says: the notes a search keeps are the notes of that alignment."""
    for q, name in _reading_pairs(query, listed, Weights(_WEIGHTS, 200)):
        looked_up = _looked_up(q, name)
        score = looked_up.score(name)
        aligned, scored = looked_up.aligned, looked_up.scored
        assert (scored is None) is (aligned is None)
        if scored is not None:
            assert scored[0] == score
        kept = looked_up.summary(name, aligned, scored)
        assert kept == looked_up.summary(name)
        assert kept == summary_prepared(q.key, name.key, q, name, listed="second")


_AROUND = st.lists(st.sampled_from([*_WORDS, "zarya", "volga", "orion", "pamir"]), max_size=5)


@SETTINGS
@given(_shaped, _AROUND, _AROUND, st.booleans(), _CUTOFFS)
def test_the_bound_of_a_name_inside_the_query_never_skips_what_the_scorer_reports(
    listed: str, before: list[str], after: list[str], misspelt: bool, cutoff: float
) -> None:
    """A listed name wholly inside a longer query (its words maybe misspelt or another
    romanisation: containment then gives less) is bounded with what containment can give:
    `score_reaching` is None only when the plain score is below the cutoff."""
    inner = listed.replace("a", "aa") if misspelt else listed
    query = " ".join([*before, inner, *after])
    _assert_bound_holds(query, listed, Weights({**_WEIGHTS, "orion": 20}, 200), cutoff)


def test_a_name_inside_the_query_that_containment_cannot_lift_is_not_aligned() -> None:
    """Wholly inside the query but only as romanisation variants: containment gives at most
    its score times 0.9, below 0.92, so the name is skipped before its alignment; and one
    outweighed by the words the query adds around it ("Zarya Volga Orion Pamir Khuran")."""
    weights = Weights({"trading": 40, "ltd": 90, "co": 90}, 200)
    for query, listed, cutoff in (
        ("Hasan Dmitriy Trading", "Hassan Dmitrii", 0.92),
        ("Zarya Volga Orion Pamir Khuran", "Khuran", 0.82),
    ):
        q, name = Prepared.named(query, weights), Prepared.named(listed, weights)
        looked_up = _looked_up(q, name)
        assert looked_up.may_be_inside(name, strong_words(name)), (query, listed)
        assert score_prepared(q, name, listed="second") < cutoff
        assert looked_up.score_reaching(name, cutoff, inside=True) is None, (query, listed)
        assert looked_up.score_reaching(name, 0.0, inside=True) == score_prepared(
            q, name, listed="second"
        )


def test_a_name_alike_only_in_other_spellings_is_skipped_below_what_they_allow() -> None:
    """Every word of the query only another romanisation of the listed name's (0.9 alike): the
    bound from the words left alone is taken times that, and the name is skipped."""
    weights = Weights({"trading": 40, "ltd": 90, "co": 90}, 200)
    q = Prepared.named("Hasan Dmitriy", weights)
    name = Prepared.named("Hassan Dmitrii Volga", weights)
    looked_up = _looked_up(q, name)
    full = score_prepared(q, name, listed="second")
    assert full < 0.75
    assert looked_up.score_reaching(name, 0.75, inside=False) is None
    assert looked_up.score_reaching(name, 0.7, inside=False) == full


@SETTINGS
@given(
    st.lists(_shaped, min_size=1, max_size=12), st.lists(_shaped, min_size=1, max_size=4), _CUTOFFS
)
def test_search_finds_what_the_scan_finds_with_the_same_scores_and_details(
    listed: list[str], queries: list[str], cutoff: float
) -> None:
    """Over names that contain one another, spell words apart or together and stand for
    initials, `search` returns the keys and scores of an exhaustive scan, and each hit's detail
    is the summary of the index's explanation of the pair."""
    index = NameIndex([NameCandidate(str(i), n) for i, n in enumerate(listed)], cutoff=cutoff)
    for query in [
        *queries,
        *(f"{n} trading" for n in listed[:2]),
        f"acme on behalf of {listed[0]}",
    ]:
        best: dict[str, float] = {}
        for score, cand in index.scan(query, cutoff=cutoff):
            best[cand.key] = max(score, best.get(cand.key, 0.0))
        found = index.search(query, cutoff=cutoff)
        assert {m.key: m.score for m in found} == best, query
        for m in found:
            assert m.detail.startswith(f"score {m.score}"), (query, m)


@SETTINGS
@given(name_texts(), name_texts(), st.sampled_from(["both", "second"]))
def test_the_summary_alone_is_the_full_explanations_summary(a: str, b: str, listed: str) -> None:
    weights = Weights()
    for aw, ar in written_readings(a):
        for bw, br in written_readings(b):
            pa, pb = Prepared.of(aw, weights, ar), Prepared.of(bw, weights, br)
            mode: Literal["both", "second"] = "both" if listed == "both" else "second"
            assert summary_prepared(a, b, pa, pb, listed=mode) == (
                explain_prepared(a, b, pa, pb, listed=mode).summary
            )


def test_the_summary_alone_names_words_inside_and_left_over() -> None:
    """A case the properties may not draw: a listed name inside a longer query, with a note."""
    weights = Weights()
    query, listed = "Far East Cable (Shenzhen) Trading", "Far East Cable"
    [(qw, qr)] = written_readings(query)
    [(nw, nr)] = written_readings(listed)
    pq, pn = Prepared.of(qw, weights, qr), Prepared.of(nw, weights, nr)
    summary = summary_prepared(query, listed, pq, pn, listed="second")
    assert summary == explain_prepared(query, listed, pq, pn, listed="second").summary
    assert "aligned far, east, cable" in summary
    assert "unmatched shenzhen" in summary
    assert summary == explain(query, listed, weights, listed="second").summary


_SHORT = ["llc", "ladrillera", "la", "candelaria", "limited", "jsc", "jang", "song", "chol"]
"""Names whose initials are short query words ("LLC" for "Ladrillera La Candelaria Limited")."""

_listed_names = st.lists(st.sampled_from([*_WORDS, *_SHORT]), min_size=1, max_size=6).map(" ".join)


@SETTINGS
@given(
    st.lists(_listed_names, min_size=1, max_size=12),
    st.lists(_listed_names, min_size=1, max_size=4),
    _CUTOFFS,
)
def test_every_blocked_name_the_index_does_not_score_is_below_the_cutoff(
    listed: list[str], queries: list[str], cutoff: float
) -> None:
    """The names `_to_score` leaves out (its bound of a name that can only align word with
    word, the prefix test, the acronyms of short query words) each score below the cutoff with
    the plain scorer, and each it keeps is bounded with a containment flag that holds: the
    white-box half of `search` equals `scan`, name by name rather than key by key."""
    index = NameIndex([NameCandidate(str(i), n) for i, n in enumerate(listed)], cutoff=cutoff)
    glued = ["".join(n.split()[:2]) + " trading" for n in listed[:3]]  # "8 star" as "8star"
    split = [f"{n[:2]} {n[2:]}" for n in listed[:3]]  # "abdallah" as "ab dallah"
    initials = [x for n in listed[:3] for x in Prepared.named(n, index.weights).acronyms[:2]]
    for query in [
        *queries,
        *glued,
        *split,
        *initials,
        *(f"{x} trading" for x in initials),
        *(f"{n} llc" for n in listed[:2]),
        *(f"jsc {n}" for n in listed[:2]),
    ]:
        for q, similar, blocked in index._plan(query):
            looked_up = LookedUp.of_rows(q, similar)
            kept = dict(index._to_score(q, similar, blocked, looked_up, cutoff))
            for nid in blocked:
                name = index._names[nid]
                full = score_prepared(q, name, listed="second")
                if nid not in kept:
                    assert full < cutoff, (query, name.key, full)
                else:
                    got = looked_up.score_reaching(name, cutoff, inside=kept[nid])
                    assert (got is None and full < cutoff) or got == full, (query, name.key)


@contextmanager
def _budget(per_blocked: int) -> Iterator[None]:
    """`index._POSTED_PER_BLOCKED` set for a while: 0 forces every per-name fallback of
    `_to_score` (no set of exact forms, of names spelt joined, nor `_may_reach`'s), a huge
    value the sets always."""
    saved = index_module._POSTED_PER_BLOCKED
    index_module._POSTED_PER_BLOCKED = per_blocked
    try:
        yield
    finally:
        index_module._POSTED_PER_BLOCKED = saved


@SETTINGS
@given(
    st.lists(_listed_names, min_size=1, max_size=12),
    st.lists(_listed_names, min_size=1, max_size=4),
    _CUTOFFS,
    st.sampled_from([0, 10**9]),
)
def test_the_fallbacks_for_common_words_find_what_the_sets_find(
    listed: list[str], queries: list[str], cutoff: float, per_blocked: int
) -> None:
    """Whether `_to_score` gathers postings into sets or tests each name on its own (common
    words: `_POSTED_PER_BLOCKED`), `search` returns what the scan returns."""
    index = NameIndex([NameCandidate(str(i), n) for i, n in enumerate(listed)], cutoff=cutoff)
    initials = [x for n in listed[:3] for x in Prepared.named(n, index.weights).acronyms[:2]]
    glued = ["".join(n.split()[:2]) + " trading" for n in listed[:3]]
    inside = [  # a listed name inside, two of its words joined: "smith kestrelmarble orion"
        " ".join(["smith", "".join(words[:2]), *words[2:]])
        for words in (n.split() for n in listed[:3])
    ]
    with _budget(per_blocked):
        for query in [*queries, *glued, *inside, *initials, *(f"acme for {n}" for n in listed)]:
            best: dict[str, float] = {}
            for score, cand in index.scan(query, cutoff=cutoff):
                best[cand.key] = max(score, best.get(cand.key, 0.0))
            found = index.search(query, cutoff=cutoff)
            assert {m.key: m.score for m in found} == best, (query, per_blocked)


def test_a_short_query_word_is_a_listed_names_initials_only_as_the_whole_query() -> None:
    """ "LLC" alone may stand for "Ladrillera La Candelaria Limited"; "LLC Agro Region" does not
    hold it (three letters among other words align nothing, as `_acronym_options` rules), so
    the name is not taken as possibly inside that query; four letters count among others."""
    weights = Weights({"limited": 90, "corps": 20}, 200)
    listed = Prepared.named("Ladrillera La Candelaria Limited", weights)
    guard = Prepared.named("Islamic Revolutionary Guard Corps", weights)
    for query, name, inside in (
        ("LLC", listed, True),
        ("LLC Agro Region", listed, False),
        ("IRGC Agro Region", guard, True),
    ):
        q = Prepared.named(query, weights)
        looked_up = _looked_up(q, name)
        assert looked_up.may_be_inside(name, strong_words(name)) is inside, query
        full = score_prepared(q, name, listed="second")
        assert looked_up.score_reaching(name, 0.5, inside=inside) in (None, full), query
    assert score_prepared(Prepared.named("LLC Agro Region", weights), listed) == 0.0
