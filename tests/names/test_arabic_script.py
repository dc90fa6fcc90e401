"""Arabic script against its Latin forms: the consonants written, the vowels not."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from screening.names import explain, similarity, tokens
from screening.names.normalize import weak_words

POSSIBLE = 0.82

LETTERS = [
    ("ب", ["b"]), ("ت", ["t"]), ("ج", ["j", "g"]), ("ح", ["h"]), ("خ", ["kh"]), ("د", ["d"]),
    ("ر", ["r"]), ("ز", ["z"]), ("س", ["s"]), ("ش", ["sh"]), ("ف", ["f"]), ("ق", ["q", "k"]),
    ("ك", ["k"]), ("ل", ["l"]), ("م", ["m"]), ("ن", ["n"]),
]  # fmt: skip
"""Arabic consonants and how Latin letters commonly write them (Egyptian "g" for ج, "k" for ق)."""


@st.composite
def words(draw: st.DrawFn) -> tuple[str, str]:
    """One word: in Arabic script its consonants; in Latin letters each with a short vowel,
    a final ta marbuta ("-a" / "-ah") or not, and with the article ("al-" / "el-") or not."""
    picked = draw(st.lists(st.sampled_from(LETTERS), min_size=2, max_size=4))
    arabic = "".join(a for a, _ in picked)
    latin = "".join(draw(st.sampled_from(ls)) + draw(st.sampled_from("aeiou")) for _, ls in picked)
    if draw(st.booleans()):
        arabic += "ة"
        latin = latin[:-1] + draw(st.sampled_from(["a", "ah"]))
    if draw(st.booleans()):
        arabic = "ال" + arabic
        latin = draw(st.sampled_from(["al-", "el-", "Al "])) + latin
    return arabic, latin.capitalize()


@given(st.lists(words(), min_size=2, max_size=3))
def test_a_name_in_arabic_script_reads_as_its_latin_forms(name: list[tuple[str, str]]) -> None:
    latin = " ".join(w for _, w in name)
    weak = weak_words()
    assume(all(t not in weak or t == "al" for t in tokens(latin)))  # no legal form by chance
    arabic = " ".join(a for a, _ in name)
    assert similarity(arabic, latin) >= POSSIBLE, (arabic, latin)


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("عبد الرحمن", "Abdul Rahman"),  # the article joined to its word; Abdul is عبد al-
        ("عبد الرحمن", "ABD AL-RAHMAN"),
        ("عبد الرحمن", "Abdel Rahman"),
        ("أبو بكر البغدادي", "ABU BAKR AL-BAGHDADI"),
        ("فاطمة", "Fatimah"),  # ta marbuta
        ("أسامة بن لادن", "Usama bin Ladin"),
        ("أسامة بن لادن", "Osama bin Laden"),
        ("محمد حسن", "Mohamad HASSAN"),
        ("عبدالله", "Abdullah"),  # Allah's h stays
    ],
)
def test_common_romanisations(arabic: str, latin: str) -> None:
    why = explain(arabic, latin)
    assert why.score >= POSSIBLE, why.summary
    assert any("Arabic script" in n for n in why.notes), why.notes


def test_other_consonants_are_another_name() -> None:
    assert similarity("عبد الرحمن", "Abdul Karim") < POSSIBLE
    assert similarity("فاطمة", "Fatih") < POSSIBLE


@pytest.mark.parametrize(
    ("arabic", "latin"), [("شفيق", "Chafik"), ("تشفك", "Chafik"), ("زهراء", "Zahra")]
)
def test_french_ch_and_letters_read_one_by_one(arabic: str, latin: str) -> None:
    """ش is a French "ch", and so is تش; ز then ه are two letters, not the "zh" of Latin."""
    assert similarity(arabic, latin) >= POSSIBLE
