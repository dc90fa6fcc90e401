"""Screening many transactions: streamed, in input order, on one core or on many.

`screen_many` reads its input lazily and yields one `BatchResult` per input record, in input
order, keeping only a bounded window of chunks in flight, so memory does not grow with the input.
A bad record gets an error result (its index, its id when it has one, and the reason), never an
exception that ends the stream, and never silence: every record in gives exactly one result out.

The rule set is compiled once, in the calling process, and handed to each worker process once,
when the worker starts; never once per transaction:

- on Linux the workers are forked, so each inherits the compiled rule set as it stands: nothing
  is pickled or rebuilt, and its memory is shared copy-on-write (when the caller runs other
  threads, forking is unsafe, so the fork server is used instead, as below);
- elsewhere (macOS and Windows start fresh interpreters) the rule set is pickled once per worker
  as its validated rules, and the worker rebuilds the indexes (see `RuleSet.__reduce__`).

A worker process that dies (killed, out of memory) loses no record: every chunk that was in
flight is screened again, one chunk at a time, until the chunk that kills a worker on its own is
found; it is then screened record by record, and a record that kills its worker twice on its own
gets an error result. A pool that keeps dying without screening anything raises `BatchError`.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

from ..api import parse_transaction, screen
from ..engine import DEFAULT_PARTY_CACHE, PartyCache
from ..errors import BatchError, Problem, TransactionError
from ..models import Decision, Outcome, Transaction
from ..rules import RuleSet, load_rules
from ..store import Store, open_store

__all__ = [
    "BatchResult",
    "JsonLine",
    "Record",
    "Unreadable",
    "record_id",
    "screen_chunks",
    "screen_many",
    "screen_record",
    "usable_cpus",
]

T = TypeVar("T")

DEFAULT_CHUNK_SIZE = 64
"""Records per unit of work sent to a worker: large enough that inter-process overhead is small
against screening (~1 ms a transaction), small enough that a lost chunk costs little."""

_IN_FLIGHT_PER_WORKER = 2
"""Chunks queued per worker: one being screened, one ready, so no worker waits on the parent."""

_MAX_DEATHS_WITHOUT_PROGRESS = 8
"""Worker deaths with no chunk screened in between that mean a broken environment (workers that
cannot start), not a bad record: stop with `BatchError`. One record that kills its worker costs
at most four deaths before it is set aside as an error result."""

_POLL = 0.25
"""Seconds between looks at the workers while a chunk is awaited (see `_unjam`)."""

_JAMMED = 2.0
"""Seconds a dead worker may go unnoticed by the pool before `_unjam` steps in."""


class BatchResult(BaseModel):
    """What screening one record of a batch gave: a decision, or an error and its reason.

    ``index`` is the record's 0-based position in the input; ``id`` the transaction id when the
    record has a readable one. An error result's ``outcome`` is "review" (fail closed: a record
    that could not be screened is never clear), and ``error`` says why.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    id: str | None
    outcome: Outcome
    decision: Decision | None = None
    error: str | None = None
    ruleset_fingerprint: str
    """The rule set the record was screened with (also for an error result)."""
    input_hash: str | None = None
    """sha256 of the record as read (`input_hash`): a resumed run compares it with INPUT's record
    of the same id, so a record that changed since is not skipped as done."""

    @model_validator(mode="after")
    def _decision_or_error(self) -> Self:
        if (self.decision is None) == (self.error is None):
            raise ValueError("a batch result has either a decision or an error, not both")
        if self.error is not None and self.outcome is Outcome.CLEAR:
            raise ValueError("an error result cannot be clear")
        return self

    @property
    def ok(self) -> bool:
        """True when the record was screened (it has a decision), False for an error result."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, as written to a JSON Lines output by ``screening batch``."""
        return self.model_dump(mode="json")


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A record that could not be read at all (invalid JSON, a malformed CSV row): it becomes an
    error result with this reason instead of being dropped."""

    reason: str
    id: str | None = None


@dataclass(frozen=True, slots=True)
class JsonLine:
    """A record still as its line of JSON Lines, parsed where it is screened: in a worker
    process, so that the process feeding the workers only moves bytes."""

    line: bytes

    def read(self) -> object:
        """The parsed line, or an `Unreadable` saying why it cannot be parsed."""
        try:
            return json.loads(self.line, object_pairs_hook=_no_duplicates)
        except _DuplicateKey as exc:
            return Unreadable(f"invalid JSON: duplicate key '{exc.key}'")
        except UnicodeDecodeError as exc:
            return Unreadable(f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
        except json.JSONDecodeError as exc:
            return Unreadable(f"invalid JSON: {exc.msg} (column {exc.colno})")
        except ValueError as exc:  # a number of more than 4,300 digits, say
            return Unreadable(f"invalid JSON: {exc}")
        except RecursionError:
            return Unreadable("invalid JSON: nested too deeply")


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are unique: a repeated key (``"destination":"IR",
    "destination":"DE"``) makes the line unreadable rather than screened with the last value,
    as `screening screen` refuses the same object."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


@dataclass(frozen=True, slots=True)
class Record:
    """One input record: its 0-based position in the input, what was read, and where it was
    read (e.g. ``line 7``), which prefixes the reason of an error result."""

    index: int
    payload: object
    location: str | None = None


def record_id(payload: object) -> str | None:
    """The transaction id of a record as `screen` would read it (stripped), or None when it has
    no usable one (not a mapping, no id, an id that is not text)."""
    if isinstance(payload, Transaction):
        return payload.id
    if isinstance(payload, JsonLine):
        payload = payload.read()
    if isinstance(payload, Unreadable):
        return payload.id
    if not isinstance(payload, Mapping):
        return None
    try:
        value = payload.get("id")
    except Exception:  # a broken mapping: its error result says what went wrong
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: not text we could write back out
        return None
    return value.strip()


def usable_cpus() -> int:
    """The number of CPUs this process may run on (what ``workers=0`` means)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)  # pragma: no cover - platforms without affinity


