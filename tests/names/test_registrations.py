"""Names: an aircraft listed by its registration ("EP-MMB", "YK-AGC"; issue 15).

The CSL names some 220 aircraft by registration alone: a nationality mark many of them share,
so light, and the registration. The registration without its mark is not the aircraft ("MMB"
is no more EP-MMB than UP-MMB, nor the initials of Masked Men Brigade), and the registration
inside a longer name is the aircraft however many words come with it. Checked through
`similarity`, `explain` and `NameIndex.search`, whose results must agree, on a list where the
mark is as common as on the CSL.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.names import MATCH, POSSIBLE
from helpers.strategies import SETTINGS
from screening.names import NameCandidate, NameIndex, explain, similarity

LISTED = [
    ("mmb", "EP-MMB"),
    ("agc", "YK-AGC"),
    ("and", "YK-AND"),  # its registration a stop word
    ("itc", "EP-ITC"),
    ("p632", "P-632"),
    ("ojhh", "F-OJHH"),
    ("dkl", "5A-DKL"),  # Libya: its mark read as digits for letters is "sa", a legal form
    ("alk", "ET-ALK"),  # Ethiopia: its mark a stop word
    ("brigade", "MASKED MEN BRIGADE"),
    ("syrianair", "SYRIAN ARAB AIRLINES"),
    ("koti", "KOTI"),  # a vessel
    ("dboy", "D-BOY"),  # a nickname: after a one-letter mark, letters alone are a word
]
FLEET = [
    (f"ep{i}", f"EP-{a}{b}{c}")
    for i, (a, b, c) in enumerate(
        zip("BCDFGHJKLNPRST" * 3, ("AEIOU" * 9)[:42], "QVW" * 14, strict=True)
    )
]
"""Forty-two more Iranian aircraft (the CSL has 140 of its 220): their mark weighs little."""


@lru_cache(maxsize=1)
def _index() -> NameIndex:
    return NameIndex([NameCandidate(k, n) for k, n in LISTED + FLEET], cutoff=0.5)


def _found(query: str) -> dict[str, float]:
    return {m.key: m.score for m in _index().search(query, cutoff=POSSIBLE)}


def test_the_mark_weighs_little_on_this_list() -> None:
    """The premise of the tests below: on a list of many aircraft of one mark, the mark alone
    aligned says almost nothing."""
    assert _index().weights("ep") < 0.5 * _index().weights("mmb")


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("MMB", "mmb"),  # was 0.885 on the CSL: the mark weighed little
        ("UP-MMB", "mmb"),  # another country's aircraft
        ("LIMITED LIABILITY COMPANY I T C", "itc"),  # a tune-set false alarm, 0.860
        ("632", "p632"),
        ("DKL Trading Company", "dkl"),  # a mark read as a legal form is no legal form here
        ("ALK Holdings Ltd", "alk"),
    ],
)
def test_a_registration_without_its_mark_is_not_the_aircraft(query: str, key: str) -> None:
    assert key not in _found(query)
    assert _index().similarity(query, dict(LISTED)[key]) < POSSIBLE


def test_initials_are_no_longer_outranked_by_half_a_registration() -> None:
    assert list(_found("MMB")) == ["brigade"]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Boeing 747-422 F-OJHH", "ojhh"),
        ("Mahan Air EP-MMB", "mmb"),
        ("EP MMB aircraft", "mmb"),
        ("YK-AGC Syrian Arab Airlines", "agc"),  # outweighed by nothing: an identifier
        ("Syrian Arab Airlines YK-AGC", "agc"),
        ("Airbus EP-MM8 Mahan", "mmb"),  # digits for letters
        ("Air Koryo P-632", "p632"),
        ("Cham Wings YK-AND", "and"),  # a stop word for a registration
        ("Libyan Airlines 5A-DKL", "dkl"),
    ],
)
def test_a_registration_inside_a_longer_name_is_the_aircraft(query: str, key: str) -> None:
    found = _found(query)
    name = dict(LISTED)[key]
    assert key in found, explain(query, name).summary
    assert found[key] == _index().similarity(query, name)
    assert "wholly inside" in _index().explain(query, name).summary


@pytest.mark.parametrize("query", ["EP-MMB", "EP MMB", "EPMMB", "ep–mmb", "ЕР-ММВ", "EP-MM8"])
def test_the_registration_however_written_is_a_match(query: str) -> None:
    assert _found(query).get("mmb", 0.0) >= MATCH


@pytest.mark.parametrize(
    ("name", "aircraft"),
    [
        ("EP-MMB", True),
        ("P-632", True),  # North Korea: digits after a one-letter mark
        ("F-OJHH", True),  # four letters after a one-letter mark
        ("M-VITO", True),
        ("RA-02791", True),
        ("EW-001PH", True),
        ("EX-KOTI", False),  # letters alone: three after a mark of two characters
        ("D-BOY", False),  # and four after one letter
        ("B-52", False),  # digits: three or more after one letter
        ("AL-AQSA", False),  # no mark
    ],
)
def test_what_is_read_as_a_registration(name: str, aircraft: bool) -> None:
    """A registration's code alone meets it less than the same words written apart would
    (its mark costs as much as its code); any other name's, exactly as much."""
    mark, code = name.split("-")
    index = NameIndex(
        [NameCandidate("dash", name), NameCandidate("space", f"{mark} {code}"), *_fleet(mark)],
        cutoff=0.3,
    )
    dashed, spaced = index.similarity(code, name), index.similarity(code, f"{mark} {code}")
    assert (dashed < spaced) is aircraft, (dashed, spaced)


