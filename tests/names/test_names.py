"""Name matching: the evasions of the ZTE case must match; different names must not.

The listed names are those of the ZTE-related Entity List entries (81 FR 12004, 82 FR 15458);
the evasive spellings are the ones a shell-company scheme uses in practice: number words,
abbreviated legal forms, reordered words, look-alike letters from other scripts and invisible
characters.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from helpers.names import MATCH, POSSIBLE
from helpers.strategies import SETTINGS, name_texts
from screening.names import normalize, similarity, tokens

EIGHT_STAR = "Beijing 8-Star International Co."
ZTE = "ZTE Corporation"
SHI = "Shi Lirong"
PARSIAN = "ZTE Parsian"
KANGXUN = "ZTE Kangxun Telecommunications Ltd."

ZW = {
    "ZERO WIDTH SPACE": "\u200b",
    "ZERO WIDTH JOINER": "\u200d",
    "ZERO WIDTH NO-BREAK SPACE (BOM)": "\ufeff",
    "SOFT HYPHEN": "\u00ad",
}

EVASIONS = [
    # number word and abbreviations
    ("Beijing Eight Star Intl. Co", EIGHT_STAR),
    ("Beijing Eight-Star Int'l Company", EIGHT_STAR),
    ("Beijing 8-Star Intl Co", EIGHT_STAR),
    # joined / split words
    ("Beijing 8Star International Co.", EIGHT_STAR),
    ("Beijing 8 Star International Co.", EIGHT_STAR),
    ("Beijing8-Star International Co", EIGHT_STAR),
    # word order
    ("International Co. Beijing 8-Star", EIGHT_STAR),
    ("8-Star Beijing International Co.", EIGHT_STAR),
    # case and punctuation
    ("BEIJING 8-STAR INTERNATIONAL CO", EIGHT_STAR),
    ("Beijing 8\u2013Star International Co.", EIGHT_STAR),  # en dash
    # added legal form
    ("Beijing 8-Star International Co. Ltd.", EIGHT_STAR),
    # Cyrillic look-alike letters: capital VE (U+0412) and small IE (U+0435)
    ("\u0412eijing 8-Star Int\u0435rnational Co.", EIGHT_STAR),
    # Cyrillic look-alikes throughout: E, C, o, p, a in "ZTE Corporation"
    ("ZT\u0415 \u0421\u043er\u0440\u043er\u0430ti\u043en", ZTE),
    # Greek look-alikes: capital ZETA (U+0396), capital TAU (U+03A4)
    ("\u0396\u03a4E Corporation", ZTE),
    # invisible characters
    ("Beijing\u200b 8-Star International Co.", EIGHT_STAR),
    ("Beijing 8-\u200dStar International Co.", EIGHT_STAR),
    ("\ufeffBeijing 8-Star International Co.", EIGHT_STAR),
    ("Bei\u00adjing 8-Star Inter\u00adnational Co.", EIGHT_STAR),
    ("\u200bBeijing\u200d 8-Star\ufeff Inter\u00adnational Co.", EIGHT_STAR),
    # diacritics and full-width forms
    ("B\u00e9ijing 8-Star International Co.", EIGHT_STAR),
    ("\uff3a\uff34\uff25 \uff23\uff4f\uff52\uff50\uff4f\uff52\uff41\uff54\uff49\uff4f\uff4e", ZTE),
    # legal-form abbreviations
    ("ZTE Corp", ZTE),
    ("ZTE Corp.", ZTE),
    ("Z.T.E. Corp", ZTE),
    ("zte corporation", ZTE),
    ("ZTE Kangxun Telecom Ltd", KANGXUN),
    # personal names: "SURNAME, Given" and reordering
    ("SHI, Lirong", SHI),
    ("Lirong SHI", SHI),
    ("Shi Li-rong", SHI),
    # Iranian subsidiary
    ("ZTE-Parsian", PARSIAN),
    ("ZTE Parsian Co.", PARSIAN),
]


@pytest.mark.parametrize(("query", "listed"), EVASIONS)
def test_evasive_spelling_matches_listed_name(query: str, listed: str) -> None:
    score = similarity(query, listed)
    assert score >= MATCH, f"{query!r} vs {listed!r}: {score} < {MATCH}"


DIFFERENT = [
    ("Huawei Technologies", ZTE),
    ("Huawei", ZTE),
    ("China Mobile", ZTE),
    ("Nokia Corporation", ZTE),
    ("Siemens AG", ZTE),
    ("Acme Logistics GmbH", ZTE),
    (KANGXUN, ZTE),
    ("Beijing Star Trading", EIGHT_STAR),
    ("Shenzhen Kangxun", KANGXUN),
    ("Irancell", "Khadamate Ertebati Rightel"),
    ("Ericsson", "Rightel"),
    ("Far East Shipping", "Far East Cable"),
    ("Wang Lirong", SHI),
]


@pytest.mark.parametrize(("query", "listed"), DIFFERENT)
def test_different_name_does_not_match(query: str, listed: str) -> None:
    score = similarity(query, listed)
    assert score < POSSIBLE, f"{query!r} vs {listed!r}: {score} >= {POSSIBLE}"


@pytest.mark.parametrize(("query", "listed"), EVASIONS[:6] + DIFFERENT[:6])
def test_similarity_is_symmetric_on_the_case_tables(query: str, listed: str) -> None:
    assert similarity(query, listed) == similarity(listed, query)


def test_a_name_with_no_letters_or_digits_scores_zero() -> None:
    assert similarity("...", ZTE) == 0.0
    assert similarity("\u200b\u200d", ZTE) == 0.0


# --- properties ----------------------------------------------------------------------------------

names = name_texts()
"""Any text at all (the normaliser must cope with everything a document can contain), or text
built from pieces that exercise legal forms, split words, initials, look-alikes and scripts."""


@SETTINGS
@given(names)
@example("Beijing 8-Star International Co.")
@example("\u0432x-\u0436")  # a look-alike letter next to a non-look-alike across a hyphen
@example("L:IMITEDLTD")  # a split legal form is re-joined after a glued one is split off
def test_normalize_is_idempotent(name: str) -> None:
    once = normalize(name)
    assert normalize(once) == once


@SETTINGS
@given(names, names)
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    ab = similarity(a, b)
    assert 0.0 <= ab <= 1.0
    assert ab == similarity(b, a)


@SETTINGS
@given(names.filter(lambda name: bool(tokens(name))))
@example("ZTE Corporation")
@example("8")
def test_a_name_is_identical_to_itself(name: str) -> None:
    """Any name that reads as a word at least. Not every letter does: a Manichaean ayin
    ("\U00010ad9") is transliterated "`", as Arabic's ayin is by an apostrophe, and is no word."""
    assert similarity(name, name) == 1.0


