"""Rule tests: cases a compliance team writes next to its rules, run like the scenarios.

Test files live in a ``tests/`` folder inside the rules directory (``rules/tests/*.yaml``), so
adding a test never changes the rule set's fingerprint. Each file holds an optional ``about:``
and a ``tests:`` list; each case is a scenario written inline: optional ``title``, ``summary``,
``facts`` and ``as_of``, an ``expect:`` block (the outcome and the exact set of rule ids that
must fire) and the ``transaction`` (whose ``id`` names the case). Test files are validated with
the same located messages as rule files; running them reuses `screening.scenarios`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._io.yamlfile import Located, read_yaml
from ..engine import evaluate
from ..errors import Problem, RuleError, YamlProblem
from ..models import Transaction
from ..rules import Day, RuleSet, Text, located_problems, suggest
from ._scenarios import Expectation, Replay, Scenario

__all__ = [
    "COVERAGE_RULE",
    "TESTS_DIR",
    "RuleTestCase",
    "RuleTestFile",
    "load_rule_tests",
    "rule_test_files",
    "run_rule_tests",
]

TESTS_DIR = "tests"
"""The folder, inside a rules directory, that holds the rule tests."""

COVERAGE_RULE = "ruleset.covers"
"""The id the engine gives its "date before the rule set's coverage" hit; tests may expect it."""


class RuleTestCase(BaseModel):
    """One rule test: a transaction and the decision it must get."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)
    title: Text | None = None
    """What the case shows, in a line."""
    summary: Text | None = None
    """Why it matters: the facts and the rule behind the expectation."""
    facts: Text | None = None
    """Where the facts come from."""
    as_of: Day | None = None
    """Screen as the rules stood on this day (default: the transaction's date)."""
    expect: Expectation
    """The outcome and the exact set of rule ids that must fire."""
    transaction: Transaction
    """The transaction to screen; its id names the test."""


