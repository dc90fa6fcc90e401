"""`parse_transaction(data, cache=...)`: a party given before as the same plain data is taken
from the `PartyCache` instead of validated again. The transaction must be the same as without
the cache, and so must every error, including for data that only looks like a known party."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS, transactions
from screening import TransactionError, parse_transaction
from screening.engine import PartyCache

PARTY = {"role": "buyer", "name": "Acme Trading", "country": "DE", "aliases": ["Acme GmbH"]}
BASE = {
    "id": "t-1",
    "date": "2024-03-01",
    "destination": "DE",
    "parties": [PARTY],
    "items": [{"description": "router", "eccn": "5A991", "origin": "US"}],
}


def _problems(data: dict[str, Any], cache: PartyCache | None) -> list[str]:
    with pytest.raises(TransactionError) as caught:
        parse_transaction(data, cache=cache)
    return [str(p) for p in caught.value.problems]


def _warm(data: dict[str, Any] = BASE) -> PartyCache:
    cache = PartyCache(100)
    parse_transaction(copy.deepcopy(data), cache=cache)
    return cache


@SETTINGS
@given(st.lists(transactions(), min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_a_stream_parses_the_same_with_and_without_the_cache(
    stream: list[dict[str, Any]], rng: Any
) -> None:
    # Repeat some transactions' parties in others, as order streams do, some with the same
    # name in another country (another party: a key by name alone would confuse them).
    parties = [p for tx in stream for p in tx["parties"]]
    for tx in stream:
        mixed = []
        for party in tx["parties"]:
            if parties and rng.random() < 0.5:
                party = copy.deepcopy(rng.choice(parties))
                if rng.random() < 0.5:
                    party["country"] = tx["destination"]
            mixed.append(party)
        tx["parties"] = mixed
    cache = PartyCache(50)
    for tx in stream * 2:
        plain = parse_transaction(copy.deepcopy(tx))
        cached = parse_transaction(copy.deepcopy(tx), cache=cache)
        assert cached == plain
        assert cached.model_dump_json() == plain.model_dump_json()


def test_a_repeated_party_is_the_party_validated_before() -> None:
    cache = PartyCache(100)
    first = parse_transaction(copy.deepcopy(BASE), cache=cache)
    again = parse_transaction({**copy.deepcopy(BASE), "id": "t-2"}, cache=cache)
    assert again.parties[0] is first.parties[0]
    assert parse_transaction(copy.deepcopy(BASE)).parties[0] is not first.parties[0]


@pytest.mark.parametrize(
    "change",
    [
        {"destination": "XX"},  # another field at fault beside a known party
        {"items": []},
        {"parties": [PARTY, {**PARTY, "country": "XX"}]},  # an unknown party at fault
        {"parties": [{**PARTY, "aliases": "Acme GmbH"}]},  # a string is not a list of one
        {"parties": [{**PARTY, "aliases": ["Acme GmbH", 7]}]},
        {"parties": [{**PARTY, "us_person": "maybe"}]},
        {"parties": [{**PARTY, "extra": "x"}]},
        {"parties": [PARTY] * 101},  # over the limit: its error quotes the list as given
        {"parties": PARTY},
    ],
)
def test_errors_are_the_same_with_a_known_party(change: dict[str, Any]) -> None:
    data = {**copy.deepcopy(BASE), **copy.deepcopy(change)}
    assert _problems(copy.deepcopy(data), _warm()) == _problems(copy.deepcopy(data), None)


def test_a_cache_of_size_zero_keeps_no_party() -> None:
    cache = PartyCache(0)
    first = parse_transaction(copy.deepcopy(BASE), cache=cache)
    assert parse_transaction(copy.deepcopy(BASE), cache=cache).parties[0] is not first.parties[0]
