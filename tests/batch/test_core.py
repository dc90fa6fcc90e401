"""`screen_many`: every record gives one result, in input order, on one core or many; bad
records become error results; a killed worker loses nothing."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.strategies import SETTINGS, transactions
from helpers.zte import numbered, zte_transactions
from screening import (
    BatchError,
    BatchResult,
    Outcome,
    RuleSet,
    TransactionError,
    load_rules,
    screen,
    screen_many,
)
from screening.batch import JsonLine, Record, Unreadable, record_id, screen_chunks, screen_record


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def scenarios() -> list[dict[str, Any]]:
    return zte_transactions()


def expected(txs: list[Any], rules: RuleSet) -> list[Any]:
    return [screen(tx, rules=rules) for tx in txs]


# --- order and equality with screen() ------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_in_input_order_and_equal_screen(
    rules: RuleSet, scenarios: list[dict[str, Any]], workers: int
) -> None:
    txs = numbered(scenarios, 150)
    results = list(screen_many(txs, rules=rules, workers=workers, chunk_size=7))
    assert [r.index for r in results] == list(range(150))
    assert [r.id for r in results] == [tx["id"] for tx in txs]
    assert [r.decision for r in results] == expected(txs, rules)
    assert all(r.ok and r.error is None for r in results)
    assert {r.ruleset_fingerprint for r in results} == {rules.fingerprint}


@SETTINGS
@given(st.lists(transactions(), max_size=12), st.integers(min_value=1, max_value=5))
def test_any_transactions_in_any_chunking_give_screen_decisions_in_order(
    txs: list[dict[str, Any]], chunk_size: int
) -> None:
    rules = load_rules()
    results = list(screen_many(txs, rules=rules, chunk_size=chunk_size))
    assert [r.index for r in results] == list(range(len(txs)))
    assert [r.decision for r in results] == expected(txs, rules)


def test_the_input_is_read_lazily(rules: RuleSet, scenarios: list[dict[str, Any]]) -> None:
    """A stream is consumed as results are taken, never all at once (bounded memory)."""
    pulled = []

    def source() -> Iterator[dict[str, Any]]:
        for i, tx in enumerate(numbered(scenarios, 10_000)):
            pulled.append(i)
            yield tx

    stream = screen_many(source(), rules=rules, workers=2, chunk_size=8)
    first = [next(stream) for _ in range(3)]
    stream.close()  # type: ignore[attr-defined]
    assert [r.index for r in first] == [0, 1, 2]
    assert len(pulled) <= 8 * 2 * 2 + 8  # the in-flight window plus one chunk


def test_as_of_applies_to_every_record(rules: RuleSet, scenarios: list[dict[str, Any]]) -> None:
    txs = numbered(scenarios, 21)
    day = dt.date(2016, 3, 10)
    results = list(screen_many(txs, rules=rules, as_of=day, workers=2, chunk_size=5))
    assert [r.decision for r in results] == [screen(tx, rules=rules, as_of=day) for tx in txs]
    assert {r.decision.as_of for r in results if r.decision} == {day}


def test_default_rules_are_the_bundled_ones(scenarios: list[dict[str, Any]]) -> None:
    (result,) = screen_many(scenarios[:1])
    assert result.decision == screen(scenarios[0])


# --- bad records -----------------------------------------------------------------------------


BAD: list[tuple[object, str | None, str]] = [
    ("not a transaction", None, "expected a mapping (a transaction), got str"),
    (None, None, "expected a mapping (a transaction), got NoneType"),
    ({"id": "no-items", "date": "2020-01-01", "destination": "DE"}, "no-items", "items:"),
    ({"id": 7, "date": "2020-01-01", "destination": "DE", "items": []}, None, "id:"),
    (
        {"id": "bad-country", "date": "2020-01-01", "destination": "XX", "items": [{}]},
        "bad-country",
        "destination:",
    ),
    ({"id": "  padded  ", "date": "someday"}, "padded", "date:"),
]


@pytest.mark.parametrize("workers", [1, 2])
def test_bad_records_become_error_results_in_place(
    rules: RuleSet, scenarios: list[dict[str, Any]], workers: int
) -> None:
    good = numbered(scenarios, 30)
    txs: list[Any] = list(good)
    for offset, (bad, _, _) in enumerate(BAD):
        txs.insert(3 + offset * 4, bad)
    results = list(screen_many(txs, rules=rules, workers=workers, chunk_size=4))
    assert [r.index for r in results] == list(range(len(txs)))
    errors = [r for r in results if not r.ok]
    assert len(errors) == len(BAD)
    for result, (bad, want_id, reason) in zip(errors, BAD, strict=True):
        assert txs[result.index] is bad
        assert result.id == want_id
        assert result.outcome is Outcome.REVIEW  # fail closed: never clear
        assert result.decision is None
        assert result.error is not None
        assert reason in result.error
        assert "\n" not in result.error
    assert [r.decision for r in results if r.ok] == expected(good, rules)


def test_an_error_result_says_every_problem(rules: RuleSet) -> None:
    (result,) = screen_many([{"id": "x", "date": "2020-13-01", "destination": "ZZ"}], rules=rules)
    assert result.error is not None
    assert result.error.count(";") >= 2
    for path in ("date:", "destination:", "items:"):
        assert path in result.error


def test_an_error_result_cannot_claim_clear_or_a_decision() -> None:
    with pytest.raises(ValueError, match="cannot be clear"):
        BatchResult(index=0, id=None, outcome=Outcome.CLEAR, error="x", ruleset_fingerprint="f")
    with pytest.raises(ValueError, match="either a decision or an error"):
        BatchResult(index=0, id=None, outcome=Outcome.REVIEW, ruleset_fingerprint="f")


def test_a_bug_in_screening_becomes_an_error_result_not_a_crash(rules: RuleSet) -> None:
    class Exploding(Mapping[str, Any]):
        def __getitem__(self, key: str) -> Any:
            raise RuntimeError("boom")

        def __iter__(self) -> Iterator[str]:
            raise RuntimeError("boom")

        def __len__(self) -> int:
            return 1

    results = list(screen_many([Exploding(), {"id": "x"}], rules=rules))
    assert results[0].error == "internal error while screening: RuntimeError: boom"
    assert results[1].id == "x"
    assert not results[1].ok


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"workers": -1}, ValueError),
        ({"workers": 1.5}, ValueError),
        ({"chunk_size": 0}, ValueError),
        ({"as_of": "2020-01-01"}, TransactionError),
        ({"rules": "rules/"}, TypeError),
    ],
)
def test_bad_arguments_raise_at_the_call(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        screen_many([], **kwargs)


# --- JSON Lines records are parsed where they are screened ------------------------------------


@pytest.mark.parametrize(
    ("line", "read"),
    [
        (b'{"id": " a-1 "}\n', {"id": " a-1 "}),
        (b'{"id": "a"', Unreadable("invalid JSON: Expecting ',' delimiter (column 11)")),
        (b'{"id": "\xff"}', Unreadable("not valid UTF-8 (invalid start byte at byte 8)")),
        (b"[" * 100_000, Unreadable("invalid JSON: nested too deeply")),
        (
            b'{"unit_value": ' + b"9" * 5000 + b"}",
            Unreadable(
                "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: "
                "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit"
            ),
        ),
    ],
)
def test_a_json_line_reads_as_the_file_reader_did(line: bytes, read: object) -> None:
    assert JsonLine(line).read() == read


def test_a_json_line_screens_and_is_known_by_its_id(rules: RuleSet) -> None:
    tx = zte_transactions()[0]
    line = JsonLine(json.dumps({**tx, "id": " tx-9 "}).encode())
    assert record_id(line) == "tx-9"
    result = screen_record(Record(0, line, "line 1"), rules, None)
    assert result.decision == screen({**tx, "id": "tx-9"}, rules=rules)
    broken = screen_record(Record(1, JsonLine(b"{"), "line 2"), rules, None)
    assert broken.outcome is Outcome.REVIEW
    assert broken.error is not None
    assert broken.error.startswith("line 2: invalid JSON")


def to_line(result: BatchResult) -> str:
    """A renderer as the README shows one (module level: workers find it by name)."""
    return f"{result.index} {result.id} {result.outcome.value}"


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_render_what_screen_chunks_yields_in_input_order(
    rules: RuleSet, scenarios: list[dict[str, Any]], workers: int
) -> None:
    txs = numbered(scenarios, 30)
    records = (Record(i, tx) for i, tx in enumerate(txs))
    chunks = list(
        screen_chunks(
            records,
            rules=rules,
            workers=workers,
            as_of=None,
            chunk_size=4,
            start_method=None,
            render=to_line,
        )
    )
    assert [len(c) for c in chunks] == [4] * 7 + [2]
    assert [line for c in chunks for line in c] == [
        to_line(r) for r in screen_many(txs, rules=rules)
    ]


# --- the rule set crosses process boundaries ---------------------------------------------------


def test_a_rule_set_pickles_and_screens_the_same(
    rules: RuleSet, scenarios: list[dict[str, Any]]
) -> None:
    copy = pickle.loads(pickle.dumps(rules))
    assert copy is not rules
    assert (copy.fingerprint, copy.name, copy.version, len(copy)) == (
        rules.fingerprint,
        rules.name,
        rules.version,
        len(rules),
    )
    assert expected(scenarios, copy) == expected(scenarios, rules)


def test_an_unpickled_rule_set_needs_no_transliteration_tables(tmp_path: Path) -> None:
    """The bundled rules hold Chinese names: a pickled rule set carries their readings, so a
    worker rebuilds the same index without loading pypinyin (~45 MB) until a query needs it."""
    rules = load_rules()
    han = sorted(c.name for c in rules.names if any("\u4e00" <= ch <= "\u9fff" for ch in c.name))
    assert han, "the bundled rules should hold Chinese names"
    queries = [*han, "ZTE Corporation", "Beijing Ba Xing"]
    expected_hits = [rules.search(q) for q in queries]
    (tmp_path / "rules.pickle").write_bytes(pickle.dumps(rules))
    probe = f"""
