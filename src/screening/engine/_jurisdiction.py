"""Jurisdiction: is each item subject to the EAR (15 CFR 734.3, 734.4, 734.9)? Reads the
``de_minimis``, ``no_de_minimis``, ``direct_product`` and ``content_threshold`` rules; every
other evaluator gets the result.

De minimis is worked out per destination (Supp. No. 2 to part 734): with ``components``, only
the US-origin parts that would need a licence to a place count toward it; with only
``us_content_value``, all of it counts toward every place (the conservative reading). The item's
status is the most severe over the places, and its reason names the test that decided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from decimal import Context as DecimalContext
from fractions import Fraction

from ..models import Item, ItemStatus, Jurisdiction, Transaction
from ..rules import ContentThreshold, DeMinimis, NoDeMinimis, RuleSet
from ._common import RECEIVING, Place
from ._content import content_places, counted, eccn_matches, fdp_findings, foreign_made, share

_PER_DESTINATION = "de minimis per destination (Supp. No. 2 to part 734)"
_CONSERVATIVE = "de minimis, all US content counted toward every destination (no components)"


def _percent(share: Fraction, level: Decimal | None = None) -> Decimal:
    """``share`` as a decimal percentage for display: two places, or as many more as it takes
    not to look equal to ``level`` when it is not (10.0004% is not "10.00%")."""
    with localcontext(DecimalContext(prec=60, rounding=ROUND_HALF_EVEN)):
        exact = Decimal(share.numerator) / Decimal(share.denominator)
        for places in range(2, 13):
            shown = exact.quantize(Decimal(1).scaleb(-places))
            if level is None or (shown == level) == (share == level):
                return shown
        return shown


def jurisdiction(tx: Transaction, rules: RuleSet, day: dt.date) -> tuple[ItemStatus, ...]:
    """Each item's status: subject to the EAR, not subject, or unknown (and why)."""
    return tuple(
        _with_itsr(tx, rules, day, _item_status(tx, i, rules, day)) for i in range(len(tx.items))
    )


@dataclass(frozen=True, slots=True)
class _Level:
    """A de minimis level in force for one of the places the goods go to."""

    percent: Decimal
    rule_id: str
    verified: bool


def _severity(status: ItemStatus) -> tuple[int, int]:
    order = {Jurisdiction.NOT_SUBJECT: 0, Jurisdiction.UNKNOWN: 1, Jurisdiction.SUBJECT: 2}
    return order[status.jurisdiction], int(status.verified)


def _item_status(tx: Transaction, index: int, rules: RuleSet, day: dt.date) -> ItemStatus:
    """Is item ``index`` subject to the EAR, and which test decided."""
    item = tx.items[index]
    base = {"index": index, "description": item.description}
    subject, unknown = Jurisdiction.SUBJECT, Jurisdiction.UNKNOWN
    if item.origin == "US":
        return ItemStatus(**base, jurisdiction=subject, reason="US-origin item")
    if not foreign_made(tx, item):
        reason = "item in or exported from the United States (15 CFR 734.3(a)(1))"
        return ItemStatus(**base, jurisdiction=subject, reason=reason)
    if item.origin is None:
        return ItemStatus(**base, jurisdiction=unknown, reason="origin not given")
    status = _de_minimis(tx, index, rules, day)
    excluded = _no_de_minimis(tx, index, rules, day)
    if excluded is not None and _severity(excluded) > _severity(status):
        status = excluded
    if status.jurisdiction is not subject or not status.verified:
        status = _direct_product(tx, index, rules, day, status)
    return status


