"""The ``item_control`` kind, with the ``classification`` of each ECCN and the ``country_group``
of each destination."""

from __future__ import annotations

import datetime as dt

from ..models import Hit, ItemStatus, Jurisdiction, Outcome, Transaction
from ..rules import (
    Classification,
    Determination,
    ItemControl,
    Licence,
    Membership,
    RuleSet,
    licence_determination,
)
from ._common import Context, Place, hit_for


def item_controls(ctx: Context) -> list[Hit]:
    """Item controls: an item whose ECCN is controlled for one of the rule's reasons going to
    one of its destinations; an unknown ECCN gives a review."""
    tx, rules, day, statuses = ctx.tx, ctx.rules, ctx.day, ctx.statuses
    hits: list[Hit] = []
    subject = [s for s in statuses if s.jurisdiction is not Jurisdiction.NOT_SUBJECT]
    if not subject:
        return hits
    # The receiving places mostly share a country (the destination and the parties there).
    # For one rule and item, places of one country give hits alike but for the place they
    # name (outcome, verification: all from the country), and `evaluate` keeps the first of
    # equally severe hits per rule and item: only the first place of each country can give the
    # hit kept, so the others are not tried.
    firsts: dict[str, Place] = {}
    for place in ctx.receiving:
        firsts.setdefault(place.code, place)
    # Each item's ECCN and its classification in force, looked up once for every rule.
    eccns = [tx.items[s.index].eccn for s in subject]
    classified = {e: _classification(rules, day, e) for e in eccns if e and e != "EAR99"}
    for rule in rules.in_force(ItemControl, day):
        # Most items cannot meet most rules whatever the place (EAR99, or classified for other
        # reasons): they are set aside once per rule, before any place is looked at.
        reached = [
            s
            for s, eccn in zip(subject, eccns, strict=True)
            if _may_require(rule, eccn, classified.get(eccn or ""))
        ]
        if not reached:
            continue
        memo: dict[tuple[str, str], Determination] = {}  # chart answers, by ECCN and country
        for place in firsts.values():
            member = rules.membership(rule.destinations, place.code, day)
            if not member.member:
                continue
            for status in reached:
                hit = _item_control_hit(tx, rules, day, rule, place, member, status, memo)
                if hit is not None:
                    hits.append(hit)
    return hits


def _classification(rules: RuleSet, day: dt.date, eccn: str) -> Classification | None:
    """The classification of ``eccn`` in force on ``day`` that item controls read (the first
    in force), or None when the rule set does not classify it."""
    return next((c for c in rules.classifications.get(eccn[:5], ()) if c.in_force(day)), None)


def _may_require(rule: ItemControl, eccn: str | None, entry: Classification | None) -> bool:
    """False when ``rule`` cannot give a hit for an item of ``eccn`` (classified as ``entry``)
    to any place: EAR99; classified for none of the rule's reasons; or, for a rule read on the
    Country Chart, classified on none of its reasons' columns (`licence_determination` then
    answers "not required" whatever the country). `_item_control_hit` then answers None for
    every place, so the item need not be tried place by place."""
    if eccn == "EAR99":
        return False
    if eccn is None or entry is None:
        return True  # unknown: a review (or the chart's answer for an ECCN it does not know)
    if rule.chart:
        return any(column[:2] in rule.reasons for column in entry.columns)
    return not set(entry.reasons).isdisjoint(rule.reasons)


def _item_control_hit(
    tx: Transaction,
    rules: RuleSet,
    day: dt.date,
    rule: ItemControl,
    place: Place,
    member: Membership,
    status: ItemStatus,
    memo: dict[tuple[str, str], Determination],
) -> Hit | None:
    """Does ``rule`` require a licence for one item to one place? Unknowns give a review."""
    item = tx.items[status.index]
    if item.eccn == "EAR99":
        return None
    if rule.chart and item.eccn is not None:
        return _chart_hit(tx, rules, day, rule, place, status, memo)
    label, notes = _item_label(tx, status)
    field = f"items[{status.index}].eccn"
    entries = []
    if item.eccn is None:
        unknown = f"{label} has no ECCN"
    else:
        entries = [c for c in rules.classifications.get(item.eccn[:5], ()) if c.in_force(day)]
        unknown = f"{label} has ECCN {item.eccn}, which this rule set does not classify"
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


def _chart_hit(
    tx: Transaction,
    rules: RuleSet,
    day: dt.date,
    rule: ItemControl,
    place: Place,
    status: ItemStatus,
    memo: dict[tuple[str, str], Determination],
) -> Hit | None:
    """The Country Chart's answer for one item to one place (15 CFR 738.4): a verified X blocks
    unless the CCL entry names licence exceptions (then a review naming them, never applied);
    an unknown ECCN, a missing row or an unverified cell gives a review."""
    item = tx.items[status.index]
    assert item.eccn is not None
    key = (item.eccn, place.code)
    found = memo.get(key)
    if found is None:
        found = memo[key] = licence_determination(
            rules, item.eccn, place.code, day, reasons=rule.reasons
        )
    if found.licence is Licence.NOT_REQUIRED:
        return None
    label, notes = _item_label(tx, status)
    field = f"items[{status.index}].eccn"
    evidence = [f"{place.field}: {place.label}"]
    if found.classification is not None:
        evidence.append(f"classification {found.classification.id}")
    if found.row is not None:
        evidence.append(f"chart row {found.row.id}")
    if found.licence is Licence.UNDETERMINED:
        if found.classification is None:
            message = (
                f"{label}: unknown ECCN {item.eccn} (not in the CCL data), so a licence "
                f"for {place.label} cannot be ruled out."
            )
        else:
            message = f"{label}: the licence requirement cannot be confirmed ({found.reason})."
        outcome = Outcome.REVIEW
    else:
        message = f"{label}: licence required by the Country Chart ({found.reason})."
        outcome = rule.outcome if status.jurisdiction is Jurisdiction.SUBJECT else Outcome.REVIEW
    if found.exceptions:
        message += (
            f" Licence exceptions the CCL entry names, not assessed here: "
            f"{', '.join(found.exceptions)}."
        )
        outcome = Outcome.REVIEW
    verified = found.licence is Licence.REQUIRED and status.verified
    return hit_for(
        rules,
        rule,
        outcome,
        message,
        field=field,
        item=label,
        verified=verified,
        evidence=tuple(evidence),
        notes=notes,
    )


def _item_label(tx: Transaction, status: ItemStatus) -> tuple[str, tuple[str, ...]]:
    """How a hit names the item, and its note when the item's jurisdiction is unknown."""
    label = f"items[{status.index}] '{tx.items[status.index].description}'"
    if status.jurisdiction is Jurisdiction.UNKNOWN:
        return label, (f"Whether {label} is subject to the EAR is unknown: {status.reason}.",)
    return label, ()
