"""Decision logs and their verification: `screen --log`, `audit verify`, and `explain`."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from helpers.clirun import cli
from screening import (
    Cause,
    bundled_rules_dir,
    canonical_json,
    load_rules,
    verify_log,
    verify_record,
)
from screening._io.logfile import append_lines, read_lines
from screening.audit import chain_lines
from screening.authoring import scenario_files
from screening.errors import LogError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "zte"
SCENARIOS = scenario_files(EXAMPLES)
RULES = load_rules()


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A decision log of the 21 ZTE scenarios made with the bundled rules."""
    path = tmp_path_factory.mktemp("log") / "decisions.jsonl"
    rc, _ = cli("screen", *SCENARIOS, "--log", path)
    assert rc == 2
    return path


def copy_log(log: Path, tmp_path: Path) -> Path:
    target = tmp_path / "decisions.jsonl"
    shutil.copyfile(log, target)
    return target


def edited_rules(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the bundled rules with one edit (which must apply exactly once)."""
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    path = target / file
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return target


def line_of(log: Path, scenario: str) -> int:
    """The line of the log that holds the record of a scenario file (logged in file order)."""
    names = [p.name for p in SCENARIOS]
    return names.index(scenario) + 1


def not_reproduced(verdicts: list[Any]) -> dict[int, tuple[Cause, ...]]:
    return {v.line: v.causes for v in verdicts if not v.reproduced}


# --- writing logs --------------------------------------------------------------------------------


def test_screen_log_holds_one_record_per_file_same_as_json(log: Path, tmp_path: Path) -> None:
    lines = log.read_text("utf-8").split("\n")
    assert lines[-1] == ""
    assert len(lines) == 22
    rc, out = cli("screen", "--json", *SCENARIOS)
    assert rc == 2
    assert out.split("\n") == lines


def test_log_is_only_ever_appended_to(log: Path, tmp_path: Path) -> None:
    path = copy_log(log, tmp_path)
    before = path.read_bytes()
    assert cli("screen", SCENARIOS[0], "--log", path)[0] == 2
    assert cli("screen", SCENARIOS[-1], "--log", path)[0] == 0
    after = path.read_bytes()
    assert after.startswith(before)
    added = after[len(before) :].decode("utf-8").split("\n")
    assert added[-1] == ""
    assert [json.loads(x)["transaction_id"] for x in added[:-1]] == [
        json.loads(before.decode("utf-8").split("\n")[i])["transaction_id"] for i in (0, 20)
    ]


def test_a_line_torn_by_a_crash_is_closed_not_glued_to_the_next(tmp_path: Path) -> None:
    path = tmp_path / "torn.jsonl"
    path.write_bytes(b'{"record_format":1,"trans')  # a crash mid-line
    append_lines(path, ['{"next":1}'])
    assert path.read_bytes() == b'{"record_format":1,"trans\n{"next":1}\n'


def test_append_refuses_a_line_break_inside_a_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="line break"):
        append_lines(tmp_path / "x.jsonl", ["a\nb"])
    assert not (tmp_path / "x.jsonl").exists()


def test_nothing_is_logged_when_any_input_is_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ndate: 2016-01-01\ndestinaton: CN\n", encoding="utf-8")
    path = tmp_path / "decisions.jsonl"
    rc, out = cli("screen", SCENARIOS[0], bad, "--log", path)
    assert (rc, out) == (3, "")
    assert "bad.yaml" in capsys.readouterr().err
    assert not path.exists()


def test_unwritable_log_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = cli("screen", SCENARIOS[0], "--log", tmp_path / "no" / "such" / "dir.jsonl")
    assert (rc, out) == (3, "")
    assert "cannot open the log" in capsys.readouterr().err


def test_replay_log_and_json(tmp_path: Path) -> None:
    path = tmp_path / "replay.jsonl"
    rc, out = cli("replay", EXAMPLES, "--json", "--log", path)
    assert rc == 0
    assert out == path.read_text("utf-8")
    assert len(out.splitlines()) == 21


def test_replay_json_is_byte_identical_on_repeat() -> None:
    first = cli("replay", EXAMPLES, "--json")
    assert first == cli("replay", EXAMPLES, "--json")
    assert first[0] == 0


# --- verifying logs ------------------------------------------------------------------------------


def test_a_log_made_with_the_current_rules_reproduces(log: Path) -> None:
    verdicts = verify_log(log, RULES)
    assert len(verdicts) == 21
    assert all(v.reproduced for v in verdicts), [v.details for v in verdicts if not v.reproduced]
    assert all(not v.notes and not v.causes for v in verdicts)
    rc, out = cli("audit", "verify", log)
    assert rc == 0
    assert "21 of 21 records reproduced" in out


def test_a_rule_edit_reports_exactly_the_affected_records(log: Path, tmp_path: Path) -> None:
    """The TGL ends on June 10 instead of June 30: only the June 15 TGL scenario changes."""
    rules = edited_rules(tmp_path, "general-licences.yaml", "to: 2016-06-30", "to: 2016-06-10")
    verdicts = verify_log(log, load_rules(rules))
    line = line_of(log, "04-entity-list-with-tgl-2016-06.yaml")
    assert not_reproduced(verdicts) == {line: (Cause.RULES,)}
    [changed] = [v for v in verdicts if not v.reproduced]
    assert changed.diff is not None
    assert [h.rule_id for h in changed.diff.disappeared] == ["tgl-zte-2016", "tgl-zte-2016"]
    assert "outcome: recorded review, now block" in changed.details
    assert any("files changed: general-licences.yaml" in d for d in changed.details)
    others = [v for v in verdicts if v.reproduced]
    assert all(any("general-licences.yaml" in n for n in v.notes) for v in others)

    rc, out = cli("audit", "verify", log, "--rules", rules)
    assert rc == 1
    assert f"line {line}  us-supplier-2016-06-zte" in out
    assert "NOT REPRODUCED: rule change" in out
    assert "20 of 21 records reproduced, 1 not (rule change: 1)" in out


def test_a_list_edit_is_a_list_change(log: Path, tmp_path: Path) -> None:
    """Shi Lirong listed a week later: only the April 3, 2017 scenario changes."""
    listing = "entity: shi-lirong\n    list: Entity List\n    from: "
    rules = edited_rules(tmp_path, "listings.yaml", listing + "2017-03-29", listing + "2017-04-05")
    verdicts = verify_log(log, load_rules(rules))
    line = line_of(log, "08-shi-lirong-2017-04.yaml")
    assert not_reproduced(verdicts) == {line: (Cause.LISTS,)}


def test_moving_rules_within_their_files_changes_no_decision(log: Path, tmp_path: Path) -> None:
    rules = edited_rules(tmp_path, "listings.yaml", "rules:\n", "# a comment\n\nrules:\n")
    verdicts = verify_log(log, load_rules(rules))
    assert all(v.reproduced for v in verdicts)
    moved = [n for v in verdicts for n in v.notes if n.startswith("rules moved")]
    assert moved
    text = (bundled_rules_dir() / "listings.yaml").read_text(encoding="utf-8").splitlines()
    line = text.index("  - id: el-zte-corporation") + 1
    assert any(f"listings.yaml:{line} → listings.yaml:{line + 2}" in n for n in moved)


def records(log: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in log.read_text("utf-8").splitlines()]


def write(path: Path, rows: list[Any]) -> Path:
    """A log of ``rows`` (records, chained as a log writer chains them, or raw lines)."""
    lines: list[str] = []
    for r in rows:
        if isinstance(r, str):
            lines.append(r)
        else:
            lines += chain_lines([r], lines[-1] if lines else None)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_tampered_transaction_is_input_tampering(log: Path, tmp_path: Path) -> None:
    rows = records(log)
    rows[8]["transaction"]["parties"][1]["name"] = "Someone Else Ltd"
    [verdict] = verify_log(write(tmp_path / "t.jsonl", rows[8:9]), RULES)
    assert verdict.causes == (Cause.INPUT,)
    assert any("does not match its hash" in d for d in verdict.details)


def test_an_invalid_recorded_transaction_is_input_tampering(log: Path, tmp_path: Path) -> None:
    rows = records(log)
    rows[0]["transaction"]["destination"] = "XX"
    [verdict] = verify_log(write(tmp_path / "t.jsonl", rows[:1]), RULES)
    assert verdict.causes == (Cause.INPUT,)
    assert "destination" in verdict.details[0]


def test_an_altered_decision_with_the_same_rules_and_code_is_record_altered(
    log: Path, tmp_path: Path
) -> None:
    rows = records(log)
    rows[2]["outcome"] = "clear"
    rows[3]["hits"] = rows[3]["hits"][1:]
    verdicts = verify_log(write(tmp_path / "t.jsonl", rows[2:4]), RULES)
    assert [v.causes for v in verdicts] == [(Cause.RECORD,), (Cause.RECORD,)]
    assert "outcome: recorded clear, now block" in verdicts[0].details


def test_another_library_version_is_a_code_change_only_when_the_decision_differs(
    log: Path, tmp_path: Path
) -> None:
    rows = records(log)
    same = {**rows[0], "library_version": "0.0.1"}
    differs = {**rows[1], "library_version": "0.0.1", "outcome": "review"}
    verdicts = verify_log(write(tmp_path / "t.jsonl", [same, differs]), RULES)
    assert verdicts[0].reproduced
    assert any("recorded with screening 0.0.1" in n for n in verdicts[0].notes)
    assert verdicts[1].causes == (Cause.CODE,)


def test_unreadable_lines_are_reported_and_the_rest_verified(log: Path, tmp_path: Path) -> None:
    good = log.read_text("utf-8").splitlines()
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        "\n".join(
            [
                good[0],
                "",  # blank lines are not records
                "not json",
                good[1][:40],  # torn
                json.dumps({**json.loads(good[2]), "record_format": 99}),
                "[1, 2]",
                good[3],
            ]
        ).encode("utf-8")
        + b"\n\xff\xfe\n"
    )
    verdicts = verify_log(path, RULES)
    assert [v.line for v in verdicts] == [1, 3, 4, 5, 6, 7, 8]
    assert [v.reproduced for v in verdicts] == [True, False, False, False, False, False, False]
    assert {c for v in verdicts[:5] if not v.reproduced for c in v.causes} == {Cause.UNREADABLE}
    assert verdicts[5].causes == (Cause.CHAIN,)  # good[3] was not written after "[1, 2]"
    assert verdicts[3].details == ("unknown record format 99 (this version reads 1 and 2)",)
    assert verdicts[6].details == ("not UTF-8 text (byte 1)",)


def test_a_reformatted_record_reproduces_with_a_note(log: Path) -> None:
    data = records(log)[0]
    verdict = verify_record(json.dumps(data, indent=None, sort_keys=False), RULES)
    assert verdict.reproduced
    assert any("canonical form" in n for n in verdict.notes)


def test_names_with_unicode_line_separators_survive_the_log(tmp_path: Path) -> None:
    """U+2028 is a line break to str.splitlines but not to JSON Lines."""
    tx = {
        "id": "u2028",
        "date": "2016-03-10",
        "destination": "CN",
        "parties": [
            {"role": "exporter", "name": "Acme Inc", "country": "US"},
            {"role": "end_user", "name": "Beijing 8-Star\u2028International Co.", "country": "CN"},
        ],
        "items": [{"description": "router", "eccn": "5A991", "origin": "US"}],
    }
    source = tmp_path / "tx.json"
    source.write_text(json.dumps(tx), encoding="utf-8")
    path = tmp_path / "d.jsonl"
    assert cli("screen", source, "--log", path)[0] == 2
    assert "\u2028" in path.read_text("utf-8")
    assert [v.reproduced for v in verify_log(path, RULES)] == [True]


def test_empty_or_missing_log_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(LogError, match="no decision records"):
        read_lines(empty)
    assert cli("audit", "verify", empty)[0] == 3
    assert cli("audit", "verify", tmp_path / "missing.jsonl")[0] == 3
    err = capsys.readouterr().err
    assert "empty.jsonl: no decision records" in err
    assert "missing.jsonl: cannot read the log" in err


def test_verify_json_prints_one_verdict_per_record(log: Path, tmp_path: Path) -> None:
    rules = edited_rules(tmp_path, "general-licences.yaml", "to: 2016-06-30", "to: 2016-06-10")
    rc, out = cli("audit", "verify", log, "--rules", rules, "--json")
    assert rc == 1
    verdicts = [json.loads(x) for x in out.splitlines()]
    assert len(verdicts) == 21
    [bad] = [v for v in verdicts if not v["reproduced"]]
    assert bad["causes"] == ["rule change"]
    assert bad["outcome"] == {"recorded": "review", "now": "block"}
    assert bad["disappeared"] == ["tgl-zte-2016", "tgl-zte-2016"]


def test_verify_with_broken_rules_exits_4(log: Path, tmp_path: Path) -> None:
    rules = edited_rules(tmp_path, "listings.yaml", "entity: zte-parsian", "entity: zte-persian")
    assert cli("audit", "verify", log, "--rules", rules)[0] == 4


# --- explain -------------------------------------------------------------------------------------

TGL_SCENARIO = EXAMPLES / "04-entity-list-with-tgl-2016-06.yaml"


def test_explain_two_dates_shows_what_appears_and_changes() -> None:
    rc, out = cli("explain", TGL_SCENARIO, "--as-of", "2016-03-23", "--as-of", "2016-03-24")
    assert rc == 1
    assert "before: as of 2016-03-23" in out
    assert "after : as of 2016-03-24" in out
    assert "+ appears     REVIEW  tgl-zte-2016" in out
    assert "~ changes     BLOCK → REVIEW  el-zte-corporation" in out
    assert "81 FR 15633" in out


def test_explain_json() -> None:
    rc, out = cli(
        "explain", TGL_SCENARIO, "--as-of", "2017-03-28", "--as-of", "2017-03-29", "--json"
    )
    assert rc == 1
    diff = json.loads(out)
    assert diff["before"]["outcome"] == "review"
    assert diff["after"]["outcome"] == "clear"
    assert {h["rule_id"] for h in diff["disappeared"]} == {
        "el-zte-corporation",
        "tgl-zte-2016-ext4",
    }
    assert diff["appeared"] == []


def test_explain_same_day_twice_exits_0() -> None:
    rc, out = cli("explain", TGL_SCENARIO, "--as-of", "2016-06-15", "--as-of", "2016-06-16")
    assert rc == 0
    assert "no difference in outcome or hits" in out


def test_explain_two_rule_versions(tmp_path: Path) -> None:
    rules = edited_rules(tmp_path, "general-licences.yaml", "to: 2016-06-30", "to: 2016-06-10")
    rc, out = cli("explain", TGL_SCENARIO, "--rules", bundled_rules_dir(), "--rules", rules)
    assert rc == 1
    assert "- disappears  REVIEW  tgl-zte-2016" in out
    assert "~ changes     REVIEW → BLOCK  el-zte-corporation" in out
    # the rules sit in two directories: where a rule is written is not a difference
    assert "source" not in out.split("\n~ changes", 1)[1].split("\n", 1)[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["--as-of", "2016-01-01"],
        [],
        ["--as-of", "2016-01-01", "--as-of", "2016-01-02", "--as-of", "2016-01-03"],
        ["--rules", "a", "--rules", "b", "--rules", "c"],
    ],
    ids=["one date", "nothing", "three dates", "three rule sets"],
)
def test_explain_needs_two_of_something(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    rc, out = cli("explain", TGL_SCENARIO, *argv)
    assert (rc, out) == (5, "")
    err = capsys.readouterr().err
    assert "Usage: screening explain" in err
    assert "two dates" in err


def test_concurrent_appends_never_interleave(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "shared.jsonl"
    line = canonical_json({"writer": 0, "pad": "x" * 5000})

    def write(writer: int) -> None:
        for _ in range(25):
            append_lines(path, [line.replace('"writer":0', f'"writer":{writer}')] * 2)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))
    rows = [json.loads(x) for x in path.read_text("utf-8").split("\n")[:-1]]
    assert len(rows) == 200
    assert sorted(r["writer"] for r in rows) == sorted(list(range(4)) * 50)


def test_log_files_are_created_readable(tmp_path: Path) -> None:
    path = tmp_path / "new.jsonl"
    append_lines(path, ["{}"])
    assert os.access(path, os.R_OK)


def test_a_record_with_a_number_too_long_to_convert_is_unreadable_not_a_crash() -> None:
    verdict = verify_record('{"format": ' + "9" * 5000 + "}", RULES)
    assert not verdict.reproduced
    assert any("not JSON" in d for d in verdict.details)
