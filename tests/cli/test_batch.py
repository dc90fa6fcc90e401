"""`screening batch`: one output record per input record, resumable, valid after any stop."""

from __future__ import annotations

import csv
import fcntl
import gc
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers.zte import numbered, zte_transactions
from screening import BatchResult, RuleSet, load_rules, parse_transaction, screen_many
from screening.batch import (
    Record,
    flat_columns,
    result_from_row,
    row_to_transaction,
    run_batch,
    transaction_to_row,
)
from screening.batch import _job as batchjob
from screening.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="module")
def scenarios() -> list[dict[str, Any]]:
    return zte_transactions()


def write_jsonl(path: Path, txs: list[Any]) -> Path:
    path.write_text("".join(json.dumps(tx, default=str) + "\n" for tx in txs), encoding="utf-8")
    return path


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def batch(*argv: str | Path) -> int:
    return main(["batch", *(str(a) for a in argv)])


def ids_once(out: list[dict[str, Any]], txs: list[dict[str, Any]]) -> None:
    counts = Counter(r["id"] for r in out)
    assert counts == Counter(tx["id"] for tx in txs)
    assert [r["index"] for r in out] == list(range(len(txs)))


# --- one record out per record in ----------------------------------------------------------------


def test_every_input_line_gives_one_record_in_order(
    tmp_path: Path, scenarios: list[dict[str, Any]], rules: RuleSet
) -> None:
    good = numbered(scenarios, 12)
    lines = [json.dumps(tx, default=str) for tx in good]
    lines.insert(2, '{"id": "torn", "date": ')  # invalid JSON
    lines.insert(5, "")  # a blank line holds no record
    lines.insert(7, '["a", "list"]')
    lines.insert(9, json.dumps({"id": "no-items", "date": "2020-01-01", "destination": "DE"}))
    lines.append('{"id": "huge", "items": [{"quantity": ' + "9" * 5000 + "}]}")  # > 4,300 digits
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert batch(source, "-o", out, "--workers", "2", "--chunk-size", "3") == 2
    got = records(out)
    assert [r["index"] for r in got] == list(range(16))
    errors = {r["index"]: r for r in got if r["error"]}
    assert set(errors) == {2, 6, 8, 15}
    assert errors[15]["error"].startswith("line 17: invalid JSON: Exceeds the limit (4300 digits)")
    assert errors[2]["error"].startswith("line 3: invalid JSON: ")
    assert errors[2]["id"] is None
    assert errors[6]["error"] == "line 8: expected a mapping (a transaction), got list"
    assert errors[8]["id"] == "no-items"
    assert errors[8]["error"].startswith("line 10: items: missing required field")
    assert all(r["outcome"] == "review" and r["decision"] is None for r in errors.values())
    screened = [BatchResult.model_validate(r).decision for r in got if not r["error"]]
    assert screened == [r.decision for r in screen_many(good, rules=rules)]


@pytest.mark.parametrize(
    ("names", "code"),
    [(["clear"], 0), (["clear", "review"], 1), (["clear", "bad"], 1), (["review", "block"], 2)],
)
def test_exit_code_is_the_most_severe_outcome(
    tmp_path: Path, scenarios: list[dict[str, Any]], names: list[str], code: int
) -> None:
    by_outcome = {
        r.outcome.value: tx for tx, r in zip(scenarios, screen_many(scenarios), strict=True)
    }
    by_outcome["bad"] = {"id": "bad"}
    source = write_jsonl(tmp_path / "in.jsonl", [by_outcome[n] for n in names])
    assert batch(source, "-o", tmp_path / "out.jsonl", "--workers", "1", "-q") == code


