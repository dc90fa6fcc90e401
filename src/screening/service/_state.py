"""The rule set a service answers with, swapped whole on reload.

A request takes the current `Loaded` snapshot once, at its start, and uses only that: a reload
builds and validates a complete new rule set first and then replaces the snapshot in one
assignment, so every request sees the old rule set or the new one, never a mix. A reload that
fails (a rule file that does not validate, a list that does not read) changes nothing and
raises the `RuleError` that says why.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable
from dataclasses import dataclass

from ..engine import PartyCache
from ..rules import RuleSet

__all__ = ["Loaded", "RulesHolder"]


@dataclass(frozen=True, slots=True)
class Loaded:
    """One loaded rule set and when this process loaded it (ISO 8601, UTC)."""

    rules: RuleSet
    loaded_at: str


class RulesHolder:
    """Holds the current `Loaded` rule set and the party cache shared by every request.

    The cache outlives reloads: its keys hold the rule-set and list fingerprints, so an entry
    made with the old rules is never an answer for the new ones (it is also cleared, to free
    memory early).
    """

    def __init__(
        self, load: Callable[[], RuleSet], *, party_cache: int, freeze_heap: bool = False
    ) -> None:
        self._load = load
        self._freeze = freeze_heap
        self._lock = threading.Lock()  # one reload at a time; requests never wait on it
        self.cache = PartyCache(party_cache)
        self.current: Loaded | None = None
        self.reloads = {"ok": 0, "failed": 0}

    def start(self, rules: RuleSet | None = None) -> Loaded:
        """Load the rules (or take ``rules``, already loaded) as the first rule set."""
        with self._lock:
            self.current = Loaded(rules if rules is not None else self._load(), _now())
            if self._freeze:
                _settle()
            return self.current

    def reload(self) -> tuple[Loaded, Loaded]:
        """Load the rules again; on success swap them in and return (old, new). On failure
        raise what `load_rules` raised, with the old rule set still in place."""
        with self._lock:
            old = self.current
            try:
                new = Loaded(self._load(), _now())
            except BaseException:
                self.reloads["failed"] += 1
                raise
            self.current = new  # the swap: one reference assignment
            self.reloads["ok"] += 1
            if old is None or old.rules.fingerprint != new.rules.fingerprint:
                self.cache.clear()
            if self._freeze:
                _settle()
            return (old or new), new


def _settle() -> None:
    """Freeze the heap with the rule set in it, as the README advises a long-running process:
    the collector stops walking half a million objects that live as long as the rules. Thawed
    first, so that a replaced rule set is collected rather than frozen for ever."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
