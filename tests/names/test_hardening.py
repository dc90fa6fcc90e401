"""Hardening of name matching (issue 13): invisible, reordered and look-alike characters never
hide a listed name, and no query, however large, makes the matcher do unbounded work.

Spoofed names are screened through `screen` on a 2016 transaction against the bundled rules
("Beijing 8-Star International Co." is on the Entity List then); the work bounds are asserted
on counts of work (`NameIndex.work`), not on wall time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from helpers.zte import zte_transactions
from screening import Outcome, screen
from screening.names import MAX_WORDS, NameCandidate, NameIndex, normalize, similarity
from screening.names.index import MAX_CANDIDATES
from screening.names.match import MAX_FUZZY, deletions, token_similarity
from screening.names.normalize import readings

LISTED = "Beijing 8-Star International Co."
RULE = "el-beijing-8-star"

FILLERS = ["\u3164", "\uffa0", "\u115f", "\u1160"]
"""Hangul filler, halfwidth Hangul filler, choseong filler, jungseong filler."""

INVISIBLE = [
    *FILLERS,
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u061c",  # Arabic letter mark
    "\u180e",  # Mongolian vowel separator
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202b",  # right-to-left embedding
    "\u202c",  # pop directional formatting
    "\u2060",  # word joiner
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
    "\ufe0f",  # variation selector-16
    "\ufeff",  # zero-width no-break space
    "\U000e0041",  # tag latin capital letter A
    "\U000e0100",  # variation selector-17
]
"""Default-ignorable code points (Unicode 15.0 DerivedCoreProperties.txt), a sample of every
range; the overrides U+202D and U+202E, which reorder what they hold, are tested apart."""


def _transaction(name: str) -> dict[str, Any]:
    """Scenario 06 (a 2016 sale to Beijing 8-Star) with ``name`` as buyer and end user."""
    tx = next(t for t in zte_transactions() if t["id"] == "us-supplier-2016-06-8star")
    parties = [dict(p, name=name) if p["role"] != "exporter" else p for p in tx["parties"]]
    return {**tx, "parties": parties}


@lru_cache(maxsize=256)
def _hits(name: str) -> tuple[Outcome, frozenset[str]]:
    decision = screen(_transaction(name))
    return decision.outcome, frozenset(h.rule_id for h in decision.hits)


def _assert_listed(name: str) -> None:
    outcome, rules = _hits(name)
    assert outcome is not Outcome.CLEAR, f"{name!r} was cleared"
    assert RULE in rules, f"{name!r}: {sorted(rules)}"


def test_the_listed_name_itself_is_blocked() -> None:
    assert _hits(LISTED)[0] is Outcome.BLOCK
    _assert_listed(LISTED)


def test_an_unrelated_name_is_not_matched() -> None:
    """The control: the rule does not fire on any name, so the tests above can fail."""
    assert RULE not in _hits("Example Server Corp.")[1]


@pytest.mark.parametrize("filler", FILLERS, ids=[f"U+{ord(f):04X}" for f in FILLERS])
def test_hangul_fillers_inside_the_name_are_dropped(filler: str) -> None:
    spoof = f"Bei{filler}jing 8-St{filler}ar Inter{filler}national Co."
    assert normalize(spoof) == normalize(LISTED)
    _assert_listed(spoof)


RLO, PDF, LRO = "\u202e", "\u202c", "\u202d"

OVERRIDES = [
    # the whole name stored reversed inside a right-to-left override: displays as listed
    RLO + LISTED[::-1],
    RLO + LISTED[::-1] + PDF,
    # one word reversed, the rest as is
    f"Beijing {RLO}ratS-8{PDF} International Co.",
    # a left-to-right override nested in a right-to-left one stays in its own order
    f"{RLO}.oC {LRO}International{PDF} ratS-8 gnijieB{PDF}",
]


@pytest.mark.parametrize("spoof", OVERRIDES, ids=range(len(OVERRIDES)))
def test_a_right_to_left_override_is_read_as_displayed(spoof: str) -> None:
    assert normalize(LISTED) in {" ".join(r) for r in readings(spoof)}
    _assert_listed(spoof)


def test_an_override_is_also_read_as_stored() -> None:
    """The listed name stored in order inside an override displays reversed, but a system
    that ignores bidi controls shows it as stored: both readings are matched."""
    spoof = RLO + LISTED
    assert normalize(LISTED) in {" ".join(r) for r in readings(spoof)}
    _assert_listed(spoof)


LOOKALIKES = [
    # Cherokee letters that look like B, E and G, with Latin ones
    ("\u13f4\u13acijin\u13f3 8-Star International Co.", "cherokee"),
    ("Beijing 8-\u13daTA\u13a1 International Co.", "cherokee S, R"),
    # Armenian letters beyond the curated table: ռ (RA) for n, Տ (TIWN) for S
    ("Beiji\u057cg 8-\u054fTAR I\u057cter\u057catio\u057cal Co.", "armenian"),
    # Latin small capitals
    ("\u0299\u1d07\u026a\u1d0a\u026a\u0274\u0262 8-Star International Co.", "small capitals"),
    # mathematical alphanumerics and fullwidth forms (NFKC)
    (
        "\U0001d401\U0001d41e\U0001d422\U0001d423\U0001d422\U0001d427\U0001d420 8-Star Intl Co.",
        "math bold",
    ),
    ("\uff22\uff45\uff49\uff4a\uff49\uff4e\uff47 \uff18-Star International Co.", "fullwidth"),
    # Lisu and Canadian syllabics capitals that look Latin
    ("\ua4d0EIJING 8-\ua4e2\ua4d4AR INTERNATIONAL CO.", "lisu"),
]


@pytest.mark.parametrize(("spoof", "script"), LOOKALIKES, ids=[s for _, s in LOOKALIKES])
def test_lookalike_letters_of_any_script_fold_to_latin(spoof: str, script: str) -> None:
    assert normalize(LISTED) in {" ".join(r) for r in readings(spoof)}, script
    _assert_listed(spoof)


def test_cherokee_spoof_of_zte() -> None:
    """The brief's example: Cherokee letters ᏃᎢᎬ that look like "ZTE"."""
    assert normalize("\u13c3\u13a2\u13ac Corporation") == "zte corporation"
    assert similarity("Z\u13a2\u13ac Corporation", "ZTE Corporation") == 1.0


