"""The review loop through the public API, on both engines: cases, dispositions, approvals,
records that audit reproduces, and the hash-chained history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from helpers.ruleedit import replace_once
from screening import Outcome, decision_record, load_rules, screen, verify_record
from screening.errors import ConflictError, StoreError
from screening.rules import RuleSet
from screening.store import SCHEMA_VERSION, open_store, upgrade_store


def tx(
    name: str = "ZTE Kangxun Telecom",
    country: str = "CN",
    *,
    tx_id: str = "t1",
    date: str = "2017-03-01",
) -> dict[str, Any]:
    return {
        "id": tx_id,
        "date": date,
        "destination": "CN",
        "parties": [
            {"role": "buyer", "name": name, "country": country},
            {"role": "end_user", "name": "Acme Trading", "country": "CN"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": 100}],
    }


def listing_hit(decision: Any) -> Any:
    return next(h for h in decision.hits if h.kind == "listing")


def test_review_opens_one_case_and_rescreening_updates_it(store_url: str, bundled: RuleSet) -> None:
    with open_store(store_url) as store:
        first = screen(tx(), rules=bundled, store=store)
        assert first.outcome is Outcome.REVIEW
        screen(tx(), rules=bundled, store=store)
        cases = store.list_cases()
        assert len(cases) == 1
        assert cases[0].transaction_id == "t1"
        assert {h.rule_id for h in cases[0].hits} == {h.rule_id for h in first.hits}


def test_false_positive_suppresses_exactly_that_hit_and_shows_it(
    store_url: str, bundled: RuleSet
) -> None:
    with open_store(store_url) as store:
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        d = store.decide(
            case.id,
            hit.hit_id,
            decision="false_positive",
            reason="different company",
            reviewer="alice",
        )
        # another order with the same party: the hit is still there, cleared, naming why
        again = screen(tx(tx_id="t2"), rules=bundled, store=store)
        h = listing_hit(again)
        assert h.outcome is Outcome.CLEAR
        assert h.disposition is not None
        assert h.disposition.id == d.id
        assert any("alice" in n and "different company" in n for n in h.notes)
        # the licence hit is not a name match: untouched
        assert any(x.kind == "general_licence" and x.outcome is Outcome.REVIEW for x in again.hits)
        # without the store, the same hit is a review again
        assert listing_hit(screen(tx(tx_id="t2"), rules=bundled)).outcome is Outcome.REVIEW


def test_true_match_blocks(store_url: str, bundled: RuleSet) -> None:
    with open_store(store_url) as store:
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        store.decide(case.id, hit.hit_id, decision="true_match", reason="same", reviewer="bob")
        assert screen(tx(tx_id="t9"), rules=bundled, store=store).outcome is Outcome.BLOCK


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"country": "HK"}, "country changed from CN to HK"),
        ({"name": "ZTE Kangxun Telecom Co"}, "name changed"),
    ],
)
def test_a_changed_party_voids_the_disposition(
    store_url: str, bundled: RuleSet, change: dict[str, str], why: str
) -> None:
    with open_store(store_url) as store:
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        store.decide(case.id, hit.hit_id, decision="false_positive", reason="no", reviewer="a")
        h = listing_hit(screen(tx(**change), rules=bundled, store=store))
        assert h.outcome is Outcome.REVIEW
        assert h.disposition is None
        assert any(why in n for n in h.notes), h.notes


def test_expiry_and_entry_change_void_the_disposition(
    store_url: str, bundled: RuleSet, tmp_path: Path
) -> None:
    with open_store(store_url) as store:
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        store.decide(
            case.id,
            hit.hit_id,
            decision="false_positive",
            reason="no",
            reviewer="a",
            expires=dt.date(2017, 3, 10),
        )
        late = listing_hit(screen(tx(date="2017-03-11"), rules=bundled, store=store))
        assert late.outcome is Outcome.REVIEW
        assert any("expired on 2017-03-10" in n for n in late.notes)
        # the entity's content changes: an alias added
        rules_dir = tmp_path / "rules"
        import shutil

        from screening import bundled_rules_dir

        shutil.copytree(bundled_rules_dir(), rules_dir)
        replace_once(
            rules_dir / "parties.yaml",
            "      - name: Shenzhen ZTE Kangxun",
            "      - ZTE KX Ltd\n      - name: Shenzhen ZTE Kangxun",
        )
        edited = load_rules(rules_dir)
        h = listing_hit(screen(tx(), rules=edited, store=store))
        assert h.outcome is Outcome.REVIEW
        assert any("list entry" in n and "changed" in n for n in h.notes), h.notes


def test_only_name_match_hits_can_be_disposed_of(store_url: str, bundled: RuleSet) -> None:
    with open_store(store_url) as store:
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        other = next(h for h in case.hits if h.kind != "listing")
        with pytest.raises(StoreError, match="only name-match hits"):
            store.decide(case.id, other.hit_id, decision="false_positive", reason="x", reviewer="a")


def test_deciding_a_decided_hit_is_a_conflict(store_url: str, bundled: RuleSet) -> None:
    with open_store(store_url) as store:
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        store.decide(case.id, hit.hit_id, decision="false_positive", reason="x", reviewer="a")
        with pytest.raises(ConflictError, match="already decided by a"):
            store.decide(case.id, hit.hit_id, decision="true_match", reason="y", reviewer="b")
        assert len(list(store.dispositions())) == 1


def test_four_eyes(store_url: str, tmp_path: Path) -> None:
    import shutil

    from screening import bundled_rules_dir

    rules_dir = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules_dir)
    replace_once(rules_dir / "ruleset.yaml", "  matching:\n", "  matching:\n    four_eyes: true\n")
    rules = load_rules(rules_dir)
    with open_store(store_url) as store:
        screen(tx(), rules=rules, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        assert hit.needs_approval
        d = store.decide(case.id, hit.hit_id, decision="false_positive", reason="x", reviewer="a")
        pending = listing_hit(screen(tx(tx_id="t2"), rules=rules, store=store))
        assert pending.outcome is Outcome.REVIEW
        assert any("awaits" in n for n in pending.notes)
        with pytest.raises(StoreError, match="second reviewer"):
            store.approve(d.id, reviewer="a")
        store.approve(d.id, reviewer="b")
        assert listing_hit(screen(tx(tx_id="t2"), rules=rules, store=store)).outcome is (
            Outcome.CLEAR
        )


def test_records_name_dispositions_and_audit_reproduces_them(
    store_url: str, bundled: RuleSet
) -> None:
    with open_store(store_url) as store:
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        d = store.decide(case.id, hit.hit_id, decision="false_positive", reason="x", reviewer="a")
        model = screen(tx(tx_id="t2"), rules=bundled, store=store)
    from screening import parse_transaction

    record = decision_record(model, parse_transaction(tx(tx_id="t2")), rules=bundled)
    assert [(x["id"], x["hash"]) for x in record["dispositions"]] == [(d.id, d.digest)]
    assert verify_record(json.loads(json.dumps(record)), bundled).reproduced
    tampered = json.loads(json.dumps(record))
    tampered["dispositions"][0]["reason"] = "edited"
    assert not verify_record(tampered, bundled).reproduced


def test_history_is_hash_chained_and_tampering_is_named(store_url: str, bundled: RuleSet) -> None:
    with open_store(store_url) as store:
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        store.decide(case.id, hit.hit_id, decision="false_positive", reason="x", reviewer="a")
        screen(
            tx(tx_id="t3", name="ZTE Kangxun Telecom Ltd", country="HK"), rules=bundled, store=store
        )
        assert [e.kind for e in store.history()] == [
            "case.opened",
            "disposition.decided",
            "case.opened",
        ]
        assert store.verify() == []
        assert [e.kind for e in store.history(case.id)] == ["case.opened", "disposition.decided"]
        store.db.query("UPDATE events SET body = ? WHERE seq = 2", ('{"reason":"edited"}',))
        assert any("event 2" in p and "edited" in p for p in store.verify())
    with open_store(store_url) as store:
        store.db.query("DELETE FROM events WHERE seq = 2")
        problems = store.verify()
        assert any("event 2 missing" in p for p in problems)
        assert any("event 3" in p and "reordered" in p for p in problems)


def test_newest_events_cut_off_are_caught_by_the_published_head(
    store_url: str, bundled: RuleSet
) -> None:
    """The chain alone cannot see its newest events deleted (what is left is a valid chain);
    the head published before can, and events appended after it stay fine."""
    with open_store(store_url) as store:
        assert store.head() == ("0" * 64, 0)
        assert store.verify(head="0" * 64) == []
        screen(tx(), rules=bundled, store=store)
        case = store.list_cases()[0]
        hit = next(h for h in case.hits if h.kind == "listing")
        store.decide(case.id, hit.hit_id, decision="false_positive", reason="x", reviewer="a")
        head, count = store.head()
        assert count == 2
        assert head == store.history()[-1].hash
        screen(
            tx(tx_id="t3", name="ZTE Kangxun Telecom Ltd", country="HK"), rules=bundled, store=store
        )
        assert store.verify(head=head.upper()) == []  # grown since: still anchored
        store.db.query("DELETE FROM events WHERE seq >= 2")
        assert store.verify() == []  # a shorter chain is still a chain
        [problem] = store.verify(head=head)
        assert head in problem
        assert "cut" in problem


def test_newer_schema_is_refused_and_upgrade_is_idempotent(store_url: str) -> None:
    assert upgrade_store(store_url) == (0, SCHEMA_VERSION)
    assert upgrade_store(store_url) == (SCHEMA_VERSION, SCHEMA_VERSION)
    with open_store(store_url) as store:
        store.db.query("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer than this program"):
        open_store(store_url)


def test_bad_urls_are_named() -> None:
    with pytest.raises(StoreError, match="unknown store URL"):
        open_store("mysql://x")
    with pytest.raises(StoreError, match="no such directory"):
        open_store("sqlite:////nonexistent/dir/x.db")


def test_a_version_1_store_is_refused_until_upgraded_and_keeps_its_watch_list(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening.store import _migrations

    monkeypatch.setattr(_migrations, "MIGRATIONS", _migrations.MIGRATIONS[:1])
    monkeypatch.setattr(_migrations, "SCHEMA_VERSION", 1)
    db = _connect(store_url)
    assert _migrations.upgrade(db) == (0, 1)
    db.close()
    monkeypatch.undo()
    with pytest.raises(StoreError, match="version 1; this program needs 2"):
        open_store(store_url)
    db = _connect(store_url)
    db.query(
        "INSERT INTO watched (key, name, country, role, transaction_id, added_at)"
        " VALUES ('gammaworks|CN', 'Gamma Works', 'CN', 'buyer', NULL, '2026-01-01')"
    )
    db.close()
    assert upgrade_store(store_url) == (1, 2)
    with open_store(store_url) as store:
        assert [(p.name, p.aliases) for p in store.watched()] == [("Gamma Works", ())]
        assert store.watch("Gamma Works", "CN", aliases=["Gamma Ltd"])
        assert [p.aliases for p in store.watched()] == [("Gamma Ltd",)]


def _connect(url: str) -> Any:
    from screening.store._db import connect

    return connect(url)
