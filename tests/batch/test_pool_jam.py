"""A worker that dies while sending its result jams a ProcessPoolExecutor (CPython 3.11): the
pool's manager waits for the rest of the message and never sees the death, so a batch run
waited forever (1 in 6 to 12 runs of the killed-worker test under load). `_unjam` frees it.

The jam is made here for certain: a task writes the start of a result message, holding the
lock on the results pipe, and dies. Checked with the executor's own processes, as the batch
pool uses it (the killed-worker test in tests/cli/test_batch.py checks the whole run)."""

from __future__ import annotations

import multiprocessing
import os
import struct
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import pytest

from screening.batch._core import _dead_worker, _unjam


def _die_mid_result() -> None:
    """Take the results pipe's lock, write a message header and a few bytes of its body, die."""
    queue = multiprocessing.current_process()._args[1]  # type: ignore[attr-defined]
    queue._wlock.acquire()
    os.write(queue._writer.fileno(), struct.pack("!i", 1 << 16) + b"partial")
    os._exit(1)


def _slow() -> int:
    time.sleep(0.5)
    return 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork start method, as batch uses")
def test_a_worker_dead_in_the_middle_of_a_result_is_freed() -> None:
    pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))
    try:
        other = pool.submit(_slow)
        jammed = pool.submit(_die_mid_result)
        deadline = time.monotonic() + 30
        while not _dead_worker(pool) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _dead_worker(pool)
        time.sleep(1.0)
        assert not jammed.done(), "the pool noticed by itself: no jam to free"
        _unjam(pool)
        with pytest.raises(BrokenProcessPool):
            jammed.result(timeout=30)
        with pytest.raises(BrokenProcessPool):
            other.result(timeout=30)
    finally:
        _unjam(pool)  # a pool left jammed would hang its shutdown, and the run
        pool.shutdown(wait=True, cancel_futures=True)