def _de_minimis(tx: Transaction, index: int, rules: RuleSet, day: dt.date) -> ItemStatus:
    item = tx.items[index]
    base = {"index": index, "description": item.description}
    made_in = f"made in {item.origin}"
    unknown = Jurisdiction.UNKNOWN
    parts = item.components
    if parts is None and item.us_content_value is None:
        return ItemStatus(
            **base, jurisdiction=unknown, reason=f"{made_in}; US content value not given"
        )
    us_parts = [p for p in parts or () if p.origin == "US"]
    if (parts is not None and not us_parts) or (parts is None and item.us_content_value == 0):
        reason = f"{made_in}; no US content"
        return ItemStatus(**base, jurisdiction=Jurisdiction.NOT_SUBJECT, reason=reason)
    if not item.unit_value:
        return ItemStatus(**base, jurisdiction=unknown, reason=f"{made_in}; unit value not given")
    worst: ItemStatus | None = None
    for place in content_places(tx):
        status = _at_place(tx, index, rules, day, place)
        if worst is None or _severity(status) > _severity(worst):
            worst = status
    assert worst is not None  # the destination is always a place
    return worst


def _at_place(
    tx: Transaction, index: int, rules: RuleSet, day: dt.date, place: Place
) -> ItemStatus:
    """De minimis for one place: the controlled content toward it against its level."""
    item = tx.items[index]
    assert item.unit_value
    base = {"index": index, "description": item.description}
    made_in = f"made in {item.origin}"
    subject, unknown = Jurisdiction.SUBJECT, Jurisdiction.UNKNOWN
    caveats: list[str] = []
    if item.components is None:
        assert item.us_content_value is not None
        test = _CONSERVATIVE
        all_share = verified_share = share(item.us_content_value, item.unit_value)
    else:
        test = _PER_DESTINATION
        all_value = verified_value = Fraction(0)
        for part in item.components:
            if part.origin != "US":
                continue
            count = counted(rules, day, part, place.code)
            if count.counts:
                all_value += Fraction(str(part.value))
                verified_value += Fraction(str(part.value)) if count.verified else 0
                if not count.verified:
                    caveats.append(count.why)
        all_share = all_value * 100 / Fraction(str(item.unit_value))
        verified_share = verified_value * 100 / Fraction(str(item.unit_value))
    levels = [
        _Level(rule.percent, rule.id, member.verified and rule.verified)
        for rule in rules.in_force(DeMinimis, day)
        if (member := rules.membership(rule.destinations, place.code, day)).member
    ]
    key = lambda lv: (lv.percent, not lv.verified)  # noqa: E731
    strictest = min(levels, key=key, default=None)
    strictest_verified = min((lv for lv in levels if lv.verified), key=key, default=None)
    if strictest is None:
        reason = f"{test}: {made_in}; no de minimis level in force on {day} for {place.label}"
        return ItemStatus(
            **base, jurisdiction=unknown, reason=reason, us_content_percent=_percent(all_share)
        )
    if strictest_verified is not None and verified_share > strictest_verified.percent:
        level, found, verified, shown_share = strictest_verified, subject, True, verified_share
    elif all_share > strictest.percent:
        level, found, verified, shown_share = strictest, subject, False, all_share
    elif strictest_verified is not None:
        level, found, verified, shown_share = strictest, Jurisdiction.NOT_SUBJECT, True, all_share
    else:
        level, found, verified, shown_share = strictest, unknown, False, all_share
    shown = _percent(shown_share, level.percent)
    verb = "exceeds" if shown_share > level.percent else "does not exceed"
    what = "US content" if item.components is None else "controlled US content"
    reason = f"{test}: {made_in}; {what} {shown}% {verb} the {level.percent}% level for "
    reason += place.label
    if not level.verified:
        reason += " (the level rests on an unverified fact)"
    if caveats and found is subject and not verified:
        reason += f" (counted without a verified licence requirement: {'; '.join(caveats)})"
    return ItemStatus(
        **base,
        jurisdiction=found,
        reason=reason,
        us_content_percent=shown,
        de_minimis_percent=level.percent,
        rule_id=level.rule_id,
        verified=verified,
    )


