"""`PartyCache`: a bounded memo of what the name search found for a party, and in a free text.

Searching a party's name and aliases in the listed names is most of what screening costs (some
three quarters of a transaction against the full CSL), and order streams repeat their
counterparties. The search is a pure function of the party's names and the rule set's name
index, so its result can be kept and reused: the cache changes how fast a decision is made,
never what it is (tests check decisions byte for byte against uncached screening).

Keys hold the rule-set fingerprint and the sha256 of each list loaded (the fingerprint covers
the lists too; naming them is belt and braces), so a reload or a list update can never be
answered from another rule set's entry: it simply misses. The party part of the key is its name
and aliases exactly as the validated `Party` holds them (already stripped and NFC by the model),
not the name normaliser's output: two spellings that normalise alike still explain their match
differently (the hit quotes the query), and decisions must stay byte-identical.

Free text (a party's address, the stated end use: the ``listed_text`` kind) is searched window by
window, up to a thousand windows a text; a repeated party repeats its address, so the listed
names found in a text are kept too, keyed the same way by the text exactly as given. What
depends on the day (which listings are in force) is applied after, on every screening.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from ..models import Party
from ..names import NameMatch
from ..rules import RuleSet

__all__ = ["DEFAULT_PARTY_CACHE", "PartyCache", "PartyMatches", "TextMatches"]

DEFAULT_PARTY_CACHE = 10_000
"""Parties kept by default: a few MB (an entry is the party's names and, rarely, a match)."""

PartyMatches = tuple[tuple[str, str, tuple[NameMatch, ...]], ...]
"""For each name of a party (its name, then each alias): the field, the name, and the listed
names it matches at or above the rule set's ``possible`` threshold, best first."""

TextMatches = tuple[int, tuple[tuple[str, NameMatch], ...]]
"""For a free text: its number of words, and each (word window, listed name it matches) that
free text may name, in the order searched (the first of equal scores is the one explained)."""

_Key = tuple[str, tuple[str, ...], str, str, tuple[str, ...]]
_Found = TypeVar("_Found", PartyMatches, TextMatches)


class PartyCache:
    """A least-recently-used memo of party name searches and free-text searches, at most
    ``maxsize`` entries (a party, or a text).

    Safe to share between threads (one lock around the table; the search itself runs outside
    it). A process pool gets one cache per worker: it pickles as an empty cache of the same
    size. ``maxsize=0`` keeps nothing (every lookup searches).
    """

    def __init__(self, maxsize: int = DEFAULT_PARTY_CACHE) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 0:
            raise ValueError(f"maxsize must be a whole number >= 0, got {maxsize!r}")
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._table: OrderedDict[_Key, PartyMatches | TextMatches] = OrderedDict()
        self._lock = threading.Lock()
        self._last: tuple[RuleSet | None, tuple[str, tuple[str, ...]]] = (None, ("", ()))

    def __reduce__(self) -> tuple[type[PartyCache], tuple[int]]:
        return (PartyCache, (self.maxsize,))

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"<PartyCache {len(self)}/{self.maxsize} hits={self.hits} misses={self.misses}>"

    def clear(self) -> None:
        """Forget every entry (after a reload, to free the old rule set's entries early)."""
        with self._lock:
            self._table.clear()

    def matches(
        self, rules: RuleSet, party: Party, search: Callable[[RuleSet, Party], PartyMatches]
    ) -> PartyMatches:
        """``search(rules, party)``, from the table when this party was searched before with
        the same rule set and lists."""
        key = (*self._ruleset_key(rules), "party", party.name, party.aliases)
        found = self._get(key)
        if found is None:
            found = self._put(key, search(rules, party))
        # A "party" key holds PartyMatches, a "text" key TextMatches.
        return found  # type: ignore[return-value]

    def texts(
        self, rules: RuleSet, text: str, search: Callable[[RuleSet, str], TextMatches]
    ) -> TextMatches:
        """``search(rules, text)``, from the table when this text was searched before with
        the same rule set and lists."""
        key = (*self._ruleset_key(rules), "text", text, ())
        found = self._get(key)
        if found is None:
            found = self._put(key, search(rules, text))
        return found  # type: ignore[return-value]

    def _ruleset_key(self, rules: RuleSet) -> tuple[str, tuple[str, ...]]:
        """The rule set's part of a key, kept for the rule set last seen (by identity: the same
        one screens transaction after transaction; building it was a tenth of a hit). One
        attribute, read and replaced whole, so that threads never pair one set with another's
        key."""
        last = self._last
        if last[0] is not rules:
            last = self._last = (rules, _ruleset_key(rules))
        return last[1]

    def _get(self, key: _Key) -> PartyMatches | TextMatches | None:
        """The entry for ``key``, now the most recently used, or None (a miss: the caller
        searches, outside the lock, and `_put`s what it found)."""
        with self._lock:
            found = self._table.get(key)
            if found is None:
                self.misses += 1
                return None
            self._table.move_to_end(key)
            self.hits += 1
            return found

    def _put(self, key: _Key, found: _Found) -> _Found:
        if self.maxsize:
            with self._lock:
                self._table[key] = found
                if len(self._table) > self.maxsize:
                    self._table.popitem(last=False)
        return found


def _ruleset_key(rules: RuleSet) -> tuple[str, tuple[str, ...]]:
    return rules.fingerprint, tuple(v.sha256 for v in rules.lists)
