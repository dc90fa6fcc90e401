"""A store keeps what it read between screenings only while nothing has changed: a disposition
written by another process between two screenings applies (or stops applying) on the very
next one, on both engines, however the SQLite write-ahead log was checkpointed meanwhile."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from helpers.review import kangxun_order
from screening import Outcome, screen
from screening.rules import RuleSet
from screening.store import open_store


def _decide_elsewhere(url: str, tx_id: str, finding: str, out: Any) -> None:
    """Another process: decide the listing hit of the transaction's case."""
    from screening.store import case_id_of

    with open_store(url) as store:
        case = store.get_case(case_id_of(tx_id))
        hit = next(h for h in case.hits if h.disposable)
        d = store.decide(case.id, hit.hit_id, decision=finding, reason="elsewhere", reviewer="eve")
        out.put(d.id)


def _in_another_process(url: str, tx_id: str, finding: str) -> str:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_decide_elsewhere, args=(url, tx_id, finding, out))
    proc.start()
    disposition_id: str = out.get(timeout=120)
    proc.join(timeout=60)
    assert proc.exitcode == 0
    return disposition_id


def _listing(decision: Any) -> Any:
    return next(h for h in decision.hits if h.kind == "listing")


def test_another_process_s_disposition_applies_on_the_very_next_screening(
    store_url: str, bundled: RuleSet
) -> None:
    with open_store(store_url) as store:
        # t1 and t2 opened, and t1 screened again: what the store read is kept
        for tx_id in ("t1", "t2", "t1"):
            assert _listing(screen(kangxun_order(tx_id), rules=bundled, store=store)).outcome is (
                Outcome.REVIEW
            )

        cleared = _in_another_process(store_url, "t1", "false_positive")
        hit = _listing(screen(kangxun_order("t1"), rules=bundled, store=store))
        assert hit.outcome is Outcome.CLEAR
        assert hit.disposition is not None
        assert hit.disposition.id == cleared

        # t2's hit was still undecided: a true match decided on it now is the newest
        # disposition of the same party and entry, and the false positive stops applying
        confirmed = _in_another_process(store_url, "t2", "true_match")
        hit = _listing(screen(kangxun_order("t1"), rules=bundled, store=store))
        assert hit.outcome is Outcome.BLOCK
        assert hit.disposition is not None
        assert hit.disposition.id == confirmed


_OPS = st.lists(
    st.sampled_from(["commit", "commit", "passive", "restart", "truncate", "nothing"]),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=_OPS)
def test_the_change_check_sees_every_commit_of_another_connection(
    tmp_path: Path, ops: list[str]
) -> None:
    """The SQLite change check reads the write-ahead log's index header: every commit by
    another connection changes it, checkpoints that reset the log included; and it stays the
    same while nothing is written (that is what lets a screening skip the database)."""
    path = tmp_path / f"s{len(list(tmp_path.iterdir()))}.db"
    with open_store(f"sqlite:///{path}") as store:
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("CREATE TABLE IF NOT EXISTS scratch (n INTEGER)")
            before = store.db.version()
            for op in ops:
                if op == "commit":
                    other.execute("INSERT INTO scratch VALUES (1)")
                elif op != "nothing":
                    other.execute(f"PRAGMA wal_checkpoint({op.upper()})")
                now = store.db.version()
                if op == "commit":
                    assert now != before, ops
                elif op == "nothing":
                    assert now == before, ops
                before = now
        finally:
            other.close()


def test_a_store_opened_through_a_symbolic_link_sees_other_commits(tmp_path: Path) -> None:
    """SQLite keeps its "-shm" beside the file a link points to; a stale one left beside the
    link (a copy, here) must not be taken for the live header."""
    real = tmp_path / "real"
    real.mkdir()
    with open_store(f"sqlite:///{real / 's.db'}"):
        other = sqlite3.connect(real / "s.db", isolation_level=None)
        other.execute("CREATE TABLE scratch (n INTEGER)")
        link = tmp_path / "link.db"
        link.symlink_to(real / "s.db")
        (tmp_path / "link.db-shm").write_bytes((real / "s.db-shm").read_bytes())
        with open_store(f"sqlite:///{link}") as linked:
            before = linked.db.version()
            other.execute("INSERT INTO scratch VALUES (1)")
            assert linked.db.version() != before
        other.close()
