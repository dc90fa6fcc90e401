"""API keys: random, kept only as their sha256, read from lines that name what is wrong and
where."""

from __future__ import annotations

import pytest

from screening import KeysError
from screening.service import SCOPES, hash_key, new_key, parse_keys


def test_a_new_key_is_accepted_by_its_line_and_only_it() -> None:
    key, line = new_key("orders", ["screen"])
    assert key.startswith("scr_")
    assert key not in line
    assert line == f"orders screen {hash_key(key)}"
    keys = parse_keys(f"# comment\n\n{line}  # trailing comment\n", "keys.txt")
    principal = keys.principal(key)
    assert principal is not None
    assert (principal.name, principal.scopes) == ("orders", frozenset({"screen"}))
    assert keys.principal(key + "x") is None
    assert keys.principal(hash_key(key)) is None  # the stored hash is not a key
    other, _ = new_key("orders", ["screen"])
    assert other != key


def test_the_variable_may_separate_entries_with_semicolons() -> None:
    (a, line_a), (b, line_b) = new_key("a", SCOPES), new_key("b", ["admin"])
    keys = parse_keys(f"{line_a};{line_b}", "SCREENING_API_KEYS")
    assert len(keys) == 2
    found = keys.principal(b)
    assert found is not None
    assert found.scopes == {"admin"}
    assert keys.principal(a) is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("orders screen", "keys.txt:1: expected 'PRINCIPAL SCOPES sha256:HEX', got 2 words"),
        ("orders screen scr_plainkey", "keys.txt:1: the key must be given as its hash"),
        ("\norders screen,root sha256:" + "a" * 64, "keys.txt:2: unknown scope 'root'"),
        ("bad/name screen sha256:" + "a" * 64, "keys.txt:1: principal 'bad/name' must be"),
        (
            f"a screen sha256:{'a' * 64}\nb screen sha256:{'a' * 64}",
            "keys.txt:2: the same key hash is given twice",
        ),
        (
            f"a screen sha256:{'a' * 64}\na admin sha256:{'b' * 64}",
            "keys.txt:2: principal 'a' has two keys",
        ),
    ],
)
def test_a_bad_line_is_refused_naming_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(KeysError) as caught:
        parse_keys(text, "keys.txt")
    assert str(caught.value).startswith(message)


def test_a_new_key_needs_a_known_scope() -> None:
    with pytest.raises(KeysError, match="at least one scope"):
        new_key("a", [])
    with pytest.raises(KeysError, match="unknown scope 'everything'"):
        new_key("a", ["everything"])
