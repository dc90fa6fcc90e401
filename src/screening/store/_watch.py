"""Re-screening the watched counterparties after a list update: only the names near an entry
that changed between the old and the new lists (`screening.changes.changed_names`) are scored
again, each against the old and the new rules, with the store's dispositions applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..engine import apply_dispositions, evaluate, hit_id
from ..models import Decision, Hit, Party, Transaction
from ..names import NameIndex
from ..rules import RuleSet
from ._store import Store, case_id_of

__all__ = ["WATCH_PREFIX", "rescreen_watched", "watch_transaction"]

WATCH_PREFIX = "watch:"
"""Transaction ids of the re-screenings of watched counterparties start with this."""


def watch_transaction(party: Party, day: dt.date) -> Transaction:
    """The transaction a watched counterparty is re-screened as: the party alone, receiving a
    US-origin EAR99 item, so every listing that reaches its role can apply."""
    return Transaction.model_validate(
        {
            "id": f"{WATCH_PREFIX}{party.name}|{party.country}",
            "date": day,
            "destination": party.country,
            "ships_from": "US",
            "parties": [party.model_dump(mode="json")],
            "items": [{"description": "watched counterparty", "eccn": "EAR99", "origin": "US"}],
        }
    )


def _listings(decision: Decision) -> dict[str, Hit]:
    return {h.rule_id: h for h in decision.hits if h.kind == "listing"}


def rescreen_watched(
    store: Store, new: RuleSet, old: RuleSet, near: NameIndex, day: dt.date
) -> Iterator[dict[str, Any]]:
    """Each change the new lists make for a watched counterparty, as JSON-ready data: a new
    hit, a hit gone, a disposition no longer applying because its entry changed. A changed
    counterparty whose decision is now a review gets (or updates) its case."""
    cutoff = min(new.matching.possible, old.matching.possible)
    for party in store.watched():
        queries = (party.name, *party.aliases)
        if not any(near.search(q, cutoff=cutoff) for q in queries):
            continue
        tx = watch_transaction(party, day)
        offered = tuple(store.dispositions_for(tx))
        before = apply_dispositions(evaluate(tx, old, day), tx, old, offered)
        after = apply_dispositions(evaluate(tx, new, day), tx, new, offered)
        was, now = _listings(before), _listings(after)
        changes: list[tuple[str, Hit, str | None]] = []
        for rule_id in sorted(was.keys() | now.keys()):
            a, b = was.get(rule_id), now.get(rule_id)
            if a is None and b is not None:
                changes.append(("new_hit", b, None))
            elif b is None and a is not None:
                changes.append(("hit_gone", a, None))
            elif a is not None and b is not None:
                if a.disposition is not None and b.disposition is None:
                    changes.append(("disposition_invalidated", b, a.disposition.id))
                elif a.outcome is not b.outcome:
                    changes.append(("outcome_changed", b, None))
        if not changes:
            continue
        store.screened(tx, after, new)
        case = case_id_of(tx.id) if store.has_case(case_id_of(tx.id)) else None
        for change, hit, disposition in changes:
            yield {
                "change": change,
                "party": party.name,
                "country": party.country,
                "rule_id": hit.rule_id,
                "hit_id": hit_id(hit),
                "listed_name": hit.listed_name,
                "list_entry": hit.list_entry,
                "score": hit.score,
                "outcome": hit.outcome.value if change != "hit_gone" else None,
                "decision": after.outcome.value,
                "case": case,
                "disposition": disposition,
            }
