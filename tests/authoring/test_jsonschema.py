"""The JSON Schema for editors: valid, up to date, accepts every bundled file and flags the
slips an editor should underline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from screening import bundled_rules_dir
from screening._io.yamlfile import read_yaml
from screening.authoring import (
    SCHEMA_FILE,
    rule_test_files,
    rules_json_schema,
    rules_json_schema_text,
)
from screening.rules import KINDS

BUNDLED = bundled_rules_dir()
FILES = sorted(BUNDLED.glob("*.yaml")) + rule_test_files(BUNDLED)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(
        rules_json_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


def test_the_schema_is_valid_json_schema() -> None:
    schema = rules_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(rules_json_schema_text()) == schema


def test_the_schema_knows_every_rule_kind() -> None:
    rule_file = rules_json_schema()["$defs"]["RuleFile"]
    union = rule_file["properties"]["rules"]["items"]
    kinds = {
        rules_json_schema()["$defs"][ref["$ref"].rsplit("/", 1)[1]]["properties"]["kind"]["const"]
        for ref in union["oneOf"]
    }
    assert kinds == set(KINDS)
    assert set(union["discriminator"]["mapping"]) == set(KINDS)


def test_the_copy_next_to_the_bundled_rules_is_up_to_date() -> None:
    saved = (BUNDLED / SCHEMA_FILE).read_text(encoding="utf-8")
    assert saved == rules_json_schema_text(), (
        f"rules/{SCHEMA_FILE} is out of date: run `screening rules schema -o rules/{SCHEMA_FILE}`"
    )


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(BUNDLED)))
def test_every_bundled_file_validates_and_names_the_schema(
    validator: Draft202012Validator, path: Path
) -> None:
    assert _errors(validator, read_yaml(path).data) == []
    first = path.read_text(encoding="utf-8").splitlines()[0]
    target = SCHEMA_FILE if path.parent == BUNDLED else f"../{SCHEMA_FILE}"
    assert first == f"# yaml-language-server: $schema={target}"


RULE = {"id": "el-x", "kind": "listing", "entity": "x", "list": "Entity List", "citation": "c"}

FLAGGED = {
    "unknown key": {"rules": [{**RULE, "efective_from": "2016-03-08"}]},
    "unknown kind": {"rules": [{**RULE, "kind": "listingg"}]},
    "unknown country": {
        "rules": [{"id": "e", "kind": "embargo", "countries": ["XX"], "citation": "c"}]
    },
    "bad ECCN": {
        "rules": [{"id": "c", "kind": "classification", "eccn": "5Z991", "citation": "c"}]
    },
    "bad date": {"rules": [{**RULE, "from": "2016-3-8"}]},
    "missing citation": {"rules": [{k: v for k, v in RULE.items() if k != "citation"}]},
    "yes for a boolean": {"rules": [{**RULE, "verified": "yes"}]},
    "unknown warning code": {"rules": [{**RULE, "accept_warnings": ["no-such-warning"]}]},
    "no rules key": {"about": "nothing else"},
    "bad test outcome": {
        "tests": [
            {
                "expect": {"outcome": "blocked"},
                "transaction": {"id": "t", "date": "2020-01-01", "destination": "DE", "items": []},
            }
        ]
    },
}


@pytest.mark.parametrize("name", list(FLAGGED))
def test_the_schema_flags_what_an_editor_should_underline(
    validator: Draft202012Validator, name: str
) -> None:
    assert _errors(validator, FLAGGED[name]) != []


def test_the_schema_accepts_plain_and_detailed_aliases(validator: Draft202012Validator) -> None:
    entity = {"id": "e", "kind": "entity", "name": "N", "country": "CN", "citation": "c"}
    aliases = ["Plain", {"name": "Detailed", "verified": False, "note": "n"}]
    assert _errors(validator, {"rules": [{**entity, "aliases": aliases}]}) == []


def test_fields_carry_descriptions_for_hover_help() -> None:
    listing = rules_json_schema()["$defs"]["Listing"]
    assert listing["description"].startswith("An entity's place on a list")
    assert "inclusive" in listing["properties"]["from"]["description"]
    assert "Country Group" in rules_json_schema()["$defs"]["CountryGroup"]["description"]
