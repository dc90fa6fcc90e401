"""Listed parties and embargoed places outside the checked fields (issue 13, item 4).

A listed name in a party's address or the stated end use, an address in Tehran for a party
declared in Germany, an address in Simferopol for a party whose country is DE: each was clear.
Each now gives at least a review (rules/free-text.yaml); metadata stays unscreened.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from screening import Outcome, bundled_rules_dir, load_rules, screen
from screening.rules import AddressPlace, Embargo

RULES = load_rules()
LISTED = [
    ("ZTE Corporation", "2016-04-01"),
    ("Beijing 8-Star International Co.", "2017-06-01"),
    ("ZTE Parsian", "2017-06-01"),
    ("Shi Lirong", "2018-01-10"),
]


def _tx(address: str | None = None, end_use: str | None = None, **more: Any) -> dict[str, Any]:
    party: dict[str, Any] = {"role": "end_user", "name": "Acme GmbH", "country": "DE"}
    if address is not None:
        party["address"] = address
    tx: dict[str, Any] = {
        "id": "t1",
        "date": "2017-06-01",
        "destination": "DE",
        "parties": [party],
        "items": [{"description": "office chairs", "eccn": "EAR99", "origin": "US"}],
        **more,
    }
    if end_use is not None:
        tx["end_use"] = end_use
    return tx


def _fired(tx: dict[str, Any]) -> set[str]:
    return {h.rule_id for h in screen(tx, rules=RULES).hits}


def test_a_plain_german_order_is_clear() -> None:
    decision = screen(_tx("Hauptstrasse 1, 10115 Berlin", "office furniture"), rules=RULES)
    assert decision.outcome is Outcome.CLEAR


@pytest.mark.parametrize(("name", "day"), LISTED)
@pytest.mark.parametrize("where", ["address", "end_use"])
def test_a_listed_name_in_an_address_or_the_end_use_gives_a_review(
    name: str, day: str, where: str
) -> None:
    text = f"c/o {name}, Industrial Park 7"
    tx = _tx(address=text) if where == "address" else _tx(end_use=f"resale to {name}")
    tx["date"] = day
    decision = screen(tx, rules=RULES)
    assert decision.outcome.rank >= Outcome.REVIEW.rank
    [hit] = [h for h in decision.hits if h.rule_id == "rf-listed-name-in-text"]
    assert hit.field == ("parties[0].address" if where == "address" else "end_use")


@SETTINGS
@given(
    name_day=st.sampled_from(LISTED),
    before=st.lists(st.sampled_from(["Room", "12", "Tower", "B", "via", "for", "Ltd"]), max_size=8),
    after=st.lists(st.sampled_from(["Road", "Shenzhen", "PRC", "7", "Unit", "and"]), max_size=8),
)
def test_a_listed_name_is_found_wherever_it_sits_in_the_text(
    name_day: tuple[str, str], before: list[str], after: list[str]
) -> None:
    name, day = name_day
    address = " ".join([*before, name + ",", *after])
    tx = _tx(address=address)
    tx["date"] = day
    assert "rf-listed-name-in-text" in _fired(tx)


def test_metadata_stays_unscreened() -> None:
    tx = _tx(metadata={"note": "ship to ZTE Parsian, Tehran"})
    assert screen(tx, rules=RULES).outcome is Outcome.CLEAR


def _places() -> list[tuple[str, str]]:
    [rule] = RULES.of_kind(AddressPlace)
    return [(p.country, n) for p in rule.places for n in p.names]


def _region_terms() -> list[tuple[str, str]]:
    return [
        (e.id, t)
        for e in RULES.of_kind(Embargo)
        if e.region is not None
        for t in e.region.address_terms
    ]


@pytest.mark.parametrize(("country", "place"), _places())
def test_an_address_in_an_embargoed_country_gives_a_review_for_a_party_elsewhere(
    country: str, place: str
) -> None:
    decision = screen(_tx(address=f"Building 4, {place}"), rules=RULES)
    assert decision.outcome.rank >= Outcome.REVIEW.rank, place
    assert any(h.rule_id == "rf-address-place" for h in decision.hits), place


@pytest.mark.parametrize(("embargo", "term"), _region_terms())
def test_an_address_in_an_embargoed_region_gives_a_review_whatever_the_party_country(
    embargo: str, term: str
) -> None:
    tx = _tx(address=f"ul. Lenina 5, {term}")
    tx["date"] = "2023-01-10"
    decision = screen(tx, rules=RULES)
    assert decision.outcome.rank >= Outcome.REVIEW.rank, term
    assert any(h.rule_id == "rf-address-place" for h in decision.hits), term


@SETTINGS
@given(
    place=st.sampled_from(["Tehran", "Simferopol", "Pyongyang", "Damascus", "Havana"]),
    country=st.sampled_from(["DE", "FR", "US", "JP", "AE", "TR", "CN"]),
    noise=st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), max_size=20),
)
def test_the_contradiction_holds_for_any_declared_country_and_surrounding_text(
    place: str, country: str, noise: str
) -> None:
    tx = _tx(address=f"{noise} / {place} / {noise}")
    tx["parties"][0]["country"] = country
    tx["destination"] = country
    tx["date"] = "2023-01-10"
    assert screen(tx, rules=RULES).outcome.rank >= Outcome.REVIEW.rank


def test_a_party_whose_country_is_the_place_is_left_to_the_embargo() -> None:
    tx = _tx(address="Valiasr St 12, Tehran")
    tx["parties"][0]["country"] = "IR"
    decision = screen(tx, rules=RULES)
    assert "rf-address-place" not in {h.rule_id for h in decision.hits}
    assert "embargo-iran" in {h.rule_id for h in decision.hits}


def test_a_short_alias_is_not_searched_in_free_text(tmp_path: Path) -> None:
    """'Third Floor' is an SDN alias of Office 39: searched in addresses, it would flag every
    address on a third floor. Free text is searched for an entity's own name, or an alias of
    three words or more; the party's own name is still matched against every alias."""
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    (rules / "office-39.yaml").write_text(
        "rules:\n"
        "  - id: office-39\n    kind: entity\n    name: Office 39\n    country: KP\n"
        "    aliases: [Third Floor, Central Committee Bureau 39]\n"
        "    citation: test\n"
        "  - id: sdn-office-39\n    kind: listing\n    entity: office-39\n    list: SDN\n"
        "    from: 2010-01-01\n    roles: [buyer, consignee, end_user]\n    citation: test\n",
        encoding="utf-8",
    )
    loaded = load_rules(rules)
    plain = _tx(address="Hauptstrasse 12, 3rd floor, Berlin")
    assert "rf-listed-name-in-text" not in {h.rule_id for h in screen(plain, rules=loaded).hits}
    long_alias = _tx(address="c/o Central Committee Bureau 39, Berlin")
    assert "rf-listed-name-in-text" in {h.rule_id for h in screen(long_alias, rules=loaded).hits}
    named = _tx()
    named["parties"][0]["name"] = "Third Floor"
    assert "sdn-office-39" in {h.rule_id for h in screen(named, rules=loaded).hits}