_INVISIBLE = st.sampled_from(sorted(ZW.values()))


@SETTINGS
@given(names, st.data())
@example("Beijing 8-Star International Co.", None)
def test_zero_width_character_never_changes_normalize(
    name: str, data: st.DataObject | None
) -> None:
    if data is None:  # the explicit example: one of each, between every pair of letters
        for ch in ZW.values():
            spread = ch.join(name)
            assert normalize(spread) == normalize(name), repr(spread)
        return
    position = data.draw(st.integers(min_value=0, max_value=len(name)), label="position")
    invisible = data.draw(_INVISIBLE, label="invisible")
    changed = name[:position] + invisible + name[position:]
    assert normalize(changed) == normalize(name)


LOOKALIKES = {
    "a": "\u0430",
    "e": "\u0435",
    "o": "\u043e",
    "p": "\u0440",
    "c": "\u0441",
    "x": "\u0445",
}

ascii_words = st.text(
    alphabet=st.characters(min_codepoint=65, max_codepoint=122).filter(str.isalpha),
    min_size=1,
    max_size=15,
).filter(lambda w: any(ch in LOOKALIKES for ch in w))
"""All-ASCII-letter words with at least one letter that has a Cyrillic look-alike."""


def test_lookalike_table_is_cyrillic() -> None:
    for latin, cyrillic in LOOKALIKES.items():
        assert unicodedata.name(cyrillic).startswith("CYRILLIC SMALL LETTER")
        assert cyrillic != latin


@SETTINGS
@given(ascii_words, st.lists(ascii_words, max_size=3), st.lists(ascii_words, max_size=3), st.data())
@example("International", ["Beijing", "8-Star"], ["Co."], None)
def test_cyrillic_lookalike_never_changes_normalize(
    word: str, before: list[str], after: list[str], data: st.DataObject | None
) -> None:
    positions = [i for i, ch in enumerate(word) if ch in LOOKALIKES]
    if data is None:  # the explicit example: replace every replaceable letter
        chosen = positions
    else:
        chosen = data.draw(
            st.lists(st.sampled_from(positions), min_size=1, unique=True), label="positions"
        )
    spoofed = "".join(LOOKALIKES[ch] if i in chosen else ch for i, ch in enumerate(word))
    assert spoofed != word
    original = " ".join([*before, word, *after])
    changed = " ".join([*before, spoofed, *after])
    assert normalize(changed) == normalize(original), (changed, original)


@pytest.mark.parametrize(
    ("query", "listed", "least"),
    [
        ("TSNIIKHM", "FGUP TSNIIKHM", POSSIBLE),  # 0.67 while FGUP weighed as a word of it
        ("TSNIIKHM", "TSNIIKHM, FGUP", POSSIBLE),
        ("FSUE Ekran", "FGUP Ekran", MATCH),  # the English abbreviation of the same form
        ("Promsyrieimport", "VO PROMSYRIEIMPORT FGUP", POSSIBLE),
        ("Universal-Avia GUP", "UNIVERSAL-AVIA, GUP RK", POSSIBLE),
    ],
)
def test_a_russian_state_unitary_enterprise_s_legal_form_is_one(
    query: str, listed: str, least: float
) -> None:
    """FGUP (federal), its English FSUE, and GUP (state) are legal forms, as OOO and AO are:
    a name without them, or with the other spelling, is the listed name."""
    assert similarity(query, listed) >= least
