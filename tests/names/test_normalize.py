"""Normalisation: one canonical spelling for the many ways one name is written.

Case tables pin each step (Unicode, invisible characters, look-alikes, transliteration, legal
forms, numbers, initials, split and glued words); properties check that it is idempotent and
that no invisible character or look-alike letter changes a Latin-script name.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS, name_texts
from screening.names import fold_text, normalize, tokens, transliterate
from screening.names.normalize import foreign_reading, readings, spellings

CASES = [
    # Unicode compatibility forms, case and diacritics
    ("ＺＴＥ Ｃｏｒｐｏｒａｔｉｏｎ", "zte corporation"),
    ("𝐙𝐓𝐄 Corp", "zte corporation"),
    ("Béijing Ørsted Łódź Straße", "beijing orsted lodz strasse"),
    ("BEIJING 8-STAR INTERNATIONAL CO.", "beijing 8 star international company"),
    # invisible and control characters
    ("Bei\u00adjing\u200b 8\u2060-Star\ufeff Co.", "beijing 8 star company"),
    ("ZTE\u200e Parsian\u202c", "zte parsian"),
    ("ZTE\x00 Parsian\x07", "zte parsian"),
    # look-alike letters in a Latin-script name
    ("\u0412eijing 8-Star", "beijing 8 star"),  # Cyrillic capital VE
    ("ZT\u0415 \u0421\u043er\u0440\u043er\u0430ti\u043en", "zte corporation"),  # Cyrillic
    ("\u0396\u03a4E Corporation", "zte corporation"),  # Greek capital ZETA, TAU
    ("\u0396\u03a4\u0395", "zte"),  # wholly Greek capitals that all look Latin: a spoof
    # transliteration of names in other scripts
    ("Шестаков Дмитрий", "shestakov dmitriy"),
    ("ООО Ромашка", "llc romashka"),
    ("中兴通讯", "zhong xing tong xun"),
    ("北京八星", "beijing ba xing"),
    ("深圳市中兴康讯电子有限公司", "shen zhen shi zhong xing kang xun dian zi company limited"),
    ("Αθήνα", "athina"),
    # legal forms, single words and phrases
    ("ZTE Corp.", "zte corporation"),
    ("Acme L.L.C.", "acme llc"),
    ("Limited Liability Company Aeroscan", "llc aeroscan"),
    ("OOO Aeroscan", "llc aeroscan"),
    ("Public Joint Stock Company Sberbank", "jsc sberbank"),
    ("PAO Sberbank", "jsc sberbank"),
    ("Otkrytoe Aktsionernoe Obshchestvo VEB Lizing", "jsc veb lizing"),
    ("Obshchestvo s Ogranichennoi Otvetstvennostyu Proekt", "llc proekt"),
    ("Kowloon Trdg. Co., Ltd.", "kowloon trading company limited"),
    ("Beijing Eight Star Int'l", "beijing 8 star international"),
    # number words and ordinals
    ("Third Academy", "3rd academy"),
    ("Twenty Rivers", "20 rivers"),
    # initials join within a clause, not across it
    ("Z.T.E. Parsian", "zte parsian"),
    ("Z. T. E. Parsian", "zte parsian"),
    ("ZARKO VESELINOVIC B.I., S.T.R. KRISTAL", "zarko veselinovic bi str kristal"),
    # a known word split in two is re-joined; a known ending glued on is split off
    ("Limi ted", "limited"),
    ("Co mpany", "company"),
    ("Opto Elec tronics Pte., Ltd,", "opto electronics private limited"),
    ("CASTLEHOLDINGS", "castle holding"),
    ("RT-KHIMKOMPOZITOAO", "rt khimkompozit jsc"),
    # ... but ordinary words are left alone
    ("Marcos Kansas Newton", "marcos kansas newton"),
    ("Rosoboronexport Sberbank", "rosoboronexport sberbank"),
    # titles are words like any other here (the scorer gives them almost no weight)
    ("Mr. BENAVIDES", "mr benavides"),
    # nothing left
    ("...", ""),
    ("\u200b\u200d", ""),
]


@pytest.mark.parametrize(("raw", "canonical"), CASES)
def test_normalize(raw: str, canonical: str) -> None:
    assert normalize(raw) == canonical


def test_tokens_are_the_words_of_normalize() -> None:
    assert tokens("Beijing 8-Star Int'l Co.") == (
        "beijing",
        "8",
        "star",
        "international",
        "company",
    )


def test_fold_text_keeps_punctuation_and_spacing() -> None:
    assert fold_text("  Unit 601,\u200b 6th  Floor ") == "unit 601, 6th floor"


# --- transliteration ---------------------------------------------------------------------------

TRANSLITERATIONS = [
    ("Дмитрий", "Dmitriy"),
    ("Жуков", "Zhukov"),
    ("重庆", " chongqing "),  # a word read as a word: 重 is "chong" here, not "zhong"
    ("银行", " yinhang "),  # 行 is "hang" in this word, not "xing"
    ("ZTE 中兴", "ZTE  zhong xing "),
    ("محمد", "mhmd"),  # Arabic script writes no short vowels: the scorer cannot recover them
    ("plain ASCII", "plain ASCII"),
]


@pytest.mark.parametrize(("text", "latin"), TRANSLITERATIONS)
def test_transliterate(text: str, latin: str) -> None:
    assert transliterate(text) == latin


def test_chinese_zte_names_transliterate_deterministically() -> None:
    names = ["中兴通讯", "深圳市中兴康讯电子有限公司", "北京八星"]
    first = [normalize(n) for n in names]
    transliterate.cache_clear()
    tokens.cache_clear()
    fold_text.cache_clear()
    assert [normalize(n) for n in names] == first
    assert first[0] == "zhong xing tong xun"


def test_pinyin_tables_share_their_readings_and_keep_every_value() -> None:
    """Once Chinese is read, pypinyin's readings share one string per distinct reading
    (memory: 143,863 syllables, 1,247 distinct), and every reading still equals its file's."""
    import json
    from importlib import resources

    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    assert transliterate.__wrapped__("银行") == " yinhang "
    syllables = [s for readings in PHRASES_DICT.values() for options in readings for s in options]
    assert len({id(s) for s in syllables}) == len(set(syllables))
    chars = list(PINYIN_DICT.values())
    assert len({id(r) for r in chars}) == len(set(chars))
    data = resources.files("pypinyin")
    phrases = json.loads(data.joinpath("phrases_dict.json").read_text("utf-8"))
    assert {k: v for k, v in PHRASES_DICT.items() if k in phrases} == phrases
    singles = json.loads(data.joinpath("pinyin_dict.json").read_text("utf-8"))
    assert {int(k): v for k, v in singles.items()} == {
        k: v for k, v in PINYIN_DICT.items() if str(k) in singles
    }


