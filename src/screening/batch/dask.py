"""Screening on Dask, for data that outgrows one machine: Bags and DataFrames of transactions.

The rule set reaches each worker once, never once per partition or transaction:

- a `RuleSet` is pickled once and its bytes scattered to every worker of the client's cluster
  (once per client while it is the latest shipped), under a key that names its fingerprint
  (without a distributed client, it is one node of the task graph); each worker unpickles it
  once and rebuilds its indexes (a rule set pickles as its validated rules);
- a rules directory (a path) is loaded by each worker process once and cached there: use it
  when every worker sees the same files at that path, to keep the graph small.

Results keep the input's order; each carries ``index``, the record's 0-based position in the
whole input, so a record without an id can still be traced. A bad record becomes an error
result (outcome "review" and the reason), as with `screen_many`.

Install with ``pip install 'screening[dask]'``. To use a cluster, connect a client before
computing (``Client("tcp://scheduler:8786")``); every worker needs ``screening`` installed.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Any

import dask
import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from ..errors import BatchError
from ..rules import RuleSet, load_rules
from ._core import BatchResult, Record, screen_record
from ._tabular import RESULT_COLUMNS, check_columns, result_to_row, row_payload

__all__ = ["RulesSpec", "result_frame", "screen_bag", "screen_dataframe"]

RulesSpec = RuleSet | str | os.PathLike[str] | None
"""A rule set, a rules directory every worker can read, or None for the bundled rules."""


def screen_bag(bag: db.Bag, rules: RulesSpec = None, *, as_of: dt.date | None = None) -> db.Bag:
    """Screen a Bag of transactions (dicts or `Transaction` models) into a Bag of `BatchResult`,
    one per element, in the bag's order."""
    parts = bag.to_delayed(optimize_graph=False)
    return db.from_delayed(_per_partition(_screen_records, parts, _ship(rules), as_of))


def screen_dataframe(
    frame: dd.DataFrame, rules: RulesSpec = None, *, as_of: dt.date | None = None
) -> dd.DataFrame:
    """Screen a DataFrame of transactions, one per row, in the flat layout (or with nested
    ``parties`` / ``items`` columns) of `screening.tabular`, into a DataFrame of results with
    the same index and the columns of `RESULT_COLUMNS` (``decision`` as canonical JSON).

    Raises `BatchError` at once for a column the layouts do not know."""
    check_columns([str(c) for c in frame.columns])
    parts = frame.to_delayed(optimize_graph=False)
    screened = _per_partition(_screen_frame, parts, _ship(rules), as_of)
    return dd.from_delayed(screened, meta=result_frame([]), divisions=frame.divisions)


def result_frame(results: list[BatchResult], index: Any = None) -> pd.DataFrame:
    """Results as a pandas DataFrame with the output columns and fixed dtypes."""
    rows = [result_to_row(r) for r in results]
    frame = pd.DataFrame(
        {c: pd.Series([row[c] for row in rows], dtype="object", index=index) for c in _TEXT},
        index=index,
    )
    for column in ("index", "hits"):
        frame[column] = pd.Series([row[column] for row in rows], dtype="int64", index=index)
    frame["as_of"] = pd.Series(
        [None if row["as_of"] is None else row["as_of"].isoformat() for row in rows],
        dtype="object",
        index=index,
    )
    return frame[list(RESULT_COLUMNS)]


_TEXT = ("id", "outcome", "error", "rule_ids", "ruleset_fingerprint", "decision", "input_hash")


def _ship(rules: RulesSpec) -> Any:
    if isinstance(rules, RuleSet):
        client = _client()
        if client is not None:
            return _scattered(client, rules)
        # No cluster (Dask's local schedulers): one graph node holding the rule set.
        return dask.delayed(rules, name=f"screening-rules-{rules.fingerprint}")
    if rules is None:
        return None
    if isinstance(rules, str | os.PathLike):
        return os.fspath(rules)
    raise TypeError(f"rules must be a RuleSet, a rules directory or None, got {type(rules)}")


_SHIPPED: dict[str, Any] = {}
"""By client id, the future of the last rule set scattered to its cluster (a few clients at most:
a future holds its client). Held, the rule set stays on the workers (tens of MB each) after every
bag is gone, until another rule set is shipped or the client closes: the price of shipping it
once."""
_SHIPPED_LOCK = threading.Lock()


