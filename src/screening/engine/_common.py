"""What every evaluator shares: the evaluation context, places, reach and hits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._io.countries import country_name
from ..models import Hit, ItemStatus, Jurisdiction, Outcome, Party, Role, Transaction
from ..names import fold_text
from ..rules import BaseRule, Dated, ItemScope, RuleSet

if TYPE_CHECKING:
    from ._cache import PartyCache

RECEIVING = (Role.BUYER, Role.CONSIGNEE, Role.INTERMEDIATE_CONSIGNEE, Role.END_USER)
"""Roles whose country is a destination of the goods (for de minimis and licence checks)."""


@dataclass(frozen=True, slots=True)
class Place:
    """A place the transaction touches: a country (or region) and the field that says so."""

    code: str
    field: str
    label: str


@dataclass(frozen=True, slots=True)
class Reach:
    """Which items a rule reaches, and the cap on its outcome when that is uncertain."""

    items: tuple[int, ...]
    cap: Outcome
    note: str | None
    verified: bool = True


@dataclass(frozen=True, slots=True)
class Context:
    """One evaluation: the transaction, the rule set, the day, and each item's jurisdiction
    (worked out once, before any evaluator runs)."""

    tx: Transaction
    rules: RuleSet
    day: dt.date
    statuses: tuple[ItemStatus, ...]
    receiving: tuple[Place, ...]
    """`receiving_countries` of the transaction, worked out once (several kinds read it for
    each of their rules: it was 14 calls a transaction)."""
    touched: frozenset[str]
    """`touched_countries` of the transaction, worked out once: a rule of a country or region
    none of these is in cannot find a place in it (`embargo_places`, 23 calls a transaction,
    mostly for nothing)."""
    cache: PartyCache | None = None
    """Where party name searches are memoised (`PartyCache`), or None to search every time."""


Evaluator = Callable[[Context], list[Hit]]
"""A rule kind's evaluator: the hits of every rule of its kind (`RuleSet.of_kind`) in force on
the context's day. Pure: no I/O, no clock, nothing mutated."""


def hit_for(
    rules: RuleSet,
    rule: BaseRule,
    outcome: Outcome,
    message: str,
    *,
    field: str | None = None,
    party: str | None = None,
    item: str | None = None,
    matched_name: str | None = None,
    listed_name: str | None = None,
    list_name: str | None = None,
    list_entry: str | None = None,
    list_version: str | None = None,
    score: float | None = None,
    verified: bool = True,
    evidence: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> Hit:
    """A hit for ``rule``; a block that rests on an unverified fact becomes a review."""
    verified = verified and rule.verified
    if not verified and outcome is Outcome.BLOCK:
        outcome = Outcome.REVIEW
        notes += ("Would block, but rests on a fact not confirmed by a primary source.",)
    if rule.note:
        notes += (rule.note,)
    return Hit(
        rule_id=rule.id,
        kind=rule.kind,
        outcome=outcome,
        citation=rule.citation or "",
        message=message,
        source=rules.source(rule.id),
        field=field,
        party=party,
        item=item,
        matched_name=matched_name,
        listed_name=listed_name,
        list=list_name,
        list_entry=list_entry,
        list_version=list_version,
        score=score,
        verified=verified,
        evidence=evidence,
        notes=notes,
    )


def cap(outcome: Outcome, cap: Outcome) -> Outcome:
    return outcome if outcome.rank <= cap.rank else cap


def party_label(party: Party) -> str:
    return f"{party.role} '{party.name}' ({party.country})"


def place_name(code: str) -> str:
    return f"{country_name(code)} ({code})"


def touched_countries(tx: Transaction) -> frozenset[str]:
    """Every country the transaction touches: its destination, its route, its parties'."""
    return frozenset((tx.destination, *tx.route, *(p.country for p in tx.parties)))


def receiving_countries(tx: Transaction) -> list[Place]:
    places = [Place(tx.destination, "destination", f"destination {place_name(tx.destination)}")]
    for i, party in enumerate(tx.parties):
        if party.role in RECEIVING:
            places.append(Place(party.country, f"parties[{i}].country", f"{party_label(party)}"))
    return places


def reach_of(statuses: tuple[ItemStatus, ...], scope: ItemScope) -> Reach | None:
    if scope is ItemScope.ALL:
        return Reach(tuple(s.index for s in statuses), Outcome.BLOCK, None)
    subject = tuple(s.index for s in statuses if s.jurisdiction is Jurisdiction.SUBJECT)
    if subject:
        unverified = [s for s in statuses if s.index in subject and not s.verified]
        if len(unverified) == len(subject):
            note = "Whether the items are subject to the EAR rests on an unverified fact."
            return Reach(subject, Outcome.REVIEW, note, verified=False)
        return Reach(subject, Outcome.BLOCK, None)
    unknown = [s for s in statuses if s.jurisdiction is Jurisdiction.UNKNOWN]
    if unknown:
        what = "; ".join(f"items[{s.index}] '{s.description}': {s.reason}" for s in unknown)
        return Reach(
            tuple(s.index for s in unknown),
            Outcome.REVIEW,
            f"Cannot tell whether the items are subject to the EAR ({what}).",
        )
    return None


def items_label(tx: Transaction, indexes: Iterable[int]) -> str:
    return ", ".join(f"items[{i}] '{tx.items[i].description}'" for i in indexes)


def contains_term(folded_text: str, term: str) -> bool:
    """Whole-word match for short terms ("IRGC", "Kerch"); longer terms also match inside a
    compound word ("paramilitary"), since missing one is worse than a spare review."""
    folded = fold_text(term)
    if len(folded) >= 6:
        return folded in folded_text
    return re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", folded_text) is not None


def kept_notes(rule: Dated, day: dt.date) -> tuple[str, ...]:
    """A note when ``rule`` is in force on ``day`` only because its end is unverified."""
    if rule.kept_past_end(day):
        return (
            f"Kept in force after {rule.end}: the end of this restriction is not confirmed by a "
            "primary source, so its last verified state holds.",
        )
    return ()
