"""The name index and `RuleSet.search`: results, ordering, filters, and complete blocking.

Blocking must never lose a name that an exhaustive scan with the same scorer finds at or above
the cutoff. That is checked two ways: a property over small generated lists (any names, any
queries), and on the real Consolidated Screening List of 2022-05 with perturbed listed names and
names from later lists as queries.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.names import CSL, csl_index, csl_names, same_as_the_scan
from helpers.strategies import SETTINGS
from screening import SearchMatch, load_rules
from screening.names import NameCandidate, NameIndex, Weights
from screening.names.normalize import written_readings

RULES = load_rules()
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SDN_2024 = SHARED / "data" / "ofac" / "sdn_2024-05-03" / "sdn.csv"


# --- RuleSet.search ------------------------------------------------------------------------------


def test_search_returns_the_listed_party_with_its_list_and_the_alignment() -> None:
    [hit] = RULES.search("Beijing Eight Star Intl Co")
    assert isinstance(hit, SearchMatch)
    assert hit.entry_id == "beijing-8-star"
    assert hit.list == "Entity List"
    assert hit.name == "Beijing 8-Star International Co."
    assert hit.alias is None
    assert hit.score == 1.0
    assert hit.verified is True
    assert hit.detail == "score 1.0: aligned beijing, 8, star, international, company"


def test_search_names_the_alias_that_matched() -> None:
    [hit] = RULES.search("中兴通讯")
    assert hit.entry_id == "zte-corporation"
    assert hit.name == "ZTE Corporation"
    assert hit.alias == "中兴通讯"
    assert hit.verified is False  # the Chinese name is an unverified alias
    assert hit.list == "Entity List; Denied Persons List"


def test_search_finds_a_pinyin_rendering_of_a_chinese_alias() -> None:
    [hit] = RULES.search("Zhongxing Tongxun")
    assert (hit.entry_id, hit.alias) == ("zte-corporation", "中兴通讯")


def test_search_is_best_first_and_limited() -> None:
    found = RULES.search("ZTE Kangxun Telecom Co")
    assert [m.entry_id for m in found][:1] == ["zte-kangxun"]
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert RULES.search("ZTE Kangxun Telecom Co", limit=1) == found[:1]
    with pytest.raises(ValueError, match="limit"):
        RULES.search("ZTE", limit=0)


def test_search_keeps_only_the_country_asked_for() -> None:
    assert [m.entry_id for m in RULES.search("ZTE Parsian", country="IR")] == ["zte-parsian"]
    assert RULES.search("ZTE Parsian", country="cn") == []


def test_search_returns_only_matches_above_the_possible_threshold() -> None:
    assert RULES.search("International Trading Co") == []
    assert RULES.search("Huawei Technologies") == []
    assert RULES.search("") == []
    for match in RULES.search("ZTE"):
        assert match.score >= RULES.matching.possible


def test_search_is_deterministic() -> None:
    query = "Z.T.E. Kangxun Telecom"
    assert [m.to_dict() for m in RULES.search(query)] == [m.to_dict() for m in RULES.search(query)]


# --- NameIndex -----------------------------------------------------------------------------------


def test_index_refuses_a_cutoff_below_the_one_it_was_built_for() -> None:
    index = NameIndex([NameCandidate("a", "Acme")], cutoff=0.8)
    with pytest.raises(ValueError, match=r"0\.8"):
        index.search("Acme", cutoff=0.7)
    with pytest.raises(ValueError, match="cutoff"):
        NameIndex([], cutoff=0)


def test_building_an_index_leaves_the_query_cache_to_queries() -> None:
    """A list's names are read once; caching them would hold ~20 MB for the CSL."""
    names = [NameCandidate(f"k{i}", f"Zyxw Trading {i} Unique Name {i * 7}") for i in range(50)]
    before = written_readings.cache_info().currsize
    index = NameIndex(names, cutoff=0.8)
    assert written_readings.cache_info().currsize == before
    best = index.search("Zyxw Trading 3 Unique Name 21", cutoff=0.8)[0]
    assert best.key == "k3"


@given(st.text(max_size=30))
@SETTINGS
def test_reading_a_name_without_the_cache_reads_it_the_same(name: str) -> None:
    assert written_readings.__wrapped__(name) == written_readings(name)


def test_index_keeps_the_best_verified_name_and_a_better_unverified_alias() -> None:
    index = NameIndex(
        [
            NameCandidate("k", "Kangxun Telecom Works"),
            NameCandidate("k", "Kangxun", verified=False),
        ],
        cutoff=0.3,
    )
    # (0.3: on a list of two names every word is rare, and the generic words the query leaves
    # out cost their rarity, see `Weights.cost`: the verified name scores 0.39.)
    found = index.search("Kangxun", cutoff=0.3)
    assert [(m.name, m.verified) for m in found] == [
        ("Kangxun", False),
        ("Kangxun Telecom Works", True),
    ]


