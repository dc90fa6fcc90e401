"""The public entry points of `screening.api`: `screen` takes a dict or a `Transaction`, a rule set,
a rules directory or nothing; `parse_transaction` and `transaction_from` name every fault."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.ruleedit import replace_once
from helpers.strategies import SETTINGS
from screening import (
    DocumentError,
    Outcome,
    RuleError,
    Transaction,
    TransactionError,
    bundled_rules_dir,
    load_rules,
    parse_transaction,
    screen,
)
from screening._io.documents import parse_document
from screening.api import transaction_from

RULES = load_rules()


def zte(date: str = "2016-03-10") -> dict[str, Any]:
    """A US-origin router for ZTE Corporation (Entity List 2016-03-08 to 2017-03-28)."""
    return {
        "id": "zte-1",
        "date": date,
        "destination": "CN",
        "parties": [
            {"role": "exporter", "name": "Acme Inc", "country": "US"},
            {"role": "consignee", "name": "ZTE Corporation", "country": "CN"},
            {"role": "end_user", "name": "ZTE Corporation", "country": "CN"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100"}],
    }


def rule_ids(decision: Any) -> set[str]:
    return {h.rule_id for h in decision.hits}


# --- screen: what it accepts ------------------------------------------------------------------


def test_a_dict_and_its_transaction_give_the_same_decision() -> None:
    from_dict = screen(zte(), rules=RULES)
    from_model = screen(Transaction.model_validate(zte()), rules=RULES)
    assert from_dict.outcome is Outcome.BLOCK
    assert "el-zte-corporation" in rule_ids(from_dict)
    assert from_dict.to_dict() == from_model.to_dict()


def test_no_rules_means_the_bundled_rules() -> None:
    assert screen(zte()).to_dict() == screen(zte(), rules=RULES).to_dict()


@pytest.mark.parametrize("as_text", [False, True])
def test_a_rules_directory_is_loaded(tmp_path: Path, as_text: bool) -> None:
    """The directory's rules decide, not the bundled ones: end the listing before the sale."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules_dir)
    replace_once(rules_dir / "listings.yaml", "to: 2017-03-28", "to: 2016-03-09")
    decision = screen(zte(), rules=str(rules_dir) if as_text else rules_dir)
    assert "el-zte-corporation" not in rule_ids(decision)
    assert decision.ruleset_fingerprint != RULES.fingerprint
    assert "el-zte-corporation" in rule_ids(screen(zte(), rules=RULES))


def test_a_missing_rules_directory_is_an_error_not_a_decision(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=f"^{tmp_path / 'nowhere'}: not a directory$"):
        screen(zte(), rules=tmp_path / "nowhere")


@pytest.mark.parametrize("bad", [42, ["rules"], {"dir": "rules"}, b"rules"])
def test_a_rules_argument_of_another_type_is_refused(bad: object) -> None:
    with pytest.raises(
        TypeError, match=f"rules must be a RuleSet or a rules directory, not {type(bad).__name__}"
    ):
        screen(zte(), rules=bad)  # type: ignore[arg-type]


def test_as_of_defaults_to_the_transaction_date() -> None:
    decision = screen(zte("2016-03-10"), rules=RULES)
    assert decision.as_of == dt.date(2016, 3, 10)


def test_as_of_decides_by_the_rules_of_that_day() -> None:
    """Listed on 2016-03-10; relaxed by the temporary general licence on 2016-04-01; removed
    from the Entity List on 2017-03-29 (82 FR 15458); denied on 2018-04-15."""
    on = {d: screen(zte(), rules=RULES, as_of=dt.date.fromisoformat(d)) for d in (
        "2016-03-10", "2016-04-01", "2017-04-01", "2018-05-01",
    )}  # fmt: skip
    assert on["2016-03-10"].outcome is Outcome.BLOCK
    assert on["2016-04-01"].outcome is Outcome.REVIEW
    assert "tgl-zte-2016" in rule_ids(on["2016-04-01"])
    assert not {"el-zte-corporation", "do-zte-corporation"} & rule_ids(on["2017-04-01"])
    assert "do-zte-corporation" in rule_ids(on["2018-05-01"])


@SETTINGS
@given(
    moment=st.datetimes(dt.datetime(2015, 1, 1), dt.datetime(2020, 12, 31)),
    aware=st.booleans(),
)
def test_as_of_as_a_datetime_is_its_day(moment: dt.datetime, aware: bool) -> None:
    if aware:
        moment = moment.replace(tzinfo=dt.UTC)
    by_moment = screen(zte(), rules=RULES, as_of=moment)
    by_day = screen(zte(), rules=RULES, as_of=moment.date())
    assert by_moment.as_of == moment.date()
    assert type(by_moment.as_of) is dt.date
    assert by_moment.to_dict() == by_day.to_dict()