def screen_many(
    transactions: Iterable[Transaction | Mapping[str, Any]],
    *,
    rules: RuleSet | None = None,
    workers: int = 1,
    as_of: dt.date | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    start_method: str | None = None,
    party_cache: int = DEFAULT_PARTY_CACHE,
) -> Iterator[BatchResult]:
    """Screen transactions (models or plain dicts) and yield one `BatchResult` each, in order.

    ``workers=1`` screens in this process; ``workers=N`` uses N worker processes and ``0`` one
    per usable CPU. ``rules`` defaults to the bundled rule set; ``as_of`` as in `screen`.
    ``start_method`` overrides how workers start ("fork", "forkserver", "spawn"); the default
    forks on Linux and uses the platform's default elsewhere. The input is read lazily, and at
    most ``2 * workers`` chunks of ``chunk_size`` records are held at once. Each process keeps
    a `PartyCache` of ``party_cache`` parties (0: none): repeated counterparties are searched
    once, with the same results.

    >>> for result in screen_many(rows, rules=rules, workers=2):   # doctest: +SKIP
    ...     print(result.index, result.id, result.outcome, result.error)
    """
    ruleset = _check(rules, workers, as_of, chunk_size)
    records = (Record(i, tx) for i, tx in enumerate(transactions))
    chunks = screen_chunks(
        records,
        rules=ruleset,
        workers=workers,
        as_of=as_of,
        chunk_size=chunk_size,
        start_method=start_method,
        render=_identity,
        party_cache=party_cache,
    )
    return (result for chunk in chunks for result in chunk)


def screen_chunks(
    records: Iterable[Record],
    *,
    rules: RuleSet,
    workers: int,
    as_of: dt.date | None,
    chunk_size: int,
    start_method: str | None,
    render: Callable[[BatchResult], T],
    party_cache: int = DEFAULT_PARTY_CACHE,
    store: str | None = None,
) -> Generator[list[T], None, None]:
    """The engine behind `screen_many`: yields, in input order, one list per chunk of records,
    each result passed through ``render`` (in the worker, so serialising a result for output is
    done in parallel too). ``render`` must be a module-level function when ``workers > 1``.
    ``store`` is a review store URL: each process opens it once and screens with it."""
    ruleset = _check(rules, workers, as_of, chunk_size)
    cache = PartyCache(party_cache)  # checks the size; a worker gets its own, empty
    count = usable_cpus() if workers == 0 else workers
    if count == 1:
        return _in_process(records, ruleset, as_of, chunk_size, render, cache, store)
    return _Pool(ruleset, count, as_of, chunk_size, start_method, render, cache, store).run(records)


