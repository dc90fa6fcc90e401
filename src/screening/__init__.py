"""screening: export-control compliance screening over declarative YAML rules.

>>> from screening import load_rules, screen
>>> rules = load_rules()
>>> decision = screen(transaction, rules=rules)        # doctest: +SKIP
>>> decision.outcome, [h.rule_id for h in decision.hits]  # doctest: +SKIP
"""

from ._version import __version__
from .api import parse_transaction, screen
from .audit import (
    Cause,
    DecisionDiff,
    Verification,
    canonical_json,
    decision_record,
    diff_decisions,
    transaction_hash,
    verify_log,
    verify_record,
)
from .batch import BatchResult, screen_many
from .engine import PartyCache
from .errors import (
    BatchError,
    DocumentError,
    KeysError,
    ListError,
    ListUpdateError,
    LogError,
    Problem,
    RecordError,
    RuleError,
    ScenarioError,
    ScreeningError,
    TransactionError,
)
from .models import (
    Component,
    Decision,
    Hit,
    Item,
    ItemStatus,
    Jurisdiction,
    ListVersion,
    Outcome,
    Owner,
    Party,
    Role,
    Transaction,
)
from .rules import RuleSet, SearchMatch, bundled_rules_dir, load_rules

__all__ = [
    "BatchError",
    "BatchResult",
    "Cause",
    "Component",
    "Decision",
    "DecisionDiff",
    "DocumentError",
    "Hit",
    "Item",
    "ItemStatus",
    "Jurisdiction",
    "KeysError",
    "ListError",
    "ListUpdateError",
    "ListVersion",
    "LogError",
    "Outcome",
    "Owner",
    "Party",
    "PartyCache",
    "Problem",
    "RecordError",
    "Role",
    "RuleError",
    "RuleSet",
    "ScenarioError",
    "ScreeningError",
    "SearchMatch",
    "Transaction",
    "TransactionError",
    "Verification",
    "__version__",
    "bundled_rules_dir",
    "canonical_json",
    "decision_record",
    "diff_decisions",
    "load_rules",
    "parse_transaction",
    "screen",
    "screen_many",
    "transaction_hash",
    "verify_log",
    "verify_record",
]
