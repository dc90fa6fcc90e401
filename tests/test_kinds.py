"""The rule-kind registry: every kind has its schema model (rules), its evaluator (engine) and
its lint checks (authoring), and each layer's table is keyed by exactly the same kinds."""

from __future__ import annotations

import datetime as dt
import pickle
import typing
from typing import Any

import pytest
from hypothesis import given

from helpers.strategies import SETTINGS, transactions
from helpers.zte import zte_transactions
from screening import load_rules, screen
from screening.authoring import LINT_CHECKS, rules_json_schema
from screening.engine import EVALUATORS
from screening.rules import KINDS, MODELS, BaseRule, Rule

RULES = load_rules()

# Hits of these kinds come from another kind's evaluator (or from the engine itself).
_HITS_FROM_ELSEWHERE = {"general_licence": "listing", "coverage": None}


def test_kinds_are_the_kinds_of_the_rule_union_in_its_order() -> None:
    union = typing.get_args(typing.get_args(Rule)[0])
    assert tuple(MODELS.values()) == union
    assert tuple(MODELS) == KINDS
    assert len(set(KINDS)) == len(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_a_model_that_takes_that_kind(kind: str) -> None:
    model = MODELS[kind]
    assert issubclass(model, BaseRule)
    assert typing.get_args(model.model_fields["kind"].annotation) == (kind,)


@pytest.mark.parametrize("table", [EVALUATORS, LINT_CHECKS], ids=["evaluators", "lint"])
def test_every_layer_has_a_row_for_every_kind_and_no_other(table: typing.Mapping[str, Any]) -> None:
    assert sorted(table) == sorted(KINDS)


def test_evaluators_and_checks_are_callable() -> None:
    assert all(run is None or callable(run) for run in EVALUATORS.values())
    assert all(callable(check) for checks in LINT_CHECKS.values() for check in checks)
    assert any(run is not None for run in EVALUATORS.values())


def test_the_json_schema_offers_exactly_the_registered_kinds() -> None:
    schema = rules_json_schema()
    kinds = {
        definition["properties"]["kind"]["const"]
        for definition in schema["$defs"].values()
        if "kind" in definition.get("properties", {})
        and "const" in definition["properties"]["kind"]
    }
    assert kinds == set(KINDS)


def test_of_kind_partitions_the_rule_set_in_load_order() -> None:
    order = [rule.id for rule in RULES]
    seen = 0
    for kind, model in MODELS.items():
        found = RULES.of_kind(model)
        assert all(rule.kind == kind and isinstance(rule, model) for rule in found)
        ids = [rule.id for rule in found]
        assert ids == [i for i in order if i in set(ids)], f"{kind}: not in load order"
        seen += len(found)
    assert seen == len(RULES)


def test_of_kind_survives_pickling() -> None:
    restored = pickle.loads(pickle.dumps(RULES))
    for model in MODELS.values():
        assert restored.of_kind(model) == RULES.of_kind(model)


def _assert_hits_come_from_registered_evaluators(tx: dict[str, Any], day: dt.date | None) -> None:
    decision = screen(tx, rules=RULES, as_of=day)
    for hit in decision.hits:
        via = _HITS_FROM_ELSEWHERE.get(hit.kind, hit.kind)
        assert via is None or EVALUATORS[via] is not None, f"{hit.rule_id}: {hit.kind}"
        if hit.kind != "coverage":
            assert RULES[hit.rule_id].kind == hit.kind


@pytest.mark.parametrize("day", [dt.date(2016, 6, 1), dt.date(2018, 5, 1)])
def test_zte_hits_come_from_registered_evaluators(day: dt.date) -> None:
    for tx in zte_transactions():
        _assert_hits_come_from_registered_evaluators(tx, day)


@SETTINGS
@given(transactions())
def test_any_hit_comes_from_a_registered_evaluator(tx: dict[str, Any]) -> None:
    _assert_hits_come_from_registered_evaluators(tx, None)