def _check(rules: RuleSet | None, workers: int, as_of: dt.date | None, chunk_size: int) -> RuleSet:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise ValueError(f"workers must be a whole number >= 0, got {workers!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    if as_of is not None and not isinstance(as_of, dt.date):
        raise TransactionError([Problem(f"as_of must be a date, got {as_of!r}", path="as_of")])
    if rules is not None and not isinstance(rules, RuleSet):
        raise TypeError(f"rules must be a RuleSet (from load_rules), got {type(rules).__name__}")
    return rules if rules is not None else load_rules()


def _identity(result: BatchResult) -> BatchResult:
    return result


_STORES: dict[str, Store] = {}
"""The review stores this process opened, by URL: one connection per process."""


def _store(url: str | None) -> Store | None:
    if url is None:
        return None
    if url not in _STORES:
        _STORES[url] = open_store(url)
    return _STORES[url]


def screen_record(
    record: Record,
    rules: RuleSet,
    as_of: dt.date | None,
    cache: PartyCache | None = None,
    store: str | Store | None = None,
) -> BatchResult:
    """Screen one record; never raises: anything that goes wrong becomes an error result.
    ``cache`` as in `screen`. With a ``store`` (a URL: this process's connection to it; or an
    open `Store`, which the caller owns), dispositions apply and review decisions open cases
    there."""
    payload = record.payload
    digest: str | None = None
    try:
        if isinstance(payload, JsonLine):
            payload = payload.read()
        if isinstance(payload, Unreadable):
            digest = input_hash(payload)
            reason = payload.reason
        else:
            # Parsed once: the data's own hash is needed only when it is not a transaction
            # (input_hash of valid data parses it to hash the transaction: the same digest).
            try:
                tx = parse_transaction(payload)  # type: ignore[arg-type]
            except BaseException:
                digest = input_hash(payload)
                raise
            digest = input_hash(tx)
            opened = store if isinstance(store, Store) else _store(store)
            decision = screen(tx, rules=rules, as_of=as_of, cache=cache, store=opened)
            return BatchResult(
                index=record.index,
                id=decision.transaction_id,
                outcome=decision.outcome,
                decision=decision,
                ruleset_fingerprint=rules.fingerprint,
                input_hash=digest,
            )
    except TransactionError as exc:
        reason = "; ".join(str(p) for p in exc.problems)
    except Exception as exc:  # a bug must not end the stream nor clear the record
        reason = f"internal error while screening: {type(exc).__name__}: {exc}"
    return _error(record, reason, rules, digest)


def input_hash(payload: object) -> str:
    """sha256 of a record as read: of the transaction it holds (so a JSON line and a CSV row of
    one transaction, or two spellings of it, hash alike; every screened field counts, the
    unscreened ``metadata`` does not), else of its data with sorted keys, or of the reason it is
    unreadable."""
    if isinstance(payload, JsonLine):
        payload = payload.read()
    if isinstance(payload, Mapping):
        with contextlib.suppress(Exception):  # not a transaction: its data is hashed as it is
            payload = parse_transaction(payload)
    # A transaction's JSON dump is plain data, which cannot hold a cycle: encoded alike
    # without looking for one (a fifth of the time).
    encode: Callable[[object], str] = _encode
    if isinstance(payload, Transaction):
        payload, encode = payload.model_dump(mode="json", exclude={"metadata"}), _ACYCLIC.encode
    if isinstance(payload, Unreadable):
        payload = {"unreadable": payload.reason}
    try:
        text = encode(payload)
    except (TypeError, ValueError, RecursionError):  # keys of mixed types, a cycle, too deep
        text = repr(payload)
    return hashlib.sha256(text.encode("ascii", "backslashreplace")).hexdigest()


def _encode(payload: object) -> str:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=repr
    )


_ACYCLIC = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=repr, check_circular=False
)
"""`_encode`, for a transaction's JSON dump."""


