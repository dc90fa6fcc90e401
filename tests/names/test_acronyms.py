"""Names: an acronym and its expansion (issue 15, scripts class).

The initials of a listed name's words, read the ways people write them (all words, but "of /
and / the", but legal forms, a legal-form phrase word by word), stand for the whole name, its
legal form included; an acronym a name gives itself ("... (IRGC)") is its alias; short initials
count only as a whole query; and initials of a name that does not say it is an organisation
rank below an organisation's. Checked through `NameIndex.search`, `similarity` and `explain`.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers.names import MATCH, POSSIBLE
from helpers.strategies import SETTINGS
from screening.names import NameCandidate, NameIndex, Weights, explain, similarity, tokens

LISTED = [
    ("yalta", "JOINT STOCK COMPANY YALTA FILM STUDIO"),
    ("alomge", "ALOMGE AND BROS FOR EXCHANGE COMPANY"),
    ("euromoto", "Euromoto Middle East FZE"),
    ("ezaldeen", "EZALDEEN, Mohammed Emad"),
    ("emad", "Ezaldeen Mohammed Emad"),
    ("irgc", "Islamic Revolutionary Guard Corps (IRGC)"),
    ("aero", "Advanced Engineering Research Organization (AERO)"),
    ("baghdadi", "ABU BAKR AL-BAGHDADI"),
    ("gazprombank", "CLOSED JOINT-STOCK COMPANY GAZPROMBANK-UPRAVLENIE AKTIVAMI"),
]


@lru_cache(maxsize=1)
def _index() -> NameIndex:
    return NameIndex([NameCandidate(k, n) for k, n in LISTED], cutoff=0.5)


def _keys(query: str) -> list[str]:
    return [m.key for m in _index().search(query, cutoff=POSSIBLE)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nuc Tech Company Limited", "NucTech Company Limited"),
        ("NucTech Company Limited", "Nuc Tech Company Limited"),
        ("Beijing Eight Star", "BeijingEight Star"),
    ],
)
def test_words_joined_are_never_explained_as_an_acronym(a: str, b: str) -> None:
    """Once, any whole-word option of two sides of unequal length was called an acronym: the
    reason now comes from how the acronym is read, and words joined are words joined."""
    why = explain(a, b)
    assert why.score == 1.0
    reasons = [x.reason for x in why.aligned]
    assert "same words, joined differently" in reasons
    assert not any("acronym" in r for r in reasons)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("JSYFS", "yalta"),  # the phrase "joint stock company" word by word, "company" left out
        ("ABFE", "alomge"),  # "and" and the legal form left out, "for" kept
        ("CJSGUA", "gazprombank"),  # hyphenated words are words
        ("YFS", "yalta"),  # the distinctive words only
    ],
)
def test_initials_of_the_words_as_written_find_the_listed_name(query: str, key: str) -> None:
    assert _keys(query)[:1] == [key]
    why = _index().explain(query, dict(LISTED)[key])
    assert why.aligned[0].reason == "initials of the other name's words (an acronym)"
    assert len(why.aligned[0].right) == len(why.right_words)  # the whole name, legal form too


def test_the_legal_form_an_acronym_leaves_out_costs_nothing() -> None:
    """It is part of the name the acronym stands for: "EME" is all of "Euromoto Middle East
    FZE", as "IRGC" is all of "Islamic Revolutionary Guard Corps"."""
    eme = similarity("EME", "Euromoto Middle East FZE")
    assert eme == similarity("IRGC", "Islamic Revolutionary Guard Corps") >= POSSIBLE
    assert explain("EME", "Euromoto Middle East FZE").unmatched_right == ()


def test_an_organisation_s_initials_rank_before_a_person_s() -> None:
    """A name that says nothing of what it is may be initials, below an organisation's; one
    written as lists write a person's, "SURNAME, Given Names", is not (a tie, or a loss, on
    the acronym development set for one in eight of the acronyms outranked)."""
    found = _index().search("EME", cutoff=POSSIBLE)
    assert [m.key for m in found] == ["euromoto", "emad"]
    assert found[0].score > found[1].score


