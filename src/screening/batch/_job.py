"""One run of ``screening batch``: resume, screen, write, show progress, stop cleanly.

The run skips the records OUTPUT already holds (by transaction id; by position for records
without one), screens the rest with `screen_chunks`, appends each chunk as it comes back, and
reports progress on a terminal. Ctrl-C (or SIGTERM) stops it after the chunk being written, with
OUTPUT valid; running the same command again resumes.

The progress bar is tqdm's: it gets rate smoothing, ETA, terminal width and redrawing right on
every terminal, which a hand-written bar would have to relearn; it is drawn only when stderr is
a terminal.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any, TextIO

from ..engine import DEFAULT_PARTY_CACHE
from ..errors import BatchError
from ..rules import RuleSet
from ._core import Record, input_hash, record_id, screen_chunks
from ._files import RENDERERS, Done, count_records, format_of, open_output, read_records

__all__ = ["BatchSummary", "run_batch"]


@dataclass(frozen=True)
class BatchSummary:
    """What a run did: records in OUTPUT by outcome, how many this run screened or skipped."""

    outcomes: dict[str, int]
    errors: int
    screened: int
    skipped: int
    seconds: float
    interrupted: bool

    @property
    def total(self) -> int:
        """Records OUTPUT holds now."""
        return sum(self.outcomes.values())

    @property
    def worst(self) -> str:
        """The most severe outcome in OUTPUT ("clear" when empty)."""
        for outcome in ("block", "review"):
            if self.outcomes.get(outcome):
                return outcome
        return "clear"

    def line(self, output: str) -> str:
        """One line for a person, e.g. on stderr at the end of the run."""
        parts = ", ".join(f"{self.outcomes.get(o, 0)} {o}" for o in ("clear", "review", "block"))
        rate = f", {self.screened / self.seconds:.0f} tx/s" if self.seconds > 0 else ""
        state = "interrupted" if self.interrupted else "done"
        return (
            f"{state}: {output} holds {self.total} records ({parts}; {self.errors} errors); "
            f"screened {self.screened} now{rate}, skipped {self.skipped} already there"
        )


def run_batch(
    input_path: str,
    output_path: str,
    *,
    rules: RuleSet,
    workers: int = 0,
    as_of: dt.date | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    chunk_size: int = 64,
    progress: bool | None = None,
    stderr: TextIO | None = None,
    party_cache: int = DEFAULT_PARTY_CACHE,
    store: str | None = None,
) -> BatchSummary:
    """Screen every record of INPUT into OUTPUT, resuming what OUTPUT already holds.

    ``progress=None`` draws a progress bar when ``stderr`` is a terminal. Raises `BatchError`
    when a file is unusable as a whole; a bad record becomes an error record instead.
    ``party_cache`` as in `screen_many`. With a ``store`` URL, dispositions apply and each
    review opens or updates its case.
    """
    err = stderr or sys.stderr
    if input_path != "-" and _same_file(input_path, output_path):
        raise BatchError("INPUT and OUTPUT are the same file", path=output_path)
    in_fmt = format_of(input_path, input_format or ("jsonl" if input_path == "-" else None))
    out_fmt = format_of(output_path, output_format)
    records = read_records(input_path, in_fmt)
    # Open INPUT and check its header before OUTPUT is created or touched.
    first = next(records, None)
    if first is not None:
        records = itertools.chain([first], records)
    output = open_output(output_path, out_fmt, rules.fingerprint)
    done = output.done
    show = err.isatty() if progress is None else progress
    bar = _bar(input_path, in_fmt, err) if show else None
    tally: Counter[str] = Counter(done.outcomes)
    errors = done.errors
    skipped = [0]
    stop = _StopFlag()
    start = time.perf_counter()
    chunks = screen_chunks(
        _todo(records, done, skipped),
        rules=rules,
        workers=workers,
        as_of=as_of,
        chunk_size=chunk_size,
        start_method=None,
        render=RENDERERS[out_fmt],
        party_cache=party_cache,
        store=store,
    )
    finished = complete = False
    screened = counted = 0
    try:
        with stop, _frozen_heap():
            for chunk in chunks:
                output.write(chunk)
                screened += len(chunk)
                for rendered in chunk:
                    tally[rendered.outcome] += 1
                    errors += rendered.error
                if bar is not None:
                    bar.update(len(chunk) + skipped[0] - counted)
                    counted = skipped[0]
                if stop.requested:
                    break
            else:
                complete = True
        finished = True
    finally:
        chunks.close()
        if bar is not None:
            bar.close()
        output.close(finish=finished)
    return BatchSummary(
        outcomes=dict(tally),
        errors=errors,
        screened=screened,
        skipped=skipped[0],
        seconds=time.perf_counter() - start,
        interrupted=not complete,
    )


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep what is alive now (the rule set above all: some half a million objects with the
    full CSL) out of the garbage collector's reach for the run. Collections then stop walking
    it over and over, which speeds screening by a tenth or more, and forked workers stop
    copying the pages they share. An application that froze its heap itself is left alone."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # anything frozen that became garbage is collectable again


def _same_file(a: str, b: str) -> bool:
    from pathlib import Path

    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:  # pragma: no cover
        return False


def _todo(records: Iterator[Record], done: Done, skipped: list[int]) -> Iterator[Record]:
    """The records OUTPUT does not hold yet. An id OUTPUT holds k times skips its first k
    occurrences in INPUT, so a duplicated id is neither lost nor screened twice.

    A record is skipped only when its ``input_hash`` is the one OUTPUT recorded for it: a record
    that changed since (Monday's order-1 to Germany, Tuesday's order-1 to Iran) raises
    `BatchError` rather than be re-screened beside its stale decision or skipped as done."""
    if not done.ids and not done.indexes:  # a new run: no record needs reading here
        yield from records
        return
    seen: Counter[str] = Counter()
    for record in records:
        key = record_id(record.payload)
        if key is not None and key in done.ids:
            seen[key] += 1
            if seen[key] <= done.ids[key]:
                _unchanged(record, done.hashes[key][seen[key] - 1], f"record '{key}'")
                skipped[0] += 1
                continue
        elif key is None and record.index in done.indexes:
            _unchanged(record, done.index_hashes[record.index], f"record {record.index}")
            skipped[0] += 1
            continue
        yield record


def _unchanged(record: Record, recorded: str | None, what: str) -> None:
    where = f"{record.location}: " if record.location else ""
    if recorded is None:
        raise BatchError(
            f"{where}OUTPUT's {what} has no input_hash (written by an older version), so a "
            "changed record cannot be told from the same one; write to a new OUTPUT"
        )
    now = input_hash(record.payload)
    if now != recorded:
        raise BatchError(
            f"{where}{what} changed since OUTPUT screened it (input_hash {recorded[:12]} "
            f"there, {now[:12]} now); its decision in OUTPUT is stale: write to a new OUTPUT "
            "(or delete OUTPUT to screen everything again)"
        )


def _bar(input_path: str, fmt: str, err: TextIO) -> Any:
    import tqdm as tqdm_module

    # No monitor thread: the workers are forked, and forking is only safe single-threaded.
    tqdm_module.tqdm.monitor_interval = 0
    return tqdm_module.tqdm(
        total=count_records(input_path, fmt),
        unit="tx",
        desc="screening",
        file=err,
        dynamic_ncols=True,
        mininterval=0.5,
        smoothing=0.1,
    )


class _StopFlag:
    """While active, the first Ctrl-C (or SIGTERM) asks the run to stop after the current chunk;
    a second Ctrl-C stops at once (the output stays valid either way)."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> _StopFlag:
        import threading

        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
