"""The ``item_control`` kind, with the ``classification`` of each ECCN and the ``country_group``
of each destination."""

from __future__ import annotations

import datetime as dt

from ..models import Hit, ItemStatus, Jurisdiction, Outcome, Transaction
from ..rules import ItemControl, Membership, RuleSet
from ._common import Context, Place, hit_for, receiving_countries


def item_controls(ctx: Context) -> list[Hit]:
    """Item controls: an item whose ECCN is controlled for one of the rule's reasons going to
    one of its destinations; an unknown ECCN gives a review."""
    tx, rules, day, statuses = ctx.tx, ctx.rules, ctx.day, ctx.statuses
    hits = []
    places = receiving_countries(tx)
    for rule in rules.of_kind(ItemControl):
        if not rule.in_force(day):
            continue
        for place in places:
            member = rules.membership(rule.destinations, place.code, day)
            if not member.member:
                continue
            for status in statuses:
                if status.jurisdiction is not Jurisdiction.NOT_SUBJECT:
                    hit = _item_control_hit(tx, rules, day, rule, place, member, status)
                    if hit is not None:
                        hits.append(hit)
    return hits


def _item_control_hit(
    tx: Transaction,
    rules: RuleSet,
    day: dt.date,
    rule: ItemControl,
    place: Place,
    member: Membership,
    status: ItemStatus,
) -> Hit | None:
    """Does ``rule`` require a licence for one item to one place? Unknowns give a review."""
    item = tx.items[status.index]
    label = f"items[{status.index}] '{item.description}'"
    notes: tuple[str, ...] = ()
    if status.jurisdiction is Jurisdiction.UNKNOWN:
        notes = (f"Whether {label} is subject to the EAR is unknown: {status.reason}.",)
    if item.eccn == "EAR99":
        return None
    entries = []
    if item.eccn is None:
        unknown = f"{label} has no ECCN"
    else:
        entries = [c for c in rules.classifications.get(item.eccn[:5], ()) if c.in_force(day)]
        unknown = f"{label} has ECCN {item.eccn}, which this rule set does not classify"
    field = f"items[{status.index}].eccn"
    if not entries:
        message = (
            f"{unknown}, so the licence requirement of {rule.id} "
            f"({'/'.join(rule.reasons)}) for {place.label} cannot be ruled out."
        )
        return hit_for(rules, rule, Outcome.REVIEW, message, field=field, item=label, notes=notes)
    entry = entries[0]
    if not set(entry.reasons) & set(rule.reasons):
        return None
    outcome = rule.outcome if status.jurisdiction is Jurisdiction.SUBJECT else Outcome.REVIEW
    message = (
        f"{label} ({item.eccn}, controlled for {'/'.join(entry.reasons)}) to "
        f"{place.label}: {rule.title or rule.id}."
    )
    return hit_for(
        rules,
        rule,
        outcome,
        message,
        field=field,
        item=label,
        verified=entry.verified and member.verified and status.verified,
        evidence=(f"{place.field}: {place.label}", f"classification {entry.id}"),
        notes=notes,
    )
