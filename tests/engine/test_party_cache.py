"""`PartyCache`: screening with it gives the same decisions, byte for byte, as without it, for
any stream of transactions and across rule sets sharing one cache, party names and free text
(addresses naming listed parties) alike; it stays within its bound."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.ruleedit import replace_once
from helpers.strategies import SETTINGS, transactions
from helpers.zte import numbered, zte_transactions
from screening import (
    RuleSet,
    bundled_rules_dir,
    load_rules,
    parse_transaction,
    screen,
    screen_many,
)
from screening.audit import record_line
from screening.engine import PartyCache

# Listed names (and spellings near them) mixed with unlisted ones, so that a stream of
# transactions repeats parties that hit and parties that do not.
POOL = (
    {"name": "ZTE Corporation"},
    {"name": "Z.T.E. Corp", "aliases": ["Zhongxing Telecom"]},
    {"name": "Beijing 8-Star International Co.", "address": "Beijing, China"},
    {"name": "Beijing Eight Star Intl"},
    {"name": "SHI, Lirong"},
    {"name": "Telecommunication Company of Iran"},
    {"name": "Far East Cable"},
    {"name": "Acme Inc", "aliases": ["ZTE Kangxun Telecom Co. Ltd."]},
    {"name": "Kowloon Logistics Ltd"},
    {"name": "Nordic Fisheries AS", "address": "Tromsø"},
    # Free text naming listed parties (the listed_text kind), repeated under other names too.
    {"name": "Kowloon Logistics Ltd", "address": "c/o ZTE Corporation, Hi-Tech Park, Shenzhen"},
    {"name": "Pearl River Trading", "address": "c/o ZTE Corporation, Hi-Tech Park, Shenzhen"},
    {"name": "Gulf Forwarding", "address": "Telecommunication Company of Iran, Tehran"},
    {"name": "Beijing 8-Star International Co.", "address": "care of Beijing 8 Star Intl, Beijing"},
)


@st.composite
def streams(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Transactions whose parties come from `POOL`: most parties repeat."""
    out = []
    for i in range(draw(st.integers(min_value=1, max_value=6))):
        tx = draw(transactions())
        # Mostly while the Entity List listings were in force, with US-origin goods: hits.
        tx["date"] = draw(st.sampled_from(["2016-03-08", "2016-09-01", "2017-06-01", tx["date"]]))
        tx["items"][0]["origin"] = "US"
        for party in tx["parties"]:
            party.update(draw(st.sampled_from(POOL)))
        out.append({**tx, "id": f"tx-{i}"})
    return out


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def other_rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    """The bundled rules with stricter thresholds: near spellings in `POOL` ("Beijing Eight Star
    Intl" at 0.984, "ZTE Kangxun Telecom Co. Ltd." at 0.97) no longer match."""
    directory = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(bundled_rules_dir(), directory)
    replace_once(directory / "ruleset.yaml", "match: 0.92", "match: 0.995")
    replace_once(directory / "ruleset.yaml", "possible: 0.82", "possible: 0.99")
    return load_rules(directory)


def _records(txs: list[dict[str, Any]], rules: RuleSet, cache: PartyCache | None) -> list[str]:
    out = []
    for data in txs:
        decision = screen(data, rules=rules, cache=cache)
        out.append(record_line(decision, parse_transaction(data), rules=rules))
    return out


@SETTINGS
@given(streams())
def test_cached_decisions_are_byte_identical_to_uncached(
    rules: RuleSet, other_rules: RuleSet, stream: list[dict[str, Any]]
) -> None:
    cache = PartyCache(maxsize=3)  # small: entries are evicted and searched again
    # One cache across two rule sets, interleaved: an entry of one is never an answer for
    # the other (keys carry the fingerprints).
    for ruleset in (rules, other_rules, rules):
        assert _records(stream, ruleset, cache) == _records(stream, ruleset, None)


def test_a_repeated_party_is_searched_once(rules: RuleSet) -> None:
    cache = PartyCache()
    txs = numbered(zte_transactions(), 42)
    first = [screen(tx, rules=rules, cache=cache) for tx in txs]
    assert cache.hits > cache.misses  # each scenario's parties came back once more
    misses = cache.misses
    again = [screen(tx, rules=rules, cache=cache) for tx in txs]
    assert cache.misses == misses
    assert again == first == [screen(tx, rules=rules) for tx in txs]