def test_an_acronym_a_listed_name_gives_itself_is_its_alias() -> None:
    found = _index().search("IRGC", cutoff=POSSIBLE)
    assert [m.key for m in found] == ["irgc"]
    assert found[0].score >= MATCH
    why = explain("IRGC", "Islamic Revolutionary Guard Corps (IRGC)")
    assert why.aligned[0].reason == "the acronym the other name gives itself (its last word)"
    # ... and the expansion alone is that name, its alias said twice costing next to nothing
    assert _index().similarity("Islamic Revolutionary Guard Corps", dict(LISTED)["irgc"]) >= MATCH


@pytest.mark.parametrize(
    "query",
    [
        "ABB Ltd",  # three initials with another word: a company called ABB
        "DESIGN AND MANUFACTURING OF AERO-ENGINE COMPANY",  # "aero" is a word of it, no alias
    ],
)
def test_short_initials_and_a_name_s_own_acronym_count_only_as_the_whole_query(query: str) -> None:
    assert _keys(query) == []


def test_three_initials_alone_are_still_a_possible_match() -> None:
    """Fail closed: a query that is the initials of a listed organisation's name is looked at
    ("EME": Euromoto Middle East FZE, first; a person's name is never read as initials)."""
    assert _keys("EME")[0] == "euromoto"
    assert "baghdadi" not in _keys("ABB")


_WORD = st.text(alphabet="bcdfghklmnprstvz", min_size=5, max_size=9)


_FORMS = ["Ltd", "LLC", "FZE", "GmbH", "Co.", "Corporation", "JSC"]


@SETTINGS
@given(
    words=st.lists(_WORD, min_size=3, max_size=6, unique=True),
    form=st.sampled_from(_FORMS),
    other=st.sampled_from(_FORMS),
)
def test_a_legal_form_never_lowers_the_score_of_a_name_s_initials(
    words: list[str], form: str, other: str
) -> None:
    """Whichever legal form a name has, its initials score the same; without one (it may be a
    person's name) no more, and still a possible match."""
    plain = Weights()
    assume(all(tokens(w) == (w,) and plain(w) == plain("zzzzz") for w in words))
    name = " ".join(w.capitalize() for w in words)
    initials = "".join(w[0] for w in words).upper()
    # Initials that end in a legal form's letters are read as that form glued on (the next
    # test): "BBBLTD" is "BBB Ltd", not the initials of six words.
    assume(tokens(initials) == (initials.lower(),))
    with_form = similarity(initials, f"{name} {form}")
    assert with_form == similarity(initials, f"{name} {other}")
    assert with_form >= similarity(initials, name) >= POSSIBLE


def test_initials_ending_in_a_legal_form_s_letters_read_as_that_form_glued_on() -> None:
    """A limit, chosen: "ABCLTD" is far more often "ABC Ltd" written without its space than
    the initials of six words ending in L, T and D, so it reads as the former (the glued class)
    and is not the acronym of "Alpha Beta Charlie Lima Tango Delta"."""
    assert tokens("ABCLTD") == ("abc", "limited")
    assert similarity("ABCLTD", "ABC Ltd") == 1.0
    assert similarity("ABCLTD", "Alpha Beta Charlie Lima Tango Delta") < POSSIBLE


@lru_cache(maxsize=1)
def _acronyms_listed() -> NameIndex:
    listed = [("irgc", "IRGC"), ("kas", "K.A.S."), ("abcd", "ABCD"), ("filler", "Orion Freight")]
    return NameIndex([NameCandidate(k, n) for k, n in listed], cutoff=0.5)


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("Islamic Revolutionary Guard Corps", ["irgc"]),  # the words of a listed acronym
        ("Alpha Beta Charlie Delta LLC", ["abcd"]),
        ("Alpha Beta Charlie Delta", []),  # says not that it is an organisation: a person's?
        ("Korea Ansan Shipping Company", []),  # three initials are shared by too many names
        ("Islamic Revolutionary Guard Corps Trading", []),  # the initials of part of it
    ],
)
def test_a_listed_acronym_stands_for_a_query_of_its_words_only_when_long_and_an_organisation(
    query: str, keys: list[str]
) -> None:
    index = _acronyms_listed()
    found = index.search(query, cutoff=POSSIBLE)
    assert [m.key for m in found] == keys
    assert [c.key for _, c in index.scan(query, cutoff=POSSIBLE)] == keys  # blocking exact
    if keys:
        why = index.explain(query, found[0].name)
        assert why.aligned[0].reason == "initials of the other name's words (an acronym)"