def _no_de_minimis(tx: Transaction, index: int, rules: RuleSet, day: dt.date) -> ItemStatus | None:
    """15 CFR 734.4(a): US-origin parts of these ECCNs to these places make the item subject
    whatever their share; a US part without an ECCN leaves it unknown there."""
    item = tx.items[index]
    if item.components is None:
        return None
    base = {"index": index, "description": item.description}
    worst: ItemStatus | None = None
    for rule in rules.in_force(NoDeMinimis, day):
        for place in content_places(tx):
            member = rules.membership(rule.destinations, place.code, day)
            if not member.member:
                continue
            for part in item.components:
                if part.origin != "US":
                    continue
                if part.eccn is None:
                    reason = (
                        f"no de minimis eligibility (15 CFR 734.4(a), {rule.id}) cannot be ruled "
                        f"out: US part '{part.description}' has no ECCN, to {place.label}"
                    )
                    status = ItemStatus(
                        **base, jurisdiction=Jurisdiction.UNKNOWN, reason=reason, rule_id=rule.id
                    )
                elif eccn_matches(part.eccn, rule.eccns):
                    reason = (
                        f"no de minimis eligibility (15 CFR 734.4(a), {rule.id}): US part "
                        f"'{part.description}' ({part.eccn}) to {place.label}"
                    )
                    status = ItemStatus(
                        **base,
                        jurisdiction=Jurisdiction.SUBJECT,
                        reason=reason,
                        rule_id=rule.id,
                        verified=rule.verified and member.verified,
                    )
                else:
                    continue
                if worst is None or _severity(status) > _severity(worst):
                    worst = status
    return worst


def _direct_product(
    tx: Transaction, index: int, rules: RuleSet, day: dt.date, status: ItemStatus
) -> ItemStatus:
    """The foreign direct product rules: subject when the item is a direct product they name
    and their destination or party holds; unknown when ``direct_product_of`` is not given."""
    best = status
    for finding in fdp_findings(tx, rules, day, index):
        rule = finding.rule
        if finding.applies is None:
            reason = (
                f"foreign direct product not assessed ({rule.id}, to {finding.label}): "
                "direct_product_of not given; " + status.reason
            )
            candidate = status.model_copy(
                update={"jurisdiction": Jurisdiction.UNKNOWN, "reason": reason, "verified": False}
            )
        elif finding.applies:
            made = ", ".join(tx.items[index].direct_product_of or ())
            reason = (
                f"foreign direct product ({rule.id}): direct product of {made}, to {finding.label}"
            )
            candidate = ItemStatus(
                index=index,
                description=status.description,
                jurisdiction=Jurisdiction.SUBJECT,
                reason=reason,
                rule_id=rule.id,
                verified=finding.verified,
            )
        else:
            continue
        if _severity(candidate) > _severity(best):
            best = candidate
    return best


def _with_itsr(tx: Transaction, rules: RuleSet, day: dt.date, status: ItemStatus) -> ItemStatus:
    """Add to a not-subject item's reason that a programme's own content test still covers it."""
    if status.jurisdiction is Jurisdiction.SUBJECT:
        return status
    item = tx.items[status.index]
    for rule in rules.in_force(ContentThreshold, day):
        if not foreign_made(tx, item):
            continue
        found = us_share_all(item)
        if found is not None and found >= rule.percent and _goes_to(tx, rule.countries):
            reason = (
                f"{status.reason}; but covered by {rule.id} ({rule.citation}): US-origin content "
                f"{_percent(found, rule.percent)}% is {rule.percent}% or more"
            )
            return status.model_copy(update={"reason": reason})
    return status


def us_share_all(item: Item) -> Fraction | None:
    """All US-origin content (EAR99 included) as a share of the item's value, if known."""
    if not item.unit_value:
        return None
    if item.components is not None:
        value = sum((p.value for p in item.components if p.origin == "US"), Decimal(0))
        return share(value, item.unit_value)
    if item.us_content_value is None:
        return None
    return share(item.us_content_value, item.unit_value)


def _goes_to(tx: Transaction, countries: tuple[str, ...]) -> bool:
    """Is a content place of ``tx`` but the route's in ``countries``: the destination, or a
    receiving party's country (`receiving_countries`, without naming each place)?"""
    return tx.destination in countries or any(
        p.role in RECEIVING and p.country in countries for p in tx.parties
    )