def test_the_cache_keeps_at_most_maxsize_parties(rules: RuleSet) -> None:
    cache = PartyCache(maxsize=4)
    for tx in zte_transactions():
        screen(tx, rules=rules, cache=cache)
    assert len(cache) == 4
    off = PartyCache(maxsize=0)
    screen(zte_transactions()[0], rules=rules, cache=off)
    assert len(off) == 0
    assert off.misses > 0


def test_a_list_update_misses_the_old_entries(rules: RuleSet) -> None:
    """Same rule files, another list version: a different key, so a fresh search."""
    sample = Path(__file__).parents[1] / "data" / "csl_api_sample.json"
    cache = PartyCache()
    tx = zte_transactions()[0]
    screen(tx, rules=rules, cache=cache)
    with_list = load_rules(lists=[sample])
    misses = cache.misses
    assert screen(tx, rules=with_list, cache=cache) == screen(tx, rules=with_list)
    assert cache.misses > misses


def test_a_repeated_text_is_searched_once_per_rule_set(
    rules: RuleSet, other_rules: RuleSet
) -> None:
    calls: list[str] = []

    def search(ruleset: RuleSet, text: str) -> Any:
        calls.append(text)
        return (len(text.split()), ())

    cache = PartyCache()
    text = "c/o ZTE Corporation, Shenzhen"
    assert cache.texts(rules, text, search) == cache.texts(rules, text, search) == (4, ())
    assert calls == [text]
    cache.texts(other_rules, text, search)  # another rule set: another entry
    cache.texts(rules, text + " ", search)  # the text exactly as given
    assert calls == [text, text, text + " "]


def test_a_repeated_address_skips_its_free_text_search(
    rules: RuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Free text is searched window by window with the name index's search_cached: count them.
    index = type(rules.names)
    searched: list[str] = []
    original = index.search_cached

    def counting(self: Any, query: str, *, cutoff: float) -> Any:
        searched.append(query)
        return original(self, query, cutoff=cutoff)

    monkeypatch.setattr(index, "search_cached", counting)
    cache = PartyCache()
    party = {"role": "consignee", "country": "CN", "address": "c/o ZTE Corporation, Shenzhen"}
    base = {**zte_transactions()[0], "date": "2016-09-01"}  # ZTE on the Entity List
    first = {**base, "parties": [*base["parties"], {**party, "name": "Pearl River Trading"}]}
    second = {**base, "parties": [*base["parties"], {**party, "name": "Kowloon Trading"}]}
    decision = screen(first, rules=rules, cache=cache)
    assert any(h.kind == "listed_text" for h in decision.hits)  # the address names ZTE
    assert any(q.startswith("zte corporation") for q in searched)
    done = len(searched)
    again = screen(second, rules=rules, cache=cache)  # a new name, the same addresses
    assert len(searched) == done
    assert again == screen(second, rules=rules)  # uncached: searched again, same decision
    assert len(searched) > done


@pytest.mark.parametrize("size", [-1, 1.5, True])
def test_a_bad_size_is_refused(size: Any) -> None:
    with pytest.raises(ValueError, match="maxsize"):
        PartyCache(size)


def test_a_cache_pickles_empty_with_its_size(rules: RuleSet) -> None:
    cache = PartyCache(7)
    screen(zte_transactions()[0], rules=rules, cache=cache)
    copy = pickle.loads(pickle.dumps(cache))
    assert (copy.maxsize, len(copy), copy.hits) == (7, 0, 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_screen_many_gives_the_same_results_with_and_without_the_cache(
    rules: RuleSet, workers: int
) -> None:
    txs = numbered(zte_transactions(), 150)
    cached = [r.to_dict() for r in screen_many(txs, rules=rules, workers=workers, chunk_size=16)]
    plain = [
        r.to_dict()
        for r in screen_many(txs, rules=rules, workers=workers, chunk_size=16, party_cache=0)
    ]
    assert cached == plain
