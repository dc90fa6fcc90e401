"""The scorer: word alignment, word weights, and the explanation that comes with a score.

Case tables from the ZTE facts (shared/facts §1, §3, §6): the listed names and the ways a
shell-company scheme writes them; person-name order; transliterated names; and generic names
that must stay below the review threshold however many generic words they share.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from helpers.names import MATCH, POSSIBLE
from helpers.strategies import SETTINGS, name_texts
from screening.names import Weights, explain, similarity
from screening.names.match import skeleton, token_similarity

EIGHT_STAR = "Beijing 8-Star International Co."
ZTE = "ZTE Corporation"
ZTE_LONG = "Zhongxing Telecommunications Equipment Corporation"
KANGXUN = "ZTE Kangxun Telecommunications Ltd."
PARSIAN = "ZTE Parsian"
SHI = "Shi Lirong"
FAR_EAST = "Far East Cable"
TCI = "Telecommunication Company of Iran"
RIGHTEL = "Khadamate Ertebati Rightel"

# (query, listed name): the same party, written to slip past a naive screen.
MATCHES = [
    ("Zhongxing Telecom Equipment Corp", ZTE_LONG),
    ("ZHONGXING TELECOMMUNICATION EQUIPMENT CORPORATION", ZTE_LONG),
    ("Telecommunications Equipment Corporation, Zhongxing", ZTE_LONG),
    ("ZTE Kangxun Telecommunication Limited", KANGXUN),
    ("Kangxun ZTE Telecom Ltd", KANGXUN),
    ("Beijing Eight-Star Intl Co Ltd", EIGHT_STAR),
    ("Bei Jing 8 Star International Company", EIGHT_STAR),
    ("BEIJING 8STAR INTERNATIONAL CO", EIGHT_STAR),
    ("Beijing 8-Star Internati\u200bonal C\u043e.", EIGHT_STAR),
    ("Far-East Cable Co., Ltd.", FAR_EAST),
    ("FarEast Cable", FAR_EAST),
    ("Nuc Tech", "NucTech"),  # "Tech" alone reads "Technology": joined as written
    ("Kalan Kish ShippingCo", "Kalan Kish Shipping Co"),
    ("Telecommunications Co. of Iran", TCI),
    ("Khadamat-e Ertebati Rightel", RIGHTEL),
]

# (query, listed name): one typing error or a romanisation variant: at least a review.
POSSIBLES = [
    ("ZTE Persian", PARSIAN),
    ("Beijing 8-Stra International Co.", EIGHT_STAR),
    ("Far Est Cable", FAR_EAST),
    ("Khadamat Ertebati Rightel", RIGHTEL),
    ("Dmitrii Shestakov", "SHESTAKOV, Dmitry"),
    ("Рособоронэкспорт", "Rosoboronexport"),
]


@pytest.mark.parametrize(("query", "listed"), MATCHES)
def test_the_same_party_written_differently_matches(query: str, listed: str) -> None:
    score = similarity(query, listed)
    assert score >= MATCH, explain(query, listed).summary


@pytest.mark.parametrize(("query", "listed"), POSSIBLES)
def test_a_typing_error_or_a_variant_is_at_least_possible(query: str, listed: str) -> None:
    score = similarity(query, listed)
    assert score >= POSSIBLE, explain(query, listed).summary


# --- person names --------------------------------------------------------------------------------

PERSONS = [
    ("SHI, Lirong", SHI),
    ("Lirong SHI", SHI),
    ("Shi Li Rong", SHI),
    ("Mr. Shi Lirong", SHI),
    ("SHESTAKOV, Dmitriy", "Dmitriy Shestakov"),
    ("AL-RASHID, Ahmad Abd", "Ahmad Abd Al-Rashid"),
    ("KIM Jong Un", "KIM, Jong-un"),
]


@pytest.mark.parametrize(("query", "listed"), PERSONS)
def test_person_name_order_and_titles_do_not_matter(query: str, listed: str) -> None:
    assert similarity(query, listed) >= MATCH, explain(query, listed).summary


def test_a_different_given_name_or_surname_is_not_a_review() -> None:
    assert similarity("Wang Lirong", SHI) < POSSIBLE
    assert similarity("Shi Jianguo", SHI) < POSSIBLE
    assert similarity("SHESTAKOV, Ivan", "SHESTAKOV, Dmitriy") < POSSIBLE


# --- transliteration -----------------------------------------------------------------------------

TRANSLITERATED = [
    ("Шестаков Дмитрий", "SHESTAKOV, Dmitriy"),  # Cyrillic rendering of a Latin listing
    ("Александр Жуков", "ZHUKOV, Aleksandr"),
    ("Ростех", "Rostekh"),  # wholly look-alike Cyrillic: read both ways, Russian reading wins
    ("中兴通讯", "Zhongxing Tongxun"),  # the Chinese name of ZTE and its pinyin
    ("北京八星", "Beijing Baxing"),
    ("施立荣", SHI),  # Shi Lirong in Chinese characters (an illustration, not a listed alias)
]


@pytest.mark.parametrize(("query", "listed"), TRANSLITERATED)
def test_a_name_in_another_script_matches_its_latin_form(query: str, listed: str) -> None:
    from screening.names import NameCandidate, NameIndex

    index = NameIndex([NameCandidate("x", listed)], cutoff=POSSIBLE)
    assert index.similarity(query, listed) >= MATCH, index.explain(query, listed).summary


# --- weak and generic words ----------------------------------------------------------------------

GENERIC = [
    ("International Trading Co", EIGHT_STAR),
    ("Beijing International Co.", EIGHT_STAR),
    ("Beijing Trading Company Limited", EIGHT_STAR),
    ("Telecommunications Equipment Corporation", ZTE_LONG),
    ("The Company of Iran", TCI),
    ("Cable Co., Ltd.", FAR_EAST),
    ("East Trading Co", FAR_EAST),
    ("Global Holding Group Ltd", "Global Holding Group Rightel Ltd"),
    # a two-letter name (the unverified alias "8S" of Beijing 8-Star) inside a longer one
    ("8S Logistics Holdings Ltd", "8S"),
    ("Acme 8S Trading", "8S"),
]


@pytest.mark.parametrize(("query", "listed"), GENERIC)
def test_shared_generic_words_alone_are_not_a_review(query: str, listed: str) -> None:
    assert similarity(query, listed) < POSSIBLE, explain(query, listed).summary


def test_legal_forms_and_generic_words_weigh_less_than_distinctive_words() -> None:
    weights = Weights()
    assert weights("limited") < weights("trading") < weights("kangxun")
    assert weights("of") < weights("limited")
    assert weights("mr") < weights("kangxun")


def test_words_the_list_repeats_weigh_less() -> None:
    weights = Weights({"beijing": 400, "kangxun": 1}, names=1000)
    assert weights("beijing") < weights("kangxun") == weights("unseen")


def test_an_unseen_misspelling_of_a_weak_word_weighs_as_little() -> None:
    weights = Weights({"limited": 500, "acme": 1}, names=1000)
    assert weights("limitd") == weights("limited") < weights("acme")


# --- word similarity -----------------------------------------------------------------------------

WORDS = [
    ("star", "star", 1.0),
    ("parsian", "persian", 1 - 1 / 8),  # one substitution: 1 - 1/(length + 1)
    ("kangxun", "kangxnu", 1 - 1 / 8),  # two letters swapped
    ("abu", "bau", 1 - 1 / 4),
    ("8", "9", 0.0),  # numbers are distinctive
    ("8star", "9star", 0.0),
    ("zte", "zta", 1 - 1 / 4),
    ("ab", "ac", 0.0),  # too short to call a typing error
    ("dmitrii", "dmitry", 0.9),  # romanisation variants
    ("khalil", "halil", 0.9),
    ("rosoboroneksport", "rosoboronexport", 0.9),
    ("abb", "aab", 1 - 1 / 4),  # too short to be variants
    ("kangxun", "huawei", 0.0),
]


@pytest.mark.parametrize(("a", "b", "expected"), WORDS)
def test_token_similarity(a: str, b: str, expected: float) -> None:
    assert token_similarity(a, b) == pytest.approx(expected)
    assert token_similarity(b, a) == pytest.approx(expected)


def test_skeleton_folds_romanisation_variants() -> None:
    assert skeleton("dmitriy") == skeleton("dmitrii") == skeleton("dmitry") == "dmitri"
    assert skeleton("shchukin") == skeleton("shukin")
    assert skeleton("8star") == "8star"


# --- explanations --------------------------------------------------------------------------------


def test_explain_says_which_words_aligned_and_why() -> None:
    why = explain("Beijing Eight Star Intl. Co Ltd", EIGHT_STAR)
    assert why.score == similarity("Beijing Eight Star Intl. Co Ltd", EIGHT_STAR)
    assert [(a.left, a.right, a.reason) for a in why.aligned] == [
        (("beijing",), ("beijing",), "same word"),
        (("8",), ("8",), "same word"),
        (("star",), ("star",), "same word"),
        (("international",), ("international",), "same word"),
        (("company",), ("company",), "same word"),
    ]
    assert [w for w, _ in why.unmatched_left] == ["limited"]
    assert why.unmatched_right == ()
    assert why.summary == (
        f"score {why.score}: aligned beijing, 8, star, international, company; unmatched limited"
    )


def test_explain_shows_joined_words_typing_errors_and_variants() -> None:
    why = explain("Bei Jing 8Star Intl Co", "Beijing 8 Star Internatonal Company")
    reasons = {(" ".join(a.left), " ".join(a.right)): a.reason for a in why.aligned}
    assert reasons == {
        ("bei jing", "beijing"): "same words, joined differently",
        ("8star", "8 star"): "same words, joined differently",
        ("international", "internatonal"): "one typing error",
        ("company", "company"): "same word",
    }
    assert explain("Dmitrii", "Dmitry").aligned[0].reason == "romanisation variant"
    assert explain("Parsian", "Persian").aligned[0].reason == "one typing error"


def test_explain_is_oriented_as_called() -> None:
    a, b = "Lirong Shi", "SHI, Lirong Co"
    ab, ba = explain(a, b), explain(b, a)
    assert ab.score == ba.score
    assert (ab.left, ab.right) == (a, b)
    assert [w for w, _ in ab.unmatched_right] == ["company"]
    assert [w for w, _ in ba.unmatched_left] == ["company"]


def test_explanation_serialises() -> None:
    data = explain("ZTE Corp", ZTE).to_dict()
    assert data["score"] == 1.0
    assert data["aligned"][0] == {
        "left": ["zte"],
        "right": ["zte"],
        "similarity": 1.0,
        "weight": data["aligned"][0]["weight"],
        "reason": "same word",
    }


def test_no_word_in_common() -> None:
    why = explain("Huawei", ZTE)
    assert why.score == 0.0
    assert why.summary == "score 0.0: no word in common"


# --- properties ----------------------------------------------------------------------------------


@SETTINGS
@given(name_texts(), name_texts())
def test_explain_agrees_with_similarity(a: str, b: str) -> None:
    why = explain(a, b)
    assert why.score == similarity(a, b)
    aligned_left = [w for al in why.aligned for w in al.left]
    assert sorted(aligned_left + [w for w, _ in why.unmatched_left]) == sorted(why.left_words)
    aligned_right = [w for al in why.aligned for w in al.right]
    assert sorted(aligned_right + [w for w, _ in why.unmatched_right]) == sorted(why.right_words)


@SETTINGS
@given(name_texts(), name_texts())
def test_similarity_is_symmetric_bounded_and_deterministic(a: str, b: str) -> None:
    ab = similarity(a, b)
    assert 0.0 <= ab <= 1.0
    assert ab == similarity(b, a) == similarity(a, b)
