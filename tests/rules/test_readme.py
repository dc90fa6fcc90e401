"""rules/README.md is read by compliance officers who copy its examples: every example must be
valid (except the one slip it shows on purpose), and every kind and warning must be explained."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

from screening import load_rules
from screening._io.yamlfile import parse_yaml
from screening.authoring import CODES, RuleTestFile, Scenario, run_rule_tests
from screening.rules import KINDS, HeaderFile, Rule

README = Path(__file__).resolve().parents[2] / "rules" / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", TEXT, flags=re.DOTALL)
YAML = [body for lang, body in BLOCKS if lang == "yaml"]
RULE = TypeAdapter(Rule)


def test_the_readme_has_examples() -> None:
    assert len(YAML) >= 15


@pytest.mark.parametrize("body", YAML, ids=lambda b: b.strip().splitlines()[0][:40])
def test_every_yaml_example_is_valid(body: str) -> None:
    if body.startswith("  - id:"):
        items = parse_yaml("rules:\n" + body, "README.md").data["rules"]
        for item in items:
            if "efective_from" in item:  # the slip step 2 of the loop catches, on purpose
                with pytest.raises(ValidationError, match="efective_from"):
                    RULE.validate_python(item)
                continue
            RULE.validate_python(item)
        return
    data = parse_yaml(body, "README.md").data
    if "tests" in data:
        tests = RuleTestFile.model_validate(data).tests
        rules = load_rules()
        cases = [
            Scenario(
                id=t.transaction.id,
                title=t.title or "",
                as_of=t.as_of,
                expect=t.expect,
                transaction=t.transaction,
                file="README.md",
            )
            for t in tests
        ]
        assert all(r.ok for r in run_rule_tests(cases, rules))
    else:
        HeaderFile.model_validate(data)


def test_the_json_settings_example_is_json() -> None:
    [body] = [b for lang, b in BLOCKS if lang == "json"]
    assert "yaml.schemas" in json.loads("{" + body + "}")


def test_every_kind_has_a_section() -> None:
    for kind in KINDS:
        assert f"`{kind}`" in TEXT, kind


def test_every_warning_is_in_the_table() -> None:
    for code in CODES:
        assert f"| `{code}` |" in TEXT, code


def test_the_error_examples_look_like_real_messages() -> None:
    [errors] = [b for lang, b in BLOCKS if lang == "text" and "→ to: 'to'" in b]
    for line in errors.strip().splitlines():
        assert re.match(r"rules/(data/)?[a-z-]+\.yaml:\d+: ", line), line
