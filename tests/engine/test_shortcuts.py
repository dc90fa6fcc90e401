"""The engine's per-transaction shortcuts change how fast a place is found, never what: a rule
whose countries the transaction does not touch finds nothing, with or without the shortcut."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import COUNTRIES, SETTINGS, transactions
from screening import load_rules, parse_transaction, screen
from screening.engine._common import touched_countries
from screening.engine._embargo import _region_unknowns, embargo_places, embargoed_places, touching
from screening.engine._item_control import _classification, _may_require
from screening.rules import Embargo, ItemControl, Licence, UsPersonReach, licence_determination

RULES = load_rules()


@SETTINGS
@given(transactions())
def test_touched_countries_leave_every_embargo_place_as_it_was(data: dict[str, Any]) -> None:
    tx = parse_transaction(data)
    touched = touched_countries(tx)
    rules = [*RULES.of_kind(Embargo), *RULES.of_kind(UsPersonReach)]
    assert any(r.region is not None for r in rules)
    assert any(r.countries for r in rules)
    for rule in rules:
        assert embargo_places(tx, rule, touched) == embargo_places(tx, rule)
    assert embargoed_places(tx, RULES, tx.date, touched) == embargoed_places(tx, RULES, tx.date)


@SETTINGS
@given(transactions())
def test_a_rule_set_aside_as_untouched_could_give_no_hit(data: dict[str, Any]) -> None:
    """`touching` sets aside the rules whose countries the transaction does not touch, before
    any other work on them: each of those finds no place and no region it cannot rule out, and
    every rule it keeps is one in force."""
    tx = parse_transaction(data)
    touched = touched_countries(tx)
    for model in (Embargo, UsPersonReach):
        kept = touching(RULES, model, tx.date, touched)
        in_force = RULES.in_force(model, tx.date)
        assert all(rule in in_force for rule in kept)
        for rule in in_force:
            if rule in kept:
                continue
            assert embargo_places(tx, rule) == []
            if isinstance(rule, Embargo):
                assert _region_unknowns(tx, rule, touched) == []


def test_a_touched_embargoed_country_is_still_found() -> None:
    """The shortcut must not answer "nothing" for a country the transaction does touch."""
    tx = parse_transaction(
        {
            "id": "t",
            "date": "2015-06-01",
            "destination": "AE",
            "route": ["IR"],
            "parties": [{"role": "consignee", "name": "Acme Trading", "country": "AE"}],
            "items": [{"description": "router", "eccn": "5A991", "origin": "US"}],
        }
    )
    places = embargoed_places(tx, RULES, tx.date, touched_countries(tx))
    assert places
    assert {p.code for p in places} == {"IR"}


def test_a_touched_country_keeps_its_rules() -> None:
    """The other way round: a rule whose country the transaction touches is kept."""
    tx = parse_transaction(
        {
            "id": "t",
            "date": "2015-06-01",
            "destination": "AE",
            "parties": [{"role": "consignee", "name": "Acme Trading", "country": "SY"}],
            "items": [{"description": "router", "eccn": "5A991", "origin": "US"}],
        }
    )
    kept = touching(RULES, Embargo, tx.date, touched_countries(tx))
    assert kept
    assert all("SY" in rule.countries for rule in kept if rule.region is None)


def _item_control_hits(data: dict[str, Any]) -> list[dict[str, Any]]:
    decision = screen(data, rules=RULES)
    return [h.model_dump(mode="json") for h in decision.hits if h.kind == "item_control"]


@SETTINGS
@given(transactions())
def test_another_receiving_party_in_a_country_already_reached_changes_no_item_control(
    data: dict[str, Any],
) -> None:
    """Item controls try only the first receiving place of each country (the hit `evaluate`
    keeps per rule and item): a consignee added after the others, in the destination's
    country, must leave every item-control hit as it was, the place it names included."""
    more = {
        **data,
        "parties": [
            *data["parties"],
            {"role": "consignee", "name": "Later Consignee", "country": data["destination"]},
        ],
    }
    assert _item_control_hits(more) == _item_control_hits(data)


def test_an_item_control_names_the_first_place_of_its_country() -> None:
    data = {
        "id": "t",
        "date": "2024-03-01",
        "destination": "CN",
        "parties": [
            {"role": "buyer", "name": "Acme Trading", "country": "CN"},
            {"role": "end_user", "name": "Beta Works", "country": "CN"},
        ],
        "items": [{"description": "encryption module", "eccn": "5A002", "origin": "US"}],
    }
    hits = _item_control_hits(data)
    assert hits
    assert all(h["evidence"][0].startswith("destination:") for h in hits)


@SETTINGS
@given(transactions(), st.sampled_from(COUNTRIES))
def test_an_item_set_aside_by_an_item_control_needs_no_licence_anywhere(
    data: dict[str, Any], country: str
) -> None:
    """Item controls set aside, before any place, the items a rule cannot make a hit of; for a
    rule read on the Country Chart, the chart must then answer "not required" for every
    country, whatever the item's classification."""
    tx = parse_transaction(data)
    for rule in RULES.in_force(ItemControl, tx.date):
        for item in tx.items:
            entry = _classification(RULES, tx.date, item.eccn) if item.eccn else None
            if _may_require(rule, item.eccn, entry):
                continue
            if rule.chart:
                found = licence_determination(
                    RULES, item.eccn, country, tx.date, reasons=rule.reasons
                )
                assert found.licence is Licence.NOT_REQUIRED, (rule.id, item.eccn, country)
            else:
                assert item.eccn == "EAR99" or (
                    entry is not None and not set(entry.reasons) & set(rule.reasons)
                )


def test_the_chart_rule_sets_aside_an_item_of_anti_terrorism_columns_only() -> None:
    """5A991 is controlled for AT alone: the chart rule (all reasons but AT) has nothing to say
    about it anywhere, the AT rule does."""
    [chart] = [r for r in RULES.in_force(ItemControl, dt.date(2024, 3, 1)) if r.chart]
    entry = _classification(RULES, dt.date(2024, 3, 1), "5A991")
    assert entry is not None
    assert not _may_require(chart, "5A991", entry)
    assert _may_require(chart, "5A002", _classification(RULES, dt.date(2024, 3, 1), "5A002"))