# --- resuming ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_torn_output_is_repaired_and_resumed_to_the_same_bytes(
    tmp_path: Path, scenarios: list[dict[str, Any]], fmt: str
) -> None:
    txs = numbered(scenarios, 60)
    source = write_jsonl(tmp_path / "in.jsonl", txs)
    whole = tmp_path / f"whole.{fmt}"
    assert batch(source, "-o", whole, "--workers", "2", "-q") == 2
    expected = whole.read_bytes()
    lines = expected.splitlines(keepends=True)
    for keep in (0, 1, 17, len(lines) - 1):
        partial = tmp_path / f"partial-{keep}.{fmt}"
        torn = lines[keep][: len(lines[keep]) // 2]  # the run was killed mid-line
        partial.write_bytes(b"".join(lines[:keep]) + torn)
        assert batch(source, "-o", partial, "--workers", "2", "-q") == 2
        assert partial.read_bytes() == expected, f"resumed after {keep} lines"


def test_resume_skips_the_ids_already_in_output(
    tmp_path: Path, scenarios: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    txs = numbered(scenarios, 40)
    out = tmp_path / "out.jsonl"
    assert batch(write_jsonl(tmp_path / "first.jsonl", txs[:25]), "-o", out, "--workers", "1") == 2
    capsys.readouterr()
    assert batch(write_jsonl(tmp_path / "all.jsonl", txs), "-o", out, "--workers", "1") == 2
    err = capsys.readouterr().err
    assert "holds 40 records" in err
    assert "screened 15 now" in err
    assert "skipped 25 already there" in err
    ids_once(records(out), txs)


def test_a_repeated_id_is_neither_lost_nor_screened_twice_on_resume(
    tmp_path: Path, scenarios: list[dict[str, Any]]
) -> None:
    txs = numbered(scenarios, 6)
    txs.insert(4, {**txs[1]})  # the same id twice in the input
    source = write_jsonl(tmp_path / "in.jsonl", txs)
    whole = tmp_path / "whole.jsonl"
    assert batch(source, "-o", whole, "--workers", "1", "-q") == 2
    lines = whole.read_bytes().splitlines(keepends=True)
    assert len(lines) == 7
    partial = tmp_path / "partial.jsonl"
    partial.write_bytes(b"".join(lines[:3]))  # holds the first occurrence only
    assert batch(source, "-o", partial, "--workers", "1", "-q") == 2
    assert partial.read_bytes() == whole.read_bytes()


def test_records_without_an_id_resume_by_position(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('not json\n{"id": "x"}\n[1]\n', encoding="utf-8")
    whole = tmp_path / "whole.jsonl"
    assert batch(source, "-o", whole, "-q") == 1
    partial = tmp_path / "partial.jsonl"
    partial.write_bytes(whole.read_bytes().splitlines(keepends=True)[0])
    assert batch(source, "-o", partial, "-q") == 1
    assert partial.read_bytes() == whole.read_bytes()


def test_output_from_other_rules_is_refused(
    tmp_path: Path, scenarios: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", numbered(scenarios, 3))
    out = tmp_path / "out.jsonl"
    assert batch(source, "-o", out, "-q") == 2
    edited = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", edited)
    with (edited / "ruleset.yaml").open("a", encoding="utf-8") as f:
        f.write("# an edit changes the fingerprint\n")
    before = out.read_bytes()
    capsys.readouterr()
    assert batch(source, "-o", out, "--rules", edited, "-q") == 3
    err = capsys.readouterr().err
    assert "screened with rule set" in err
    assert "rather than mix decisions of two rule sets" in err
    assert out.read_bytes() == before


def test_a_parquet_output_from_other_rules_is_refused_and_left_alone(
    tmp_path: Path, scenarios: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", numbered(scenarios, 3))
    out = tmp_path / "out.parquet"
    assert batch(source, "-o", out, "-q") == 2
    before = out.read_bytes()
    edited = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", edited)
    with (edited / "ruleset.yaml").open("a", encoding="utf-8") as f:
        f.write("# an edit changes the fingerprint\n")
    assert batch(source, "-o", out, "--rules", edited, "-q") == 3
    assert "rather than mix decisions of two rule sets" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert not Path(f"{out}.partial").exists()


def test_an_output_that_is_not_ours_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a"}])
    out = tmp_path / "notes.jsonl"
    out.write_text('{"id": "a", "note": "mine"}\n', encoding="utf-8")
    assert batch(source, "-o", out, "-q") == 3
    assert f"{out}:1: not a record written by 'screening batch'" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == '{"id": "a", "note": "mine"}\n'


def test_two_runs_cannot_write_one_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "a"}])
    out = tmp_path / "out.jsonl"
    with out.open("a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert batch(source, "-o", out, "-q") == 3
    assert "another 'screening batch' run is writing this output" in capsys.readouterr().err
    assert batch(source, "-o", out, "-q") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["in.jsonl", "-o", "in.jsonl"], "INPUT and OUTPUT are the same file"),
        (["in.jsonl", "-o", "out.txt"], "cannot tell the format from the extension"),
        (["missing.jsonl", "-o", "out.jsonl"], "missing.jsonl: No such file or directory"),
    ],
)
def test_unusable_files_exit_3(
    tmp_path: Path,
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_jsonl(tmp_path / "in.jsonl", [{"id": "a"}])
    monkeypatch.chdir(tmp_path)
    assert batch(*argv) == 3
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # nothing left behind


def test_bad_workers_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert batch(tmp_path / "in.jsonl", "-o", tmp_path / "o.jsonl", "--workers", "two") == 5
    err = capsys.readouterr().err
    assert err.endswith(
        "screening batch: error: argument --workers: not a whole number >= 0: 'two'\n"
    )


def test_batch_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "--help"]) == 0
    text = capsys.readouterr().out
    assert "Example:" in text
    assert "--workers" in text


