"""The historical ZTE scenarios of examples/zte are regression tests: each must get exactly
the outcome and the set of fired rules it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening import Outcome, load_rules, screen
from screening.authoring import load_scenario, replay, scenario_files

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "zte"
FILES = scenario_files(EXAMPLES)


def test_there_are_at_least_fifteen_scenarios() -> None:
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_gets_its_expected_decision(path: Path) -> None:
    scenario = load_scenario(path)
    decision = screen(scenario.transaction, rules=load_rules(), as_of=scenario.as_of)
    fired = sorted({h.rule_id for h in decision.hits})
    assert (decision.outcome, fired) == (scenario.expect.outcome, sorted(scenario.expect.rules))


def test_scenarios_cover_every_outcome() -> None:
    outcomes = {load_scenario(p).expect.outcome for p in FILES}
    assert outcomes == set(Outcome)


def test_replay_is_byte_identical_on_repeat() -> None:
    rules = load_rules()
    first = [r.decision.model_dump_json() for r in replay(EXAMPLES, rules)]
    second = [r.decision.model_dump_json() for r in replay(EXAMPLES, rules)]
    assert first == second


def test_every_hit_is_explained() -> None:
    for result in replay(EXAMPLES, load_rules()):
        for hit in result.decision.hits:
            assert hit.citation, hit.rule_id
            assert hit.message, hit.rule_id
            assert hit.source.startswith("rules/"), hit.source
