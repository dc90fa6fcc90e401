"""Decision records: a decision and its input as canonical JSON, byte-identical on every run.

A record is what an auditor keeps: the transaction itself (so it can be screened again), the
sha256 of its canonical JSON, the as-of date, the rule set (name, version, fingerprint and the
sha256 of each rule file), the library version, the outcome and every hit with its citation and
rule source ``file:line``.

Records do not depend on where the rules sit on disk: a hit's source is written as the rule
file's name and line (``listings.yaml:8``), the same name that keys ``ruleset_files``.

Records are written as canonical JSON (`screening._io.canonical`: sorted keys, no spaces,
UTF-8, no NaN; decimals as plain strings, scores as integer basis points), re-exported here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .._io.canonical import canonical_data, canonical_json, dotted_path
from .._io.logfile import append_chained
from ..errors import RecordError
from ..models import Decision, Disposition, Hit, ItemStatus, Transaction
from ..rules import RuleSet

__all__ = [
    "DECISION_FIELDS",
    "READ_FORMATS",
    "RECORD_FORMAT",
    "RecordedDecision",
    "append_records",
    "canonical_data",
    "canonical_json",
    "chain_lines",
    "decision_record",
    "line_hash",
    "log_head",
    "read_record",
    "record_line",
    "rule_source",
    "transaction_data",
    "transaction_hash",
]

RECORD_FORMAT = 2
"""Version of the record layout; bumped whenever a key is added, removed or changes meaning.
Format 2 added ``prev_hash`` (the log is a hash chain); format 1 records (unchained) still read."""

READ_FORMATS = (1, 2)
"""The record formats this version reads."""

DECISION_FIELDS = (
    "as_of",
    "hits",
    "input_hash",
    "items",
    "outcome",
    "transaction",
    "transaction_id",
)
"""The keys of a record that hold the decision itself (what must reproduce); the others say
which rules and which code made it."""

_BASIS_POINTS = Decimal(10_000)

_KEYS = frozenset(
    {
        *DECISION_FIELDS,
        "library_version",
        "lists",
        "record_format",
        "ruleset",
        "ruleset_files",
        "ruleset_fingerprint",
        "ruleset_version",
    }
)
_KEYS_BY_FORMAT = {1: _KEYS, 2: _KEYS | {"prev_hash"}}


def transaction_data(transaction: Transaction) -> dict[str, Any]:
    """The validated transaction as canonical JSON data: what a record stores and hashes.

    Two inputs that validate to the same transaction ("25000" and 25000.00, padded names) give
    the same data; reading it back with `parse_transaction` gives the same transaction.
    """
    data: dict[str, Any] = canonical_data(transaction.model_dump(mode="python"))
    return data


def transaction_hash(transaction: Transaction) -> str:
    """sha256 (hex) of the canonical JSON of the validated transaction."""
    return _sha256(canonical_json(transaction_data(transaction)))


def _score_bp(score: float | None) -> int | None:
    if score is None:
        return None
    # Scores carry at most four decimals: repr gives them exactly, whatever the platform.
    return int((Decimal(repr(score)) * _BASIS_POINTS).to_integral_value())


def rule_source(source: str) -> str:
    """A hit's ``file:line`` with the directory dropped: ``rules/listings.yaml:8`` and
    ``/tmp/rules/listings.yaml:8`` are both ``listings.yaml:8``, the file as named in
    ``ruleset_files``. Where the rules sit on disk is not part of a decision."""
    path, sep, line = source.rpartition(":")
    if not sep or not line.isdigit():
        path, line = source, ""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return f"{name}:{line}" if line else name


def _hit(hit: Hit) -> dict[str, Any]:
    # A hit without a disposition is written as before dispositions existed: same bytes.
    exclude = {"score"} if hit.disposition is not None else {"score", "disposition"}
    data = hit.model_dump(mode="python", exclude=exclude)
    data["score_bp"] = _score_bp(hit.score)
    data["source"] = rule_source(hit.source)
    out: dict[str, Any] = canonical_data(data, "hits")
    return out


def _item(status: ItemStatus) -> dict[str, Any]:
    out: dict[str, Any] = canonical_data(status.model_dump(mode="python"), "items")
    return out


def decision_record(
    decision: Decision, transaction: Transaction, *, rules: RuleSet | None = None
) -> dict[str, Any]:
    """The audit record of ``decision``, made for ``transaction``: canonical JSON data.

    Pass the ``rules`` that made the decision to record the sha256 of each rule file, so a
    later verification can say which file changed. Raises ``ValueError`` when the decision was
    made for another transaction or another rule set, and `TransactionError` when the
    transaction holds metadata that JSON cannot represent.
    """
    if decision.transaction_id != transaction.id:
        raise ValueError(
            f"decision is for transaction '{decision.transaction_id}', not '{transaction.id}'"
        )
    if rules is not None and rules.fingerprint != decision.ruleset_fingerprint:
        raise ValueError(
            f"decision was made with rule set {decision.ruleset_fingerprint[:12]}, "
            f"not {rules.fingerprint[:12]}"
        )
    tx_data = transaction_data(transaction)
    extra: dict[str, Any] = {}
    if decision.dispositions:  # only with a review store: records without one are unchanged
        extra["dispositions"] = [
            {**canonical_data(d.model_dump(mode="json")), "hash": d.digest}
            for d in decision.dispositions
        ]
    return {
        **extra,
        "as_of": decision.as_of.isoformat(),
        "hits": [_hit(h) for h in decision.hits],
        "input_hash": _sha256(canonical_json(tx_data)),
        "items": [_item(s) for s in decision.items],
        "library_version": decision.library_version,
        "lists": [v.model_dump(mode="json") for v in decision.lists],
        "outcome": decision.outcome.value,
        "prev_hash": None,
        "record_format": RECORD_FORMAT,
        "ruleset": decision.ruleset,
        "ruleset_files": dict(rules.digests) if rules is not None else {},
        "ruleset_fingerprint": decision.ruleset_fingerprint,
        "ruleset_version": decision.ruleset_version,
        "transaction": tx_data,
        "transaction_id": decision.transaction_id,
    }


def record_line(
    decision: Decision, transaction: Transaction, *, rules: RuleSet | None = None
) -> str:
    """The record of ``decision`` as one line of canonical JSON (no trailing newline), not yet
    chained (``prev_hash`` null: `chain_lines` sets it as the line is logged)."""
    return canonical_json(decision_record(decision, transaction, rules=rules))


def line_hash(line: str | bytes) -> str:
    """sha256 (hex) of one log line as stored (UTF-8, without its newline): what the next
    record's ``prev_hash`` holds, and, for the last line, the log's head."""
    data = line.encode("utf-8", "surrogateescape") if isinstance(line, str) else line
    return hashlib.sha256(data).hexdigest()


def chain_lines(records: Sequence[dict[str, Any]], last: str | None) -> list[str]:
    """The log lines of ``records`` appended after the line ``last`` (None: an empty log), each
    record's ``prev_hash`` the hash of the line before it. Deleting, inserting, reordering or
    editing any line then breaks the chain at the line after it; the last line is covered by
    the log's head hash (`log_head`), which can be published."""
    out = []
    for record in records:
        line = canonical_json({**record, "prev_hash": None if last is None else line_hash(last)})
        out.append(line)
        last = line
    return out


