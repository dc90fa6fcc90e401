"""The ``embargo`` kind: comprehensive embargoes on countries and regions."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from ..models import Hit, Outcome, Transaction
from ..names import fold_text
from ..rules import Embargo, RuleSet, UsPersonReach
from ._common import (
    RECEIVING,
    Context,
    Place,
    cap,
    contains_term,
    hit_for,
    items_label,
    kept_notes,
    party_label,
    place_name,
    reach_of,
)
from ._content import without_food_medicine

_Reaching = TypeVar("_Reaching", Embargo, UsPersonReach)


def touching(
    rules: RuleSet, model: type[_Reaching], day: dt.date, touched: frozenset[str]
) -> list[_Reaching]:
    """The rules of ``model`` in force on ``day`` whose countries or region ``touched`` (the
    transaction's `touched_countries`) meets: any other finds no place in the transaction
    (`embargo_places`), nor a region it cannot rule out (`_region_unknowns`), so gives no hit.
    Most rules, for most transactions: set aside here before any other work on them, most
    often all at once (none of the countries the kind's rules reach that day is touched)."""
    key = ("touching", model, day)
    if touched.isdisjoint(rules.memo(key, lambda: _reached(rules.in_force(model, day)))):
        return []
    return [
        rule
        for rule in rules.in_force(model, day)
        if not touched.isdisjoint(
            rule.region.countries if rule.region is not None else rule.countries
        )
    ]


def _reached(rules: tuple[Embargo | UsPersonReach, ...]) -> frozenset[str]:
    """Every country ``rules`` reach, by name or by region."""
    return frozenset(
        code
        for rule in rules
        for code in (rule.region.countries if rule.region is not None else rule.countries)
    )


def embargo_places(
    tx: Transaction,
    rule: Embargo | UsPersonReach,
    touched: frozenset[str] | None = None,
) -> list[Place]:
    """The places of ``tx`` in the rule's countries or region (destination, route, parties).
    ``touched``: `touched_countries` of ``tx`` when known, to answer at once for a rule whose
    countries the transaction does not touch (most rules, for most transactions)."""
    if touched is not None and touched.isdisjoint(
        rule.region.countries if rule.region is not None else rule.countries
    ):
        return []
    places: list[Place] = []
    if rule.region is not None:
        region = rule.region
        for i, party in enumerate(tx.parties):
            if "parties" not in rule.checks or party.address is None:
                continue
            if party.country not in region.countries:
                continue
            folded = fold_text(party.address)
            term = next((t for t in region.address_terms if contains_term(folded, t)), None)
            if term is not None:
                places.append(
                    Place(
                        region.name,
                        f"parties[{i}].address",
                        f"{party_label(party)} with an address in {region.name} ('{term}')",
                    )
                )
        return places
    targets = set(rule.countries)
    if "destination" in rule.checks and tx.destination in targets:
        places.append(
            Place(tx.destination, "destination", f"destination {place_name(tx.destination)}")
        )
    if "route" in rule.checks:
        places += [
            Place(code, f"route[{i}]", f"route through {place_name(code)}")
            for i, code in enumerate(tx.route)
            if code in targets
        ]
    if "parties" in rule.checks:
        places += [
            Place(p.country, f"parties[{i}].country", party_label(p))
            for i, p in enumerate(tx.parties)
            if p.country in targets
        ]
    return places


def _region_unknowns(tx: Transaction, rule: Embargo, touched: frozenset[str]) -> list[Place]:
    """Receiving places in a region's countries whose address cannot rule the region out
    (``touched``: `touched_countries` of ``tx``)."""
    region = rule.region
    if region is None or "parties" not in rule.checks or touched.isdisjoint(region.countries):
        return []
    receiving = [
        (i, p)
        for i, p in enumerate(tx.parties)
        if p.role in RECEIVING and p.country in region.countries
    ]
    places = [
        Place(p.country, f"parties[{i}].address", f"{party_label(p)} has no address")
        for i, p in receiving
        if p.address is None
    ]
    if tx.destination in region.countries and not any(p.address for _, p in receiving):
        label = f"destination {place_name(tx.destination)} with no receiving party's address"
        places.append(Place(tx.destination, "destination", label))
    return places


def embargoes(ctx: Context) -> list[Hit]:
    """Embargoes: a destination, a country on the route or a party's country (or address, for
    a region) that an embargo in force names."""
    tx, rules, day = ctx.tx, ctx.rules, ctx.day
    hits = []
    for rule in touching(rules, Embargo, day, ctx.touched):
        statuses, exempt = ctx.statuses, tuple[str, ...]()
        if rule.except_food_medicine:
            statuses, exempt = without_food_medicine(tx, rules, day, ctx.statuses)
            if not statuses:
                continue  # every item is exempt food or medicine
        places = embargo_places(tx, rule)
        if not places:
            unknown = _region_unknowns(tx, rule, ctx.touched)
            reach = reach_of(statuses, rule.items) if unknown else None
            if reach is not None:
                assert rule.region is not None
                message = (
                    f"{rule.title or rule.id}: {unknown[0].label}, so the {rule.region.name} "
                    f"cannot be ruled out; reaches {items_label(tx, reach.items)}."
                )
                evidence = tuple(f"{p.field}: {p.label}" for p in unknown)
                hits.append(
                    hit_for(
                        rules,
                        rule,
                        Outcome.REVIEW,
                        message,
                        field=unknown[0].field,
                        evidence=evidence,
                    )
                )
            continue
        reach = reach_of(statuses, rule.items)
        if reach is None:
            continue
        title = rule.title or rule.id
        message = f"{title}: {places[0].label}"
        if len(places) > 1:
            message += f" (and {len(places) - 1} more)"
        message += f"; reaches {items_label(tx, reach.items)}."
        hits.append(
            hit_for(
                rules,
                rule,
                cap(rule.outcome, reach.cap),
                message,
                field=places[0].field,
                verified=reach.verified,
                evidence=tuple(f"{p.field}: {p.label}" for p in places),
                notes=((reach.note,) if reach.note else ()) + exempt + kept_notes(rule, day),
            )
        )
    return hits


def embargoed_places(
    tx: Transaction,
    rules: RuleSet,
    day: dt.date,
    touched: frozenset[str] | None = None,
) -> list[Place]:
    """Every place the transaction touches that an embargo in force on ``day`` names
    (``touched`` as in `embargo_places`)."""
    if touched is None:
        return [p for r in rules.in_force(Embargo, day) for p in embargo_places(tx, r)]
    return [p for r in touching(rules, Embargo, day, touched) for p in embargo_places(tx, r)]
