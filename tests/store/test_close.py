"""Closing a case that no disposition can settle (its open review hit is a licence, embargo
or red-flag finding): recorded in the hash-chained history, never suppressing the hit, and
reopened by the next screening of the same transaction while the hit persists."""

from __future__ import annotations

import pytest

from helpers.review import kangxun_order
from screening import Outcome, screen
from screening.errors import ConflictError, StoreError
from screening.rules import RuleSet
from screening.store import Store, open_store


def _decided_but_open(store: Store, rules: RuleSet) -> str:
    """A case whose name-match hit is decided and whose licence hit stays a review."""
    screen(kangxun_order("t1"), rules=rules, store=store)
    case = store.list_cases()[0]
    name_hit = next(h for h in case.hits if h.disposable)
    store.decide(case.id, name_hit.hit_id, decision="false_positive", reason="x", reviewer="a")
    case = store.get_case(case.id)
    assert case.status == "open"  # the licence hit: nothing a disposition can settle
    assert any(h.outcome is Outcome.REVIEW and not h.disposable for h in case.hits)
    return case.id


def test_closing_is_recorded_suppresses_nothing_and_the_next_screening_reopens(
    store_url: str, bundled: RuleSet
) -> None:
    with open_store(store_url) as store:
        case_id = _decided_but_open(store, bundled)
        version = store.get_case(case_id).version
        closed = store.close_case(
            case_id, reason="licence D123 covers it", reviewer="bob", expected_version=version
        )
        assert closed.status == "closed"
        assert closed.version == version + 1
        assert store.list_cases() == []
        event = store.history(case_id)[-1]
        assert event.kind == "case.closed_by_reviewer"
        assert (event.body["reviewer"], event.body["reason"]) == ("bob", "licence D123 covers it")
        licence = next(h for h in closed.hits if not h.disposable and h.outcome is Outcome.REVIEW)
        assert event.body["hits"] == [licence.hit_id]
        assert store.verify() == []

        # another order of the same parties: the licence hit is still a review
        other = screen(kangxun_order("t2"), rules=bundled, store=store)
        assert other.outcome is Outcome.REVIEW
        assert store.get_case(case_id).status == "closed"

        # the same transaction again: the hit persists, so the case opens again
        again = screen(kangxun_order("t1"), rules=bundled, store=store)
        assert again.outcome is Outcome.REVIEW
        assert store.get_case(case_id).status == "open"
        assert store.history(case_id)[-1].kind == "case.reopened"
        assert store.verify() == []


def test_what_cannot_be_closed(store_url: str, bundled: RuleSet) -> None:
    with open_store(store_url) as store:
        screen(kangxun_order("t1"), rules=bundled, store=store)
        case = store.list_cases()[0]
        name_hit = next(h for h in case.hits if h.disposable)
        with pytest.raises(StoreError, match=f"name-match hits to decide first.*{name_hit.hit_id}"):
            store.close_case(case.id, reason="r", reviewer="bob")
        with pytest.raises(StoreError, match="needs a reason"):
            store.close_case(case.id, reason=" ", reviewer="bob")
        with pytest.raises(StoreError, match="needs a reviewer"):
            store.close_case(case.id, reason="r", reviewer="")
        with pytest.raises(StoreError, match="no case 'case-nope'"):
            store.close_case("case-nope", reason="r", reviewer="bob")
        before = len(store.history())

        case_id = _decided_but_open(store, bundled)
        stale = store.get_case(case_id).version - 1
        with pytest.raises(ConflictError, match="changed"):
            store.close_case(case_id, reason="r", reviewer="bob", expected_version=stale)
        store.close_case(case_id, reason="r", reviewer="bob")
        with pytest.raises(ConflictError, match="already closed by bob"):
            store.close_case(case_id, reason="r", reviewer="carol")
        kinds = [e.kind for e in store.history()[before:]]
        assert kinds.count("case.closed_by_reviewer") == 1