@pytest.mark.parametrize("bad", ["2016-03-10", 20160310, dt.time(12)])
def test_as_of_of_another_type_is_a_located_error(bad: object) -> None:
    with pytest.raises(TransactionError) as caught:
        screen(zte(), rules=RULES, as_of=bad)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.path == "as_of"
    assert repr(bad) in problem.message


# --- parse_transaction ------------------------------------------------------------------------


def test_parse_transaction_returns_a_transaction_unchanged() -> None:
    tx = parse_transaction(zte())
    assert parse_transaction(tx) is tx
    assert tx.parties[1].name == "ZTE Corporation"


def test_parse_transaction_names_every_fault_by_its_path() -> None:
    data = zte()
    data["parties"][1]["country"] = "ZZ"
    data["items"][0]["unit_value"] = "a hundred"
    data["items"].append({"description": "switch", "origin": "US", "unit_value": "1", "colour": 1})
    del data["destination"]
    with pytest.raises(TransactionError) as caught:
        parse_transaction(data)
    problems = {p.path: p.message for p in caught.value.problems}
    assert set(problems) == {
        "destination",
        "parties[1].country",
        "items[0].unit_value",
        "items[1].colour",
    }
    assert problems["destination"] == "missing required field"
    assert problems["items[1].colour"] == "unknown field"
    assert "unknown country code 'ZZ'" in problems["parties[1].country"]
    assert "'a hundred'" in problems["items[0].unit_value"]
    assert caught.value.transaction_id == "zte-1"


def test_parse_transaction_without_a_text_id_has_no_id() -> None:
    data = zte()
    data["id"] = 7
    with pytest.raises(TransactionError) as caught:
        parse_transaction(data)
    assert caught.value.transaction_id is None
    assert [p.path for p in caught.value.problems] == ["id"]


@pytest.mark.parametrize("bad", [None, "zte-1", 3, [zte()]])
def test_parse_transaction_refuses_what_is_not_a_mapping(bad: object) -> None:
    with pytest.raises(TransactionError, match=f"expected a mapping .*got {type(bad).__name__}"):
        parse_transaction(bad)  # type: ignore[arg-type]


# --- transaction_from: errors located in the file ---------------------------------------------

CASE = """\
title: ZTE, March 2016
transaction:
  id: zte-1
  date: 2016-03-10
  destination: CN
  parties:
    - role: consignee
      name: ZTE Corporation
      country: CN
    - role: end_user
      name: ZTE Corporation
      country: ZQ
  items:
    - description: router
      origin: US
      unit_value: lots
"""


def test_transaction_from_a_yaml_key() -> None:
    doc = parse_document(CASE.replace("ZQ", "CN").replace("lots", "100"), "case.yaml")
    tx = transaction_from(doc, key="transaction")
    assert (tx.id, tx.date, tx.destination) == ("zte-1", dt.date(2016, 3, 10), "CN")
    assert screen(tx, rules=RULES).outcome is Outcome.BLOCK


def test_transaction_from_yaml_names_file_line_and_path() -> None:
    doc = parse_document(CASE, "cases/zte.yaml")
    with pytest.raises(TransactionError) as caught:
        transaction_from(doc, key="transaction")
    located = sorted((p.file, p.line, p.path) for p in caught.value.problems)
    assert located == [
        ("cases/zte.yaml", 12, "transaction.parties[1].country"),
        ("cases/zte.yaml", 16, "transaction.items[0].unit_value"),
    ]
    assert caught.value.transaction_id == "zte-1"
    assert "cases/zte.yaml:12" in str(caught.value)


def test_transaction_from_yaml_missing_field_points_at_its_parent() -> None:
    doc = parse_document(CASE.replace("  destination: CN\n", ""), "case.yaml")
    with pytest.raises(TransactionError) as caught:
        transaction_from(doc, key="transaction")
    by_path = {p.path: p for p in caught.value.problems}
    assert by_path["transaction.destination"].line == 2
    assert by_path["transaction.destination"].message == "missing required field"


def test_transaction_from_json_names_the_file_without_lines() -> None:
    text = '{"id": "j", "date": "2016-03-10", "destination": "XX", "parties": [], "items": []}'
    doc = parse_document(text, "tx.json", is_json=True)
    with pytest.raises(TransactionError) as caught:
        transaction_from(doc)
    problems = [(p.file, p.line, p.path) for p in caught.value.problems]
    assert ("tx.json", None, "destination") in problems


def test_transaction_from_a_missing_key_is_a_document_error() -> None:
    doc = parse_document(CASE, "case.yaml")
    with pytest.raises(DocumentError, match=r"^case.yaml: no 'tx:' in this file$"):
        transaction_from(doc, key="tx")


def test_transaction_from_a_key_that_is_not_a_mapping() -> None:
    doc = parse_document("transaction: [1, 2]\n", "case.yaml")
    with pytest.raises(TransactionError) as caught:
        transaction_from(doc, key="transaction")
    (problem,) = caught.value.problems
    assert (problem.file, problem.path) == ("case.yaml", "transaction")
    assert "expected a mapping" in problem.message
