"""Screening on Dask, for data that outgrows one machine: Bags and DataFrames of transactions.

The rule set reaches each worker once, never once per partition or transaction:

- a `RuleSet` becomes one node of the task graph (its key names its fingerprint); Dask sends it
  to each worker that needs it once, as a dependency, and the worker rebuilds its indexes once
  (a rule set pickles as its validated rules);
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
from functools import lru_cache
from itertools import accumulate
from typing import Any

import dask
import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from .batch import BatchResult, Record, screen_record
from .loading import load_rules
from .ruleset import RuleSet
from .tabular import RESULT_COLUMNS, check_columns, result_to_row, row_payload

__all__ = ["RulesSpec", "result_frame", "screen_bag", "screen_dataframe"]

RulesSpec = RuleSet | str | os.PathLike[str] | None
"""A rule set, a rules directory every worker can read, or None for the bundled rules."""


def screen_bag(bag: db.Bag, rules: RulesSpec = None, *, as_of: dt.date | None = None) -> db.Bag:
    """Screen a Bag of transactions (dicts or `Transaction` models) into a Bag of `BatchResult`,
    one per element, in the bag's order."""
    shipped = _ship(rules)
    parts = bag.to_delayed(optimize_graph=False)
    offsets = _offsets(parts)
    screened = [
        dask.delayed(_screen_records, pure=True)(part, shipped, as_of, offset)
        for part, offset in zip(parts, offsets, strict=True)
    ]
    return db.from_delayed(screened)


def screen_dataframe(
    frame: dd.DataFrame, rules: RulesSpec = None, *, as_of: dt.date | None = None
) -> dd.DataFrame:
    """Screen a DataFrame of transactions, one per row, in the flat layout (or with nested
    ``parties`` / ``items`` columns) of `screening.tabular`, into a DataFrame of results with
    the same index and the columns of `RESULT_COLUMNS` (``decision`` as canonical JSON).

    Raises `BatchError` at once for a column the layouts do not know."""
    check_columns([str(c) for c in frame.columns])
    shipped = _ship(rules)
    parts = frame.to_delayed(optimize_graph=False)
    offsets = _offsets(parts)
    screened = [
        dask.delayed(_screen_frame, pure=True)(part, shipped, as_of, offset)
        for part, offset in zip(parts, offsets, strict=True)
    ]
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


_TEXT = ("id", "outcome", "error", "rule_ids", "ruleset_fingerprint", "decision")


def _ship(rules: RulesSpec) -> Any:
    if isinstance(rules, RuleSet):
        # One graph node holding the rule set: each worker receives it once.
        return dask.delayed(rules, name=f"screening-rules-{rules.fingerprint}")
    if rules is None:
        return None
    if isinstance(rules, str | os.PathLike):
        return os.fspath(rules)
    raise TypeError(f"rules must be a RuleSet, a rules directory or None, got {type(rules)}")


def _offsets(parts: list[Any]) -> list[Any]:
    """Where each partition starts in the whole input (lazy: counted alongside the screening)."""
    lengths = [dask.delayed(len, pure=True)(p) for p in parts]
    return [0, *accumulate(lengths[:-1], lambda a, b: a + b)][: len(parts)]


@lru_cache(maxsize=4)
def _load(path: str | None) -> RuleSet:
    """A worker loads a rules directory once, however many partitions it screens."""
    return load_rules(path)


def _rules(shipped: RuleSet | str | None) -> RuleSet:
    return shipped if isinstance(shipped, RuleSet) else _load(shipped)


def _screen_records(
    records: list[Any], shipped: RuleSet | str | None, as_of: dt.date | None, offset: int
) -> list[BatchResult]:
    rules = _rules(shipped)
    return [screen_record(Record(offset + i, tx), rules, as_of) for i, tx in enumerate(records)]


def _screen_frame(
    part: pd.DataFrame, shipped: RuleSet | str | None, as_of: dt.date | None, offset: int
) -> pd.DataFrame:
    rules = _rules(shipped)
    results = []
    for i, row in enumerate(part.to_dict("records")):
        record = Record(offset + i, row_payload({str(k): v for k, v in row.items()}))
        results.append(screen_record(record, rules, as_of))
    return result_frame(results, index=part.index)
