"""The bundled rule set's name-matching thresholds, for tests of the names package that score
pairs without loading a rule set (tests/names/test_thresholds.py holds them to rules/)."""

from __future__ import annotations

MATCH = 0.92
"""The bundled rule set's `matching.match` threshold (rules/ruleset.yaml)."""

POSSIBLE = 0.82
"""The bundled rule set's `matching.possible` threshold."""
