"""Re-screening the watched counterparties after a list update: only the names and aliases
near an entry that changed between the old and the new lists
(`screening.changes.changed_names`) are scored again, each against the old and the new rules,
with the store's dispositions applied."""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ..engine import apply_dispositions, evaluate, hit_id
from ..models import Decision, Hit, Party, Transaction
from ..names import NameIndex
from ..rules import RuleSet
from ._store import Store, case_id_of

__all__ = ["WATCH_PREFIX", "near_parties", "rescreen_watched", "watch_transaction"]

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


_NEAR: tuple[NameIndex, float] | None = None
"""The changed names and cutoff, set before forking the processes that search them."""
_PARALLEL_FROM = 5_000
"""Fewer watched names than this are searched in this process: forking would cost more."""


def _is_near(names: list[str]) -> list[bool]:
    assert _NEAR is not None
    index, cutoff = _NEAR
    return [bool(index.search(n, cutoff=cutoff)) for n in names]


def near_parties(parties: list[Party], near: NameIndex, cutoff: float) -> list[Party]:
    """The parties with a name or an alias near a changed entry, in order. Searching 100,000
    names is the bulk of a re-screening, so it is shared among the usable CPUs (forked
    processes that inherit the index) when there are many."""
    found = _near_names([n for p in parties for n in (p.name, *p.aliases)], near, cutoff)
    return [p for p in parties if not found.isdisjoint((p.name, *p.aliases))]


def _near_names(names: list[str], near: NameIndex, cutoff: float) -> set[str]:
    """The names near a changed entry, each distinct name searched once. The cyclic garbage
    collector is paused meanwhile: searching allocates only acyclic objects, and each of its
    full passes would rescan the two loaded rule sets (millions of objects) for nothing."""
    global _NEAR
    names = list(dict.fromkeys(names))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = max(1, cpus or 1)
    _NEAR = (near, cutoff)
    enabled = gc.isenabled()
    gc.disable()
    try:
        if workers == 1 or len(names) < _PARALLEL_FROM or sys.platform != "linux":
            flags = _is_near(names)
        else:
            size = -(-len(names) // (workers * 4))
            chunks = [names[i : i + size] for i in range(0, len(names), size)]
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                flags = [f for chunk in pool.map(_is_near, chunks) for f in chunk]
    finally:
        _NEAR = None
        if enabled:
            gc.enable()
    return {n for n, f in zip(names, flags, strict=True) if f}


def _listings(decision: Decision) -> dict[str, Hit]:
    return {h.rule_id: h for h in decision.hits if h.kind == "listing"}


def rescreen_watched(
    store: Store, new: RuleSet, old: RuleSet, near: NameIndex, day: dt.date
) -> Iterator[dict[str, Any]]:
    """Each change the new lists make for a watched counterparty, as JSON-ready data: a new
    hit, a hit gone, a disposition no longer applying because its entry changed. A changed
    counterparty whose decision is now a review gets (or updates) its case."""
    cutoff = min(new.matching.possible, old.matching.possible)
    # Names first: only the few near a changed entry are validated into parties and screened,
    # each with its aliases (an alias that newly matches an entry is a change too).
    rows = store.watched_names()
    found = _near_names([n for name, _, _, aliases in rows for n in (name, *aliases)], near, cutoff)
    parties = [
        Party(role=r, name=n, country=c, aliases=a)
        for n, c, r, a in rows
        if not found.isdisjoint((n, *a))
    ]
    for party in parties:
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
