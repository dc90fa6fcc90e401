"""The flat table layout of transactions (CSV, Parquet, DataFrames) and of batch results."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from helpers.strategies import SETTINGS, transactions
from screening import BatchError, BatchResult, Outcome, TransactionError, parse_transaction
from screening.batch import (
    check_columns,
    flat_columns,
    result_from_row,
    result_to_row,
    row_to_transaction,
    transaction_to_row,
)


@SETTINGS
@given(transactions())
def test_a_transaction_survives_the_flat_layout(tx: dict[str, Any]) -> None:
    model = parse_transaction(tx)
    row = transaction_to_row(model)
    assert all(isinstance(v, str) for v in row.values())
    assert set(row) <= set(flat_columns(4, 3))
    assert parse_transaction(row_to_transaction(row)) == model


def test_cells_as_a_dataframe_gives_them() -> None:
    row: dict[str, object] = {
        "id": "df-1",
        "date": "2020-01-15",
        "destination": "DE",
        "route": float("nan"),  # pandas' missing value
        "items[0].description": "chairs",
        "items[0].quantity": 20.0,  # a whole number read as a float
        "items[0].unit_value": 99.5,
        "parties[0].name": None,
    }
    assert row_to_transaction(row) == {
        "id": "df-1",
        "date": "2020-01-15",
        "destination": "DE",
        "items": [{"description": "chairs", "quantity": "20", "unit_value": "99.5"}],
    }


def test_a_gap_between_parties_is_an_error_naming_the_slot() -> None:
    with pytest.raises(TransactionError) as info:
        row_to_transaction({"id": "x", "parties[1].name": "Acme", "parties[2].name": "Beta"})
    assert str(info.value) == (
        "parties[0]: parties[0] is empty but parties[1] is not: "
        "fill the parties columns from parties[0] up"
    )


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["id", "destinaton"], "unknown column 'destinaton' (did you mean 'destination'?)"),
        (["id", "items[0].eccn", "items[0].ecn"], "unknown column 'items[0].ecn' (did you mean"),
        (["id", "id"], "column 'id' appears twice"),
        (["date"], "no 'id' column"),
        (["id", "parties[0].name", "items"], "unknown column 'parties[0].name'"),
    ],
)
def test_unknown_or_repeated_columns_stop_the_file(columns: list[str], message: str) -> None:
    with pytest.raises(BatchError) as info:
        check_columns(columns, source="in.csv")
    assert str(info.value).startswith("in.csv: ")
    assert message in str(info.value)


def test_known_columns_pass() -> None:
    check_columns([*flat_columns(3, 2, ["order"])])
    check_columns(["id", "date", "destination", "parties", "items", "metadata"])


def test_an_error_result_reads_back_from_its_row() -> None:
    result = BatchResult(
        index=3, id=None, outcome=Outcome.REVIEW, error="line 4: bad", ruleset_fingerprint="f"
    )
    row = result_to_row(result)
    assert row["hits"] == 0
    assert row["rule_ids"] == []
    assert row["decision"] is None
    text_row = {k: "" if v is None else str(v) for k, v in row.items()}  # as CSV holds it
    assert result_from_row(text_row) == result
    assert result_from_row(row) == result