def test_cyrillic_and_greek_readings_are_unchanged() -> None:
    """Cyrillic and Greek keep their curated table: real words read as before."""
    assert readings("Москва") == (("mockba",), ("moskva",))
    assert normalize("Шестаков Дмитрий") == "shestakov dmitriy"
    assert normalize("Αθήνα") == "athina"


@given(
    st.lists(
        st.tuples(st.integers(0, len(LISTED)), st.sampled_from([*INVISIBLE, RLO + PDF])),
        min_size=1,
        max_size=8,
    )
)
@SETTINGS
def test_invisible_characters_inserted_anywhere_never_hide_the_name(
    inserts: list[tuple[int, str]],
) -> None:
    chars = list(LISTED)
    for pos, ch in sorted(inserts, reverse=True):
        chars.insert(pos, ch)
    spoof = "".join(chars)
    assert normalize(LISTED) in {" ".join(r) for r in readings(spoof)}
    _assert_listed(spoof)


# -- bounded work -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _index() -> NameIndex:
    names = [
        "Beijing 8-Star International Co.",
        "ZTE Corporation",
        "ZTE Kangxun Telecommunications Ltd.",
        "Aaaa Bbbb Trading",
        "A B C D E F Holdings",
        "Shi Lirong",
        *(f"Company {w} Limited" for w in ["alpha", "beta", "gamma", "delta", "aaa", "aab"]),
    ]
    return NameIndex(NameCandidate(f"k{i}", n) for i, n in enumerate(names))


KEYS = MAX_WORDS * (MAX_FUZZY + 1)
"""The most spelling keys one reading of a query is looked up under."""


def test_a_long_word_is_looked_up_only_as_itself() -> None:
    """A 10 KB word: no deletions (which grew with the square of its length), one key."""
    word = "a" * 10_000
    assert deletions(word) == ()
    assert token_similarity(word, word[:-1]) == 0.0
    assert token_similarity(word, word) == 1.0
    work = _index().work(word)
    assert work.words == 1
    assert work.keys == 1


def test_words_up_to_the_limit_keep_their_typing_errors() -> None:
    word = "b" * MAX_FUZZY
    assert token_similarity(word, word[:-1]) > 0
    assert len(deletions(word)) == MAX_FUZZY


def test_a_name_of_many_words_is_cut_to_the_limit() -> None:
    query = " ".join(f"w{i}" for i in range(40_000))
    # "w1" is also read "wi" and "wl" (digits for letters): each reading is cut to the limit.
    assert len(readings(query)) == 3
    work = _index().work(query)
    assert work.words == 3 * MAX_WORDS


def test_a_listed_name_early_in_a_long_query_is_still_found() -> None:
    query = "Beijing 8-Star International Co. " + " ".join(f"x{i}" for i in range(500))
    # "x1" is also read "xi" and "xl" (digits for letters): each reading is cut to the limit
    assert _index().work(query).words == len(readings(query)) * MAX_WORDS == 3 * MAX_WORDS
    # words past the limit only ever lower a score: cutting them keeps the match possible
    assert similarity(query, LISTED) < 1


@given(
    st.lists(
        st.text(alphabet="abAB8 -.\u200b\u3164\u13ac", min_size=0, max_size=300),
        min_size=1,
        max_size=30,
    )
)
@SETTINGS
def test_no_query_makes_unbounded_work(parts: list[str]) -> None:
    query = " ".join(parts)
    index = _index()
    work = index.work(query)
    assert work.words <= MAX_WORDS * len(readings(query))
    assert work.keys <= KEYS * len(readings(query))
    assert work.candidates <= min(MAX_CANDIDATES, len(index)) * len(readings(query))
    for match in index.search(query, cutoff=0.5):
        assert 0.5 <= match.score <= 1


def test_candidates_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap, only the names posted under the most query words are scored."""
    import screening.names.index as index_module

    monkeypatch.setattr(index_module, "MAX_CANDIDATES", 2)
    index = _index()
    query = "Company Alpha Beta Gamma Delta Limited ZTE Beijing"
    assert index.work(query).candidates == 2
