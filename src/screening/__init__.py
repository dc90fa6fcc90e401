"""screening: export-control compliance screening over declarative YAML rules.

>>> from screening import load_rules, screen
>>> rules = load_rules()
>>> decision = screen(transaction, rules=rules)        # doctest: +SKIP
>>> decision.outcome, [h.rule_id for h in decision.hits]  # doctest: +SKIP
"""

from ._version import __version__
from .api import parse_transaction, screen
from .errors import Problem, RuleError, ScreeningError, TransactionError
from .loading import bundled_rules_dir, load_rules
from .models import (
    Decision,
    Hit,
    Item,
    ItemStatus,
    Jurisdiction,
    Outcome,
    Party,
    Role,
    Transaction,
)
from .ruleset import RuleSet, SearchMatch

__all__ = [
    "Decision",
    "Hit",
    "Item",
    "ItemStatus",
    "Jurisdiction",
    "Outcome",
    "Party",
    "Problem",
    "Role",
    "RuleError",
    "RuleSet",
    "ScreeningError",
    "SearchMatch",
    "Transaction",
    "TransactionError",
    "__version__",
    "bundled_rules_dir",
    "load_rules",
    "parse_transaction",
    "screen",
]
