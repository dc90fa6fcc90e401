"""Changes: what a rule change does to past decisions (`diff_rules`, `impact`), and which
recorded decisions a new list release would change (`rescreen`)."""

from __future__ import annotations

from ._impact import (
    ABSENT,
    FieldChange,
    HistoryEntry,
    Impact,
    RuleDiff,
    diff_rules,
    impact,
    read_history,
)
from ._rescreen import (
    HistoryItem,
    RescreenReport,
    changed_names,
    read_history_items,
    rescreen,
    rescreen_lists,
)

__all__ = [
    "ABSENT",
    "FieldChange",
    "HistoryEntry",
    "HistoryItem",
    "Impact",
    "RescreenReport",
    "RuleDiff",
    "changed_names",
    "diff_rules",
    "impact",
    "read_history",
    "read_history_items",
    "rescreen",
    "rescreen_lists",
]
