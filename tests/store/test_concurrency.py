"""Two reviewers at once, a process killed mid-write, a migration that fails: on both engines
the store ends consistent, with one winner and a clear conflict for the other."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

import pytest

from helpers.review import kangxun_order
from screening import screen
from screening.errors import ConflictError
from screening.rules import RuleSet
from screening.store import SCHEMA_VERSION, open_store, upgrade_store

TX = kangxun_order("po-7")


def _decide(url: str, case_id: str, hit_id: str, who: str, barrier: Any, out: Any) -> None:
    store = open_store(url)
    barrier.wait()
    try:
        store.decide(case_id, hit_id, decision="false_positive", reason=who, reviewer=who)
        out.put((who, "won"))
    except ConflictError as exc:
        out.put((who, f"conflict: {exc}"))
    finally:
        store.close()


def _open_case(url: str, rules: RuleSet) -> tuple[str, str]:
    with open_store(url) as store:
        screen(TX, rules=rules, store=store)
        case = store.list_cases()[0]
        return case.id, next(h.hit_id for h in case.hits if h.disposable)


def test_two_reviewers_at_once_one_wins(store_url: str, bundled: RuleSet) -> None:
    case_id, hit_id = _open_case(store_url, bundled)
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_decide, args=(store_url, case_id, hit_id, who, barrier, out))
        for who in ("alice", "bob")
    ]
    for p in procs:
        p.start()
    results = dict(out.get(timeout=60) for _ in procs)
    for p in procs:
        p.join(timeout=60)
    assert sorted(r == "won" for r in results.values()) == [False, True]
    loser = next(who for who, r in results.items() if r != "won")
    winner = next(who for who, r in results.items() if r == "won")
    assert f"already decided by {winner}" in results[loser]
    with open_store(store_url) as store:
        ds = list(store.dispositions())
        assert [d.reviewer for d in ds] == [winner]
        assert store.get_case(case_id).hits[0].disposition == ds[0].id
        assert store.verify() == []


def _die_mid_write(url: str, case_id: str, hit_id: str) -> None:
    store = open_store(url)
    original = store._append  # the last step of a decision: die just before it commits

    def dying(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        os._exit(9)

    store._append = dying  # type: ignore[method-assign]
    store.decide(case_id, hit_id, decision="true_match", reason="x", reviewer="carol")


def test_a_process_killed_mid_write_leaves_the_store_as_before(
    store_url: str, bundled: RuleSet
) -> None:
    case_id, hit_id = _open_case(store_url, bundled)
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=_die_mid_write, args=(store_url, case_id, hit_id))
    p.start()
    p.join(timeout=60)
    assert p.exitcode == 9
    with open_store(store_url) as store:
        assert list(store.dispositions()) == []
        assert store.get_case(case_id).version == 1
        assert [e.kind for e in store.history()] == ["case.opened"]
        assert store.verify() == []
        # and the store still takes the decision
        store.decide(case_id, hit_id, decision="true_match", reason="x", reviewer="carol")


def test_a_failing_migration_changes_nothing(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening.errors import StoreError
    from screening.store import _migrations

    broken = (
        (*_migrations.MIGRATIONS[0][:3], "CREATE TABLE broken (", *_migrations.MIGRATIONS[0][3:]),
    )
    monkeypatch.setattr(_migrations, "MIGRATIONS", broken)
    with pytest.raises(StoreError):
        upgrade_store(store_url)
    monkeypatch.undo()
    # nothing was left half-made: the real migration runs from scratch
    assert upgrade_store(store_url) == (0, SCHEMA_VERSION)
