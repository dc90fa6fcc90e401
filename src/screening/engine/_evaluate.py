"""`evaluate`: the jurisdiction of each item, then every kind's evaluator from the registry
(`EVALUATORS`), then one hit per rule and party or field, most severe first."""

from __future__ import annotations

import datetime as dt

from ..models import Decision, Hit, Outcome, Transaction
from ..rules import RuleSet
from ._cache import PartyCache
from ._common import Context, Evaluator, receiving_countries, touched_countries
from ._jurisdiction import jurisdiction
from ._kinds import EVALUATORS

_RUNS: tuple[Evaluator, ...] = tuple(run for run in EVALUATORS.values() if run is not None)
"""The evaluators to run, in the registry's order (the order hits are found in; the decision
sorts them, so it does not depend on it)."""


def evaluate(
    tx: Transaction, rules: RuleSet, day: dt.date, *, cache: PartyCache | None = None
) -> Decision:
    """Screen a validated transaction against ``rules`` as they stood on ``day``.

    ``cache`` memoises party name searches across calls (`PartyCache`); the decision is the
    same, byte for byte, with or without it."""
    statuses = jurisdiction(tx, rules, day)
    hits: list[Hit] = []
    outside = day < rules.covers_from or (rules.covers_to is not None and day > rules.covers_to)
    if outside:
        period = f"from {rules.covers_from} to {rules.covers_to or 'no declared end'}"
        side = "earlier" if day < rules.covers_from else "later"
        hits.append(
            Hit(
                rule_id="ruleset.covers",
                kind="coverage",
                outcome=Outcome.REVIEW,
                citation=f"rule set {rules.name} {rules.version}",
                message=(
                    f"{day} is outside the period this rule set covers ({period}): it is "
                    f"{side}, so rules then in force may be missing or changed. Screen against "
                    "a rule set that covers the date."
                ),
                source=rules.covers_source,
            )
        )
    receiving = tuple(receiving_countries(tx))
    context = Context(tx, rules, day, statuses, receiving, touched_countries(tx), cache)
    for run in _RUNS:
        hits += run(context)
    hits = _dedupe(hits)
    hits.sort(key=lambda h: (-h.outcome.rank, h.rule_id, h.field or "", h.listed_name or ""))
    outcome = max((h.outcome for h in hits), key=lambda o: o.rank, default=Outcome.CLEAR)
    return Decision(
        transaction_id=tx.id,
        as_of=day,
        outcome=outcome,
        hits=tuple(hits),
        items=statuses,
        ruleset=rules.name,
        ruleset_version=rules.version,
        ruleset_fingerprint=rules.fingerprint,
        lists=rules.lists,
    )


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """One hit per rule and party or field: keep the most severe, then the best scored."""
    best: dict[tuple[str, str], Hit] = {}
    for hit in hits:
        key = (hit.rule_id, hit.party or hit.item or hit.field or "")
        prev = best.get(key)
        if prev is None or (hit.outcome.rank, hit.score or 0.0) > (
            prev.outcome.rank,
            prev.score or 0.0,
        ):
            best[key] = hit
    return list(best.values())
