"""`input_hash` is written into every batch output and compared by a resumed run with the hash
of the same record read again, maybe by another version: its text must not change. It is the
sha256 of the transaction's JSON (metadata left out) with sorted keys, compact, ASCII only."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given

from helpers.strategies import SETTINGS, transactions
from screening import parse_transaction
from screening.batch import JsonLine
from screening.batch._core import input_hash


def _expected(data: dict[str, Any]) -> str:
    dump = parse_transaction(data).model_dump(mode="json", exclude={"metadata"})
    text = json.dumps(dump, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@SETTINGS
@given(transactions())
def test_a_transaction_hashes_as_its_sorted_compact_json(data: dict[str, Any]) -> None:
    expected = _expected(data)
    assert input_hash(parse_transaction(data)) == expected
    assert input_hash(data) == expected
    assert input_hash(JsonLine(json.dumps({**data, "metadata": {"order": 7}}).encode())) == expected


def test_a_non_ascii_name_is_escaped_and_counts() -> None:
    data = {
        "id": "t-1",
        "date": "2024-03-01",
        "destination": "DE",
        "parties": [{"role": "buyer", "name": "Müller GmbH", "country": "DE"}],
        "items": [{"description": "router", "eccn": "5A991"}],
    }
    other = {**data, "parties": [{"role": "buyer", "name": "Muller GmbH", "country": "DE"}]}
    assert input_hash(data) == _expected(data)
    assert input_hash(data) != input_hash(other)


def test_data_that_is_not_a_transaction_hashes_as_itself() -> None:
    data = {"id": "t-2", "date": "not a date"}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert input_hash(data) == hashlib.sha256(text.encode("ascii")).hexdigest()
