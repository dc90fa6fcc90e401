"""Fail-closed input handling: a malformed transaction is an error, never a decision; missing
facts that a decision needs give a review, never a clear."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given

from helpers.strategies import ROLES, SETTINGS, transactions
from screening import (
    Outcome,
    ScreeningError,
    Transaction,
    TransactionError,
    load_rules,
    parse_transaction,
    screen,
)

RULES = load_rules()


def _base() -> dict[str, Any]:
    return {
        "id": "tx-1",
        "date": "2016-03-10",
        "destination": "CN",
        "parties": [
            {"role": "exporter", "name": "Acme Inc", "country": "US"},
            {"role": "end_user", "name": "Shenzhen Bright Future Electronics", "country": "CN"},
        ],
        "items": [
            {
                "description": "router",
                "eccn": "5A991",
                "origin": "CN",
                "unit_value": "100",
                "us_content_value": "10",
            }
        ],
    }


def test_base_transaction_is_valid() -> None:
    """The cases below break one thing each in this otherwise valid transaction."""
    decision = screen(_base(), rules=RULES)
    assert decision.transaction_id == "tx-1"


def _set(path: tuple[str | int, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def edit(tx: dict[str, Any]) -> None:
        target: Any = tx
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return edit


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda tx: tx.pop(key)


MALFORMED = {
    "unknown destination code": (_set(("destination",), "XX"), "destination"),
    "three-letter destination code": (_set(("destination",), "IRN"), "destination"),
    "destination not a string": (_set(("destination",), None), "destination"),
    "unknown party country": (_set(("parties", 1, "country"), "ZZ"), "parties[1].country"),
    "unknown route country": (_set(("route",), ["CN", "QQ"]), "route[1]"),
    "unknown item origin": (_set(("items", 0, "origin"), "XY"), "items[0].origin"),
    "impossible date": (_set(("date",), "2016-02-30"), "date"),
    "month 13": (_set(("date",), "2016-13-01"), "date"),
    "non-ISO date": (_set(("date",), "10/03/2016"), "date"),
    "negative unit_value": (_set(("items", 0, "unit_value"), "-5"), "items[0].unit_value"),
    "negative us_content_value": (
        _set(("items", 0, "us_content_value"), "-1"),
        "items[0].us_content_value",
    ),
    "NaN unit_value": (_set(("items", 0, "unit_value"), "NaN"), "items[0].unit_value"),
    "infinite unit_value": (_set(("items", 0, "unit_value"), "Infinity"), "items[0].unit_value"),
    "boolean unit_value": (_set(("items", 0, "unit_value"), True), "items[0].unit_value"),
    "zero quantity": (_set(("items", 0, "quantity"), "0"), "items[0].quantity"),
    "us_content_value above unit_value": (
        _set(("items", 0, "us_content_value"), "150"),
        "items[0].us_content_value",
    ),
    "unknown role": (_set(("parties", 1, "role"), "shipper"), "parties[1].role"),
    "unknown top-level field (typo)": (_set(("destinaton",), "CN"), "destinaton"),
    "unknown item field": (_set(("items", 0, "us_contents"), "1"), "items[0].us_contents"),
    "missing items": (_drop("items"), "items"),
    "empty items": (_set(("items",), []), "items"),
    "missing destination": (_drop("destination"), "destination"),
    "missing date": (_drop("date"), "date"),
    "missing id": (_drop("id"), "id"),
    "blank id": (_set(("id",), "   "), "id"),
    "bad ECCN format": (_set(("items", 0, "eccn"), "5Z991"), "items[0].eccn"),
    "ECCN with a letter for a digit": (_set(("items", 0, "eccn"), "5AA91"), "items[0].eccn"),
    "blank party name": (_set(("parties", 1, "name"), ""), "parties[1].name"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_transaction_raises_naming_the_field(name: str) -> None:
    edit, field = MALFORMED[name]
    tx = _base()
    edit(tx)
    with pytest.raises(TransactionError) as info:
        screen(tx, rules=RULES)
    exc = info.value
    assert isinstance(exc, ScreeningError)
    assert isinstance(exc, ValueError)
    paths = [p.path for p in exc.problems]
    assert field in paths, f"{name}: expected a problem at {field!r}, got {paths}"
    assert field in str(exc)


@pytest.mark.parametrize("name", list(MALFORMED))
def test_parse_transaction_refuses_the_same_input(name: str) -> None:
    edit, _ = MALFORMED[name]
    tx = _base()
    edit(tx)
    with pytest.raises(TransactionError):
        parse_transaction(tx)


def test_item_error_is_reported_once_at_its_field() -> None:
    """A bad value in the one item must not also claim that `items` is empty."""
    tx = _base()
    tx["items"][0]["unit_value"] = "-5"
    with pytest.raises(TransactionError) as info:
        screen(tx, rules=RULES)
    assert [p.path for p in info.value.problems] == ["items[0].unit_value"], str(info.value)


def test_every_problem_is_reported_together() -> None:
    tx = _base()
    tx["destinaton"] = "CN"
    tx["parties"][1]["role"] = "shipper"
    tx["items"][0]["unit_value"] = "-5"
    tx["date"] = "2016-13-01"
    with pytest.raises(TransactionError) as info:
        screen(tx, rules=RULES)
    paths = {p.path for p in info.value.problems}
    assert {"destinaton", "parties[1].role", "items[0].unit_value", "date"} <= paths
    assert "tx-1" in str(info.value)
    assert info.value.transaction_id == "tx-1"


def test_unknown_country_message_says_what_is_expected() -> None:
    tx = _base()
    tx["destination"] = "XX"
    with pytest.raises(TransactionError) as info:
        screen(tx, rules=RULES)
    assert "'XX'" in str(info.value)
    assert "ISO 3166" in str(info.value)


def test_a_non_mapping_is_refused() -> None:
    with pytest.raises(TransactionError):
        screen(["not", "a", "transaction"], rules=RULES)  # type: ignore[arg-type]


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(TransactionError) as info:
        screen(_base(), rules=RULES, as_of="2016-03-08")  # type: ignore[arg-type]
    assert [p.path for p in info.value.problems] == ["as_of"]


def test_the_input_mapping_is_not_modified() -> None:
    tx = _base()
    before = copy.deepcopy(tx)
    screen(tx, rules=RULES)
    assert tx == before


@pytest.mark.parametrize("role", ROLES)
def test_every_documented_role_is_accepted(role: str) -> None:
    tx = _base()
    tx["parties"].append({"role": role, "name": "Gulf Freight FZE", "country": "AE"})
    assert parse_transaction(tx).parties[-1].role.value == role


def test_country_codes_are_case_insensitive() -> None:
    tx = _base()
    tx["destination"] = "cn"
    tx["parties"][1]["country"] = " cn "
    parsed = parse_transaction(tx)
    assert parsed.destination == "CN"
    assert parsed.parties[1].country == "CN"


def test_norway_is_a_country_not_a_boolean() -> None:
    tx = _base()
    tx["destination"] = "NO"
    tx["parties"][1]["country"] = "NO"
    assert parse_transaction(tx).destination == "NO"


# --- missing facts never clear -------------------------------------------------------------------


def _iran(item: dict[str, Any], date: str = "2012-06-01") -> dict[str, Any]:
    return {
        "id": "ir-missing",
        "date": date,
        "destination": "IR",
        "parties": [
            {"role": "exporter", "name": "Kowloon Logistics Ltd", "country": "HK"},
            {"role": "end_user", "name": "Tehran Office Supplies", "country": "IR"},
        ],
        "items": [item],
    }


def _all_text(decision: Any) -> str:
    return "\n".join(" ".join([h.message, *h.notes]) for h in decision.hits).lower()


def test_item_without_origin_to_iran_is_review_saying_origin_is_missing() -> None:
    decision = screen(
        _iran({"description": "router", "eccn": "5A991", "unit_value": "100"}), rules=RULES
    )
    assert decision.outcome is Outcome.REVIEW
    assert decision.items[0].jurisdiction.value == "unknown"
    embargo = [h for h in decision.hits if h.rule_id == "embargo-iran"]
    assert embargo, [h.rule_id for h in decision.hits]
    text = " ".join([embargo[0].message, *embargo[0].notes]).lower()
    assert "origin" in text, text
    assert "not given" in text, text


def test_foreign_item_without_us_content_to_iran_is_review() -> None:
    decision = screen(
        _iran({"description": "router", "eccn": "5A991", "origin": "CN", "unit_value": "100"}),
        rules=RULES,
    )
    assert decision.outcome is Outcome.REVIEW
    assert any(h.rule_id == "embargo-iran" for h in decision.hits)
    assert "us content" in _all_text(decision)


def test_foreign_item_without_unit_value_to_iran_is_review() -> None:
    decision = screen(
        _iran({"description": "router", "eccn": "5A991", "origin": "CN", "us_content_value": "5"}),
        rules=RULES,
    )
    assert decision.outcome is Outcome.REVIEW
    assert "unit value" in _all_text(decision)


def test_item_without_eccn_to_an_e1_country_is_review() -> None:
    tx = {
        "id": "sd-no-eccn",
        "date": "2018-06-01",  # Sudan: sanctions revoked, still in Country Group E:1
        "destination": "SD",
        "parties": [
            {"role": "exporter", "name": "Acme Inc", "country": "US"},
            {"role": "end_user", "name": "Khartoum Trading", "country": "SD"},
        ],
        "items": [{"description": "server", "origin": "US", "unit_value": "1000"}],
    }
    decision = screen(tx, rules=RULES)
    assert decision.outcome is Outcome.REVIEW
    hits = [h for h in decision.hits if h.rule_id == "licence-at-e1"]
    assert hits, [h.rule_id for h in decision.hits]
    assert "no ECCN" in hits[0].message


@SETTINGS
@given(transactions())
def test_valid_transactions_parse_and_screen(tx: dict[str, Any]) -> None:
    parsed = parse_transaction(tx)
    assert isinstance(parsed, Transaction)
    decision = screen(parsed, rules=RULES)
    assert decision.transaction_id == tx["id"]
    assert decision.as_of == dt.date.fromisoformat(tx["date"])
    assert len(decision.items) == len(tx["items"])
    assert decision.ruleset_fingerprint == RULES.fingerprint
