"""Authoring: tools for those who write rules: lint checks, rule tests, historical scenarios
and the JSON Schema that editors validate rule files with."""

from __future__ import annotations

from ._jsonschema import SCHEMA_FILE, rules_json_schema, rules_json_schema_text
from ._lint import CODES, LINT_CHECKS, LintWarning, lint
from ._ruletests import (
    TESTS_DIR,
    RuleTestCase,
    RuleTestFile,
    load_rule_tests,
    rule_test_files,
    run_rule_tests,
)
from ._scenarios import (
    Replay,
    Scenario,
    load_scenario,
    replay,
    scenario_files,
    transaction_or_scenario,
)

__all__ = [
    "CODES",
    "LINT_CHECKS",
    "SCHEMA_FILE",
    "TESTS_DIR",
    "LintWarning",
    "Replay",
    "RuleTestCase",
    "RuleTestFile",
    "Scenario",
    "lint",
    "load_rule_tests",
    "load_scenario",
    "replay",
    "rule_test_files",
    "rules_json_schema",
    "rules_json_schema_text",
    "run_rule_tests",
    "scenario_files",
    "transaction_or_scenario",
]
