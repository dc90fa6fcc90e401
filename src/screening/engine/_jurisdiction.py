"""Jurisdiction: is each item subject to the EAR (15 CFR 734.3, 734.4)? Reads the
``de_minimis`` rules; every other evaluator gets the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from decimal import Context as DecimalContext
from fractions import Fraction

from ..models import ItemStatus, Jurisdiction, Role, Transaction
from ..rules import DeMinimis, RuleSet
from ._common import Place, place_name, receiving_countries


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
    return tuple(_item_status(tx, i, rules, day) for i in range(len(tx.items)))


@dataclass(frozen=True, slots=True)
class _Level:
    """A de minimis level in force for one of the places the goods go to."""

    percent: Decimal
    rule_id: str
    place: str
    verified: bool


def ships_from(tx: Transaction) -> str | None:
    """Where the goods leave from: as given, else US when an exporter is in the US."""
    if tx.ships_from is not None:
        return tx.ships_from
    exporters = {p.country for p in tx.parties if p.role is Role.EXPORTER}
    return "US" if "US" in exporters else None


def _item_status(tx: Transaction, index: int, rules: RuleSet, day: dt.date) -> ItemStatus:
    """Is item ``index`` subject to the EAR (15 CFR 734.3, 734.4), and why."""
    item = tx.items[index]
    base = {"index": index, "description": item.description}
    subject, unknown = Jurisdiction.SUBJECT, Jurisdiction.UNKNOWN
    if item.origin == "US":
        return ItemStatus(**base, jurisdiction=subject, reason="US-origin item")
    if ships_from(tx) == "US":
        reason = "item in or exported from the United States (15 CFR 734.3(a)(1))"
        return ItemStatus(**base, jurisdiction=subject, reason=reason)
    made_in = f"made in {item.origin}"
    if item.origin is None:
        return ItemStatus(**base, jurisdiction=unknown, reason="origin not given")
    if item.us_content_value is None:
        reason = f"{made_in}; US content value not given"
        return ItemStatus(**base, jurisdiction=unknown, reason=reason)
    if item.us_content_value == 0:
        reason = f"{made_in}; no US content"
        return ItemStatus(**base, jurisdiction=Jurisdiction.NOT_SUBJECT, reason=reason)
    if not item.unit_value:
        reason = f"{made_in}; unit value not given"
        return ItemStatus(**base, jurisdiction=unknown, reason=reason)
    # Exact arithmetic: no rounding, and no dependence on the caller's decimal context.
    share = Fraction(item.us_content_value) * 100 / Fraction(item.unit_value)
    strictest_verified, strictest = _de_minimis_levels(tx, rules, day)
    if strictest is None:
        reason = f"{made_in}; no de minimis level in force on {day}"
        return ItemStatus(
            **base, jurisdiction=unknown, reason=reason, us_content_percent=_percent(share)
        )
    if strictest_verified is not None and share > strictest_verified.percent:
        level, found, verified = strictest_verified, subject, True
    elif share > strictest.percent:
        level, found, verified = strictest, subject, False  # only the unverified level is passed
    elif strictest_verified is not None:
        level, found, verified = strictest, Jurisdiction.NOT_SUBJECT, True
    else:
        level, found, verified = strictest, unknown, False  # below an unverified level only
    shown = _percent(share, level.percent)
    verb = "exceeds" if share > level.percent else "does not exceed"
    reason = f"{made_in}; US content {shown}% {verb} the {level.percent}% de minimis level for "
    reason += level.place
    if not level.verified:
        reason += " (the level rests on an unverified fact)"
    return ItemStatus(
        **base,
        jurisdiction=found,
        reason=reason,
        us_content_percent=shown,
        de_minimis_percent=level.percent,
        rule_id=level.rule_id,
        verified=verified,
    )


def _de_minimis_levels(
    tx: Transaction, rules: RuleSet, day: dt.date
) -> tuple[_Level | None, _Level | None]:
    """The strictest verified level, and the strictest of all, in force for any country the
    goods go to (fail closed: the lowest level wins)."""
    places = receiving_countries(tx) + [
        Place(code, f"route[{i}]", f"route {place_name(code)}") for i, code in enumerate(tx.route)
    ]
    levels = [
        _Level(rule.percent, rule.id, place.label, member.verified and rule.verified)
        for place in places
        for rule in rules.of_kind(DeMinimis)
        if rule.in_force(day)
        and (member := rules.membership(rule.destinations, place.code, day)).member
    ]
    verified = [lv for lv in levels if lv.verified]
    key = lambda lv: (lv.percent, not lv.verified)  # noqa: E731
    return (min(verified, key=key, default=None), min(levels, key=key, default=None))