# --- formats ---------------------------------------------------------------------------------


EXTRA = [
    {
        "id": "with-everything",
        "date": "2016-03-10",
        "destination": "CN",
        "route": ["US", "HK", "CN"],
        "end_use": "telecom network",
        "parties": [
            {"role": "exporter", "name": "Acme Inc", "country": "US", "address": "1 Main St"},
            {
                "role": "end_user",
                "name": "Beijing Eight Star Intl. Co",
                "country": "CN",
                "aliases": ["8S", "Eight Star"],
            },
        ],
        "items": [
            {"description": "router", "eccn": "5A991", "origin": "US", "unit_value": "100.50"},
            {"description": "server", "origin": "CN", "quantity": "3", "unit_value": "1000",
             "us_content_value": "120.25"},
        ],
        "metadata": {"order": "PO-7", "system": "erp"},
    },
]  # fmt: skip


def located(results: Iterator[BatchResult]) -> list[BatchResult]:
    """Results as a JSON Lines input gives them: an error names its line."""
    return [
        r if r.ok else r.model_copy(update={"error": f"line {r.index + 1}: {r.error}"})
        for r in results
    ]


def write_flat_csv(path: Path, txs: list[dict[str, Any]]) -> Path:
    rows = [transaction_to_row(parse_transaction(tx)) for tx in txs]
    columns = flat_columns(5, 3, ["order", "system"])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_csv_flat_layout_round_trips(
    tmp_path: Path, scenarios: list[dict[str, Any]], rules: RuleSet
) -> None:
    txs = [*scenarios, *EXTRA]
    for tx in txs:
        row = transaction_to_row(parse_transaction(tx))
        assert parse_transaction(row_to_transaction(row)) == parse_transaction(tx)
    from_csv = tmp_path / "from-csv.jsonl"
    from_json = tmp_path / "from-json.jsonl"
    assert batch(write_flat_csv(tmp_path / "in.csv", txs), "-o", from_csv, "-q") == 2
    assert batch(write_jsonl(tmp_path / "in.jsonl", txs), "-o", from_json, "-q") == 2
    assert from_csv.read_bytes() == from_json.read_bytes()


def test_csv_output_reads_back_into_the_same_results(
    tmp_path: Path, scenarios: list[dict[str, Any]], rules: RuleSet
) -> None:
    txs: list[Any] = [*scenarios, *EXTRA, {"id": 'bad, "quoted"\nid'}]
    out = tmp_path / "out.csv"
    assert batch(write_jsonl(tmp_path / "in.jsonl", txs), "-o", out, "-q") == 2
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "index", "id", "outcome", "error", "as_of", "hits", "rule_ids",
        "ruleset_fingerprint", "decision", "input_hash",
    ]  # fmt: skip
    assert [result_from_row(r) for r in rows] == located(screen_many(txs, rules=rules))
    assert rows[0]["rule_ids"] == ";".join(
        dict.fromkeys(h.rule_id for h in screen_many(txs[:1]).__next__().decision.hits)  # type: ignore[union-attr]
    )


def test_csv_header_with_an_unknown_column_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,date,destination,parties[0].nmae\nx,2020-01-01,DE,Acme\n", "utf-8")
    assert batch(source, "-o", tmp_path / "out.jsonl") == 3
    err = capsys.readouterr().err
    assert "unknown column 'parties[0].nmae' (did you mean 'parties[0].name'?)" in err
    assert not (tmp_path / "out.jsonl").exists()