@pytest.mark.parametrize(
    ("query", "person"),
    [
        ("ABB", "Abu Bakr al-Baghdadi"),
        ("AHBA", "Ali Hassan bin Ahmed"),
        ("MBS", "Mohammed bin Salman"),
        # an East Slavic patronymic says so too, in either order of the words
        ("ISB", "IVANOV, Sergei Borisovich"),
        ("KNI", "KHORSHEVA, Natalya Ivanovna"),
        ("IKS", "Ilias Kharesovich Sabirov"),
    ],
)
def test_a_persons_name_is_never_read_as_initials(query: str, person: str) -> None:
    """Lists do not call people by initials: a kunya, "bin" or a patronymic says a name is a
    person's."""
    assert similarity(query, person) < 0.82
    assert similarity(person, query) < 0.82


@pytest.mark.parametrize(
    ("query", "name"),
    [
        # a word shaped like a patronymic in an organisation's name: still its initials
        ("KBY", "Kommercheski Bank Yaroslavich"),
        (
            "RDHAPSK",
            "RESPUBLIKANSKAYE DZYARZHAUNA-HRAMADSKAYE ABYADNANNYE PREZIDENTSKI SPARTYUNY KLUB",
        ),
    ],
)
def test_an_organisation_with_a_patronymic_shaped_word_keeps_its_initials(
    query: str, name: str
) -> None:
    assert similarity(query, name) >= POSSIBLE


@pytest.mark.parametrize(
    ("initials", "person"),
    [
        ("ISB", "IVANOV, Sergei Borisovich"),
        ("ZAM", "ZLITNI, Abdulhafid Mahmoud"),
        ("AHBA", "Ali Hassan bin Ahmed"),
    ],
)
def test_a_persons_initials_do_not_even_hand_the_person_to_the_scorer(
    initials: str, person: str
) -> None:
    """Never read as an acronym, a person's initials are not looked up either (the work of
    scoring every namesake's initials saved); an organisation's and a person's own are."""
    assert NameIndex([NameCandidate("p", person)], cutoff=0.5).candidates(initials) == frozenset()
    for query, name in (
        ("IRGC", "Islamic Revolutionary Guard Corps"),
        ("ABB", "Abu Bakr al-Baghdadi (ABB)"),
    ):
        assert NameIndex([NameCandidate("n", name)], cutoff=0.5).candidates(query) == {0}


def test_a_conjunction_a_name_starts_with_is_no_initial() -> None:
    """The CSL splits "X and Y" into names, some 250 starting "and ...": "and Intercyclone
    LLC" is no "AIL", which is "ARI International, Ltd."'s alone."""
    index = NameIndex(
        [
            NameCandidate("and", "and Intercyclone LLC"),
            NameCandidate("ari", "ARI International, Ltd."),
        ],
        cutoff=0.5,
    )
    assert [m.key for m in index.search("AIL", cutoff=POSSIBLE)] == ["ari"]
    assert similarity("AIL", "and Intercyclone LLC") < POSSIBLE


