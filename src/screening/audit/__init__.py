"""Audit: canonical decision records, verifying a logged decision by screening it again, and
the difference between two decisions."""

from __future__ import annotations

from ._diff import DecisionDiff, diff_decisions
from ._records import (
    RECORD_FORMAT,
    append_records,
    canonical_json,
    chain_lines,
    decision_record,
    line_hash,
    log_head,
    read_record,
    record_line,
    rule_source,
    transaction_hash,
)
from ._verify import Cause, Verification, verify_lines, verify_log, verify_record

__all__ = [
    "RECORD_FORMAT",
    "Cause",
    "DecisionDiff",
    "Verification",
    "append_records",
    "canonical_json",
    "chain_lines",
    "decision_record",
    "diff_decisions",
    "line_hash",
    "log_head",
    "read_record",
    "record_line",
    "rule_source",
    "transaction_hash",
    "verify_lines",
    "verify_log",
    "verify_record",
]