def append_records(log: Path, records: Sequence[dict[str, Any]]) -> list[str]:
    """Append decision records to the log at ``log``, chained to its last line under the log's
    lock (so concurrent writers keep one chain); returns the lines written. Raises `LogError`."""
    return append_chained(log, lambda last: chain_lines(records, last))


def log_head(lines: Sequence[tuple[int, bytes]]) -> str | None:
    """The head hash of a log's (numbered, non-blank) lines: the hash of its last line. Published
    (printed by ``screening audit head``), it pins every record: any deletion, edit or reordering
    gives another head, or breaks the chain before it. None for no lines."""
    return line_hash(lines[-1][1]) if lines else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class RecordedDecision:
    """A decision record read back: the decision it holds, and the data to check it with."""

    record: dict[str, Any]
    """The record as read (JSON data)."""
    decision: Decision
    transaction: Any
    """The recorded transaction as JSON data, not yet validated (it may have been altered)."""
    input_hash: str
    ruleset_files: dict[str, str]
    chained: bool = False
    """True for a record that carries ``prev_hash`` (format 2); format 1 logs are unchained."""
    prev_hash: str | None = None
    """The hash of the log line before this record's (None: the first record of its log)."""


def read_record(data: Any) -> RecordedDecision:
    """Read a decision record (parsed JSON) back into a `Decision`.

    Raises `RecordError` saying what is wrong: not an object, another record format, a missing
    or unknown key, or a value of the wrong type.
    """
    if not isinstance(data, dict):
        raise RecordError(f"not a decision record (expected a JSON object, got {_json_type(data)})")
    found = data.get("record_format")
    if found not in READ_FORMATS or type(found) is not int:
        raise RecordError(
            f"unknown record format {found!r} (this version reads "
            f"{' and '.join(map(str, READ_FORMATS))})"
        )
    keys = _KEYS_BY_FORMAT[found]
    missing = sorted(keys - set(data))
    unknown = sorted(set(data) - keys - {"dispositions"})
    if missing or unknown:
        parts = [f"missing key '{k}'" for k in missing] + [f"unknown key '{k}'" for k in unknown]
        raise RecordError("; ".join(parts))
    hits = data["hits"]
    if not isinstance(hits, list) or not all(isinstance(h, dict) for h in hits):
        raise RecordError("hits: expected a list of objects")
    files = data["ruleset_files"]
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise RecordError("ruleset_files: expected an object of file name to sha256")
    if not isinstance(data["input_hash"], str):
        raise RecordError("input_hash: expected a string")
    offered = _recorded_dispositions(data.get("dispositions", []))
    prev = data.get("prev_hash")
    if prev is not None and not (isinstance(prev, str) and _is_sha256(prev)):
        raise RecordError("prev_hash: expected null or a sha256 (64 lowercase hex digits)")
    try:
        decision = Decision.model_validate(
            {
                "transaction_id": data["transaction_id"],
                "as_of": data["as_of"],
                "outcome": data["outcome"],
                "hits": [_recorded_hit(h) for h in hits],
                "items": data["items"],
                "ruleset": data["ruleset"],
                "ruleset_version": data["ruleset_version"],
                "ruleset_fingerprint": data["ruleset_fingerprint"],
                "library_version": data["library_version"],
                "lists": data["lists"],
                "dispositions": offered,
            }
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)
        where = dotted_path(tuple(first[0]["loc"])) if first else ""
        message = first[0]["msg"] if first else str(exc)
        more = f" (and {len(first) - 1} more)" if len(first) > 1 else ""
        raise RecordError(f"{where}: {message}{more}") from None
    return RecordedDecision(
        record=data,
        decision=decision,
        transaction=data["transaction"],
        input_hash=data["input_hash"],
        ruleset_files=dict(files),
        chained=found >= 2,
        prev_hash=prev,
    )


def _recorded_dispositions(data: Any) -> list[Disposition]:
    """The dispositions a record names, each checked against the hash it was recorded with."""
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise RecordError("dispositions: expected a list of objects")
    out = []
    for i, item in enumerate(data):
        body = {k: v for k, v in item.items() if k != "hash"}
        try:
            disposition = Disposition.model_validate(body)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            raise RecordError(
                f"dispositions[{i}].{dotted_path(tuple(first['loc']))}: {first['msg']}"
            ) from None
        if item.get("hash") != disposition.digest:
            raise RecordError(
                f"dispositions[{i}]: disposition {disposition.id} does not match its hash "
                "(it was altered after the decision)"
            )
        out.append(disposition)
    return out


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _recorded_hit(hit: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in hit.items() if k != "score_bp"}
    if "score_bp" not in hit:
        raise RecordError(f"hits: missing key 'score_bp' in hit {hit.get('rule_id')!r}")
    bp = hit["score_bp"]
    if bp is not None and (type(bp) is not int or not 0 <= bp <= _BASIS_POINTS):
        raise RecordError(f"hits: score_bp must be an integer from 0 to 10000, got {bp!r}")
    out["score"] = None if bp is None else float(Decimal(bp) / _BASIS_POINTS)
    return out


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
