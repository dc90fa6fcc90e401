"""Transactions and batch results as flat table rows: the CSV and Parquet layouts, and DataFrames.

Input, one row per transaction (the *flat layout*). Column names are the field paths that error
messages use, so an error names its column::

    id, date, destination, route, end_use,
    parties[0].role, parties[0].name, parties[0].country, parties[0].address, parties[0].aliases,
    parties[0].us_person, parties[0].owners, parties[1].role, ...,
    items[0].description, items[0].eccn, items[0].origin, items[0].quantity,
    items[0].unit_value, items[0].us_content_value, items[1].description, ...,
    metadata.<key>, ...

An empty cell is an absent field; ``route`` and ``aliases`` hold several values separated by
``;``; ``us_person`` is ``true`` or ``false``; ``owners`` holds the owners as JSON (a list of
``{"name", "country", "share"}`` records, as in the JSON form); a party (or item) whose cells
are all empty is absent, and slots fill from 0 up (a gap is an error, so a party never silently
moves to another index). ``metadata.<key>`` columns become
the transaction's metadata (as text). Any other column is an error for the whole file: a misspelt
column is never ignored. Parquet and DataFrames may instead hold the *nested layout*: columns
``parties`` and ``items`` holding lists of records, as the JSON form has them.

Output, one row per input record (CSV and Parquet alike): see `RESULT_COLUMNS`. The full decision
is kept as canonical JSON in ``decision``, so a row reads back into the exact `BatchResult`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._io.canonical import canonical_json
from ..errors import BatchError, Problem, TransactionError
from ..models import Decision, Transaction
from ._core import BatchResult, Unreadable

__all__ = [
    "ITEM_FIELDS",
    "PARTY_FIELDS",
    "RESULT_COLUMNS",
    "TOP_FIELDS",
    "check_columns",
    "flat_columns",
    "is_nested",
    "result_from_row",
    "result_to_row",
    "row_payload",
    "row_to_transaction",
    "transaction_to_row",
]

TOP_FIELDS = ("id", "date", "destination", "route", "end_use")
PARTY_FIELDS = ("role", "name", "country", "address", "aliases", "us_person", "owners")
ITEM_FIELDS = ("description", "eccn", "origin", "quantity", "unit_value", "us_content_value")
_LIST_FIELDS = frozenset({"route", "aliases"})
_JSON_FIELDS = frozenset({"owners"})
_SEPARATOR = ";"
_SLOT = re.compile(r"^(parties|items)\[(0|[1-9][0-9]{0,3})\]\.([a-z_]+)$")
_FIELDS = {"parties": PARTY_FIELDS, "items": ITEM_FIELDS}

RESULT_COLUMNS = (
    "index",
    "id",
    "outcome",
    "error",
    "as_of",
    "hits",
    "rule_ids",
    "ruleset_fingerprint",
    "decision",
    "input_hash",
)
"""Output columns: the record's 0-based input position, the transaction id (empty when it had
none), block / review / clear, the error reason (empty when screened), the as-of date, the number
of hits, the ids of the rules that fired (most severe first; ``;``-separated in CSV, a list in
Parquet), the rule-set fingerprint, the whole decision as canonical JSON, and the sha256 of the
input record (`screening.batch.input_hash`)."""


# --- input ------------------------------------------------------------------------------------


def is_nested(columns: Iterable[str]) -> bool:
    """True when the columns hold the nested layout (``parties`` / ``items`` as lists)."""
    return bool({"parties", "items"} & set(columns))


def check_columns(columns: Sequence[str], *, source: str | None = None) -> None:
    """Reject a header the flat or nested layout does not know, naming every bad column.

    Raises `BatchError`: a misspelt column would otherwise silently drop a field from every row.
    """
    problems = []
    seen: set[str] = set()
    nested = is_nested(columns)
    known = [*TOP_FIELDS, "parties", "items", "metadata"] if nested else list(TOP_FIELDS)
    for column in columns:
        if column in seen:
            problems.append(f"column '{column}' appears twice")
        seen.add(column)
        if column in known or (not nested and column.startswith("metadata.") and column[9:]):
            continue
        slot = None if nested else _SLOT.match(column)
        if slot and slot.group(3) in _FIELDS[slot.group(1)]:
            continue
        examples = [*known, *(f"parties[0].{f}" for f in PARTY_FIELDS)]
        examples += [f"items[0].{f}" for f in ITEM_FIELDS]
        if slot:
            examples = [f"{slot.group(1)}[{slot.group(2)}].{f}" for f in _FIELDS[slot.group(1)]]
        close = difflib.get_close_matches(column, examples, n=1, cutoff=0.75)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(f"unknown column '{column}'{hint}")
    if "id" not in seen:
        problems.append("no 'id' column: every transaction needs an id")
    if problems:
        raise BatchError("; ".join(problems), path=source)


def _empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")  # pandas' missing markers


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return str(value.to_pydatetime().date().isoformat())
    return str(value)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(_SEPARATOR) if part.strip()]


def row_to_transaction(row: Mapping[str, object]) -> dict[str, Any]:
    """A row of the flat (or nested) layout as the plain dict `screen` takes.

    Values are not validated here (`screen` does that and names the field); a row that does not
    fit the layout raises `TransactionError` naming the column.
    """
    if is_nested(row):
        return _nested(row)
    problems: list[Problem] = []
    tx: dict[str, Any] = {}
    slots: dict[str, dict[int, dict[str, Any]]] = {"parties": {}, "items": {}}
    metadata: dict[str, str] = {}
    for column, raw in row.items():
        if _empty(raw):
            continue
        value = _text(raw)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            problems.append(Problem("not valid UTF-8 text", path=column))
            continue
        if column.startswith("metadata."):
            metadata[column[9:]] = value
            continue
        slot = _SLOT.match(column)
        if slot is None:
            tx[column] = _split(value) if column in _LIST_FIELDS else value
            continue
        group, index, field = slot.group(1), int(slot.group(2)), slot.group(3)
        if field in _JSON_FIELDS:
            try:
                parsed: Any = json.loads(value)
            except ValueError as exc:
                problems.append(Problem(f"not JSON ({exc.args[0]})", path=column))
                continue
            slots[group].setdefault(index, {})[field] = parsed
            continue
        slots[group].setdefault(index, {})[field] = (
            _split(value) if field in _LIST_FIELDS else value
        )
    for group, filled in slots.items():
        if not filled:
            continue
        missing = [i for i in range(max(filled)) if i not in filled]
        if missing:
            first = min(i for i in filled if i > missing[0])
            problems.append(
                Problem(
                    f"{group}[{missing[0]}] is empty but {group}[{first}] is not: "
                    f"fill the {group} columns from {group}[0] up",
                    path=f"{group}[{missing[0]}]",
                )
            )
            continue
        tx[group] = [filled[i] for i in range(len(filled))]
    if metadata:
        tx["metadata"] = metadata
    if problems:
        tx_id = tx.get("id") if isinstance(tx.get("id"), str) else None
        raise TransactionError(problems, transaction_id=tx_id)
    return tx


def row_payload(row: Mapping[str, object]) -> object:
    """A row as a batch screens it: the transaction dict, or an `Unreadable` saying why the row
    does not fit the layout (so it becomes an error result, not a lost row)."""
    try:
        return row_to_transaction(row)
    except TransactionError as exc:
        return Unreadable("; ".join(str(p) for p in exc.problems), exc.transaction_id)


def _plain(value: object) -> Any:
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        value = value.tolist()  # numpy arrays from pandas
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if not _empty_nested(v)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


def _empty_nested(value: object) -> bool:
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        return False
    return value is None or (not isinstance(value, str) and _empty(value))


def _nested(row: Mapping[str, object]) -> dict[str, Any]:
    out: dict[str, Any] = _plain(row)
    return out


def flat_columns(max_parties: int, max_items: int, metadata: Iterable[str] = ()) -> list[str]:
    """The header of a flat-layout table with room for that many parties and items."""
    columns = list(TOP_FIELDS)
    columns += [f"parties[{i}].{f}" for i in range(max_parties) for f in PARTY_FIELDS]
    columns += [f"items[{i}].{f}" for i in range(max_items) for f in ITEM_FIELDS]
    columns += [f"metadata.{key}" for key in sorted(metadata)]
    return columns


def transaction_to_row(transaction: Transaction) -> dict[str, str]:
    """A transaction as a flat-layout row (absent fields are left out; join with
    `flat_columns` for a full header). Metadata values are written as text."""
    data = transaction.model_dump(mode="json", exclude_defaults=True)
    row: dict[str, str] = {}
    for key in TOP_FIELDS:
        if key in data:
            value = data[key]
            row[key] = _SEPARATOR.join(value) if isinstance(value, list) else str(value)
    for group in ("parties", "items"):
        for i, entry in enumerate(data.get(group, [])):
            for key, value in entry.items():
                if key in _JSON_FIELDS:
                    text = canonical_json(value)
                elif isinstance(value, bool):
                    text = "true" if value else "false"
                else:
                    text = _SEPARATOR.join(value) if isinstance(value, list) else str(value)
                row[f"{group}[{i}].{key}"] = text
    for key, value in data.get("metadata", {}).items():
        row[f"metadata.{key}"] = value if isinstance(value, str) else canonical_json(value)
    return row


# --- output -----------------------------------------------------------------------------------


def result_to_row(result: BatchResult) -> dict[str, Any]:
    """A batch result as an output row (typed: ``rule_ids`` a list, ``as_of`` a date)."""
    decision = result.decision
    rule_ids: list[str] = []
    if decision is not None:
        rule_ids = list(dict.fromkeys(h.rule_id for h in decision.hits))
    return {
        "index": result.index,
        "id": result.id,
        "outcome": result.outcome.value,
        "error": result.error,
        "as_of": decision.as_of if decision is not None else None,
        "hits": len(decision.hits) if decision is not None else 0,
        "rule_ids": rule_ids,
        "ruleset_fingerprint": result.ruleset_fingerprint,
        "decision": canonical_json(decision.to_dict()) if decision is not None else None,
        "input_hash": result.input_hash,
    }


def result_from_row(row: Mapping[str, Any]) -> BatchResult:
    """Read an output row (CSV: all text; Parquet: typed) back into its `BatchResult`."""
    decision = row.get("decision")
    error = row.get("error")
    row_id = row.get("id")
    return BatchResult(
        index=int(row["index"]),
        id=None if _empty(row_id) else str(row_id),
        outcome=row["outcome"],
        decision=None if _empty(decision) else Decision.model_validate_json(str(decision)),
        error=None if _empty(error) else str(error),
        ruleset_fingerprint=str(row["ruleset_fingerprint"]),
        input_hash=None if _empty(row.get("input_hash")) else str(row["input_hash"]),
    )
