"""Two Latin romanisations of one Arabic or Persian name: the same consonants, vowels written
otherwise ("Mohamed" / "Muhammad", "Hezbollah" / "Hizbullah"). Two or more letters apart, so
neither a typing error nor a spelling variant: before, they scored 0."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers.names import POSSIBLE
from screening.names import NameCandidate, NameIndex, explain, similarity, tokens
from screening.names.match import SOUND
from screening.names.normalize import SOUND_LETTERS, sound_key, weak_words

SOUNDS = "same sounds, vowels aside (romanised alike)"


def reasons(a: str, b: str) -> list[str]:
    return [x.reason for x in explain(a, b).aligned]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Mohamed", "Muhammad"),
        ("Hezbollah", "HIZBULLAH"),
        ("Hussein", "HUSAYN"),
        ("Hossein", "Husayn"),
        ("Yousef", "YUSUF"),
        ("Ghasem", "Qasem"),  # Persian "gh" for ق
        ("Bagher", "Baqir"),
        ("Djamel", "Jamal"),  # French "dj" for ج
        ("Soleimani", "SULAYMANI"),
        ("Mahmoud", "MEHMOOD"),
        ("Hezbollah", "Hizballah"),  # o for a after the first vowel: Persian "-ollah"
        ("Jalolov", "ZHALALOV"),  # Uzbek
        ("Zhalolov", "JALALOV"),
    ],
)
def test_romanisations_of_one_word_are_a_possible_match(query: str, listed: str) -> None:
    why = explain(query, listed)
    assert why.score == SOUND >= POSSIBLE, why.summary
    assert reasons(query, listed) == [SOUNDS]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Khaled Shaikh Muhammad", "MOHAMMED, Khalid Shaikh"),
        ("Saddam Husayn", "Saddam Hussein"),
        ("Jaish-i-Muhammad", "JAISH-E-MOHAMMED"),
        ("Muhammad Baqir Qalibaf", "Mohammad Bagher Ghalibaf"),
    ],
)
def test_a_name_romanised_otherwise_is_found(query: str, listed: str) -> None:
    assert similarity(query, listed) >= POSSIBLE
    assert SOUNDS in reasons(query, listed)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hussein", "Hassan"),  # u is not a: حسين and حسن
        ("Hossein", "Hassan"),  # nor is o
        ("Husayn", "Hasan"),
        ("Martin", "Morton"),
        ("Moraz", "Maroz"),  # o for a in the first vowel: no ("Hossein" is not "Hassan")
        ("Hoosain", "Hassan"),  # nor in a first run of two vowels (a review)
        ("Guangzhou", "Zhengzhou"),  # pinyin, both: one standard spelling
        ("Center", "Kontur"),  # a generic word is spelt one way
        ("Chen", "Chuan"),  # one run of vowels: a syllable
        ("Yusuf", "Sofia"),  # two consonants are too few
    ],
)
def test_other_vowels_or_words_of_a_language_stay_apart(a: str, b: str) -> None:
    assert similarity(a, b) == 0.0, explain(a, b).summary


def test_a_closer_reason_wins() -> None:
    """A pair one typing error apart keeps that reason and its own score, which is higher."""
    assert reasons("Marten", "Martin") == ["one typing error"]
    assert similarity("Marten", "Martin") > SOUND


def test_a_sound_ranks_below_a_typing_error_of_any_word_with_a_sound_key() -> None:
    shortest_typo = 1 - 1 / (SOUND_LETTERS + 1)  # token_similarity of one typing error
    assert POSSIBLE <= SOUND < shortest_typo
    assert sound_key("axab") == ""  # three consonants ("x" is "ks") in four letters: too short
    assert sound_key("akseb") != ""


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Hamad Hamid", "Ahmad Hamed"),  # "Hamad" sounds like "Hamed", but is "Ahmad" swapped
        ("Kamal Jamel", "Jamal Jamil"),
        ("Samer Sabir", "Amer Samir"),
        ("Hamad Hamid Tamimi", "Ahmad Hamed Tamimi"),
        ("Elix Alek Mohammed Hassan", "Alex Elis Mohammed Hassan"),  # four letters: no sound
    ],
)
def test_a_sound_never_takes_a_word_a_typing_error_needed(query: str, listed: str) -> None:
    """The alignment is greedy, best similarity first: a sound ranks below every typing error
    of the words that may sound alike, so each word keeps the partner it had (a review found
    these cleared when a sound ranked above them)."""
    why = explain(query, listed)
    assert why.score >= POSSIBLE, why.summary
    assert SOUNDS not in reasons(query, listed)


# --- properties ---------------------------------------------------------------------------------

CONSONANTS = ["b", "d", "f", "h", "k", "l", "m", "n", "r", "s", "sh", "t", "z"]
SPELLINGS = {
    "a": ["a", "e", "aa"],
    "i": ["i", "e", "ee", "ei"],
    "u": ["u", "o", "ou", "oo"],
}
"""How romanisations write Arabic's three short vowels (and "ei", "ee", "ou" the long ones)."""
LAST = [c for c in CONSONANTS if c not in ("n", "r")]
"""A last consonant no pinyin syllable ends in: two words of pinyin syllables are kept apart."""


@st.composite
def romanised(draw: st.DrawFn) -> tuple[str, str]:
    """One word as two romanisations: the same consonants (doubled or not) and short vowels,
    each vowel spelt either way."""
    consonants = draw(st.lists(st.sampled_from(CONSONANTS), min_size=2, max_size=4))
    consonants.append(draw(st.sampled_from(LAST)))
    vowels = draw(st.lists(st.sampled_from("aiu"), min_size=len(consonants) - 1,
                           max_size=len(consonants) - 1))  # fmt: skip
    spelt = []
    for _ in range(2):
        word = consonants[0]
        for c, v in zip(consonants[1:], vowels, strict=True):
            double = draw(st.booleans()) and len(c) == 1
            word += draw(st.sampled_from(SPELLINGS[v])) + (c * 2 if double else c)
        spelt.append(word.capitalize())
    return spelt[0], spelt[1]


def plain(word: str) -> bool:
    """A drawn word that is one canonical word of its own, not a legal form or generic word."""
    got = tokens(word)
    return len(got) == 1 and got[0] not in weak_words()


@given(romanised())
def test_two_romanisations_of_one_word_are_alike(pair: tuple[str, str]) -> None:
    a, b = pair
    assume(plain(a) and plain(b))
    assert similarity(a, b) >= SOUND, explain(a, b).summary
    assert similarity(b, a) == similarity(a, b)


@given(romanised())
def test_an_index_finds_the_other_romanisation(pair: tuple[str, str]) -> None:
    """Search and `NameIndex.similarity` agree: the index proposes the words that sound alike."""
    a, b = pair
    assume(plain(a) and plain(b))
    index = NameIndex([NameCandidate("k", b), NameCandidate("other", "Unrelated Name")])
    found = index.search(a, cutoff=POSSIBLE)
    assert [m.key for m in found] == ["k"]
    assert found[0].score == index.similarity(a, b)