def test_a_character_no_library_reads_still_equals_itself() -> None:
    private_use_free = "\U000323af"  # an unassigned code point in a CJK extension block
    assert normalize(private_use_free) == normalize(private_use_free)


# --- readings of a wholly foreign look-alike word ------------------------------------------------


def test_a_wholly_cyrillic_look_alike_word_has_two_readings() -> None:
    assert normalize("Москва") == "mockba"  # read as a spoof of Latin letters ...
    assert foreign_reading("Москва") == "moskva"  # ... and, for the matcher, as Russian
    assert readings("Ростех") == (("poctex",), ("rostekh",))


def test_a_latin_name_has_one_reading() -> None:
    assert foreign_reading("Beijing 8-Star") is None
    assert readings("Beijing 8-Star") == (("beijing", "8", "star"),)


def test_a_mixed_script_word_is_only_a_spoof() -> None:
    assert foreign_reading("\u0412eijing") is None


# --- the tables ----------------------------------------------------------------------------------


def test_every_canonical_word_maps_to_itself() -> None:
    table = spellings()
    for spelling, canon in table.items():
        for word in canon:
            assert table.get(word, (word,)) == (word,), (spelling, word)
            assert tokens(word) == (word,), (spelling, word)


def test_the_resource_tables_are_well_formed() -> None:
    from importlib import resources

    data = resources.files("screening.names").joinpath("data")
    for name in ("homoglyphs.yaml", "legal_forms.yaml", "number_words.yaml", "weights.yaml"):
        loaded = yaml.safe_load(data.joinpath(name).read_text(encoding="utf-8"))
        assert isinstance(loaded, dict), name
        assert loaded, name


# --- properties ----------------------------------------------------------------------------------


@SETTINGS
@given(name_texts())
@example("A®")  # a lone initial next to a symbol that transliterates to a letter
@example("©AO")  # ... and one that would re-join with a legal form on a second pass
@example("Limi ted ted")
def test_normalize_is_idempotent(name: str) -> None:
    once = normalize(name)
    assert normalize(once) == once


@SETTINGS
@given(name_texts())
def test_normalize_is_lower_case_ascii_words(name: str) -> None:
    out = normalize(name)
    assert out.isascii()
    assert out == out.lower()
    assert "  " not in out
    assert out == out.strip()


_INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"])


@SETTINGS
@given(name_texts(), st.data())
def test_an_invisible_character_never_changes_normalize(name: str, data: st.DataObject) -> None:
    at = data.draw(st.integers(min_value=0, max_value=len(name)), label="position")
    changed = name[:at] + data.draw(_INVISIBLE, label="invisible") + name[at:]
    assert normalize(changed) == normalize(name)


GREEK_AND_FULL_WIDTH = {
    "A": "\u0391",
    "B": "\u0392",
    "E": "\u0395",
    "Z": "\u0396",
    "H": "\u0397",
    "K": "\u039a",
    "M": "\u039c",
    "N": "\u039d",
    "O": "\u039f",
    "P": "\u03a1",
    "T": "\u03a4",
    "X": "\u03a7",
    "o": "\u03bf",
}

latin_names = st.lists(
    st.text(alphabet="ABEHKMNOPTXZaeiortnslc", min_size=1, max_size=10), min_size=1, max_size=4
).map(" ".join)


@SETTINGS
@given(latin_names, st.data())
@example("ZTE Corporation", None)
def test_a_greek_look_alike_or_full_width_letter_never_changes_normalize(
    name: str, data: st.DataObject | None
) -> None:
    if data is None:  # the explicit example: every replaceable letter replaced
        spoofed = "".join(GREEK_AND_FULL_WIDTH.get(ch, ch) for ch in name)
    else:
        at = data.draw(st.integers(min_value=0, max_value=len(name) - 1), label="position")
        ch = name[at]
        if ch in GREEK_AND_FULL_WIDTH and data.draw(st.booleans(), label="greek"):
            look = GREEK_AND_FULL_WIDTH[ch]
        elif ch.isalpha():
            look = chr(ord(ch) + 0xFEE0)  # the full-width form of an ASCII letter
        else:
            look = ch
        spoofed = name[:at] + look + name[at + 1 :]
    assert normalize(spoofed) == normalize(name)