import pickle, sys
rules = pickle.loads(open({str(tmp_path / "rules.pickle")!r}, "rb").read())
print("pypinyin" in sys.modules)
print(repr([rules.search(q) for q in {queries!r}]))
print("pypinyin" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    before, hits, after = done.stdout.splitlines()
    assert before == "False"  # rebuilt without the tables
    assert hits == repr(expected_hits)  # the same index: the same matches and scores
    assert after == "True"  # a Chinese query loads them when it needs them


def test_spawned_workers_screen_the_same(rules: RuleSet, scenarios: list[dict[str, Any]]) -> None:
    """macOS and Windows start workers by spawning: the rule set is pickled to them once."""
    txs = numbered(scenarios, 42)
    results = list(screen_many(txs, rules=rules, workers=2, chunk_size=8, start_method="spawn"))
    assert [r.decision for r in results] == expected(txs, rules)


# --- dying workers ---------------------------------------------------------------------------


def test_a_killed_worker_loses_no_record(rules: RuleSet, scenarios: list[dict[str, Any]]) -> None:
    txs = numbered(scenarios, 400)
    results = []
    killed = []
    for result in screen_many(txs, rules=rules, workers=2, chunk_size=5):
        results.append(result)
        if len(results) == 10:
            for child in multiprocessing.active_children()[:1]:
                os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
                killed.append(child.pid)
    assert killed, "no worker process to kill"
    assert [r.index for r in results] == list(range(400))
    assert [r.decision for r in results] == expected(txs, rules)


class Poison(Mapping[str, Any]):
    """A record that kills whichever worker process screens it (as a segfault would)."""

    def __init__(self, parent: int) -> None:
        self.parent = parent

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        if os.getpid() != self.parent:
            os.kill(os.getpid(), signal.SIGKILL)
        raise RuntimeError("poison screened in the parent process")

    def __len__(self) -> int:
        return 0


def test_a_record_that_kills_its_worker_becomes_an_error_result(
    rules: RuleSet, scenarios: list[dict[str, Any]]
) -> None:
    txs: list[Any] = numbered(scenarios, 40)
    txs.insert(13, Poison(os.getpid()))
    results = list(screen_many(txs, rules=rules, workers=2, chunk_size=6))
    assert [r.index for r in results] == list(range(41))
    poisoned = results[13]
    assert poisoned.error is not None
    assert "worker process screening this record died twice" in poisoned.error
    assert poisoned.outcome is Outcome.REVIEW
    assert [r.decision for r in results if r.index != 13] == expected(
        [tx for i, tx in enumerate(txs) if i != 13], rules
    )


def test_batch_error_is_a_screening_error() -> None:
    from screening import ScreeningError

    assert issubclass(BatchError, ScreeningError)
    assert str(BatchError("unusable", path="out.jsonl")) == "out.jsonl: unusable"
