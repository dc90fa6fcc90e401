"""A loaded, validated and indexed rule set: what `screen` evaluates against.

Built once by `load_rules`; immutable afterwards and safe to share between threads. It pickles
as the validated rules it was built from and rebuilds its indexes on unpickling, so it can be
shipped once to each worker process (batch screening, Dask) without re-reading any file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .models import ListVersion
from .names import NameCandidate, NameIndex
from .schema import (
    Classification,
    CountryGroup,
    DeMinimis,
    DestinationMismatch,
    Destinations,
    Embargo,
    EndUse,
    Entity,
    GeneralLicence,
    ItemControl,
    Listing,
    ListPolicy,
    Matching,
    MissingParty,
    Rule,
    Transshipment,
)

__all__ = ["Membership", "RuleSet"]


@dataclass(frozen=True, slots=True)
class Membership:
    """Whether a country is in a destination set on a day, and whether that is verified."""

    member: bool
    verified: bool = True
    via: str | None = None


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
    ) -> None:
        # Everything __init__ was given, for pickling (see __reduce__). Taken from locals() so a
        # parameter added later is pickled too without anyone having to remember this line.
        self._init_args: dict[str, Any] = {k: v for k, v in locals().items() if k != "self"}
        self.name = name
        self.version = version
        self.covers_from = covers_from
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

        def of(kind: type) -> tuple:  # type: ignore[type-arg]
            return tuple(r for r in rules if isinstance(r, kind))

        self.embargoes: tuple[Embargo, ...] = of(Embargo)
        self.de_minimis: tuple[DeMinimis, ...] = of(DeMinimis)
        self.item_controls: tuple[ItemControl, ...] = of(ItemControl)
        self.transshipment: tuple[Transshipment, ...] = of(Transshipment)
        self.destination_mismatch: tuple[DestinationMismatch, ...] = of(DestinationMismatch)
        self.missing_party: tuple[MissingParty, ...] = of(MissingParty)
        self.end_use: tuple[EndUse, ...] = of(EndUse)
        self.list_policies: tuple[ListPolicy, ...] = of(ListPolicy)
        self.groups: Mapping[str, tuple[CountryGroup, ...]] = _by(of(CountryGroup), "group")
        self.classifications: Mapping[str, tuple[Classification, ...]] = _by(
            of(Classification), "eccn"
        )
        self.entities: Mapping[str, Entity] = MappingProxyType({e.id: e for e in of(Entity)})
        self.listings: Mapping[str, tuple[Listing, ...]] = _by(of(Listing), "entity")
        licences: dict[str, list[GeneralLicence]] = {}
        for lic in of(GeneralLicence):
            for listing_id in lic.listings:
                licences.setdefault(listing_id, []).append(lic)
        self.licences: Mapping[str, tuple[GeneralLicence, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in licences.items()}
        )
        candidates = []
        for entity in self.entities.values():
            candidates.append(NameCandidate(entity.id, entity.name))
            candidates += [NameCandidate(entity.id, a.name, a.verified) for a in entity.aliases]
        self.names = NameIndex(candidates)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the validated rules, not the derived indexes (some are not picklable, and
        rebuilding them is cheaper than shipping them)."""
        return (_rebuild, ({k: _plain(v) for k, v in self._init_args.items()},))

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

    def membership(self, destinations: Destinations, country: str, day: dt.date) -> Membership:
        """Is ``country`` in ``destinations`` on ``day``? Direct naming beats group membership;
        among groups a verified membership beats an unverified one."""
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
