"""Names, second generation, second pass (issue 15): false alarms from generic words left out,
a listed name wholly inside a longer one, and readings across scripts and systems.

Checked through the public interface (`NameIndex.search`, `NameIndex.explain`, `Weights`) on a
small list padded with filler names, so that the list's word rarity (its IDF) means something.
"""

from __future__ import annotations

from functools import lru_cache

from screening.names import NameCandidate, NameIndex

POSSIBLE = 0.82

LISTED = [
    ("proton", "PROTON SHIPPING CO"),
    ("advanced", "ADVANCED TECHNOLOGIES"),
    ("hirmand", "HIRMAND"),
    ("hirmand-shipping", "HIRMAND SHIPPING COMPANY LIMITED"),
]
FILLER = [
    f"{word} {generic}"
    for word in ("ALPHA", "BRAVO", "CEDAR", "DELTA", "EMBER", "FJORD", "GARNET", "HAZEL")
    for generic in ("SHIPPING", "TECHNOLOGIES", "INDUSTRIAL", "TRADING")
]


@lru_cache(maxsize=1)
def _index() -> NameIndex:
    names = [NameCandidate(k, n) for k, n in LISTED]
    names += [NameCandidate(f"filler-{i}", n) for i, n in enumerate(FILLER)]
    return NameIndex(names, cutoff=0.5)


def _top(query: str) -> tuple[str, float] | None:
    found = _index().search(query, cutoff=POSSIBLE)
    return (found[0].key, found[0].score) if found else None


def test_a_generic_word_of_the_listed_name_the_query_lacks_costs_its_rarity() -> None:
    index = _index()
    why = index.explain("AO PROTON", "PROTON SHIPPING CO")
    cost = dict(why.unmatched_right)["shipping"]
    assert cost == index.weights.cost("shipping") > index.weights("shipping")
    assert index.similarity("AO PROTON", "PROTON SHIPPING CO") < POSSIBLE
    assert _top("AO PROTON") is None


def test_a_generic_word_inside_the_query_costs_its_rarity_one_around_it_its_weight() -> None:
    index = _index()
    inside = index.explain("ADVANCED INDUSTRIAL TECHNOLOGIES", "ADVANCED TECHNOLOGIES")
    assert dict(inside.unmatched_left)["industrial"] == index.weights.cost("industrial")
    around = index.explain("ADVANCED TECHNOLOGIES INDUSTRIAL", "ADVANCED TECHNOLOGIES")
    assert dict(around.unmatched_left)["industrial"] == index.weights("industrial")
    assert index.similarity("ADVANCED INDUSTRIAL TECHNOLOGIES", "ADVANCED TECHNOLOGIES") < (
        index.similarity("ADVANCED TECHNOLOGIES INDUSTRIAL", "ADVANCED TECHNOLOGIES")
    )


def test_without_a_list_a_generic_word_costs_its_weight() -> None:
    index = NameIndex([NameCandidate("k", "Kangxun Telecom Works")], cutoff=0.5)
    assert index.weights.cost("works") == index.weights("works")


def test_of_two_listed_names_inside_a_query_the_one_covering_more_comes_first() -> None:
    top = _top("HIRMAND SHIPPING COMPANY LIMITED Trading")
    assert top is not None
    assert top[0] == "hirmand-shipping", top
    assert top[1] == _index().similarity("HIRMAND SHIPPING COMPANY LIMITED Trading", LISTED[3][1])
