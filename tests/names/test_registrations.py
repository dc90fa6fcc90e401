"""Names: an aircraft registration ("EP-MMB", "YK-AGC") is one identifier, not two words.

The lists name some 220 aircraft by their registration alone. Read as two words, the part after
the nationality mark was half a name: "ITC LLC" was a review for "EP-ITC", and the initials
"CFM" of "Charles Farrell Malone" ranked "EP-CFM" first. Read as one word, the registration
still meets itself written with a space, glued, or inside a longer name. Checked through
`NameIndex.search`, `similarity` and `tokens` (data/registration_marks.yaml).
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from helpers.names import MATCH, POSSIBLE
from screening.names import NameCandidate, NameIndex, similarity, tokens

LISTED = [
    ("mahan", "MAHAN AIR"),  # "air" on more names, weighing what it weighs on a list
    ("iranair", "IRAN AIR"),
    ("caspian", "CASPIAN AIRLINES"),
    ("syrianair", "SYRIAN ARAB AIRLINES"),
    ("freight", "AIR FREIGHT LTD"),
    ("novosibirsk", "NOVOSIBIRSK AIRCRAFT ENTERPRISE"),
    ("sukhoi", "SUKHOI AIRCRAFT"),
    ("mmb", "EP-MMB"),
    ("itc", "EP-ITC"),
    ("agc", "YK-AGC"),
    ("bahrain", "A9C-AB"),
    ("belarus", "EW-001PH"),
    ("malone", "Charles Farrell Malone"),
    ("aqsa", "AL-AQSA"),
]


@lru_cache(maxsize=1)
def _index() -> NameIndex:
    return NameIndex([NameCandidate(k, n) for k, n in LISTED], cutoff=0.5)


def _keys(query: str) -> list[str]:
    return [m.key for m in _index().search(query, cutoff=POSSIBLE)]


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("EP-MMB", "epmmb"),
        ("yk-agc", "ykagc"),
        ("A9C-AB", "a9cab"),  # a mark of three characters (Bahrain)
        ("EW-001PH", "ew001ph"),
        ("RDPL-34001", "rdpl34001"),  # of four (Laos)
    ],
)
def test_a_registration_is_read_as_one_word(name: str, word: str) -> None:
    assert tokens(name) == (word,)
    assert tokens(" ".join(tokens(name))) == (word,)  # idempotent


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("AL-AQSA", ("al", "aqsa")),  # "AL" is no nationality mark
        ("IS-EGYPT", ("is", "egypt")),
        ("EP-ABCDEFG", ("ep", "abcdefg")),  # too long for a registration
        ("Mahan Air EP-MMB", ("mahan", "air", "ep", "mmb")),  # only the whole name
    ],
)
def test_only_a_whole_name_of_a_mark_and_a_registration_is_one(
    name: str, words: tuple[str, ...]
) -> None:
    assert tokens(name) == words


@pytest.mark.parametrize(
    "query", ["EP-MMB", "ep mmb", "EPMMB", "EP MMB aircraft", "Mahan Air EP-MMB"]
)
def test_a_registration_finds_its_aircraft_however_written(query: str) -> None:
    assert "mmb" in _keys(query)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("ITC", "EP-ITC"),
        ("ITC LLC", "EP-ITC"),
        ("Limited Liability Company I T C", "EP-ITC"),
        ("MMB", "EP-MMB"),
        ("AGC Trading", "YK-AGC"),
    ],
)
def test_the_part_after_the_mark_alone_is_no_name_of_the_aircraft(query: str, listed: str) -> None:
    assert _keys(query) == []
    assert similarity(query, listed) < POSSIBLE


def test_initials_are_not_taken_for_a_registration() -> None:
    """The initials of a listed person ("CFM"), which "EP-CFM" would have outranked."""
    index = NameIndex(
        [NameCandidate("cfm", "EP-CFM"), NameCandidate("malone", "Charles Farrell Malone")],
        cutoff=0.5,
    )
    assert [m.key for m in index.search("CFM", cutoff=POSSIBLE)][:1] == ["malone"]
    assert similarity("CFM", "EP-CFM") < POSSIBLE


def test_two_registrations_are_compared_whole() -> None:
    assert similarity("EP-MMB", "EP MMB") >= MATCH
    assert similarity("EP-MMB", "EP-MMC") < MATCH  # another aircraft: a review at most