def test_index_skips_names_with_nothing_to_match() -> None:
    index = NameIndex([NameCandidate("a", "..."), NameCandidate("b", "Acme")])
    assert len(index) == 1
    assert [c.key for c in index] == ["b"]


def test_index_similarity_is_the_search_score() -> None:
    names = ["Beijing 8-Star International Co.", "Beijing Star Trading", "ZTE Parsian"]
    index = NameIndex([NameCandidate(n, n) for n in names], cutoff=0.3)
    for match in index.search("Beijing Eight Star Co", cutoff=0.3):
        assert match.score == index.similarity("Beijing Eight Star Co", match.name)


# --- blocking completeness: generated lists -------------------------------------------------------

_WORDS = [
    "beijing", "star", "8", "eight", "international", "co", "ltd", "company", "trading",
    "zte", "kangxun", "parsian", "shi", "lirong", "li", "rong", "far", "east", "cable", "of",
    "the", "jsc", "ooo", "oao", "joint", "stock", "a", "b", "8s", "kangxnu", "persian",
    "dmitriy", "dmitrii", "khalil", "halil", "beijingstar", "farEast", "Z.T.E.", "Москва",
    "nuc", "tech", "nuctech", "shipping", "shippingco", "joint stock company", "jointstock",
]  # fmt: skip
_names = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5).map(" ".join)


@SETTINGS
@given(
    st.lists(_names, min_size=1, max_size=25),
    st.lists(_names, min_size=1, max_size=5),
    st.sampled_from([0.5, 0.7, 0.82, 0.92]),
)
def test_blocking_finds_everything_an_exhaustive_scan_finds(
    listed: list[str], queries: list[str], cutoff: float
) -> None:
    index = NameIndex([NameCandidate(str(i), n) for i, n in enumerate(listed)], cutoff=cutoff)
    for query in [*queries, *listed[:3]]:
        scanned = {c.key for _, c in index.scan(query, cutoff=cutoff)}
        searched = {m.key for m in index.search(query, cutoff=cutoff)}
        assert searched == scanned, query


@SETTINGS
@given(
    st.lists(st.tuples(_names, st.booleans()), min_size=1, max_size=25),
    st.lists(_names, min_size=1, max_size=5),
    st.sampled_from([0.5, 0.7, 0.82, 0.92]),
)
def test_search_scores_every_name_as_the_exhaustive_scan_does(
    listed: list[tuple[str, bool]], queries: list[str], cutoff: float
) -> None:
    index = NameIndex(
        [NameCandidate(str(i % 7), n, ok) for i, (n, ok) in enumerate(listed)], cutoff=cutoff
    )
    for query in [*queries, *(n for n, _ in listed[:3])]:
        same_as_the_scan(index, query, cutoff)


@SETTINGS
@given(st.lists(st.tuples(_names, st.sampled_from("abc"), st.booleans()), min_size=1, max_size=25))
def test_word_weights_count_each_distinct_reading_once(listed: list[tuple[str, str, bool]]) -> None:
    """A word's rarity is counted over the distinct readings of the listed names, each once,
    however many keys (lists, entries) list the same name: the same weights as counting every
    distinct reading one by one."""
    candidates = [NameCandidate(key, name, ok) for name, key, ok in listed]
    index = NameIndex(candidates, cutoff=0.5)
    readings = {(ws, wr) for c in candidates for ws, wr in written_readings(c.name) if ws}
    expected = Weights(Counter(w for ws, _ in readings for w in set(ws)), len(readings))
    assert len(index) == len(
        {c for c in set(candidates) if any(ws for ws, _ in written_readings(c.name))}
    )
    for word in {w for ws, _ in readings for w in ws} | {"unlisted", "trading"}:
        assert index.weights(word) == expected(word), word


def test_a_party_on_several_lists_keeps_its_words_rare() -> None:
    # The CSL and the SDN list (and the UN, EU, UK lists) list one party under several keys:
    # counted once per key, its distinctive word looked common on a combined index, and a
    # longer name holding the listed one fell from 0.875 to 0.578.
    others = [NameCandidate(f"o{i}", f"Company Number {i} Trading") for i in range(40)]
    listed = "ROSOBORONEKSPORT OAO"
    query = "ROSOBORONEKSPORT OAO Representative Office in Tehran"
    once = NameIndex([*others, NameCandidate("csl", listed)], cutoff=0.5)
    thrice = NameIndex(
        [*others, *(NameCandidate(k, listed) for k in ("csl", "sdn", "un"))], cutoff=0.5
    )
    assert once.weights("rosoboroneksport") == thrice.weights("rosoboroneksport")
    best = {hit.key: hit.score for hit in thrice.search(query, cutoff=0.5)}
    alone = {hit.key: hit.score for hit in once.search(query, cutoff=0.5)}
    assert best["csl"] == best["sdn"] == best["un"] == alone["csl"] >= 0.82


