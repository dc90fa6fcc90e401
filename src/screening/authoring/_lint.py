"""Lint: things in a rule set that load fine but are probably not what the author meant.

`lint` is a pure function over a loaded `RuleSet`: it returns located warnings and changes
nothing. Warnings never stop a rule set from loading (`screening rules check` prints them and
fails only with ``--strict``). A rule can accept a warning its author has looked at with
``accept_warnings: [code]``; an accepted warning is still returned, marked ``accepted``.

The checks are the lint column of the rule-kind registry: `LINT_CHECKS` lists each kind's own
checks, by kind; a few checks (verification, citations) read every rule whatever its kind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar, get_args

from ..errors import Problem
from ..models import Outcome
from ..names import normalize
from ..rules import (
    CountryGroup,
    Dated,
    DeMinimis,
    DirectProduct,
    Embargo,
    Entity,
    GeneralLicence,
    ItemControl,
    LintCode,
    ListedEntity,
    ListedListing,
    Listing,
    NoDeMinimis,
    Rule,
    RuleSet,
)

__all__ = ["CODES", "LINT_CHECKS", "LintWarning", "lint"]

CODES: dict[str, str] = {
    "overlapping-windows": "two rules (or memberships) for the same thing are in force on the "
    "same days: the same listed party on the same list, an embargo on the same country, two "
    "classifications of one ECCN, or one country in one group twice",
    "unverified-block": "a rule marked verified: false would block: screening gives at most "
    "review from it, since unverified facts never block alone",
    "unverified-text": "a rule marked verified (the default) whose citation, title or note says "
    "UNVERIFIED: a block may rest on a fact nobody confirmed",
    "no-citation": "a rule without a citation, or with a placeholder (TODO, TBD, ?) for one",
    "entity-not-listed": "an entity no listing refers to: its names are never screened",
    "licence-outside-listing": "a general licence naming a listing that is not in force on any "
    "day the licence is",
    "duplicate-name": "two entities share a name or alias: one match fires both",
    "reason-not-classified": "an item control for a reason for control that no classification "
    "has, so it never matches an ECCN",
    "unused-group": "a country group that no de minimis, item-control or foreign direct product "
    "rule uses",
    "unused-acceptance": "accept_warnings names a warning the rule does not get",
    "unverified-end": "a blocking rule (or group membership) whose end date is marked "
    "to_verified: false: screening keeps it in force after that date, as last verified",
}
"""Every warning code with what it means, in the words of the help and the README."""

assert set(CODES) == set(get_args(LintCode)), "lint codes and the schema's LintCode differ"

_PLACEHOLDER = re.compile(r"^\W*(todo|tbd|tba|fixme|xxx|none|n/?a|unknown|citation needed)?\W*$")
_UNVERIFIED = re.compile(r"\bunverified\b", re.IGNORECASE)
_TEXT_FIELDS = ("citation", "title", "note")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class LintWarning:
    """One warning, located like a load-time problem, with its code."""

    code: str
    message: str
    file: str
    line: int
    rule_id: str
    path: str | None = None
    accepted: bool = False
    """True when the rule lists ``code`` under ``accept_warnings``."""

    def __str__(self) -> str:
        where = Problem(self.message, self.file, self.line, self.rule_id, self.path)
        return f"{where} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "rule_id": self.rule_id,
            "path": self.path,
            "accepted": self.accepted,
        }


@dataclass(frozen=True, slots=True)
class _Raw:
    code: str
    rule: Rule
    path: tuple[str | int, ...]
    message: str


class _HandWritten:
    """A view of a rule set without the entries of official lists: those are data, checked when
    the list is read, and linting tens of thousands of them pairwise would take minutes."""

    def __init__(self, rules: RuleSet) -> None:
        self._rules = rules
        self._own = tuple(r for r in rules if not isinstance(r, ListedEntity | ListedListing))
        self.entities = {k: e for k, e in rules.entities.items() if not isinstance(e, ListedEntity)}
        self.listings = {
            k: tuple(x for x in v if not isinstance(x, ListedListing))
            for k, v in rules.listings.items()
            if k in self.entities
        }

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._own)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rules, name)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]


def lint(rules: RuleSet) -> tuple[LintWarning, ...]:
    """Every warning for ``rules``, sorted by file, line and code. Only hand-written rules are
    linted; the entries of official lists are checked when the lists are read."""
    rules = _HandWritten(rules)  # type: ignore[assignment]
    checks = (*_EVERY_KIND, *(check for kind in LINT_CHECKS.values() for check in kind))
    raw = [warning for check in checks for warning in check(rules)]
    fired: set[tuple[str, str]] = {(w.rule.id, w.code) for w in raw}
    for rule in rules:
        for i, code in enumerate(rule.accept_warnings):
            if (rule.id, code) not in fired:
                raw.append(
                    _Raw(
                        "unused-acceptance",
                        rule,
                        ("accept_warnings", i),
                        f"accepts '{code}', but this rule gets no such warning: remove it",
                    )
                )
    out = []
    for w in raw:
        file, line = rules.where(w.rule.id, w.path)
        out.append(
            LintWarning(
                code=w.code,
                message=w.message,
                file=file,
                line=line,
                rule_id=w.rule.id,
                path=_dotted(w.path),
                accepted=w.code in w.rule.accept_warnings,
            )
        )
    return tuple(sorted(out, key=lambda w: (w.file, w.line, w.code, w.rule_id, w.message)))


def _dotted(path: tuple[str | int, ...]) -> str | None:
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return text or None


# --- windows ---------------------------------------------------------------------------------

_EARLIEST = dt.date.min
_LATEST = dt.date.max


def _overlap(a: Dated, b: Dated) -> tuple[dt.date, dt.date] | None:
    """The days both windows share (first, last), or None."""
    first = max(a.start or _EARLIEST, b.start or _EARLIEST)
    last = min(a.end or _LATEST, b.end or _LATEST)
    return (first, last) if first <= last else None


def _window(first: dt.date, last: dt.date) -> str:
    if first == _EARLIEST and last == _LATEST:
        return "on every day"
    if first == _EARLIEST:
        return f"up to {last}"
    if last == _LATEST:
        return f"from {first} on"
    return f"from {first} to {last}" if first != last else f"on {first}"


def _start_path(rule: Dated) -> tuple[str, ...]:
    return ("from",) if rule.start is not None else ()


def _pairs(items: list[_T]) -> Iterator[tuple[_T, _T]]:
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            yield a, b


_OVERLAP = "overlapping-windows"


def _listing_overlaps(rules: RuleSet) -> Iterator[_Raw]:
    """Two listings of one entity on one list in force on the same days."""
    listings = [r for r in rules if isinstance(r, Listing)]
    for a, b in _pairs(listings):
        if a.entity != b.entity or normalize(a.list) != normalize(b.list):
            continue
        days = _overlap(a, b)
        if days is not None:
            yield _Raw(
                _OVERLAP,
                b,
                _start_path(b),
                f"in force {_window(*days)} together with '{a.id}', for the same entity "
                f"'{b.entity}' on the same list ({b.list}): one match gives two hits",
            )


def _embargo_overlaps(rules: RuleSet) -> Iterator[_Raw]:
    """Two embargoes on one country or region in force on the same days."""
    for ea, eb in _pairs(list(rules.of_kind(Embargo))):
        shared = sorted(set(ea.countries) & set(eb.countries))
        if ea.region is not None and eb.region is not None and ea.region.name == eb.region.name:
            shared.append(ea.region.name)
        days = _overlap(ea, eb) if shared else None
        if days is not None:
            yield _Raw(
                _OVERLAP,
                eb,
                _start_path(eb),
                f"in force {_window(*days)} together with '{ea.id}', an embargo on the same "
                f"place ({', '.join(shared)})",
            )


def _member_overlaps(rules: RuleSet) -> Iterator[_Raw]:
    """One country in one country group twice on the same days."""
    for group_name, groups in sorted(rules.groups.items()):
        members = [(g, i, m) for g in groups for i, m in enumerate(g.members)]
        for (ga, _, ma), (gb, ib, mb) in _pairs(members):
            if ma.country != mb.country:
                continue
            days = _overlap(ma, mb)
            both = _overlap(ga, gb)  # the groups' own windows bound their members'
            if days is None or both is None:
                continue
            first, last = max(days[0], both[0]), min(days[1], both[1])
            if first <= last:
                also = f" (also in '{ga.id}')" if ga.id != gb.id else ""
                yield _Raw(
                    _OVERLAP,
                    gb,
                    ("members", ib, "country"),
                    f"{mb.country} is a member of {group_name} twice {_window(first, last)}{also}",
                )


# --- unverified facts ------------------------------------------------------------------------


def _own_outcome_blocks(rule: Rule) -> bool | None:
    """Would this rule give a block (before the unverified downgrade)? None for kinds with
    no outcome of their own (entities, classifications, de minimis levels, country groups):
    they feed the decisions of blocking rules."""
    if isinstance(rule, Listing):
        return Outcome.BLOCK in (rule.outcome, rule.other_roles)
    outcome = getattr(rule, "outcome", None)
    return None if outcome is None else outcome is Outcome.BLOCK


def _unverified(rules: RuleSet) -> Iterator[_Raw]:
    for rule in rules:
        blocks = _own_outcome_blocks(rule)
        if not rule.verified and blocks:
            yield _Raw(
                "unverified-block",
                rule,
                ("verified",),
                "marked verified: false with outcome block: screening gives at most review "
                "from this rule; if that is intended, accept this warning, else confirm the fact",
            )
        if not rule.verified or blocks is False:
            continue
        for field in _TEXT_FIELDS:
            text = getattr(rule, field, None)
            if text and _UNVERIFIED.search(text):
                yield _Raw(
                    "unverified-text",
                    rule,
                    (field,),
                    f"marked verified, but its {field} says UNVERIFIED: set verified: false if "
                    "a block would rest on the unconfirmed fact",
                )
        parts: list[tuple[str, tuple[object, ...]]] = []
        if isinstance(rule, CountryGroup):
            parts.append(("members", rule.members))
        if isinstance(rule, Entity):
            parts.append(("aliases", rule.aliases))
        for name, entries in parts:
            for i, entry in enumerate(entries):
                if not getattr(entry, "verified", True):
                    continue
                for field in ("citation", "note"):
                    text = getattr(entry, field, None)
                    if text and _UNVERIFIED.search(text):
                        yield _Raw(
                            "unverified-text",
                            rule,
                            (name, i, field),
                            f"{name}[{i}] is marked verified, but its {field} says UNVERIFIED: "
                            "set verified: false on it if the fact is unconfirmed",
                        )


# --- citations, listings, licences -----------------------------------------------------------


def _citations(rules: RuleSet) -> Iterator[_Raw]:
    for rule in rules:
        citation = rule.citation
        if citation is None:
            yield _Raw(
                "no-citation",
                rule,
                (),
                f"no citation: say where this {rule.kind.replace('_', ' ')} comes from",
            )
        elif _PLACEHOLDER.match(citation.lower()):
            yield _Raw(
                "no-citation",
                rule,
                ("citation",),
                f"citation '{citation}' is a placeholder: cite the source",
            )


def _unlisted(rules: RuleSet) -> Iterator[_Raw]:
    for entity in rules.entities.values():
        if entity.id not in rules.listings:
            yield _Raw(
                "entity-not-listed",
                entity,
                (),
                "no listing refers to this entity, so its names are never screened",
            )


def _licences(rules: RuleSet) -> Iterator[_Raw]:
    for rule in rules:
        if not isinstance(rule, GeneralLicence):
            continue
        for i, listing_id in enumerate(rule.listings):
            if listing_id not in rules:  # only a hand-built RuleSet can lack it
                continue
            listing = rules[listing_id]
            if isinstance(listing, Listing) and _overlap(rule, listing) is None:
                yield _Raw(
                    "licence-outside-listing",
                    rule,
                    ("listings", i),
                    f"listing '{listing_id}' is not in force on any day of this licence "
                    f"({_window(rule.start or _EARLIEST, rule.end or _LATEST)}): it relaxes "
                    "nothing",
                )


def _duplicate_names(rules: RuleSet) -> Iterator[_Raw]:
    seen: dict[str, Entity] = {}
    for entity in rules.entities.values():
        names: list[tuple[tuple[str | int, ...], str]] = [(("name",), entity.name)]
        names += [(("aliases", i, "name"), a.name) for i, a in enumerate(entity.aliases)]
        for path, name in names:
            key = normalize(name)
            if not key:
                continue
            other = seen.setdefault(key, entity)
            if other.id != entity.id:
                yield _Raw(
                    "duplicate-name",
                    entity,
                    path,
                    f"'{name}' is also a name of entity '{other.id}': a match on it fires both",
                )


def _unclassified_reasons(rules: RuleSet) -> Iterator[_Raw]:
    known = {r for entries in rules.classifications.values() for c in entries for r in c.reasons}
    for rule in rules.of_kind(ItemControl):
        for i, reason in enumerate(rule.reasons):
            if reason not in known:
                yield _Raw(
                    "reason-not-classified",
                    rule,
                    ("reasons", i),
                    f"no classification is controlled for '{reason}', so this never matches "
                    "an ECCN",
                )


def _unused_groups(rules: RuleSet) -> Iterator[_Raw]:
    used: set[str] = set()
    for rule in rules:
        destinations = getattr(rule, "destinations", None)
        if isinstance(rule, DeMinimis | ItemControl | NoDeMinimis | DirectProduct) and destinations:
            used.update(destinations.groups)
    for name, groups in sorted(rules.groups.items()):
        if name not in used:
            for group in groups:
                yield _Raw(
                    "unused-group",
                    group,
                    ("group",),
                    f"no de minimis, item-control or direct product rule uses group {name}",
                )


# --- the lint column of the rule-kind registry ---------------------------------------------

_Check = Callable[[RuleSet], Iterator[_Raw]]


def _unverified_ends(rules: RuleSet) -> Iterator[_Raw]:
    """A blocking rule (or a member of a group) whose end is marked ``to_verified: false``:
    screening keeps it in force after ``to``; the author should know, and confirm the end."""
    for rule in rules:
        if not rule.to_verified and _own_outcome_blocks(rule) is not False:
            yield _Raw(
                "unverified-end",
                rule,
                ("to_verified",),
                f"its end ({rule.end}) is marked to_verified: false: screening keeps it in force "
                "after that day, as last verified; confirm the end in a primary source",
            )
        if isinstance(rule, CountryGroup):
            for i, member in enumerate(rule.members):
                if not member.to_verified:
                    yield _Raw(
                        "unverified-end",
                        rule,
                        ("members", i, "to_verified"),
                        f"members[{i}] ({member.country}) has an end ({member.end}) marked "
                        "to_verified: false: the membership is kept after that day",
                    )


_EVERY_KIND: tuple[_Check, ...] = (_unverified, _unverified_ends, _citations)
"""Checks that read every rule, whatever its kind."""

LINT_CHECKS: Mapping[str, tuple[_Check, ...]] = MappingProxyType(
    {
        "country_group": (_member_overlaps, _unused_groups),
        "embargo": (_embargo_overlaps,),
        "de_minimis": (),
        "no_de_minimis": (),
        "content_threshold": (),
        "direct_product": (),
        "category": (),
        # Overlapping classifications of one ECCN are a load error (loading.py), not a warning.
        "classification": (),
        "country_chart": (),
        "item_control": (_unclassified_reasons,),
        "entity": (_unlisted, _duplicate_names),
        "listing": (_listing_overlaps,),
        "list_policy": (),
        "general_licence": (_licences,),
        "transshipment": (),
        "destination_mismatch": (),
        "missing_party": (),
        "end_use": (),
        "us_person_reach": (),
        "ownership": (),
        "ownership_rule": (),
        "address_place": (),
        "listed_text": (),
        "hts_list": (),
        "country_licence": (),
        "end_user_control": (),
    }
)
"""Each rule kind's own lint checks, by kind (every kind has a row, maybe empty); the checks in
``_EVERY_KIND`` (verification, citations) run over every rule on top of these."""