def test_csv_rows_that_do_not_fit_become_error_records(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(
        b"id,date,destination,parties[0].name,parties[1].name,items[0].description\n"
        b"short,2020-01-01\n"
        b"gap,2020-01-01,DE,,Acme,chairs\n"
        b"bytes,2020-01-01,DE,\xff\xfe,,chairs\n"
    )
    out = tmp_path / "out.jsonl"
    assert batch(source, "-o", out, "-q") == 1
    got = {r["id"]: r["error"] for r in records(out)}
    assert got == {
        None: "line 2: 2 fields, but the header has 6",
        "gap": "line 3: parties[0]: parties[0] is empty but parties[1] is not: "
        "fill the parties columns from parties[0] up",
        "bytes": "line 4: parties[0].name: not valid UTF-8 text",
    }


def test_gzipped_input(tmp_path: Path, scenarios: list[dict[str, Any]]) -> None:
    plain = write_jsonl(tmp_path / "in.jsonl", scenarios)
    packed = tmp_path / "in.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert batch(packed, "-o", tmp_path / "a.jsonl", "-q") == 2
    assert batch(plain, "-o", tmp_path / "b.jsonl", "-q") == 2
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_parquet_input_nested_and_flat_and_output_round_trip(
    tmp_path: Path, scenarios: list[dict[str, Any]], rules: RuleSet
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    txs = [*scenarios, *EXTRA]
    nested = [parse_transaction(tx).model_dump(mode="json", exclude_defaults=True) for tx in txs]
    keys = list(dict.fromkeys(k for row in nested for k in row))  # from_pylist reads row 1's only
    nested = [{k: row.get(k) for k in keys} for row in nested]
    pq.write_table(pa.Table.from_pylist(nested), tmp_path / "nested.parquet")
    flat = [transaction_to_row(parse_transaction(tx)) for tx in txs]
    columns = flat_columns(5, 3, ["order", "system"])
    pq.write_table(
        pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in flat]),
        tmp_path / "flat.parquet",
    )
    reference = tmp_path / "ref.jsonl"
    assert batch(write_jsonl(tmp_path / "in.jsonl", txs), "-o", reference, "-q") == 2
    for name in ("nested", "flat"):
        out = tmp_path / f"{name}.jsonl"
        assert batch(tmp_path / f"{name}.parquet", "-o", out, "-q") == 2
        assert out.read_bytes() == reference.read_bytes(), name
    out = tmp_path / "out.parquet"
    assert batch(tmp_path / "in.jsonl", "-o", out, "-q") == 2
    assert not Path(f"{out}.partial").exists()
    rows = pq.read_table(out).to_pylist()
    assert [result_from_row(r) for r in rows] == located(screen_many(txs, rules=rules))


