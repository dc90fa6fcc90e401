"""Turning list entries into rules: each entry becomes an entity and a listing under the
`ListPolicy` for its source list, so the engine screens list entries like hand-written ones.

An entry whose list has no policy (and no catch-all ``lists: ["*"]``) is a load error, never
silently skipped. Ids are ``<family>-<list>-<entry id>`` (``csl-el-f7d0f4...``), the listing's;
the entity's adds ``.party``. Each listing cites the entry's Federal Register notice (or the
list and its address when there is none), then the policy's citation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import cast

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from ..lists.model import ListEntry, ListFile
from ..models import ListVersion
from ._schema import ListedEntity, ListedListing, ListPolicy

__all__ = ["ListRules", "list_rules", "rule_id"]

_ID_OK = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_MAX_ID = 72  # leaves room for ".party" within the 80 characters a rule id may have


@dataclass(frozen=True, slots=True)
class ListRules:
    """The rules built from some list files, where each comes from, and the lists' versions."""

    entities: tuple[ListedEntity, ...]
    listings: tuple[ListedListing, ...]
    sources: dict[str, str]
    versions: tuple[ListVersion, ...]
    problems: tuple[Problem, ...]


def rule_id(family: str, entry: ListEntry) -> str:
    """The rule id of an entry's listing: readable when the entry's id allows, hashed if not."""
    text = f"{family}-{entry.list}-{entry.id}".lower()
    if len(text) <= _MAX_ID and _ID_OK.match(text):
        return text
    digest = hashlib.sha256(entry.id.encode("utf-8")).hexdigest()[:24]
    return f"{family}-{entry.list}-h{digest}".lower()[:_MAX_ID]


def _citation(entry: ListEntry, policy: ListPolicy) -> str:
    if entry.federal_register_notice:
        return f"{entry.federal_register_notice}; {policy.citation}"
    where = entry.source_url or policy.url
    listed = entry.list_name + (f" ({entry.regime})" if entry.regime else "")
    listed += f", {where}" if where else ""
    return f"{listed}; {policy.citation}"


class _Policies:
    """The policy for an entry: one for its list and one of its regimes, else one for its list,
    else the catch-all. Where an entry's regimes have different policies, the strictest wins
    (fail closed)."""

    def __init__(self, policies: Sequence[ListPolicy]) -> None:
        self.by_code: dict[str, ListPolicy] = {}
        self.by_regime: dict[tuple[str, str], ListPolicy] = {}
        for p in policies:
            for code in p.lists:
                if p.regimes:
                    for regime in p.regimes:
                        self.by_regime[(code, regime.casefold())] = p
                else:
                    self.by_code[code] = p  # the last, as before regimes

    def __call__(self, entry: ListEntry) -> ListPolicy | None:
        if self.by_regime:
            found = [
                p
                for regime in entry.programs
                if (p := self.by_regime.get((entry.list, regime.casefold()))) is not None
            ]
            if found:
                return max(found, key=lambda p: p.outcome.rank)
        return self.by_code.get(entry.list) or self.by_code.get("*")


def list_rules(files: Sequence[ListFile], policies: Sequence[ListPolicy]) -> ListRules:
    """Entities and listings for every entry of ``files`` under ``policies``.

    Problems (entries of a list without a policy, an entry loaded twice from two files) are
    returned, not raised, so the caller can report them with every other load problem.
    """
    policy_for = _Policies(policies)
    entities: list[ListedEntity] = []
    listings: list[ListedListing] = []
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    share = _Shared()
    for listed in files:
        uncovered: dict[str, tuple[ListEntry, int]] = {}
        version = listed.sha256
        for entry in listed.entries:
            policy = policy_for(entry)
            if policy is None:
                first, count = uncovered.get(entry.list, (entry, 0))
                uncovered[entry.list] = (first, count + 1)
                continue
            listing_id = rule_id(listed.family, entry)
            where = f"{listed.primary}:{entry.row}"
            if listing_id in owner:
                problems.append(
                    _problem(
                        listed,
                        entry,
                        f"entry {entry.list} {entry.id} is also in {owner[listing_id]}: "
                        "load one version of a list at a time",
                    )
                )
                continue
            owner[listing_id] = where
            entity_id = f"{listing_id}.party"
            citation = _citation(entry, policy)
            try:
                entity = ListedEntity.model_validate(
                    {
                        "id": entity_id,
                        "kind": "entity",
                        "name": entry.name,
                        "aliases": _aliases(entry),
                        "addresses": entry.addresses,
                        "country": entry.countries[0] if entry.countries else None,
                        "countries": entry.countries,
                        "birth_dates": entry.birth_dates,
                        "identifiers": entry.identifiers,
                        "citation": citation,
                    }
                )
                listing = ListedListing.model_validate(
                    {
                        "id": listing_id,
                        "kind": "listing",
                        "entity": entity_id,
                        "list": entry.list_name,
                        "from": entry.start,
                        "to": entry.end,
                        "outcome": policy.outcome,
                        "roles": policy.roles,
                        "other_roles": policy.other_roles,
                        "items": policy.items,
                        "licence_requirement": entry.licence_requirement
                        or policy.licence_requirement,
                        "licence_policy": entry.licence_policy or policy.licence_policy,
                        "citation": citation,
                        "verified": policy.verified,
                        "note": policy.note,
                        "entry_id": entry.id,
                        "list_code": entry.list,
                        "list_file": listed.path,
                        "list_version": version,
                        "policy": policy.id,
                        "federal_register_notice": entry.federal_register_notice,
                    }
                )
            except ValidationError as exc:  # the parsers validate; this is a last guard
                first_error = exc.errors(include_url=False)[0]
                field = ".".join(str(p) for p in first_error["loc"])
                problems.append(_problem(listed, entry, f"{field}: {first_error['msg']}"))
                continue
            share(entity)
            share(listing)
            entities.append(entity)
            listings.append(listing)
            sources[listing_id] = where
            sources[entity_id] = where
        for code, (first, count) in uncovered.items():  # in order of first appearance
            problems.append(
                _problem(
                    listed,
                    first,
                    f"{count} {'entry' if count == 1 else 'entries'} of list '{code}' "
                    f"({first.list_name}) without a list_policy "
                    f"(this is the first): add a list_policy rule with lists: [{code}], or a "
                    "catch-all with lists: ['*']",
                )
            )
    versions = tuple(
        ListVersion(
            file=f.path,
            format=f.format,
            sha256=f.sha256,
            entries=len(f.entries),
            fetched_at=f.fetched_at,
            url=f.url,
        )
        for f in files
    )
    return ListRules(
        entities=tuple(entities),
        listings=tuple(listings),
        sources=sources,
        versions=versions,
        problems=tuple(problems),
    )


