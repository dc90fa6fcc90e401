"""Batch hardening (issue 13, item 5): a duplicate key is refused, a changed record is not
skipped on resume, and workers die with their parent so its lock does not outlive it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from helpers.zte import numbered, zte_transactions
from screening import Outcome, RuleSet, load_rules
from screening.batch import JsonLine, Record, Unreadable, screen_record
from screening.cli import main


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


def _write(path: Path, txs: list[Any]) -> Path:
    path.write_text("".join(json.dumps(tx, default=str) + "\n" for tx in txs), encoding="utf-8")
    return path


# --- duplicate keys ----------------------------------------------------------------------------


def test_a_duplicate_key_is_an_error_record_not_the_last_value(rules: RuleSet) -> None:
    tx = zte_transactions()[0]
    line = json.dumps({**tx, "destination": "IR"})
    line = line.replace('"destination": "IR"', '"destination": "IR", "destination": "DE"')
    result = screen_record(Record(0, JsonLine(line.encode()), "line 1"), rules, None)
    assert result.outcome is Outcome.REVIEW
    assert result.error == "line 1: invalid JSON: duplicate key 'destination'"


@SETTINGS
@given(
    key=st.text(min_size=1, max_size=8),
    values=st.lists(st.integers() | st.text(max_size=5), min_size=2, max_size=3),
    depth=st.integers(0, 3),
)
def test_any_repeated_key_at_any_depth_makes_the_line_unreadable(
    key: str, values: list[object], depth: int
) -> None:
    inner = "{" + ",".join(f"{json.dumps(key)}:{json.dumps(v)}" for v in values) + "}"
    for _ in range(depth):
        inner = '{"metadata":' + inner + "}"
    read = JsonLine(inner.encode()).read()
    assert read == Unreadable(f"invalid JSON: duplicate key '{key}'")


# --- resume compares input_hash ----------------------------------------------------------------


def test_resume_refuses_a_record_that_changed_since(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    txs = numbered(zte_transactions(), 3)
    out = tmp_path / "out.jsonl"
    monday = [{**tx, "destination": "DE"} if i == 0 else tx for i, tx in enumerate(txs)]
    assert main(["batch", str(_write(tmp_path / "mon.jsonl", monday)), "-o", str(out), "-q"]) != 3
    before = out.read_bytes()
    capsys.readouterr()
    tuesday = [{**tx, "destination": "IR"} if i == 0 else tx for i, tx in enumerate(txs)]
    assert main(["batch", str(_write(tmp_path / "tue.jsonl", tuesday)), "-o", str(out), "-q"]) == 3
    err = capsys.readouterr().err
    assert f"record '{txs[0]['id']}' changed since OUTPUT screened it" in err
    assert out.read_bytes() == before


def test_resume_skips_a_record_rewritten_with_other_spacing_and_key_order(tmp_path: Path) -> None:
    txs = numbered(zte_transactions(), 3)
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(_write(tmp_path / "a.jsonl", txs[:2])), "-o", str(out), "-q"]) != 3
    again = tmp_path / "b.jsonl"
    again.write_text(
        "".join(json.dumps(dict(reversed(tx.items())), indent=None) + "\n" for tx in txs)
    )
    assert main(["batch", str(again), "-o", str(out), "-q"]) != 3
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        tx["id"] for tx in txs
    ]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_resume_compares_input_hash_in_every_output_format(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    txs = numbered(zte_transactions(), 2)
    out = tmp_path / f"out.{fmt}"
    assert main(["batch", str(_write(tmp_path / "a.jsonl", txs)), "-o", str(out), "-q"]) != 3
    changed = [{**txs[0], "end_use": "nuclear"}, txs[1]]
    capsys.readouterr()
    assert main(["batch", str(_write(tmp_path / "b.jsonl", changed)), "-o", str(out), "-q"]) == 3
    assert "changed since OUTPUT screened it" in capsys.readouterr().err


# --- workers die with their parent, and its lock with it ----------------------------------------


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in tasks.iterdir() for c in (t / "children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_after_kill_9_of_the_parent_workers_die_and_resume_is_not_refused(tmp_path: Path) -> None:
    txs = numbered(zte_transactions(), 4000)
    source = _write(tmp_path / "in.jsonl", txs)
    out = tmp_path / "out.jsonl"
    argv = [sys.executable, "-m", "screening", "batch", str(source), "-o", str(out), "-q"]
    parent = subprocess.Popen([*argv, "--workers", "2"], env={**os.environ})
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while not (out.exists() and out.read_bytes().count(b"\n") >= 64):
            assert parent.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        workers = _children(parent.pid)
        assert len(workers) >= 2
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers):
            assert time.monotonic() < deadline, "workers outlived their parent"
            time.sleep(0.05)
    finally:
        if parent.poll() is None:
            parent.kill()
        for worker in workers:  # on failure: the orphans this test made
            if _alive(worker):
                os.kill(worker, signal.SIGKILL)
    resumed = subprocess.run(
        [*argv, "--workers", "1"], capture_output=True, text=True, timeout=600, check=False
    )
    assert resumed.returncode == 2, resumed.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        tx["id"] for tx in txs
    ]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_lets_go_of_the_lock_only(tmp_path: Path) -> None:
    """The child drops its share of a held lock, and leaves alone a descriptor whose number was
    reused for another file after the locked one was closed without unlocking."""
    from screening._io import durable

    locked_path, other = tmp_path / "out.jsonl", tmp_path / "other.txt"
    other.write_text("kept")
    with open(locked_path, "a+b") as held:
        assert durable.try_lock(held.fileno(), locked_path)
        closed = open(tmp_path / "closed.lock", "a+b")  # noqa: SIM115
        number = closed.fileno()
        assert durable.try_lock(number, closed.name)
        closed.close()  # the lock goes with it, without unlock
        reused = os.open(other, os.O_RDONLY)
        assert reused == number
        pid = os.fork()
        if pid == 0:  # the child: report what its descriptors name, then leave at once
            ok = os.fstat(held.fileno()).st_ino != os.stat(locked_path).st_ino
            ok = ok and os.pread(reused, 4, 0) == b"kept"
            os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        os.close(reused)
        assert os.waitstatus_to_exitcode(status) == 0
        assert os.fstat(held.fileno()).st_ino == os.stat(locked_path).st_ino  # parent untouched
        durable.unlock(held.fileno())
