"""Rule tests written in YAML (rules/tests/*.yaml): they load with located messages like rule
files, never change the rule set's fingerprint, and run like the scenarios."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from screening import Outcome, RuleError, bundled_rules_dir, load_rules
from screening.authoring import (
    TESTS_DIR,
    RuleTestCase,
    load_rule_tests,
    rule_test_files,
    run_rule_tests,
)

BUNDLED = bundled_rules_dir()

CASE = """\
tests:
  - title: Beijing 8-Star after its listing
    as_of: 2016-03-08
    expect:
      outcome: block
      rules: [el-beijing-8-star]
    transaction:
      id: eight-star
      date: 2015-01-01
      destination: CN
      parties:
        - {role: exporter, name: Example Router Inc., country: US}
        - {role: end_user, name: Beijing 8-Star International Co., country: CN}
      items:
        - {description: core routers, eccn: 5A991, origin: US, unit_value: 25000}
"""


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled rules at ./rules, so messages read ``rules/tests/x.yaml:LINE``."""
    shutil.copytree(BUNDLED, tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "rules"


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / TESTS_DIR / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    lines = [i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1, f"test setup: {needle!r} on lines {lines} of {path.name}"
    return lines[0]


# --- the bundled tests ---------------------------------------------------------------------------


def test_the_bundled_rules_carry_tests_and_all_pass() -> None:
    rules = load_rules()
    cases = load_rule_tests(BUNDLED, rules=rules, display_root="rules")
    assert len(cases) >= 10
    results = run_rule_tests(cases, rules)
    failed = [(r.scenario.id, r.decision.outcome, r.missing, r.unexpected) for r in results]
    assert all(r.ok for r in results), [f for f, r in zip(failed, results, strict=True) if not r.ok]
    assert {r.scenario.expect.outcome for r in results} == set(Outcome)


def test_each_bundled_test_is_located_in_its_file() -> None:
    for case in load_rule_tests(BUNDLED, display_root="rules"):
        assert re.fullmatch(r"rules/tests/[a-z-]+\.yaml:\d+", case.file), case.file


def test_tests_are_not_rule_files_and_do_not_change_the_fingerprint(in_tmp: Path) -> None:
    before = load_rules("rules")
    _write(in_tmp, "extra.yaml", CASE)
    after = load_rules("rules")
    assert after.fingerprint == before.fingerprint
    assert after.files == before.files
    assert not any("/tests/" in f for f in after.files)


def test_a_case_runs_as_of_its_as_of(in_tmp: Path) -> None:
    for path in rule_test_files(in_tmp):
        path.unlink()
    _write(in_tmp, "one.yaml", CASE)
    rules = load_rules("rules")
    [case] = load_rule_tests("rules", rules=rules)
    assert case.as_of == dt.date(2016, 3, 8)
    assert case.title == "Beijing 8-Star after its listing"
    [result] = run_rule_tests([case], rules)
    assert result.decision.as_of == dt.date(2016, 3, 8)
    assert result.ok
    # Without as_of it is screened as of its date, before the listing: the test fails.
    _write(in_tmp, "one.yaml", CASE.replace("    as_of: 2016-03-08\n", ""))
    [case] = load_rule_tests("rules", rules=rules)
    [result] = run_rule_tests([case], rules)
    assert not result.ok
    assert result.missing == ("el-beijing-8-star",)
    assert result.decision.outcome is Outcome.CLEAR


def test_no_tests_folder_means_no_tests(tmp_path: Path) -> None:
    assert rule_test_files(tmp_path) == []
    assert load_rule_tests(tmp_path) == ()


def test_the_case_model_is_closed() -> None:
    assert RuleTestCase.model_config.get("extra") == "forbid"


# --- broken test files: one exact message each ---------------------------------------------------

BROKEN = {
    "misspelt key in a case": (
        CASE.replace("    expect:\n", "    expct:\n"),
        "rules/tests/broken.yaml:{expct:}: test 'eight-star' → expct: unknown key 'expct' "
        "(did you mean 'expect'?)",
    ),
    "unknown country in the transaction": (
        CASE.replace("destination: CN", "destination: XX"),
        "rules/tests/broken.yaml:{destination: XX}: test 'eight-star' → "
        "transaction.destination: unknown country code 'XX' (expected ISO 3166-1 alpha-2, "
        "e.g. 'IR')",
    ),
    "misspelt key in a party": (
        CASE.replace("{role: end_user, name:", "{role: end_user, nmae:"),
        "rules/tests/broken.yaml:{nmae:}: test 'eight-star' → transaction.parties[1].nmae: "
        "unknown key 'nmae' (did you mean 'name'?)",
    ),
    "a bad item is not also an empty item list": (
        CASE.replace("unit_value: 25000", "unit_value: -5"),
        "rules/tests/broken.yaml:{unit_value: -5}: test 'eight-star' → "
        "transaction.items[0].unit_value: must be greater than or equal to 0 (got -5)",
    ),
    "expected rule that does not exist": (
        CASE.replace("rules: [el-beijing-8-star]", "rules: [el-beijing-8star]"),
        "rules/tests/broken.yaml:{el-beijing-8star}: test 'eight-star' → expect.rules[0]: no "
        "rule with id 'el-beijing-8star' (did you mean 'el-beijing-8-star'?)",
    ),
    "outcome that does not exist": (
        CASE.replace("outcome: block", "outcome: blocked"),
        "rules/tests/broken.yaml:{outcome: blocked}: test 'eight-star' → expect.outcome: must "
        "be 'clear', 'review' or 'block' (got 'blocked')",
    ),
    "duplicate key in a case": (
        CASE.replace("    as_of: 2016-03-08\n", "    as_of: 2016-03-08\n    as_of: 2016-03-09\n"),
        "rules/tests/broken.yaml:{2016-03-09}: test 'eight-star' → as_of: duplicate key 'as_of' "
        "(first defined on line {2016-03-08})",
    ),
    "invalid as_of": (
        CASE.replace("as_of: 2016-03-08", "as_of: 2016-02-30"),
        "rules/tests/broken.yaml:{2016-02-30}: test 'eight-star' → as_of: invalid date "
        "'2016-02-30' (day is out of range for month)",
    ),
    "unknown top-level key": (
        CASE.replace("tests:", "test:"),
        "rules/tests/broken.yaml:{test:}: test: unknown key 'test' (did you mean 'tests'?)",
    ),
    "empty test list": (
        "tests: []\n",
        "rules/tests/broken.yaml:1: tests: 'tests' is empty",
    ),
    "empty file": (
        "",
        "rules/tests/broken.yaml:1: file is empty (expected 'tests:')",
    ),
    "YAML syntax error": (
        CASE.replace("    expect:\n", "   expect:\n"),
        "rules/tests/broken.yaml:{   expect:}: YAML syntax error: this line's indentation does "
        "not match the lines above",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_test_file_gives_one_exact_message(in_tmp: Path, name: str) -> None:
    text, message = BROKEN[name]
    path = _write(in_tmp, "broken.yaml", text)
    with pytest.raises(RuleError) as info:
        load_rule_tests("rules", rules=load_rules("rules"))
    expected = re.sub(r"\{([^{}]+)\}", lambda m: str(_line_of(path, m[1])), message)
    assert [str(p) for p in info.value.problems] == [expected]


def test_test_ids_are_unique_across_files(in_tmp: Path) -> None:
    _write(in_tmp, "a.yaml", CASE)
    path = _write(in_tmp, "b.yaml", CASE)
    with pytest.raises(RuleError) as info:
        load_rule_tests("rules")
    line = _line_of(path, "id: eight-star")
    assert [str(p) for p in info.value.problems] == [
        f"rules/tests/b.yaml:{line}: test 'eight-star' → transaction.id: duplicate test id "
        "(first defined at rules/tests/a.yaml:2)"
    ]


def test_every_problem_of_every_test_file_is_reported(in_tmp: Path) -> None:
    _write(in_tmp, "a.yaml", BROKEN["misspelt key in a case"][0])
    _write(in_tmp, "b.yaml", BROKEN["unknown country in the transaction"][0])
    _write(in_tmp, "c.yaml", "")
    with pytest.raises(RuleError) as info:
        load_rule_tests("rules")
    files = [p.file for p in info.value.problems]
    assert files == ["rules/tests/a.yaml", "rules/tests/b.yaml", "rules/tests/c.yaml"]
