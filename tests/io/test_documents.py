"""Transaction and scenario documents: YAML or JSON, JSON held to YAML's standard (duplicate
keys and oversized files refused), and every error naming the file it is about."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS, json_values, transactions
from screening import DocumentError
from screening._io.documents import parse_document, read_document
from screening._io.yamlfile import MAX_BYTES

TX_YAML = """\
id: tx-1
date: 2016-03-10
destination: CN
parties:
  - role: consignee
    name: ZTE Corporation
    country: CN
items: []
"""

TX_JSON = json.dumps(
    {
        "id": "tx-1",
        "date": "2016-03-10",
        "destination": "CN",
        "parties": [{"role": "consignee", "name": "ZTE Corporation", "country": "CN"}],
        "items": [],
    },
    indent=2,
)


def test_yaml_and_json_of_one_transaction_read_alike() -> None:
    from_yaml = parse_document(TX_YAML, "tx.yaml")
    from_json = parse_document(TX_JSON, "tx.json")
    assert from_yaml.data == from_json.data
    assert from_yaml.data["parties"][0]["name"] == "ZTE Corporation"
    assert from_yaml.lines[("parties", 0, "country")] == 7  # YAML knows its lines
    assert from_json.file == "tx.json"


def test_json_is_recognised_by_its_first_character() -> None:
    """A JSON body under a name without ``.json`` (a pipe, ``-``) is still read as JSON."""
    doc = parse_document("  \n" + TX_JSON, "-")
    assert doc.data["id"] == "tx-1"
    assert doc.lines == {}
    assert parse_document("[1, 2]", "<stdin>").data == [1, 2]


def test_is_json_forces_json() -> None:
    """A ``.json`` file that is not JSON is an error, not YAML by accident."""
    with pytest.raises(DocumentError, match=r"^tx\.json:1: invalid JSON: "):
        parse_document("id: tx-1\n", "tx.json", is_json=True)
    assert parse_document("id: tx-1\n", "tx.yaml").data == {"id": "tx-1"}


def test_duplicate_key_in_json_is_refused() -> None:
    text = '{"id": "tx-1", "destination": "CN", "destination": "IR"}'
    with pytest.raises(DocumentError) as caught:
        parse_document(text, "tx.json")
    assert str(caught.value) == "tx.json: invalid JSON: duplicate key 'destination'"


def test_duplicate_key_deep_in_json_is_refused() -> None:
    text = '{"parties": [{"name": "A", "role": "buyer", "name": "B"}]}'
    with pytest.raises(DocumentError, match="duplicate key 'name'"):
        parse_document(text, "tx.json")


def test_duplicate_key_in_yaml_is_refused_with_its_line() -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(TX_YAML + "destination: IR\n", "tx.yaml")
    assert str(caught.value).startswith("tx.yaml:9:")
    assert "destination" in str(caught.value)


def test_invalid_json_names_the_line() -> None:
    text = TX_JSON.replace('"CN",', '"CN"', 1)
    with pytest.raises(DocumentError) as caught:
        parse_document(text, "tx.json")
    line = int(str(caught.value).split(":")[1])
    assert text.splitlines()[line - 1].strip().startswith('"parties"')


def test_text_over_the_size_limit_is_refused() -> None:
    text = '{"pad": "' + "x" * MAX_BYTES + '"}'
    with pytest.raises(DocumentError, match=f"^big.json: file is larger than {MAX_BYTES} bytes$"):
        parse_document(text, "big.json")


def test_the_limit_counts_bytes_not_characters() -> None:
    """Three bytes a character in UTF-8: a third of the limit in characters is over it."""
    chars = MAX_BYTES // 3 + 1
    assert parse_document("a" * chars, "small.yaml").data == "a" * chars
    with pytest.raises(DocumentError, match="larger than"):
        parse_document("中" * chars, "big.yaml")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(DocumentError, match=f"^{path}: file is larger than {MAX_BYTES} bytes$"):
        read_document(path)


def test_a_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "edge.yaml"
    body = b"id: tx-1\n"
    path.write_bytes(body + b"#" * (MAX_BYTES - len(body)))
    assert read_document(path).data == {"id": "tx-1"}


def test_a_file_not_in_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    data = TX_YAML.replace("ZTE Corporation", "Société Générale").encode("latin-1")
    path.write_bytes(data)
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: not UTF-8 text (byte {data.index(0xE9)})"


def test_a_missing_file_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=f"^{tmp_path / 'nope.yaml'}: cannot read file: "):
        read_document(tmp_path / "nope.yaml")


def test_a_directory_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="cannot read file"):
        read_document(tmp_path)


def test_read_document_chooses_json_by_suffix(tmp_path: Path) -> None:
    (tmp_path / "tx.json").write_text("id: tx-1\n", "utf-8")
    (tmp_path / "tx.yaml").write_text("id: tx-1\n", "utf-8")
    with pytest.raises(DocumentError, match="invalid JSON"):
        read_document(tmp_path / "tx.json")
    doc = read_document(tmp_path / "tx.yaml")
    assert (doc.data, doc.file, doc.lines[("id",)]) == (
        {"id": "tx-1"},
        str(tmp_path / "tx.yaml"),
        1,
    )


def test_yaml_syntax_errors_name_file_and_line() -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document("id: tx-1\nparties: [a, b\n", "case.yaml")
    assert str(caught.value).startswith("case.yaml:")


@SETTINGS
@given(tx=transactions())
def test_any_transaction_reads_back_the_same_from_json(tx: dict[str, object]) -> None:
    assert parse_document(json.dumps(tx), "tx.json").data == tx


@SETTINGS
@given(value=json_values())
def test_any_json_value_reads_back_the_same(value: object) -> None:
    text = json.dumps({"v": value})
    assert parse_document(text, "v.json").data == {"v": value}


@SETTINGS
@given(text=st.text(max_size=200))
def test_any_text_is_a_document_or_a_document_error(text: str) -> None:
    outcome: object
    try:
        outcome = parse_document(text, "any").file
    except DocumentError as exc:
        outcome = str(exc)
    assert isinstance(outcome, str)
    assert outcome.startswith("any")
