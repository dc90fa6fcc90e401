"""The historical ZTE scenarios of examples/zte are regression tests: each must get exactly
the outcome and the set of fired rules it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening import Outcome, load_rules, screen
from screening._io.documents import parse_document, read_document
from screening.authoring import load_scenario, replay, scenario_files, transaction_or_scenario
from screening.errors import ScenarioError

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


LAW_PARTIES = scenario_files(EXAMPLES.parent / "law-parties")
"""The "law as written" scenarios (issue 12): who is bound, and when."""


@pytest.mark.parametrize("path", LAW_PARTIES, ids=[p.stem for p in LAW_PARTIES])
def test_law_parties_scenario_gets_its_expected_decision(path: Path) -> None:
    scenario = load_scenario(path)
    decision = screen(scenario.transaction, rules=load_rules(), as_of=scenario.as_of)
    fired = sorted({h.rule_id for h in decision.hits})
    assert (decision.outcome, fired) == (scenario.expect.outcome, sorted(scenario.expect.rules))


def test_law_parties_scenarios_cover_every_outcome() -> None:
    assert len(LAW_PARTIES) >= 8
    assert {load_scenario(p).expect.outcome for p in LAW_PARTIES} == set(Outcome)


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


# --- transaction_or_scenario: what `screening screen` and `explain` read ----------------------


def test_a_scenario_document_gives_its_transaction_and_as_of() -> None:
    path = EXAMPLES / "03-entity-list-before-tgl-2016-03.yaml"
    scenario = load_scenario(path)
    tx, as_of = transaction_or_scenario(read_document(path), str(path))
    assert tx == scenario.transaction
    assert as_of == scenario.as_of


def test_a_transaction_document_has_no_as_of() -> None:
    text = "id: t1\ndate: 2020-05-05\ndestination: DE\nitems: [{description: chairs}]\n"
    doc = parse_document(text, "t.yaml")
    tx, as_of = transaction_or_scenario(doc, "t.yaml")
    assert (tx.id, tx.date.isoformat(), as_of) == ("t1", "2020-05-05", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: a case\n", "x.yaml: not a transaction or a scenario (no 'id', 'date', 'items'"),
        ("as_of: 2016-13-01\ntransaction: {}\n", "x.yaml: as_of: not a date: '2016-13-01'"),
    ],
)
def test_neither_a_transaction_nor_a_scenario(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        transaction_or_scenario(parse_document(text, "x.yaml"), "x.yaml")
    assert str(info.value).startswith(message)
