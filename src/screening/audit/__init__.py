"""Audit: canonical decision records, verifying a logged decision by screening it again, and
the difference between two decisions."""

from __future__ import annotations

from ._diff import DecisionDiff, diff_decisions
from ._records import (
    RECORD_FORMAT,
    canonical_json,
    decision_record,
    read_record,
    record_line,
    rule_source,
    transaction_hash,
)
from ._verify import Cause, Verification, verify_log, verify_record

__all__ = [
    "RECORD_FORMAT",
    "Cause",
    "DecisionDiff",
    "Verification",
    "canonical_json",
    "decision_record",
    "diff_decisions",
    "read_record",
    "record_line",
    "rule_source",
    "transaction_hash",
    "verify_log",
    "verify_record",
]
