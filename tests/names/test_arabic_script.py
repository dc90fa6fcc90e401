"""Arabic script against its Latin forms: the consonants written, the vowels not."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers.names import POSSIBLE, possible_with_note
from screening.names import explain, similarity, tokens
from screening.names.normalize import weak_words

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


def plain_words(latin: str) -> bool:
    """Whether a drawn Latin name reads as its own words: no legal form or number word by
    chance ("Baba Nine" reads "baba 9"), the article aside."""
    weak = weak_words()
    return all((t not in weak or t == "al") and not t.isdigit() for t in tokens(latin))


@given(st.lists(words(), min_size=2, max_size=3))
def test_a_name_in_arabic_script_reads_as_its_latin_forms(name: list[tuple[str, str]]) -> None:
    latin = " ".join(w for _, w in name)
    assume(plain_words(latin))
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
    possible_with_note(arabic, latin, "Arabic script")


def test_other_consonants_are_another_name() -> None:
    assert similarity("عبد الرحمن", "Abdul Karim") < POSSIBLE
    assert similarity("فاطمة", "Fatih") < POSSIBLE


@pytest.mark.parametrize(
    ("arabic", "latin"), [("شفيق", "Chafik"), ("تشفك", "Chafik"), ("زهراء", "Zahra")]
)
def test_french_ch_and_letters_read_one_by_one(arabic: str, latin: str) -> None:
    """ش is a French "ch", and so is تش; ز then ه are two letters, not the "zh" of Latin."""
    assert similarity(arabic, latin) >= POSSIBLE


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("بلستك", "Plastic"),  # no "p" in Arabic: ب
        ("دفلبمنت", "Development"),  # nor "v": ف
        ("اكستشنج", "Exchange"),  # "x" is كس
        ("بور", "Pour"),  # Persian پ written plain
    ],
)
def test_letters_arabic_has_not_are_written_with_those_it_has(arabic: str, latin: str) -> None:
    assert similarity(arabic, latin) >= POSSIBLE, explain(arabic, latin).summary


def test_a_legal_form_is_read_as_its_latin_abbreviation() -> None:
    """ك is "Co.", لتد "Ltd": the abbreviation the Latin name has, not the word it stands for."""
    assert similarity("ال حرم ترنسفر ك", "AL HARAM TRANSFER CO.") >= POSSIBLE
    assert similarity("كلاسيك تريدنج لتد", "Classic Trading Ltd") >= POSSIBLE
    assert (
        similarity("ال حرم ترنسفر ك", "AL HARAM TRANSFER")
        > similarity("ال حرم ترنسفر", "AL HARAM TRANSFER CO.") - 0.1
    )  # the abbreviation is weak evidence either way


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("احمد نزم س اد", "AHMAD, Nazim Sa'id"),  # a lone letter is part of the next word
        ("ال ق اد", "AL QA'IDA"),
        ("قن ان محممد", "QAN'AN, Muhammad"),  # a short word with alif after a word
        ("الي اسم ال", "'ALI, Isma'il"),  # an article ending the name ends a word
        ("م س ال زروني", "M/S. AL ZAROONI"),  # letters standing alone: initials
        ("ال البي ادل", "AL-OLABI, Adel"),  # after an article, no article
        ("البحدلي محمد", "ALBEHADILI, Mohammed"),  # an article the Latin name joins
        ("الزحب خمس", "ALZAHABE, Khamis"),
        # each way of joining is one reading: the rest of a word, or a word of its own
        ("م رف ابد ال سلم", "MA'RUF, Abd-al-Salam"),  # ابد is Abd, no rest of Ma'ruf
        ("ز ايتر الي", "ZU'AYTAR, 'Ali"),  # nor الي of Zu'aytar
        ("ني م رشد رشد", "NI'MA, Rashid Rashid"),  # a lone letter ending the word before
        ("سيد ابد ال من ام", "SAIYID, Abd Al-Man'am"),  # ابد is never the rest of a word
    ],
)
def test_words_spaced_differently_in_the_two_scripts(arabic: str, latin: str) -> None:
    possible_with_note(arabic, latin, "Arabic script")


def test_explain_says_when_words_were_joined() -> None:
    why = explain("احمد نزم س اد", "AHMAD, Nazim Sa'id")
    assert any("words joined" in n for n in why.notes), why.notes
    plain = explain("محمد حسن", "Mohamad HASSAN")
    assert not any("words joined" in n for n in plain.notes), plain.notes


@st.composite
def split_words(draw: st.DrawFn) -> tuple[str, str]:
    """A word whose first consonant and vowel an apostrophe (an ayn, a hamza) ends in Latin
    letters ("Sa'id"), and which Arabic script, letter by letter, splits there: "س اد"."""
    picked = draw(st.lists(st.sampled_from(LETTERS), min_size=2, max_size=4))
    latin = [draw(st.sampled_from(ls)) + draw(st.sampled_from("aeiou")) for _, ls in picked]
    arabic = f"{picked[0][0]} ا" + "".join(a for a, _ in picked[1:])
    return arabic, f"{latin[0]}'{draw(st.sampled_from('aiu'))}{''.join(latin[1:])}".capitalize()


@given(words(), split_words())
def test_a_word_split_at_an_apostrophe_reads_as_its_latin_form(
    first: tuple[str, str], second: tuple[str, str]
) -> None:
    name_ar, name_la = f"{first[0]} {second[0]}", f"{first[1]} {second[1]}"
    assume(plain_words(name_la))
    assert similarity(name_ar, name_la) >= POSSIBLE, explain(name_ar, name_la).summary


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("ابد رببح", "ABD'RABBAH"),  # عبد, "servant of", a word of its own in Arabic script
        ("عبد ربه", "Abdrabbah"),
        ("ازحر محمد", "AZHAR, Mohammad"),  # z then h, not the one sound "zh"
        ("ال نتشح", "AL NATSHEH"),  # t then sh
        ("ال امجي اند برس", "AL-OMGY AND BROS."),  # an abbreviation of a business word
        ("الفي ابدل رف", "ALVI, Abdul Rauf"),  # ال and two letters: a word of its own
    ],
)
def test_words_arabic_script_writes_otherwise(arabic: str, latin: str) -> None:
    assert similarity(arabic, latin) >= POSSIBLE, explain(arabic, latin).summary


def test_a_word_read_by_its_consonants_is_never_the_article() -> None:
    """الي ("Ali") has the consonant of "al" / "el": but Arabic script joins its article."""
    assert similarity("نو الي", "EL NINO") < POSSIBLE
    assert similarity("نو الي", "NAWAE, Ali") >= POSSIBLE
