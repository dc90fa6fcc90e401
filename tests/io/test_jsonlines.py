"""JSON Lines: lines end at ``\\n`` only, so a name holding U+2028 (or anything else
`str.splitlines` splits on) stays inside its record."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.linebreaks import BREAKS
from helpers.strategies import SETTINGS, json_values
from screening._io.canonical import canonical_json
from screening._io.jsonlines import numbered_lines, read_lines
from screening._io.logfile import append_lines
from screening.errors import LogError


def test_the_breaks_are_everything_splitlines_splits_on() -> None:
    splits = {chr(c) for c in range(sys.maxunicode + 1) if len(f"a{chr(c)}b".splitlines()) == 2}
    assert splits - {"\n", "\r"} == set(BREAKS.values())


@pytest.mark.parametrize("char", BREAKS.values(), ids=BREAKS.keys())
def test_a_log_line_with_a_break_in_a_name_is_one_record(tmp_path: Path, char: str) -> None:
    log = tmp_path / "log.jsonl"
    names = [f"Gamma{char}Works", "Acme", f"{char}"]
    append_lines(log, [canonical_json({"name": n}) for n in names])
    lines = read_lines(log)
    assert [n for n, _ in lines] == [1, 2, 3]
    assert [json.loads(data)["name"] for _, data in lines] == names


@SETTINGS
@given(st.lists(st.dictionaries(st.text(max_size=3), json_values(), min_size=1), min_size=1))
def test_numbered_lines_gives_back_every_canonical_line(objects: list[dict[str, object]]) -> None:
    text = "".join(canonical_json(o) + "\n" for o in objects)
    lines = numbered_lines(text.encode("utf-8"))
    assert [n for n, _ in lines] == list(range(1, len(objects) + 1))
    assert [json.loads(data) for _, data in lines] == objects


def test_blank_lines_are_skipped_but_counted() -> None:
    assert numbered_lines(b'{"a":1}\n\n  \r\n{"b":2}\r\n') == [(1, b'{"a":1}'), (4, b'{"b":2}\r')]


def test_an_empty_or_missing_log_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"\n\n")
    with pytest.raises(LogError, match=r"empty\.jsonl: no decision records$"):
        read_lines(empty)
    with pytest.raises(LogError, match=r"missing\.jsonl: cannot read the log: No such file"):
        read_lines(tmp_path / "missing.jsonl")
