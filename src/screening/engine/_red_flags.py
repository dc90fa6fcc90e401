"""The red-flag kinds: ``transshipment``, ``destination_mismatch``, ``missing_party``,
``end_use``."""

from __future__ import annotations

from ..models import Hit, Role, Transaction
from ..names import fold_text
from ..rules import DestinationMismatch, EndUse, MissingParty, RuleSet, Transshipment
from ._common import Context, Place, contains_term, hit_for, party_label, place_name
from ._embargo import embargoed_places

_VIA_ROLES = (Role.INTERMEDIATE_CONSIGNEE, Role.FORWARDER, Role.CONSIGNEE, Role.BUYER)


def _transship(
    tx: Transaction, rules: RuleSet, rule: Transshipment, embargoed: list[Place]
) -> list[Hit]:
    if not embargoed:
        return []
    hubs = set(rule.hubs)
    via = [
        Place(code, f"route[{i}]", f"route through {place_name(code)}")
        for i, code in enumerate(tx.route)
        if code in hubs and code != tx.destination
    ]
    via += [
        Place(p.country, f"parties[{i}].country", party_label(p))
        for i, p in enumerate(tx.parties)
        if p.country in hubs and p.role in _VIA_ROLES
    ]
    if not via:
        return []
    message = (
        f"Goods reach {embargoed[0].label} via the transshipment hub "
        f"{place_name(via[0].code)} ({via[0].label})."
    )
    evidence = tuple(f"{p.field}: {p.label}" for p in via + embargoed)
    return [hit_for(rules, rule, rule.outcome, message, field=via[0].field, evidence=evidence)]


def _mismatch(tx: Transaction, rules: RuleSet, rule: DestinationMismatch) -> list[Hit]:
    off = [
        Place(p.country, f"parties[{i}].country", party_label(p))
        for i, p in enumerate(tx.parties)
        if p.role in rule.roles and p.country != tx.destination
    ]
    if tx.route and tx.route[-1] != tx.destination:
        off.append(Place(tx.route[-1], f"route[{len(tx.route) - 1}]", "the route's last country"))
    if not off:
        return []
    message = (
        f"Declared destination is {place_name(tx.destination)}, but {off[0].label} is in "
        f"{place_name(off[0].code)}."
    )
    evidence = tuple(f"{p.field}: {p.label}" for p in off)
    return [hit_for(rules, rule, rule.outcome, message, field=off[0].field, evidence=evidence)]


def _missing(tx: Transaction, rules: RuleSet, rule: MissingParty) -> list[Hit]:
    if any(p.role is rule.role for p in tx.parties):
        return []
    # The hit says nothing of the transaction: made once per rule set and kept (half of all
    # transactions have no end user, and making a hit is most of the work here).
    return [rules.memo(("missing_party", rule.id), lambda: _missing_hit(rules, rule))]


def _missing_hit(rules: RuleSet, rule: MissingParty) -> Hit:
    message = f"No {rule.role} is declared: {rule.title or rule.id}."
    return hit_for(rules, rule, rule.outcome, message, field="parties")


def _end_use(tx: Transaction, rules: RuleSet, rule: EndUse) -> list[Hit]:
    if tx.end_use is None:
        return []
    folded = fold_text(tx.end_use)
    found = tuple(t for t in rule.terms if contains_term(folded, t))
    if not found:
        return []
    message = f"The stated end use mentions {', '.join(repr(t) for t in found)}."
    return [hit_for(rules, rule, rule.outcome, message, field="end_use", evidence=found)]


def transshipment(ctx: Context) -> list[Hit]:
    """Red flag: goods for an embargoed place routed or consigned via a transshipment hub."""
    in_force = ctx.rules.in_force(Transshipment, ctx.day)
    if not in_force:
        return []
    embargoed = embargoed_places(ctx.tx, ctx.rules, ctx.day, ctx.touched)
    return [h for r in in_force for h in _transship(ctx.tx, ctx.rules, r, embargoed)]


def destination_mismatch(ctx: Context) -> list[Hit]:
    """Red flag: a receiving party, or the route's end, outside the declared destination."""
    rules = ctx.rules.in_force(DestinationMismatch, ctx.day)
    return [h for r in rules for h in _mismatch(ctx.tx, ctx.rules, r)]


def missing_party(ctx: Context) -> list[Hit]:
    """Red flag: no party in a required role."""
    rules = ctx.rules.in_force(MissingParty, ctx.day)
    return [h for r in rules for h in _missing(ctx.tx, ctx.rules, r)]


def end_use(ctx: Context) -> list[Hit]:
    """Red flag: the stated end use mentions a term of concern."""
    rules = ctx.rules.in_force(EndUse, ctx.day)
    return [h for r in rules for h in _end_use(ctx.tx, ctx.rules, r)]
