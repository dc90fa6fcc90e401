"""The safe YAML reader: plain-words syntax errors on the right line, YAML 1.2 scalars,
duplicate keys raised or collected, hostile input refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS
from screening import Problem
from screening._io import yamlfile
from screening._io.yamlfile import Flaw, parse_yaml, read_yaml
from screening.errors import YamlProblem

SYNTAX = {
    "unclosed quote": ('a: "abc\nb: 1\n', 1, "a quoted text is never closed"),
    "unclosed list": (
        "a: [1, 2\nb: 1\n", 1, "a list in [ ] is not closed, or its items need commas"
    ),
    "unclosed mapping": (
        "a: {x: 1\nb: 1\n",
        1,
        "a mapping in { } is not closed, or its entries need commas",
    ),
    "key without colon": (
        "a: 1\nb\nc: 2\n",
        2,
        "expected 'key: value' (a ':' is missing, or the indentation is off)",
    ),
    "dedented key in a list item": (
        "rules:\n  - id: x\n    kind: y\n   z: 1\n",
        4,
        "this line's indentation does not match the lines above",
    ),
    "dedented list item": (
        "a:\n  - 1\n - 2\n",
        3,
        "this line's indentation does not match the lines above",
    ),
    "colon in a value": (
        "a: b: c\n",
        1,
        "unexpected ':' (check this line's indentation, or put a value containing ': ' in quotes)",
    ),
    "tab": ("a:\n\tb: 1\n", 2, "a tab character (indent with spaces, not tabs)"),
    "reserved first character": (
        "a: @x\n", 1, "a value cannot start with '@' (put the value in quotes)"
    ),
    "two documents": ("a: 1\n---\nb: 2\n", 2, "more than one document ('---') in one file"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(SYNTAX))
def test_syntax_errors_are_said_in_plain_words_on_the_right_line(name: str) -> None:
    text, line, message = SYNTAX[name]
    with pytest.raises(YamlProblem) as info:
        parse_yaml(text, "f.yaml")
    assert str(info.value) == f"f.yaml:{line}: YAML syntax error: {message}"


def test_scalars_follow_yaml_1_2() -> None:
    data = parse_yaml(
        "a: NO\nb: yes\nc: true\nd: False\ne: 2016-03-08\nf: 2016-03-08 10:00:00\ng: =\nh: 12\n",
        "f.yaml",
    ).data
    assert data == {
        "a": "NO",
        "b": "yes",
        "c": True,
        "d": False,
        "e": "2016-03-08",  # dates stay text; the schema parses them
        "f": "2016-03-08 10:00:00",
        "g": "=",
        "h": 12,
    }
    assert not isinstance(data["e"], dt.date)


def test_lines_are_recorded_for_every_key_path() -> None:
    located = parse_yaml("a:\n  b:\n    - x\n    - {c: 1}\n", "f.yaml")
    assert located.lines[("a",)] == 1
    assert located.lines[("a", "b")] == 2
    assert located.lines[("a", "b", 1, "c")] == 4
    assert located.line_of(("a", "b", 1, "c", "deeper")) == 4


def test_a_duplicate_key_is_raised_by_default_and_collected_on_request() -> None:
    text = "rules:\n  - id: x\n    kind: a\n    kind: b\n"
    with pytest.raises(YamlProblem) as info:
        parse_yaml(text, "f.yaml")
    assert (
        str(info.value) == "f.yaml:4: rules[0].kind: duplicate key 'kind' (first defined on line 3)"
    )
    located = parse_yaml(text, "f.yaml", collect=True)
    assert located.flaws == (
        Flaw(("rules", 0, "kind"), 4, "duplicate key 'kind' (first defined on line 3)"),
    )
    assert located.data == {"rules": [{"id": "x", "kind": "a"}]}  # the first value is kept


def test_control_characters_are_refused_with_their_line() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a: 1\nb: \x1f\n", "f.yaml")
    assert str(info.value) == "f.yaml:2: not a text file (control character U+001F)"


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_yaml(path).data == {"a": 1}


def test_merge_keys_are_refused() -> None:
    with pytest.raises(YamlProblem) as info:
        parse_yaml("a:\n  <<: {b: 1}\n", "f.yaml")
    assert str(info.value) == "f.yaml:2: YAML merge keys ('<<') are not allowed"


def _problem(read: Callable[[], object]) -> Problem | None:
    try:
        read()
    except YamlProblem as exc:
        return exc.problem
    return None


@SETTINGS
@given(st.text(max_size=200))
def test_any_text_parses_or_gives_a_located_problem(text: str) -> None:
    problem = _problem(lambda: parse_yaml(text, "f.yaml", collect=True))
    assert problem is None or (problem.file == "f.yaml" and problem.message)


@SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_read_or_give_a_located_problem(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("y") / "f.yaml"
    path.write_bytes(raw)
    problem = _problem(lambda: read_yaml(path, "f.yaml", collect=True))
    assert problem is None or (problem.file == "f.yaml" and problem.message)


ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(ROOT.glob("rules/**/*.yaml")) + sorted(ROOT.glob("examples/**/*.yaml"))


@pytest.mark.skipif(yamlfile._CParser is None, reason="PyYAML built without libyaml")
def test_libyaml_and_pure_python_read_every_document_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [read_yaml(p) for p in DOCUMENTS]
    monkeypatch.setattr(yamlfile, "_CParser", None)
    slow = [read_yaml(p) for p in DOCUMENTS]
    assert len(DOCUMENTS) > 30
    for a, b in zip(fast, slow, strict=True):
        assert (a.data, a.lines, a.flaws) == (b.data, b.lines, b.flaws), a.file


@pytest.mark.parametrize("name", list(SYNTAX))
def test_the_pure_python_reader_gives_the_same_messages(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(yamlfile, "_CParser", None)
    test_syntax_errors_are_said_in_plain_words_on_the_right_line(name)
