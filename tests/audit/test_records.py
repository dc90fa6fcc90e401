"""Decision records: canonical JSON, the input hash, and records that read back and reproduce."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS, json_values, transactions
from screening import (
    TransactionError,
    __version__,
    bundled_rules_dir,
    canonical_json,
    decision_record,
    load_rules,
    parse_transaction,
    screen,
    transaction_hash,
)
from screening.audit import RECORD_FORMAT, read_record, record_line, rule_source
from screening.authoring import replay
from screening.errors import RecordError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "zte"
RULES = load_rules()

TX: dict[str, Any] = {
    "id": "rec-1",
    "date": "2016-06-15",
    "destination": "CN",
    "parties": [
        {"role": "exporter", "name": "Example Router Inc.", "country": "US"},
        {"role": "end_user", "name": "ZTE Corporation", "country": "CN"},
        {"role": "consignee", "name": "Beijing Eight Star Intl. Co", "country": "CN"},
    ],
    "items": [
        {"description": "core routers", "eccn": "5A991", "origin": "US", "unit_value": "25000"}
    ],
}


def record_of(data: dict[str, Any], rules: Any = RULES, as_of: dt.date | None = None) -> str:
    tx = parse_transaction(data)
    return record_line(screen(tx, rules=rules, as_of=as_of), tx, rules=rules)


def floats_in(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats_in(v)]
    return []


# --- canonical JSON ------------------------------------------------------------------------------

CANONICAL = [
    ({"b": 1, "a": [True, None, "x"]}, '{"a":[true,null,"x"],"b":1}'),
    ({"name": "中兴通讯 Ωmega"}, '{"name":"中兴通讯 Ωmega"}'),
    ({"z": {"y": 2, "x": 1}}, '{"z":{"x":1,"y":2}}'),
    ({"tab": "a\tb", "quote": 'say "hi"'}, '{"quote":"say \\"hi\\"","tab":"a\\tb"}'),
    ([], "[]"),
]


@pytest.mark.parametrize(("value", "text"), CANONICAL)
def test_canonical_json(value: Any, text: str) -> None:
    assert canonical_json(value) == text


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {"x": float("-inf")}])
def test_canonical_json_rejects_non_finite_numbers(value: Any) -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        canonical_json(value)


def test_canonical_json_rejects_lone_surrogates() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        canonical_json({"name": "ZTE \ud800"})


@SETTINGS
@given(json_values())
def test_canonical_json_is_a_fixed_point(value: Any) -> None:
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text


# --- the input hash ------------------------------------------------------------------------------


def test_hash_is_sha256_of_the_canonical_transaction() -> None:
    tx = parse_transaction(TX)
    record = decision_record(screen(tx, rules=RULES), tx)
    expected = hashlib.sha256(canonical_json(record["transaction"]).encode("utf-8")).hexdigest()
    assert transaction_hash(tx) == expected == record["input_hash"]


@pytest.mark.parametrize(
    "variant",
    [
        {"items": [{**TX["items"][0], "unit_value": 25000}]},
        {"items": [{**TX["items"][0], "unit_value": "25000.00"}]},
        {"items": [{**TX["items"][0], "unit_value": "2.5E+4"}]},
        {"destination": "cn"},
        {"parties": [{**TX["parties"][0], "name": "  Example Router Inc.  "}, *TX["parties"][1:]]},
    ],
    ids=["int", "trailing zeros", "exponent", "lower-case country", "padded name"],
)
def test_equivalent_inputs_have_the_same_hash(variant: dict[str, Any]) -> None:
    assert transaction_hash(parse_transaction({**TX, **variant})) == transaction_hash(
        parse_transaction(TX)
    )


@pytest.mark.parametrize(
    "variant",
    [
        {"id": "rec-2"},
        {"date": "2016-06-16"},
        {"items": [{**TX["items"][0], "unit_value": "25000.01"}]},
        {"parties": TX["parties"][:2]},
        {"metadata": {"order": "A-1"}},
    ],
)
def test_any_change_to_the_input_changes_the_hash(variant: dict[str, Any]) -> None:
    assert transaction_hash(parse_transaction({**TX, **variant})) != transaction_hash(
        parse_transaction(TX)
    )


@SETTINGS
@given(transactions(), json_values(), st.randoms(use_true_random=False))
def test_recorded_transaction_reads_back_to_the_same_hash(
    data: dict[str, Any], metadata: Any, rnd: Any
) -> None:
    """Key order and a JSON round trip change nothing: what is hashed is the validated data."""
    data = {**data, "metadata": {"m": metadata}}
    keys = list(data)
    rnd.shuffle(keys)
    shuffled = {k: data[k] for k in keys}
    tx = parse_transaction(shuffled)
    record = decision_record(screen(tx, rules=RULES), tx)
    again = parse_transaction(json.loads(canonical_json(record["transaction"])))
    assert again == parse_transaction(data)
    assert transaction_hash(again) == record["input_hash"] == transaction_hash(tx)


@pytest.mark.parametrize(
    ("metadata", "path"),
    [
        ({"weight": float("nan")}, "metadata.weight"),
        ({"tags": {"a", "b"}}, "metadata.tags"),
        ({"deep": [1, {"x": b"bytes"}]}, "metadata.deep[1].x"),
        ({"nested": {1: "int key"}}, "metadata.nested"),
        ({"note": "bad \udc80 text"}, "metadata.note"),
    ],
    ids=["nan", "set", "bytes", "int key", "surrogate"],
)
def test_metadata_that_cannot_be_recorded_is_an_error_naming_its_path(
    metadata: dict[str, Any], path: str
) -> None:
    tx = parse_transaction({**TX, "metadata": metadata})
    with pytest.raises(TransactionError) as info:
        transaction_hash(tx)
    assert [p.path for p in info.value.problems] == [path]
    assert "cannot be recorded" in str(info.value)


def test_metadata_dates_and_floats_are_kept_as_json() -> None:
    tx = parse_transaction({**TX, "metadata": {"ordered": dt.date(2016, 6, 1), "kg": 1.5}})
    record = decision_record(screen(tx, rules=RULES), tx)
    assert record["transaction"]["metadata"] == {"kg": 1.5, "ordered": "2016-06-01"}


# --- the record ----------------------------------------------------------------------------------


def test_record_holds_what_an_auditor_needs() -> None:
    tx = parse_transaction(TX)
    decision = screen(tx, rules=RULES)
    record = decision_record(decision, tx, rules=RULES)
    assert record["record_format"] == RECORD_FORMAT
    assert record["transaction_id"] == "rec-1"
    assert record["as_of"] == "2016-06-15"
    assert record["outcome"] == decision.outcome.value
    assert record["library_version"] == __version__
    assert record["ruleset"] == RULES.name
    assert record["ruleset_version"] == RULES.version
    assert record["ruleset_fingerprint"] == RULES.fingerprint
    data_files = {"data/country-chart.csv", "data/ccl-reasons.yaml"}  # fingerprinted too
    assert set(record["ruleset_files"]) == {Path(f).name for f in RULES.files} | data_files
    assert parse_transaction(record["transaction"]) == tx
    assert [h["rule_id"] for h in record["hits"]] == [h.rule_id for h in decision.hits]
    for hit, source in zip(record["hits"], decision.hits, strict=True):
        assert hit["citation"] == source.citation
        assert hit["source"] == rule_source(source.source)
        file, line = hit["source"].split(":")
        assert file in record["ruleset_files"]
        assert int(line) > 0


def test_record_has_no_floats_and_scores_in_basis_points() -> None:
    tx = parse_transaction(TX)
    decision = screen(tx, rules=RULES)
    record = decision_record(decision, tx)
    assert floats_in(record) == []
    scored = [(h, r) for h, r in zip(decision.hits, record["hits"], strict=True) if h.score]
    assert scored, "the test transaction should give a name match"
    for hit, recorded in scored:
        assert isinstance(recorded["score_bp"], int)
        assert Decimal(recorded["score_bp"]) / 10_000 == Decimal(repr(hit.score))
        assert "score" not in recorded


def test_record_line_is_canonical_json_on_one_line() -> None:
    line = record_of(TX)
    assert "\n" not in line
    assert canonical_json(json.loads(line)) == line


def test_record_does_not_depend_on_where_the_rules_are(tmp_path: Path) -> None:
    elsewhere = tmp_path / "some" / "other" / "rules"
    shutil.copytree(bundled_rules_dir(), elsewhere)
    assert record_of(TX, load_rules(elsewhere)) == record_of(TX, RULES)


def test_record_reads_back_to_the_decision() -> None:
    tx = parse_transaction(TX)
    decision = screen(tx, rules=RULES)
    back = read_record(json.loads(record_line(decision, tx, rules=RULES)))
    expected = decision.model_copy(
        update={"hits": tuple(h.model_copy(update={"source": rule_source(h.source)})
                              for h in decision.hits)}
    )  # fmt: skip
    assert back.decision == expected
    assert back.input_hash == transaction_hash(tx)
    assert back.ruleset_files == dict(RULES.digests)


def test_record_refuses_a_decision_for_another_transaction_or_rule_set(tmp_path: Path) -> None:
    tx = parse_transaction(TX)
    decision = screen(tx, rules=RULES)
    with pytest.raises(ValueError, match="not 'other'"):
        decision_record(decision, parse_transaction({**TX, "id": "other"}))
    edited = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), edited)
    (edited / "red-flags.yaml").write_text(
        (edited / "red-flags.yaml").read_text("utf-8") + "\n# edited\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="rule set"):
        decision_record(decision, tx, rules=load_rules(edited))


@SETTINGS
@given(transactions(), st.dates(dt.date(2009, 6, 1), dt.date(2025, 12, 31)))
def test_any_decision_record_is_canonical_and_reproducible(
    data: dict[str, Any], day: dt.date
) -> None:
    first = record_of(data, as_of=day)
    assert first == record_of(copy.deepcopy(data), as_of=day)
    assert canonical_json(json.loads(first)) == first
    assert floats_in(json.loads(first)) == []


def test_replaying_the_zte_scenarios_twice_gives_byte_identical_records() -> None:
    def records() -> list[str]:
        return [
            record_line(r.decision, r.scenario.transaction, rules=RULES)
            for r in replay(EXAMPLES, RULES)
        ]

    first, second = records(), records()
    assert len(first) == 21
    assert first == second
    assert len(set(first)) == len(first)


# --- reading records back ------------------------------------------------------------------------


def good() -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(record_of(TX))
    return parsed


def without(key: str) -> dict[str, Any]:
    data = good()
    del data[key]
    return data


BAD = {
    "a list": ([good()], "not a decision record (expected a JSON object, got an array)"),
    "another format": ({**good(), "record_format": 3}, "unknown record format 3"),
    "no format": (without("record_format"), "unknown record format None"),
    "missing key": (without("as_of"), "missing key 'as_of'"),
    "unknown key": ({**good(), "signed_by": "me"}, "unknown key 'signed_by'"),
    "bad outcome": ({**good(), "outcome": "maybe"}, "outcome:"),
    "bad date": ({**good(), "as_of": "2016-02-30"}, "as_of:"),
    "hits not a list": ({**good(), "hits": {}}, "hits: expected a list"),
    "score as float": (
        {**good(), "hits": [{**good()["hits"][0], "score_bp": 0.5}]},
        "hits: score_bp must be an integer from 0 to 10000, got 0.5",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_malformed_records_are_named(name: str) -> None:
    data, message = BAD[name]
    with pytest.raises(RecordError, match="^" + re.escape(message)):
        read_record(data)
