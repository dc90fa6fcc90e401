"""Names: an aircraft listed by its registration ("EP-MMB", "YK-AGC"; issue 15).

The CSL names some 220 aircraft by registration alone: a nationality mark many of them share,
so light, and the registration. The registration without its mark is not the aircraft ("MMB"
is no more EP-MMB than UP-MMB, nor the initials of Masked Men Brigade), and the registration
inside a longer name is the aircraft however many words come with it. Checked through
`similarity`, `explain` and `NameIndex.search`, whose results must agree.
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
    ("itc", "EP-ITC"),
    ("p632", "P-632"),
    ("brigade", "MASKED MEN BRIGADE"),
    ("syrianair", "SYRIAN ARAB AIRLINES"),
    ("dboy", "D-BOY"),  # a nickname: one-letter marks take four letters ("D-ABCD")
]


@lru_cache(maxsize=1)
def _index() -> NameIndex:
    return NameIndex([NameCandidate(k, n) for k, n in LISTED], cutoff=0.5)


def _found(query: str) -> dict[str, float]:
    return {m.key: m.score for m in _index().search(query, cutoff=POSSIBLE)}


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("MMB", "mmb"),  # was 0.885: the mark weighed little
        ("UP-MMB", "mmb"),  # another country's aircraft
        ("LIMITED LIABILITY COMPANY I T C", "itc"),  # a tune-set false alarm, 0.860
        ("632", "p632"),
    ],
)
def test_a_registration_without_its_mark_is_not_the_aircraft(query: str, key: str) -> None:
    assert key not in _found(query)
    name = dict(LISTED)[key]
    assert _index().similarity(query, name) < POSSIBLE
    assert similarity(query, name) < POSSIBLE


def test_initials_are_no_longer_outranked_by_half_a_registration() -> None:
    assert list(_found("MMB")) == ["brigade"]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Mahan Air EP-MMB", "mmb"),
        ("EP MMB aircraft", "mmb"),
        ("YK-AGC Syrian Arab Airlines", "agc"),  # outweighed by nothing: an identifier
        ("Syrian Arab Airlines YK-AGC", "agc"),
        ("Airbus EP-MM8 Mahan", "mmb"),  # digits for letters
        ("Air Koryo P-632", "p632"),
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


def test_a_word_shaped_like_a_mark_is_no_registration() -> None:
    """ "D-BOY" is a nickname (one-letter marks take four letters): its words weigh as any
    name's, and it is no identifier that any longer name holds."""
    assert similarity("BOY", "D-BOY") == similarity("BOY", "D BOY")
    assert "dboy" not in _found("BIG D-BOY TRADING AND CONTRACTING COMPANY")


@SETTINGS
@given(
    mark=st.sampled_from(["EP", "YK", "UR", "EW", "RA", "P4", "EX"]),
    code=st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ", min_size=3, max_size=4),
    before=st.sampled_from(["", "Mahan Air ", "Cham Wings Airlines Airbus A320 "]),
)
def test_any_registration_is_found_whole_and_not_by_its_code(
    mark: str, code: str, before: str
) -> None:
    name = f"{mark}-{code}"
    assert similarity(code, name) < POSSIBLE
    assert similarity(f"{before}{name}", name) >= POSSIBLE
