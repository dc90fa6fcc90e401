"""Cases written for other tools: CSV (one row per hit) or JSON Lines (one case per line)."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from ._store import Case

__all__ = ["EXPORT_FORMATS", "export_cases"]

EXPORT_FORMATS = ("csv", "jsonl")

_COLUMNS = (
    "case_id",
    "transaction_id",
    "status",
    "outcome",
    "hit_id",
    "rule_id",
    "kind",
    "party",
    "listed_name",
    "list_entry",
    "score",
    "hit_outcome",
    "disposition",
)


def export_cases(cases: list[Case], out: TextIO, fmt: str = "jsonl") -> int:
    """Write ``cases`` to ``out`` as ``csv`` or ``jsonl``; returns the number of rows."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    if fmt == "jsonl":
        for case in cases:
            out.write(json.dumps(case.to_dict(), sort_keys=True, ensure_ascii=False) + "\n")
        return len(cases)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_COLUMNS)
    rows = 0
    for case in cases:
        for h in case.hits:
            writer.writerow(
                (
                    case.id,
                    case.transaction_id,
                    case.status,
                    case.outcome.value,
                    h.hit_id,
                    h.rule_id,
                    h.kind,
                    h.party or "",
                    h.listed_name or "",
                    h.list_entry or "",
                    "" if h.score is None else h.score,
                    h.outcome.value,
                    h.disposition or "",
                )
            )
            rows += 1
    return rows