class RuleTestFile(BaseModel):
    """A file of rule tests (``rules/tests/*.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)
    about: Text | None = None
    """What these tests cover."""
    tests: Annotated[tuple[RuleTestCase, ...], Field(min_length=1)]
    """The test cases."""


def rule_test_files(rules_dir: Path) -> list[Path]:
    """The test files of a rules directory (``tests/*.yaml``), sorted; none when no folder."""
    folder = rules_dir / TESTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_rule_tests(
    rules_dir: str | Path, *, rules: RuleSet | None = None, display_root: str | None = None
) -> tuple[Scenario, ...]:
    """Read and validate every test file of a rules directory, as scenarios.

    With ``rules``, the rule ids each case expects must exist in it. Raises `RuleError` with
    every problem located (``rules/tests/x.yaml:12: test 'id' → transaction.destination: ...``).
    """
    directory = Path(rules_dir)
    root = (display_root or str(rules_dir)).rstrip("/")
    problems: list[Problem] = []
    cases: list[Scenario] = []
    first: dict[str, str] = {}
    for path in rule_test_files(directory):
        display = f"{root}/{TESTS_DIR}/{path.name}"
        try:
            located = read_yaml(path, display, collect=True)
        except YamlProblem as exc:
            problems.append(exc.problem)
            continue
        for case, where in _cases(located, problems):
            tx_id = case.transaction.id
            if tx_id in first:
                problems.append(
                    Problem(
                        f"duplicate test id (first defined at {first[tx_id]})",
                        file=display,
                        line=located.line_of((*where, "transaction", "id")),
                        rule_id=tx_id,
                        path="transaction.id",
                        subject="test",
                    )
                )
                continue
            line = located.line_of(where)
            first[tx_id] = f"{display}:{line}"
            if rules is not None:
                problems += _unknown_rules(case, rules, located, where)
            cases.append(
                Scenario(
                    id=tx_id,
                    title=case.title or tx_id,
                    summary=case.summary,
                    facts=case.facts,
                    as_of=case.as_of,
                    expect=case.expect,
                    transaction=case.transaction,
                    file=f"{display}:{line}",
                )
            )
    if problems:
        raise RuleError(sorted(problems, key=lambda p: (p.file or "", p.line or 0)))
    return tuple(cases)


def _cases(
    located: Located, problems: list[Problem]
) -> list[tuple[RuleTestCase, tuple[str | int, ...]]]:
    data = located.data
    file = located.file
    if not isinstance(data, dict):
        what = "file is empty" if data is None else "expected a mapping with 'tests:' at the top"
        problems.append(Problem(f"{what} (expected 'tests:')", file=file, line=1))
        return []
    items = data.get("tests")
    spoiled = set()
    for flaw in located.flaws:
        path = flaw.path
        test_id = _test_id(data, path)
        if test_id is not None:
            spoiled.add(path[1])
            path = path[2:]
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        problems.append(
            Problem(
                flaw.message,
                file=file,
                line=flaw.line,
                rule_id=test_id,
                path=dotted or None,
                subject="test",
            )
        )
    keys = list(RuleTestFile.model_fields)
    for key in sorted(set(data) - set(keys)):
        problems.append(
            Problem(
                f"unknown key '{key}'{suggest(key, keys)}",
                file=file,
                line=located.line_of((key,)),
                path=key,
            )
        )
    about = data.get("about")
    if about is not None and not (isinstance(about, str) and about.strip()):
        line = located.line_of(("about",))
        problems.append(Problem("must be text", file=file, line=line, path="about"))
    if not isinstance(items, list) or not items:
        if "tests" in data:
            message = "'tests' must be a list" if items else "'tests' is empty"
            line = located.line_of(("tests",))
            problems.append(Problem(message, file=file, line=line, path="tests"))
        elif not set(data) - set(keys):
            problems.append(Problem("no 'tests:' list in this file", file=file, line=1))
        return []
    out = []
    for i, item in enumerate(items):
        where: tuple[str | int, ...] = ("tests", i)
        test_id = _test_id(data, where)
        try:
            case = RuleTestCase.model_validate(item)
        except ValidationError as exc:
            problems += located_problems(
                exc, located, where, RuleTestCase, item, test_id, subject="test"
            )
            continue
        if i not in spoiled:
            out.append((case, where))
    return out


def _test_id(data: dict[str, Any], path: tuple[str | int, ...]) -> str | None:
    """The transaction id of the test at ``path`` (``("tests", i, ...)``), when written."""
    if len(path) < 2 or path[0] != "tests" or not isinstance(path[1], int):
        return None
    items = data.get("tests")
    if not isinstance(items, list) or path[1] >= len(items) or not isinstance(items[path[1]], dict):
        return None
    tx = items[path[1]].get("transaction")
    tx_id = tx.get("id") if isinstance(tx, dict) else None
    return tx_id if isinstance(tx_id, str) else None


def _unknown_rules(
    case: RuleTestCase, rules: RuleSet, located: Located, where: tuple[str | int, ...]
) -> list[Problem]:
    known = sorted(r.id for r in rules)
    out = []
    for i, rule_id in enumerate(case.expect.rules):
        if rule_id in rules or rule_id == COVERAGE_RULE:
            continue
        out.append(
            Problem(
                f"no rule with id '{rule_id}'{suggest(rule_id, known)}",
                file=located.file,
                line=located.line_of((*where, "expect", "rules", i)),
                rule_id=case.transaction.id,
                path=f"expect.rules[{i}]",
                subject="test",
            )
        )
    return out


def run_rule_tests(cases: tuple[Scenario, ...] | list[Scenario], rules: RuleSet) -> list[Replay]:
    """Screen each case as of its ``as_of`` (or its transaction's date) and compare."""
    return [
        Replay(case, evaluate(case.transaction, rules, case.as_of or case.transaction.date))
        for case in cases
    ]
