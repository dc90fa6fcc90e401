"""Input-size limits (issue 13): every free-text field and collection of a transaction has a
documented limit (README "Limits", `screening.models.LIMITS`); input past one is a
`TransactionError` naming the field and the limit (exit 3 in the CLI), never a crash, and
nesting too deep is a positioned error for JSON as for YAML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.clirun import cli
from helpers.strategies import SETTINGS
from screening import DocumentError, TransactionError, parse_transaction, screen
from screening._io.documents import parse_document
from screening._io.yamlfile import MAX_DEPTH
from screening.models import LIMITS

BASE: dict[str, Any] = {
    "id": "tx-limits",
    "date": "2016-06-15",
    "destination": "CN",
    "parties": [{"role": "buyer", "name": "Acme Trading", "country": "CN"}],
    "items": [{"description": "servers"}],
}


def _with(path: str, value: object) -> dict[str, Any]:
    """BASE with one field replaced: ``parties.0.name``, ``end_use``..."""
    tx = json.loads(json.dumps(BASE))
    *parents, last = path.split(".")
    node: Any = tx
    for step in parents:
        node = node[int(step)] if step.isdigit() else node[step]
    node[int(last) if last.isdigit() else last] = value
    return tx


def _nested(depth: int) -> dict[str, Any]:
    """A mapping ``depth`` levels deep, built without recursion."""
    top: dict[str, Any] = {}
    node = top
    for _ in range(depth - 1):
        node["a"] = {}
        node = node["a"]
    return top


FIELDS = [
    ("id", "id", LIMITS["id"]),
    ("parties.0.name", "parties[0].name", LIMITS["name"]),
    ("parties.0.address", "parties[0].address", LIMITS["text"]),
    ("items.0.description", "items[0].description", LIMITS["text"]),
    ("end_use", "end_use", LIMITS["text"]),
]


@pytest.mark.parametrize(("field", "path", "limit"), FIELDS, ids=[f[1] for f in FIELDS])
def test_text_at_its_limit_is_accepted_and_past_it_refused(
    field: str, path: str, limit: int
) -> None:
    text = ("Acme " * limit)[:limit].strip() + "x"
    parse_transaction(_with(field, text[-limit:]))
    with pytest.raises(TransactionError) as caught:
        parse_transaction(_with(field, "A" * (limit + 1)))
    message = str(caught.value)
    assert f"{path}: String should have at most {limit} characters" in message
    assert len(message) < 300, "the value is quoted, not repeated whole"


def test_an_alias_has_the_name_limit() -> None:
    party = {**BASE["parties"][0], "aliases": ["Acme", "B" * (LIMITS["name"] + 1)]}
    with pytest.raises(TransactionError, match=r"parties\[0\]\.aliases\[1\]: String should"):
        parse_transaction(_with("parties.0", party))


def test_a_name_of_too_many_words_is_refused() -> None:
    name = " ".join(f"w{i}" for i in range(LIMITS["name_words"] + 1))
    assert len(name) <= LIMITS["name"]
    with pytest.raises(TransactionError, match=r"parties\[0\]\.name: a name may have at most"):
        parse_transaction(_with("parties.0.name", name))


@pytest.mark.parametrize(
    ("field", "key"),
    [("parties", "parties"), ("items", "items"), ("route", "route")],
)
def test_collections_have_limits(field: str, key: str) -> None:
    element = {"parties": BASE["parties"][0], "items": BASE["items"][0], "route": "HK"}[field]
    parse_transaction(_with(field, [element] * LIMITS[key]))
    with pytest.raises(TransactionError, match=rf"^{field}: "):
        parse_transaction(_with(field, [element] * (LIMITS[key] + 1)))


def test_a_one_megabyte_name_is_refused_quickly() -> None:
    """Measured on main: 1 MB exhausted 24 GB. Now a validation error."""
    with pytest.raises(TransactionError, match=r"parties\[0\]\.name: .*1000000 characters"):
        screen(_with("parties.0.name", "A" * 1_000_000))


@pytest.mark.parametrize("depth", [LIMITS["metadata_depth"] + 1, 990, 100_000])
def test_deep_metadata_is_an_error_not_a_crash(depth: int) -> None:
    with pytest.raises(TransactionError, match=r"^metadata: nested more than 16 levels deep"):
        screen(_with("metadata", _nested(depth)))


def test_metadata_at_its_limits_is_accepted() -> None:
    tx = parse_transaction(_with("metadata", _nested(LIMITS["metadata_depth"])))
    assert tx.metadata["a"]
    values = {f"k{i}": "v" for i in range(LIMITS["metadata_values"])}
    assert parse_transaction(_with("metadata", values)).metadata == values


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({f"k{i}": i for i in range(1001)}, "more than 1000 keys and values"),
        ({"k": [[0] * 600, [0] * 600]}, "more than 1000 keys and values"),
        ({"k": "v" * 2001}, "a value of 2001 characters; at most 2000"),
        ({"k" * 2001: 1}, "a key of 2001 characters; at most 2000"),
    ],
)
def test_metadata_sizes(metadata: dict[str, Any], message: str) -> None:
    with pytest.raises(TransactionError, match=f"^metadata: {message}"):
        parse_transaction(_with("metadata", metadata))


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=40,
    ),
    st.integers(0, 3000),
)
@SETTINGS
def test_any_metadata_and_name_size_is_screened_or_refused(metadata: Any, size: int) -> None:
    """Never a crash: a decision within the limits, a TransactionError past them."""
    tx = _with("metadata", {"m": metadata})
    tx["parties"][0]["name"] = "Acme " + "z" * size
    if size + 5 > LIMITS["name"] or _levels(tx["metadata"]) > LIMITS["metadata_depth"]:
        with pytest.raises(TransactionError):
            screen(tx)
    else:
        assert screen(tx).transaction_id == "tx-limits"


def _levels(value: object) -> int:
    """Levels of lists and mappings in a value (``{"a": 1}`` is one)."""
    if isinstance(value, dict):
        return 1 + max(map(_levels, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_levels, value), default=0)
    return 0


# --- documents: nesting ---------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 995, 5000, 200_000])
def test_deep_json_is_a_positioned_error(depth: int) -> None:
    text = '{\n"metadata":\n' + '{"a":' * depth + "1" + "}" * depth + "\n}"
    with pytest.raises(DocumentError, match=rf"^t\.json:3: nested more than {MAX_DEPTH} levels"):
        parse_document(text, "t.json")


def test_brackets_inside_json_strings_do_not_count() -> None:
    text = json.dumps({"id": "[" * 100 + '\\"{' * 50, "list": [[[1]]]})
    assert parse_document(text, "t.json").data["list"] == [[[1]]]
    assert parse_document("[" * MAX_DEPTH + "]" * MAX_DEPTH, "t.json").data


@pytest.mark.parametrize("opener", ["{", "["])
def test_deep_yaml_flow_is_a_positioned_error(opener: str) -> None:
    closer = "}" if opener == "{" else "]"
    inner = "a: " if opener == "{" else ""
    text = "id: x\nmetadata: " + (opener + inner) * 5000 + "1" + closer * 5000 + "\n"
    with pytest.raises(DocumentError, match=rf"^t\.yaml:2: nested more than {MAX_DEPTH} levels"):
        parse_document(text, "t.yaml")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "deep.json",
            json.dumps(BASE)[:-1] + ', "metadata": ' + "[" * 990 + "]" * 990 + "}",
            "deep.json:1: nested more than 32 levels deep",
        ),
        (
            "big.json",
            json.dumps(_with("parties.0.name", "A" * 1_000_000)),
            "parties[0].name: String should have at most 500 characters",
        ),
        (
            "deepmeta.json",
            json.dumps(_with("metadata", _nested(30))),
            "metadata: nested more than 16 levels deep",
        ),
    ],
)
def test_cli_screen_exits_3_on_oversized_or_deep_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, _ = cli("screen", path)
    assert code == 3
    assert expected in capsys.readouterr().err