@pytest.mark.parametrize(
    ("query", "name", "at_least"),
    [
        ("TNC", "The Nature Conservancy (TNC)", 1.0),  # its own acronym, "The" kept
        ("TNPC", "THE NATIONAL PETROCHEMICAL COMPANY", POSSIBLE),
    ],
)
def test_a_leading_the_may_be_an_initial(query: str, name: str, at_least: float) -> None:
    assert similarity(query, name) >= at_least
    index = NameIndex([NameCandidate("n", name)], cutoff=0.5)
    assert [m.key for m in index.search(query, cutoff=POSSIBLE)] == ["n"]


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Ahmed Yusuf Aya", "Ahmed Yusuf"),
        ("EVANS, Victoria Eve", "Victoria Evans"),
    ],
)
def test_a_last_word_its_own_initials_spell_is_no_alias(name: str, other: str) -> None:
    """ "Aya" is the initials of "Ahmed Yusuf Aya" only with its own "A": a word of the name,
    weighed as one (an alias the name gives itself, "... (IRGC)", weighs as a stop word)."""
    assert POSSIBLE <= similarity(name, other) < MATCH
    assert similarity(other, name) < MATCH


def test_initials_a_person_is_given_on_the_list_still_count() -> None:
    assert similarity("ABB", "Abu Bakr al-Baghdadi (ABB)") >= 0.82


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("KNL", "KALA NAFT COMPANY LTD"),  # one legal form left out, the other kept
        ("KNCL", "KALA NAFT COMPANY LTD"),
        ("GII", "GLOBAL INTERFACE COMPANY INC."),
        ("PBA", "PJSC Beriev Aircraft Company"),
        ("AOA", "AKTSIONERNOE OBSHCHESTVO AST"),  # a legal-form phrase: two words as written
        ("JSCA", "Joint Stock Company Alpha"),  # two words read, four written
        ("OJSB", "OPEN JOINT-STOCK COMPANY BELARUSKALI"),
        ("ICSPL", "Index Consultancy & Services PTE LTD."),  # "&" is no word of an acronym
        ("LID", "LIGHT INFANTRY DIVISION 66"),  # nor is a number
        ("RARP", "2566 Radioelectronic Armament Repair Plant JSC"),
    ],
)
def test_initials_as_organisations_write_them(query: str, name: str) -> None:
    why = explain(query, name)
    assert why.score >= POSSIBLE, why.summary
    assert any("acronym" in a.reason for a in why.aligned), why.summary
    index = NameIndex(
        [NameCandidate("it", name), NameCandidate("other", "Kala Trading")], cutoff=0.7
    )
    assert [m.key for m in index.search(query, cutoff=POSSIBLE)][:1] == ["it"]


@SETTINGS
@given(
    st.lists(st.sampled_from(["Ltd", "Co", "Inc", "Company", "Limited", "LLC"]), max_size=3),
    st.lists(
        st.sampled_from(["Kala", "Naft", "Orion", "Delta", "Marine", "Tabriz"]),
        min_size=3,
        max_size=4,
        unique=True,
    ),
    st.data(),
)
def test_any_choice_of_legal_forms_kept_in_the_initials_still_finds_the_name(
    forms: list[str], core: list[str], data: st.DataObject
) -> None:
    """An organisation abbreviates its name keeping any of its legal forms ("KNL", "KNCL")."""
    kept = [f for f in forms if data.draw(st.booleans())]
    query = "".join(w[0] for w in [*core, *kept]).upper()
    assume(len(tokens(query)) == 1)  # "KNOLLC" reads "kno llc": no acronym of one word
    name = " ".join([*core, *forms])
    assert similarity(query, name) >= POSSIBLE, explain(query, name).summary


@pytest.mark.parametrize(
    ("query", "name", "finds"),
    [
        ("ASDC", "AEROCONDOR S.A. DE C.V.", True),  # the whole legal form kept
        ("ADSC", "Arte Diseno Sistemas Culiacan S.A. de C.V.", True),  # left out whole
        ("ADSCSDC", "Arte Diseno Sistemas Culiacan S.A. de C.V.", True),
        ("ASD", "AEROCONDOR S.A. DE C.V.", False),  # "S.A. de" without "C.V.": no acronym
        ("ADSCS", "Arte Diseno Sistemas Culiacan S.A. de C.V.", False),
        ("FGCK", "Foo Gears GmbH & Co. KG", False),  # "&" joins them too: "FGGCK" or "FG"
        ("FGGCK", "Foo Gears GmbH & Co. KG", True),
    ],
)
def test_a_legal_form_of_several_words_is_kept_or_left_out_whole(
    query: str, name: str, finds: bool
) -> None:
    """ "S.A. de C.V." is one legal form: a stop word between two legal forms goes with them,
    so no initials take part of it (a tune-set miss: "ASD" went to Aerocondor, 0.84)."""
    assert (similarity(query, name) >= POSSIBLE) is finds, explain(query, name).summary


