"""Evaluating one transaction against a rule set, as of one day: a pure function.

No I/O, no clock, no global state: the same transaction, rule set and day always give the same
`Decision`, hits in the same order. Unknowns never clear: when a fact the rules need is missing
(an item's origin, its US content, its ECCN) the engine reports a review saying what is missing.

One private module per rule kind (or group of kinds that are evaluated together), each with an
evaluator of the signature `Evaluator`; `EVALUATORS` maps every kind to its evaluator.
`PartyCache` memoises the one costly pure step (a party's name search) across evaluations:
callers that screen many transactions (batch, the service) pass one to `evaluate`.
"""

from __future__ import annotations

from ._cache import DEFAULT_PARTY_CACHE, PartyCache, PartyMatches
from ._common import Context, Evaluator
from ._dispositions import (
    apply_dispositions,
    disposable,
    entry_of,
    hit_id,
    party_key,
    party_of,
)
from ._evaluate import evaluate
from ._kinds import EVALUATORS

__all__ = [
    "DEFAULT_PARTY_CACHE",
    "EVALUATORS",
    "Context",
    "Evaluator",
    "PartyCache",
    "PartyMatches",
    "apply_dispositions",
    "disposable",
    "entry_of",
    "evaluate",
    "hit_id",
    "party_key",
    "party_of",
]
