"""Wade-Giles against pinyin: the whole syllable table, marks written or dropped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.names import POSSIBLE
from screening.names import explain, similarity, tokens
from screening.names.normalize import wade_giles

SYLLABLES = sorted(wade_giles().pinyin)
NAMES = [s for s in SYLLABLES if tokens(s) == (s,) and not set(s).isdisjoint("aeiouv")]
"""Syllables that are no legal form or number word in Latin letters ("pao" is PAO, a JSC), and
that have a vowel: in Mandarin "m", "n", "ng", "hm" and "hng" are interjections, in no name
(the surname Ng is Cantonese, no pinyin). Hyphenated after a one-letter syllable they read as
other words ("a a-ng" as "aa ng", not "A Ang")."""
WG = {py: wg for py, (wg, _) in wade_giles().pinyin.items()}


def test_the_table_holds_every_mandarin_syllable() -> None:
    assert len(SYLLABLES) >= 400
    expected = {"xiao": "hsiao", "ping": "p'ing", "zhi": "chih", "guo": "kuo", "xue": "hsueh"}
    assert {k: WG[k] for k in expected} == expected


@given(st.sampled_from(NAMES), st.sampled_from(NAMES), st.sampled_from(NAMES))
def test_every_syllable_in_wade_giles_reads_back_to_its_pinyin(s: str, g1: str, g2: str) -> None:
    """A name of any syllables, in Wade-Giles with its apostrophes or without, given name
    hyphenated or joined, surname first: alike its pinyin at least as a possible match."""
    listed = f"{s.capitalize()} {(g1 + g2).capitalize()}"
    for given_name in (f"{WG[g1]}-{WG[g2]}", WG[g1] + WG[g2]):
        for text in (f"{WG[s]} {given_name}", f"{WG[s]} {given_name}".replace("'", "")):
            assert similarity(text, listed) >= POSSIBLE, (text, listed)


@pytest.mark.parametrize(
    "query",
    [
        "Teng Hsiao-p'ing",
        "Teng Hsiao-ping",
        "Teng Hsiaoping",
        "Teng Hsiao Ping",
        "Hsiao-p'ing Teng",
    ],
)
def test_deng_xiaoping_in_wade_giles_however_written(query: str) -> None:
    why = explain(query, "DENG, Xiaoping")
    assert why.score >= POSSIBLE, why.summary
    assert any("Wade-Giles" in a.reason for a in why.aligned), why.aligned


def test_apostrophes_written_are_read_exactly() -> None:
    """With its apostrophes, Wade-Giles says "t" is pinyin "d": not "Teng" in pinyin."""
    assert similarity("Teng Hsiao-p'ing", "Deng Xiaoping") == 1.0
    assert similarity("Teng Hsiao-p'ing", "Teng Xiaobing") < POSSIBLE


def test_without_apostrophes_a_review_not_a_match() -> None:
    assert POSSIBLE <= similarity("Teng Hsiao-ping", "Deng Xiaoping") < 0.92


def test_a_name_in_pinyin_only_is_not_read_as_wade_giles() -> None:
    assert not any("Wade-Giles" in n for n in explain("Li Wei", "Li Wei").notes)
    assert similarity("Jean-Pierre Dupont", "Jean-Pierre Dupont") == 1.0