def test_parquet_resumes_from_its_parts_to_the_same_bytes(
    tmp_path: Path, scenarios: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening.batch import _files as batchfiles

    txs = numbered(scenarios, 120)
    source = write_jsonl(tmp_path / "in.jsonl", txs)
    whole = tmp_path / "whole.parquet"
    monkeypatch.setattr(batchfiles, "PARQUET_ROW_GROUP", 50)
    monkeypatch.setattr(batchfiles, "_PART_ROWS", 16)
    assert batch(source, "-o", whole, "-q", "--chunk-size", "8") == 2

    reader = batchjob.read_records

    def stopped_after_70(path: str, fmt: str) -> Iterator[Record]:
        for record in reader(path, fmt):
            if record.index == 70:
                raise KeyboardInterrupt  # a second Ctrl-C: stop now, no merge
            yield record

    out = tmp_path / "out.parquet"
    monkeypatch.setattr(batchjob, "read_records", stopped_after_70)
    assert batch(source, "-o", out, "-q", "--chunk-size", "8") == 130
    assert not out.exists()
    parts = sorted(Path(f"{out}.partial").glob("part-*.parquet"))
    assert len(parts) >= 3
    (Path(f"{out}.partial") / ".tmp-part-000099.parquet").write_bytes(b"torn")
    monkeypatch.setattr(batchjob, "read_records", reader)
    assert batch(source, "-o", out, "-q", "--chunk-size", "8") == 2
    assert not Path(f"{out}.partial").exists()
    assert out.read_bytes() == whole.read_bytes()


# --- progress ----------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(
    tmp_path: Path, scenarios: list[dict[str, Any]], rules: RuleSet
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", numbered(scenarios, 30))
    tty = Terminal()
    run_batch(str(source), str(tmp_path / "a.jsonl"), rules=rules, workers=1, stderr=tty)
    shown = tty.getvalue()
    assert "30/30" in shown
    assert "tx/s" in shown
    assert "<00:00" in shown  # the ETA
    piped = io.StringIO()
    run_batch(str(source), str(tmp_path / "b.jsonl"), rules=rules, workers=1, stderr=piped)
    assert piped.getvalue() == ""


# --- the collector -----------------------------------------------------------------------------


def test_a_run_freezes_the_heap_for_its_duration_only(
    tmp_path: Path,
    scenarios: list[dict[str, Any]],
    rules: RuleSet,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", numbered(scenarios, 5))
    frozen_during = []
    screen_chunks = batchjob.screen_chunks

    def watched(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for chunk in screen_chunks(*args, **kwargs):
            frozen_during.append(gc.get_freeze_count())
            yield chunk

    monkeypatch.setattr(batchjob, "screen_chunks", watched)
    assert gc.get_freeze_count() == 0
    run_batch(str(source), str(tmp_path / "a.jsonl"), rules=rules, workers=1, chunk_size=2)
    assert len(frozen_during) == 3
    assert min(frozen_during) > 0  # frozen while screening
    assert gc.get_freeze_count() == 0  # given back to the collector
    gc.freeze()  # an application that froze its own heap keeps it frozen
    try:
        run_batch(str(source), str(tmp_path / "b.jsonl"), rules=rules, workers=1)
        assert gc.get_freeze_count() > 0  # (frozen objects that die leave the count)
    finally:
        gc.unfreeze()


# --- stopping: Ctrl-C and a killed worker (real processes) ------------------------------------


def start(source: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "screening", "batch", str(source), "-o", str(out), "-q", *extra],
        stderr=subprocess.PIPE,
    )


def wait_for_lines(out: Path, proc: subprocess.Popen[bytes], n: int = 1) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= n:
            return out.read_bytes().count(b"\n")
        time.sleep(0.01)
    raise AssertionError(f"no output while running (exit {proc.poll()})")


def test_ctrl_c_leaves_valid_output_that_resumes(
    tmp_path: Path, scenarios: list[dict[str, Any]]
) -> None:
    txs = numbered(scenarios, 6000)
    source = write_jsonl(tmp_path / "in.jsonl", txs)
    out = tmp_path / "out.jsonl"
    proc = start(source, out, "--workers", "2", "--chunk-size", "16")
    wait_for_lines(out, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"run the same command again to resume" in err
    text = out.read_text(encoding="utf-8")
    assert text.endswith("\n")
    partial = [json.loads(line) for line in text.splitlines()]  # whole lines only
    assert 0 < len(partial) < len(txs)
    assert [r["index"] for r in partial] == list(range(len(partial)))
    assert batch(source, "-o", out, "-q") == 2
    ids_once(records(out), txs)


def test_a_killed_worker_loses_no_record_in_a_run(
    tmp_path: Path, scenarios: list[dict[str, Any]]
) -> None:
    txs = numbered(scenarios, 6000)
    source = write_jsonl(tmp_path / "in.jsonl", txs)
    out = tmp_path / "out.jsonl"
    proc = start(source, out, "--workers", "2", "--chunk-size", "16")
    wait_for_lines(out, proc)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert children, "no worker process"
    os.kill(int(children[0]), signal.SIGKILL)
    assert out.read_bytes().count(b"\n") < len(txs), "the run ended before the kill"
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    ids_once(records(out), txs)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_the_same_bytes_with_one_worker_or_two(
    tmp_path: Path, scenarios: list[dict[str, Any]], fmt: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [*numbered(scenarios, 50), {"id": "bad"}])
    one, two = tmp_path / f"one.{fmt}", tmp_path / f"two.{fmt}"
    assert batch(source, "-o", one, "--workers", "1", "-q") == 2
    assert batch(source, "-o", two, "--workers", "2", "--chunk-size", "5", "-q") == 2
    assert one.read_bytes() == two.read_bytes()