def _scattered(client: Any, rules: RuleSet) -> Any:
    """The future of `rules` on the client's workers, scattered once per client and rule set.

    Pickled once, here, and sent to every worker as bytes, which each unpickles once. As an
    object, a worker that received it would pickle it again for every other worker (Dask
    replicates from worker to worker): 50 MB more at its peak. In the graph, the graph itself
    would carry megabytes, which Dask warns of.

    The future is kept and reused while the rule set is the client's latest. Scattering the same
    key again just after its last future was dropped races with the scheduler releasing it
    ("Key lost during replication", then "lost dependencies": dask/distributed#8576), so a rule
    set shipped again is reused, and each scatter's key is new.
    """
    held = _SHIPPED.get(client.id)
    if (
        held is not None
        and held.client is client
        and held.key.startswith(_key(rules))
        and held.status == "finished"
    ):
        return held
    key = _key(rules) + uuid.uuid4().hex[:16]  # new, and no other client's
    packed = _Packed(rules.fingerprint, pickle.dumps(rules, protocol=5))
    future = client.scatter({key: packed}, broadcast=True)[key]
    with _SHIPPED_LOCK:  # threads that ship at once evict in turn
        _SHIPPED.pop(client.id, None)
        _SHIPPED[client.id] = future
        while len(_SHIPPED) > 4:
            del _SHIPPED[next(iter(_SHIPPED))]
    return future


def _key(rules: RuleSet) -> str:
    return f"screening-rules-{rules.fingerprint}-"


def _client() -> Any:
    """The distributed client the graph will be computed with, or None (local schedulers)."""
    try:
        import distributed
    except ImportError:  # pragma: no cover - installed with the dask extra
        return None
    try:
        client = distributed.default_client()
    except ValueError:  # no client
        return None
    return client if dask.base.get_scheduler() == client.get else None


def _per_partition(
    fn: Callable[..., Any], parts: list[Any], shipped: Any, as_of: dt.date | None
) -> list[Any]:
    """``fn(part, shipped, as_of, offset)`` for each partition, lazily, with the offset of its
    first record in the whole input."""
    return [
        dask.delayed(fn, pure=True)(part, shipped, as_of, offset)
        for part, offset in zip(parts, _offsets(parts), strict=True)
    ]


def _offsets(parts: list[Any]) -> list[Any]:
    """Where each partition starts in the whole input (lazy: counted alongside the screening)."""
    lengths = [dask.delayed(len, pure=True)(p) for p in parts]
    return [0, *accumulate(lengths[:-1], lambda a, b: a + b)][: len(parts)]


@dataclass(frozen=True, eq=False)
class _Packed:
    """A pickled rule set, known by its fingerprint (equal fingerprints, equal rule sets)."""

    fingerprint: str
    data: bytes

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Packed) and other.fingerprint == self.fingerprint


@lru_cache(maxsize=4)
def _load(path: str | None) -> RuleSet:
    """A worker loads a rules directory once, however many partitions it screens."""
    return load_rules(path)


@lru_cache(maxsize=4)
def _unpack(packed: _Packed) -> RuleSet:
    """A worker unpickles a rule set once, however many partitions it screens."""
    rules = pickle.loads(packed.data)
    if not isinstance(rules, RuleSet) or rules.fingerprint != packed.fingerprint:
        raise BatchError(f"the rule set sent to this worker is not {packed.fingerprint[:12]}")
    return rules


def _rules(shipped: RuleSet | _Packed | str | None) -> RuleSet:
    if isinstance(shipped, RuleSet):
        return shipped
    if isinstance(shipped, _Packed):
        return _unpack(shipped)
    return _load(shipped)


def _screen_records(
    records: list[Any], shipped: RuleSet | _Packed | str | None, as_of: dt.date | None, offset: int
) -> list[BatchResult]:
    rules = _rules(shipped)
    return [screen_record(Record(offset + i, tx), rules, as_of) for i, tx in enumerate(records)]


def _screen_frame(
    part: pd.DataFrame, shipped: RuleSet | _Packed | str | None, as_of: dt.date | None, offset: int
) -> pd.DataFrame:
    rules = _rules(shipped)
    results = []
    for i, row in enumerate(part.to_dict("records")):
        record = Record(offset + i, row_payload({str(k): v for k, v in row.items()}))
        results.append(screen_record(record, rules, as_of))
    return result_frame(results, index=part.index)
