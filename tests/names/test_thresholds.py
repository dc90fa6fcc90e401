"""The thresholds the names tests score against are the bundled rule set's own."""

from __future__ import annotations

from helpers.names import MATCH, POSSIBLE
from screening import load_rules


def test_the_tests_thresholds_are_the_bundled_rule_sets() -> None:
    matching = load_rules().matching
    assert (matching.match, matching.possible) == (MATCH, POSSIBLE)
