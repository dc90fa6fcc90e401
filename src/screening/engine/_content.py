"""US-origin content of a foreign-made item: which parts count toward a destination (Supp.
No. 2 to part 734), and the foreign direct product rules' findings. Shared by the item
jurisdiction and the evaluators that explain it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from fractions import Fraction

from ..models import Component, Item, ItemStatus, Outcome, Role, Transaction
from ..rules import Category, DirectProduct, Embargo, ItemControl, RuleSet, read_requirement
from ._common import RECEIVING, Place, party_label, place_name, receiving_countries


def ships_from(tx: Transaction) -> str | None:
    """Where the goods leave from: as declared, else US when an exporter is in the US."""
    if tx.ships_from is not None:
        return tx.ships_from
    exporters = {p.country for p in tx.parties if p.role is Role.EXPORTER}
    return "US" if "US" in exporters else None


def foreign_made(tx: Transaction, item: Item) -> bool:
    """Made outside the US (as far as known) and not shipped from the US."""
    return item.origin != "US" and ships_from(tx) != "US"


def content_places(tx: Transaction) -> list[Place]:
    """Every country the goods go to or through: the de minimis levels of each apply."""
    return receiving_countries(tx) + [
        Place(code, f"route[{i}]", f"route {place_name(code)}") for i, code in enumerate(tx.route)
    ]


def eccn_matches(eccn: str, patterns: tuple[str, ...]) -> bool:
    """``eccn`` (upper case) matches one of the rule's ECCN patterns (``?``, ``*``, ``[A-X]``)."""
    return any(fnmatchcase(eccn, p) for p in patterns)


@dataclass(frozen=True, slots=True)
class Counted:
    """Whether a US-origin part counts as controlled content toward one place, and why."""

    counts: bool
    verified: bool
    why: str


def counted(rules: RuleSet, day: dt.date, part: Component, code: str) -> Counted:
    """Would ``part`` need a licence to ``code`` (Supp. No. 2 to part 734: the Country Chart
    as the item controls encode it, and the embargoes of part 746)? Unknowns count."""
    if part.eccn is None:
        return Counted(True, False, f"'{part.description}' has no ECCN, so it counts")
    for embargo in rules.in_force(Embargo, day):
        if code in embargo.countries:
            verified = embargo.verified and embargo.outcome is Outcome.BLOCK
            return Counted(True, verified, f"'{part.description}' ({part.eccn}): {embargo.id}")
    if part.eccn == "EAR99":
        return Counted(False, True, f"'{part.description}' is EAR99")
    entries = [c for c in rules.classifications.get(part.eccn[:5], ()) if c.in_force(day)]
    if not entries:
        why = f"'{part.description}' has ECCN {part.eccn}, which the rules do not classify"
        return Counted(True, False, why + ", so it counts")
    entry = entries[0]
    best: Counted | None = None
    for rule in rules.in_force(ItemControl, day):
        if not set(entry.reasons) & set(rule.reasons):
            continue
        member = rules.membership(rule.destinations, code, day)
        if member.member:
            verified = member.verified and rule.verified and entry.verified
            if best is None or (verified and not best.verified):
                best = Counted(True, verified, f"'{part.description}' ({part.eccn}): {rule.id}")
    return best or Counted(False, True, f"'{part.description}' ({part.eccn}) needs no licence")


def share(value: object, unit_value: object) -> Fraction:
    return Fraction(str(value)) * 100 / Fraction(str(unit_value))


# --- foreign direct product rules -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FdpFinding:
    """A foreign direct product rule whose other conditions hold for an item: ``applies`` is
    True (a direct product of its ECCNs), None (``direct_product_of`` not given) or False."""

    rule: DirectProduct
    applies: bool | None
    label: str
    verified: bool


def fdp_findings(tx: Transaction, rules: RuleSet, day: dt.date, index: int) -> list[FdpFinding]:
    """The FDP rules in force whose destination or footnote-listed party holds for the item."""
    item = tx.items[index]
    found = []
    for rule in rules.in_force(DirectProduct, day):
        trigger = _trigger(tx, rules, day, rule)
        if trigger is None:
            continue
        label, verified = trigger
        if item.direct_product_of is None:
            applies: bool | None = None
        else:
            applies = any(eccn_matches(e, rule.eccns) for e in item.direct_product_of)
        found.append(FdpFinding(rule, applies, label, verified and rule.verified))
    return found


def _trigger(
    tx: Transaction, rules: RuleSet, day: dt.date, rule: DirectProduct
) -> tuple[str, bool] | None:
    if rule.destinations is not None:
        for place in receiving_countries(tx):
            member = rules.membership(rule.destinations, place.code, day)
            if member.member:
                return place.label, member.verified
        return None
    for party in tx.parties:
        if party.role not in RECEIVING:
            continue
        for name in (party.name, *party.aliases):
            for match in rules.names.search(name, cutoff=rules.matching.possible):
                for listing in rules.listings.get(match.key, ()):
                    if not listing.in_force(day):
                        continue
                    if read_requirement(listing.licence_requirement).footnote == rule.footnote:
                        label = f"{party_label(party)}, listed with footnote {rule.footnote}"
                        return label, match.verified
    return None


# --- categories: food, medicine, part 746.5 projects ----------------------------------------


def in_category(rules: RuleSet, day: dt.date, item: Item, names: tuple[str, ...]) -> bool | None:
    """Is an EAR99 ``item`` in one of the categories by its ``hts`` (never its description)?
    None when that cannot be shown: no ``hts``, not EAR99, or only by an unverified rule."""
    if item.eccn != "EAR99" or item.hts is None:
        return None
    hts = item.hts
    return any(
        rule.category in names
        and rule.verified
        and any(hts.startswith(prefix) for prefix in rule.hts)
        for rule in rules.in_force(Category, day)
    )


def without_food_medicine(
    tx: Transaction, rules: RuleSet, day: dt.date, statuses: tuple[ItemStatus, ...]
) -> tuple[tuple[ItemStatus, ...], tuple[str, ...]]:
    """The items an exemption for EAR99 food and medicine leaves reached, and notes on what
    was exempted or not assumed (only ``hts`` shows food or medicine, never a description)."""
    kept: list[ItemStatus] = []
    notes: list[str] = []
    for status in statuses:
        item = tx.items[status.index]
        label = f"items[{status.index}] '{item.description}'"
        found = in_category(rules, day, item, ("food", "medicine"))
        if found:
            notes.append(f"{label} (EAR99, HTS {item.hts}) is food or medicine: exempt.")
            continue
        if item.eccn == "EAR99" and item.hts is None:
            notes.append(
                f"{label} is EAR99 but has no hts: the food and medicine exemption is not assumed."
            )
        kept.append(status)
    return tuple(kept), tuple(notes)