_text_words = st.one_of(
    _names,
    st.integers(0, 99999).map(str),
    st.sampled_from(["room", "12/f", "road", "no.", "c/o", "unit", "tower", "street", "5bs"]),
)


@SETTINGS
@given(
    st.lists(_names, min_size=1, max_size=15),
    st.lists(st.lists(_text_words, min_size=1, max_size=6), min_size=1, max_size=5),
    st.sampled_from([0.5, 0.82, 0.92]),
)
def test_search_of_free_text_windows_is_the_scan_and_its_memo_the_search(
    listed: list[str], windows: list[list[str]], cutoff: float
) -> None:
    """Word windows of an address mix listed words with numbers and street words, which the
    index skips without scoring (a bound on the weight nothing can align): never a match lost,
    and `search_cached` answers exactly what `search` does, the second time too."""
    index = NameIndex([NameCandidate(str(i), n) for i, n in enumerate(listed)], cutoff=cutoff)
    for words in [*windows, [listed[0], "1203"], ["room", "5", *listed[-1:]]]:
        query = " ".join(words)
        same_as_the_scan(index, query, cutoff)
        for _ in range(2):
            assert index.search_cached(query, cutoff=cutoff) == tuple(
                index.search(query, cutoff=cutoff)
            ), query


# --- blocking completeness: the real list ---------------------------------------------------------


def _perturb(name: str, rng: random.Random) -> str:
    words = name.split()
    kind = rng.randrange(6)
    if kind == 0 and len(name) > 4:  # a typing error
        i = rng.randrange(len(name))
        return name[:i] + rng.choice("aeiourstn") + name[i + 1 :]
    if kind == 1 and len(words) > 1:  # words reordered
        rng.shuffle(words)
        return " ".join(words)
    if kind == 2 and len(words) > 1:  # a word left out
        words.pop(rng.randrange(len(words)))
        return " ".join(words)
    if kind == 3:  # a generic word added
        return f"{name} {rng.choice(['Trading', 'Group', 'Co., Ltd.', 'International'])}"
    if kind == 4 and len(words) > 1:  # two words joined
        i = rng.randrange(len(words) - 1)
        return " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])
    return name.replace("o", "\u043e").replace("A", "\u0391")  # look-alike letters


def _unlisted(rng: random.Random, n: int) -> list[str]:
    if not SDN_2024.exists():
        return []
    listed = {key for key, _ in csl_names()}
    with SDN_2024.open(encoding="utf-8", newline="") as fh:
        names = [r[1] for r in csv.reader(fh) if len(r) > 2 and r[0].strip() not in listed]
    return rng.sample(names, n)


@pytest.mark.skipif(not CSL.exists(), reason=f"shared data not found at {CSL}")
def test_blocking_is_complete_on_the_consolidated_screening_list() -> None:
    """Over 20 queries (15 perturbed listed names, 5 names of later SDN designations), the index
    finds exactly the entries an exhaustive scan with the same scorer finds, at two cutoffs."""
    rows = csl_names()
    low = 0.75
    index = NameIndex([NameCandidate(k, n) for k, n in rows], cutoff=low)
    assert len(index) > 30_000
    rng = random.Random(2022_05)
    queries = [_perturb(name, rng) for _, name in rng.sample(rows, 15)] + _unlisted(rng, 5)
    compared = 0
    for query in queries:
        scanned = index.scan(query, cutoff=low)
        for cutoff in (low, 0.82):
            expected = {c.key for score, c in scanned if score >= cutoff}
            assert {m.key for m in index.search(query, cutoff=cutoff)} == expected, query
            compared += len(expected)
        assert len(index.candidates(query)) < len(index) // 100  # never a scan in disguise
    assert compared >= 15  # the queries did find listed names: the comparison is not vacuous


@pytest.mark.skipif(not CSL.exists(), reason=f"shared data not found at {CSL}")
def test_search_scores_are_the_scan_scores_on_the_consolidated_screening_list() -> None:
    """On the full CSL, 40 queries (perturbed listed names, and names of later SDN designations)
    get from `search` exactly the keys and scores an exhaustive scan with the scorer gives."""
    rows = csl_names()
    index = NameIndex([NameCandidate(k, n) for k, n in rows], cutoff=0.7)
    rng = random.Random(7)
    queries = [_perturb(name, rng) for _, name in rng.sample(rows, 30)] + _unlisted(rng, 10)
    for query in queries:
        same_as_the_scan(index, query, 0.7)
    assert sum(len(index.search(q, cutoff=0.7)) for q in queries) >= 30  # not vacuous


