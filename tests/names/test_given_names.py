"""One given name as the languages of the lists write it ("Aleksandr" / "Oleksandr" /
"Aliaksandr" / "Alexander"): spelling variants of each other (``given_names`` in
data/romanisation.yaml). Before, more than one letter apart and not the same `skeleton`, they
scored 0, and a Belarusian or Ukrainian party queried by the Russian or English form of its
name was missed."""

from __future__ import annotations

import pytest

from helpers.names import CSL, POSSIBLE, csl_index, possible_with_reason
from screening.names import explain, similarity
from screening.names.match import VARIANT, skeleton, token_similarity
from screening.names.normalize import resource, weak_words

VARIANT_REASON = "romanisation variant"
GROUPS = [[str(w) for w in g] for g in resource("romanisation.yaml")["given_names"]]


@pytest.mark.parametrize(
    ("query", "listed"),
    [  # pairs of names the CSL gives one person
        ("BASOV, Alexander", "BASOV, Oleksandr"),
        ("KULIK, Konstantin", "KULYK, Kostiantyn"),
        ("NAYDENKO, Aleksey", "NAIDENKO, Oleksii"),
        ("SUKHORENKO, Stepan", "SUKHARENKA, Stsiapan"),
        ("PECHEN, Igor", "PECHAN, Ihar"),
        ("PAVLICHENKO, Dmitri", "PAVLIUCHENKO, Dzmitry"),
        ("ZELENSKY, Vladimir", "ZELENSKYY, Volodymyr"),
        ("KUZNETSOV, Artem", "KUZNETSOV, Artyom"),
        ("SIKORSKI, Artsiom", "SIKORSKIY, Artem"),
        ("PYRKOVA, Ekaterina", "PYRKOVA, Kateryna"),
        ("KAZAKEVICH, Gennady", "KAZAKEVICH, Genadz"),
        ("LAPO, Anatol", "LAPPO, Anatoliy"),
        ("PLYSHEUSKI, Igar", "PLYSHEVSKIY, Ihor"),
    ],
)
def test_one_given_name_in_two_languages_is_a_possible_match(query: str, listed: str) -> None:
    possible_with_reason(query, listed, VARIANT_REASON)


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g[0])
def test_every_form_of_a_group_is_a_variant_of_every_other(group: list[str]) -> None:
    for a in group:
        for b in group:
            assert token_similarity(a, b) >= VARIANT, (a, b)


def test_no_word_is_in_two_groups_nor_two_groups_meet() -> None:
    """Each word once, and no two groups' skeletons alike: else one group's words would be
    variants of another's ("Aleksandr" of "Aleksei")."""
    words = [w for g in GROUPS for w in g]
    assert len(words) == len(set(words))
    keys = [{skeleton(w) for w in g} for g in GROUPS]
    assert all(len(k) == 1 for k in keys), keys
    assert len({next(iter(k)) for k in keys}) == len(GROUPS)


def test_no_form_is_a_weak_word() -> None:
    weak = weak_words()
    assert not [w for g in GROUPS for w in g if w in weak]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Aleksandr", "Aleksei"),  # two names
        ("Mahmoud", "Mohamed"),  # two names: no group of Arabic names here
        ("Sergei", "Georgy"),
        ("Peter", "Pyotr"),  # a translation, left out as "Michael" / "Mikhail" are
        ("Zakhary Jabarin", "JABARIN, Zahar"),  # "Zakhar" is the Arabic "Zahar" once "kh" is "h"
    ],
)
def test_other_names_stay_apart(a: str, b: str) -> None:
    assert similarity(a, b) < POSSIBLE, explain(a, b).summary


def test_a_company_word_like_a_name_is_no_variant() -> None:
    """ "Petro" (petroleum) stays out of Pyotr's group: one typing error from "Petr", no more."""
    assert token_similarity("petro", "petr") < VARIANT


@pytest.mark.skipif(not CSL.exists(), reason=f"shared data not found at {CSL}")
def test_a_belarusian_name_queried_in_its_russian_form_is_found_on_the_list() -> None:
    index, _ = csl_index()
    found = index.search("Oleksiy Naydenko", cutoff=POSSIBLE)
    assert found
    assert found[0].name == "NAIDENKO, Aleksey"
