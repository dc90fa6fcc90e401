"""The review desk on the command line: the public forms of the issue, exit codes, and the
SCREENING_STORE variable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.review import kangxun_order
from screening import screen

TX = kangxun_order("po-1")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "po.json"
    path.write_text(json.dumps(TX), encoding="utf-8")
    return f"sqlite:///{tmp_path / 's.db'}", path


def test_the_review_loop(setup: tuple[str, Path]) -> None:
    url, path = setup
    assert cli("store", "upgrade", "--store", url)[0] == 0
    assert cli("screen", path, "--store", url)[0] == 1
    assert cli("screen", path, "--store", url)[0] == 1  # same transaction: same case
    code, out = cli("review", "list", "--store", url, "--json")
    assert code == 0
    cases = [json.loads(line) for line in out.splitlines()]
    assert len(cases) == 1
    case = cases[0]
    assert case["transaction_id"] == "po-1"
    assert case["outcome"] == "review"
    hit = next(h for h in case["hits"] if h["rule_id"] == "el-zte-kangxun")
    assert {"hit_id", "rule_id", "party", "listed_name", "score"} <= set(hit)
    # The score the case shows is the decision's own, not a number of its own making.
    screened = next(h for h in screen(TX).hits if h.rule_id == "el-zte-kangxun")
    assert hit["score"] == screened.score
    code, out = cli("review", "show", case["id"], "--store", url)
    assert code == 0
    assert hit["hit_id"] in out
    code, out = cli(
        "review",
        "decide",
        case["id"],
        hit["hit_id"],
        "--decision",
        "false_positive",
        "--reason",
        "other firm",
        "--reviewer",
        "alice",
        "--expires",
        "2018-01-01",
        "--store",
        url,
    )
    assert code == 0, out
    code, out = cli("screen", path, "--store", url, "--json")
    record = json.loads(out)
    listed = next(h for h in record["hits"] if h["rule_id"] == "el-zte-kangxun")
    assert listed["outcome"] == "clear"
    assert listed["disposition"]["reviewer"] == "alice"
    assert record["dispositions"][0]["reason"] == "other firm"
    code, out = cli("review", "history", "--store", url)
    assert "disposition.decided" in out
    code, out = cli("review", "export", "--store", url, "--format", "csv")
    assert out.splitlines()[0].startswith("case_id,transaction_id")
    assert cli("audit", "verify", "--store", url)[0] == 0


def test_exit_codes(setup: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    url, path = setup
    assert cli("review", "list")[0] == 5  # no store anywhere: usage
    monkeypatch.setenv("SCREENING_STORE", url)
    assert cli("screen", path)[0] == 1
    _, out = cli("review", "list", "--json")
    case = json.loads(out)
    other = next(h for h in case["hits"] if h["rule_id"] != "el-zte-kangxun")
    args = ["--reason", "x", "--reviewer", "a"]
    assert (
        cli("review", "decide", case["id"], other["hit_id"], "--decision", "false_positive", *args)[
            0
        ]
        == 3
    )  # not a name match
    assert cli("review", "decide", "case-nope", "h", "--decision", "true_match", *args)[0] == 3
    assert cli("review", "decide", case["id"], "h", "--decision", "maybe", *args)[0] == 5
    assert cli("review", "list", "--store", "mysql://x")[0] == 3


def test_tampered_history_fails_audit(setup: tuple[str, Path]) -> None:
    import sqlite3

    url, path = setup
    cli("screen", path, "--store", url)
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    db.execute("UPDATE events SET subject = 'case-other' WHERE seq = 1")
    db.commit()
    db.close()
    code, out = cli("audit", "verify", "--store", url)
    assert code == 1
    assert "event 1" in out


def test_store_head_anchors_audit_verify(setup: tuple[str, Path]) -> None:
    import sqlite3

    url, path = setup
    cli("screen", path, "--store", url)
    code, out = cli("store", "head", "--store", url)
    assert code == 0
    head, count = out.split()[:2]
    assert len(head) == 64
    assert int(count) >= 1
    assert cli("audit", "verify", "--store", url, "--head", head)[0] == 0
    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    db.execute("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")
    db.commit()
    db.close()
    assert cli("audit", "verify", "--store", url)[0] == 0  # the chain cannot tell
    code, out = cli("audit", "verify", "--store", url, "--head", head)
    assert code == 1
    assert "cut from its end" in out


@pytest.mark.parametrize("workers", ["1", "2"])
def test_batch_opens_one_case_per_transaction(tmp_path: Path, workers: str) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    rows = [{**TX, "id": f"b-{i % 3}"} for i in range(6)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, _ = cli(
        "batch", source, "-o", tmp_path / "out.jsonl", "--workers", workers, "--store", url, "-q"
    )
    assert code == 1
    _, out = cli("review", "list", "--store", url, "--json")
    assert sorted(json.loads(line)["transaction_id"] for line in out.splitlines()) == [
        "b-0",
        "b-1",
        "b-2",
    ]


def test_review_close(setup: tuple[str, Path]) -> None:
    url, path = setup
    assert cli("screen", path, "--store", url)[0] == 1
    _, out = cli("review", "list", "--store", url, "--json")
    case = json.loads(out)
    name_hit = next(h for h in case["hits"] if h["rule_id"] == "el-zte-kangxun")
    close = ["review", "close", case["id"], "--reason", "licence D123", "--reviewer", "bob"]
    assert cli(*close, "--store", url)[0] == 3  # a name-match hit to decide first
    args = ["--reason", "other firm", "--reviewer", "alice", "--store", url]
    decide = ["review", "decide", case["id"], name_hit["hit_id"], "--decision", "false_positive"]
    assert cli(*decide, *args)[0] == 0
    code, out = cli(*close, "--store", url, "--json")
    assert code == 0, out
    assert json.loads(out)["status"] == "closed"
    assert cli(*close, "--store", url)[0] == 3  # already closed: a conflict
    code, out = cli("review", "show", case["id"], "--store", url)
    assert "closed by bob" in out
    assert "licence D123" in out
    _, out = cli("review", "history", case["id"], "--store", url)
    assert "case.closed_by_reviewer" in out
    assert cli("audit", "verify", "--store", url)[0] == 0
    assert cli("screen", path, "--store", url)[0] == 1  # the licence hit is still a review
    _, out = cli("review", "list", "--store", url, "--json")
    assert json.loads(out)["id"] == case["id"]  # and the case is open again