@pytest.mark.parametrize(
    ("query", "org", "person"),
    [
        ("SCP", "SHIRAZ CENTRAL PRISON", "Saleh Chadi Peter"),
        ("KSI", "KURDISTAN SUPPORTERS OF ISLAM", "Kim Song Il"),
        ("BGS", "BEIRUT GEM SAL", "Bueno Garcia Santos"),  # a legal form: S.A.L.
        ("SSA", "SHERKAT SAHAMI ALIAF", "Saleh Sami Ahmad"),  # "company", in Persian
    ],
)
def test_nouns_that_name_an_institution_say_it_is_an_organisation(
    query: str, org: str, person: str
) -> None:
    assert similarity(query, org) > similarity(query, person) >= POSSIBLE
    # written as lists write a person's, the name is no initials at all
    surname, given = person.split(" ", 1)
    assert similarity(query, f"{surname}, {given}") < POSSIBLE


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("ZAM", "ZLITNI, Abdulhafid Mahmoud"),
        ("TGF", "TORRES GONZALEZ, Fernando"),
        ("KAM", "KASSAN, Ali Mohamad"),
    ],
)
def test_a_name_written_surname_first_is_never_read_as_initials(query: str, name: str) -> None:
    """OFAC and the CSL write a person "SURNAME, Given Names"; lists never call one by
    initials. Both ways round: the person as the query, the initials as the listed name."""
    assert similarity(query, name) < POSSIBLE
    assert similarity(name, query) < POSSIBLE
    index = NameIndex([NameCandidate("p", name), NameCandidate("q", query)], cutoff=0.5)
    assert [m.key for m in index.search(query, cutoff=POSSIBLE)] == ["q"]
    assert [m.key for m in index.search(name, cutoff=POSSIBLE)] == ["p"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        # a legal form written in initials after the comma ("C.A.", "S.L."), no given names
        ("KCIS", "KOTO COMMERCIO IBERICA, S.L."),
        ("MOTC", "MATSUNICHI OIL TRADER, C.A."),
        ("RTS", "Rosneft Trading, S.A."),
        ("BNI", "BM NEFT INVEST, OOO"),  # a legal form
    ],
)
def test_an_organisation_with_a_comma_keeps_its_initials(query: str, name: str) -> None:
    assert similarity(query, name) >= POSSIBLE


@pytest.mark.parametrize(
    ("query", "name"),
    [
        # words that say "organisation" in other languages, so the comma is no surname's
        ("CIME", "COMERCIO INTERIOR, MERCADO EXTERIOR"),
        ("ECEIM", "EMPRESA CUBANA, EXPORTADORA E IMPORTADORA DE METALES"),
        ("ZAM", "ZANJAN ACID MAKERS, 2021"),  # a number is no given name
        ("NOSYC", "Nizhnyaya Oreanda Sanatorium (Yalta, Crimea)"),  # a comma in brackets
    ],
)
def test_a_comma_alone_does_not_make_a_person(query: str, name: str) -> None:
    assert similarity(query, name) >= POSSIBLE, explain(query, name).summary


def test_one_reading_of_two_names_one_written_as_a_person_s() -> None:
    """The index keeps a reading once; a name written as a person's and one that is not, read
    alike, are kept apart, as their initials count differently."""
    index = NameIndex(
        [
            NameCandidate("person", "ZANJAN, Acid Makers"),
            NameCandidate("org", "ZANJAN ACID MAKERS"),
        ],
        cutoff=0.5,
    )
    assert [m.key for m in index.search("ZAM", cutoff=POSSIBLE)] == ["org"]
    assert [m.key for m in index.search("Zanjan Acid Makers", cutoff=POSSIBLE)] == [
        "org",
        "person",
    ]
