"""The bundled rule set's name-matching thresholds, for tests of the names package that score
pairs without loading a rule set (tests/names/test_thresholds.py holds them to rules/), and the
check those tests make of a reading path."""

from __future__ import annotations

from screening.names import Explanation, explain

MATCH = 0.92
"""The bundled rule set's `matching.match` threshold (rules/ruleset.yaml)."""

POSSIBLE = 0.82
"""The bundled rule set's `matching.possible` threshold."""


def possible_with_note(query: str, listed: str, note: str) -> Explanation:
    """`explain` of the pair, held to a possible match at least, with a note that says ``note``
    (the path that read it: "Arabic script", "Wade-Giles read as pinyin")."""
    why = explain(query, listed)
    assert why.score >= POSSIBLE, why.summary
    assert any(note in n for n in why.notes), why.notes
    return why