def _error(record: Record, reason: str, rules: RuleSet, digest: str | None = None) -> BatchResult:
    if record.location:
        reason = f"{record.location}: {reason}"
    return BatchResult(
        index=record.index,
        id=record_id(record.payload),
        outcome=Outcome.REVIEW,
        error=" ".join(reason.split("\n")),  # one line: output rows stay one line each
        ruleset_fingerprint=rules.fingerprint,
        input_hash=digest,
    )


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def _in_process(
    records: Iterable[Record],
    rules: RuleSet,
    as_of: dt.date | None,
    chunk_size: int,
    render: Callable[[BatchResult], T],
    cache: PartyCache,
    store: str | None = None,
) -> Generator[list[T], None, None]:
    for chunk in _chunks(records, chunk_size):
        yield [render(screen_record(r, rules, as_of, cache, store)) for r in chunk]


# --- worker processes ------------------------------------------------------------------------

_WORKER: (
    tuple[RuleSet, dt.date | None, Callable[[BatchResult], Any], PartyCache, str | None] | None
) = None
"""Set once per worker process by `_init_worker`: the compiled rules and how to screen."""


def _init_worker(
    rules: RuleSet,
    as_of: dt.date | None,
    render: Callable[[BatchResult], Any],
    cache: PartyCache,
    store: str | None = None,
) -> None:
    global _WORKER
    _WORKER = (rules, as_of, render, PartyCache(cache.maxsize), store)  # this worker's own cache
    _STORES.clear()  # a forked worker must not share its parent's connection
    # Everything the worker holds now (the rule set: some 500,000 objects) lives as long as it
    # does. Out of the collector's reach, a full collection no longer walks it all, and a forked
    # worker no longer writes to every page it shares with the parent (copy-on-write).
    gc.freeze()
    # Ctrl-C reaches the whole process group: the parent decides what to do, not the workers.
    # SIGTERM gets its default back: a forked worker may inherit the parent's handler, and the
    # pool terminates its workers with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5


