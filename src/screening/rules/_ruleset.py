"""A loaded, validated and indexed rule set: what `screen` evaluates against.

Built once by `load_rules`; immutable afterwards and safe to share between threads. It pickles
as the validated rules it was built from and rebuilds its indexes on unpickling, so it can be
shipped once to each worker process (batch screening, Dask) without re-reading any file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from ..models import ListVersion
from ..names import NameCandidate, NameIndex
from ..names.normalize import Readings
from ._schema import (
    KINDS,
    MODELS,
    BaseRule,
    ChartRow,
    Classification,
    CountryGroup,
    Destinations,
    Entity,
    GeneralLicence,
    Listing,
    Matching,
    Rule,
)

__all__ = ["Membership", "RuleSet", "SearchMatch"]

_R = TypeVar("_R", bound=BaseRule)

_T = TypeVar("_T")

_DAYS_KEPT = 1024
"""Days `RuleSet.in_force` keeps its answers for (a few KB a day); past that it starts afresh.
A year of order dates is 365: a stream screened as of its own dates stays within it."""

_MEMO_KEPT = 16_384
"""Entries `RuleSet.memo` keeps; past that it starts afresh."""


@dataclass(frozen=True, slots=True)
class Membership:
    """Whether a country is in a destination set on a day, and whether that is verified."""

    member: bool
    verified: bool = True
    via: str | None = None


@dataclass(frozen=True, slots=True)
class SearchMatch:
    """A listed party whose name or alias a searched name matches (`RuleSet.search`)."""

    entry_id: str
    """The entry's identifier: the source list's own id when the entry comes from an official
    list (a listing's ``entry_id``), else the id of its ``entity`` rule."""
    list: str
    """The list(s) the entry is on, from its listings ("Entity List"; several joined by "; ")."""
    name: str
    """The entry's listed (primary) name."""
    alias: str | None
    """The alias that matched, or None when the listed name itself matched."""
    score: float
    """In [0, 1]: at least the rule set's ``matching.possible`` threshold."""
    detail: str
    """One line: which words aligned and which were left over."""
    verified: bool = True
    """False when the matched alias is marked ``verified: false``."""

    def to_dict(self) -> dict[str, object]:
        return {
            "entry_id": self.entry_id,
            "list": self.list,
            "name": self.name,
            "alias": self.alias,
            "score": self.score,
            "detail": self.detail,
            "verified": self.verified,
        }


class RuleSet:
    """Rules by id and by kind, with the indexes the engine needs. Create with `load_rules`."""

    def __init__(
        self,
        *,
        name: str,
        version: str,
        covers_from: dt.date,
        covers_source: str,
        matching: Matching,
        rules: list[Rule],
        sources: dict[str, str],
        fingerprint: str,
        files: tuple[str, ...],
        digests: Mapping[str, str] | None = None,
        positions: Mapping[str, Mapping[tuple[str | int, ...], int]] | None = None,
        lists: tuple[ListVersion, ...] = (),
        name_readings: Mapping[str, Readings] | None = None,
        covers_to: dt.date | None = None,
    ) -> None:
        """Built by `load_rules`. ``name_readings`` only saves work (see
        `NameIndex.foreign_readings`): the rule set is the same with or without it."""
        # Everything __init__ was given, for pickling (see __reduce__). Taken from locals() so a
        # parameter added later is pickled too without anyone having to remember this line.
        self._init_args: dict[str, Any] = {k: v for k, v in locals().items() if k != "self"}
        self.name = name
        self.version = version
        self.covers_from = covers_from
        self.covers_to = covers_to
        """The last day the rule set covers (None: no end declared)."""
        self.covers_source = covers_source
        """Where the coverage start is written, as ``file:line``."""
        self.matching = matching
        self.fingerprint = fingerprint
        """sha256 over every rule file's path and content: changes with any edit."""
        self.files = files
        self.digests: Mapping[str, str] = MappingProxyType(dict(sorted((digests or {}).items())))
        """sha256 (hex) of each rule file's content, by file name: says which file changed."""
        self.lists = lists
        """The official list files loaded into this rule set, with their versions."""
        self._rules: Mapping[str, Rule] = MappingProxyType({r.id: r for r in rules})
        self._sources: Mapping[str, str] = MappingProxyType(dict(sources))
        self._positions: Mapping[str, Mapping[tuple[str | int, ...], int]] = MappingProxyType(
            dict(positions or {})
        )

        # Rules by kind, derived from the kinds registry (`MODELS`): no attribute per kind.
        by_kind: dict[str, list[Rule]] = {kind: [] for kind in KINDS}
        for rule in rules:
            by_kind[rule.kind].append(rule)
        self._of_kind: Mapping[type[BaseRule], tuple[Rule, ...]] = MappingProxyType(
            {MODELS[kind]: tuple(found) for kind, found in by_kind.items()}
        )

        # Indexes the engine, the linter and the reports look rules up by.
        self.groups: Mapping[str, tuple[CountryGroup, ...]] = _by(
            self.of_kind(CountryGroup), "group"
        )
        self.classifications: Mapping[str, tuple[Classification, ...]] = _by(
            self.of_kind(Classification), "eccn"
        )
        self.chart_rows: Mapping[str, tuple[ChartRow, ...]] = _by(self.of_kind(ChartRow), "country")
        """Country Chart rows by country, in load order (`licence_determination` reads a
        country's rows for each item and place; scanning every row was most of its cost)."""
        self.entities: Mapping[str, Entity] = MappingProxyType(
            {e.id: e for e in self.of_kind(Entity)}
        )
        self.listings: Mapping[str, tuple[Listing, ...]] = _by(self.of_kind(Listing), "entity")
        licences: dict[str, list[GeneralLicence]] = {}
        for lic in self.of_kind(GeneralLicence):
            for listing_id in lic.listings:
                licences.setdefault(listing_id, []).append(lic)
        self.licences: Mapping[str, tuple[GeneralLicence, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in licences.items()}
        )
        candidates = []
        for entity in self.entities.values():
            candidates.append(NameCandidate(entity.id, entity.name))
            candidates += [NameCandidate(entity.id, a.name, a.verified) for a in entity.aliases]
        self.names = NameIndex(candidates, cutoff=matching.possible, readings=name_readings)
        """Every entity name and alias, indexed once: complete above ``matching.possible``."""
        self._in_force: dict[tuple[type[BaseRule], dt.date], tuple[BaseRule, ...]] = {}
        """`in_force`'s answers, by kind and day (a memo: the rule set itself never changes)."""
        self._memo: dict[Hashable, object] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the validated rules, not the derived indexes (some are not picklable, and
        rebuilding them is cheaper than shipping them), with the readings of the names that
        need transliteration tables, so a worker process never loads those to rebuild."""
        args = {k: _plain(v) for k, v in self._init_args.items()}
        args["name_readings"] = self.names.foreign_readings()
        return (_rebuild, (args,))

    def __repr__(self) -> str:
        return f"<RuleSet {self.name} {self.version} rules={len(self)} {self.fingerprint[:12]}>"

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def of_kind(self, model: type[_R]) -> tuple[_R, ...]:
        """The rules of ``model``'s kind (a model of `MODELS`, e.g. ``Embargo``), in the order
        they were loaded; official list entries are included (a ``ListedListing`` is a
        ``listing``). One dict lookup: the engine calls it once per kind and transaction."""
        return self._of_kind[model]  # type: ignore[return-value]

    def in_force(self, model: type[_R], day: dt.date) -> tuple[_R, ...]:
        """The rules of ``model``'s kind in force on ``day`` (`Dated.in_force`), in load order.

        Worked out once per kind and day and kept (for at most ``_DAYS_KEPT`` days' worth):
        the engine asks for each kind on every transaction, some 70 window tests a transaction
        for the same few days. Safe between threads: two may work out the same answer, never a
        wrong one, and a full memo is replaced whole, never emptied under a reader."""
        found = self._in_force.get((model, day))
        if found is None:
            memo = self._in_force
            if len(memo) >= _DAYS_KEPT * len(MODELS):
                memo = self._in_force = {}
            found = memo[model, day] = tuple(r for r in self.of_kind(model) if r.in_force(day))
        return found  # type: ignore[return-value]

    def memo(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """``compute()``, worked out once per ``key`` and kept with the rule set (at most
        ``_MEMO_KEPT`` entries): for what the engine derives from the rules alone, again and
        again, such as the countries a kind's rules in force reach on a day. ``compute`` must
        be a pure function of the rule set and ``key``, and ``key`` must name its user (e.g.
        ``("touching", Embargo, day)``). Thread-safe as `in_force` is."""
        memo = self._memo
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            if len(memo) >= _MEMO_KEPT:
                memo = self._memo = {}
            found = memo[key] = compute()
        return found  # type: ignore[return-value]

    def source(self, rule_id: str) -> str:
        """Where a rule is written, as ``file:line``."""
        return self._sources[rule_id]

    def where(self, rule_id: str, path: tuple[str | int, ...] = ()) -> tuple[str, int]:
        """The file and line of a key path inside a rule (``("members", 2, "to")``): the
        nearest written ancestor's line when the key itself is not written (a default)."""
        file, line = self._sources[rule_id].rsplit(":", 1)
        lines = self._positions.get(rule_id, {})
        while path:
            if path in lines:
                return file, lines[path]
            path = path[:-1]
        return file, int(line) if line.isdigit() else 0  # a list entry's row may be "results[4]"

    def search(
        self, name: str, *, country: str | None = None, limit: int = 10
    ) -> list[SearchMatch]:
        """The listed parties whose name or an alias matches ``name`` at or above the rule set's
        ``matching.possible`` threshold, best first (ties by entry id), at most ``limit``.

        ``country`` (ISO 3166-1 alpha-2) keeps only entries of that country, and entries whose
        country is not known (a filter must not hide a possible match). Each entry appears once,
        with the name that scored best (a verified one on a tie). Never scans every name.
        """
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        wanted = None if country is None else country.strip().upper()
        best: dict[str, SearchMatch] = {}
        for match in self.names.search(name, cutoff=self.matching.possible):
            entity = self.entities[match.key]
            if wanted is not None:
                # An entity from an official list may carry several countries, or none.
                known = {entity.country, *getattr(entity, "countries", ())} - {None}
                if known and wanted not in known:
                    continue
            prev = best.get(entity.id)
            if prev is not None and (prev.score, prev.verified) >= (match.score, match.verified):
                continue
            listings = self.listings.get(entity.id, ())
            lists = dict.fromkeys(listing.list for listing in listings)
            # A listing built from an official list entry carries the list's own id for it.
            own = [getattr(listing, "entry_id", None) for listing in listings]
            best[entity.id] = SearchMatch(
                entry_id=next((x for x in own if x), entity.id),
                list="; ".join(lists),
                name=entity.name,
                alias=None if match.name == entity.name else match.name,
                score=match.score,
                detail=match.detail,
                verified=match.verified,
            )
        found = sorted(best.values(), key=lambda m: (-m.score, m.entry_id))
        return found[:limit]

    def membership(self, destinations: Destinations, country: str, day: dt.date) -> Membership:
        """Is ``country`` in ``destinations`` on ``day``? Direct naming beats group membership;
        among groups a verified membership beats an unverified one."""
        if country in destinations.excluding:
            return Membership(False)
        if destinations.all or country in destinations.countries:
            return Membership(True)
        found: Membership | None = None
        for group_name in destinations.groups:
            for group in self.groups.get(group_name, ()):
                if not group.in_force(day):
                    continue
                for member in group.members:
                    if member.country == country and member.in_force(day):
                        verified = group.verified and member.verified
                        if found is None or (verified and not found.verified):
                            found = Membership(True, verified, group.id)
        return found or Membership(False)


_MISSING = object()


def _rebuild(init_args: dict[str, Any]) -> RuleSet:
    return RuleSet(**init_args)


def _plain(value: Any) -> Any:
    """Read-only mappings (not picklable) as dicts, however deeply nested in mappings."""
    if isinstance(value, MappingProxyType | dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _by(rules: tuple, attr: str) -> Mapping[str, tuple]:  # type: ignore[type-arg]
    out: dict[str, list[Rule]] = {}
    for rule in rules:
        out.setdefault(getattr(rule, attr), []).append(rule)
    return MappingProxyType({k: tuple(v) for k, v in out.items()})
