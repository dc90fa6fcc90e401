"""Reading a history: both readers (impact's `read_history`, re-screening's
`read_history_items`) take back what ``screening screen --log`` writes, whatever the names hold,
and locate every line that is not a JSON object."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from helpers.linebreaks import BREAKS
from screening import load_rules, parse_transaction, screen
from screening._io.logfile import append_lines
from screening.audit import record_line
from screening.changes import read_history, read_history_items
from screening.changes._history import BadLine, HistoryLine, read_history_lines
from screening.errors import ScenarioError


def tx(tx_id: str, name: str) -> dict[str, Any]:
    return {
        "id": tx_id,
        "date": "2022-06-01",
        "destination": "CN",
        "parties": [{"role": "consignee", "name": name, "country": "CN"}],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "1"}],
    }


def logged(path: Path, names: list[str]) -> Path:
    """A history as ``screening screen --log`` writes it: one decision record per line."""
    rules = load_rules()
    lines = []
    for i, name in enumerate(names):
        transaction = parse_transaction(tx(f"t{i}", name))
        lines.append(record_line(screen(transaction, rules=rules), transaction, rules=rules))
    append_lines(path, lines)
    return path


NAMES = ["Gamma{}Works", "Acme Corp", "A{}B{}C"]


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_impact_reads_names_holding_a_line_break(tmp_path: Path, char: str) -> None:
    names = [n.replace("{}", char) for n in NAMES]
    entries = read_history(logged(tmp_path / "h.jsonl", names))
    assert [e.line for e in entries] == [1, 2, 3]
    assert [e.transaction.parties[0].name for e in entries] == names
    assert {e.as_of for e in entries} == {dt.date(2022, 6, 1)}


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_rescreen_reads_names_holding_a_line_break(tmp_path: Path, char: str) -> None:
    names = [n.replace("{}", char) for n in NAMES]
    items, problems = read_history_items(logged(tmp_path / "h.jsonl", names))
    assert problems == []
    assert [i.line for i in items] == [1, 2, 3]
    assert [i.transaction.parties[0].name for i in items] == names
    assert all(i.recorded is not None for i in items)


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_a_raw_break_leaves_every_line_where_it_is(tmp_path: Path, char: str) -> None:
    path = tmp_path / "h.jsonl"
    path.write_text(f'{{"id": "a{char}b"\n[1]\n', "utf-8")  # line 1 is cut short: not JSON
    items, problems = read_history_items(path, "h.jsonl")
    assert items == []
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (1, "invalid JSON"),
        (2, "expected an object, got list"),
    ]
    with pytest.raises(ScenarioError) as info:
        read_history(path)
    assert [x.split(": ")[0] for x in str(info.value).splitlines()] == [
        f"{path}:1",
        f"{path}:2",
    ]


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_the_history_reader_keeps_a_raw_break_inside_its_line(tmp_path: Path, char: str) -> None:
    path = tmp_path / "h.jsonl"
    # written unescaped, as canonical JSON writes U+2028; a control character only as a
    # raw (invalid) byte, which must make its own line invalid and no other
    path.write_text(f'{{"name":"a{char}b"}}\n[1]\n{{"x":\n', "utf-8")
    lines = read_history_lines(path)
    assert [x.line for x in lines] == [1, 2, 3]
    first = lines[0]
    if char in "\u2028\u2029\x85":
        assert first == HistoryLine(1, {"name": f"a{char}b"})
    else:  # JSON does not allow a raw control character in a string
        assert isinstance(first, BadLine)
        assert first.error is not None
        assert first.error.msg == "Invalid control character at"
    assert lines[1] == BadLine(2, None, "list")
    assert isinstance(lines[2], BadLine)
    assert lines[2].error is not None


def test_a_record_line_holds_its_record_and_a_transaction_line_none(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    record = {"transaction": tx("a", "Acme"), "outcome": "clear"}
    path.write_text(json.dumps(tx("b", "Beta")) + "\n" + json.dumps(record) + "\n", "utf-8")
    bare, wrapped = read_history_lines(path)
    assert isinstance(bare, HistoryLine)
    assert isinstance(wrapped, HistoryLine)
    assert (bare.record, wrapped.record) == (None, record)
    assert (bare.transaction().id, wrapped.transaction().id) == ("b", "a")


def test_a_history_that_is_not_utf8_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_bytes(json.dumps(tx("a", "Acme")).encode() + b"\n\xff\n")
    with pytest.raises(UnicodeDecodeError):
        read_history_lines(path)
    items, problems = read_history_items(path, "h.jsonl")
    assert items == []
    assert [str(p) for p in problems] == [
        "h.jsonl: cannot read history: 'utf-8' codec can't decode byte 0xff in position "
        f"{path.stat().st_size - 2}: invalid start byte"
    ]