def _fleet(mark: str) -> list[NameCandidate]:
    """Aircraft of one mark (or names of one first word): the mark weighs little."""
    return [NameCandidate(f"{mark}{x}", f"{mark}-{x}9") for x in ("QQA", "QQB", "QQC", "QQD")]


def test_a_word_shaped_like_a_mark_is_no_registration() -> None:
    """ "D-BOY" is a nickname (after a one-letter mark, letters alone are a word): its words
    weigh as any name's, and it is no identifier that any longer name holds."""
    assert similarity("BOY", "D-BOY") == similarity("BOY", "D BOY")
    assert "dboy" not in _found("BIG D-BOY TRADING AND CONTRACTING COMPANY")


@pytest.mark.parametrize("query", ["EX-KOTI", "ex-KOTI", "UN-KOTI", "KOTI (ex-HOMA)", "EX KOTI"])
def test_a_vessel_s_former_name_after_a_mark_like_word_still_holds_the_name(query: str) -> None:
    """ "EX-KOTI" is how a vessel's former name is written, and EX is Kyrgyzstan's mark: the
    listed name inside it is found all the same."""
    assert _found(query).get("koti", 0.0) >= POSSIBLE


@SETTINGS
@given(
    mark=st.sampled_from(["EP", "YK", "UR", "EW", "EX", "ET", "5A", "7O", "OY", "SE"]),
    code=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
    | st.sampled_from(["AND", "PLC", "LLC", "LTD", "JSC", "THE", "SAS", "BHD", "FZE", "SRL"]),
    before=st.sampled_from(["Mahan Air ", "Cham Wings Airlines Airbus A320 ", "The "]),
)
def test_any_registration_is_found_whole_and_not_by_its_code(
    mark: str, code: str, before: str
) -> None:
    """In a list of aircraft of its mark, the registration inside a longer name is a possible
    match; its code alone, or with the same words around it, is not."""
    name = f"{mark}-{code}"
    fleet = [NameCandidate(f"{mark}{x}", f"{mark}-{x}") for x in ("QQA", "QQB", "QQC", "QQD")]
    index = NameIndex([NameCandidate("it", name), *fleet], cutoff=0.5)
    assert index.similarity(f"{before}{name}", name) >= POSSIBLE
    assert "it" in {m.key for m in index.search(f"{before}{name}", cutoff=POSSIBLE)}
    assert index.similarity(code, name) < POSSIBLE
    assert index.similarity(f"{before}{code}", name) < POSSIBLE
