"""The audit experiment of issue 13, item 8: every one-character edit of a provenance value
(``ruleset_files``, ``ruleset_fingerprint``, ``ruleset_version``, ``ruleset``,
``library_version``, each hit's ``source``) in a log of the 21 ZTE scenarios, and how many
`audit verify` catches: record by record (screened again against the rules that made it), and
with the chain (the next record's ``prev_hash``; the published head for the last record).

Run: python benchmarks/audit_edits.py   (a few minutes; tests/audit/test_chain.py runs a sample)
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from screening import canonical_json, load_rules, verify_record
from screening.audit import line_hash
from screening.authoring import scenario_files
from screening.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _paths(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = [
        ("ruleset_fingerprint",),
        ("ruleset_version",),
        ("ruleset",),
        ("library_version",),
    ]
    out += [("ruleset_files", name) for name in record["ruleset_files"]]
    out += [("hits", n, "source") for n in range(len(record["hits"]))]
    return out


def _edit(record: dict[str, Any], path: tuple[Any, ...], at: int) -> dict[str, Any]:
    out = json.loads(json.dumps(record))
    holder = out
    for step in path[:-1]:
        holder = holder[step]
    value = holder[path[-1]]
    char = "0" if value[at] != "0" else "1"
    holder[path[-1]] = value[:at] + char + value[at + 1 :]
    return out


def main_experiment() -> None:
    rules = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "decisions.jsonl"
        files = [str(f) for f in scenario_files(ROOT / "examples" / "zte")]
        main(["screen", *files, "--log", str(log)], stdout=io.StringIO())
        lines = log.read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    edits = record_level = chain_level = 0
    start = time.perf_counter()
    for k, record in enumerate(records):
        for path in _paths(record):
            value: Any = record
            for step in path:
                value = value[step]
            for at in range(len(value)):
                edits += 1
                line = canonical_json(_edit(record, path, at))
                caught = not verify_record(line, rules).reproduced
                record_level += caught
                # The chain: the next record's prev_hash (or, for the last, the published head)
                # no longer matches the edited line's hash.
                after = records[k + 1]["prev_hash"] if k + 1 < len(records) else line_hash(lines[k])
                chain_level += caught or line_hash(line) != after
    took = time.perf_counter() - start
    print(
        f"{edits} one-character edits of provenance values in {len(records)} records ({took:.0f} s)"
    )
    print(f"caught record by record: {record_level} ({edits - record_level} missed)")
    missed = edits - chain_level
    print(f"caught with the chain and the published head: {chain_level} ({missed} missed)")


if __name__ == "__main__":
    main_experiment()
