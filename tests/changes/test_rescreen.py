"""Re-screening a history: which decisions new lists would change, compared with the old lists
(exact, screening again only what can change) or with the decisions recorded in the history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.listdata import EL, SDN, UVL, row, write_csl
from helpers.strategies import SETTINGS, transactions
from screening import Outcome, RuleSet, load_rules, parse_transaction, screen
from screening.changes import (
    HistoryItem,
    changed_names,
    read_history_items,
    rescreen,
    rescreen_lists,
)
from screening.errors import ListError
from screening.lists import read_list

OLD_ROWS = [
    row(SDN, "Havana Trading S.A.", _id="100", addresses="Havana, CU"),
    row(EL, "Kowloon Logistics Ltd", _id="k1", start_date="2012-01-01"),
    row(UVL, "Gulf Freight FZE", _id="u1", addresses="Dubai, AE"),
]
NEW_ROWS = [
    row(EL, "Kowloon Logistics Ltd", _id="k1", start_date="2019-01-01"),  # dates changed
    row(UVL, "Gulf Freight FZE", _id="u1", addresses="Dubai, AE"),
    row(EL, "Tokyo Parts KK", _id="t1"),  # added; Havana Trading removed
]


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("lists")
    old = read_list(write_csl(folder / "old.csv", OLD_ROWS))
    new = read_list(write_csl(folder / "new.csv", NEW_ROWS))
    return {
        "old": old,
        "new": new,
        "old_rules": load_rules(lists=[old]),
        "new_rules": load_rules(lists=[new]),
        "near": changed_names([old], [new]),
    }


def tx(tx_id: str, name: str, date: str = "2016-05-01") -> dict[str, Any]:
    return {
        "id": tx_id,
        "date": date,
        "destination": "JP",
        "parties": [
            {"role": "consignee", "name": name, "country": "JP"},
            {"role": "end_user", "name": name, "country": "JP"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "1"}],
    }


def write_history(path: Path, lines: list[Any]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", "utf-8"
    )
    return path


def test_changes_against_the_old_lists(lists: dict[str, Any], tmp_path: Path) -> None:
    path = write_history(
        tmp_path / "h.jsonl",
        [
            tx("a", "Tokyo Parts KK"),  # newly listed: clear -> block
            tx("b", "Muster Versicherung AG"),  # near nothing that changed: not screened again
            "",
            tx("c", "Havana Trading S.A."),  # delisted: block -> clear
            tx("d", "Kowloon Logistics Ltd"),  # listed only from 2019 now: block -> clear
            tx("e", "Gulf Freight FZE"),  # unchanged entry: not screened again
        ],
    )
    items, problems = read_history_items(path)
    assert problems == []
    report = rescreen(items, lists["new_rules"], old=lists["old_rules"], only_near=lists["near"])
    assert (report.transactions, report.screened) == (5, 3)
    got = [(c.line, c.transaction_id, c.before, c.after) for c in report.changes]
    assert got == [
        (1, "a", Outcome.CLEAR, Outcome.BLOCK),
        (4, "c", Outcome.BLOCK, Outcome.CLEAR),
        (5, "d", Outcome.BLOCK, Outcome.CLEAR),
    ]
    first = report.changes[0]
    assert [h.rule_id for h in first.added] == ["csl-el-t1", "csl-el-t1"]
    assert first.removed == ()
    assert first.baseline == "old lists"
    assert [h.rule_id for h in report.changes[1].removed] == ["csl-sdn-100", "csl-sdn-100"]
    assert first.to_dict()["decision"]["lists"][0]["sha256"] == lists["new"].sha256


def test_recorded_decisions_are_the_baseline_without_old_lists(
    lists: dict[str, Any], tmp_path: Path
) -> None:
    records = []
    for t in (
        tx("a", "Tokyo Parts KK"),
        tx("c", "Havana Trading S.A."),
        tx("e", "Gulf Freight FZE"),
    ):
        decision = screen(t, rules=lists["old_rules"])
        records.append({"transaction": t, "decision": decision.to_dict()})
    path = write_history(tmp_path / "h.jsonl", records)
    items, problems = read_history_items(path)
    assert problems == []
    report = rescreen(items, lists["new_rules"])
    assert [(c.transaction_id, c.before, c.after, c.baseline) for c in report.changes] == [
        ("a", Outcome.CLEAR, Outcome.BLOCK, "recorded decision"),
        ("c", Outcome.BLOCK, Outcome.CLEAR, "recorded decision"),
    ]
    assert report.screened == 3


def test_a_decision_record_with_its_fields_beside_the_transaction(
    lists: dict[str, Any], tmp_path: Path
) -> None:
    record = {"transaction": tx("a", "Tokyo Parts KK"), "outcome": "clear", "as_of": "2016-05-01"}
    items, _ = read_history_items(write_history(tmp_path / "h.jsonl", [record]))
    (change,) = rescreen(items, lists["new_rules"]).changes
    assert (change.before, change.after, change.as_of) == (
        Outcome.CLEAR,
        Outcome.BLOCK,
        dt.date(2016, 5, 1),
    )


def test_as_of_changes_what_is_in_force(lists: dict[str, Any], tmp_path: Path) -> None:
    items, _ = read_history_items(
        write_history(tmp_path / "h.jsonl", [tx("d", "Kowloon Logistics Ltd")])
    )
    report = rescreen(items, lists["new_rules"], old=lists["old_rules"], as_of=dt.date(2020, 1, 1))
    assert report.changes == ()  # listed in both releases by 2020


def test_bad_history_lines_are_reported_with_their_line(tmp_path: Path) -> None:
    path = write_history(
        tmp_path / "h.jsonl",
        [
            tx("ok", "Acme Inc"),
            "{not json",
            {"transaction": {"id": "x"}},
            {"transaction": tx("y", "Acme Inc"), "outcome": "maybe"},
            [1, 2],
        ],
    )
    items, problems = read_history_items(path, "h.jsonl")
    assert [i.line for i in items] == [1]
    assert [str(p) for p in problems] == [
        "h.jsonl:2: invalid JSON: Expecting property name enclosed in double quotes",
        "h.jsonl:3: transaction: invalid transaction 'x' (3 problems):\n"
        "  date: missing required field\n  destination: missing required field\n"
        "  items: missing required field",
        "h.jsonl:4: outcome: not one of clear, review, block (got 'maybe')",
        "h.jsonl:5: expected an object, got list",
    ]


def test_nothing_to_compare_with(lists: dict[str, Any], tmp_path: Path) -> None:
    items, _ = read_history_items(write_history(tmp_path / "h.jsonl", [tx("a", "Acme Inc")]))
    with pytest.raises(ValueError, match="line 1: no recorded decision to compare with"):
        rescreen(items, lists["new_rules"])


@SETTINGS
@given(history=st.lists(transactions(), min_size=1, max_size=4), names=st.data())
def test_screening_only_what_can_change_finds_every_change(
    lists: dict[str, Any], history: list[dict[str, Any]], names: st.DataObject
) -> None:
    """The shortcut is exact: skipping transactions near no changed entry misses nothing."""
    listed = ["Havana Trading S.A.", "Kowloon Logistics Ltd", "Gulf Freight FZE", "Tokyo Parts KK"]
    for t in history:
        for party in t["parties"]:
            if names.draw(st.booleans()):
                party["name"] = names.draw(st.sampled_from(listed))
    items = [HistoryItem(n, parse_transaction(t), None) for n, t in enumerate(history, 1)]
    new_rules: RuleSet = lists["new_rules"]
    old_rules: RuleSet = lists["old_rules"]
    fast = rescreen(items, new_rules, old=old_rules, only_near=lists["near"])
    full = rescreen(items, new_rules, old=old_rules)
    assert [c.to_dict() for c in fast.changes] == [c.to_dict() for c in full.changes]
    same = rescreen(items, old_rules, old=old_rules)
    assert same.changes == ()


# --- rescreen_lists: from files, as `screening lists rescreen` uses it -------------------------


def test_rescreen_lists_reads_the_files_and_matches_rescreen(
    lists: dict[str, Any], tmp_path: Path
) -> None:
    old = write_csl(tmp_path / "old.csv", OLD_ROWS)
    new = write_csl(tmp_path / "new.csv", NEW_ROWS)
    path = write_history(
        tmp_path / "h.jsonl",
        [tx("a", "Tokyo Parts KK"), "not json", tx("b", "Muster Versicherung AG")],
    )
    report, problems = rescreen_lists(path, [new], [old])
    items, _ = read_history_items(path)
    expected = rescreen(items, lists["new_rules"], old=lists["old_rules"], only_near=lists["near"])
    assert (
        [(c.line, c.before, c.after) for c in report.changes]
        == [(c.line, c.before, c.after) for c in expected.changes]
        == [(1, Outcome.CLEAR, Outcome.BLOCK)]
    )
    assert (report.transactions, report.screened) == (2, 1)
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(2, "invalid JSON")]


def test_rescreen_lists_without_old_needs_recorded_decisions(tmp_path: Path) -> None:
    new = write_csl(tmp_path / "new.csv", NEW_ROWS)
    path = write_history(tmp_path / "h.jsonl", [tx("a", "Acme Inc"), tx("b", "Acme Inc")])
    with pytest.raises(ListError, match="lines 1, 2 hold no recorded decision to compare with"):
        rescreen_lists(path, [new])


def test_rescreen_lists_bad_list_is_a_list_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", "utf-8")
    path = write_history(tmp_path / "h.jsonl", [tx("a", "Acme Inc")])
    with pytest.raises(ListError, match="file is empty"):
        rescreen_lists(path, [empty])
