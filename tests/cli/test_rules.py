"""The `screening rules` commands: check (with lint), schema, test and diff."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers.clirun import cli
from helpers.ruleedit import replace_once
from screening import load_rules
from screening.authoring import (
    load_rule_tests,
    load_scenario,
    rules_json_schema_text,
    scenario_files,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "zte"


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled rules (with their tests) at ./rules."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "rules"


# --- check ---------------------------------------------------------------------------------------


def test_check_passes_on_the_bundled_rules() -> None:
    rc, out = cli("rules", "check")
    loaded = load_rules()
    tests = load_rule_tests(ROOT / "rules")
    assert rc == 0
    assert out == (
        f"ok: {len(loaded)} rules in {len(loaded.files)} files, {len(tests)} tests; "
        f"zte-case {loaded.version}; fingerprint {loaded.fingerprint}; 0 warnings (15 accepted)\n"
    )
    assert cli("rules", "check", "--strict") == (0, out)


def test_check_prints_warnings_but_exits_0(rules: Path) -> None:
    replace_once(rules / "us-persons.yaml", "    accept_warnings: [unverified-block]\n", "")
    rc, out = cli("rules", "check", "rules")
    assert rc == 0
    [warning, summary] = out.splitlines()
    assert re.fullmatch(
        r"warning: rules/us-persons\.yaml:\d+: rule 'usp-cuba-owned-entities' → verified: marked "
        r"verified: false with outcome block: .* \[unverified-block\]",
        warning,
    )
    assert summary.startswith("ok: ")
    assert summary.endswith("; 1 warning (14 accepted)")


def test_check_strict_fails_on_warnings(rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace_once(rules / "us-persons.yaml", "    accept_warnings: [unverified-block]\n", "")
    rc, out = cli("rules", "check", "rules", "--strict")
    assert (rc, out) == (4, "")
    err = capsys.readouterr().err
    assert re.fullmatch(
        r"error: rules: rules/us-persons\.yaml:\d+: rule 'usp-cuba-owned-entities' → verified: .*"
        r" \[unverified-block\]\n",
        err,
    )


def test_check_json(rules: Path) -> None:
    rc, out = cli("rules", "check", "rules", "--json")
    assert rc == 0
    result = json.loads(out)
    assert result["ok"] is True
    assert result["fingerprint"] == load_rules("rules").fingerprint
    assert len(result["warnings"]) == 15
    assert all(w["accepted"] for w in result["warnings"])


def test_check_reports_rule_and_test_problems_together(
    rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace_once(rules / "listings.yaml", "entity: zte-parsian", "entity: zte-persian")
    replace_once(rules / "tests" / "embargoes.yaml", "destination: SD", "destination: XX")
    rc, out = cli("rules", "check", "rules")
    assert (rc, out) == (4, "")
    err = capsys.readouterr().err
    assert err.startswith("error: rules: rule set not loaded (2 problems):\n")
    assert "rules/listings.yaml:" in err
    assert "no entity with id 'zte-persian' (did you mean 'zte-parsian'?)" in err
    assert re.search(
        r"rules/tests/embargoes\.yaml:\d+: test 'sudan-2017-01-16' → transaction\.destination: "
        r"unknown country code 'XX'",
        err,
    )


def test_check_a_test_naming_a_missing_rule(
    rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replace_once(rules / "tests" / "red-flags.yaml", "[rf-end-use-terms]", "[rf-end-use-term]")
    assert cli("rules", "check", "rules")[0] == 4
    assert (
        "expect.rules[0]: no rule with id 'rf-end-use-term' (did you mean 'rf-end-use-terms'?)"
        in (capsys.readouterr().err)
    )


# --- schema --------------------------------------------------------------------------------------


def test_schema_prints_the_json_schema() -> None:
    rc, out = cli("rules", "schema")
    assert rc == 0
    assert out == rules_json_schema_text()
    assert json.loads(out)["title"] == "screening rule file"


def test_schema_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    assert cli("rules", "schema", "-o", target) == (0, "")
    assert target.read_text(encoding="utf-8") == rules_json_schema_text()


# --- test ----------------------------------------------------------------------------------------


def test_test_runs_the_bundled_tests() -> None:
    rc, out = cli("rules", "test")
    n = len(load_rule_tests(ROOT / "rules"))
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split() == ["test", "as", "of", "expected", "got", "result"]
    assert len([line for line in lines if line.endswith("  ok")]) == n
    assert lines[-1].startswith(f"{n} of {n} tests passed, 0 failed (zte-case ")


def test_test_runs_the_zte_scenarios_too() -> None:
    rc, out = cli("rules", "test", "--cases", EXAMPLES)
    n = len(load_rule_tests(ROOT / "rules")) + len(scenario_files(EXAMPLES))
    assert rc == 0
    assert f"{n} of {n} tests passed" in out
    for path in scenario_files(EXAMPLES):
        assert load_scenario(path).id in out


def test_a_failing_test_exits_1_and_says_where_and_why(rules: Path) -> None:
    path = rules / "tests" / "red-flags.yaml"
    replace_once(
        path, "expect: {outcome: review, rules: [rf-end-use-terms]}", "expect: {outcome: clear}"
    )
    rc, out = cli("rules", "test", "rules")
    assert rc == 1
    line = next(
        i
        for i, text in enumerate(path.read_text("utf-8").splitlines(), 1)
        if "- title: A stated" in text
    )
    assert re.search(
        r"\nend-use-military-2020 +2020-05-05 +clear +review +FAIL\n"
        rf" +at rules/tests/red-flags\.yaml:{line}\n"
        r" +fired but not expected: rf-end-use-terms\n",
        out,
    )
    assert "1 failed" in out


def test_test_json_gives_one_result_per_line() -> None:
    rc, out = cli("rules", "test", "--json")
    assert rc == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == len(load_rule_tests(ROOT / "rules"))
    assert all(r["ok"] and r["file"].startswith("rules/tests/") for r in results)


def test_no_tests_is_not_a_pass(rules: Path) -> None:
    shutil.rmtree(rules / "tests")
    rc, out = cli("rules", "test", "rules")
    assert (rc, out) == (
        1,
        "no test cases: write some in rules/tests/*.yaml, or pass --cases DIR\n",
    )


def test_test_with_a_broken_scenario_directory_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.yaml").write_text("transaction: {id: x}\nexpect: {outcome: clear}\n", "utf-8")
    assert cli("rules", "test", "--cases", tmp_path)[0] == 3
    assert "bad.yaml" in capsys.readouterr().err


# --- diff ----------------------------------------------------------------------------------------


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    shutil.copytree(ROOT / "rules", tmp_path / "old")
    shutil.copytree(ROOT / "rules", tmp_path / "new")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "old", tmp_path / "new"


def test_diff_of_the_same_rules_exits_0(two: tuple[Path, Path]) -> None:
    rc, out = cli("rules", "diff", "old", "new")
    assert rc == 0
    assert out.splitlines()[3:] == ["no rule changed", "", "0 added, 0 removed, 0 changed"]


def test_diff_lists_changes_and_their_impact(two: tuple[Path, Path], tmp_path: Path) -> None:
    _, new = two
    replace_once(new / "general-licences.yaml", "    to: 2016-06-30\n", "    to: 2016-06-10\n")
    history = tmp_path / "history.jsonl"
    txs = [load_scenario(p).transaction.model_dump(mode="json") for p in scenario_files(EXAMPLES)]
    history.write_text("\n".join(json.dumps(t) for t in txs) + "\n", encoding="utf-8")
    rc, out = cli("rules", "diff", "old", "new", "--against", "history.jsonl")
    assert rc == 1
    line = next(i for i, t in enumerate(txs, 1) if t["id"] == "us-supplier-2016-06-zte")
    assert re.search(
        r"changed  tgl-zte-2016 \[general_licence\]  new/general-licences\.yaml:\d+\n"
        r" +to: '2016-06-30' → '2016-06-10'\n\n0 added, 0 removed, 1 changed\n",
        out,
    )
    assert f"impact on {len(txs)} past transactions (history.jsonl):" in out
    assert re.search(
        rf"\n +{line} +us-supplier-2016-06-zte +2016-06-15 +review +block +-tgl-zte-2016\n", out
    )
    assert out.endswith(
        f"outcome changed: 1; fired rules changed (same outcome): 0; unchanged: {len(txs) - 1}\n"
    )

    rc, out = cli("rules", "diff", "old", "new", "--against", history, "--json")
    assert rc == 1
    result = json.loads(out)
    assert [c["rule_id"] for c in result["changed"]] == ["tgl-zte-2016"]
    assert result["impact"]["transactions"] == len(txs)
    assert result["impact"]["changed"] == [
        {
            "line": line,
            "transaction_id": "us-supplier-2016-06-zte",
            "as_of": "2016-06-15",
            "old_outcome": "review",
            "new_outcome": "block",
            "rules_added": [],
            "rules_removed": ["tgl-zte-2016"],
        }
    ]


def test_diff_with_a_broken_side_exits_4_naming_it(
    two: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, new = two
    replace_once(new / "listings.yaml", "entity: zte-parsian", "entity: zte-persian")
    assert cli("rules", "diff", "old", "new") == (4, "")
    err = capsys.readouterr().err
    assert "NEW_DIR new does not load" in err
    assert "new/listings.yaml:" in err


def test_diff_with_a_bad_history_exits_3(
    two: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "h.jsonl").write_text("not json\n", encoding="utf-8")
    assert cli("rules", "diff", "old", "new", "--against", tmp_path / "h.jsonl") == (3, "")
    assert "h.jsonl:1: invalid JSON" in capsys.readouterr().err


# --- help ----------------------------------------------------------------------------------------


def test_check_help_lists_every_warning(capsys: pytest.CaptureFixture[str]) -> None:
    from screening.authoring import CODES

    rc, text = cli("rules", "check", "--help")
    assert rc == 0
    for code in CODES:
        assert f"  {code}: " in text