def _die_with_parent() -> None:
    """End this worker when the process that started it dies (``kill -9`` of a batch run), so
    no orphan goes on screening for nobody: the kernel's parent-death signal on Linux, and a
    thread watching the parent's pid everywhere (and in case the signal cannot be set)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # pragma: no cover - the parent died before the signal was set
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)  # pragma: no cover - in a worker whose parent died


def _work(records: list[Record]) -> list[Any]:
    assert _WORKER is not None, "worker not initialised"
    rules, as_of, render, cache, store = _WORKER
    return [render(screen_record(r, rules, as_of, cache, store)) for r in records]


def _context(start_method: str | None) -> BaseContext:
    if start_method is not None:
        return multiprocessing.get_context(start_method)
    if sys.platform.startswith("linux"):
        # Forking shares the compiled rules for free, but is unsafe with other threads running.
        return multiprocessing.get_context(
            "fork" if threading.active_count() == 1 else "forkserver"
        )
    return multiprocessing.get_context()  # pragma: no cover - macOS / Windows: spawn


def _workers(pool: ProcessPoolExecutor) -> list[multiprocessing.process.BaseProcess]:
    """The worker processes of ``pool`` (ProcessPoolExecutor's own table; none without it)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _dead_worker(pool: ProcessPoolExecutor) -> bool:
    """Whether a worker of ``pool`` has died (its exit code is known)."""
    return any(p.exitcode is not None for p in _workers(pool))


def _unjam(pool: ProcessPoolExecutor) -> None:
    """A worker died and ``pool`` has not noticed: it died while sending a result, so the
    pool's manager waits for the rest of that message, and any other worker waits for the lock
    it held (CPython 3.11). Kill the workers and close this process's end of the results pipe:
    the manager then reads the end of the pipe, marks the pool broken and fails its futures,
    and the run restarts the pool as for any death (`_Pool.run`). The attributes are
    ProcessPoolExecutor's own; where they are missing, nothing is done (the wait goes on)."""
    for process in _workers(pool):
        if process.exitcode is None:
            with contextlib.suppress(OSError, ValueError):
                process.kill()
    results = getattr(pool, "_result_queue", None)
    writer = getattr(results, "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()


class _Work(Generic[T]):
    """A chunk on its way through the pool."""

    __slots__ = ("alone_deaths", "future", "records", "results")

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.future: Future[list[T]] | None = None
        self.results: list[T] | None = None
        self.alone_deaths = 0
        """How often a worker died while this chunk was the only one in flight."""


class _Pool(Generic[T]):
    """A process pool that yields chunk results in order and survives dying workers."""

    def __init__(
        self,
        rules: RuleSet,
        workers: int,
        as_of: dt.date | None,
        chunk_size: int,
        start_method: str | None,
        render: Callable[[BatchResult], T],
        cache: PartyCache,
        store: str | None = None,
    ) -> None:
        self.cache = cache
        """The caller's cache: for chunks screened here when they cannot reach a worker."""
        self.store = store
        self.rules = rules
        self.workers = workers
        self.as_of = as_of
        self.chunk_size = chunk_size
        self.context = _context(start_method)
        self.render = render
        self.restarts = 0
        """How many times the pool was rebuilt after a worker died (for tests and reports)."""

    def _executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self.context,
            initializer=_init_worker,
            initargs=(self.rules, self.as_of, self.render, self.cache, self.store),
        )

    def run(self, records: Iterable[Record]) -> Generator[list[T], None, None]:
        source = _chunks(records, self.chunk_size)
        window: deque[_Work[T]] = deque()
        limit = _IN_FLIGHT_PER_WORKER * self.workers
        pool = self._executor()
        deaths = 0  # worker deaths since a chunk was last screened
        try:
            while True:
                alone = False
                try:
                    suspect = any(w.future is None and w.results is None for w in window)
                    while not suspect and len(window) < limit:
                        chunk = next(source, None)
                        if chunk is None:
                            break
                        work: _Work[T] = _Work(chunk)
                        window.append(work)  # before submitting: a failed submit loses nothing
                        work.future = pool.submit(_work, chunk)
                    if not window:
                        return
                    head = window[0]
                    if head.results is None:
                        if head.future is None:  # after a death, suspects run one at a time
                            alone = True
                            head.future = pool.submit(_work, head.records)
                        head.results = self._wait(head, pool)
                        deaths = 0
                except BrokenProcessPool as exc:
                    deaths += 1
                    if deaths >= _MAX_DEATHS_WITHOUT_PROGRESS:
                        raise BatchError(
                            f"worker processes keep dying ({deaths} times without a chunk "
                            f"screened): {exc}"
                        ) from exc
                    pool = self._restart(pool, window)
                    if alone:
                        self._blame(window, str(exc))
                    continue
                window.popleft()
                yield head.results
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _wait(self, work: _Work[T], pool: ProcessPoolExecutor) -> list[T]:
        assert work.future is not None
        dead_since: float | None = None
        try:
            while True:
                try:
                    return work.future.result(timeout=_POLL)
                except TimeoutError:
                    if not _dead_worker(pool):
                        dead_since = None
                        continue
                    now = time.monotonic()
                    if dead_since is None:
                        dead_since = now
                    elif now - dead_since > _JAMMED:
                        _unjam(pool)
                        dead_since = None
        except BrokenProcessPool:
            raise
        except Exception:
            # The chunk or its results could not cross the process boundary (an unpicklable
            # record, say): screen it here rather than lose it.
            return [
                self.render(screen_record(r, self.rules, self.as_of, self.cache, self.store))
                for r in work.records
            ]

    def _restart(self, pool: ProcessPoolExecutor, window: deque[_Work[T]]) -> ProcessPoolExecutor:
        """A worker died: keep what finished, mark everything else to be screened again."""
        for work in window:
            future, work.future = work.future, None
            if work.results is None and future is not None and _succeeded(future):
                work.results = future.result()
        pool.shutdown(wait=True, cancel_futures=True)
        self.restarts += 1
        return self._executor()

    def _blame(self, window: deque[_Work[T]], reason: str) -> None:
        """The head chunk killed a worker while alone in the pool: split it into single records;
        a single record that does so twice gets an error result."""
        head = window[0]
        if len(head.records) > 1:
            window.popleft()
            window.extendleft(reversed([_Work([r]) for r in head.records]))
            return
        head.alone_deaths += 1
        if head.alone_deaths >= 2:
            record = head.records[0]
            head.results = [
                self.render(
                    _error(
                        record,
                        f"the worker process screening this record died twice ({reason}); "
                        "not screened",
                        self.rules,
                    )
                )
            ]


def _succeeded(future: Future[Any]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None
