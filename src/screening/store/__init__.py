"""The review desk's store: cases opened by screening, reviewers' dispositions and approvals,
watched counterparties and a hash-chained history, in SQLite (default) or PostgreSQL.

>>> from screening import screen
>>> from screening.store import open_store
>>> store = open_store("sqlite:///screening.db")                  # doctest: +SKIP
>>> decision = screen(tx, rules=rules, store=store)                # doctest: +SKIP
>>> case = store.list_cases()[0]                                   # doctest: +SKIP
>>> store.decide(case.id, case.hits[0].hit_id, decision="false_positive",
...              reason="different company", reviewer="alice")   # doctest: +SKIP
"""

from __future__ import annotations

from ._export import EXPORT_FORMATS, export_cases
from ._migrations import SCHEMA_VERSION
from ._store import Case, CaseHit, Event, Store, case_id_of, open_store, upgrade_store
from ._watch import WATCH_PREFIX, near_parties, rescreen_watched, watch_transaction

__all__ = [
    "EXPORT_FORMATS",
    "SCHEMA_VERSION",
    "WATCH_PREFIX",
    "Case",
    "CaseHit",
    "Event",
    "Store",
    "case_id_of",
    "export_cases",
    "near_parties",
    "open_store",
    "rescreen_watched",
    "upgrade_store",
    "watch_transaction",
]
