"""Batch screening: many transactions in worker processes (`screen_many`), files in and out
(JSON Lines, CSV, Parquet), the resumable `screening batch` job, and Dask
(`screening.batch.dask`)."""

from __future__ import annotations

from ._core import (
    BatchResult,
    JsonLine,
    Record,
    Unreadable,
    input_hash,
    record_id,
    screen_chunks,
    screen_many,
    screen_record,
    usable_cpus,
)
from ._files import Rendered, render_jsonl
from ._job import run_batch
from ._tabular import (
    check_columns,
    flat_columns,
    result_from_row,
    result_to_row,
    row_to_transaction,
    transaction_to_row,
)

__all__ = [
    "BatchResult",
    "JsonLine",
    "Record",
    "Rendered",
    "Unreadable",
    "check_columns",
    "flat_columns",
    "input_hash",
    "record_id",
    "render_jsonl",
    "result_from_row",
    "result_to_row",
    "row_to_transaction",
    "run_batch",
    "screen_chunks",
    "screen_many",
    "screen_record",
    "transaction_to_row",
    "usable_cpus",
]