@pytest.mark.skipif(not CSL.exists(), reason=f"shared data not found at {CSL}")
@pytest.mark.parametrize(
    ("query", "name"),
    [
        # the sound path: vowels as another romanisation writes them
        ("Khaled Shaikh Muhammad", "MOHAMMED, Khalid Shaikh"),
        ("Qasim Sulaymani", "SOLEIMANI, Qasem"),
        ("Hezbollah", "Hizbulah"),
        ("Husayn Taeb", "TAEB, Hossein"),
        # two typing errors in a long word, found through pieces of the word
        ("Uralvagonsavot", "URALVAGONZAVOD"),
        ("Tselikovec Irina", "TSELIKOVETS, Irina"),
    ],
)
def test_names_spelt_otherwise_search_as_the_scan_does_on_the_consolidated_list(
    query: str, name: str
) -> None:
    """Listed names written otherwise than the list writes them (nothing was found for any of
    these before their path): found, first, and with the scores an exhaustive scan gives."""
    index, listed = csl_index()
    same_as_the_scan(index, query, 0.82)
    found = index.search(query, cutoff=0.82)
    assert found, query
    assert found[0].key == listed[name], (query, found[:3])


_LATIN_WORDS = [
    "Muhammad", "Mohammed", "Hassan", "Fatimah", "Abdul", "Abd", "al-Rahman", "Rahman", "Chafik",
    "Teng", "Hsiao-p'ing", "Hsiao-ping", "Deng", "Xiaoping", "Xiao", "Ping", "Kao", "Gao",
    "Chang", "Zhang", "Chien", "Jian", "Li", "Ltd", "Sa'id", "Alessawi", "Plastic", "Co",
]  # fmt: skip
_ARABIC_WORDS = ["محمد", "حسن", "فاطمة", "عبد", "الرحمن", "شفيق", "ابو", "س", "اد", "ال", "ك"]
_script_names = st.one_of(
    st.lists(st.sampled_from(_LATIN_WORDS), min_size=1, max_size=4),
    st.lists(st.sampled_from(_ARABIC_WORDS), min_size=1, max_size=4),
).map(" ".join)
"""Names in one script each (a name mixing scripts is left out: its readings, one per script,
are bounded apart by the index; see the README's limits)."""


@SETTINGS
@given(
    st.lists(_script_names, min_size=1, max_size=20),
    st.lists(_script_names, min_size=1, max_size=5),
    st.sampled_from([0.7, 0.82, 0.92]),
)
def test_readings_between_scripts_search_as_the_scan_does(
    listed: list[str], queries: list[str], cutoff: float
) -> None:
    """Arabic script read by its consonants, Wade-Giles by its pinyin, either side listed:
    the index finds by keys exactly what the scorer finds by comparing every name."""
    index = NameIndex([NameCandidate(str(i), n) for i, n in enumerate(listed)], cutoff=cutoff)
    for query in [*queries, *listed[:3]]:
        same_as_the_scan(index, query, cutoff)


_DISTINCT = ["orion", "kestrel", "marble", "zaltor", "quenby", "ivanov", "petr", "sergeevich"]


@SETTINGS
@given(
    st.lists(st.lists(st.sampled_from(_DISTINCT), min_size=2, max_size=4, unique=True),
             min_size=1, max_size=8),
    st.integers(0, 7),
    st.sampled_from(["smith", "john", "trading", "al"]),
    st.sampled_from([0.82, 0.92]),
)  # fmt: skip
def test_a_listed_name_inside_a_query_that_joins_two_of_its_words_is_found(
    names: list[list[str]], which: int, extra: str, cutoff: float
) -> None:
    """An index built at the search's own cutoff (as a rule set builds it, at ``possible``):
    a listed name wholly inside a query that spells two of its words as one ("smith orion
    kestrelmarble" for "Orion Kestrel Marble") is found as the scan finds it. A review found
    this missed: no word of the name alike to a query word alone, the containment test never
    ran (before 2d385f1 too)."""
    index = NameIndex(
        [NameCandidate(f"k{i}", " ".join(n)) for i, n in enumerate(names)], cutoff=cutoff
    )
    words = names[which % len(names)]
    k = which % (len(words) - 1)
    query = " ".join([extra, *words[:k], words[k] + words[k + 1], *words[k + 2 :]])
    same_as_the_scan(index, query, cutoff)


def test_a_joined_pair_inside_a_longer_query_is_found_at_the_index_cutoff() -> None:
    index = NameIndex([NameCandidate("k", "Orion Kestrel Marble")], cutoff=0.82)
    [hit] = index.search("smith orion kestrelmarble", cutoff=0.82)
    assert hit.score == index.similarity("smith orion kestrelmarble", "Orion Kestrel Marble")
    assert hit.score >= 0.82