def _aliases(entry: ListEntry) -> tuple[str | dict[str, object], ...]:
    """The entry's aliases; a weak one is marked unverified, so it can raise a review but
    never a block on its own, and says why."""
    if not entry.weak_aliases:
        return entry.aliases
    note = f"a weak alias: {entry.list_name} rates it of low quality"
    weak = tuple({"name": a, "verified": False, "note": note} for a in entry.weak_aliases)
    return (*entry.aliases, *weak)


class _Shared:
    """One object for each of the values the entries' models repeat. Pydantic gives every
    instance its own set of field names (a hash table of some twenty names, 2 KB a listing,
    40 MB for the CSL), and its own copy of every text it strips (`Text`): the citation, the
    policy's licence requirement and the list version of each listing, countries, ... (19 MB
    on the combined lists). The models are frozen, so nothing changes a shared value (a copy
    gets a copy of it); equal values are shared, so every field reads the same."""

    __slots__ = ("_dates", "_layouts", "_shapes", "_texts", "_tuples")

    def __init__(self) -> None:
        self._shapes: dict[frozenset[str], set[str]] = {}
        self._texts: dict[str, str] = {}
        self._dates: dict[dt.date, dt.date] = {}
        self._tuples: dict[object, tuple[object, ...]] = {}
        self._layouts: dict[tuple[str, ...], type] = {}

    def __call__(self, model: BaseModel) -> None:
        """Share ``model``'s field set and values (and its aliases') with the models before."""
        own = model.__pydantic_fields_set__
        shared = self._shapes.setdefault(frozenset(own), own)
        object.__setattr__(model, "__pydantic_fields_set__", shared)
        values = model.__dict__
        holder = self._holder(tuple(values))
        texts, dates = self._texts.setdefault, self._dates.setdefault
        for name, value in values.items():
            kind = type(value)
            if kind is str:
                value = texts(value, value)
            elif kind is tuple:
                value = self._tuple(value)
            elif kind is dt.date:
                value = dates(value, value)
            setattr(holder, name, value)
        object.__setattr__(model, "__dict__", holder.__dict__)
        for alias in getattr(model, "aliases", ()):
            self(alias)

    def _holder(self, keys: tuple[str, ...]) -> object:
        """An empty instance of the plain class kept for this layout of fields, whose dict
        will share its table of keys with the other models of the layout. CPython keeps the
        attributes of instances of one class in dicts with one table of keys (PEP 412), a
        third of the size of a dict of its own (a listing's 24 fields: 300 bytes, not 840),
        but pydantic gives each model a dict of its own. Any Python that makes no such dict
        gives a dict of its own, equal all the same."""
        layout = self._layouts.get(keys)
        if layout is None:
            layout = self._layouts[keys] = type("_Fields", (), {"__slots__": ("__dict__",)})
        return layout()

    def _tuple(self, value: tuple[object, ...]) -> tuple[object, ...]:
        """The one tuple equal to ``value`` with items of the same types (a text equals the
        `StrEnum` member of that text), its texts shared; a tuple of anything else as is."""
        if all(type(v) is str for v in value):
            text, texts = self._texts.setdefault, cast(tuple[str, ...], value)
            return self._tuples.setdefault(value, tuple([text(v, v) for v in texts]))
        if all(isinstance(v, Enum) for v in value):
            return self._tuples.setdefault((tuple(map(type, value)), value), value)
        return value


def _problem(listed: ListFile, entry: ListEntry, message: str) -> Problem:
    if entry.row.isdigit():
        return Problem(message, file=listed.primary, line=int(entry.row))
    return Problem(message, file=listed.primary, path=entry.row or None)
